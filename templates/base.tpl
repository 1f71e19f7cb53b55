<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} – Compact Practice</title>
<link rel="stylesheet" href="/static/site.css">
% for href, kind in alternates:
<link rel="alternate" type="{{kind}}" href="{{href}}">
% end
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="/">Compact Practice</a>
    <span class="tagline">Commissioning with the voluntary and community sector</span>
    <nav class="site-nav" aria-label="Site">
      <ul>
        <li><a href="/search">Search</a></li>
        <li><a href="/principles">Principles</a></li>
        <li><a href="/coverage">Coverage</a></li>
        <li><a href="/about">About</a></li>
      </ul>
    </nav>
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
% if build_problems:
%   errors = [p for p in build_problems if p['severity'] == 'error']
%   # with errors: those first, then only their own files' warnings (the blocking ones first)
%   failing = {p['where'].rsplit(':', 1)[0] for p in errors}
%   shown = errors + [p for p in build_problems if p['severity'] != 'error' and p['where'].rsplit(':', 1)[0] in failing] if errors else build_problems
<div class="build-errors" role="alert">
%   if errors:
  <h2>The last edit was not published</h2>
  <p>The site still shows the last good version. Fix these problems and save again:</p>
%   else:
  <h2>The last edit is published, with warnings</h2>
  <p>Warnings never stop publication, but readers will notice them:</p>
%   end
  <ul>
  % for p in shown:
    <li>{{p['where']}}: {{p['severity']}}: {{p['message']}}</li>
  % end
  </ul>
%   if len(shown) < len(build_problems):
  <p>{{len(build_problems) - len(shown)}} warnings in other files are not shown here: <code>kb check</code> lists them.</p>
%   end
</div>
% end
{{!base}}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>Examples of commissioning that keeps to the Compact between government and the voluntary and community sector in England.</p>
    <p><a href="/about">About and how to contribute</a> · <a href="/feed.atom">Examples added most recently (Atom feed)</a> · <a href="/search.json">Data as JSON</a></p>
  </div>
</footer>
<script src="/static/enhance.js" defer></script>
</body>
</html>
