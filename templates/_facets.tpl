% for facet in FACETS:
%   param = PARAM[facet]
<fieldset class="facet">
  <legend>{{taxonomy[facet].label}}</legend>
  <ul class="checkboxes">
  % for v in ctx['facets'][param]:
    <li class="{{'empty' if v['count'] == 0 and not v['selected'] else ''}}">
      <input type="checkbox" id="f-{{param}}-{{v['value']}}" name="{{param}}" value="{{v['value']}}"{{!' checked' if v['selected'] else ''}}>
      <label for="f-{{param}}-{{v['value']}}">{{v['label']}} <span class="count">({{v['count']}})</span></label>
    </li>
  % end
  </ul>
</fieldset>
% end
