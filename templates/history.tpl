% rebase('base.tpl', title='History: ' + ctx['title'])
<h1>History of “{{ctx['title']}}”</h1>
% if ctx.get('withdrawn'):
<p class="withdrawn" role="note">This example was withdrawn on <time datetime="{{ctx['withdrawn']}}">{{human_date(ctx['withdrawn'])}}</time>: <a href="{{entry_url(ctx['slug'])}}">its page says why</a>, and what to read instead.</p>
% end
% if ctx.get('merged_into'):
<p class="notice" role="note">This example has since been renamed or merged into <a href="{{ctx['merged_into']['url']}}">{{ctx['merged_into']['title']}}</a>. These are its versions from before.</p>
% end
% if not ctx['recorded']:
<p class="lead">No history is recorded for this example: the site was built from files outside a Git repository.</p>
% elif not ctx['revisions']:
<p class="lead">This example has not been committed yet, so it has no recorded versions.</p>
% else:
<p class="lead">Every published change to <a href="{{entry_url(ctx['slug'])}}">this example</a>, newest first. Each version has a permanent address that always shows the text as it was.</p>
<ol class="history" reversed>
%   for i, r in enumerate(ctx['revisions']):
  <li>
    <p><time datetime="{{r['date']}}">{{r['when']}}</time>: {{r['subject']}}{{' (first published)' if i + 1 == len(ctx['revisions']) else ''}}</p>
    <p><a href="{{r['url']}}">Version {{r['short']}}</a> <span class="print-url">({{ctx['url']}}/at/{{r['short']}})</span>
%     if r.get('changes_url'):
      · <a href="{{r['changes_url']}}">What changed</a>
%     end
    </p>
  </li>
%   end
</ol>
% end
% if ctx.get('merged_into'):
<p><a href="{{ctx['merged_into']['url']}}">Read the example it became</a></p>
% else:
<p><a href="{{entry_url(ctx['slug'])}}">Back to the current version</a></p>
% end
