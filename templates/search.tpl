% named = ([ctx['query']['q']] if ctx['query']['q'] else []) + [f['label'] for f in ctx['filters']]
% page = ' – page ' + str(ctx['page']) if ctx['page'] > 1 else ''
% errors = {e['field']: e for e in ctx.get('errors', [])}
% count = '{:,} result{}'.format(ctx['total'], '' if ctx['total'] == 1 else 's')
% rebase('base.tpl', title=('Error: ' if errors else '') + (', '.join(named) + ': ' + count + ' – search' if named else 'Search: ' + count) + page)
<h1>Search examples</h1>
% if errors:
<div class="error-summary" role="alert" tabindex="-1">
  <h2>There is a problem</h2>
  <ul>
%   for e in ctx['errors']:
    <li><a href="#{{e['anchor']}}">{{e['message']}}</a>
%     if e.get('instead_url'):
      <a class="instead" href="{{e['instead_url']}}">Search with ‘{{e['instead_label']}}’ instead</a>
%     end
    </li>
%   end
  </ul>
%   others = [e for e in errors.values() if e['field'] != 'q' and not e['swap']]
%   if 'q' in errors:
  <p>The results below are for {{len(errors['q']['searched'].split())}} of its words: each once, without the small words{{', and without the rest' if others else ''}}.</p>
%   elif others:
  <p>The results below are for the search without {{'it' if len(others) == 1 else 'them'}}.</p>
%   end
</div>
% end
<p class="jump-to-filters"><a href="#filters">Filter the results</a></p>
<form action="/search" method="get" class="search-layout" id="search-form" autocomplete="off">
  <div class="search-main">
% include('_searchbox.tpl', q=ctx['query']['q'])
    <p class="result-count" id="result-count" role="status" aria-live="polite">{{ctx['sentence']}}</p>
    <p class="print-url">This search: {{site_base}}{{ctx['first_url']}}{{'' if ctx['sort'] == 'relevance' else ' (sorted by {})'.format(SORTS[ctx['sort']].lower())}}{{' · page {} of {}'.format(ctx['page'], ctx['pages']) if 1 < ctx['pages'] and ctx['page'] <= ctx['pages'] else ''}}</p>
% if ctx['filters']:
    <ul class="filter-tags" aria-label="Active filters">
%   for f in ctx['filters']:
      <li><a href="{{f['remove_url']}}">Remove filter: {{f['label']}}</a></li>
%   end
      <li><a href="{{ctx['clear_url']}}">Clear all filters</a></li>
    </ul>
% end
% if ctx['total'] > 1:
    <div class="field sort-bar">
      <label for="sort">Sort by</label>
      <select id="sort" name="sort">
%   for value, label in SORTS.items():
%     if value == 'relevance' and ctx['sort'] == 'newest' and ctx['query']['sort'] == 'relevance':
%       label = 'Relevance (newest first until you search words)'
%     end
        <option value="{{value}}"{{!' selected' if ctx['query']['sort'] == value else ''}}>{{label}}</option>
%   end
      </select>
      <button type="submit" class="secondary">Sort</button>
    </div>
% elif ctx['query']['sort'] != 'relevance':
    <input type="hidden" name="sort" value="{{ctx['query']['sort']}}">
% end
% if ctx['suggestion']:
    <p class="suggestion">Did you mean <a href="{{ctx['suggestion_url']}}">{{ctx['suggestion']}}</a>?</p>
% end
% if ctx['notes']:
    <ul class="notes">
%   for note in ctx['notes']:
      <li>{{note}}</li>
%   end
    </ul>
% end
% if ctx['results']:
%   first = (ctx['page'] - 1) * ctx['page_size'] + 1
%   split = ctx['tag_only_from']
%   parts = [(0, ctx['results'])] if split is None else [(0, ctx['results'][:split]), (split, ctx['results'][split:])]
    <h2 class="visually-hidden">Results</h2>
%   for at, hits in parts:
%     if hits:
%       if split is not None and at == split:
    <h2 class="hits-tagged">Found through their tags alone, without your words</h2>
%       end
    <ol class="hits" start="{{first + at}}">
%       for hit in hits:
%         include('_hit.tpl', hit=hit)
%       end
    </ol>
%     end
%   end
% elif ctx['total'] == 0:
    <div class="no-results">
      <h2>No examples found</h2>
      <p>Try one of these:</p>
      <ul>
%   for r in ctx['relaxations']:
        <li><a href="{{r['url']}}">{{'Search for the words without quotation marks' if r['facet'] == 'quotes' else 'Search without the words you left out' if r['facet'] == 'exclusions' else 'Remove the filter ' + r['label']}}</a> ({{r['total']}} result{{'' if r['total'] == 1 else 's'}})</li>
%   end
%   if ctx['filters']:
        <li><a href="{{ctx['clear_url']}}">Clear all filters</a></li>
%   end
%   if ctx['unmatched']:
        <li>Check the spelling, or use fewer or more general words.</li>
%   end
        <li><a href="/principles">Browse the examples by Compact principle</a>.</li>
      </ul>
    </div>
% else:
%   if ctx['pages'] > 1:
    <p>Page {{ctx['page']}} is past the end: these results fill {{ctx['pages']}} pages. <a href="{{ctx['last_url']}}">Go to the last page</a> or <a href="{{ctx['first_url']}}">the first</a>.</p>
%   else:
    <p>Page {{ctx['page']}} is past the end: these results fill one page. <a href="{{ctx['first_url']}}">Go to the results</a>.</p>
%   end
% end
% if 1 < ctx['pages'] and ctx['page'] <= ctx['pages']:
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
    <p class="data-links">Reuse these results: <a href="{{alternates[0][0]}}">JSON</a> · <a href="{{alternates[1][0]}}">Atom feed</a> · <a href="{{alternates[2][0]}}">CSV</a></p>
    <details class="data-links embed-offer">
      <summary>Show these results on your own web page</summary>
      <p><label for="embed-code">Copy this code: it shows the first results of this search, always up to date</label></p>
      <textarea id="embed-code" class="embed-code" rows="3" readonly>{{ctx['embed_code']}}</textarea>
    </details>
  </div>
  <div class="search-filters" id="filters">
    <h2 class="filters-title">Filter results</h2>
% include('_facets.tpl')
    <fieldset class="facet dates">
      <legend>Published</legend>
% for name, label, year, month, fy in (('from', 'From', '2010', 'April 2010', '2010/11'), ('to', 'To', '2015', 'March 2015', '2014/15')):
      <div class="field">
        <label for="{{name}}">{{label}} <span class="hint">(a year, {{year}}, a month, <span class="nowrap">{{month}}</span>, a date or a financial year, <span class="nowrap">{{fy}}</span>)</span></label>
%   if name in errors:
        <p class="field-error" id="{{name}}-error"><span class="visually-hidden">Error:</span> {{errors[name]['message']}}</p>
%   end
        <input type="text" autocomplete="off" size="10" id="{{name}}" name="{{name}}" value="{{ctx['query'][name] or ''}}"{{!' aria-invalid="true" aria-describedby="{}-error"'.format(name) if name in errors else ''}}>
      </div>
% end
    </fieldset>
    <button type="submit" class="secondary">Apply filters</button>
  </div>
</form>
