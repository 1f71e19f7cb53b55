<nav class="browse" aria-label="Browse the examples">
  <p>Browse by:
% for i, f in enumerate(FACETS):
%   here = request_path == '/' + FIELD[f]
    <a href="/{{FIELD[f]}}"{{!' aria-current="page"' if here else ''}}>{{taxonomy[f].label}}</a>{{' · ' if i < len(FACETS) - 1 else ''}}
% end
  </p>
</nav>
