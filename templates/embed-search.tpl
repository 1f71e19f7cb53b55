% rebase('embed.tpl', title='Examples', home_url=ctx['home_url'])
<h1 class="embed-title"><a href="{{ctx['full_url']}}" target="_top">{{ctx['sentence']}}</a></h1>
% for note in ctx['notes'][len(ctx['notes']) - len(ctx.get('unused', [])):]:
<p class="embed-note">{{note}}</p>
% end
% if ctx['results']:
<ol class="embed-list">
%   for hit in ctx['results']:
  <li>
    <a href="{{hit['url']}}" target="_top">{{hit['title']}}</a>
    <span class="meta">published <time datetime="{{machine_date(hit['published'], hit['published_precision'])}}">{{human_date(hit['published'], hit['published_precision'])}}</time></span>
  </li>
%   end
</ol>
%   if ctx['total'] > len(ctx['results']):
<p><a href="{{ctx['full_url']}}" target="_top">See all {{ctx['total']}} examples</a></p>
%   end
% else:
<p>No examples match yet. <a href="{{ctx['full_url']}}" target="_top">Search Compact Practice</a></p>
% end
