"""Leaflets the front-desk page builds: on demand through the batch, once under concurrent
requests (a real uvicorn server, parallel clients), a second request served from the output
folder, the previous PDF kept for the changes view, the translator's view matching entries to
pages, and what is said before printing a draft or a leaflet past its review date."""

from __future__ import annotations

import io
import json
import re
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest
from pypdf import PdfReader

from handoutgen.serve import Site, create_app
from tests.serve.conftest import BASE, live, scratch_site

TOPIC = "/leaflet/neuromyotonia"


def fetch(url: str) -> tuple[int, str, bytes]:
    with urllib.request.urlopen(url, timeout=120) as response:
        return response.status, response.headers["content-type"], response.read()


def test_parallel_requests_for_an_uncached_leaflet_build_it_once(tmp_path: Path):
    from tests.conftest import ROOT

    site = Site(ROOT, tmp_path / "out")
    url = f"{TOPIC}/pdf?locale=de&brand=example-clinic&paper=a4"
    with live(site) as base, ThreadPoolExecutor(8) as pool:
        results = list(pool.map(fetch, [base + url] * 8))
        # and two other leaflets at once, with the same one again: each built once more
        others = [f"{TOPIC}/pdf?locale=tr", f"{TOPIC}/pdf?locale=he", url] * 3
        more = list(pool.map(fetch, [base + u for u in others]))
    assert {(status, kind) for status, kind, _ in results + more} == {(200, "application/pdf")}
    assert len({body for _, _, body in results}) == 1
    assert site.builder.builds == 3
    pdf = tmp_path / "out/example-clinic/de/neuromyotonia.a4.pdf"
    assert results[0][2] == pdf.read_bytes()
    manifest = json.loads((tmp_path / "out/manifest.json").read_text(encoding="utf-8"))
    assert sorted((e["locale"], e["status"]) for e in manifest["leaflets"]) == [
        ("de", "built"),
        ("he", "built"),
        ("tr", "built"),
    ]
    # nothing but leaflets, the manifest, its lock and previews in the output folder
    made = {p.relative_to(tmp_path / "out").parts[0] for p in (tmp_path / "out").rglob("*")}
    assert made == {"example-clinic", "default", "manifest.json", ".handoutgen.lock"}


def test_a_second_request_is_served_from_the_output_folder(tmp_path: Path):
    from starlette.testclient import TestClient

    from tests.conftest import ROOT

    site = Site(ROOT, tmp_path / "out")
    with TestClient(create_app(site), base_url=BASE) as client:
        first = client.get(f"{TOPIC}/pdf", params={"locale": "es"}).content
        pdf = tmp_path / "out/default/es/neuromyotonia.a4.pdf"
        stamp = pdf.stat().st_mtime_ns
        again = client.get(f"{TOPIC}/pdf", params={"locale": "es"}).content
    assert first == again and site.builder.builds == 1
    assert pdf.stat().st_mtime_ns == stamp  # not written again


@pytest.fixture
def edited(tmp_path: Path) -> Any:
    """A scratch project served, then its default brand's name changed (every page's
    masthead or running header shows it)."""
    from starlette.testclient import TestClient

    site = scratch_site(tmp_path)
    with TestClient(create_app(site), base_url=BASE) as client:
        client.get(TOPIC, params={"locale": "ar"})
        before = client.get(f"{TOPIC}/pdf", params={"locale": "ar"}).content
        brand = site.root / "templates/brands/default/brand.yaml"
        text = brand.read_text(encoding="utf-8")
        name = re.search(r"^name: (.+)$", text, re.M)
        assert name
        brand.write_text(text.replace(name.group(0), "name: Westfield Nerve Clinic"), "utf-8")
        yield client, site, before


def test_the_changes_view_shows_the_pages_of_the_last_two_builds_side_by_side(edited: Any):
    client, site, before = edited
    html = client.get(f"{TOPIC}/changes", params={"locale": "ar"}).text  # rebuilds it
    after = client.get(f"{TOPIC}/pdf", params={"locale": "ar"}).content
    assert after != before and site.builder.builds == 2
    kept = site.out / "default/ar/.previous/neuromyotonia.a4.pdf"
    assert kept.read_bytes() == before
    changed = [int(n) for n in re.findall(r"/previous/(\d+)\.png", html)]
    assert changed and changed[0] == 1  # the masthead
    for n in changed:
        old = client.get(f"{TOPIC}/previous/{n}.png", params={"locale": "ar"})
        new = client.get(f"{TOPIC}/page/{n}.png", params={"locale": "ar"})
        assert old.status_code == new.status_code == 200
        assert old.headers["content-type"] == "image/png"
        assert old.content != new.content
    assert "Westfield Nerve Clinic" in PdfReader(io.BytesIO(after)).pages[0].extract_text()


def test_the_translator_view_names_each_entry_and_the_pages_it_prints_on(client: Any):
    html = client.get(f"{TOPIC}/translate", params={"locale": "de"}).text
    rows = re.findall(
        r"<tr>\s*<td class=\"context\" dir=\"ltr\"><code>([^<]*)</code>(.*?)</tr>", html, re.S
    )
    found = {context: body for context, body in rows}
    pdf = PdfReader(io.BytesIO(client.get(f"{TOPIC}/pdf", params={"locale": "de"}).content))
    texts = [" ".join(page.extract_text().split()) for page in pdf.pages]

    def pages(context: str) -> list[int]:
        return [int(n) for n in re.findall(r"<span>(\d+)</span>", found[context])]

    # the title prints on the first page (and in the running header of the others)
    assert pages("neuromyotonia/title")[0] == 1
    # a section heading prints on exactly the pages whose text holds it
    heading = re.search(
        r'<td lang="de" dir="ltr">([^<]+)</td>', found["neuromyotonia/treatment/heading"]
    )
    assert heading
    holding = [i + 1 for i, t in enumerate(texts) if heading.group(1) in t]
    assert pages("neuromyotonia/treatment/heading") == holding != []
    assert "locales/de/LC_MESSAGES/handouts.po:" in found["neuromyotonia/treatment/heading"]
    # each page named shows that page's image
    assert (
        f'<img class="thumb" src="{TOPIC}/page/{holding[0]}.png?'
        in found["neuromyotonia/treatment/heading"]
    )


def test_a_leaflet_past_its_review_date_is_refused_or_marked_as_the_server_was_started(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
):
    from starlette.testclient import TestClient

    from tests.conftest import ROOT

    monkeypatch.setenv("HANDOUTGEN_TODAY", "2099-01-01")  # the builder process inherits it
    refused = Site(ROOT, tmp_path / "refused")
    with TestClient(create_app(refused), base_url=BASE) as client:
        html = client.get(TOPIC).text
        assert "This leaflet cannot be printed" in html
        assert "past its review date" in html and 'id="print"' not in html
        assert client.get(f"{TOPIC}/pdf").status_code == 404
    marked = Site(ROOT, tmp_path / "marked", allow_overdue=True)
    with TestClient(create_app(marked), base_url=BASE) as client:
        html = client.get(TOPIC).text
        warning = html[html.index('id="before-printing"') : html.index('id="print"')]
        assert "past its review date" in warning
        pdf = PdfReader(io.BytesIO(client.get(f"{TOPIC}/pdf").content))
        assert "Review overdue" in pdf.pages[0].extract_text()


def test_an_incomplete_translation_is_not_offered_unless_drafts_are(tmp_path: Path):
    from starlette.testclient import TestClient

    for name, options in (("a", {}), ("b", {"allow_incomplete": True})):
        site = scratch_site(tmp_path / name, **options)
        po = site.root / "locales/es/LC_MESSAGES/handouts.po"
        text = po.read_text(encoding="utf-8")
        entry = re.search(r'msgctxt "neuromyotonia/summary"\nmsgid ".*"\nmsgstr "(.*)"', text)
        assert entry
        po.write_text(text.replace(f'msgstr "{entry.group(1)}"', 'msgstr ""', 1), "utf-8")
        with TestClient(create_app(site), base_url=BASE) as client:
            html = client.get(TOPIC, params={"locale": "es"}).text
        if options:
            warning = html[html.index('id="before-printing"') : html.index('id="print"')]
            assert "This is a draft" in warning
        else:
            assert "not complete yet" in html and 'id="print"' not in html


def test_the_front_desk_pages_are_no_leaflets_input(tmp_path: Path):
    from handoutgen.batch import BatchOptions, run
    from handoutgen.leaflet import Job
    from tests.conftest import copy_project

    project = copy_project(tmp_path / "project")
    job = Job("neuromyotonia", "en", "default", "standard", "a4")
    options = BatchOptions(out=tmp_path / "out")
    assert [o.status for o in run(project, [job], options).outcomes] == ["built"]
    css = project.root / "templates/serve/static/serve.css"
    css.write_text(css.read_text(encoding="utf-8") + "\nbody { margin: 1px; }\n", "utf-8")
    (project.root / "templates/serve/index.html.j2").write_text("{{ 1 }}", "utf-8")
    assert [o.status for o in run(project, [job], options).outcomes] == ["up to date"]
    # a shared leaflet template still counts
    about = project.root / "templates/standard/about.xml.j2"
    about.write_text(about.read_text(encoding="utf-8") + "\n", "utf-8")
    assert [o.status for o in run(project, [job], options).outcomes] == ["built"]


def test_a_builder_process_that_died_is_started_again(tmp_path: Path):
    import os
    import signal

    from starlette.testclient import TestClient

    from tests.conftest import ROOT

    site = Site(ROOT, tmp_path / "out")
    with TestClient(create_app(site), base_url=BASE) as client:
        assert client.get(f"{TOPIC}/pdf").status_code == 200
        child = site.builder._process
        os.kill(child.pid, signal.SIGKILL)  # as the out-of-memory killer would
        child.join()
        response = client.get(f"{TOPIC}/pdf", params={"locale": "tr"})
        assert response.status_code == 200 and response.content.startswith(b"%PDF-")
        assert site.builder._process.pid != child.pid
    assert not site.builder._process  # and it ends with the server
