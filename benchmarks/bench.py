"""Benchmark: the project vs plain ReportLab vs Typst, side by side in one run -> RESULTS.md."""

from __future__ import annotations

import argparse
import copy
import cProfile
import datetime as dt
import io
import json
import multiprocessing
import os
import platform
import pstats
import re
import resource
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import cache
from importlib.metadata import version
from pathlib import Path
from typing import Any

import plain_reportlab
import polib
import synthetic
import typst_leaflet

# the project's render stages load lazily; import them up front, like the baselines' engines
import handoutgen.compose
import handoutgen.render  # noqa: F401
from handoutgen.batch import BatchOptions, run
from handoutgen.build import Job, build_one
from handoutgen.leaflet import Selection, expand
from handoutgen.project import Project

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().with_name("RESULTS.md")
TRIED = Path(__file__).resolve().with_name("TRIED.md")  # hand-written, appended to RESULTS.md
BRAND_YAML = ROOT / "templates" / "brands" / "default" / "brand.yaml"
LOCALES = ("en", "es", "de", "tr")
LEAFLET = Job("neuromyotonia", "en", "default", "standard", "a4")
TARGETS = {
    "ratio": 1.2,  # project / plain ReportLab, per leaflet
    "speedup": 1.8,  # 2 workers / 1 worker
    "rss_mb": 100.0,
    "noop": 100.0,  # full build / no-op rebuild
    "help_s": 0.3,
    "tag_time": 0.15,  # tagged / untagged build time - 1, every shipped leaflet (issue 14)
    "tag_size": 0.15,  # tagged / untagged file size - 1
}


def tagging_cost(project: Project, rounds: int) -> dict[str, Any]:
    """Every shipped leaflet built tagged (as shipped) and untagged, in-process and warm:
    the best of ``rounds`` interleaved passes each, and the total file sizes."""
    jobs = expand(project, Selection(["*"], ["*"], ["*"], ["*"], ["*"]))
    sizes = {True: 0, False: 0}
    for tagged in (True, False):  # warm-up, and the sizes (the same every build)
        for job in jobs:
            rendered, outcome = build_one(project, job, tagged=tagged)
            assert rendered is not None, outcome.reason
            sizes[tagged] += len(rendered.pdf)
    walls: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(rounds):
        for tagged in (True, False) if round_ % 2 else (False, True):
            started = time.process_time()  # CPU time: less noise from other processes
            for job in jobs:
                build_one(project, job, tagged=tagged)
            walls[tagged].append(time.process_time() - started)
    return {
        "leaflets": len(jobs),
        "walls": walls,
        "sizes": sizes,
        "time": min(walls[True]) / min(walls[False]) - 1,
        "size": sizes[True] / sizes[False] - 1,
    }


# --- measuring --------------------------------------------------------------------------------


@dataclass
class Timing:
    samples: list[float]

    @property
    def median(self) -> float:
        return statistics.median(self.samples)

    def cell(self) -> str:
        ms = [s * 1000 for s in self.samples]
        return f"{statistics.median(ms):.1f} ms ({min(ms):.1f}-{max(ms):.1f})"


def interleaved(engines: dict[str, Callable[[int], object]], rounds: int) -> dict[str, Timing]:
    """Time ``engines`` round-robin (``fn(i)`` for i in 0..rounds-1), so load on a shared machine
    hits them all alike."""
    out = {name: Timing([]) for name in engines}
    for i in range(rounds):
        for name, fn in engines.items():
            start = time.perf_counter()
            fn(i)
            out[name].samples.append(time.perf_counter() - start)
    return out


def log(message: str) -> None:
    print(f"[{time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- the baselines' minimum of i18n: catalog lookups by context, content strings only ---------


@cache
def catalog(root: str, locale: str) -> dict[tuple[str, str], str]:
    if locale == "en":
        return {}
    po = polib.pofile(str(Path(root) / "locales" / locale / "LC_MESSAGES" / "handouts.po"))
    return {
        (e.msgctxt or "", e.msgid): e.msgstr
        for e in po
        if e.msgstr and not e.obsolete and "fuzzy" not in e.flags
    }


def translate(data: dict[str, Any], strings: dict[tuple[str, str], str]) -> dict[str, Any]:
    """The topic's content strings looked up by the project's contexts (topic/section/block)."""
    if not strings:
        return data
    d = copy.deepcopy(data)

    def tr(ctx: str, text: str) -> str:
        return strings.get((ctx, text), text)

    def block(b: dict[str, Any], c: str) -> None:
        c = f"{c}/{b['id']}"
        if "text" in b:
            b["text"] = tr(c, b["text"])
        if "intro" in b:
            b["intro"] = tr(f"{c}/intro", b["intro"])
        if b["type"] == "definitions":
            b["items"] = [
                {"term": tr(f"{c}/term", i["term"]), "text": tr(f"{c}/text", i["text"])}
                for i in b["items"]
            ]
        elif "items" in b:
            b["items"] = [tr(c, i) for i in b["items"]]
        if b["type"] == "callout":
            b["title"] = tr(f"{c}/title", b["title"])
            for inner in b["blocks"]:
                block(inner, c)
        if b["type"] == "table":
            if "caption" in b:
                b["caption"] = tr(f"{c}/caption", b["caption"])
            b["header"] = [tr(f"{c}/header", h) for h in b["header"]]
            b["rows"] = [[tr(c, cell) for cell in row] for row in b["rows"]]

    t = d["id"]
    d["title"] = tr(f"{t}/title", d["title"])
    d["summary"] = tr(f"{t}/summary", d["summary"])
    for p in d["authors"]:
        p["role"] = tr(f"{t}/people/role", p["role"])
    for s in d["sections"]:
        s["heading"] = tr(f"{t}/{s['id']}/heading", s["heading"])
        for b in s["blocks"]:
            block(b, f"{t}/{s['id']}")
    return d


@cache
def topic_data(root: str, topic: str) -> dict[str, Any]:
    return plain_reportlab.load(Path(root) / "handouts" / f"{topic}.yaml", BRAND_YAML)


_TYPST: list[typst_leaflet.TypstLeaflet] = []


def _typst_init() -> None:
    # tagged, as the project's leaflets are (issue 14): the same kind of file on both sides
    _TYPST.append(typst_leaflet.TypstLeaflet(tags=True))


def _rl_init() -> None:
    plain_reportlab.register_fonts()


def baseline_job(engine: str, root: str, out: str, topic: str, locale: str) -> int:
    """Build one baseline leaflet (in a pool worker) and write it; returns its size."""
    data = translate(topic_data(root, topic), catalog(root, locale))
    if engine == "reportlab":
        pdf = plain_reportlab.build(data, plain_reportlab.LOGO)
    else:
        pdf = _TYPST[0].build(data)
    path = Path(out) / locale / f"{topic}.pdf"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(pdf)
    return len(pdf)


def _baseline_star(args: tuple[str, str, str, str, str]) -> int:
    return baseline_job(*args)


# --- batch runs, each in a fresh process --------------------------------------------------------


def cpu_seconds() -> float:
    """User + system CPU of this process and of its finished (joined) children."""
    own, kids = (
        resource.getrusage(resource.RUSAGE_SELF),
        resource.getrusage(resource.RUSAGE_CHILDREN),
    )
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def batch(engine: str, root: str, workers: int, out: str) -> tuple[float, float, int, int]:
    """(wall seconds, CPU seconds, leaflets built, leaflets attempted) for the whole library.
    Runs in a fresh process: nothing is warm but the imports."""
    project = Project(Path(root))
    jobs = expand(project, Selection(locales=["*"]))
    cpu = cpu_seconds()
    start = time.perf_counter()
    if engine == "project":
        report = run(project, jobs, BatchOptions(out=Path(out), jobs=workers, force=True))
        built = report.count("built")
        for o in report.outcomes:
            if o.status != "built":
                print(f"{engine}: {o.job}: {o.status}: {o.reason}", file=sys.stderr)
                break
    else:
        init = _rl_init if engine == "reportlab" else _typst_init
        work = [(engine, root, out, j.topic, j.locale) for j in jobs]
        with multiprocessing.get_context("fork").Pool(workers, initializer=init) as pool:
            built = sum(1 for size in pool.imap_unordered(_baseline_star, work) if size > 0)
    return time.perf_counter() - start, cpu_seconds() - cpu, built, len(jobs)


def _batch_child(conn: Any, engine: str, root: str, workers: int, out: str) -> None:
    conn.send(batch(engine, root, workers, out))
    conn.close()


def host_cpu() -> tuple[int, int]:
    """(steal, total) jiffies of this (virtual) machine, from /proc/stat."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return 0, 0
    return (fields[7] if len(fields) > 7 else 0), sum(fields[:8])


@dataclass
class BatchRun:
    wall: float
    cpu: float  # seconds of CPU, all processes of the run
    built: int
    steal: float  # share of the machine's CPU time taken by the host meanwhile


def fresh_batch(engine: str, root: Path, workers: int) -> BatchRun:
    """One batch run in a fresh (spawned) process."""
    ctx = multiprocessing.get_context("spawn")
    parent, child = ctx.Pipe(duplex=False)
    out = tempfile.mkdtemp(prefix=f"bench-{engine}-")
    try:
        process = ctx.Process(target=_batch_child, args=(child, engine, str(root), workers, out))
        steal0, total0 = host_cpu()
        process.start()
        wall, cpu, built, attempted = parent.recv()
        process.join()
        steal1, total1 = host_cpu()
    finally:
        shutil.rmtree(out, ignore_errors=True)
    if built != attempted:
        raise RuntimeError(f"{engine}: only {built} of {attempted} leaflets built")
    steal = (steal1 - steal0) / (total1 - total0) if total1 > total0 else 0.0
    return BatchRun(wall, cpu, built, steal)


# --- subprocesses: the command line as operators run it -----------------------------------------


def generate(*args: str) -> list[str]:
    return [sys.executable, str(ROOT / "generate.py"), *args]


# Linux starts an exec'd child's ru_maxrss at its parent's peak (the benchmark is large), so
# peak RSS is read by a small wrapper process, from getrusage(RUSAGE_CHILDREN), and printed last.
RSS_WRAPPER = (
    "import resource, subprocess, sys; rc = subprocess.call(sys.argv[1:]); sys.stdout.flush(); "
    "print('\\nmaxrss-kib', resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss); "
    "sys.exit(rc)"
)


# The command line runs as on an operator's machine: Python keeps compiled modules in
# __pycache__. (This sandbox sets PYTHONDONTWRITEBYTECODE=1, which makes every run compile the
# project's modules again; the no-op is also timed that way, and both figures are reported.)
CLI_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}


def timed_run(
    cmd: Sequence[str], *, rss: bool = False, env: dict[str, str] | None = None
) -> tuple[float, str, int]:
    """(wall seconds, output, peak RSS of the command's process in KiB if ``rss``, else 0)."""
    full = [sys.executable, "-c", RSS_WRAPPER, *cmd] if rss else list(cmd)
    start = time.perf_counter()
    proc = subprocess.run(
        full, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env or CLI_ENV
    )
    seconds = time.perf_counter() - start
    output = proc.stdout.decode()
    if proc.returncode != 0:
        raise RuntimeError(f"{shlex.join(cmd)} exited {proc.returncode}:\n{output[-2000:]}")
    kib = 0
    if rss:
        output, _, last = output.rstrip().rpartition("\nmaxrss-kib ")
        kib = int(last)
    return seconds, output, kib


def warm_library(library: Project, tmp: Path) -> None:
    """Build one topic in every locale once, through the command line, and validate every
    topic, so that whatever the project caches on disk between runs (compiled catalogs,
    templates and schema validators, validated topics) is in the same, steady state for every
    measured run: the state of a rebuild after a translation, brand or template change. (When
    every topic file changed, each worker validates its topics again: about 4 ms each.)"""
    dest = tmp / "warm-up"
    cmd = generate("--root", str(library.root), "build", library.topics()[0], "--locale", "*")
    timed_run([*cmd, "--jobs", "1", "--out", str(dest)])
    shutil.rmtree(dest, ignore_errors=True)
    fresh = Project(library.root)
    for topic in fresh.topics():
        fresh.handout(topic)  # kept in .cache/topics


def import_times(trace: str) -> dict[str, float]:
    """Top-level modules -> cumulative import seconds, heaviest first, from -X importtime."""
    found: dict[str, float] = {}
    for line in trace.splitlines():
        if not line.startswith("import time:") or "cumulative" in line:
            continue
        _, cumulative_us, name = line.split("|", 2)
        if name.startswith("  "):
            continue  # a nested import: counted in its importer's cumulative time
        found[name.strip()] = found.get(name.strip(), 0.0) + int(cumulative_us) / 1e6
    return dict(sorted(found.items(), key=lambda kv: kv[1], reverse=True))


RSS_PROBE = """
import json, resource, sys
from pathlib import Path
def mib():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
steps = [("interpreter", mib())]
import handoutgen.cli, handoutgen.batch, handoutgen.compose, handoutgen.render
from handoutgen.build import build_one
from handoutgen.leaflet import Selection, expand
from handoutgen.project import Project
steps.append(("+ the project's modules imported", mib()))
project = Project(Path(sys.argv[1]))
for locale in project.locales():
    project.catalog(locale)
steps.append((f"+ catalogs compiled ({', '.join(project.locales()[1:])})", mib()))
for topic in project.topics():
    project.handout(topic)
steps.append((f"+ all {len(project.topics())} topics loaded and validated", mib()))
jobs = expand(project, Selection(topics=project.topics()[:5], locales=["*"]))
for job in jobs:
    build_one(project, job)
steps.append((f"+ {len(jobs)} leaflets built", mib()))
print(json.dumps(steps))
"""


def counts(output: str) -> dict[str, int]:
    summary = output.strip().splitlines()[-1]
    return {k: int(n) for n, k in re.findall(r"(\d+) (built|skipped|failed|up to date)", summary)}


# --- profile ----------------------------------------------------------------------------------


def short(filename: str) -> str:
    for marker in ("site-packages/", str(ROOT) + "/"):
        if marker in filename:
            return filename.split(marker, 1)[1]
    stdlib = re.search(r"/lib/python3\.\d+/(.*)$", filename)
    return f"(stdlib) {stdlib[1]}" if stdlib else filename


Key = tuple[str, int, str]
Entries = dict[Key, tuple[int, int, float, float, Any]]


def profiled(fn: Callable[[], object]) -> Entries:
    profiler = cProfile.Profile()
    profiler.enable()
    fn()
    profiler.disable()
    return pstats.Stats(profiler, stream=io.StringIO()).stats  # type: ignore[attr-defined]


def top(
    entries: Entries, per: int, total: float, *, own: bool = False, count: int = 15
) -> list[list[str]]:
    """The ``count`` functions with the most cumulative (or own) time, per leaflet (``per``
    leaflets); the share is of that time in the total."""
    index = 2 if own else 3
    rows = []
    ranked = sorted(
        ((k, v) for k, v in entries.items() if k[0] != __file__ and k[2] != "<module>"),
        key=lambda kv: kv[1][index],
        reverse=True,
    )
    for (filename, line, name), (_, ncalls, tottime, cumtime, _) in ranked[:count]:
        where = "built-in" if filename == "~" else f"{short(filename)}:{line}"
        rows.append(
            [
                f"`{name}`",
                where,
                f"{ncalls / per:g}",
                f"{tottime / per * 1000:.1f}",
                f"{cumtime / per * 1000:.1f}",
                f"{(tottime if own else cumtime) / total * 100:.0f}%",
            ]
        )
    return rows


def _stages() -> list[tuple[str, Callable[..., Any]]]:
    from reportlab.platypus.doctemplate import BaseDocTemplate

    from handoutgen import compose, localize, render, validate, write
    from handoutgen.cache import inputs
    from handoutgen.layout.builder import Builder
    from handoutgen.layout.styles import Styles
    from handoutgen.pdf.canvas import LeafletCanvas

    return [
        ("`Inputs.job` (input hashes, per job)", inputs.Inputs.job),
        ("`Project.handout` (load + validate a topic, cached)", Project.handout),
        ("- of which `validate_handout`", validate.validate_handout),
        ("`load_catalog` (a locale's catalog, per leaflet)", localize.load_catalog),
        ("`localize`", localize.localize),
        ("`compose` (Jinja template -> XML -> blocks)", compose.compose),
        ("`render`", render.render),
        ("- `missing_glyphs`", render.missing_glyphs),
        ("- `Styles(theme)`", Styles.__init__),
        ("- `Builder.block` (blocks -> flowables)", Builder.block),
        ("- ReportLab `BaseDocTemplate.build` (layout + PDF)", BaseDocTemplate.build),
        ("-- `LeafletCanvas.save` (deferred pages, furniture, PDF)", LeafletCanvas.save),
        ("`write_atomic` (PDF to disk)", write.write_atomic),
        ("`write_manifest`", write.write_manifest),
    ]


def stages(entries: Entries, per: int, total: float) -> list[list[str]]:
    """Cumulative time of the pipeline's stages, per leaflet."""
    rows = []
    for label, fn in _stages():
        code = fn.__code__
        key = (code.co_filename, code.co_firstlineno, code.co_name)
        if key in entries:
            _, ncalls, _, cumtime, _ = entries[key]
            rows.append(
                [
                    label,
                    str(ncalls),
                    f"{cumtime * 1000:.0f}",
                    f"{cumtime / per * 1000:.1f}",
                    f"{cumtime / total * 100:.0f}%",
                ]
            )
    return rows


def cumulative(entries: Entries, fn: Callable[..., Any]) -> float:
    code = fn.__code__
    return entries[(code.co_filename, code.co_firstlineno, code.co_name)][3]


def profile_leaflet(project: Project, builds: int) -> tuple[Entries, float]:
    """cProfile of ``builds`` warm ``build_one`` calls, and their total time."""
    entries = profiled(lambda: [build_one(project, LEAFLET) for _ in range(builds)])
    return entries, cumulative(entries, build_one)


def profile_batch(root: Path, topics: int, out: Path) -> tuple[Entries, float, int]:
    """cProfile of the project's one-process batch (``run``, --jobs 1) of ``topics`` topics in
    every locale, with a fresh Project: what one worker does. Entries, total, leaflets."""
    project = Project(root)
    jobs = expand(project, Selection(topics=project.topics()[:topics], locales=["*"]))
    options = BatchOptions(out=out, jobs=1, force=True)
    entries = profiled(lambda: run(project, jobs, options))
    return entries, cumulative(entries, run), len(jobs)


# --- report -----------------------------------------------------------------------------------


def table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def verdict(ok: bool | None) -> str:
    return "n/a" if ok is None else ("**met**" if ok else "**missed**")


def machine() -> str:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    return (
        f"nproc {cores} ({cpu}), {platform.system()} {platform.release()}, "
        f"Python {platform.python_version()}, reportlab {version('reportlab')}, "
        f"typst {version('typst')} (Python binding), handoutgen {version('handoutgen')}"
    )


def git_state() -> str:
    """The commit measured, and whether the working tree differed from it."""
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "--short", "HEAD"], cwd=ROOT, capture_output=True, text=True
        ).stdout.strip()
        dirty = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no", "--", "handoutgen",
             "templates", "locales", "pyproject.toml"],
            cwd=ROOT, capture_output=True, text=True,
        ).stdout.split("\n")  # fmt: skip
    except OSError:
        return "unknown (no git)"
    changed = [line[3:] for line in dirty if line.strip()]
    state = f"handoutgen at commit {commit}"
    if changed:
        state += f", with uncommitted changes to {', '.join(changed)}"
    return state


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--leaflets", type=int, default=200, help="batch size (multiple of 4)")
    parser.add_argument("--builds", type=int, default=30, help="per-leaflet builds per engine")
    parser.add_argument("--rounds", type=int, default=2, help="batch runs per engine/workers")
    parser.add_argument("--quick", action="store_true", help="skip the 1000-leaflet RSS run")
    parser.add_argument("--out", type=Path, default=RESULTS, help="Markdown file to write")
    args = parser.parse_args(argv)
    command = shlex.join(["python", "benchmarks/bench.py", *(argv or sys.argv[1:])])
    started = time.perf_counter()
    topics = max(1, args.leaflets // len(LOCALES))
    tmp = Path(tempfile.mkdtemp(prefix="handoutgen-bench-"))
    try:
        log(f"synthetic library: {topics} topics x {len(LOCALES)} locales")
        lib = synthetic.build_library(tmp / "library", topics=topics, locales=LOCALES)
        warm_library(lib, tmp)
        sections = run_all(args, lib, tmp)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    elapsed = time.perf_counter() - started
    header = [
        "# Benchmark results",
        "",
        "Generated by `benchmarks/bench.py`; rerun it to refresh this file (it is overwritten).",
        "",
        f"- Command: `{command}` (from the repository root, with `.venv/bin/python`)",
        f"- Date: {dt.datetime.now().astimezone():%Y-%m-%d %H:%M %Z}",
        f"- Machine: {machine()}",
        f"- Code: {git_state()}",
        f"- Whole run: {elapsed:.0f} s",
        "",
    ]
    text = "\n".join(header) + "\n" + sections
    text += TRIED.read_text(encoding="utf-8") if TRIED.is_file() else ""
    args.out.write_text(text, encoding="utf-8")
    print(text)
    log(f"wrote {args.out}")
    return 0


def run_all(args: argparse.Namespace, lib: Project, tmp: Path) -> str:
    out: list[str] = []
    results: dict[str, Any] = {}

    # 1. per leaflet, warm, interleaved ------------------------------------------------------
    log("per-leaflet builds")
    project = Project(ROOT)
    data = plain_reportlab.load(ROOT / "handouts" / "neuromyotonia.yaml", BRAND_YAML)
    typ = typst_leaflet.TypstLeaflet()
    typ_tagged = typst_leaflet.TypstLeaflet(tags=True)
    engines: dict[str, Callable[[int], object]] = {
        "project": lambda i: build_one(project, LEAFLET),
        "project-untagged": lambda i: build_one(project, LEAFLET, tagged=False),
        "reportlab": lambda i: plain_reportlab.build(data, plain_reportlab.LOGO),
        "typst": lambda i: typ.build(data),
        "typst-tagged": lambda i: typ_tagged.build(data),
    }
    rendered, outcome = build_one(project, LEAFLET)
    assert outcome.status == "built", outcome
    interleaved(engines, 5)  # warm-up
    same = interleaved(engines, args.builds)
    # a different topic every build: Typst cannot reuse its memoised layout
    names = [t for t in lib.topics() if t != synthetic.SOURCE_TOPIC]
    warm, measured = names[: len(names) // 4], names[len(names) // 4 :][: args.builds]
    vdata = {t: topic_data(str(lib.root), t) for t in warm + measured}
    for t in warm + measured:
        lib.handout(t)
    order: list[str] = []
    varied_engines: dict[str, Callable[[int], object]] = {
        "project": lambda i: build_one(lib, Job(order[i], "en", "default", "standard", "a4")),
        "reportlab": lambda i: plain_reportlab.build(vdata[order[i]], plain_reportlab.LOGO),
        "typst": lambda i: typ.build(vdata[order[i]]),
    }
    order[:] = warm
    interleaved(varied_engines, len(warm))
    order[:] = measured
    varied = interleaved(varied_engines, len(measured))
    ratio = same["project"].median / same["reportlab"].median
    ratio_varied = varied["project"].median / varied["reportlab"].median
    results["ratio"] = ratio
    rows = [
        [
            "the project (`build_one`, tagged, no file write)",
            same["project"].cell(),
            f"{ratio:.2f}",
            varied["project"].cell(),
            f"{ratio_varied:.2f}",
        ],
        [
            "plain ReportLab script",
            same["reportlab"].cell(),
            "1.00",
            varied["reportlab"].cell(),
            "1.00",
        ],
        [
            "Typst (untagged PDF)",
            same["typst"].cell(),
            f"{same['typst'].median / same['reportlab'].median:.2f}",
            varied["typst"].cell(),
            f"{varied['typst'].median / varied['reportlab'].median:.2f}",
        ],
        [
            "Typst (its default, tagged PDF)",
            same["typst-tagged"].cell(),
            f"{same['typst-tagged'].median / same['reportlab'].median:.2f}",
            "",
            "",
        ],
    ]
    out += [
        "## Per leaflet (warm, in-process)",
        "",
        f"Neuromyotonia, English, default brand, A4 ({rendered.pages if rendered else '?'} pages),"
        f" built {args.builds} times per engine after 5 warm-up builds, engines interleaved "
        'round-robin. Median (min-max). "Varied": English leaflets of '
        f"{len(measured)} different synthetic topics, one build each (after a warm-up on "
        f"{len(warm)} others), which defeats Typst's memoisation of an identical document.",
        "",
        table(
            ["engine", "same leaflet", "ratio to ReportLab", "varied topics", "ratio"],
            rows,
        ),
        "",
    ]

    # 1b. what tagging costs ----------------------------------------------------------------
    log("tagging cost: every shipped leaflet, tagged and untagged")
    cost = tagging_cost(project, max(3, args.rounds + 1))
    results["tagging"] = cost
    one = same["project"].median / same["project-untagged"].median - 1
    walls = {k: ", ".join(f"{x:.2f}" for x in v) for k, v in cost["walls"].items()}
    out += [
        "## Tagging cost (issue 14)",
        "",
        f"All {cost['leaflets']} shipped leaflets, built in-process (`build_one`, warm) "
        "tagged (PDF/UA-1 and PDF/A-2a, as shipped) and untagged (`tagged=False`, the same "
        "pages without structure), passes interleaved; CPU time of the process (not wall "
        "time, which other processes on this shared machine inflate); the best pass counts "
        "(all in brackets).",
        "",
        table(
            ["build", "CPU, best (all)", "total size"],
            [
                [
                    "tagged",
                    f"{min(cost['walls'][True]):.2f} s ({walls[True]})",
                    f"{cost['sizes'][True] / 1e6:.2f} MB",
                ],
                [
                    "untagged",
                    f"{min(cost['walls'][False]):.2f} s ({walls[False]})",
                    f"{cost['sizes'][False] / 1e6:.2f} MB",
                ],
                ["tagged / untagged", f"{cost['time'] * 100:+.1f}%", f"{cost['size'] * 100:+.1f}%"],
            ],
        ),
        "",
        f"The English leaflet of the per-leaflet table alone (the fastest to build, so the "
        f"fixed cost of the tree, metadata and object streams weighs most): tagged "
        f"{same['project'].cell()}, untagged {same['project-untagged'].cell()}, "
        f"{one * 100:+.1f}%.",
        "",
    ]

    # 2. where the time goes ---------------------------------------------------------------
    log("profiles")
    leaf_entries, leaf_total = profile_leaflet(project, 20)
    batch_entries, batch_total, batch_n = profile_batch(lib.root, 5, tmp / "profile-out")

    # 3. batch throughput, each run in a fresh process ----------------------------------------
    n = len(expand(lib, Selection(locales=["*"])))
    runs: dict[tuple[str, int], list[BatchRun]] = {}
    # the pairs compared (project 1 -> 2 workers, project -> Typst at 2) run back to back;
    # every other round runs in reverse order, so a drifting machine load evens out
    order = [("project", 1), ("project", 2), ("typst", 2), ("typst", 1)]
    order += [("reportlab", 1), ("reportlab", 2)]
    for round_ in range(1, args.rounds + 1):
        for engine, workers in order if round_ % 2 else reversed(order):
            log(f"batch round {round_}: {engine}, {workers} worker(s), {n} leaflets")
            runs.setdefault((engine, workers), []).append(fresh_batch(engine, lib.root, workers))
    best = {key: min(rs, key=lambda r: r.wall) for key, rs in runs.items()}
    rates = {key: r.built / r.wall for key, r in best.items()}
    labels = {
        "project": "the project (`run`: PDFs + manifest)",
        "reportlab": "plain ReportLab script (`Pool`)",
        "typst": "Typst (`Pool`, a Compiler per worker, tagged PDF)",
    }
    batch_rows = []
    for engine, label in labels.items():
        for workers in (1, 2):
            r = best[(engine, workers)]
            walls = ", ".join(f"{x.wall:.1f}" for x in runs[(engine, workers)])
            speedup = rates[(engine, 2)] / rates[(engine, 1)]
            batch_rows.append(
                [
                    label if workers == 1 else "",
                    str(workers),
                    f"{r.wall:.1f} s ({walls})",
                    f"{rates[(engine, workers)]:.1f}",
                    f"{r.cpu / r.built * 1000:.0f} ms",
                    f"{r.steal * 100:.0f}%",
                    "" if workers == 1 else f"{speedup:.2f}x",
                ]
            )
    results["speedup"] = rates[("project", 2)] / rates[("project", 1)]
    results["vs_typst"] = rates[("project", 2)] / rates[("typst", 2)]
    out += [
        "## Batch throughput (synthetic library)",
        "",
        f"{n} leaflets: {n // len(LOCALES)} topics (neuromyotonia and variants with shuffled "
        "sections and blocks, rotated lists, dropped blocks, and their own wording: about one "
        "plain word in seven of each paragraph and its translations left out, so no topic's "
        "paragraph is another's) "
        f"x {', '.join(LOCALES)}, default "
        "brand, A4. Template wording and brand details are shared, as in a real library. "
        "Every run starts in a fresh process (imports done, nothing else warm) and "
        "includes loading content and catalogs, building and writing every PDF (before any "
        "run, one topic in every locale was built once through the command line and every "
        "topic validated once, so the project's on-disk caches (catalogs, templates, "
        "validators, validated topics) are in the same steady state for every run: that of a "
        "rebuild after a translation, brand or template change). The baselines "
        "translate the content strings through the same catalogs (polib, loaded once per "
        "worker; template wording and dates stay English). "
        f"{args.rounds} round(s), engines interleaved; the best wall time counts (all in "
        "brackets). CPU per leaflet: user + system time of all the run's processes / leaflets "
        "(duplicated per-worker set-up shows here, and so does a slowed-down machine). Host "
        "steal: the share of the virtual machine's CPU time the host reported taking during "
        "that run (this host under-reports it: the spread between rounds is the better "
        "guide to how noisy the machine was).",
        "",
        table(
            [
                "engine",
                "workers",
                "wall, best (all)",
                "leaflets/s",
                "CPU per leaflet",
                "host steal",
                "speed-up",
            ],
            batch_rows,
        ),
        "",
    ]

    # 4. no-op rebuild ------------------------------------------------------------------------
    log("no-op rebuild")
    dest = tmp / "noop-out"
    cmd = generate("--root", str(lib.root), "build", "--locale", "*", "--out", str(dest))
    full_s, full_out, _ = timed_run(cmd)
    noop_out = timed_run(cmd)[1]
    noops = Timing([timed_run(cmd)[0] for _ in range(7)])
    noop_s = noops.median
    noops_nobc = Timing([timed_run(cmd, env=dict(os.environ))[0] for _ in range(7)])
    full_c, noop_c = counts(full_out), counts(noop_out)
    if full_c.get("built") != n or noop_c.get("up to date") != n:
        raise RuntimeError(f"unexpected counts: full {full_c}, no-op {noop_c}")
    results["noop"] = full_s / noop_s
    # where a no-op's time goes: module imports (-X importtime), then the rest, profiled
    _, trace, _ = timed_run([sys.executable, "-X", "importtime", *cmd[1:]])
    imports = import_times(trace)
    noop_project = Project(lib.root)
    noop_jobs = expand(noop_project, Selection(locales=["*"]))
    noop_entries = profiled(lambda: run(noop_project, noop_jobs, BatchOptions(out=dest)))
    noop_total = cumulative(noop_entries, run)
    shutil.rmtree(dest, ignore_errors=True)

    # 5. --help -------------------------------------------------------------------------------
    log("generate.py --help")
    helps = Timing([timed_run(generate("--help"))[0] for _ in range(10)])
    results["help"] = helps.median

    # 6. peak RSS, one process (--jobs 1) -----------------------------------------------------
    rss_rows = []
    big: Project | None = None
    if not args.quick:
        log("RSS: building a 1000-leaflet library")
        big = synthetic.build_library(tmp / "big", topics=250, locales=LOCALES)
        warm_library(big, tmp)
    rss_lib = big or lib
    first = rss_lib.topics()[:25]
    runs = [("100", first)] + ([("1000", [])] if big else [])
    rss: dict[str, float] = {}
    for label, selection in runs:
        log(f"RSS: {label} leaflets, --jobs 1")
        dest = tmp / f"rss-{label}"
        cmd = generate(
            "--root", str(rss_lib.root), "build", *selection, "--locale", "*", "--jobs", "1",
            "--force", "--out", str(dest),
        )  # fmt: skip
        seconds, output, kib = timed_run(cmd, rss=True)
        built = counts(output).get("built", 0)
        rss[label] = kib / 1024
        rss_rows.append(
            [
                f"{built} leaflets",
                f"{kib / 1024:.0f} MiB",
                f"{seconds:.1f} s",
                f"{built / seconds:.1f}",
            ]
        )
        shutil.rmtree(dest, ignore_errors=True)
    log("RSS: breakdown")
    probe = timed_run([sys.executable, "-c", RSS_PROBE, str(rss_lib.root)], rss=True)[1]
    breakdown = json.loads(probe.strip().splitlines()[-1])
    results["rss"] = max(rss.values())
    results["rss_flat"] = (rss["1000"] - rss["100"]) if "1000" in rss else None

    # summary ---------------------------------------------------------------------------------
    flat = results["rss_flat"]
    tagging = results["tagging"]
    summary = [
        [
            "tagging: build time, tagged / untagged (every shipped leaflet)",
            f"{tagging['time'] * 100:+.1f}%",
            f"<= +{TARGETS['tag_time'] * 100:.0f}%",
            verdict(tagging["time"] <= TARGETS["tag_time"]),
        ],
        [
            "tagging: file size, tagged / untagged",
            f"{tagging['size'] * 100:+.1f}%",
            f"<= +{TARGETS['tag_size'] * 100:.0f}%",
            verdict(tagging["size"] <= TARGETS["tag_size"]),
        ],
        [
            "per leaflet: project / plain ReportLab (median, same leaflet)",
            f"{results['ratio']:.2f}",
            f"<= {TARGETS['ratio']}",
            verdict(results["ratio"] <= TARGETS["ratio"]),
        ],
        [
            "batch: project, 2 workers / 1 worker",
            f"{results['speedup']:.2f}x",
            f">= {TARGETS['speedup']}x",
            verdict(results["speedup"] >= TARGETS["speedup"]),
        ],
        [
            "batch at 2 workers: project / Typst (leaflets per second)",
            f"{results['vs_typst']:.2f}",
            ">= 1.00",
            verdict(results["vs_typst"] >= 1.0),
        ],
        [
            "peak RSS per worker (--jobs 1)",
            " / ".join(f"{v:.0f} MiB ({k})" for k, v in rss.items()),
            f"<= {TARGETS['rss_mb']:.0f} MB",
            verdict(results["rss"] <= TARGETS["rss_mb"]),
        ],
        [
            "RSS growth from 100 to 1000 leaflets",
            "skipped (--quick)" if flat is None else f"{flat:+.0f} MiB",
            "flat (grows <= 5% + 2 MiB)",
            verdict(None if flat is None else flat <= 0.05 * rss["100"] + 2),
        ],
        [
            "no-op rebuild vs full build (whole library, CLI)",
            f"{full_s:.1f} s / {noop_s * 1000:.0f} ms = {results['noop']:.0f}x",
            f">= {TARGETS['noop']:.0f}x",
            verdict(results["noop"] >= TARGETS["noop"]),
        ],
        [
            "`generate.py --help` (median of 10)",
            f"{results['help']:.3f} s",
            f"< {TARGETS['help_s']} s",
            verdict(results["help"] < TARGETS["help_s"]),
        ],
    ]
    out = [
        "## Targets (issues 5 and 14)",
        "",
        table(["measure", "result", "target", "verdict"], summary),
        "",
        *out,
        "## Peak RSS (one process, `--jobs 1`)",
        "",
        "`generate.py build ... --locale '*' --jobs 1 --force` in a subprocess; its own "
        "`ru_maxrss`, read with `getrusage(RUSAGE_CHILDREN)` by a small wrapper process "
        "(exec'd straight from the large benchmark process, a child's `ru_maxrss` would start "
        "at the benchmark's own peak). "
        + (
            "Both runs use the same 1000-leaflet library (250 topics, so every catalog holds "
            "250 topics' strings); the 100-leaflet run selects 25 of its topics."
            if big
            else "`--quick`: one run only, over up to 25 topics of the batch library."
        ),
        "",
        table(["run", "peak RSS", "wall", "leaflets/s"], rss_rows),
        "",
        "Peak RSS of one process as it loads what a worker loads (same library):",
        "",
        table(
            ["step", "peak RSS so far"],
            [[step, f"{value:.0f} MiB"] for step, value in breakdown],
        ),
        "",
        "## No-op rebuild and start-up",
        "",
        f"- `generate.py --root <library> build --locale '*' --out <dir>` (default `--jobs`, "
        f"{n} leaflets): first (full) {full_s:.1f} s ({full_c.get('built')} built), then "
        f"no-op reruns ({noop_c.get('up to date')} up to date), median of 7: "
        f"{noop_s * 1000:.0f} ms ({min(noops.samples) * 1000:.0f}-"
        f"{max(noops.samples) * 1000:.0f}): {results['noop']:.0f}x faster. The command line "
        "runs with Python's bytecode cache, as on an operator's machine; with this sandbox's "
        f"PYTHONDONTWRITEBYTECODE=1 (every run compiles the project's modules again) a no-op "
        f"takes {noops_nobc.median * 1000:.0f} ms ({full_s / noops_nobc.median:.0f}x).",
        f"- `generate.py --help`: median {helps.median:.3f} s "
        f"({min(helps.samples):.3f}-{max(helps.samples):.3f}) over 10 runs.",
        f"- Where a no-op goes: importing modules {sum(imports.values()):.2f} s "
        "(`python -X importtime`, the same no-op once more; heaviest top-level imports: "
        + ", ".join(f"`{k}` {v:.3f} s" for k, v in list(imports.items())[:6])
        + f"); `run` itself, in-process with a fresh `Project`: {noop_total:.2f} s under "
        "cProfile, top functions by cumulative time:",
        "",
        table(
            ["function", "where", "calls", "own ms", "cumulative ms", "share"],
            top(noop_entries, 1, noop_total, count=10),
        ),
        "",
        "## Where the time goes (profiles of the project)",
        "",
        "cProfile inflates Python-heavy code, so read shares, not absolute times. Per-leaflet "
        "path: 20 warm `build_one` calls (the per-leaflet row above), "
        f"{leaf_total / 20 * 1000:.0f} ms per leaflet under the profiler. Batch path: `run` "
        f"with `--jobs 1` and a fresh `Project` over {batch_n} leaflets "
        f"({batch_n // len(LOCALES)} topics x {len(LOCALES)} locales) of the synthetic "
        f"library, i.e. what one worker does: {batch_total / batch_n * 1000:.0f} ms per "
        "leaflet under the profiler.",
        "",
        "Stages, cumulative time (calls and ms in all, ms per leaflet). In the batch profile, "
        "set-up done once per process (catalogs, topics) is spread over only "
        f"{batch_n} leaflets; in a real batch, over all of a worker's leaflets.",
        "",
        table(
            ["stage (20 warm `build_one`)", "calls", "ms", "ms/leaflet", "share"],
            stages(leaf_entries, 20, leaf_total),
        ),
        "",
        table(
            [f"stage (batch of {batch_n}, one worker)", "calls", "ms", "ms/leaflet", "share"],
            stages(batch_entries, batch_n, batch_total),
        ),
        "",
        "Top 15 functions by cumulative time, warm `build_one`, per leaflet:",
        "",
        table(
            ["function", "where", "calls", "own ms", "cumulative ms", "share"],
            top(leaf_entries, 20, leaf_total),
        ),
        "",
        "Top 15 functions by own time, warm `build_one`, per leaflet:",
        "",
        table(
            ["function", "where", "calls", "own ms", "cumulative ms", "share"],
            top(leaf_entries, 20, leaf_total, own=True),
        ),
        "",
        "This file is generated; what was tried for the targets is in TRIED.md, appended below.",
        "",
    ]
    return "\n".join(out)


if __name__ == "__main__":
    sys.exit(main())
