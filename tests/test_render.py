from kb.render import heading_id, render_markdown


def test_raw_html_is_escaped_not_rendered():
    out = render_markdown('<script>alert(1)</script>\n\n<img src=x onerror="alert(1)">\n')
    assert "<script" not in out.html and "<img" not in out.html
    assert "&lt;script&gt;" in out.html


def test_unsafe_link_schemes_are_not_links():
    out = render_markdown("[click](javascript:alert(1)) and [ok](https://example.org)")
    assert 'href="javascript:' not in out.html
    assert 'href="https://example.org"' in out.html


def test_headings_get_stable_unique_ids():
    out = render_markdown("## Learning points\n\nx\n\n## Learning points\n\n"
                          "### What **they** did\n")
    assert [h.id for h in out.headings] == ["learning-points", "learning-points-2", "what-they-did"]
    assert '<h2 id="learning-points">' in out.html
    assert out.headings[2].text == "What they did"


def test_a_repeated_heading_never_takes_another_headings_id():
    out = render_markdown("## Outcomes\n\n## Outcomes\n\n## Outcomes 2\n\n## Outcomes\n")
    assert [h.id for h in out.headings] == ["outcomes", "outcomes-2", "outcomes-2-2",
                                            "outcomes-3"]


def test_plain_text_joins_soft_breaks_and_skips_headings():
    out = render_markdown("## Title\n\nOne line\nnext line.\n\n- item *one*\n")
    assert out.text == "One line next line.\nitem one"


def test_heading_id_handles_punctuation():
    assert heading_id("What they did?") == "what-they-did"
    assert heading_id("Café & co") == "café-co"
    assert heading_id("!!!") == "section"


def test_the_contact_section_is_shown_but_not_searched():
    """How to reach people says nothing about what was done; the next section is searched."""
    out = render_markdown("## Outcomes\n\nGrants kept.\n\n## Contact\n\nThe sources give no "
                          "details.\n\n## Notes\n\nA later note.\n")
    assert out.text == "Grants kept.\nA later note."
    assert "The sources give no details." in out.html


def test_a_heading_keeps_old_anchors_after_every_headings_own():
    """'## Results {#outcomes}' shows 'Results', links as #results and #outcomes; an anchor
    that is a later heading's own stays that heading's; a kept #contact is still unsearched."""
    out = render_markdown("## Results {#outcomes}\n\nFound.\n\n## Early {#learning-points}\n\n"
                          "Said.\n\n## Learning points\n\nLearnt.\n\n## Get in touch {#contact}"
                          "\n\nzebra@example.org\n")
    assert '<h2 id="results"><span id="outcomes"></span>Results</h2>' in out.html
    assert '<h2 id="learning-points">Learning points</h2>' in out.html
    assert [(h.id, h.text, h.kept) for h in out.headings] == [
        ("results", "Results", ("outcomes",)), ("early", "Early", ()),
        ("learning-points", "Learning points", ()), ("get-in-touch", "Get in touch", ("contact",))]
    assert "zebra" not in out.text and "Found." in out.text


def test_a_bare_address_is_a_link_as_on_github_but_never_an_unsafe_one():
    out = render_markdown("See https://www.example.org/report.pdf, www.gov.uk/guidance and "
                          "javascript:alert(1).")
    assert '<a href="https://www.example.org/report.pdf" class="bare">' in out.html
    # written from www.: linked as https (what kb check asks editors to write), marked
    # 'bare' (its text is its address: print does not write it twice)
    assert '<a href="https://www.gov.uk/guidance" class="bare">www.gov.uk/guidance</a>' in out.html
    assert 'href="javascript:' not in out.html and "javascript:alert(1)" in out.html


def test_an_image_is_a_link_to_the_picture_named_by_its_description():
    """Entry pages load no pictures from other sites: the description links to it, alone
    inside another link (no link in a link) or where its address is refused."""
    out = render_markdown('![Grants by year](https://example.org/chart.png "x") and '
                          "[![logo](https://example.org/l.png)](https://example.org) and "
                          "![bad](javascript:alert(1)) and ![<b>](https://example.org/b.png) and "
                          "![beside](images/chart.png)")
    assert "<img" not in out.html
    assert '<a href="https://example.org/chart.png">Grants by year</a>' in out.html
    assert '<a href="https://example.org">logo</a>' in out.html
    assert 'href="javascript:' not in out.html and "<b>" not in out.html
    assert "beside" in out.html and "images/chart.png" not in out.html


def test_a_table_scrolls_in_a_named_box_a_keyboard_can_reach():
    table = "| a | b |\n|---|---|\n| 1 | 2 |\n"
    out = render_markdown(f"{table}\n{table}")
    assert out.html.count('<div class="table-scroll" role="region" tabindex="0"') == 2
    assert 'aria-label="Table 1"' in out.html and 'aria-label="Table 2"' in out.html
    assert out.html.count("</table>\n</div>") == 2


def test_a_name_written_as_a_site_in_prose_stays_text():
    """'GOV.UK' and 'Leigh-on-Sea.com' are names in a sentence; GitHub links neither."""
    out = render_markdown("Published on GOV.UK by Leigh-on-Sea.com, see www.gov.uk/x or "
                          "grants@example.org.")
    assert "GOV.UK by Leigh-on-Sea.com" in out.html and 'href="http://GOV.UK"' not in out.html
    assert '<a href="https://www.gov.uk/x" class="bare">' in out.html
    assert '<a href="mailto:grants@example.org" class="bare">' in out.html
