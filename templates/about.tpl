% rebase('base.tpl', title='About')
<h1>About Compact Practice</h1>
<p class="lead">Compact Practice collects {{ctx['entries']}} examples of public bodies commissioning services in ways that keep to the Compact.</p>
<h2 id="the-compact">The Compact</h2>
<p>The Compact is the agreement between government and the voluntary and community sector in England. It sets out how they work together, including how public bodies fund and commission services from voluntary and community organisations. Its Codes of Good Practice cover funding and procurement, consultation and policy appraisal, volunteering, community groups, and black and minority ethnic organisations.</p>
<p>These principles bear most on commissioning:</p>
<dl class="principle-list">
% for p in ctx['principles']:
  <dt><a href="/principles/{{p['slug']}}">{{p['label']}}</a></dt>
  <dd>{{p['description']}}</dd>
% end
</dl>
<h2 id="how-to-search"><span id="searching"></span>How to search</h2>
<ul>
  <li><strong>Type what you are looking for in your own words</strong>, as a few words or a question: <em>light touch monitoring for small grants</em>. Every example that has any of your words is found; those with more of them, close together or in the title, come first. Plurals, British and American spellings, hyphens (<em>co-production</em>, <em>coproduction</em>), numbers (<em>12 weeks</em>, <em>twelve weeks</em>), common acronyms and older or newer names for the same thing (<em>BME</em>, <em>BAME</em>; <em>PCT</em>, <em>CCG</em>, <em>ICB</em>) all find each other.</li>
  <li><strong>Topics:</strong> a word that names a Compact principle, a sector, a stage or a region (<em>core costs</em> names full cost recovery; a place's name, <em>Hackney</em>, names its region) also finds the examples tagged with it, listed after those that use your words, and the page says so.</li>
  <li><strong>Spelling:</strong> a word no example uses and no dictionary knows is searched as the nearest word that examples do use, and the page says which; a correctly spelt word is never changed, though a better-known phrase may be offered as <em>Did you mean</em>.</li>
  <li><strong>Exact words:</strong> put a phrase in quotation marks (<em>"payment by results"</em>); put a minus sign before a word to leave out the examples that have it (<em>grants -lottery</em>); write <em>OR</em> between words when either will do (<em>hospice OR palliative</em>), and <em>NOT</em> or brackets for more (<em>(youth OR children) NOT schools</em>); end a word with <em>*</em> for every word that starts so (<em>volunt*</em>). Put <em>+</em> before a word every result must have (<em>+hospice funding</em>). Beside a phrase, a +word or an OR, your other words are not needed, only preferred: results with them rank higher.</li>
  <li><strong>Filters:</strong> tick values under Filter results. Several in one group give examples with any of them; values in different groups must all hold. The number beside each value is how many examples have it, given your words and the other groups' filters.</li>
  <li><strong>Dates:</strong> From and To take a year (<em>2010</em>), a month (<em>April 2010</em>, <em>2010-04</em>), a day (<em>1/4/2010</em>) or a financial year (<em>2010/11</em>, 1 April to 31 March). An example whose source gives only its year or month is found when any of that year or month is in the range.</li>
  <li><strong>Order:</strong> best matches first, or newest, oldest, most recently added here, or by title.</li>
  <li><strong>Sharing:</strong> the address of any search, with its filters, order and page, can be copied into an email or a guidance document and will show the same search for years.</li>
</ul>
% if ctx.get('abbreviations'):
<h2 id="abbreviations">Abbreviations</h2>
<p>Examples and their sources use these; a search for either form finds both.</p>
<dl class="abbreviations">
%   for short, meant in ctx['abbreviations']:
  <dt><abbr title="{{meant}}">{{short}}</abbr></dt><dd>{{meant}}</dd>
%   end
</dl>
% end
<h2 id="how-to-contribute"><span id="contributing"></span>How to contribute</h2>
<p>Every example is a Markdown file kept in Git. To add or correct one, open a pull request: the project's CONTRIBUTING guide explains each field, and every change is checked automatically before it is published.</p>
% if ctx.get('propose_url'):
<p><a href="{{ctx['propose_url']}}">Propose a new example</a> (opens a new file in the site's Git host, filled in with the sections to complete)</p>
% end
<h2 id="reusing-the-data">Reusing the data</h2>
<p>Every page is also available as JSON by adding <code>.json</code> to its address (the home page is <code>/index.json</code>). Searches are also available as Atom feeds (<code>/search.atom</code>) and CSV (<code>/search.csv</code>), and the examples added here most recently at <code>/feed.atom</code> (a search's feed also lists its examples in the order they were added, so an example of an older source reaches readers when it arrives). Search addresses are stable: for example, the examples tagged full cost recovery are always at <a href="/search?principle=full-cost-recovery">/search?principle=full-cost-recovery</a>.</p>
