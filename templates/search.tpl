% rebase('base.tpl', title=(ctx['query']['q'] + ' – search' if ctx['query']['q'] else 'Search'), alternate=json_url)
<h1>Search examples</h1>
<form action="/search" method="get" class="search-layout">
  <div class="search-main">
% include('_searchbox.tpl', q=ctx['query']['q'])
    <p class="result-count" role="status" aria-live="polite">{{ctx['sentence']}}</p>
% if ctx['filters']:
    <ul class="filter-tags" aria-label="Active filters">
%   for f in ctx['filters']:
      <li><a href="{{f['remove_url']}}">Remove filter {{f['label']}}</a></li>
%   end
      <li><a href="{{ctx['clear_url']}}">Clear all filters</a></li>
    </ul>
% end
% if ctx['note']:
    <p class="note">{{ctx['note']}}</p>
% end
% if ctx['suggestion']:
    <p class="suggestion">Did you mean <a href="{{ctx['suggestion_url']}}">{{ctx['suggestion']}}</a>?</p>
% end
% if ctx['results']:
    <ol class="hits">
%   for hit in ctx['results']:
%     include('_hit.tpl', hit=hit)
%   end
    </ol>
% else:
    <div class="no-results">
      <h2>No examples found</h2>
      <p>Try one of these:</p>
      <ul>
%   for r in ctx['relaxations']:
        <li><a href="{{r['url']}}">Remove the filter {{r['label']}}</a> ({{r['total']}} result{{'' if r['total'] == 1 else 's'}})</li>
%   end
%   if ctx['filters']:
        <li><a href="{{ctx['clear_url']}}">Clear all filters</a></li>
%   end
        <li>Check the spelling, or use fewer or more general words.</li>
        <li><a href="/">Browse the examples by Compact principle</a>.</li>
      </ul>
    </div>
% end
% if ctx['pages'] > 1:
    <nav class="pagination" aria-label="Results pages">
%   if ctx['prev_url']:
      <a rel="prev" href="{{ctx['prev_url']}}">Previous page</a>
%   end
      <span>Page {{ctx['page']}} of {{ctx['pages']}}</span>
%   if ctx['next_url']:
      <a rel="next" href="{{ctx['next_url']}}">Next page</a>
%   end
    </nav>
% end
  </div>
  <div class="search-filters">
    <h2 class="filters-title">Filter</h2>
% include('_facets.tpl')
    <button type="submit" class="secondary">Apply filters</button>
  </div>
</form>
