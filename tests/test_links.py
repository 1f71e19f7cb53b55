"""kb links: the links guidance documents make to the site, checked against a real index of
entries made here (one renamed, with an alias; a vocabulary term renamed too), in real
Markdown, HTML, text, Word and PDF files; the command run as a user runs it."""

from __future__ import annotations

import json
import os
import re
import shutil
from urllib.parse import urlsplit

import pytest

from kb.build import build
from kb.documents import read_links
from kb.library import Library
from kb.links import check_documents, heading_ids
from kb.web import create_app
from tests.conftest import FIXTURES, VALID, WsgiClient, write_entry
from tests.htmlcheck import Page
from tests.test_cli import kb

BASE = "https://practice.example.org"
BODY = ("## What they did\n\nSomething useful.\n\n## Outcomes\n\nBetter.\n\n"
        "## Learning points\n\n- A lesson.\n\n## Contact\n\nThe council.\n")


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """Entries and an index: `joint-framework` (once `old-framework`), `co-design`, and the
    sector `health` (once `nhs-health`)."""
    root = tmp_path_factory.mktemp("links")
    entries = root / "entries"
    entries.mkdir()
    taxonomy = (FIXTURES / "taxonomy.yaml").read_text(encoding="utf-8")
    health = "      aliases: []\n      words: [nhs, primary care"
    assert health in taxonomy
    (entries / "taxonomy.yaml").write_text(
        taxonomy.replace(health, health.replace("[]", "[nhs-health]")), encoding="utf-8")
    shutil.copy(FIXTURES / "synonyms.yaml", entries / "synonyms.yaml")
    write_entry(entries, "joint-framework", VALID + "aliases: [old-framework]\n", BODY)
    write_entry(entries, "co-design", VALID.replace("A valid entry", "Co-design"), BODY)
    build(entries, root / "ix")
    return root


@pytest.fixture(scope="module")
def library(site):
    return Library(site / "ix")


@pytest.fixture(scope="module")
def client(site):
    return WsgiClient(create_app(site / "ix", base_url=BASE))


def links(site, *args, base=BASE):
    return kb("links", "--index", str(site / "ix"), *(["--base", base] if base else []),
              *map(str, args))


GOOD = f"{BASE}/entries/co-design#learning-points"
RENAMED = f"{BASE}/entries/old-framework"
MISSING = f"{BASE}/entries/no-such-entry"
BAD_ANCHOR = "/entries/joint-framework#learning-point"
BAD_FILTER = f"{BASE}/search?q=grants&sector=helth&from=2008"

MARKDOWN = f"""# Commissioning guidance

See [a good example]({GOOD}).

An entry that was renamed: [the framework]({RENAMED} "Joint framework").

Gone: {MISSING}.

A section: [learning points]({BAD_ANCHOR}).

[search]: {BAD_FILTER}

Elsewhere: <https://example.org/entries/whatever> and [a note](notes.md).
"""

HTML = f"""<!doctype html>
<html><head><title>Guidance</title></head>
<body>
<p>See <a href="{GOOD}">a good example</a>.</p>
<p>Renamed: <a href="{RENAMED}">the framework</a>.</p>
<p>Gone: {MISSING}.</p>
<ul>
  <li><a href="{BAD_ANCHOR}">learning points</a></li>
  <li><a href="{BAD_FILTER.replace("&", "&amp;")}">health grants</a></li>
</ul>
<p><a href="https://example.org/entries/x">elsewhere</a> <a href="#top">top</a></p>
</body></html>
"""


def expected(name: str, lines: tuple[int, int, int, int]) -> list[str]:
    return [
        f"{name}:{lines[0]}: warning: /entries/old-framework now redirects to "
        "/entries/joint-framework: update the link",
        f"{name}:{lines[1]}: error: there is no entry at /entries/no-such-entry",
        f"{name}:{lines[2]}: error: no heading 'learning-point' in /entries/joint-framework "
        "(did you mean 'learning-points'?); its headings are: what-they-did, outcomes, "
        "learning-points, contact, sources",
        f"{name}:{lines[3]}: error: unknown sector 'helth' (did you mean 'health'?)",
    ]


@pytest.mark.parametrize("name, text, lines", [("guide.md", MARKDOWN, (5, 7, 9, 11)),
                                                ("guide.html", HTML, (5, 6, 8, 9))])
def test_a_guide_with_four_problems_reports_exactly_those(site, tmp_path, name, text, lines):
    guide = tmp_path / name
    guide.write_text(text, encoding="utf-8")
    out = links(site, guide)
    assert out.returncode == 1, out.stderr
    *problems, summary = out.stdout.splitlines()
    assert len(problems) == 4, out.stdout
    for line, start in zip(problems, expected(guide.as_posix(), lines), strict=True):
        assert line.startswith(start), (line, start)
    assert summary == "5 links to the site checked in 1 file: 3 broken, 1 redirect"
    assert out.stderr == ""


def test_json_lists_the_problems_and_the_summary(site, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(MARKDOWN, encoding="utf-8")
    data = json.loads(links(site, guide, "--format", "json").stdout)
    assert data["summary"] == {"files": 1, "links": 5, "broken": 3, "redirects": 1, "withdrawn": 0,
                               "base": BASE}
    first = data["problems"][0]
    assert first == {"path": guide.as_posix(), "line": 5, "page": None, "part": None,
                     "link": RENAMED,
                     "severity": "warning", "message": first["message"],
                     "update_to": f"{BASE}/entries/joint-framework"}
    assert [(p["line"], p["severity"]) for p in data["problems"]] == [
        (5, "warning"), (7, "error"), (9, "error"), (11, "error")]


def test_only_redirects_exit_0_with_the_addresses_to_use(site, tmp_path):
    guide = tmp_path / "guide.txt"
    guide.write_text(f"Framework: {RENAMED}#outcomes\nHealth: {BASE}/sectors/nhs-health\n"
                     f"Search: {BASE}/search?sector=nhs-health&sector=social-care\n",
                     encoding="utf-8")
    out = links(site, guide)
    assert out.returncode == 0, out.stdout
    assert out.stdout.splitlines() == [
        f"{guide.as_posix()}:1: warning: /entries/old-framework#outcomes now redirects to "
        "/entries/joint-framework#outcomes: update the link",
        f"{guide.as_posix()}:2: warning: /sectors/nhs-health now redirects to /sectors/health: "
        "update the link",
        f"{guide.as_posix()}:3: warning: /search?sector=nhs-health&sector=social-care now "
        "redirects to /search?sector=health&sector=social-care: update the link",
        "3 links to the site checked in 1 file: 0 broken, 3 redirects"]


def test_a_good_guide_exits_0(site, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(f"[ok]({GOOD}) and [search](/search?sector=health&from=2008-01-01)\n",
                     encoding="utf-8")
    out = kb("links", "--index", str(site / "ix"), str(guide),
             env={**os.environ, "KB_BASE_URL": BASE + "/"})
    assert (out.returncode, out.stdout) == (
        0, "2 links to the site checked in 1 file: 0 broken, 0 redirects\n")


def word_document(path, url: str, text: str) -> None:
    """A .docx with a paragraph of text, then a paragraph holding a hyperlink to `url`."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph(text)
    paragraph = document.add_paragraph("See ")
    rel = document.part.relate_to(url, RELATIONSHIP_TYPE.HYPERLINK, is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run = OxmlElement("w:r")
    label = OxmlElement("w:t")
    label.text = "the framework"
    run.append(label)
    link.append(run)
    paragraph._p.append(link)
    document.save(str(path))


def test_word_hyperlinks_and_text_addresses_by_paragraph(site, tmp_path):
    guide = tmp_path / "guide.docx"
    word_document(guide, f"{RENAMED}#contacts", f"Gone: {MISSING}")
    assert [(link.line, link.url) for link in read_links(guide)] == [
        (1, MISSING), (2, f"{RENAMED}#contacts")]
    out = links(site, guide)
    assert out.returncode == 1
    assert out.stdout.splitlines()[0].startswith(
        f"{guide.as_posix()}:1: error: there is no entry at /entries/no-such-entry")
    assert out.stdout.splitlines()[1] == (
        f"{guide.as_posix()}:2: error: no heading 'contacts' in /entries/joint-framework "
        "(did you mean 'contact'?); its headings are: what-they-did, outcomes, "
        "learning-points, contact, sources (/entries/old-framework now redirects there: "
        "update the link)")


def pdf_document(path, pages: dict[int, str]) -> None:
    """A PDF of blank pages; on each page numbered in `pages`, a link annotation opening that
    address (a /URI action)."""
    from pypdf import PdfWriter
    from pypdf.generic import (
        ArrayObject,
        DictionaryObject,
        NameObject,
        NumberObject,
        TextStringObject,
    )

    writer = PdfWriter()
    for number in range(1, max(pages) + 1):
        page = writer.add_blank_page(width=595, height=842)
        if number in pages:
            action = DictionaryObject({NameObject("/S"): NameObject("/URI"),
                                       NameObject("/URI"): TextStringObject(pages[number])})
            annotation = DictionaryObject({
                NameObject("/Type"): NameObject("/Annot"),
                NameObject("/Subtype"): NameObject("/Link"),
                NameObject("/Rect"): ArrayObject([NumberObject(n) for n in (72, 700, 300, 720)]),
                NameObject("/A"): action})
            page[NameObject("/Annots")] = ArrayObject([writer._add_object(annotation)])
    with open(path, "wb") as out:
        writer.write(out)


def test_pdf_link_annotations_by_page(site, tmp_path):
    guide = tmp_path / "guide.pdf"
    pdf_document(guide, {1: GOOD, 3: RENAMED, 4: f"{BASE}/search?principle=full-cost"})
    out = links(site, guide)
    assert out.returncode == 1
    name = guide.as_posix()
    assert out.stdout.splitlines()[:2] == [
        f"{name}:page 3: warning: /entries/old-framework now redirects to "
        "/entries/joint-framework: update the link",
        f"{name}:page 4: error: unknown principle 'full-cost' (did you mean "
        "'full-cost-recovery'?); known values: " + out.stdout.split("known values: ")[1]
        .split("\n")[0]]
    data = json.loads(links(site, guide, "--format", "json").stdout)
    assert [(p["page"], p["line"]) for p in data["problems"]] == [(3, None), (4, None)]
    assert data["summary"]["links"] == 3


def test_a_missing_file_or_an_unknown_format_is_a_clear_error(site, tmp_path):
    out = links(site, tmp_path / "nowhere.md")
    assert out.returncode == 2 and "does not exist" in out.stderr
    (tmp_path / "guide.odt").write_bytes(b"PK\x03\x04")
    out = links(site, tmp_path / "guide.odt")
    assert out.returncode == 2 and "cannot read '.odt' files" in out.stderr
    (tmp_path / "broken.pdf").write_bytes(b"not a pdf")
    out = links(site, tmp_path / "broken.pdf")
    assert out.returncode == 1 and "not a readable PDF" in out.stderr
    out = links(site, tmp_path / "guide.odt", base="practice.example.org")
    assert out.returncode == 2
    for each in (out, links(site, tmp_path / "broken.pdf")):
        assert "Traceback" not in each.stderr and each.stdout == ""


def test_without_a_base_only_site_relative_links_are_checked(site, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text(MARKDOWN, encoding="utf-8")
    out = links(site, guide, base="")
    assert out.returncode == 1
    assert [line.split(": ")[0] for line in out.stdout.splitlines()[:-1]] == [
        f"{guide.as_posix()}:9"]
    assert "1 link to the site checked" in out.stdout and "--base" in out.stdout


# Each address, as a guidance document may write it, with what the real site answers.
ADDRESSES = [
    "/", "/index.json", "/search", "/search.json?q=grants", "/search.csv?sector=health",
    "/search.atom?sector=nhs-health", "/search?q=a&q=b", "/search?sector=health&sector=health",
    "/search?from=2009-02-30", "/search?from=2010&to=2009", "/search?sort=best",
    "/search?page=0", "/search?stage=plan&region=london", "/search/?q=x",
    "/entries/co-design", "/entries/co-design.json", "/entries/co-design.md",
    "/entries/old-framework.json", "/entries/old-framework/", "/entries/Co-Design",
    "/entries/co-design/extra", "/entry/co-design", "/sectors/health", "/sectors/nhs-health",
    "/sectors/nhs-health.json", "/sectors/helth", "/sectors", "/regions.json", "/coverage",
    "/about", "/about.json", "/feed.atom", "/healthz", "/static/site.css", "/static/none.css",
    "/nowhere", "/coverage/", "/search?" + "&".join(["sector=health"] * 101),
    "/embed/search?q=grants", "/embed/search?sector=nhs-health", "/embed/search?sector=helth",
    "/embed/entries/co-design", "/embed/entries/old-framework", "/embed/entries/nope",
    "/embed/nowhere", "/entries/co-design/history", "/entries/old-framework/history.json",
    "/search.atom?q=grants&page=2&sort=title", "/search.csv?q=grants&page=3",
    "/entries/Old-Framework", "/entries/Old_Framework.json", "/sectors/NHS-Health",
    "/entries", "/embed", "/embed/",
]


@pytest.mark.parametrize("typed,page", [("/entries/Old-Framework", "/entries/joint-framework"),
                                        ("/entries/OLD_FRAMEWORK.md",
                                         "/entries/joint-framework.md"),
                                        ("/sectors/NHS-Health", "/sectors/health"),
                                        ("/entries/old-framework/", "/entries/joint-framework"),
                                        ("/entries/Old-Framework/", "/entries/joint-framework"),
                                        ("/sectors/nhs-health/", "/sectors/health")])
def test_an_old_address_typed_another_way_redirects_once_to_the_page(client, typed, page):
    moved = client.get(typed)
    assert moved.status == 301 and moved.headers["location"].endswith(page)


@pytest.mark.parametrize("address", ADDRESSES)
def test_what_the_check_says_is_what_the_site_answers(library, client, tmp_path, address):
    """The checker's verdict on each address agrees with the real app: good is a page, a
    warning is a redirect to the page at the address it names, an error is a 4xx page."""
    guide = tmp_path / "guide.md"
    guide.write_text(f"[here]({address})\n", encoding="utf-8")
    findings, _ = check_documents(library, {guide: read_links(guide)}, BASE)
    answer, redirected_to = client.get(address), None
    while answer.status == 301:  # followed, as a browser does, to the page at the end
        location = urlsplit(answer.headers["location"])
        redirected_to = location.path + (f"?{location.query}" if location.query else "")
        answer = client.get(redirected_to)
    if answer.status == 200 and redirected_to is None:
        assert findings == []
    elif answer.status == 200:
        assert [(f.severity, f.update_to) for f in findings] == [("warning", redirected_to)]
    else:
        assert 400 <= answer.status < 500 and [f.severity for f in findings] == ["error"]


def test_the_anchors_accepted_are_headings_of_the_entry_page(library, client):
    page = Page(client.get("/entries/joint-framework").body)
    on_page = {attrs.get("id") for tag, attrs in page.elements if re.fullmatch(r"h[1-6]", tag)}
    assert set(heading_ids(library.entry("joint-framework"))) <= on_page


def test_a_link_into_the_about_page_names_one_of_its_headings(library, client, tmp_path):
    from kb.links import about_ids

    page = Page(client.get("/about").body)
    assert sorted(about_ids()) == sorted(attrs["id"] for _, attrs in page.elements if "id" in attrs)
    # each heading's id as entries make theirs (GitHub's rule), and the older ones kept
    assert {"how-to-search", "searching", "how-to-contribute", "reusing-the-data"} <= \
        set(about_ids())
    guide = tmp_path / "guide.md"
    guide.write_text("[a](/about#searching) [b](/about#how-to-serch) [c](/about#how-to-search)\n",
                     encoding="utf-8")
    [finding], _ = check_documents(library, {guide: read_links(guide)}, BASE)
    assert finding.severity == "error" and finding.message.startswith(
        "no heading 'how-to-serch' in /about (did you mean 'how-to-search'?)"), finding.message


def test_every_wrong_parameter_of_a_search_link_is_named_at_once(library, tmp_path):
    guide = tmp_path / "guide.md"
    guide.write_text("[s](/search?sector=helth&region=londn&from=2010-13-01&colour=red)\n",
                     encoding="utf-8")
    [finding], _ = check_documents(library, {guide: read_links(guide)}, BASE)
    said = finding.message
    assert finding.severity == "error"
    for part in ("unknown search parameter 'colour'", "unknown sector 'helth'",
                 "unknown region 'londn'", "From date 2010-13-01 is not a real date"):
        assert part in said, part


def test_an_embed_in_a_guidance_page_is_checked_like_a_link(library, tmp_path):
    """A guidance web page that frames an example (the embed code the site offers) breaks
    when that address does: its <iframe src> is checked as its links are."""
    guide = tmp_path / "guide.html"
    guide.write_text(f'<p>Example:</p>\n<iframe src="{BASE}/embed/entries/co-design" title="a">'
                     f'</iframe>\n<iframe src="{BASE}/embed/entries/no-such-example" title="b">'
                     "</iframe>\n", encoding="utf-8")
    findings, _ = check_documents(library, {guide: read_links(guide)}, BASE)
    assert [(f.severity, f.link.line) for f in findings] == [("error", 3)]


def test_a_guidance_pages_relative_links_are_read_from_its_base(library, tmp_path):
    """With <base href> set to the site, 'entries/x' and an embed's 'embed/entries/x' are
    addresses of the site, as a browser reads them, and are checked."""
    guide = tmp_path / "guide.html"
    guide.write_text(f'<head><base href="{BASE}/"></head>\n<a href="entries/co-design">ok</a>'
                     '\n<a href="entries/no-such-example">gone</a>\n'
                     '<iframe src="embed/entries/no-such-embed" title="b"></iframe>\n',
                     encoding="utf-8")
    findings, _ = check_documents(library, {guide: read_links(guide)}, BASE)
    assert [(f.severity, f.link.line) for f in findings] == [("error", 3), ("error", 4)]


def test_an_address_a_pdf_wraps_after_a_hyphen_is_read_whole():
    from kb.documents import bare_urls, unwrapped

    text = "See https://practice.example.org/entries/telford-wrekin-\nccg-severn-hospice for it.\n"
    assert bare_urls(unwrapped(text)) == [
        "https://practice.example.org/entries/telford-wrekin-ccg-severn-hospice"]
    assert bare_urls(unwrapped("https://a.example/x\nNext line")) == ["https://a.example/x"]


def test_a_lost_anchor_is_offered_the_heading_that_grew_from_it():
    """'#outcomes' after '## Outcomes' became '## Outcomes and results': the hint is that
    heading, not the nearest spelling ('sources')."""
    from kb.links import Broken, Known, check_heading

    known = Known({"x"}, {}, None, lambda slug: ["what-they-did", "outcomes-and-results",
                                                  "learning-points", "sources"])
    with pytest.raises(Broken, match=r"no heading 'outcomes' in this entry \(did you mean "
                                     r"'outcomes-and-results'\?\)"):
        check_heading(known, "x", "outcomes")


def test_links_in_a_word_documents_header_and_footer_are_checked(tmp_path):
    """A guide's footer often carries the site's address: a link there is read, and said to
    be in the footer, with its paragraph."""
    import docx
    from docx.opc.constants import RELATIONSHIP_TYPE
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    document.add_paragraph("The body.")
    footer = document.sections[0].footer
    footer.paragraphs[0].text = f"More at {BASE}/entries/co-design"
    paragraph = document.sections[0].header.paragraphs[0]
    rel = document.sections[0].header.part.relate_to(f"{BASE}/entries/nope",
                                                     RELATIONSHIP_TYPE.HYPERLINK,
                                                     is_external=True)
    link = OxmlElement("w:hyperlink")
    link.set(qn("r:id"), rel)
    run, label = OxmlElement("w:r"), OxmlElement("w:t")
    label.text = "an example"
    run.append(label)
    link.append(run)
    paragraph._p.append(link)
    guide = tmp_path / "guide.docx"
    document.save(str(guide))
    links = read_links(guide)
    assert [(link.where, link.url) for link in links] == [
        ("header paragraph 1", f"{BASE}/entries/nope"),
        ("footer paragraph 1", f"{BASE}/entries/co-design")]


def test_a_renamed_heading_is_not_offered_a_heading_that_merely_looks_alike():
    """'#outcomes' after '## Outcomes' became '## Results': 'sources' looks a little like it
    but is no typo of it, so no hint sends readers to the list of sources; a typo still
    gets one ('learning-point')."""
    from kb.links import Broken, Known, check_heading

    known = Known({"x"}, {}, None, lambda slug: ["what-they-did", "results",
                                                  "learning-points", "sources"])
    with pytest.raises(Broken) as raised:
        check_heading(known, "x", "outcomes")
    assert "did you mean" not in str(raised.value) and "its headings are" in str(raised.value)
    with pytest.raises(Broken, match=r"did you mean 'learning-points'"):
        check_heading(known, "x", "learning-point")
