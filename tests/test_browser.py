"""Real headless Chromium (Debian's) driven by Playwright against the live server."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--disable-quic"]


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


@pytest.fixture(params=[True, False], ids=["js-on", "js-off"])
def page(request, browser):
    context = browser.new_context(java_script_enabled=request.param,
                                  viewport={"width": 1280, "height": 900})
    pg = context.new_page()
    yield pg
    context.close()


def test_search_tick_a_facet_open_an_entry(page, live_server):
    page.goto(live_server + "/")
    page.fill("#q", "funding")
    page.click("button[type=submit]")
    page.wait_for_url("**/search?q=funding")
    before = page.text_content(".result-count")
    page.check("#f-sector-health")
    page.click("text=Apply filters")
    page.wait_for_url("**sector=health**")
    after = page.text_content(".result-count")
    assert "in Health" in after and after != before
    assert page.is_checked("#f-sector-health")
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "search-1280.png"), full_page=True)
    first = page.locator(".hit-title a").first
    title = first.text_content()
    first.click()
    page.wait_for_url("**/entries/**")
    assert page.text_content("h1") == title
    assert page.locator("#learning-points").count() == 1
