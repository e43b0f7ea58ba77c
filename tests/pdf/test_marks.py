"""The structure layer's two primitives, written into the page: with tagging on, every text is
drawn inside a structure leaf's marked content or an artifact, every rule, bar, background,
grid, tick box and underline inside an artifact, leaves never nest, MCIDs are unique per page;
with tagging off the bytes are those of an untagged leaflet. Over every
shipped leaflet."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject, NameObject

from handoutgen.build import Job
from handoutgen.project import Project

TEXT = {b"Tj", b"TJ", b"'", b'"'}
PAINT = {b"S", b"s", b"f", b"F", b"f*", b"B", b"B*", b"b", b"b*", b"sh"}


def _walk(pdf: bytes) -> list[dict]:
    """Per page: what was drawn where (leaf, artifact, nowhere) and the MCIDs opened."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        stack: list[tuple[str, object]] = []
        found = {"text_outside": 0, "paint_in_leaf": 0, "paint_outside": 0, "nested": 0}
        found.update({"mcids": [], "roles": [], "images_in_leaf": 0, "artifacts": 0})
        content = ContentStream(page.get_contents(), reader)
        for operands, op in content.operations:
            if op in (b"BDC", b"BMC"):
                tag = str(operands[0])
                props = operands[1] if op == b"BDC" else None
                is_leaf = isinstance(props, DictionaryObject) and NameObject("/MCID") in props
                if is_leaf:
                    if any(kind == "leaf" for kind, _ in stack):
                        found["nested"] += 1
                    found["mcids"].append(int(props[NameObject("/MCID")]))
                    found["roles"].append(tag)
                    stack.append(("leaf", tag))
                else:
                    found["artifacts"] += tag == "/Artifact"
                    stack.append(("artifact" if tag == "/Artifact" else "other", tag))
            elif op == b"EMC":
                stack.pop()
            else:
                inner = stack[-1][0] if stack else None
                if op in TEXT and inner is None:
                    found["text_outside"] += 1
                if op in PAINT:
                    if inner == "leaf" and stack[-1][1] != "/Figure":  # a picture is content
                        found["paint_in_leaf"] += 1
                    elif inner is None:
                        found["paint_outside"] += 1
                if op == b"Do" and inner == "leaf":
                    found["images_in_leaf"] += 1
        assert not stack, "unbalanced marked content"
        pages.append(found)
    return pages


@pytest.fixture(scope="module")
def tagged(every_leaflet) -> dict[Job, tuple[bytes, bytes, object]]:
    """Per leaflet: the untagged PDF, the tagged one, and the tagged build's record."""
    return {job: (plain.pdf, marked.pdf, marked) for job, (marked, plain) in every_leaflet.items()}


def test_every_text_is_in_a_leaf_or_an_artifact_and_every_decoration_an_artifact(tagged):
    assert len(tagged) >= 80
    for job, (_, pdf, _) in tagged.items():
        for n, page in enumerate(_walk(pdf), start=1):
            where = f"{job} page {n}"
            assert page["text_outside"] == 0, where
            assert page["paint_in_leaf"] == 0, where  # underlines and tick boxes: artifacts
            assert page["paint_outside"] == 0, where  # bars, grids, backgrounds: artifacts
            assert page["nested"] == 0, where  # marked content at leaves only
            assert page["mcids"] == list(range(len(page["mcids"]))), where
            assert page["artifacts"] >= 1, where  # the page furniture, at least


def test_the_leaves_recorded_are_those_written(project: Project, tagged):
    for job, (_, pdf, rendered) in list(tagged.items())[:12]:
        written = [(n, mcid) for n, page in enumerate(_walk(pdf), 1) for mcid in page["mcids"]]
        assert written == [(page, mcid) for page, mcid, _ in rendered.marks], job
        roles = {role for _, _, role in rendered.marks}
        assert {"H1", "P", "Lbl", "LBody"} <= roles


def test_the_logo_is_drawn_as_figure_content(tagged):
    job = next(j for j in tagged if j.brand == "default" and j.locale == "en")
    first = _walk(tagged[job][1])[0]
    assert first["images_in_leaf"] == 1 and "/Figure" in first["roles"]


def test_with_tagging_off_no_marked_content_is_written(tagged):
    for job, (plain, marked, _) in tagged.items():
        assert b"BDC" not in PdfReader(io.BytesIO(plain)).pages[0].get_contents().get_data()
        assert "/StructTreeRoot" not in PdfReader(io.BytesIO(plain)).trailer["/Root"], job
        assert "/StructTreeRoot" in PdfReader(io.BytesIO(marked)).trailer["/Root"], job
