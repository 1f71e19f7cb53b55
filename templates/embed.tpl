<!DOCTYPE html>
<html lang="en-GB">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{title}} – Compact Practice</title>
<link rel="stylesheet" href="/static/site.css">
</head>
<body class="embed">
<main id="main">
{{!base}}
<p class="embed-credit">From <a href="{{home_url}}" target="_top">Compact Practice</a>, examples of commissioning with the voluntary and community sector.</p>
</main>
</body>
</html>
