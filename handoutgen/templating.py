"""Jinja2 environment: brand folder over templates/, sandboxed (``handoutgen.sandbox``),
autoescaped, strict, with escaped gettext. Template files are read only from inside the
templates folder (links followed while they stay there), and only if they are regular files
of bounded size; compiled templates are kept in memory for the process, never on disk (a
cached compiled template is code that would run)."""

from __future__ import annotations

import gettext as _gettext
import hashlib
import os
import stat
from collections.abc import Callable
from pathlib import Path
from typing import Any

import jinja2
from jinja2.loaders import split_template_path
from markupsafe import Markup, escape

from . import cache, limits
from .cache.keys import file_digest
from .inline import literal
from .sandbox import Limits, TemplateSandbox

Translations = _gettext.NullTranslations


_checked = [0]  # the compose run a template's bytes were last checked in


def new_run() -> None:
    """A new compose run: each template's bytes are checked again (once in the run, however
    often the leaflet includes it)."""
    _checked[0] += 1


class TemplateTextError(jinja2.TemplateSyntaxError):
    """A template's own text holds a character that hides or reorders what it prints."""


def _refuse_hidden(source: str, name: str, filename: str) -> None:
    """TemplateTextError at the first line of ``source`` holding a character the text rules
    refuse (controls, bidi embeddings and isolates, invisible characters): a template's text
    prints as written, so it answers to the rules content does."""
    from .textrules import hidden_characters

    for number, line in enumerate(source.split("\n"), 1):
        line = line.removesuffix("\r").replace("\t", " ")
        if line.isprintable():  # almost every line: no need to look at each character
            continue
        found = hidden_characters(line)
        if found:
            raise TemplateTextError(found[0], number, name, filename)


class TemplateRefused(jinja2.TemplateSyntaxError):
    """A template file that is not read: a link out of the templates folder, not a regular
    file (a FIFO, a device, a folder), too large, or not UTF-8 text. Reported at the file
    (``filename``), like a syntax error, whether it is the leaflet's template or one it
    includes."""

    def __init__(self, filename: str, message: str) -> None:
        super().__init__(message, 0, None, filename)


_NO_WAIT = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_NOFOLLOW", 0)


class _Loader(jinja2.BaseLoader):
    """Templates by name from the brand folder, then templates/. A name found in a folder is
    that folder's file, or an error: a file that is refused never falls through to the
    shared template. Up to date while its bytes are the same (Jinja's own check compares
    modification times, which ``touch -r`` or ``cp -p`` restore), and its text held to the
    rules of printed text."""

    def __init__(self, folders: list[Path], root: Path, max_bytes: int) -> None:
        self.searchpath = [os.fspath(f) for f in folders]
        self._inside = [os.path.realpath(f) for f in folders]
        self.root = root
        self.max_bytes = max_bytes
        self.label = f"{self.shown(self.searchpath[-1])}/"

    def shown(self, filename: str) -> str:
        """A file as messages name it: relative to the project."""
        path = Path(filename)
        return (
            path.relative_to(self.root).as_posix() if path.is_relative_to(self.root) else filename
        )

    def get_source(
        self, environment: jinja2.Environment, template: str
    ) -> tuple[str, str, Callable[[], bool]]:
        pieces = split_template_path(template)  # refuses ".." (and so any path out)
        for folder in self.searchpath:
            filename = os.path.normpath(os.path.join(folder, *pieces))
            if os.path.lexists(filename):
                break
        else:
            raise jinja2.TemplateNotFound(template)
        source, ident, digest = self.read(filename)
        _refuse_hidden(source, template, filename)
        seen = [_checked[0], True]

        def uptodate() -> bool:
            if seen[0] != _checked[0]:
                seen[:] = [_checked[0], self._unchanged(filename, ident, digest)]
            return bool(seen[1])

        return source, filename, uptodate

    def read(self, filename: str) -> tuple[str, tuple[int, int], str]:
        """(text, identity, digest) of a template file, or TemplateRefused. Nothing is opened
        that is not a regular file inside the templates folder, and the file is opened
        without following a link or waiting on a FIFO put there meanwhile."""
        real = self._resolved(filename)
        if real is None:
            raise TemplateRefused(
                filename,
                f"a link to a file outside {self.label} (a template must be a file in "
                f"{self.label})",
            )
        why = _not_regular(real, self.max_bytes)
        if why:
            raise TemplateRefused(filename, why)
        try:
            fd = os.open(real, _NO_WAIT)
            with os.fdopen(fd, "rb") as fh:
                st = os.fstat(fh.fileno())
                if not stat.S_ISREG(st.st_mode):
                    raise TemplateRefused(filename, _NOT_A_FILE)
                data = fh.read(self.max_bytes + 1)
        except OSError as exc:
            raise TemplateRefused(filename, f"cannot be read: {exc.strerror}") from None
        if len(data) > self.max_bytes:
            raise TemplateRefused(filename, _too_big(len(data), self.max_bytes))
        try:
            source = data.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise TemplateRefused(filename, f"not UTF-8 text (byte {exc.start})") from None
        return source, (st.st_dev, st.st_ino), hashlib.sha256(data).hexdigest()

    def _resolved(self, filename: str) -> str | None:
        """The file ``filename`` names, every link followed, if it lies in a search folder."""
        real = os.path.realpath(filename)
        inside = any(real.startswith(os.path.join(top, "")) for top in self._inside)
        return real if inside else None

    def _unchanged(self, filename: str, ident: tuple[int, int], digest: str) -> bool:
        """Whether ``filename`` still names the file read (the same file, links followed: a
        link moved elsewhere names another) with the same bytes."""
        try:
            st = os.stat(filename)
        except OSError:
            return False
        return (
            (st.st_dev, st.st_ino) == ident
            and stat.S_ISREG(st.st_mode)
            and st.st_size <= self.max_bytes
            and file_digest(filename) == digest
        )


def _not_regular(path: str, max_bytes: int) -> str | None:
    """Why ``path`` is not a regular file of at most ``max_bytes`` (its status only), or None."""
    try:
        st = os.stat(path)
    except OSError as exc:
        return f"cannot be read: {exc.strerror}"
    if not stat.S_ISREG(st.st_mode):
        return _NOT_A_FILE
    if st.st_size > max_bytes:
        return _too_big(st.st_size, max_bytes)
    return None


_NOT_A_FILE = "not a regular file (a template must be a file, not a FIFO, device or folder)"


def _too_big(size: int, max_bytes: int) -> str:
    where = "templates.max_bytes in templates/limits.yaml"
    return f"{size} bytes or more, over the limit of {max_bytes} ({where})"


def read_template(env: jinja2.Environment, path: Path) -> str:
    """A template file's text as the environment's loader reads it (``check`` parses every
    template file this way), or TemplateRefused."""
    return env.loader.read(os.fspath(path))[0]  # type: ignore[union-attr]


_environments = cache.memo("template environments", kept=16)


def environment(templates_dir: Path, brand_dir: Path | None) -> jinja2.Environment:
    """One environment per (templates, brand): the brand's own templates win over the defaults.
    Kept for the process (its templates are compiled once, and again when their bytes
    change), unless caches are off. Its bounds come from the project's limits file
    (InputError naming the file if one is missing or not a positive whole number)."""
    root = templates_dir.parent
    bounds = tuple(limits.limit(root, "templates", n) for n in LIMITS)
    key = (templates_dir, brand_dir, bounds)
    found = _environments.get(key)
    if found is None:
        found = _environments.put(key, _make(templates_dir, brand_dir, *bounds))
    return found


LIMITS = ("max_bytes", "max_steps", "max_output", "max_seconds")  # templates: in limits.yaml


def _make(
    templates_dir: Path,
    brand_dir: Path | None,
    max_bytes: int,
    max_steps: int,
    max_output: int,
    max_seconds: int,
) -> jinja2.Environment:
    search = [brand_dir] if brand_dir else []
    search.append(templates_dir)
    env = TemplateSandbox(
        Limits(steps=max_steps, output=max_output, seconds=max_seconds),
        filters={"literal": literal},  # data that must print exactly as written
        loader=_Loader(search, templates_dir.parent, max_bytes),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        extensions=["jinja2.ext.i18n"],
        trim_blocks=False,
        keep_trailing_newline=True,
    )
    env.newstyle_gettext = True  # type: ignore[attr-defined]
    return env


def gettext_callables(translations: Translations) -> dict[str, Callable[..., Any]]:
    """``gettext``/``ngettext`` for templates that treat translations as text, never markup.

    Jinja's own i18n helpers mark a translation safe; a catalog is untrusted input, so escape it
    first, then let Markup's ``%`` escape the named variables.
    """

    @jinja2.pass_context
    def gettext(_ctx: jinja2.runtime.Context, message: str, **variables: Any) -> Markup:
        return escape(translations.gettext(message)) % variables

    @jinja2.pass_context
    def ngettext(
        _ctx: jinja2.runtime.Context, singular: str, plural: str, n: int, **variables: Any
    ) -> Markup:
        variables.setdefault("num", n)
        return escape(translations.ngettext(singular, plural, n)) % variables

    @jinja2.pass_context
    def pgettext(
        _ctx: jinja2.runtime.Context, context: str, message: str, **variables: Any
    ) -> Markup:
        return escape(translations.pgettext(context, message)) % variables

    return {"gettext": gettext, "ngettext": ngettext, "pgettext": pgettext, "_": gettext}
