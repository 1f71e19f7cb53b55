% rebase('base.tpl', title='{} ({})'.format(ctx['label'], ctx['facet_label'].lower()))
<p class="caption">{{ctx['facet_label']}}</p>
<h1>{{ctx['label']}}</h1>
<p class="lead">{{ctx['description']}}</p>
% include('_browse.tpl')
% if ctx['words']:
<p class="term-words">Searches for these words also find its examples: {{', '.join(ctx['words'])}}.</p>
% end
<p><a href="{{ctx['search_url']}}">Search within the {{ctx['total']}} example{{'' if ctx['total'] == 1 else 's'}} of {{ctx['label']}}</a></p>
% if ctx['results']:
% shown = len(ctx['results'])
<h2>{{'Examples, newest first' if shown == ctx['total'] else 'The {} newest examples of {}'.format(shown, ctx['total'])}}</h2>
<ul class="newest">
%   for r in ctx['results']:
  <li><a href="{{entry_url(r['slug'])}}">{{r['title']}}</a> <span class="print-url">({{site_base}}{{entry_url(r['slug'])}})</span> <span class="meta">published <time datetime="{{machine_date(r['published'], r['published_precision'])}}">{{human_date(r['published'], r['published_precision'])}}</time></span><br>{{r['summary']}}</li>
%   end
</ul>
%   if shown < ctx['total']:
<p><a href="{{ctx['search_url']}}">See all {{ctx['total']}} examples of {{ctx['label']}}</a></p>
%   end
% else:
<p class="no-results">There are no examples of this yet. If you know of one, see <a href="/about">how to contribute</a>.</p>
% end
