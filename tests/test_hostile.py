"""Property test: random Unicode, markup and format strings in a topic, a brand file and a
catalog -> a build and a check that end with a placed message or a leaflet, never a traceback,
open no file outside the project and the Python installation, and start no process."""

from __future__ import annotations

import contextlib
import io
import json
import os
import shutil
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import polib
import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, event, given, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

import handoutgen  # noqa: E402
from handoutgen.cli import main  # noqa: E402

from .conftest import ROOT as REPO  # noqa: E402
from .conftest import copy_project  # noqa: E402

# what hostile text is made of: markup of every layer it passes (YAML, Jinja, ReportLab's
# paragraph markup, XML, printf and brace formats), characters that hide or reorder text,
# controls, noncharacters and lone surrogates
PIECES = [
    "<b>",
    "</para>",
    "<font name='/etc/passwd'>",
    '<img src="/etc/hostname"/>',
    "<a href='javascript:alert(1)'>x</a>",
    "&",
    "&amp;",
    "&#0;",
    "]]>",
    "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "{% for i in range(10**10) %}x{% endfor %}",
    "{% include '/etc/passwd' %}",
    "%(page)d",
    "%(x)999999999s",
    "%s",
    "%",
    "{emergency_number}",
    "{0.__class__}",
    "*",
    "**bold**",
    "[link](file:///etc/passwd)",
    "\u202e",
    "\u2066",
    "\u200b",
    "\u00ad",
    "\ufeff",
    "\x00",
    "\x1b[31m",
    "\ufffe",
    "\ud800",
    "٤٠",
    "5O",
    "⁵",
    "\n",
    "\t",
    "'",
    '"',
    "\\",
    "  ",
]
# text the fonts of every locale can print, so that some examples reach the page
PRINTABLE = st.characters(max_codepoint=0x24F, blacklist_categories=("Cc", "Cf", "Cs"))
HOSTILE = st.lists(
    st.one_of(st.text(PRINTABLE, max_size=12), st.text(max_size=12), st.sampled_from(PIECES)),
    min_size=1,
    max_size=6,
).map("".join)
PLAIN = st.text(PRINTABLE, min_size=1, max_size=40)  # the other field: likely to print
TEXT = st.one_of(PLAIN, HOSTILE)  # some examples reach the page, the others are refused

EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn", "os.fork")


class Watch:
    """An audit hook (installed once: hooks cannot be removed) that records, while active,
    every file opened outside the allowed folders and every process started."""

    def __init__(self) -> None:
        self.active = False
        self.allowed: tuple[str, ...] = ()
        self.seen: list[str] = []
        self.thread: int | None = None
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active or threading.get_ident() != self.thread:
            return
        if event == "open":
            path = args[0]
            if isinstance(path, int) or path is None:
                return
            name = os.fsdecode(path) if isinstance(path, bytes | os.PathLike) else str(path)
            full = os.path.abspath(name)
            if not full.startswith(self.allowed):
                self.seen.append(f"opened {full}")
        elif event in EVENTS:
            self.seen.append(f"{event} {args[:1]!r}")

    @contextlib.contextmanager
    def watching(self, *allowed: Path) -> Iterator[list[str]]:
        self.allowed = (*(str(p) + os.sep for p in allowed), "/dev/null", *INSTALLED)
        self.seen = []
        self.thread = threading.get_ident()
        self.active = True
        try:
            yield self.seen
        finally:
            self.active = False


_watch = Watch()

# the Python installation (the venv, the interpreter's standard library and this package):
# imports and package data (Babel's CLDR, pyphen's dictionaries)
PYTHON = sorted(
    {Path(p).resolve() for p in (sys.prefix, sys.base_prefix, sys.exec_prefix)}
    | {Path(handoutgen.__file__).resolve().parent}
)


# an editable install's metadata, beside the package (entry points are looked up through it)
INSTALLED = (f"{REPO / 'handoutgen.egg-info'}{os.sep}", f"{REPO / '__editable__.'}")


@pytest.fixture(scope="module")
def hostile_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("hostile") / "project"
    copy_project(root)
    shutil.copy(REPO / "babel.cfg", root / "babel.cfg")  # i18n check extracts as Babel does
    # a first run outside the watch: imports happen here (ReportLab's import reads the user's
    # ~/.reportlab_mods and ~/.reportlab_settings, which is not what this test is about)
    for locale in ("en", "es"):
        assert _run(root, [*_BUILD, locale, "--out", str(root / "out")])[0] == 0
    return root


def _originals(root: Path) -> dict[Path, bytes]:
    files = [
        root / "handouts" / "neuromyotonia.yaml",
        root / "templates" / "brands" / "example-clinic" / "brand.yaml",
        root / "locales" / "es" / "LC_MESSAGES" / "handouts.po",
    ]
    return {f: f.read_bytes() for f in files}


def _yaml_field(text: str, field: str, value: str) -> str:
    """``text`` with the top-level ``field:`` line's value replaced by ``value`` (a JSON string
    is a YAML double-quoted scalar)."""
    lines = text.split("\n")
    for i, line in enumerate(lines):
        if line.startswith(f"{field}:"):
            end = i + 1
            while end < len(lines) and lines[end].startswith(" "):  # a block scalar's lines
                end += 1
            lines[i:end] = [f"{field}: {json.dumps(value, ensure_ascii=False)}"]
            break
    else:
        raise AssertionError(f"no {field}: line")
    return "\n".join(lines)


def _po_entries(text: str, content: str, template: str) -> str:
    """The catalog with its translation of the title replaced, and text added to the first
    template string with a named variable."""
    po = polib.pofile(text)
    po.find("Neuromyotonia (Isaacs syndrome)", msgctxt="neuromyotonia/title").msgstr = content
    entry = next(e for e in po if not e.msgctxt and "%(" in e.msgid and e.msgstr)
    entry.msgstr += template  # its variables kept: some examples print
    return str(po)


def _run(root: Path, argv: list[str]) -> tuple[int, str]:
    err = io.StringIO()
    with contextlib.redirect_stderr(err), contextlib.redirect_stdout(io.StringIO()):
        code = main(["--root", str(root), *argv])
    return code, err.getvalue()


_BUILD = ["build", "neuromyotonia", "--brand", "example-clinic", "--paper", "a4"]
_BUILD += ["--edition", "standard", "--jobs", "1", "--locale"]


def _attempt(root: Path, edits: dict[Path, str], locale: str) -> None:
    originals = _originals(root)
    out = root / "out"
    try:
        for path, text in edits.items():
            try:
                path.write_text(text, encoding="utf-8", errors="surrogatepass")
            except UnicodeEncodeError:
                path.write_bytes(text.encode("utf-8", "backslashreplace"))
        with _watch.watching(root, *PYTHON) as seen:
            for argv in (
                ["check"],
                ["i18n", "check"],
                [*_BUILD, locale, "--force", "--out", str(out)],
            ):
                code, err = _run(root, argv)  # an exception escaping main fails the test
                event(f"{' '.join(argv[:2])} exit {code}")  # --hypothesis-show-statistics
                assert code in (0, 1), (argv[0], code, err)
                assert "Traceback" not in err and "internal error" not in err, err
                if code == 1:  # refused: the message names a file of the project
                    assert any(
                        name in err
                        for name in ("neuromyotonia.yaml", "brand.yaml", "handouts.po", "es:")
                    ), err
        assert not seen, seen
        for pdf in out.rglob("*.pdf"):
            assert pdf.read_bytes().rstrip().endswith(b"%%EOF")  # never half-written
    finally:
        for path, data in originals.items():
            path.write_bytes(data)


COMMON = settings(
    max_examples=int(os.environ.get("HOSTILE_EXAMPLES", "20")),
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
    derandomize=True,  # the same examples in every run: CI is reproducible
)


@COMMON
@given(title=TEXT, summary=PLAIN)
def test_hostile_topic_text(hostile_project: Path, title: str, summary: str) -> None:
    path = hostile_project / "handouts" / "neuromyotonia.yaml"
    text = _yaml_field(path.read_text(encoding="utf-8"), "title", title)
    text = _yaml_field(text, "summary", summary)
    _attempt(hostile_project, {path: text}, "en")


@COMMON
@given(name=TEXT, footer=TEXT)
def test_hostile_brand_text(hostile_project: Path, name: str, footer: str) -> None:
    path = hostile_project / "templates" / "brands" / "example-clinic" / "brand.yaml"
    text = _yaml_field(path.read_text(encoding="utf-8"), "name", name)
    text = _yaml_field(text, "footer_text", footer)
    _attempt(hostile_project, {path: text}, "en")


@COMMON
@given(content=TEXT, template=PLAIN)
def test_hostile_translation(hostile_project: Path, content: str, template: str) -> None:
    path = hostile_project / "locales" / "es" / "LC_MESSAGES" / "handouts.po"
    text = _po_entries(path.read_text(encoding="utf-8"), content, template)
    _attempt(hostile_project, {path: text}, "es")
