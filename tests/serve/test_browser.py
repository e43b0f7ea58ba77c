"""The front-desk page in a real browser (Playwright driving Debian's chromium against a real
uvicorn server): search, pick Arabic, see the pages and the warning before printing, download
the PDF, and its text is Arabic."""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from handoutgen.serve import Site
from tests.serve.conftest import live

CHROMIUM = "/usr/bin/chromium"  # Debian's; Playwright's own browser download is not reachable


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip("playwright.sync_api")
    with sync_api.sync_playwright() as playwright:
        try:
            launched = playwright.chromium.launch(executable_path=CHROMIUM)
        except Exception as exc:  # not installed, or cannot start here
            pytest.skip(f"chromium cannot be launched ({CHROMIUM}): {str(exc).splitlines()[0]}")
        yield launched
        launched.close()


def test_search_pick_arabic_preview_and_download_an_arabic_pdf(browser: Any, tmp_path: Path):
    from tests.conftest import ROOT

    site = Site(ROOT, tmp_path / "out")
    with live(site) as base:
        page = browser.new_page(accept_downloads=True, locale="en-GB")
        page.goto(base + "/")
        page.fill("#q", "Isaacs")
        page.click("form.search button")
        page.click("ul.results a")
        assert page.url.startswith(base + "/leaflet/neuromyotonia?")
        # Arabic, shown in its own name and set right to left; choosing it reloads the page
        option = page.locator('select[name="locale"] option[value="ar"]')
        assert option.text_content() == "العربية" and option.get_attribute("dir") == "rtl"
        page.select_option('select[name="locale"]', "ar")
        page.wait_for_url(re.compile(r".*locale=ar.*"))
        heading = page.locator("h1")
        assert heading.get_attribute("dir") == "rtl"
        assert "متلازمة آيزكس" in heading.text_content()
        # every page previewed, the first one drawn
        images = page.locator("section.pages img")
        assert images.count() > 1
        first = images.first
        first.wait_for()
        page.wait_for_function(
            "img => img.complete && img.naturalWidth > 0", arg=first.element_handle()
        )
        assert first.evaluate("img => img.naturalWidth") > 500
        # what to know before printing, next to the buttons
        assert "not been checked by a clinician" in page.locator("#before-printing").text_content()
        assert page.locator("#print").is_visible()
        with page.expect_download() as download:
            page.click("#download")
        saved = tmp_path / "leaflet.pdf"
        download.value.save_as(saved)
        page.close()
    assert download.value.suggested_filename == "neuromyotonia-ar-default-standard.a4.pdf"
    text = unicodedata.normalize("NFKC", "".join(p.extract_text() for p in PdfReader(saved).pages))
    assert len(re.findall(r"[\u0600-\u06ff]", text)) > 1000
    assert "متلازمة" in text and "آيزكس" in text
