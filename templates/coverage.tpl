% rebase('base.tpl', title='Coverage')
<h1>Where the evidence is thin</h1>
<p class="lead">Examples for each Compact principle in each sector. {{ctx['gaps']}} of {{ctx['cells']}} combinations have no example yet: these are the gaps to fill.</p>
<div class="table-scroll" role="region" aria-labelledby="coverage-caption" tabindex="0">
<table class="coverage">
  <caption id="coverage-caption">Number of examples by Compact principle (rows) and sector (columns)</caption>
  <thead>
    <tr>
      <th scope="col">Principle</th>
% for s in ctx['sectors']:
      <th scope="col"><a href="/sectors/{{s['sector']}}">{{s['label']}}</a></th>
% end
    </tr>
  </thead>
  <tbody>
% for row in ctx['rows']:
    <tr>
      <th scope="row"><a href="/principles/{{row['principle']}}">{{row['label']}}</a></th>
%   for c, s in zip(row['cells'], ctx['sectors']):
%     if c['count']:
      <td><a href="{{c['url']}}">{{c['count']}}<span class="visually-hidden"> example{{'' if c['count'] == 1 else 's'}} of {{row['label']}} in {{s['label']}}</span></a></td>
%     else:
      <td class="gap">0<span class="visually-hidden"> (gap)</span></td>
%     end
%   end
    </tr>
% end
  </tbody>
</table>
</div>
