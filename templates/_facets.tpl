% for facet in FACETS:
<fieldset class="facet" id="{{facet}}" tabindex="-1">
  <legend>{{taxonomy[facet].label}}</legend>
  % if any(v['selected'] for v in ctx['facets'][facet]):
  <p class="hint facet-hint">Each count is for that value alone; with several ticked, the results have any of them.</p>
  % end
  <ul class="checkboxes">
  % for v in ctx['facets'][facet]:
    <li class="{{'empty' if v['count'] == 0 and not v['selected'] else ''}}">
      <input type="checkbox" id="f-{{facet}}-{{v['value']}}" name="{{facet}}" value="{{v['value']}}"{{!' checked' if v['selected'] else ''}}>
      <label for="f-{{facet}}-{{v['value']}}">{{v['label']}} <span class="count">({{v['count']}})</span></label>
    </li>
  % end
  </ul>
</fieldset>
% end
