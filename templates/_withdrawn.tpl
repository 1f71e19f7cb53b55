% if ctx.get('withdrawn'):
<div class="withdrawn" role="note" aria-label="Withdrawn">
  <p><strong>Withdrawn on <time datetime="{{ctx['withdrawn']}}">{{human_date(ctx['withdrawn'])}}</time>.</strong> {{!ctx['withdrawn_reason_html']}}</p>
  <p>It is kept here so that links to it still work; searches and lists leave it out.</p>
</div>
% end
