<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom">
  <title>Compact Practice: {{title}}</title>
  <id>{{self_url}}</id>
  <link rel="self" type="application/atom+xml" href="{{self_url}}"/>
  <link rel="alternate" type="text/html" href="{{page_url}}"/>
  <updated>{{updated}}</updated>
  <author><name>Compact Practice</name></author>
% for item in items:
  <entry>
    <title>{{item['title']}}</title>
    <id>{{base_url}}/entries/{{item.get('first_slug') or item['slug']}}</id>
    <link rel="alternate" type="text/html" href="{{base_url}}/entries/{{item['slug']}}"/>
    <published>{{item['atom_published']}}</published>
    <updated>{{item['atom_updated']}}</updated>
    <summary>{{item['summary']}} (Source dated {{human_date(item['published'], item['published_precision'])}}.)</summary>
%   for facet, field in (('principle', 'principles'), ('sector', 'sectors')):
%     for slug in item[field]:
    <category term="{{slug}}" label="{{taxonomy[facet].label_of(slug)}}" scheme="{{base_url}}/{{field}}"/>
%     end
%   end
  </entry>
% end
</feed>
