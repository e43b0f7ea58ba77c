"""Brand templates as hostile input: a brand may override any template, so a template can run
no program, read no file outside templates/, loop or grow without bound, or crash the run.
Each attack is a brand's override of the disclaimer in a copy of the project, run through the
command line (``check``, ``build``, ``i18n extract``): exit 1, the problem named at the
template's file (and line), no traceback, and, seen by an audit hook, no process started and
no file opened that the attack aimed at."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from handoutgen import templating
from handoutgen.cli import main
from handoutgen.project import Project

from .cli.test_cli import run_cli
from .conftest import ROOT

DISCLAIMER = "templates/brands/example-clinic/standard/disclaimer.xml.j2"
FIRST_LINE = '<p class="small">Ask your care team.</p>\n'  # the attack is on line 2
PROCESS_EVENTS = ("subprocess.Popen", "os.system", "os.exec", "os.posix_spawn", "os.spawn")
PROCESS_EVENTS += ("os.fork", "os.forkpty")


class _Audit:
    """An audit hook (installed once: hooks cannot be removed) recording, while active and in
    this thread, every process started and every file opened."""

    def __init__(self) -> None:
        self.active = False
        self.thread: int | None = None
        self.processes: list[str] = []
        self.opened: list[str] = []
        sys.addaudithook(self._hook)

    def _hook(self, event: str, args: tuple[object, ...]) -> None:
        if not self.active or threading.get_ident() != self.thread:
            return
        if event == "open" and isinstance(args[0], str | bytes | os.PathLike):
            self.opened.append(os.path.realpath(os.fsdecode(args[0])))  # type: ignore[arg-type]
        elif event.startswith(PROCESS_EVENTS):
            self.processes.append(f"{event} {args[:1]!r}")

    @contextlib.contextmanager
    def watching(self) -> Iterator[_Audit]:
        self.processes, self.opened = [], []
        self.thread, self.active = threading.get_ident(), True
        try:
            yield self
        finally:
            self.active = False


_audit = _Audit()


def _cli(root: Path, *argv: str) -> tuple[int, str]:
    """The command line in this process, watched: its exit code and everything it printed
    (which must hold no traceback); no process may start."""
    out = io.StringIO()
    with (
        _audit.watching(),
        contextlib.redirect_stdout(out),
        contextlib.redirect_stderr(out),
    ):
        code = main(["--root", str(root), *argv])
    text = out.getvalue()
    assert "Traceback" not in text and "internal error" not in text, text
    assert _audit.processes == [], _audit.processes
    return code, text


def _build(root: Path, out: Path, *more: str) -> list[str]:
    selection = ["neuromyotonia", "--locale", "en", "--paper", "a4", "--jobs", "1"]
    return ["build", *selection, "--out", str(out), *more]


def _override(project: Project, text: str, name: str = "standard/disclaimer.xml.j2") -> Path:
    path = project.brands_dir / "example-clinic" / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, encoding="utf-8")
    return path


def _manifest(out: Path) -> dict[str, dict]:
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["leaflets"]
    return {f"{e['brand']}/{e['edition']}": e for e in entries}


# --- no code -----------------------------------------------------------------------------------

ESCAPES = {
    "cycler": "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    "joiner": "{{ joiner.__init__.__globals__.os.system('id') }}",
    "namespace": "{{ namespace.__init__.__globals__.os.popen('id').read() }}",
    "subclasses": "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    "context": "{{ self._TemplateReference__context.cycler.__init__.__globals__ }}",
    "attr filter": "{{ (h|attr('__class__')).__init__.__globals__ }}",
    "str.format": "{{ '{0.__class__.__init__.__globals__}'.format(h) }}",
    "gettext": "{{ gettext.__globals__['os'].popen('id').read() }}",
    "range": "{{ range.__self__.loader }}",
    "lipsum": "{{ lipsum.__globals__.os.popen('id').read() }}",
    "a path's method": "{{ brand.logo.read_text() }}",
    "a class's method": "{{ dict.fromkeys(range(9), 'x') }}",
}


def test_the_audit_hook_sees_a_process_start():
    with _audit.watching():
        subprocess.run([sys.executable, "-c", "pass"], check=True)
    assert any(p.startswith("subprocess.Popen") for p in _audit.processes)


@pytest.mark.parametrize("attack", ESCAPES.values(), ids=ESCAPES.keys())
def test_a_brand_template_runs_no_code(scratch: Project, tmp_path: Path, attack: str):
    _override(scratch, FIRST_LINE + attack + "\n")
    place = f"{DISCLAIMER}:2: template error (brand example-clinic, example-clinic:leaflet.xml.j2)"
    code, text = _cli(scratch.root, "check")
    assert code == 1 and place in text and "uid=" not in text
    code, text = _cli(scratch.root, *_build(scratch.root, tmp_path / "out", "--brand", "*"))
    assert code == 1 and "uid=" not in text
    leaflets = _manifest(tmp_path / "out")
    assert leaflets["example-clinic/standard"]["reason"].startswith(place)
    assert leaflets["default/standard"]["status"] == "built"  # the other brand: unaffected


def test_a_security_error_fails_only_that_brands_leaflets_in_a_parallel_batch(
    scratch: Project, tmp_path: Path
):
    _override(scratch, FIRST_LINE + ESCAPES["cycler"] + "\n")
    out = tmp_path / "out"
    run = run_cli("--root", str(scratch.root), "build", "--brand", "*", "--out", str(out))
    assert run.returncode == 1 and "Traceback" not in run.stderr + run.stdout
    assert "uid=" not in run.stderr + run.stdout
    message = "access to attribute '__init__' of 'type' object is unsafe."
    for key, entry in _manifest(out).items():
        if key.startswith("example-clinic/"):
            assert entry["status"] == "failed" and entry["reason"].startswith(f"{DISCLAIMER}:2")
            assert entry["reason"].endswith(message)
        else:
            assert entry["status"] == "built", entry


# --- no unbounded loops, text or recursion ----------------------------------------------------

STEPS = "(templates.max_steps in templates/limits.yaml)"
TEXT = "characters or items"
BOUNDED = {
    "a huge range": ("{% for i in range(10**10) %}x{% endfor %}", "a range of more than 100000"),
    "nested loops": (
        "{% for i in range(1000) %}{% for j in range(1000) %}{% endfor %}{% endfor %}",
        f"more than 100000 loop turns, calls and items in one leaflet {STEPS}",
    ),
    "a macro that calls itself twice": (
        "{% macro f(n) %}{% if n %}{{ f(n-1) }}{{ f(n-1) }}{% endif %}{% endmacro %}{{ f(60) }}",
        "more than 100000 loop turns",
    ),
    "a macro that never ends": (
        "{% macro f() %}{{ f() }}{% endmacro %}{{ f() }}",
        "templates nested too deeply",
    ),
    "an include of itself": ('{% include "standard/disclaimer.xml.j2" %}', "nested too deeply"),
    "a recursive loop": (
        "{% for x in [1] recursive %}{{ loop([1, 1]) }}{% endfor %}",
        "nested too deeply",
    ),
    "a long text": ('{{ "x" * 10**10 }}', TEXT),
    "a doubled text": (
        "{% macro d(s, n) %}{% if n %}{{ d(s ~ s, n - 1) }}{% endif %}{% endmacro %}"
        '{{ d("x", 60) }}',
        TEXT,
    ),
    "a doubled namespace": (
        '{% set ns = namespace(s="x") %}{% for i in range(60) %}'
        "{% set ns.s = ns.s ~ ns.s %}{% endfor %}",
        TEXT,
    ),
    "a long list": ("{{ (range(10000)|list) * 1000 }}", TEXT),
    "a printed list": ('{{ ["x" * 1000000] * 3 }}', TEXT),
    "a wide format": ('{{ "%999999999s" % "x" }}', TEXT),
    "a wide format filter": ('{{ "%(a)999999999s"|format(a=1) }}', TEXT),
    "a replace": ('{{ ("x" * 1000000)|replace("x", "xxxx") }}', TEXT),
    "a join": ('{{ (["x" * 1000000] * 2)|join("y" * 1000000) }}', TEXT),
    "a batch": ('{{ [1]|batch(10**9, "x")|list }}', TEXT),
    "a large number": ("{{ 2 ** 100000 }}", "a number of more than 4096 bits"),
    "a large product": ("{{ (2 ** 4000) * (2 ** 4000) }}", "a number of more than 4096 bits"),
    "too much written": (
        '{% for i in range(30000) %}{{ "x" * 100 }}{% endfor %}',
        "more than 2000000 characters written for one leaflet",
    ),
    "a division by zero": ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
    "a loop over a number": ("{% for x in 5 %}{% endfor %}", "'int' object is not iterable"),
}


@pytest.mark.parametrize("attack,message", BOUNDED.values(), ids=BOUNDED.keys())
def test_a_template_that_would_run_away_is_stopped_at_its_line(
    scratch: Project, attack: str, message: str
):
    _override(scratch, FIRST_LINE + attack + "\n")
    started = time.perf_counter()
    code, text = _cli(scratch.root, "check")
    assert time.perf_counter() - started < 30
    assert code == 1, text
    assert f"{DISCLAIMER}:2: template error (brand example-clinic" in text
    assert message in text


def test_the_bounds_are_data_in_the_limits_file(scratch: Project):
    limits = scratch.templates_dir / "limits.yaml"
    original = limits.read_text(encoding="utf-8")
    limits.write_text(original.replace("max_steps: 100000", "max_steps: 50"), encoding="utf-8")
    code, text = _cli(scratch.root, "check")  # the shipped templates use 174 steps
    assert code == 1 and "more than 50 loop turns, calls and items in one leaflet" in text
    assert re.search(r"templates/[\w/.]+\.j2:\d+: template error", text)
    limits.write_text(original.replace("max_output: 2000000", "max_output: 5000"), "utf-8")
    code, text = _cli(scratch.root, "check")
    assert code == 1 and "more than 5000 characters written for one leaflet" in text
    limits.write_text(original.replace("max_steps: 100000", "max_steps: -1"), "utf-8")
    code, text = _cli(scratch.root, "check")
    assert code == 1 and "templates.max_steps: must be a positive whole number" in text


def test_work_the_steps_count_little_is_stopped_by_processor_time(scratch: Project):
    limits = scratch.templates_dir / "limits.yaml"
    text = limits.read_text(encoding="utf-8").replace("max_steps: 100000", "max_steps: 10000000")
    limits.write_text(text.replace("max_seconds: 10", "max_seconds: 1"), encoding="utf-8")
    _override(  # a 2 MB text searched in each of a million turns: about 100 s
        scratch,
        FIRST_LINE + '{% set big = "x" * 2000000 %}{% for i in range(1000000) %}'
        '{% if "y" in big %}{% endif %}{% endfor %}\n',
    )
    started = time.perf_counter()
    code, text = _cli(scratch.root, "check")
    assert code == 1 and "more than 1 s of processor time for one leaflet" in text
    assert time.perf_counter() - started < 20


@pytest.mark.parametrize(
    "attack,line",
    [
        ("{{ " + "(" * 300 + "1" + ")" * 300 + " }}", 2),
        ("{{ 1" + " + 1" * 3000 + " }}", 2),
        ("{{ h" + ".x" * 3000 + " }}", 2),
        ("{% for i in [1] %}\n" * 30 + "{% endfor %}" * 30, 22),  # the 21st loop inside
    ],
    ids=["brackets", "a sum", "attributes", "loops"],
)
def test_a_template_nested_too_deeply_is_a_syntax_error_at_its_line(
    scratch: Project, tmp_path: Path, attack: str, line: int
):
    _override(scratch, FIRST_LINE + attack + "\n")
    code, text = _cli(scratch.root, "check")
    assert code == 1
    assert re.search(rf"{DISCLAIMER}:{line}: template syntax error[^:]*: nested too deeply", text)
    code, _ = _cli(scratch.root, *_build(scratch.root, tmp_path / "out", "--brand", "*"))
    assert code == 1
    assert _manifest(tmp_path / "out")["default/standard"]["status"] == "built"


def test_the_names_a_template_may_use(scratch: Project):
    env = templating.environment(scratch.templates_dir, None)

    def render(source: str, **values: object) -> str:
        return env.from_string(source).render(**values)

    assert render("{% for i in range(3) %}{{ loop.cycle('a', 'b') }}{% endfor %}") == "aba"
    assert render("{% set ns = namespace(n=0) %}{% set ns.n = ns.n + 1 %}{{ ns.n }}") == "1"
    assert render("{{ [1, 2]|join(', ') }} {{ 'a-b'|replace('-', ' ') }}") == "1, 2 a b"
    assert render("{{ '%d items'|format(3) }} {{ '%.1f' % 2.25 }} {{ 'x'.upper() }}") == (
        "3 items 2.2 X"
    )
    listed = render("{{ 'a b'.split()|length }} {{ dict(a=1).items()|list }}")
    assert listed == "2 [(&#39;a&#39;, 1)]"
    assert render("{{ [1, 2, 3]|sum }} {{ x|literal }}", x="[a]") == "6 \\[a\\]"
    for refused in ("lipsum(1)", "'x'.center(9)", "'{}'.format(1)", "'x'.join('ab')"):
        with pytest.raises(Exception, match=r"undefined|unsafe"):
            render("{{ " + refused + " }}")
    for name in ("safe", "random", "center", "striptags", "pprint", "tojson", "xmlattr"):
        with pytest.raises(Exception, match=f"No filter named '{name}'"):
            render("{{ 'x'|" + name + " }}")
    with pytest.raises(Exception, match="sum adds numbers only"):
        render("{{ [[1], [2]]|sum(start=[]) }}")


def test_the_engines_own_errors_are_not_blamed_on_a_template():
    from handoutgen.model import in_language
    from handoutgen.sandbox.bounds import template_fault

    try:
        in_language(5, [])  # type: ignore[arg-type]  # a TypeError in the engine's code
    except TypeError as exc:
        assert template_fault(exc) is None
    try:
        1 / 0  # noqa: B018  # raised here: not the engine's code
    except ZeroDivisionError as exc:
        assert "ZeroDivisionError" in str(template_fault(exc))


# --- no files outside templates/ -----------------------------------------------------------------


@pytest.mark.parametrize(
    "name",
    ["/etc/passwd", "../../../../../../../etc/passwd", "standard/../../../../../etc/passwd"],
)
def test_an_include_of_a_path_outside_is_refused(scratch: Project, name: str):
    _override(scratch, FIRST_LINE + '{% include "' + name + '" %}\n')
    code, text = _cli(scratch.root, "check")
    assert code == 1 and f"{DISCLAIMER}:2: template error (brand example-clinic" in text
    assert "/etc/passwd" not in _audit.opened and "root:" not in text


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the project that a template could try to print."""
    path = tmp_path / "outside" / "disclaimer.xml.j2"
    path.parent.mkdir()
    path.write_text('<p class="small">SECRET-4711</p>\n', encoding="utf-8")
    return path


REFUSED = "template refused: "
OUTSIDE = "a link to a file outside templates/ (a template must be a file in templates/)"
NOT_A_FILE = "not a regular file (a template must be a file, not a FIFO, device or folder)"


def _refused_by_check_and_build(project: Project, out: Path, why: str) -> str:
    code, text = _cli(project.root, "check")  # read and refused before parsing, or composing
    assert code == 1
    assert re.search(rf"{DISCLAIMER}: template refused( \(brand example-clinic\))?: ", text)
    assert why in text
    code, text = _cli(project.root, *_build(project.root, out, "--brand", "*"))
    leaflets = _manifest(out)
    reason = f"{DISCLAIMER}: template refused (brand example-clinic): {why}"
    assert code == 1 and leaflets["example-clinic/standard"]["reason"] == reason
    assert leaflets["default/standard"]["status"] == "built"
    return text


def test_a_template_linked_to_a_file_outside_is_refused_unread(
    scratch: Project, tmp_path: Path, secret: Path
):
    link = scratch.brands_dir / "example-clinic" / "standard" / "disclaimer.xml.j2"
    link.parent.mkdir()
    link.symlink_to(secret)
    text = _refused_by_check_and_build(scratch, tmp_path / "out", OUTSIDE)
    assert "SECRET-4711" not in text and str(secret) not in _audit.opened
    link.unlink()
    link.symlink_to("/etc/hostname")  # the issue's example (missing or not, never opened)
    code, text = _cli(scratch.root, "check")
    assert code == 1 and f"{DISCLAIMER}: {REFUSED}{OUTSIDE}" in text
    assert "/etc/hostname" not in _audit.opened


def test_a_linked_folder_outside_is_refused(scratch: Project, tmp_path: Path, secret: Path):
    (scratch.brands_dir / "example-clinic" / "standard").symlink_to(secret.parent)
    text = _refused_by_check_and_build(scratch, tmp_path / "out", OUTSIDE)
    assert "SECRET-4711" not in text and str(secret) not in _audit.opened


def test_a_link_to_a_template_inside_templates_is_followed(scratch: Project):
    link = scratch.brands_dir / "example-clinic" / "standard" / "disclaimer.xml.j2"
    link.parent.mkdir()
    link.symlink_to(Path("..", "..", "..", "standard", "disclaimer.xml.j2"))
    assert _cli(scratch.root, "check")[0] == 0


def test_a_dangling_link_is_refused_not_passed_over(scratch: Project, tmp_path: Path):
    link = scratch.brands_dir / "example-clinic" / "standard" / "disclaimer.xml.j2"
    link.parent.mkdir()
    link.symlink_to(scratch.root / "templates" / "nothing-here.j2")
    _refused_by_check_and_build(
        scratch, tmp_path / "out", "cannot be read: No such file or directory"
    )


def test_a_device_is_refused_unread(scratch: Project, tmp_path: Path):
    path = scratch.brands_dir / "example-clinic" / "standard" / "disclaimer.xml.j2"
    path.parent.mkdir()
    try:
        os.mknod(path, 0o600 | 0o020000, os.makedev(1, 5))  # a character device: /dev/zero's
    except (PermissionError, AttributeError):
        pytest.skip("cannot make a device file here")
    _refused_by_check_and_build(scratch, tmp_path / "out", NOT_A_FILE)
    assert str(path) not in _audit.opened


def test_a_fifo_is_refused_without_waiting(scratch: Project, tmp_path: Path):
    path = scratch.brands_dir / "example-clinic" / "standard" / "disclaimer.xml.j2"
    path.parent.mkdir()
    os.mkfifo(path)
    shutil_copy_babel(scratch.root)
    root = ["--root", str(scratch.root)]
    for argv in (["check"], ["build", "--brand", "*", "--out", str(tmp_path / "out")]):
        run = run_cli(*root, *argv)  # a process of its own: a hang is a timeout, not a stall
        assert run.returncode == 1 and "Traceback" not in run.stderr
        assert f"{DISCLAIMER}: template refused" in run.stdout + run.stderr
        assert NOT_A_FILE in run.stdout + run.stderr
    run = run_cli(*root, "i18n", "extract")
    assert run.returncode == 1 and "Traceback" not in run.stderr
    assert f"{DISCLAIMER}: {REFUSED}{NOT_A_FILE}" in run.stdout + run.stderr


def shutil_copy_babel(root: Path) -> None:
    (root / "babel.cfg").write_bytes((ROOT / "babel.cfg").read_bytes())


def test_i18n_extract_does_not_read_a_linked_template(
    scratch: Project, secret: Path, tmp_path: Path
):
    secret.write_text("{% trans %}SECRET-4711{% endtrans %}\n", encoding="utf-8")
    link = scratch.brands_dir / "example-clinic" / "standard" / "disclaimer.xml.j2"
    link.parent.mkdir()
    link.symlink_to(secret)
    shutil_copy_babel(scratch.root)
    code, text = _cli(scratch.root, "i18n", "extract")
    assert code == 1 and f"{DISCLAIMER}: {REFUSED}{OUTSIDE}" in text
    assert str(secret) not in _audit.opened
    assert "SECRET-4711" not in (scratch.locales_dir / "handouts.pot").read_text("utf-8")


def test_a_template_too_large_or_not_utf8_is_refused(scratch: Project, tmp_path: Path):
    path = _override(scratch, "x" * 262145)
    why = "262145 bytes or more, over the limit of 262144 (templates.max_bytes in "
    why += "templates/limits.yaml)"
    _refused_by_check_and_build(scratch, tmp_path / "big", why)
    path.write_bytes(b"<p>caf\xe9</p>\n")
    _refused_by_check_and_build(scratch, tmp_path / "latin1", "not UTF-8 text (byte 6)")


# --- no compiled template on disk ----------------------------------------------------------------


def test_no_compiled_template_is_written_or_read(scratch: Project, tmp_path: Path):
    """A compiled template on disk is code that runs when it is loaded: a file planted where
    Jinja's bytecode cache would look is never opened, and none is written."""
    from jinja2.bccache import Bucket, FileSystemBytecodeCache

    marker = tmp_path / "ran"
    planted = scratch.root / ".cache" / "templates"
    env = templating.environment(scratch.templates_dir, None)
    assert env.bytecode_cache is None
    payload = compile(f"open({str(marker)!r}, 'w').close()", "<planted>", "exec")
    for folder in (planted, planted / "0123456789abcdef"):
        folder.mkdir(parents=True)
        disk = FileSystemBytecodeCache(str(folder))
        for path in scratch.templates_dir.rglob("*.j2"):
            name = path.relative_to(scratch.templates_dir).as_posix()
            checksum = disk.get_source_checksum(path.read_text(encoding="utf-8"))
            bucket = Bucket(env, disk.get_cache_key(name, str(path)), checksum)
            bucket.code = payload
            disk.dump_bytecode(bucket)
    before = sorted(p.relative_to(planted) for p in planted.rglob("*"))
    assert _cli(scratch.root, "check")[0] == 0
    assert not [p for p in _audit.opened if p.startswith(str(planted.resolve()))]
    assert _cli(scratch.root, *_build(scratch.root, tmp_path / "out"))[0] == 0
    assert not [p for p in _audit.opened if p.startswith(str(planted.resolve()))]
    assert sorted(p.relative_to(planted) for p in planted.rglob("*")) == before
    assert not marker.exists()
