% rebase('base.tpl', title=ctx['error']['title'])
<h1>{{ctx['error']['title']}}</h1>
<p class="lead">{{!linked_paths(ctx['error']['message'])}}</p>
<p><a href="/search">Search all examples</a> or <a href="/">go to the home page</a>.</p>
