<li class="hit">
  <h3 class="hit-title"><a href="{{entry_url(hit['slug'])}}">{{hit['title']}}</a></h3>
  <p class="print-url">{{hit['url']}}</p>
  <p class="hit-summary">{{hit['summary']}}</p>
  % if hit.get('highlights'):
  <p class="hit-snippet">{{!hit['highlights']}}</p>
  % end
  % tags = hit.get('matched', {}).get('tags')
  % if tags:
  <p class="hit-why">{{'Tagged' if hit['matched']['words'] else 'Found through its tag'}}
    % for n, t in enumerate(tags):
    <a href="{{t['url']}}">{{t['label']}}</a> (for ‘{{t['matched']}}’){{';' if n < len(tags) - 1 else ''}}
    % end
  </p>
  % end
  % for t in hit.get('matched', {}).get('suggested', []):
  <p class="hit-why">Tagged <a href="{{t['url']}}">{{t['label']}}</a>, a topic your words suggest</p>
  % end
  <dl class="hit-meta">
    <dt>Principles</dt>
    <dd>{{', '.join(taxonomy['principle'].label_of(s) for s in hit['principles'])}}</dd>
    <dt>Sectors</dt>
    <dd>{{', '.join(taxonomy['sector'].label_of(s) for s in hit['sectors'])}}</dd>
    <dt>Published</dt>
    <dd><time datetime="{{machine_date(hit['published'], hit['published_precision'])}}">{{human_date(hit['published'], hit['published_precision'])}}</time></dd>
%   if ctx['sort'] == 'added' and hit['added']:
    <dt>Added here</dt>
    <dd><time datetime="{{hit['added']}}">{{human_date(hit['added'])}}</time></dd>
%   end
  </dl>
</li>
