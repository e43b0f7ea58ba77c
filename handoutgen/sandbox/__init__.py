"""Templates as untrusted code. A brand may override any template, so every template runs in
Jinja's immutable sandbox with only the names the templates need (globals, filters, tests,
and the methods of text, lists and mappings that cannot grow a text), and within bounds read
from ``templates/limits.yaml`` (section ``templates``):

- ``max_steps``: loop turns, calls (macros, filters, functions) and items made or taken, for
  one leaflet;
- ``max_output``: characters written for one leaflet, and the longest text or list any one
  expression may make (checked before a ``*``, ``%``, ``join`` or ``replace`` makes it);
- ``max_seconds``: processor time of one leaflet's rendering, a backstop for work that
  counts little (a long text searched in every turn of a loop).

Going past one is a ``TemplateLimitError``: a TemplateError, which the compose stage reports
at the template's file and line like any other. So are a template that calls itself without
end (RecursionError), arithmetic that fails, and a template nested too deeply to compile.
"""

from __future__ import annotations

from .bounds import Limits, TemplateLimitError
from .environment import TemplateSandbox

__all__ = ["Limits", "TemplateLimitError", "TemplateSandbox"]
