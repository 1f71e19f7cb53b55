% rebase('base.tpl', title=ctx['title'], alternate=entry_url(ctx['slug']) + '.json')
<article class="entry">
<h1>{{ctx['title']}}</h1>
<p class="lead">{{ctx['summary']}}</p>
<dl class="entry-meta">
% for facet in FACETS:
%   if ctx[facet]:
  <dt>{{taxonomy[facet].label}}</dt>
  <dd>
%     for i, s in enumerate(ctx[facet]):
    <a href="{{term_url(facet, s)}}">{{taxonomy[facet].label_of(s)}}</a>{{', ' if i + 1 < len(ctx[facet]) else ''}}
%     end
  </dd>
%   end
% end
% if ctx['organisations']:
  <dt>Organisations</dt>
  <dd>{{', '.join(ctx['organisations'])}}</dd>
% end
  <dt>Published</dt>
  <dd><time datetime="{{ctx['published']}}">{{ctx['published']}}</time></dd>
  <dt>Last updated</dt>
  <dd><time datetime="{{ctx['updated'] or ctx['published']}}">{{ctx['updated'] or ctx['published']}}</time></dd>
% if ctx['review_by']:
  <dt>Next review</dt>
  <dd><time datetime="{{ctx['review_by']}}">{{ctx['review_by']}}</time></dd>
% end
</dl>
<div class="entry-body">
{{!ctx['html']}}
</div>
% if ctx['sources']:
<h2 id="sources">Sources</h2>
<ul class="sources">
%   for s in ctx['sources']:
  <li>
%     if s['url']:
    <a href="{{s['url']}}">{{s['title']}}</a> <span class="print-url">({{s['url']}})</span>
%     else:
    {{s['title']}}
%     end
  </li>
%   end
</ul>
% end
</article>
