"""Localize stage: CLDR fallback chains, catalogs along them, lookups that never use fuzzy
translations and record what is missing, and dates written for the locale and clinic region."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest

from handoutgen.build import Job, build_one
from handoutgen.errors import SelectionError
from handoutgen.leaflet import Selection, expand
from handoutgen.localize import Catalog, load_catalog, locale_chain, localize
from handoutgen.project import Project

NBSP = "\u00a0"
TITLE = ("neuromyotonia/title", "Neuromyotonia (Isaacs syndrome)")
SUMMARY_CTX = "neuromyotonia/summary"


def po_file(project: Project, ident: str) -> Path:
    return project.locales_dir / ident / "LC_MESSAGES" / "handouts.po"


def load(path: Path) -> polib.POFile:
    return polib.pofile(str(path), wrapwidth=0)


def write_catalog(project: Project, ident: str, po: polib.POFile) -> Path:
    path = po_file(project, ident)
    path.parent.mkdir(parents=True, exist_ok=True)
    po.metadata["Language"] = ident
    po.wrapwidth = 0
    po.save(str(path))
    return path


def find(po: polib.POFile, ctx: str | None, msgid: str | None = None) -> polib.POEntry:
    [e] = [e for e in po if e.msgctxt == ctx and (msgid is None or e.msgid == msgid)]
    return e


# --- locale chains ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "chain"),
    [
        ("pt-BR", ["pt_BR", "pt"]),
        ("pt-AO", ["pt_AO", "pt_PT", "pt"]),
        ("es-MX", ["es_MX", "es_419", "es"]),
        ("en", ["en"]),
        ("es", ["es"]),
        ("pt_BR", ["pt_BR", "pt"]),
    ],
)
def test_locale_chain_follows_cldr_parents(tag: str, chain: list[str]):
    assert locale_chain(tag) == chain


# --- catalogs along the chain -------------------------------------------------------------------


def test_a_regional_tag_uses_its_language_catalog(scratch: Project):
    before = scratch.locales()
    assert before[0] == "en" and "pt" not in before
    es = load(po_file(scratch, "es"))
    write_catalog(scratch, "pt", es)
    assert scratch.locales() == ["en", *sorted([*before[1:], "pt"])]
    assert scratch.resolves("pt-BR")
    catalog = scratch.catalog("pt-BR")
    assert catalog.pgettext(*TITLE) == find(es, *TITLE).msgstr
    assert catalog.missing == []
    assert expand(scratch, Selection(locales=["pt-BR"])) == [
        Job(topic, "pt-BR", "default", "standard", "a4")
        for topic in ("emg-and-nerve-conduction", "neuromyotonia")
    ]
    rendered, outcome = build_one(
        scratch, Job("neuromyotonia", "pt-BR", "default", "standard", "a4")
    )
    assert outcome.status == "built", outcome.reason
    assert rendered is not None and outcome.draft is False


def test_the_most_specific_catalog_wins_and_gaps_fall_through(scratch: Project):
    es = load(po_file(scratch, "es"))
    write_catalog(scratch, "pt", es)
    regional = load(po_file(scratch, "es"))
    for e in regional:
        e.msgstr = ""
    find(regional, *TITLE).msgstr = "Neuromiotonia (síndrome de Isaacs), BR"
    summary = find(regional, SUMMARY_CTX)
    summary.msgstr = "Resumo regional ainda não revisto."
    summary.flags.append("fuzzy")
    write_catalog(scratch, "pt_BR", regional)

    catalog = load_catalog(scratch.locales_dir, "pt-BR")
    assert len(catalog.layers) == 2
    assert catalog.pgettext(*TITLE) == "Neuromiotonia (síndrome de Isaacs), BR"
    # empty in pt_BR: pt's translation; fuzzy in pt_BR: never used, pt's translation instead
    summary_es = find(es, SUMMARY_CTX)
    assert catalog.pgettext(SUMMARY_CTX, summary_es.msgid) == summary_es.msgstr
    assert catalog.gettext("Contact us") == find(es, None, "Contact us").msgstr
    assert catalog.missing == []


def test_a_tag_without_a_catalog_in_its_chain_is_a_clear_error(scratch: Project):
    assert not scratch.resolves("fr-CA")
    with pytest.raises(SelectionError) as info:
        scratch.catalog("fr-CA")
    available = ", ".join(scratch.locales())
    assert available.startswith("en, ar, de, es")
    assert str(info.value) == f"unknown locale 'fr-CA' (available: {available})"
    with pytest.raises(SelectionError) as info:
        load_catalog(scratch.locales_dir, "fr-CA")
    assert "fr_CA, fr" in str(info.value)
    with pytest.raises(SelectionError):
        expand(scratch, Selection(locales=["fr-CA"]))


def test_the_source_locale_needs_no_catalog(project: Project):
    for tag in ("en", "en-GB", "en-US"):
        catalog = project.catalog(tag)
        assert catalog.source
        assert catalog.pgettext(*TITLE) == TITLE[1]
        assert catalog.missing == []


# --- lookups ------------------------------------------------------------------------------------


def test_catalog_records_missing_lookups_and_never_returns_fuzzy(scratch: Project):
    path = po_file(scratch, "es")
    po = load(path)
    title = find(po, *TITLE)
    title.flags.append("fuzzy")
    spanish_title = title.msgstr
    summary = find(po, SUMMARY_CTX)
    summary.msgstr = ""
    keyword = find(po, "neuromyotonia/keywords", "thymoma")
    write_catalog(scratch, "es", po)

    catalog = scratch.catalog("es")
    assert catalog.pgettext(*TITLE) == TITLE[1] != spanish_title
    assert catalog.pgettext(SUMMARY_CTX, summary.msgid) == summary.msgid
    assert catalog.pgettext("neuromyotonia/keywords", "thymoma") == keyword.msgstr
    assert catalog.gettext("No such template string") == "No such template string"
    assert catalog.missing == [
        f"{TITLE[0]}|{TITLE[1]}",
        f"{SUMMARY_CTX}|{summary.msgid}",
        "No such template string",
    ]

    handout = scratch.handout("neuromyotonia")
    localized = localize(handout, scratch.catalog("es"), "es")
    assert localized.missing == (f"{TITLE[0]}|{TITLE[1]}", f"{SUMMARY_CTX}|{summary.msgid}")
    assert localized.handout.title == TITLE[1]
    assert localized.handout.summary == summary.msgid
    assert (
        localized.handout.sections[0].heading == find(po, "neuromyotonia/what-it-is/heading").msgstr
    )
    assert localized.translated is True
    assert localized.translation_reviewer is None


def test_catalog_layers_are_consulted_in_order():
    class Layer:
        def __init__(self, entries: dict[str, str]) -> None:
            self.get = entries.get
            self.unsafe: dict = {}  # what the safety checks found: nothing
            self.file_problems: list = []

    catalog = Catalog(
        [Layer({"c\x04a": "first"}), Layer({"c\x04a": "second", "c\x04b": "", "d": "dee"})]  # type: ignore[list-item]
    )
    assert catalog.pgettext("c", "a") == "first"
    assert catalog.pgettext("c", "b") == "b"  # empty is not a translation
    assert catalog.gettext("d") == "dee"
    assert catalog.missing == ["c|b"]


def test_a_complete_catalog_misses_nothing(project: Project):
    for tag in ("es", "tr", "de", "ar"):
        localized = localize(project.handout("neuromyotonia"), project.catalog(tag), tag)
        assert localized.missing == (), tag
        assert localized.handout.title != TITLE[1]


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("tag", "region", "next_review"),
    [
        ("tr", None, "25 Kasım 2029"),
        ("de", None, "25. November 2029"),
        ("es", None, "25 de noviembre de 2029"),
        ("en", "GB", "25 November 2029"),
        ("en", "US", "November 25, 2029"),
        ("en", None, "November 25, 2029"),
    ],
)
def test_dates_are_written_for_the_locale_and_region(
    project: Project, tag: str, region: str | None, next_review: str
):
    localized = localize(project.handout("neuromyotonia"), project.catalog(tag), tag, region=region)
    assert localized.dates["next_review"] == next_review.replace(" ", NBSP)
    assert " " not in "".join(localized.dates.values())
    assert localized.dates["published"] == next_review.replace("2029", "2026").replace(" ", NBSP)
    assert set(localized.dates) == {"published", "last_reviewed", "next_review"}


def test_a_regional_tag_keeps_its_own_date_format(project: Project):
    """The clinic's region fills in only what the locale leaves open: en-US stays US-style even
    for a GB clinic."""
    localized = localize(
        project.handout("neuromyotonia"), project.catalog("en-US"), "en-US", region="GB"
    )
    assert localized.dates["next_review"] == f"November{NBSP}25,{NBSP}2029"


def test_locale_info_names_the_language_in_itself(project: Project):
    handout = project.handout("neuromyotonia")
    assert localize(handout, project.catalog("tr"), "tr").locale.language_name == "Türkçe"
    assert localize(handout, project.catalog("de"), "de").locale.language_name == "Deutsch"
    ar = localize(handout, project.catalog("ar"), "ar").locale
    assert (ar.tag, ar.direction) == ("ar", "rtl")


def test_a_compiled_catalog_is_read_in_place_like_gettext_reads_it():
    import gettext
    import io

    from handoutgen.localize import MoFile

    po = polib.POFile()
    po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "X-Reviewed-By": "A. Reviewer"}
    topics = [f"t{n:02d}" for n in range(12)] + ["t1", "t10-x", "neuromyotonia"]
    for topic in topics:
        for n in range(5):
            po.append(
                polib.POEntry(msgctxt=f"{topic}/s/b{n}", msgid=f"Text {n}", msgstr=f"{topic} {n}")
            )
    po.append(polib.POEntry(msgctxt="t03/s/fuzzy", msgid="F", msgstr="left out", flags=["fuzzy"]))
    po.append(polib.POEntry(msgctxt="t03/s/empty", msgid="E", msgstr=""))
    po.append(polib.POEntry(msgid="Phone: %(phone)s", msgstr="Teléfono: %(phone)s"))
    po.append(polib.POEntry(msgid="Sources", msgstr="Fuentes"))
    data = po.to_binary()
    reference = gettext.GNUTranslations(io.BytesIO(data))._catalog  # type: ignore[attr-defined]
    mo = MoFile(data)
    assert mo.headers["x-reviewed-by"] == "A. Reviewer"
    keys = [f"{e.msgctxt}\x04{e.msgid}" if e.msgctxt else e.msgid for e in po]
    for _ in range(2):  # the second pass finds topics that were dropped and reloads them
        for key in [*keys, "t99/s/b0\x04Text 0", "Unknown", "t03/s/b9\x04Text 9"]:
            assert mo.get(key) == (reference.get(key) or None), key
    assert len(mo._topics) == MoFile.KEPT_TOPICS  # only the last few topics stay decoded
    assert len(mo._found) <= MoFile.KEPT_TOPICS * 5 + 2
    # the same through a memory map, as builds read it (pages released after each topic)
    import mmap
    import tempfile

    with tempfile.TemporaryFile() as fh:
        fh.write(data)
        fh.flush()
        mapped = MoFile(mmap.mmap(fh.fileno(), 0, access=mmap.ACCESS_READ))
        for key in [*keys, *keys]:
            assert mapped.get(key) == (reference.get(key) or None), key


def test_plural_entries_follow_each_catalogs_plural_rule():
    from handoutgen.localize import MoFile

    def catalog(plural_forms: str, forms: list[str]) -> Catalog:
        po = polib.POFile()
        po.metadata = {"Content-Type": "text/plain; charset=UTF-8", "Plural-Forms": plural_forms}
        po.append(
            polib.POEntry(
                msgid="%(n)s tablet",
                msgid_plural="%(n)s tablets",
                msgstr_plural=dict(enumerate(forms)),
            )
        )
        return Catalog([MoFile(po.to_binary())])

    de = catalog("nplurals=2; plural=(n != 1);", ["%(n)s Tablette", "%(n)s Tabletten"])
    assert de.ngettext("%(n)s tablet", "%(n)s tablets", 1) == "%(n)s Tablette"
    assert de.ngettext("%(n)s tablet", "%(n)s tablets", 2) == "%(n)s Tabletten"
    assert de.gettext("%(n)s tablet") == "%(n)s tablet"  # a plural entry is not a singular one
    ar_rule = (
        "nplurals=6; plural=(n==0 ? 0 : n==1 ? 1 : n==2 ? 2 : n%100>=3 && n%100<=10 ? 3 : "
        "n%100>=11 ? 4 : 5);"
    )
    ar = catalog(ar_rule, [f"form{i}" for i in range(6)])
    picked = [ar.ngettext("%(n)s tablet", "%(n)s tablets", n) for n in (0, 1, 2, 3, 11, 100)]
    assert picked == ["form0", "form1", "form2", "form3", "form4", "form5"]
    empty = catalog("nplurals=2; plural=(n != 1);", ["%(n)s Tablette", ""])
    assert empty.ngettext("%(n)s tablet", "%(n)s tablets", 5) == "%(n)s tablets"
    assert empty.missing == ["%(n)s tablet"]


def test_the_build_cache_is_never_the_mo_file_other_tools_write(scratch: Project):
    """A build maps its own cache file, named by the catalog's hash; `i18n compile` or msgfmt
    rewriting locales/.../handouts.mo cannot change what a running build reads."""
    from handoutgen.i18n import catalog as loc

    loc._compiled_catalogs.clear()
    catalog = load_catalog(scratch.locales_dir, "es")
    title = catalog.pgettext(*TITLE)
    cache = scratch.root / loc.CATALOG_CACHE
    [cached] = cache.glob("es-*.mo")
    beside = scratch.locales_dir / "es" / "LC_MESSAGES" / "handouts.mo"
    beside.write_bytes(b"\\0" * 64)  # another tool, mid-write
    again = load_catalog(scratch.locales_dir, "es")
    assert again.pgettext(*TITLE) == title != TITLE[1]
    # a changed catalog gets a new cache file; the old one is removed
    path = scratch.locales_dir / "es" / "LC_MESSAGES" / "handouts.po"
    po = polib.pofile(str(path), wrapwidth=0)
    find(po, TITLE[0]).msgstr = "Neuromiotonía (nuevo)"
    po.save()
    changed = load_catalog(scratch.locales_dir, "es")
    assert changed.pgettext(*TITLE) == "Neuromiotonía (nuevo)"
    assert [p.name for p in cache.glob("es-*.mo")] != [cached.name]
    assert len(list(cache.glob("es-*.mo"))) == 1
