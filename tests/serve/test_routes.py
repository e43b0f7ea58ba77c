"""The front-desk page over HTTP, route by route: status and content type of every route, search
in every shipped language, languages in their own names with their direction, previews that are
the leaflet's pages, a PDF whose text is the chosen language, and bad input (unknown ids, '../',
absolute paths, encoded slashes, overlong values, another Host) answered 404/400 without a
single file being opened for it."""

from __future__ import annotations

import io
import re
import sys
import unicodedata
from typing import Any

import pytest
from PIL import Image
from pypdf import PdfReader

from handoutgen.serve import Site

TOPIC = "/leaflet/neuromyotonia"
ARABIC = re.compile(r"[\u0600-\u06ff]")


def links(html: str, pattern: str) -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(pattern, html)]


@pytest.mark.parametrize(
    ("url", "kind"),
    [
        ("/", "text/html; charset=utf-8"),
        ("/?q=isaacs", "text/html; charset=utf-8"),
        (f"{TOPIC}?locale=ar", "text/html; charset=utf-8"),
        (f"{TOPIC}/pdf?locale=ar", "application/pdf"),
        (f"{TOPIC}/page/1.png?locale=ar", "image/png"),
        (f"{TOPIC}/translate?locale=ar", "text/html; charset=utf-8"),
        (f"{TOPIC}/changes?locale=ar", "text/html; charset=utf-8"),
        ("/static/serve.css", "text/css; charset=utf-8"),
        ("/static/serve.js", "text/javascript; charset=utf-8"),
    ],
)
def test_every_route_answers_with_its_content_type(client: Any, url: str, kind: str):
    response = client.get(url)
    assert response.status_code == 200, response.text[:300]
    assert response.headers["content-type"] == kind
    assert response.headers["x-content-type-options"] == "nosniff"
    if kind.startswith("text/html"):
        assert "default-src 'none'" in response.headers["content-security-policy"]


@pytest.mark.parametrize(
    ("query", "locale", "title"),
    [
        ("isaacs", "en", "Neuromyotonia (Isaacs syndrome)"),
        ("twitching", "en", "Neuromyotonia (Isaacs syndrome)"),  # a keyword
        ("Nöromiyotoni", "tr", "Nöromiyotoni (Isaacs sendromu)"),
        ("noromiyotoni", "tr", "Nöromiyotoni (Isaacs sendromu)"),  # without the accent
        ("erworbene", "de", "Neuromyotonie (Isaacs-Syndrom)"),  # a German keyword
        ("ايزكس", "ar", "النيوروميوتونيا (متلازمة آيزكس)"),  # typed without the madda
        ("אייזקס", "he", "נוירומיוטוניה (תסמונת אייזקס)"),
        ("艾萨克斯", "zh-Hans", "神经性肌强直（艾萨克斯综合征）"),
    ],
)
def test_search_finds_a_topic_in_any_shipped_language(
    client: Any, query: str, locale: str, title: str
):
    html = client.get("/", params={"q": query}).text
    found = links(html, r'href="(/leaflet/[^"]+)"')
    assert found == [f"{TOPIC}?locale={locale}&ui=en"]
    assert f">{title}</a>" in html


def test_search_for_nothing_lists_every_topic_and_a_miss_says_so(client: Any):
    every = ["/leaflet/emg-and-nerve-conduction", TOPIC]  # both shipped topics, by title
    assert links(client.get("/").text, r'href="(/leaflet/[^"?]+)') == every
    html = client.get("/", params={"q": "zzzzqq"}).text
    assert "No leaflet matches your search." in html
    assert "/leaflet/" not in html


def test_languages_are_offered_in_their_own_name_and_direction(client: Any):
    html = client.get(TOPIC, params={"locale": "ar"}).text
    options = re.findall(r'<option value="([^"]+)" lang="\1" dir="(ltr|rtl)"[^>]*>([^<]+)<', html)
    names = {tag: (direction, name) for tag, direction, name in options}
    assert names["ar"] == ("rtl", "العربية")
    assert names["he"] == ("rtl", "עברית")
    assert names["de"] == ("ltr", "Deutsch")
    assert names["zh-Hans"][0] == "ltr" and "中文" in names["zh-Hans"][1]
    assert names["tr"] == ("ltr", "Türkçe")
    # the leaflet's own title is set right to left
    assert '<h1 lang="ar" dir="rtl">النيوروميوتونيا (متلازمة آيزكس)</h1>' in html


def test_the_interface_language_follows_the_browser_or_the_choice(client: Any):
    assert '<html lang="en" dir="ltr">' in client.get("/").text
    html = client.get("/", headers={"Accept-Language": "he-IL,he;q=0.9,en;q=0.5"}).text
    assert '<html lang="he" dir="rtl">' in html
    html = client.get("/", headers={"Accept-Language": "zh-CN"}).text
    assert '<html lang="zh-Hans" dir="ltr">' in html
    assert '<html lang="ar" dir="rtl">' in client.get("/", params={"ui": "ar"}).text


def test_a_leaflet_page_previews_every_page_and_offers_print_and_download(client: Any, site: Site):
    html = client.get(TOPIC, params={"locale": "ar"}).text
    pages = links(html, r'<img src="(/leaflet/neuromyotonia/page/\d+\.png\?[^"]+)"')
    pdf = client.get(f"{TOPIC}/pdf", params={"locale": "ar"}).content
    count = len(PdfReader(io.BytesIO(pdf)).pages)
    assert len(pages) == count > 1
    assert 'id="print"' in html and "data-print" in html and 'id="download"' in html
    # the shipped topic is not clinically reviewed: said next to the buttons
    warning = html[html.index('id="before-printing"') : html.index('id="print"')]
    assert "has not been checked by a clinician" in warning
    # every preview is that page of that PDF, at serve.yaml's resolution
    import pypdfium2 as pdfium

    dpi = site.settings["preview_dpi"]
    document = pdfium.PdfDocument(pdf)
    for n, url in enumerate(pages, 1):
        image = Image.open(io.BytesIO(client.get(url).content))
        expected = document[n - 1].render(scale=dpi / 72).to_pil()
        assert image.size == expected.size
        assert image.convert("RGB").tobytes() == expected.convert("RGB").tobytes()


def test_the_pdf_is_the_chosen_language_and_downloads_by_name(client: Any, site: Site):
    response = client.get(f"{TOPIC}/pdf", params={"locale": "ar", "download": "1"})
    assert response.headers["content-disposition"] == (
        'attachment; filename="neuromyotonia-ar-default-standard.a4.pdf"'
    )
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in pages))
    assert len(ARABIC.findall(text)) > 1000
    assert "متلازمة" in text and "آيزكس" in text  # the title, joined forms read as letters
    # and it is the leaflet in the output folder, as the manifest records it
    assert response.content == (site.out / "default/ar/neuromyotonia.a4.pdf").read_bytes()
    inline = client.get(f"{TOPIC}/pdf", params={"locale": "ar"})
    assert inline.headers["content-disposition"].startswith("inline;")


def test_choices_are_the_projects(client: Any):
    html = client.get(
        TOPIC, params={"locale": "de", "brand": "example-clinic", "edition": "large-print"}
    ).text
    assert '<option value="example-clinic" selected>Riverside Neurology Clinic</option>' in html
    # the brand's own paper; large print is not made on A5, so A5 is not offered
    assert '<option value="letter" selected>' in html
    assert 'value="a5"' not in html


def test_a_png_etag_answers_not_modified(client: Any):
    first = client.get(f"{TOPIC}/page/1.png")
    again = client.get(f"{TOPIC}/page/1.png", headers={"If-None-Match": first.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


BAD = [
    ("/leaflet/nope", 404),
    ("/leaflet/nope/pdf", 404),
    ("/leaflet/..%2F..%2F..%2Fetc%2Fpasswd/pdf", 404),
    ("/leaflet/%2Fetc%2Fpasswd/pdf", 404),
    ("/leaflet/neuromyotonia%2F..%2F..%2Fpyproject.toml/pdf", 404),
    ("/leaflet/%2e%2e/pdf", 404),
    ("/leaflet/neuromyotonia/pdf?locale=../../etc/passwd", 404),
    ("/leaflet/neuromyotonia/pdf?locale=%2Fetc%2Fpasswd", 404),
    ("/leaflet/neuromyotonia/pdf?locale=xx", 404),
    ("/leaflet/neuromyotonia/pdf?brand=../default", 404),
    ("/leaflet/neuromyotonia/pdf?brand=/etc", 404),
    ("/leaflet/neuromyotonia/pdf?edition=..%2Fstandard", 404),
    ("/leaflet/neuromyotonia/pdf?paper=../../a4", 404),
    ("/leaflet/neuromyotonia/pdf?edition=large-print&paper=a5", 404),  # not made on A5
    ("/leaflet/neuromyotonia?ui=..%2F..", 404),
    ("/leaflet/neuromyotonia/page/0.png", 404),
    ("/leaflet/neuromyotonia/page/99.png", 404),
    ("/leaflet/neuromyotonia/page/1a.png", 404),
    ("/leaflet/neuromyotonia/page/%D9%A1.png", 404),  # an Arabic-Indic digit one
    ("/leaflet/neuromyotonia/page/..%2F..%2Fmanifest.json", 404),
    ("/leaflet/neuromyotonia/previous/1.png", 404),  # never rebuilt here: no previous
    ("/static/../pyproject.toml", 404),
    ("/static/..%2F..%2Fpyproject.toml", 404),
    ("/static/%2Fetc%2Fpasswd", 404),
    ("/static/serve.yaml", 404),
    ("/etc/passwd", 404),
    ("/leaflet/neuromyotonia/pdf?locale=" + "a" * 65, 400),
    ("/leaflet/" + "a" * 65, 400),
    ("/leaflet/neuromyotonia/pdf?paper=" + "x" * 10000, 400),
    ("/?q=" + "q" * 201, 400),
]


@pytest.fixture
def opened() -> Any:
    """The files the process opens while the flag is up (an audit hook stays for the
    process's life: it records only when asked)."""
    record: dict[str, Any] = {"on": False, "paths": []}

    def hook(event: str, args: tuple[Any, ...]) -> None:
        if record["on"] and event == "open" and isinstance(args[0], str | bytes):
            record["paths"].append(str(args[0]))

    sys.addaudithook(hook)
    return record


@pytest.mark.parametrize(("url", "status"), BAD)
def test_bad_input_is_not_found_or_a_bad_request_and_reads_no_file(
    client: Any, site: Site, opened: Any, url: str, status: int
):
    client.get("/")  # the project's ids loaded before the flag goes up
    client.get(TOPIC)
    builds = site.builder.builds
    opened["on"] = True
    try:
        response = client.get(url)
    finally:
        opened["on"] = False
    assert response.status_code == status, url
    assert response.headers["content-type"] == "text/html; charset=utf-8"
    assert site.builder.builds == builds
    # nothing named by the request is opened: only the project's own files, the leaflets
    # this server made (a page number is checked against its PDF) and Python's own modules
    from pathlib import Path

    from tests.conftest import ROOT

    inside = (ROOT, site.out, Path(sys.prefix), Path(sys.base_prefix))
    for path in map(Path, opened["paths"]):
        assert ".." not in path.parts, path
        assert path.name not in ("passwd", "pyproject.toml", "manifest.json"), path
        assert any(path.resolve().is_relative_to(top.resolve()) for top in inside), path


def test_a_request_for_another_host_is_refused(client: Any):
    response = client.get("/", headers={"Host": "attacker.example"})
    assert response.status_code == 400


def test_a_second_language_gives_the_side_by_side_leaflet(client: Any):
    html = client.get(TOPIC, params={"locale": "ar", "second": "en"}).text
    assert '<option value="en" lang="en" dir="ltr" selected>English</option>' in html
    assert 'id="print"' in html
    response = client.get(f"{TOPIC}/pdf", params={"locale": "ar", "second": "en", "download": "1"})
    assert response.headers["content-disposition"] == (
        'attachment; filename="neuromyotonia-ar+en-default-standard.a4.pdf"'
    )
    pages = PdfReader(io.BytesIO(response.content)).pages
    text = unicodedata.normalize("NFKC", "".join(page.extract_text() for page in pages))
    assert "متلازمة" in text and "Isaacs syndrome" in text
    # picking the first language again as the second is one language
    html = client.get(TOPIC, params={"locale": "en", "second": "en"}).text
    assert '<option value="" selected>' not in html and 'id="print"' in html


def test_two_languages_on_a_paper_too_narrow_are_said_to_not_fit(client: Any):
    html = client.get(TOPIC, params={"locale": "ar", "second": "en", "paper": "a5"}).text
    assert '<select name="second" data-submit disabled>' in html
    assert html.count("Two languages side by side do not fit on this paper") == 2
    assert 'id="print"' not in html
    assert (
        client.get(
            f"{TOPIC}/pdf", params={"locale": "ar", "second": "en", "paper": "a5"}
        ).status_code
        == 404
    )


@pytest.mark.parametrize("second", ["xx", "../en", "/etc", "en%2F..", "a" * 65])
def test_a_second_language_must_be_a_shipped_one(client: Any, second: str):
    response = client.get(TOPIC, params={"locale": "ar", "second": second})
    assert response.status_code == (400 if len(second) > 64 else 404)


@pytest.mark.parametrize(
    ("ui", "find", "before"),
    [
        ("ar", "ابحث عن نشرة", "قبل الطباعة"),
        ("he", "חיפוש עלון", "לפני ההדפסה"),
        ("zh-Hans", "查找须知", "打印前请注意"),
        ("de", "Merkblatt suchen", "Bevor Sie drucken"),
    ],
)
def test_the_page_speaks_the_interface_language(client: Any, ui: str, find: str, before: str):
    assert f"<h1>{find}</h1>" in client.get("/", params={"ui": ui}).text
    html = client.get(TOPIC, params={"locale": "en", "ui": ui}).text
    assert f"<h2>{before}</h2>" in html
    # the leaflet's own title stays in the leaflet's language
    assert '<h1 lang="en" dir="ltr">Neuromyotonia (Isaacs syndrome)</h1>' in html
