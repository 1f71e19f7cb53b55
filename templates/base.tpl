<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} – Compact Practice</title>
<link rel="stylesheet" href="/static/site.css">
% if get('alternate'):
<link rel="alternate" type="application/json" href="{{alternate}}">
% end
</head>
<body>
<a class="skip-link" href="#main">Skip to main content</a>
<header class="site-header">
  <div class="wrap">
    <a class="brand" href="/">Compact Practice</a>
    <span class="tagline">Commissioning with the voluntary and community sector</span>
  </div>
</header>
<main id="main" class="wrap" tabindex="-1">
% if build_problems:
<div class="build-errors" role="alert">
  <h2>The last edit was not published</h2>
  <p>The site still shows the last good version. Fix these problems and save again:</p>
  <ul>
  % for line in build_problems:
    <li><code>{{line}}</code></li>
  % end
  </ul>
</div>
% end
{{!base}}
</main>
<footer class="site-footer">
  <div class="wrap">
    <p>Examples of commissioning that keeps to the Compact between government and the voluntary and community sector in England.</p>
  </div>
</footer>
</body>
</html>
