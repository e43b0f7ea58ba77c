"""The ``check`` command: every content, brand, theme, font and template file -> all problems,
without rendering a page."""

from __future__ import annotations

from typing import Any

import jinja2

from .build import origins_of
from .compose import ComposeRequest, compose
from .errors import HandoutError, InputError, Problem
from .layout.fonts import register_families
from .localize import SOURCE_LOCALE, load_catalog, localize
from .project import Project
from .render import missing_glyphs
from .templating import TemplateRefused, environment, read_template


def _collect(problems: list[Problem], what: str, fn: Any) -> Any:
    try:
        return fn()  # type: ignore[operator]
    except InputError as exc:
        problems.extend(exc.problems)
    except HandoutError as exc:
        problems.append(Problem(what, None, "", str(exc)))
    except Exception as exc:  # a bug in a check must still end in a report, not a traceback
        problems.append(Problem(what, None, "", f"internal error: {type(exc).__name__}: {exc}"))
    return None


def check_project(project: Project) -> list[Problem]:
    """All problems of the project's input files, each naming its file (and line, where known)."""
    problems: list[Problem] = []
    handouts = {t: _collect(problems, t, lambda t=t: project.handout(t)) for t in project.topics()}
    brands = {b: _collect(problems, b, lambda b=b: project.brand(b)) for b in project.brands()}
    for brand_id, brand in brands.items():
        if brand is None:
            continue
        for edition in project.editions():
            theme = _collect(problems, brand_id, lambda b=brand_id, e=edition: project.theme(b, e))
            if theme is not None:
                _collect(
                    problems, "fonts", lambda t=theme: register_families(t.fonts, project.fonts_dir)
                )
    # every template, the shared ones and each brand's overrides, must at least parse
    template_problems: list[Problem] = []
    template_dirs = [project.templates_dir] + [project.brands_dir / b for b in project.brands()]
    env = environment(project.templates_dir, None)  # parsing only: any project environment
    for directory in template_dirs:
        for path in sorted(directory.glob("**/*.j2")):
            if directory == project.templates_dir and project.brands_dir in path.parents:
                continue
            name = path.relative_to(directory).as_posix()
            try:  # read as the loader reads it: no link out of templates/, no FIFO
                env.parse(read_template(env, path), name=name, filename=str(path))
            except jinja2.TemplateSyntaxError as exc:
                rel = path.relative_to(project.root)
                what = "refused" if isinstance(exc, TemplateRefused) else "syntax error"
                template_problems.append(
                    Problem(str(rel), exc.lineno, "", f"template {what}: {exc.message}")
                )
    problems += template_problems
    from .lint.policy import load as lint_policy  # the quality gate's limits (generate.py lint)

    _collect(
        problems, "templates/lint.yaml", lambda: lint_policy(project.templates_dir, project.root)
    )
    # compose (not render) every valid topic with every valid brand in every edition: catches
    # undefined names and malformed output in branches a single build would not reach
    if not template_problems:
        for topic, handout in handouts.items():
            for brand_id, brand in brands.items():
                if handout is None or brand is None:
                    continue
                for edition in project.editions():
                    what = f"{topic}/{brand_id}/{edition}"
                    catalog = load_catalog(project.locales_dir, SOURCE_LOCALE)
                    localized = localize(handout, catalog, SOURCE_LOCALE, region=brand.region)
                    request = ComposeRequest(localized, brand, edition, catalog)
                    document = _collect(
                        problems,
                        what,
                        lambda r=request: compose(r, templates_dir=project.templates_dir),
                    )
                    theme = _collect(
                        problems, what, lambda b=brand_id, e=edition: project.theme(b, e)
                    )
                    if document is not None and theme is not None:
                        origins = origins_of(project, handout, catalog, brand)
                        problems += [  # one problem per gap, whichever editions show it
                            Problem(f"{topic}/{brand_id}", None, "", f"missing glyph: {gap}")
                            for gap in missing_glyphs(document, theme, origins)
                        ]
    return sorted(set(problems), key=lambda p: (p.path, p.line or 0, p.field, p.message))
