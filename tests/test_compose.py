"""Composition: template order and wording, autoescaping, brand overrides, untrusted text."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from pypdf import PdfReader

from handoutgen.blocks.callout import DocBox
from handoutgen.blocks.heading import DocHeading
from handoutgen.blocks.masthead import DocMasthead
from handoutgen.blocks.paragraph import DocPara
from handoutgen.blocks.title_band import DocTitleBand
from handoutgen.build import Job, build_one
from handoutgen.compose import ComposeRequest, compose
from handoutgen.errors import InputError
from handoutgen.localize import Catalog, load_catalog, localize
from handoutgen.project import Project

HOSTILE = 'Try <img src="{img}"/> and <a href="javascript:alert(1)">this</a> or AT&T </para>'


def compose_for(project: Project, brand: str = "default", catalog: Catalog | None = None):
    handout = project.handout("neuromyotonia")
    catalog = catalog or load_catalog(project.locales_dir, "en")
    localized = localize(handout, catalog, "en")
    request = ComposeRequest(localized, project.brand(brand), "standard", catalog)
    return compose(request, templates_dir=project.templates_dir)


def test_template_sets_the_order_of_standard_blocks(project: Project):
    doc = compose_for(project)
    kinds = [type(b).__name__ for b in doc.blocks[:3]]
    assert kinds == ["DocMasthead", "DocTitleBand", "DocPara"]
    headings = [b.text[0].text for b in doc.blocks if isinstance(b, DocHeading)]
    sections = [s.heading for s in project.handout("neuromyotonia").sections]
    assert headings == [*sections, "Sources"]
    boxes = [b.kind for b in doc.blocks if isinstance(b, DocBox)]
    assert boxes[-2:] == ["contact", "about"]
    last = [b for b in doc.blocks if isinstance(b, DocPara)][-1]  # then a booklet's notes
    assert last.style == "large"  # the "other formats" line
    assert "large print" in last.text[0].text


def test_brand_values_and_dates_reach_the_document(project: Project):
    doc = compose_for(project, "example-clinic")
    masthead = doc.blocks[0]
    assert isinstance(masthead, DocMasthead)
    assert masthead.logo is not None and masthead.logo.name == "logo.svg"
    assert doc.meta.author == "Riverside Neurology Clinic"
    assert doc.furniture.footer_center == "Page {page} of {pages}"
    assert doc.furniture.footer_right == "Review due November\u00a025,\u00a02029"
    texts = " ".join(
        s.text
        for b in doc.blocks
        if isinstance(b, DocBox)
        for p in b.blocks
        if isinstance(p, DocPara)
        for s in p.text
    )
    assert "911" in texts and "(555)\u00a0010-0144" in texts
    about = next(b for b in doc.blocks if isinstance(b, DocBox) and b.kind == "about")
    about_text = " ".join(s.text for p in about.blocks for s in p.text)  # type: ignore[union-attr]
    assert "not yet checked by a clinician" in about_text
    assert "Next review due November\u00a025,\u00a02029" in about_text


def test_placeholders_in_content_take_the_brand_emergency_number(project: Project):
    for brand, number in (("default", "999"), ("example-clinic", "911")):
        doc = compose_for(project, brand)
        titles = [b.title[0].text for b in doc.blocks if isinstance(b, DocBox) and b.title]
        assert f"Call {number} now if you or the person you care for has:" in titles


def test_a_brand_overrides_a_template_by_shipping_one_with_the_same_name(scratch: Project):
    brand_dir = scratch.brands_dir / "example-clinic"
    (brand_dir / "standard").mkdir()
    (brand_dir / "standard" / "disclaimer.xml.j2").write_text(
        '<p class="small">{% trans %}Riverside says: ask us first.{% endtrans %}</p>\n'
    )
    doc = compose_for(scratch, "example-clinic")
    texts = [b.text[0].text for b in doc.blocks if isinstance(b, DocPara)]
    assert "Riverside says: ask us first." in texts
    other = compose_for(scratch, "default")
    assert "Riverside says: ask us first." not in [
        b.text[0].text for b in other.blocks if isinstance(b, DocPara)
    ]


def test_template_undefined_name_is_an_error_naming_the_file_line_and_brand(scratch: Project):
    (scratch.templates_dir / "standard" / "formats.xml.j2").write_text("<p>{{ no_such }}</p>")
    with pytest.raises(InputError) as exc:
        compose_for(scratch)
    [problem] = exc.value.problems
    assert (problem.path, problem.line) == ("templates/standard/formats.xml.j2", 1)
    assert "brand default" in problem.message and "'no_such' is undefined" in problem.message


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('<p class="small">\n{{ no_such }}</p>\n', "'no_such' is undefined"),
        ('<p class="small">\n{% if %}</p>\n', "template syntax error"),
    ],
)
def test_an_error_in_a_brand_override_names_the_override_not_the_shared_parent(
    scratch: Project, text: str, message: str
):
    folder = scratch.brands_dir / "default" / "standard"
    folder.mkdir()
    (folder / "disclaimer.xml.j2").write_text(text)
    with pytest.raises(InputError) as exc:
        compose_for(scratch)
    [problem] = exc.value.problems
    assert problem.path == "templates/brands/default/standard/disclaimer.xml.j2"
    assert problem.line == 2 and message in problem.message


class HostileCatalog(Catalog):
    """Translations that try to smuggle markup into template wording."""

    def lookup(self, context, message):
        if message.startswith("Sources"):
            return '<img src="/etc/passwd"/></h2><p>x</p>'
        return message


def test_a_translation_is_text_not_markup(project: Project):
    doc = compose_for(project, catalog=HostileCatalog())
    headings = [b.text[0].text for b in doc.blocks if isinstance(b, DocHeading)]
    assert '<img src="/etc/passwd"/></h2><p>x</p>' in headings


def test_hostile_content_prints_as_literal_text_and_opens_no_file(
    scratch: Project, tmp_path: Path, monkeypatch
):
    secret = tmp_path / "secret.png"
    secret.write_bytes((scratch.brands_dir / "default" / "logo.png").read_bytes())
    source = scratch.handouts_dir / "neuromyotonia.yaml"
    text = source.read_text()
    hostile = HOSTILE.format(img=secret).replace("{", "\\{").replace("}", "\\}")
    assert "summary: >-\n" in text
    text = text.replace("summary: >-\n", f"summary: >-\n  {hostile}\n", 1)
    source.write_text(text)

    opened: list[str] = []
    real_open = open

    def spy(file, *args, **kwargs):
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy)
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "en", "default", "standard", "a4"))
    monkeypatch.undo()
    assert rendered is not None, outcome.reason
    assert str(secret) not in opened
    reader = PdfReader(io.BytesIO(rendered.pdf))
    page1 = "".join(reader.pages[0].extract_text().split())  # a long path may wrap anywhere
    literal = f'Try <img src="{secret}"/> and <a href="javascript:alert(1)">this</a>'
    assert "".join(literal.split()) in page1
    assert "orAT&T</para>" in page1
    assert "AT&T;" not in page1
    images = [
        name
        for page in reader.pages
        for name, x in page["/Resources"].get("/XObject", {}).items()
        if x.get_object()["/Subtype"] == "/Image"
    ]
    assert len(images) == 1  # the brand logo only
    for page in reader.pages:
        for annot in page.get("/Annots", []):
            action = annot.get_object().get("/A", {})
            assert "javascript" not in str(action.get("/URI", "")).lower()
            assert "/JS" not in action


def test_title_band_holds_the_title(project: Project):
    doc = compose_for(project)
    band = next(b for b in doc.blocks if isinstance(b, DocTitleBand))
    assert band.title[0].text == "Neuromyotonia (Isaacs syndrome)"


def test_an_edition_can_bring_its_own_composition(scratch: Project):
    (scratch.templates_dir / "leaflet.large-print.xml.j2").write_text(
        (scratch.templates_dir / "leaflet.xml.j2")
        .read_text()
        .replace('<p class="summary">{{ h.summary }}</p>', "")
    )
    handout = scratch.handout("neuromyotonia")
    catalog = load_catalog(scratch.locales_dir, "en")
    localized = localize(handout, catalog, "en")
    brand = scratch.brand("default")
    large = compose(
        ComposeRequest(localized, brand, "large-print", catalog),
        templates_dir=scratch.templates_dir,
    )
    standard = compose(
        ComposeRequest(localized, brand, "standard", catalog), templates_dir=scratch.templates_dir
    )
    summaries = [b for b in large.blocks if isinstance(b, DocPara) and b.style == "summary"]
    assert summaries == []
    assert any(isinstance(b, DocPara) and b.style == "summary" for b in standard.blocks)


def test_brand_values_print_literally_and_never_become_links(scratch: Project):
    brand_file = scratch.brands_dir / "default" / "brand.yaml"
    text = brand_file.read_text()
    text = text.replace(
        "name: Northbridge Hospital Neurology Service",
        "name: 'Unit [B] **Clinic** [Pay here](https://evil.example/pay)'",
    )
    text = text.replace("phone: 01632 960 123", "phone: '[01632 960 123](tel:+449999)'")
    brand_file.write_text(text)
    rendered, outcome = build_one(scratch, Job("neuromyotonia", "en", "default", "standard", "a4"))
    assert rendered is not None, outcome.reason
    reader = PdfReader(io.BytesIO(rendered.pdf))
    page1 = " ".join(reader.pages[0].extract_text().split())
    assert "Unit [B] **Clinic** [Pay here](https://evil.example/pay)" in page1
    uris = [
        str(a.get_object()["/A"].get("/URI", ""))
        for p in reader.pages
        for a in p.get("/Annots", [])
        if "/A" in a.get_object()
    ]
    assert not any("evil.example" in u or "+449999" in u for u in uris)


@pytest.mark.parametrize(
    ("locale", "tagline"),
    [
        ("en", "Nerve and muscle care"),
        ("es", "Atención de nervios y músculos"),
        ("zh-Hans", "神经与肌肉诊疗"),
        ("es-MX", "Atención de nervios y músculos"),  # its language's text
        ("fr", "Nerve and muscle care"),  # a language the brand does not list: English
    ],
)
def test_a_brand_text_given_per_language_follows_the_leaflet(project: Project, locale, tagline):
    from handoutgen.localize import locale_chain
    from handoutgen.model import in_language

    brand = project.brand("example-clinic")
    chain = [ident.replace("_", "-") for ident in locale_chain(locale)]
    assert in_language(brand.tagline, chain) == tagline
    if project.resolves(locale):
        handout = project.handout("neuromyotonia")
        catalog = load_catalog(project.locales_dir, locale)
        localized = localize(handout, catalog, locale)
        request = ComposeRequest(localized, brand, "standard", catalog)
        masthead = compose(request, templates_dir=project.templates_dir).blocks[0]
        assert isinstance(masthead, DocMasthead)
        assert "".join(s.text for s in masthead.tagline or ()) == tagline


def test_a_per_language_brand_text_is_checked(scratch: Project):

    path = scratch.brands_dir / "example-clinic" / "brand.yaml"
    path.write_text(path.read_text().replace("  es: Atención", "  Spanish!: Atención"))
    with pytest.raises(InputError) as info:
        scratch.brand("example-clinic")
    [problem] = info.value.problems
    assert problem.path == "templates/brands/example-clinic/brand.yaml"
    assert problem.field.startswith("tagline")


def test_a_brand_text_falls_back_along_cldr_parents_then_to_english():
    from handoutgen.model import in_language

    text = {"de": "Klinik", "en-GB": "Clinic", "es-419": "Clínica (América Latina)"}
    assert in_language(text, ["en"]) == "Clinic"  # English before the first language given
    assert in_language(text, ["es-MX", "es-419", "es"]) == "Clínica (América Latina)"
    assert in_language(text, ["fr"]) == "Clinic"
    assert in_language({"de": "Klinik"}, ["fr"]) == "Klinik"
    assert in_language("One text", ["fr"]) == "One text"


def test_an_edited_template_is_read_again(scratch: Project):
    """Compiled templates are kept in memory only (never on disk: tests/test_templating.py);
    an environment kept for the process reads a template again when its bytes change."""
    from handoutgen import templating

    templating._environments.clear()
    before = [b for b in compose_for(scratch).blocks if isinstance(b, DocPara)][-1]
    template = scratch.templates_dir / "standard" / "formats.xml.j2"
    text = template.read_text(encoding="utf-8")
    assert "large print" in text
    template.write_text(text.replace("large print", "big print"), encoding="utf-8")
    after = [b for b in compose_for(scratch).blocks if isinstance(b, DocPara)][-1]  # again
    assert "large print" in before.text[0].text and "big print" in after.text[0].text
    templating._environments.clear()


def test_a_brand_option_is_schema_data_and_a_template_shows_it(scratch: Project):
    """A new brand option needs no code: declare it in brand.schema.json, set it in a brand
    (one text, or one per language), show it in a template as {{ brand.<key> }}."""
    import json

    schema_path = scratch.templates_dir / "brand.schema.json"
    schema = json.loads(schema_path.read_text())
    schema["properties"]["parking"] = {
        "$ref": "#/$defs/text",
        "description": "Where patients can park.",
    }
    schema_path.write_text(json.dumps(schema))
    brand = scratch.brands_dir / "default" / "brand.yaml"
    brand.write_text(
        brand.read_text()
        + "parking: {en: 'Evenings [and] weekends: car park B', de: 'Abends: Parkhaus B'}\n"
    )
    contact = scratch.templates_dir / "standard" / "contact.xml.j2"
    contact.write_text(
        contact.read_text().replace(
            "</box>",
            "{% if brand.parking %}<p>{{ brand.parking }}</p>{% endif %}</box>",
        )
    )
    texts = {
        b.text[0].text
        for box in compose_for(Project(scratch.root)).blocks
        if isinstance(box, DocBox)
        for b in box.blocks
        if isinstance(b, DocPara) and b.text
    }
    assert "Evenings [and] weekends: car park B" in texts  # as written: never a link
    other = compose_for(Project(scratch.root), brand="example-clinic")  # does not set it
    assert not any(
        "Evenings" in b.text[0].text
        for box in other.blocks
        if isinstance(box, DocBox)
        for b in box.blocks
        if isinstance(b, DocPara) and b.text
    )
