"""A PO file a build compiles -> its text and parsed catalog, or every problem that stops it
being read, each at the file (and line): over the size or entry bounds of
``templates/limits.yaml`` (refused before it is parsed), not UTF-8, a syntax error, a header
that names another charset, or a Plural-Forms rule that does not parse or picks no form."""

from __future__ import annotations

import os
import re
from pathlib import Path

import polib

from ..errors import InputError, Problem
from ..limits import limit
from .mofile import plural_rule

SECTION = "catalogs"  # in templates/limits.yaml
_SYNTAX = re.compile(r"\(line (\d+)\)(?::\s*(.*))?")
_ENTRY = re.compile(rb"^(?:#~\s*)?msgid\s", re.MULTILINE)
_UTF8 = ("utf-8", "utf8")
PLURAL_SAMPLES = range(200)  # every n a rule is tried on: the forms of 0 to 199 (msgfmt: 0-999)


def read_po(path: Path, root: Path, display: str) -> tuple[bytes, str, polib.POFile]:
    """The bytes, text and parsed catalog of a PO file, or InputError naming ``display``."""
    raw = _bounded(path, root, display)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        bad = raw[exc.start : exc.end].hex(" ")
        message = f"not UTF-8 (bytes {bad}): save the catalog as UTF-8"
        raise InputError([Problem(display, line, "", message)]) from None
    po = _parsed(text, display)
    problems = header_problems(text, po, display)
    if problems:
        raise InputError(problems)
    return raw, text, po


def _bounded(path: Path, root: Path, display: str) -> bytes:
    """The file's bytes, read no further than the size bound; its entries counted (the lines
    that start one) before any parsing."""
    max_bytes = limit(root, SECTION, "max_bytes")
    try:
        with path.open("rb") as fh:  # a file that says it is too large is not read at all
            too_large = os.fstat(fh.fileno()).st_size > max_bytes
            raw = b"" if too_large else fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError([Problem(display, None, "", f"cannot read: {exc.strerror}")]) from None
    if too_large or len(raw) > max_bytes:
        message = f"larger than {max_bytes} bytes ({SECTION}.max_bytes in templates/limits.yaml)"
        raise InputError([Problem(display, None, "", message)])
    max_entries = limit(root, SECTION, "max_entries")
    count = sum(1 for _ in _ENTRY.finditer(raw))
    if count > max_entries:
        message = (
            f"{count} entries, more than {max_entries} "
            f"({SECTION}.max_entries in templates/limits.yaml)"
        )
        raise InputError([Problem(display, None, "", message)])
    return raw


def _parsed(text: str, display: str) -> polib.POFile:
    # polib takes a text that names an existing file for that file's path: a PO text always
    # holds a line break, so one is added to a file without any
    if "\n" not in text:
        text += "\n"
    try:
        return polib.pofile(text, encoding="utf-8", wrapwidth=0)
    except Exception as exc:  # polib says IOError("Syntax error ... (line N): why"); any other
        # error of its parser is a file it cannot read as well
        found = _SYNTAX.search(str(exc))
        line = int(found.group(1)) if found else None
        why = (found.group(2) if found else None) or str(exc) or type(exc).__name__
        if found and not found.group(2):
            why = "not a PO entry"
        raise InputError([Problem(display, line, "", f"syntax error: {why}")]) from None


def header_problems(text: str, po: polib.POFile, display: str) -> list[Problem]:
    """What in the header entry keeps the catalog from being read as it says: a charset
    other than UTF-8 (builds read every catalog as UTF-8) and a Plural-Forms rule that does
    not parse, fails, or picks a form it does not have."""
    problems = []
    content_type = po.metadata.get("Content-Type", "")
    charset = content_type.partition("charset=")[2].split(";")[0].strip()
    if charset and charset.lower() not in _UTF8:
        message = f"the header says charset={charset}: catalogs are UTF-8, say charset=UTF-8"
        problems.append(Problem(display, _header_line(text, "Content-Type:"), "", message))
    forms = po.metadata.get("Plural-Forms")
    if forms is not None:
        why = plural_problem(forms)
        if why:
            line = _header_line(text, "Plural-Forms:")
            problems.append(Problem(display, line, "", f"Plural-Forms {forms!r}: {why}"))
    return problems


def plural_problem(forms: str) -> str | None:
    """Why a Plural-Forms header cannot be used, or None."""
    count = re.search(r"nplurals\s*=\s*(\d+)", forms)
    if not count or not 1 <= int(count.group(1)) <= 32:
        return "nplurals must be a whole number from 1 to 32"
    if "plural=" not in forms:
        return "no plural= rule"
    try:
        rule = plural_rule(forms)
    except ValueError as exc:
        return f"does not parse: {exc}"
    for n in PLURAL_SAMPLES:
        try:
            form = rule(n)
        except ArithmeticError as exc:
            return f"fails for n={n}: {exc}"
        if not 0 <= form < int(count.group(1)):
            return f"gives form {form} for n={n}, of nplurals={count.group(1)}"
    return None


def _header_line(text: str, name: str) -> int | None:
    """The line of the header that sets ``name`` (the first ``"Name:`` in the file)."""
    at = text.find(f'"{name}')
    return text.count("\n", 0, at) + 1 if at >= 0 else None
