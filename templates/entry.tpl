% rebase('base.tpl', title=('Withdrawn: ' if ctx.get('withdrawn') else '') + ctx['title'])
<article class="entry">
<h1>{{ctx['title']}}</h1>
% include('_withdrawn.tpl', ctx=ctx)
<p class="lead">{{ctx['summary']}}</p>
<dl class="entry-meta">
% for facet in FACETS:
%   tags = ctx[FIELD[facet]]
%   if tags:
  <dt>{{taxonomy[facet].label}}</dt>
  <dd>
%     for i, s in enumerate(tags):
    <a href="{{term_url(facet, s)}}">{{taxonomy[facet].label_of(s)}}</a>{{', ' if i + 1 < len(tags) else ''}}
%     end
  </dd>
%   end
% end
% if ctx['organisations']:
  <dt>Organisations</dt>
  <dd>{{', '.join(ctx['organisations'])}}</dd>
% end
  <dt>Published</dt>
  <dd><time datetime="{{machine_date(ctx['published'], ctx['published_precision'])}}">{{human_date(ctx['published'], ctx['published_precision'])}}</time> (the date of its source)</dd>
% if ctx['added']:
  <dt>Added here</dt>
  <dd><time datetime="{{ctx['added']}}">{{human_date(ctx['added'])}}</time></dd>
% end
% if ctx['updated']:
  <dt>Last updated</dt>
  <dd><time datetime="{{ctx['updated']}}">{{human_date(ctx['updated'])}}</time></dd>
% end
% if ctx.get('history_url') and ctx['updates']:
  <dt>Changes to this page</dt>
  <dd>{{ctx['updates']}} since it was first put here, the latest on <time datetime="{{ctx['last_change']}}">{{human_date(ctx['last_change'])}}</time> (<a href="{{ctx['history_url']}}">see what changed</a>)</dd>
% end
% if ctx['review_by']:
  <dt>Next review</dt>
  <dd><time datetime="{{ctx['review_by']}}">{{human_date(ctx['review_by'])}}</time>{{' (overdue: check the example is still accurate before relying on it)' if ctx['review_overdue'] else ''}}</dd>
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
%     if s['date']:
    <span class="source-meta">({{s['publisher'] + ', ' if s['publisher'] else ''}}<time datetime="{{s['date']}}">{{human_date(s['date'])}}</time>)</span>
%     elif s['publisher']:
    <span class="source-meta">({{s['publisher']}})</span>
%     end
  </li>
%   end
</ul>
% end
<aside class="cite" aria-labelledby="cite-title">
  <h2 id="cite-title">Cite or link to this</h2>
  <p>Permanent address: <a href="{{ctx['url']}}">{{ctx['url']}}</a></p>
% if ctx['headings']:
  <p>Link to a section:</p>
  <ul>
%   for h in ctx['headings']:
    <li><a href="{{ctx['url']}}#{{h['id']}}">{{h['text']}}</a> <span class="print-url">({{ctx['url']}}#{{h['id']}})</span></li>
%   end
  </ul>
% end
% if ctx.get('version_url'):
  <p>Link to this version (it will always show the text as it is now): <a href="{{ctx['version_url']}}">{{ctx['version_url']}}</a></p>
% end
  <p>Citation:</p>
  <p class="citation">{{ctx['citation']}}</p>
  <p class="data-links">Also as <a href="{{entry_url(ctx['slug'])}}.json">JSON</a> and <a href="{{entry_url(ctx['slug'])}}.md">Markdown</a>.</p>
  <p class="no-print"><label for="embed-code">Show this example on your own web page: copy this code</label></p>
  <textarea id="embed-code" class="embed-code no-print" rows="3" readonly>{{ctx['embed_code']}}</textarea>
% if ctx.get('edit_url'):
  <p class="no-print"><a href="{{ctx['edit_url']}}">Suggest a change to this example</a> (opens the file in the site's Git host, where any change is checked before it is published)</p>
% end
</aside>
% if ctx['related']:
<aside class="related" aria-labelledby="related-title">
  <h2 id="related-title">Related examples</h2>
  <ul>
%   for r in ctx['related']:
    <li><a href="{{entry_url(r['slug'])}}">{{r['title']}}</a></li>
%   end
  </ul>
</aside>
% end
</article>
