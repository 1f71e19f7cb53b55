% rebase('base.tpl', title='Commissioning best practice')
<h1>Find examples of good commissioning with the voluntary and community sector</h1>
<p class="lead">Real examples of public bodies commissioning in line with the Compact, the agreement between government and the voluntary and community sector in England.</p>
<form action="/search" method="get">
% include('_searchbox.tpl', q='')
</form>
<p>{{ctx['total']}} examples. <a href="/coverage">See where evidence is thin</a>.</p>
% if ctx.get('propose_url'):
<p><a href="{{ctx['propose_url']}}">Propose a new example</a></p>
% end
<h2>Browse by Compact principle</h2>
<ul class="principles">
% for v in ctx['facets']['principle']:
  <li>
    <h3><a href="/principles/{{v['value']}}">{{v['label']}}</a></h3>
    <p>{{v['description']}}</p>
    <p class="meta"><a href="{{term_url('principle', v['value'])}}">{{v['count']}} example{{'' if v['count'] == 1 else 's'}}<span class="visually-hidden"> of {{v['label']}}</span></a></p>
  </li>
% end
</ul>
<h2>Browse by sector</h2>
<ul class="sector-list">
% for v in ctx['facets']['sector']:
  <li><a href="{{term_url('sector', v['value'])}}">{{v['label']}}</a> <span class="meta">({{v['count']}}<span class="visually-hidden"> example{{'' if v['count'] == 1 else 's'}}</span>)</span></li>
% end
</ul>
<p>Or browse every <a href="/sectors">sector</a>, <a href="/stages">commissioning stage</a> and <a href="/regions">region</a>.</p>
<h2>Newest examples</h2>
<p>By the date of their sources. See also <a href="/search?sort=added">the examples added here most recently</a>.</p>
<ul class="newest">
% for e in ctx['newest']:
  <li><a href="{{entry_url(e['slug'])}}">{{e['title']}}</a> <span class="print-url">({{site_base}}{{entry_url(e['slug'])}})</span> <span class="meta">published <time datetime="{{machine_date(e['published'], e['published_precision'])}}">{{human_date(e['published'], e['published_precision'])}}</time></span></li>
% end
</ul>
