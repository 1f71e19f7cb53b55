% rebase('base.tpl', title=ctx['title'] + ' (version ' + ctx['revision']['short'] + ')')
<article class="entry">
% if ctx.get('withdrawn'):
<p class="withdrawn" role="note">This example was withdrawn on <time datetime="{{ctx['withdrawn']}}">{{human_date(ctx['withdrawn'])}}</time>: <a href="{{entry_url(ctx['slug'])}}">its page says why</a>, and what to read instead.</p>
% end
<div class="notice" role="note">
% if ctx.get('merged_into'):
  <p><strong>This is an older version of the example that was at this address</strong>, as it was on <time datetime="{{ctx['revision']['date']}}">{{ctx['revision']['when']}}</time> (change: {{ctx['revision']['subject']}}). It has since been renamed or merged into <a href="{{ctx['merged_into']['url']}}">{{ctx['merged_into']['title']}}</a>.</p>
% elif ctx['newest']:
  <p>This is the newest recorded version of this example, as committed on <time datetime="{{ctx['revision']['date']}}">{{ctx['revision']['when']}}</time>.</p>
% else:
  <p><strong>This is an older version of this example</strong>, as it was on <time datetime="{{ctx['revision']['date']}}">{{ctx['revision']['when']}}</time> (change: {{ctx['revision']['subject']}}). It is not the current version.</p>
% end
  <p><a href="{{ctx['current_url']}}">{{'Read the example it became' if ctx.get('merged_into') else 'Read the current version'}}</a>
% if ctx['changes_url']:
  · <a href="{{ctx['changes_url']}}">What has changed since</a>
% end
  · <a href="{{entry_url(ctx['slug'])}}/history">All versions</a></p>
</div>
<h1>{{ctx['title']}}</h1>
% if ctx['summary']:
<p class="lead">{{ctx['summary']}}</p>
% end
<div class="entry-body">
{{!ctx['html']}}
</div>
<aside class="cite" aria-labelledby="cite-title">
  <h2 id="cite-title">Link to this version</h2>
  <p><a href="{{ctx['permanent_url']}}">{{ctx['permanent_url']}}</a></p>
</aside>
</article>
