% rebase('base.tpl', title='What changed: ' + ctx['title'])
<h1>What changed in “<a href="{{entry_url(ctx['slug'])}}">{{ctx['title']}}</a>”</h1>
% if ctx.get('merged_into'):
<p class="notice" role="note">This example has since been renamed or merged into <a href="{{ctx['merged_into']['url']}}">{{ctx['merged_into']['title']}}</a>; the versions compared are its own, from before.</p>
% end
% if ctx['from']:
<p class="lead">From <a href="{{ctx['from']['url']}}">version {{ctx['from']['short']}}</a> (<time datetime="{{ctx['from']['date']}}">{{ctx['from']['when']}}</time>) to <a href="{{ctx['to']['url']}}">version {{ctx['to']['short']}}</a> (<time datetime="{{ctx['to']['date']}}">{{ctx['to']['when']}}</time>: {{ctx['to']['subject']}}).</p>
% else:
<p class="lead">Version {{ctx['to']['short']}} (<time datetime="{{ctx['to']['date']}}">{{ctx['to']['when']}}</time>) is the first: every line was added.</p>
% end
% if not ctx['hunks']:
<p>The two versions are the same.</p>
% end
% for n, hunk in enumerate(ctx['hunks'], 1):
<h2 class="visually-hidden">Change {{n}}</h2>
<ul class="diff">
%   for line in hunk:
%     if line['kind'] == 'added':
  <li class="added"><ins><span class="visually-hidden">Added: </span>{{line['text']}}</ins></li>
%     elif line['kind'] == 'removed':
  <li class="removed"><del><span class="visually-hidden">Removed: </span>{{line['text']}}</del></li>
%     else:
  <li class="same">{{line['text']}}</li>
%     end
%   end
</ul>
% end
<p><a href="{{entry_url(ctx['slug'])}}/history">All versions</a> · <a href="{{ctx['merged_into']['url'] if ctx.get('merged_into') else entry_url(ctx['slug'])}}">{{'The example it became' if ctx.get('merged_into') else 'The current version'}}</a></p>
