% rebase('base.tpl', title=ctx['label'] + 's')
<h1>{{ctx['label']}}s</h1>
% include('_browse.tpl')
<ul class="principles">
% for t in ctx['terms']:
  <li>
    <h2><a href="{{t['url']}}">{{t['label']}}</a></h2>
    <p>{{t['description']}}</p>
    <p class="meta">{{t['count']}} example{{'' if t['count'] == 1 else 's'}}</p>
  </li>
% end
</ul>
