% rebase('embed.tpl', title=ctx['title'], home_url=ctx['url'][:-len(entry_url(ctx['slug']))] + '/')
<h1 class="embed-title"><a href="{{ctx['url']}}" target="_top">{{ctx['title']}}</a></h1>
% include('_withdrawn.tpl', ctx=ctx)
<p>{{ctx['summary']}}</p>
<p class="meta">{{', '.join(taxonomy['principle'].label_of(s) for s in ctx['principles'])}} · {{', '.join(taxonomy['sector'].label_of(s) for s in ctx['sectors'])}} · published <time datetime="{{machine_date(ctx['published'], ctx['published_precision'])}}">{{human_date(ctx['published'], ctx['published_precision'])}}</time></p>
<p><a href="{{ctx['url']}}" target="_top">Read the full example</a></p>
