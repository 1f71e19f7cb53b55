"""Real headless Chromium (Debian's) driven by Playwright against the live server: the
commissioner's journeys with JavaScript on and off, by keyboard alone, an axe-core scan of every
page type, and screenshots at desktop and phone widths (saved in test-artifacts/)."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from kb.web import create_app
from tests.conftest import serve_in_thread

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parent.parent
ARTIFACTS = ROOT / "test-artifacts"
AXE = ROOT / "tests" / "vendor" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]
ENTRY = "/entries/pct-hospice-grants"
PAGE_TYPES = {
    "home": "/",
    "search-filtered": "/search?q=funding&sector=health&principle=funding-and-procurement",
    "zero-results": "/search?q=potholes&sector=housing",
    "tagged-apart": "/search?q=reporting+burden",  # results there for a tag alone, set apart
    "date-error": "/search?q=grants&sector=health&from=Spring+2010",
    "filter-errors": "/search?q=grants&sector=helth&sector=housng&principle=volunteerin",
    "phrase-zero": "/search?q=%22hospices+grant%22",
    "long-words": "/search?q=https%3A%2F%2Fwww.gov.uk%2Fgovernment%2Fpublications%2Fthe-compact"
                  "-and-its-codes-of-good-practice-for-funding-and-procurement",
    "one-long-word": "/search?q=grants+" + "commissioningvoluntarysector" * 5,  # unbroken
    "long-suggestion": "/search?q=grantss+" + "comissioningvolunterysector" * 5,  # did you mean
    "not-found": "/entries/a-three-year-voluntary-sector-commissioning-cycle-that-is-not-there",
    "entry": ENTRY,
    "term": "/principles/full-cost-recovery",
    "coverage": "/coverage",
    "about": "/about",
}


def chromium_path() -> str | None:
    return os.environ.get("CHROMIUM") or shutil.which("chromium") or shutil.which(
        "chromium-browser")


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    if not path:
        if os.environ.get("CI"):
            pytest.fail("Chromium is not installed; CI must run the browser tests "
                        "(apt-get install chromium)")
        pytest.skip("no Chromium on this machine: apt-get install chromium to run browser tests")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, headless=True, args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture(scope="module")
def live_server(index_dir):
    """The site at the address the browser reaches it by (no base address: with one, a
    redirect, such as a submitted form's to its short address, goes to the site's base)."""
    server, url = serve_in_thread(create_app(index_dir, base_url=""))
    yield url
    server.close()


def new_page(browser, js=True, width=1280, **options):
    context = browser.new_context(java_script_enabled=js,
                                  viewport={"width": width, "height": 900}, **options)
    return context, context.new_page()


@pytest.mark.parametrize("js", [True, False], ids=["js-on", "js-off"])
def test_search_tick_a_facet_open_an_entry(browser, live_server, js):
    context, page = new_page(browser, js=js)
    try:
        page.goto(live_server + "/")
        page.fill("#q", "funding")
        page.click("form[action='/search'] button[type=submit]")
        page.wait_for_url("**/search?q=funding")
        before = page.text_content("#result-count")
        health_before = page.text_content("label[for=f-sector-health]")
        page.check("#f-sector-health")
        if not js:  # without JavaScript the filter applies when the form is submitted
            page.click("text=Apply filters")
        page.wait_for_url("**sector=health**")
        after = page.text_content("#result-count")
        assert "sector=health" in page.url and "q=funding" in page.url
        assert "in Health" in after and after != before
        assert page.is_checked("#f-sector-health")
        assert page.text_content("label[for=f-sector-health]") == health_before
        first = page.locator(".hit-title a").first
        title = first.text_content()
        first.click()
        page.wait_for_url("**/entries/**")
        assert page.text_content("h1") == title
        assert page.locator("#learning-points").count() == 1
    finally:
        context.close()


def focus_by_tab(page, predicate: str, limit: int = 120, key: str = "Tab") -> None:
    """Press Tab (or `key`) until `predicate` (JS on document.activeElement, `el`) is true."""
    for _ in range(limit):
        page.keyboard.press(key)
        if page.evaluate(f"(() => {{ const el = document.activeElement; return {predicate}; }})()"):
            return
    raise AssertionError(f"never reached an element where {predicate}")


def test_keyboard_only_journey(browser, live_server):
    context, page = new_page(browser)
    try:
        page.goto(live_server + "/")
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.className") == "skip-link"
        assert page.evaluate(
            "getComputedStyle(document.activeElement).outlineStyle") != "none"
        focus_by_tab(page, "el.id === 'q'")
        page.keyboard.type("volunteering")
        page.keyboard.press("Enter")
        page.wait_for_url("**/search?q=volunteering")
        focus_by_tab(page, "el.id === 'f-principle-volunteering'")
        page.keyboard.press("Space")
        page.wait_for_url("**principle=volunteering**")
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.id") == "f-principle-volunteering", (
            "focus is lost after ticking a filter")
        focus_by_tab(page, "el.closest('.hit-title') !== null", key="Shift+Tab")
        outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
        assert outline != "none", "focused link has no visible focus"
        page.keyboard.press("Enter")
        page.wait_for_url("**/entries/**")
        assert page.locator("h1").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("name", list(PAGE_TYPES))
def test_axe_finds_no_violations_and_screenshots(browser, live_server, name):
    ARTIFACTS.mkdir(exist_ok=True)
    for width in (1280, 375):
        context, page = new_page(browser, width=width, bypass_csp=True)
        try:
            page.goto(live_server + PAGE_TYPES[name])
            page.screenshot(path=str(ARTIFACTS / f"{name}-{width}.png"), full_page=True)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{name} scrolls sideways at {width}px"
            if width == 1280:
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run(document)")
                violations = [(v["id"], v["help"], [n["target"] for n in v["nodes"]][:3])
                              for v in result["violations"]]
                assert violations == [], violations
        finally:
            context.close()


def test_a_problem_with_the_form_takes_the_focus(browser, live_server):
    """A date that cannot be read: the summary of the problem is focused, so a screen reader
    reads it first, and its link leads to the field."""
    context, page = new_page(browser)
    try:
        page.goto(live_server + PAGE_TYPES["date-error"])
        assert page.evaluate("document.activeElement.className") == "error-summary"
        page.locator(".error-summary a").click()
        assert page.evaluate("location.hash") == "#from"
    finally:
        context.close()


def test_the_focused_link_of_a_problem_is_dark_on_yellow(browser, live_server):
    """WCAG 1.4.3: the summary's red link text would be 3.6:1 on the focus yellow."""
    context, page = new_page(browser)
    try:
        page.goto(live_server + PAGE_TYPES["date-error"])
        page.focus(".error-summary a")
        assert page.evaluate("getComputedStyle(document.activeElement).color") == \
            "rgb(11, 12, 12)"
    finally:
        context.close()


def test_back_shows_the_boxes_as_the_address_has_them_and_a_filter_reads_its_count(
        browser, live_server):
    """Tick Housing, go Back: the page for Health alone has Housing unticked again (the
    browser would restore the box as last ticked). A ticked filter's new count is put in
    the status region after the page loads, so a screen reader reads it."""
    context, page = new_page(browser)
    try:
        page.goto(live_server + "/search?q=funding&sector=health")
        page.check("#f-sector-housing")
        page.wait_for_url("**sector=housing**")
        assert page.evaluate("document.activeElement.id") == "f-sector-housing"
        page.wait_for_timeout(600)  # the count is said again 400 ms after the page loads
        said = page.text_content(".visually-hidden[role=status]")
        assert said == page.text_content("#result-count") and "Housing" in said
        page.go_back()
        page.wait_for_url("**/search?q=funding&sector=health")
        assert page.is_checked("#f-sector-health") and not page.is_checked("#f-sector-housing")
        assert "in Health" in page.text_content("#result-count")
    finally:
        context.close()


def test_phone_width_320_has_no_sideways_scroll(browser, live_server):
    context, page = new_page(browser, width=320)
    try:
        for path in PAGE_TYPES.values():
            page.goto(live_server + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways at 320px"
    finally:
        context.close()


def test_sort_order_steps_by_keyboard_and_applies_on_enter(browser, live_server):
    """Arrowing through the sort options must not reload the page at each one (WCAG 3.2.2);
    Enter applies the option reached, and focus comes back to the list."""
    context, page = new_page(browser)
    try:
        page.goto(live_server + "/search?q=funding")
        page.focus("#sort")
        page.keyboard.press("ArrowDown")
        page.keyboard.press("ArrowDown")
        page.wait_for_timeout(300)
        assert "sort=" not in page.url
        page.keyboard.press("Enter")
        page.wait_for_url("**sort=**")
        assert "sort=oldest" in page.url
        page.wait_for_load_state()
        assert page.evaluate("document.activeElement.id") == "sort"
    finally:
        context.close()


def test_search_prints_full_width_with_addresses(browser, live_server):
    context, page = new_page(browser)
    try:
        page.goto(live_server + "/search?q=funding&sector=health")
        page.emulate_media(media="print")
        assert not page.is_visible(".search-filters") and not page.is_visible(".filter-tags")
        assert not page.is_visible(".sort-bar")
        assert page.locator(".hit .print-url").first.text_content().startswith("http")
        assert page.is_visible(".hit .print-url")
        width = page.evaluate("document.querySelector('.search-main').offsetWidth")
        assert width > 0.8 * page.evaluate("document.querySelector('main').clientWidth")
        page.goto(live_server + "/search?q=funding&sort=newest")  # which search, on paper
        said = page.locator(".search-main > .print-url").text_content()
        assert said.startswith("This search: http") and "sort=newest" in said
        assert said.endswith("(sorted by newest)") and page.is_visible(".search-main > .print-url")
    finally:
        context.close()


@pytest.mark.parametrize("path", ["/", "/principles/full-cost-recovery"])
def test_lists_of_examples_print_with_their_addresses(browser, live_server, path):
    context, page = new_page(browser)
    try:
        page.goto(live_server + path)
        assert not page.is_visible(".newest .print-url")
        page.emulate_media(media="print")
        first = page.locator(".newest .print-url").first
        assert page.is_visible(".newest .print-url") and "/entries/" in first.text_content()
    finally:
        context.close()


def test_the_coverage_table_prints_whole_on_a4(browser, live_server):
    """On paper nothing scrolls: every column of the coverage table fits the page's width."""
    context, page = new_page(browser)
    try:
        page.set_viewport_size({"width": 720, "height": 1000})  # A4's printable width
        page.goto(live_server + "/coverage")
        page.emulate_media(media="print")
        sizes = page.evaluate("[document.querySelector('.coverage').scrollWidth,"
                              " document.querySelector('main').clientWidth]")
        assert 0 < sizes[0] <= sizes[1], sizes
        columns = page.locator(".coverage thead th").count()
        assert columns > 5 and page.locator(".coverage thead th").last.is_visible()
    finally:
        context.close()


def test_entry_prints_with_link_addresses(browser, live_server):
    context, page = new_page(browser)
    try:
        page.goto(live_server + ENTRY)
        page.emulate_media(media="print")
        assert not page.is_visible(".site-header")
        assert page.is_visible(".cite .print-url")
        assert not page.is_visible(".data-links")  # the page as JSON is no use on paper
        # a link to another entry, as editors write it (/entries/x), prints its address
        after = page.evaluate("""() => { const a = document.createElement('a');
            a.href = '/entries/other-example'; a.textContent = 'the other example';
            document.querySelector('.entry-body').appendChild(a);
            return getComputedStyle(a, '::after').content; }""")
        assert after == '" (/entries/other-example)"', after
        # an address written as the link's text is printed once, not again after it
        bare = page.evaluate("""() => { const a = document.createElement('a');
            a.href = 'https://example.org/x'; a.className = 'bare';
            a.textContent = 'https://example.org/x';
            document.querySelector('.entry-body').appendChild(a);
            return getComputedStyle(a, '::after').content; }""")
        assert bare in ("none", "normal"), bare
        # a table wider than the paper wraps its cells instead of running off the page
        width = page.evaluate("""() => { const t = document.createElement('table');
            t.innerHTML = '<tr>' + '<td>averyveryverylongcellword</td>'.repeat(12) + '</tr>';
            document.querySelector('.entry-body').appendChild(t);
            return [t.offsetWidth, document.querySelector('.entry-body').clientWidth]; }""")
        assert width[0] <= width[1], width
    finally:
        context.close()


EDIT_URL = "https://git.example.org/team/practice/edit/main/{path}"
NEW_URL = "https://git.example.org/team/practice/new/main/entries?filename=new.md&value={template}"


@pytest.fixture(scope="module")
def editing_server(index_dir):
    server, url = serve_in_thread(create_app(index_dir, edit_url=EDIT_URL, new_url=NEW_URL))
    yield url
    server.close()


def test_edit_and_propose_links_appear_only_when_configured(browser, live_server,
                                                            editing_server):
    context, page = new_page(browser, bypass_csp=True)
    try:
        for base, shown in ((editing_server, True), (live_server, False)):
            page.goto(base + ENTRY)
            link = page.get_by_role("link", name="Suggest a change to this example")
            assert link.count() == int(shown)
            if shown:
                assert link.get_attribute("href") == EDIT_URL.replace(
                    "{path}", "entries/pct-hospice-grants.md")
                page.add_script_tag(path=str(AXE))
                result = page.evaluate("async () => await axe.run(document)")
                assert result["violations"] == [], [v["id"] for v in result["violations"]]
            for path in ("/", "/about"):
                page.goto(base + path)
                propose = page.get_by_role("link", name="Propose a new example")
                assert propose.count() == int(shown)
                if shown:
                    href = propose.get_attribute("href")
                    assert href.startswith(NEW_URL.split("{")[0])
                    assert "%5BReplace%20this%3A" in href and "%23%23%20What%20they%20did" in href
                    page.add_script_tag(path=str(AXE))
                    result = page.evaluate("async () => await axe.run(document)")
                    assert result["violations"] == [], [v["id"] for v in result["violations"]]
    finally:
        context.close()


def test_a_page_on_another_origin_frames_an_embed_but_not_other_pages(browser, live_server):
    """A guidance page served from another origin (localhost vs 127.0.0.1, another port)
    frames /embed/search; a frame of an ordinary page stays empty."""
    import http.server
    import threading

    port = live_server.rsplit(":", 1)[1]
    guidance = (f'<!DOCTYPE html><html lang="en"><head><title>Guidance</title></head><body>'
                f'<main><h1>Guidance</h1>'
                f'<iframe id="ok" title="Examples" src="http://127.0.0.1:{port}/embed/search?q=hospice"></iframe>'
                f'<iframe id="no" title="Page" src="http://127.0.0.1:{port}/search?q=hospice"></iframe>'
                f'</main></body></html>').encode()

    class Guidance(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(guidance)

        def log_message(self, *args):
            pass

    other = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Guidance)
    threading.Thread(target=other.serve_forever, daemon=True).start()
    context, page = new_page(browser)
    try:
        page.goto(f"http://localhost:{other.server_address[1]}/")
        framed = page.frame_locator("#ok")
        framed.locator("h1").wait_for(timeout=10_000)
        assert "hospice" in framed.locator("body").inner_text().lower()
        page.wait_for_timeout(500)
        refused = page.locator("#no").element_handle().content_frame()
        assert refused is not None and not refused.url.startswith("http://127.0.0.1"), \
            f"an ordinary page was framed: {refused.url if refused else None}"
    finally:
        context.close()
        other.shutdown()
        other.server_close()


@pytest.mark.parametrize("path", [ENTRY.replace("/entries/", "/embed/entries/"),
                                  "/embed/search?q=hospice"])
def test_embeds_pass_axe(browser, live_server, path):
    context, page = new_page(browser, width=400, bypass_csp=True)
    try:
        page.goto(live_server + path)
        page.add_script_tag(path=str(AXE))
        result = page.evaluate("async () => await axe.run(document)")
        assert [(v["id"], v["help"]) for v in result["violations"]] == []
    finally:
        context.close()


def test_long_words_addresses_and_wide_tables_never_scroll_a_phone_sideways(
        browser, entries_dir, tmp_path):
    """An editor's unbroken word, bare address or eight-column table wraps or scrolls inside
    its own box at 360 px, on the entry page, in the results and in the embed; the page as a
    whole never scrolls sideways."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    word = "commissioningvoluntarycommunitysectorframeworkagreement" * 3
    address = "https://www.example.org/" + "-".join(["commissioning-guidance"] * 5) + ".pdf"
    table = ("| " + " | ".join(f"Column heading {n}" for n in range(8)) + " |\n"
             "|" + "---|" * 8 + "\n| " + " | ".join(["£1,250,000 a year"] * 8) + " |\n")
    write_entry(entries_dir, "long-words", VALID.replace(
        "A short summary of the entry.", f"A summary with {word} in it."),
        body=f"## What they did\n\nSee {address} and {word}.\n\n{table}\n"
             "## Learning points\n\n- A lesson.\n")
    build(entries_dir, tmp_path / "ix")
    server, url = serve_in_thread(create_app(tmp_path / "ix"))
    context, page = new_page(browser, width=360)
    try:
        for path in ("/entries/long-words", "/search?q=summary", "/embed/entries/long-words",
                     "/embed/search?q=summary"):
            page.goto(url + path)
            overflow = page.evaluate(
                "document.documentElement.scrollWidth - document.documentElement.clientWidth")
            assert overflow <= 0, f"{path} scrolls sideways at 360px by {overflow}px"
        page.goto(url + "/entries/long-words")
        region = page.locator(".entry-body .table-scroll")
        assert region.count() == 1 and region.get_attribute("tabindex") == "0"
        assert region.get_attribute("role") == "region" and region.get_attribute("aria-label")
    finally:
        context.close()
        server.close()


def test_a_withdrawn_examples_notice_passes_axe_and_prints(browser, entries_dir, tmp_path):
    """The notice on a withdrawn example's page (and its embed) is read as a note, passes
    axe-core, and is on the printed page."""
    from kb.build import build
    from tests.conftest import VALID, write_entry

    write_entry(entries_dir, "gone", VALID.replace(
        "published: 2009-01-05", "published: 2009-01-05\nwithdrawn: 2012-03-01\n"
        "withdrawn_reason: The decision was quashed; see the later example."))
    build(entries_dir, tmp_path / "ix")
    server, url = serve_in_thread(create_app(tmp_path / "ix"))
    context, page = new_page(browser, bypass_csp=True)
    try:
        for path in ("/entries/gone", "/embed/entries/gone"):
            page.goto(url + path)
            note = page.locator(".withdrawn[role=note]")
            assert note.count() == 1 and "Withdrawn on 1 March 2012." in note.inner_text()
            page.add_script_tag(path=str(AXE))
            result = page.evaluate("async () => await axe.run(document)")
            assert [v["id"] for v in result["violations"]] == [], path
        page.emulate_media(media="print")
        page.goto(url + "/entries/gone")
        assert page.locator(".withdrawn").is_visible()
    finally:
        context.close()
        server.close()


def test_a_keyboard_reaches_the_filters_past_the_results_on_a_wide_screen(browser, live_server):
    """The filters sit beside the results but follow them in the page: the link to them
    shows when it has the focus, and takes the focus past the results."""
    context, page = new_page(browser)
    try:
        page.goto(live_server + "/search?q=funding")
        assert not page.locator(".jump-to-filters a").is_visible() or page.evaluate(
            "document.querySelector('.jump-to-filters a').getBoundingClientRect().left < 0")
        focus_by_tab(page, "el.closest('.jump-to-filters') !== null")
        box = page.evaluate("document.activeElement.getBoundingClientRect().left")
        assert box >= 0, "the focused link is off the screen"
        page.keyboard.press("Enter")
        assert page.evaluate("location.hash") == "#filters"
    finally:
        context.close()
