% embed = request_path.startswith('/embed/')
% if embed:
%   rebase('embed.tpl', title=ctx['error']['title'], home_url=site_base + '/')
<h1 class="embed-title">{{ctx['error']['title']}}</h1>
<p>{{ctx['error']['message']}}</p>
% else:
%   rebase('base.tpl', title=ctx['error']['title'])
<h1>{{ctx['error']['title']}}</h1>
% if ctx['error'].get('linked'):
<p class="lead">{{!linked_paths(ctx['error']['message'])}}</p>
% else:
<p class="lead">{{ctx['error']['message']}}</p>
% end
<p><a href="/search">Search all examples</a> or <a href="/">go to the home page</a>.</p>
% end
