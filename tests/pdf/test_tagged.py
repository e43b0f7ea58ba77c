"""Tagged leaflets, over every shipped leaflet: PDF/UA-1 and PDF/A-2a by ``page-validation``;
the generator's own consistency check (every MCID owned by exactly one structure element, the
ParentTree agreeing with the content streams, every link annotation tied to a Link element);
the structure a screen reader follows; metadata; text read in logical order; pages that look
exactly as untagged ones."""

from __future__ import annotations

import io
import itertools
import re
import unicodedata
from collections import Counter
from typing import Any

import page
import pypdfium2 as pdfium
import pytest
from babel.messages.pofile import read_po
from pypdf import PdfReader, PdfWriter
from pypdf.generic import ContentStream, DictionaryObject, IndirectObject

from handoutgen.build import Job


def _failures(pdf: bytes, profile: str) -> list[str]:
    report = page.validate_pdf_bytes(pdf, profile=profile)
    return sorted({f"{f.rule_id}: {f.message}" for f in report.failures})


@pytest.mark.parametrize("profile", ["ua1", "2a"])
def test_every_shipped_leaflet_passes_pdf_ua1_and_pdf_a2a(every_leaflet, profile):
    assert len(every_leaflet) >= 80
    failed = {}
    for job, (tagged, _) in every_leaflet.items():
        found = _failures(tagged.pdf, profile)
        if found:
            failed[str(job)] = found
    assert not failed, failed


def test_the_validator_catches_an_untagged_leaflet(every_leaflet):
    _, plain = next(iter(every_leaflet.values()))
    assert any("STRUCT-TREE-ROOT" in f for f in _failures(plain.pdf, "ua1"))
    assert _failures(plain.pdf, "2a")


# --- the generator's own consistency check ---------------------------------------------------


def _content_mcids(reader: PdfReader) -> list[list[tuple[int, str]]]:
    """Per page: the (MCID, tag) of each marked-content leaf, in stream order; fails on a
    leaf inside another."""
    pages = []
    for number, pg in enumerate(reader.pages, start=1):
        found: list[tuple[int, str]] = []
        stack: list[bool] = []
        for operands, op in ContentStream(pg.get_contents(), reader).operations:
            if op in (b"BDC", b"BMC"):
                props = operands[1] if op == b"BDC" else None
                leaf = isinstance(props, DictionaryObject) and "/MCID" in props
                assert not (leaf and any(stack)), f"page {number}: nested marked content"
                if leaf:
                    found.append((int(props["/MCID"]), str(operands[0])))
                stack.append(leaf)
            elif op == b"EMC":
                stack.pop()
        assert not stack, f"page {number}: unbalanced marked content"
        pages.append(found)
    return pages


def _elements(reader: PdfReader) -> list[DictionaryObject]:
    """Every structure element, depth first, in reading order."""
    out: list[DictionaryObject] = []

    def walk(ref: Any) -> None:
        element = ref.get_object()
        if element.get("/Type") in ("/MCR", "/OBJR"):
            return
        out.append(element)
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, IndirectObject | DictionaryObject):
                walk(kid)

    root = reader.trailer["/Root"]["/StructTreeRoot"]
    kids = root["/K"]
    for kid in kids if isinstance(kids, list) else [kids]:
        walk(kid)
    return out


def _page_index(reader: PdfReader, ref: IndirectObject) -> int:
    for n, pg in enumerate(reader.pages):
        if pg.indirect_reference.idnum == ref.idnum:
            return n
    raise AssertionError(f"/Pg {ref} is not a page")


def check_consistency(pdf: bytes) -> Counter:
    """The structure tree, the ParentTree and the content streams agree; returns the roles."""
    reader = PdfReader(io.BytesIO(pdf))
    content = _content_mcids(reader)
    owners: dict[tuple[int, int], int] = {}  # (page, MCID) -> element object number
    roles: Counter = Counter()
    links: dict[int, int] = {}  # annotation object number -> Link element object number
    elements = _elements(reader)
    numbers = {id(e): e.indirect_reference.idnum for e in elements}
    for element in elements:
        role = str(element["/S"])
        roles[role] += 1
        number = numbers[id(element)]
        parent = element["/P"].get_object()
        assert parent.get("/Type") in ("/StructElem", "/StructTreeRoot")
        home = _page_index(reader, element.raw_get("/Pg")) if "/Pg" in element else None
        kids = element.get("/K", [])
        for kid in kids if isinstance(kids, list) else [kids]:
            if isinstance(kid, int):
                key = (home, kid)
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/MCR":
                key = (_page_index(reader, kid.raw_get("/Pg")), int(kid["/MCID"]))
            elif isinstance(kid, DictionaryObject) and kid.get("/Type") == "/OBJR":
                assert role == "/Link"
                links[kid.raw_get("/Obj").idnum] = number
                continue
            else:
                assert kid.get_object()["/P"].get_object() is element, "a kid's /P is its parent"
                continue
            assert key not in owners, f"MCID {key} claimed twice"
            owners[key] = number
    tree = reader.trailer["/Root"]["/StructTreeRoot"]
    nums = tree["/ParentTree"]["/Nums"]
    parent_tree = {int(nums[i]): nums[i + 1] for i in range(0, len(nums), 2)}
    claimed = set()
    for index, pg in enumerate(reader.pages):
        key = int(pg["/StructParents"])
        assert pg["/Tabs"] == "/S"
        mapped = parent_tree[key].get_object()
        assert len(mapped) == len(content[index])
        for mcid, tag in content[index]:
            owner = owners.get((index, mcid))
            assert owner is not None, f"page {index + 1} MCID {mcid} belongs to no element"
            assert mapped[mcid].idnum == owner, f"ParentTree differs at {index + 1}/{mcid}"
            element = mapped[mcid].get_object()
            assert f"/{element['/S'].lstrip('/')}" == tag, "the content's tag is its element's"
            claimed.add((index, mcid))
        for annot in pg.get("/Annots", []):
            obj = annot.get_object()
            assert obj["/F"] == 4 and str(obj["/Contents"])
            link = parent_tree[int(obj["/StructParent"])]
            assert link.idnum == links[annot.idnum], "an annotation's StructParent is its Link"
    assert claimed == set(owners), "an element claims content that is not on its page"
    assert int(tree["/ParentTreeNextKey"]) == len(reader.pages) + len(links)
    return roles


def test_every_mcid_belongs_to_one_element_and_the_parent_tree_agrees(every_leaflet):
    for job, (tagged, _) in every_leaflet.items():
        roles = check_consistency(tagged.pdf)
        assert roles["/Document"] == 1 and roles["/H1"] == 1, job
        assert roles["/L"] and roles["/LI"] and roles["/LBody"] and roles["/Lbl"], job
        if job.topic == "neuromyotonia":  # the EMG leaflet has no table
            assert roles["/Table"] and roles["/TR"] and roles["/TH"] and roles["/TD"], job


def test_the_consistency_check_catches_a_broken_parent_tree(every_leaflet):
    """Validators do not notice page content pointing at the wrong element: this check does."""
    tagged, _ = next(iter(every_leaflet.values()))
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(tagged.pdf)))
    nums = writer.root_object["/StructTreeRoot"]["/ParentTree"]["/Nums"]
    owners = nums[1].get_object()
    at = next(i for i in range(1, len(owners)) if owners[i].idnum != owners[0].idnum)
    owners[0], owners[at] = owners[at], owners[0]
    out = io.BytesIO()
    writer.write(out)
    assert not _failures(out.getvalue(), "ua1")  # the validator passes it
    with pytest.raises(AssertionError, match="ParentTree differs"):
        check_consistency(out.getvalue())


# --- what a screen reader follows ------------------------------------------------------------


def _tree(pdf: bytes) -> list[DictionaryObject]:
    return _elements(PdfReader(io.BytesIO(pdf)))


def test_headings_lists_tables_figures_and_links_are_tagged(every_leaflet):
    job = Job("neuromyotonia", "en", "default", "standard", "a4")
    elements = _tree(every_leaflet[job][0].pdf)
    roles = [str(e["/S"]) for e in elements]
    assert roles[0] == "/Document"
    headings = [int(r[2]) for r in roles if r.startswith("/H")]
    assert headings[0] == 1 and all(b <= a + 1 for a, b in itertools_pairs(headings))
    for item in (e for e in elements if e["/S"] == "/LI"):
        kids = [str(k.get_object()["/S"]) for k in item["/K"]]
        assert kids in (["/Lbl", "/LBody"], ["/LBody"]), kids
    for th in (e for e in elements if e["/S"] == "/TH"):
        assert th["/A"]["/Scope"] == "/Column" and th["/P"].get_object()["/S"] == "/TR"
    for table in (e for e in elements if e["/S"] == "/Table"):
        kids = [str(k.get_object()["/S"]) for k in table["/K"]]
        assert set(kids) <= {"/Caption", "/TR"} and kids[0] in ("/Caption", "/TR")
    figures = [e for e in elements if e["/S"] == "/Figure"]
    assert figures and all(str(f["/Alt"]).strip() for f in figures)
    links = [e for e in elements if e["/S"] == "/Link"]
    assert links and all(link["/P"].get_object()["/S"] in ("/P", "/LBody", "/TD") for link in links)


def itertools_pairs(values: list[int]) -> list[tuple[int, int]]:
    return list(itertools.pairwise(values))


def test_a_repeated_table_header_is_an_artifact(every_leaflet):
    """Where a table continues on the next page, its header row is drawn again, as page
    furniture: the structure has each header cell once."""
    repeated = 0
    for job, (tagged, _) in every_leaflet.items():
        elements = _tree(tagged.pdf)
        header_rows = [
            e for e in elements if e["/S"] == "/TR" and e["/K"][0].get_object()["/S"] == "/TH"
        ]
        tables = [e for e in elements if e["/S"] == "/Table"]
        assert len(header_rows) == len(tables), job
        pages = {
            e.raw_get("/Pg").idnum for e in elements if e["/S"] in ("/TD", "/TH") and "/Pg" in e
        }
        repeated += len(pages) > len(tables)
    assert repeated, "some shipped table runs over a page"


def test_document_metadata_language_and_output_intent(every_leaflet):
    for job, (tagged, _) in list(every_leaflet.items())[::7]:
        reader = PdfReader(io.BytesIO(tagged.pdf))
        root = reader.trailer["/Root"]
        assert bool(root["/MarkInfo"]["/Marked"]) is True
        assert str(root["/Lang"]) == job.locale.replace("_", "-"), job
        assert root["/ViewerPreferences"]["/DisplayDocTitle"]
        intent = root["/OutputIntents"][0].get_object()
        assert intent["/S"] == "/GTS_PDFA1" and intent["/DestOutputProfile"].get_object()["/N"] == 3
        xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
        assert 'pdfuaid:part="1"' in xmp and 'pdfaid:part="2"' in xmp
        assert 'pdfaid:conformance="A"' in xmp
        title = str(reader.metadata.title)
        assert title.replace("&", "&amp;") in xmp, job
        assert reader.outline, "outlines kept"


# --- reading order ---------------------------------------------------------------------------


def _normal(text: str) -> str:
    return " ".join(unicodedata.normalize("NFKC", text).split())


@pytest.mark.parametrize("locale", ["ar", "he"])
def test_right_to_left_text_extracts_in_logical_order(every_leaflet, project, locale):
    job = Job("neuromyotonia", locale, "default", "standard", "a4")
    tagged, _ = every_leaflet[job]
    # section headings, as the translator wrote them (logical order)
    po = project.locales_dir / locale / "LC_MESSAGES" / "handouts.po"
    with po.open("rb") as handle:
        catalog = read_po(handle)
    expected = [
        _normal(m.string)
        for m in catalog
        if m.context
        and m.context.startswith("neuromyotonia/")
        and m.context.endswith("/heading")
        and " " in (m.string or "")
    ]
    assert len(expected) >= 5
    by_pypdf = _normal(" ".join(p.extract_text() for p in PdfReader(io.BytesIO(tagged.pdf)).pages))
    document = pdfium.PdfDocument(tagged.pdf)
    by_pdfium = _normal(
        " ".join(document[i].get_textpage().get_text_range() for i in range(len(document)))
    )
    for heading in expected:
        assert heading in by_pdfium, heading
        assert heading in by_pypdf, heading
        # and not in display order
        assert " ".join(reversed(heading.split())) not in by_pypdf or heading.count(" ") == 0


def test_chinese_extracts_without_stray_spaces(every_leaflet):
    job = Job("neuromyotonia", "zh_Hans", "default", "standard", "a4")
    tagged = next(
        t
        for j, (t, _) in every_leaflet.items()
        if j.locale.startswith("zh") and j.topic == "neuromyotonia"
    )
    text = " ".join(p.extract_text() for p in PdfReader(io.BytesIO(tagged.pdf)).pages)
    assert "有哪些症状" in text.replace("\n", ""), job
    han = "\u4e00-\u9fff"
    assert not re.search(f"[{han}] [{han}]", text)


# --- pages look as before ------------------------------------------------------------------


def _pixels(pdf: bytes) -> list[bytes]:
    document = pdfium.PdfDocument(pdf)
    return [document[i].render(scale=100 / 72).to_pil().tobytes() for i in range(len(document))]


def test_tagged_and_untagged_pages_are_pixel_identical(every_leaflet):
    for job, (tagged, plain) in every_leaflet.items():
        assert tagged.pages == plain.pages
        assert _pixels(tagged.pdf) == _pixels(plain.pdf), job
