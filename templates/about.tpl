% rebase('base.tpl', title='About')
<h1>About Compact Practice</h1>
<p class="lead">Compact Practice collects {{ctx['entries']}} examples of public bodies commissioning services in ways that keep to the Compact.</p>
<h2>The Compact</h2>
<p>The Compact is the agreement between government and the voluntary and community sector in England. It sets out how they work together, including how public bodies fund and commission services from voluntary and community organisations. Its Codes of Good Practice cover funding and procurement, consultation and policy appraisal, volunteering, community groups, and black and minority ethnic organisations.</p>
<p>These principles bear most on commissioning:</p>
<dl class="principle-list">
% for p in ctx['principles']:
  <dt><a href="/principles/{{p['slug']}}">{{p['label']}}</a></dt>
  <dd>{{p['description']}}</dd>
% end
</dl>
<h2>How to contribute</h2>
<p>Every example is a Markdown file kept in Git. To add or correct one, open a pull request: the project's CONTRIBUTING guide explains each field, and every change is checked automatically before it is published.</p>
% if ctx.get('propose_url'):
<p><a href="{{ctx['propose_url']}}">Propose a new example</a> (opens a new file in the site's Git host, filled in with the sections to complete)</p>
% end
<h2>Reusing the data</h2>
<p>Every page is also available as JSON by adding <code>.json</code> to its address (the home page is <code>/index.json</code>). Searches are also available as Atom feeds (<code>/search.atom</code>) and CSV (<code>/search.csv</code>), and the examples added here most recently at <code>/feed.atom</code> (a search's feed also lists its examples in the order they were added, so an example of an older source reaches readers when it arrives). Search addresses are stable: for example, the examples tagged full cost recovery are always at <a href="/search?principle=full-cost-recovery">/search?principle=full-cost-recovery</a>.</p>
