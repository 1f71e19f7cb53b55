% rebase('base.tpl', title='Commissioning best practice')
<h1>Find examples of good commissioning with the voluntary and community sector</h1>
<p class="lead">Real examples of public bodies commissioning in line with the Compact: partnership, fair funding, proper notice, proportionate monitoring and more.</p>
<form action="/search" method="get">
% include('_searchbox.tpl', q='')
</form>
<h2>Browse by Compact principle</h2>
<ul class="term-list">
% for v in ctx['facets']['principle']:
  <li><a href="{{term_url('principles', v['value'])}}">{{v['label']}}</a> <span class="count">{{v['count']}} example{{'' if v['count'] == 1 else 's'}}</span></li>
% end
</ul>
<h2>Newest examples</h2>
<ul class="newest">
% for e in ctx['newest']:
  <li><a href="{{entry_url(e['slug'])}}">{{e['title']}}</a> <span class="meta">{{e['published']}}</span></li>
% end
</ul>
