"""The front-desk page (``generate.py serve``): a project and an output folder -> a local web
app that finds, previews and prints leaflets, built on demand through the batch."""

from __future__ import annotations

from .app import create_app
from .site import Site

__all__ = ["Site", "create_app"]
