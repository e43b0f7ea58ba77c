"""The leaflet set by Typst through its Python binding (template: benchmarks/leaflet.typ)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path
from typing import Any

import typst
import yaml

ROOT = Path(__file__).resolve().parent.parent
TEMPLATE = Path(__file__).resolve().with_name("leaflet.typ")
LOGO = "/templates/brands/default/logo.png"  # inside the compiler's root
INLINE_RE = re.compile(r"\*\*(.+?)\*\*|\[([^\]]+)\]\(([^)\s]+)\)")

Span = tuple[str, bool, str | None]


def load(topic: Path, brand: Path) -> dict[str, Any]:
    """The topic's YAML with the clinic's details under ``clinic``."""
    loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when it is there
    data = yaml.load(topic.read_text("utf-8"), Loader=loader)
    clinic = yaml.load(brand.read_text("utf-8"), Loader=loader)
    for key, value in clinic.items():  # a text given per language: the English one
        if key != "theme" and isinstance(value, dict):
            clinic[key] = value.get("en", next(iter(value.values())))
    data["clinic"] = clinic
    return data


def date(value: dt.date) -> str:
    return f"{value.day}\u00a0{value:%B}\u00a0{value.year}"


class Converter:
    """Leaflet data -> the JSON the template reads: inline syntax split into spans."""

    def __init__(self, clinic: dict[str, Any]) -> None:
        self.fill = {
            "{clinic_name}": clinic["name"],
            "{clinic_phone}": clinic["phone"].replace(" ", "\u00a0"),
            "{clinic_website}": clinic["website"],
            "{emergency_number}": clinic["emergency_number"],
        }

    def spans(self, text: str) -> list[Span]:
        for key, value in self.fill.items():
            text = text.replace(key, value)
        out: list[Span] = []
        pos = 0
        for m in INLINE_RE.finditer(text):
            if m.start() > pos:
                out.append((text[pos : m.start()], False, None))
            if m[1] is not None:
                out.append((m[1], True, None))
            else:
                out.append((m[2], False, m[3]))
            pos = m.end()
        if pos < len(text):
            out.append((text[pos:], False, None))
        return out

    def block(self, block: dict[str, Any]) -> dict[str, Any]:
        out = dict(block)
        for key in ("text", "intro", "title", "caption"):
            if key in block:
                out[key] = self.spans(block[key])
        if block["type"] == "definitions":
            out["items"] = [
                {"term": self.spans(i["term"]), "text": self.spans(i["text"])}
                for i in block["items"]
            ]
        elif "items" in block:
            out["items"] = [self.spans(i) for i in block["items"]]
        if block["type"] == "callout":
            out["blocks"] = [self.block(b) for b in block["blocks"]]
        if block["type"] == "table":
            out["header"] = [self.spans(c) for c in block["header"]]
            out["rows"] = [[self.spans(c) for c in row] for row in block["rows"]]
        return out

    def leaflet(self, data: dict[str, Any]) -> dict[str, Any]:
        clinic = dict(data["clinic"])
        clinic["phone"] = self.fill["{clinic_phone}"]
        sources = []
        for s in data["sources"]:
            text = f"{s['title']}. {s['publisher']}, {s['year']}."
            url = s.get("url")
            sources.append(
                [(text, False, None)] + ([(" ", False, None), (url, False, url)] if url else [])
            )
        return {
            "title": data["title"],
            "code": data["code"],
            "version": data["version"],
            "summary": self.spans(data["summary"]),
            "published": date(data["published"]),
            "last_reviewed": date(data["last_reviewed"]),
            "next_review": date(data["next_review"]),
            "authors": data["authors"],
            "clinic": clinic,
            "logo": LOGO,
            "sources": sources,
            "sections": [
                {
                    "heading": self.spans(s["heading"]),
                    "blocks": [self.block(b) for b in s["blocks"]],
                }
                for s in data["sections"]
            ],
        }


class TypstLeaflet:
    """One reused Typst compiler (fonts scanned once, Typst's caches kept warm). ``tags``:
    Typst's default tagged (accessible) PDF; off by default, as neither ReportLab script tags."""

    def __init__(self, root: Path = ROOT, *, tags: bool = False) -> None:
        self.tags = tags
        self.compiler = typst.Compiler(
            TEMPLATE,
            root=root,
            font_paths=[root / "fonts"],
            ignore_system_fonts=True,
        )

    def build(self, data: dict[str, Any]) -> bytes:
        payload = json.dumps(Converter(data["clinic"]).leaflet(data), ensure_ascii=False)
        pdf = self.compiler.compile(format="pdf", sys_inputs={"data": payload}, pdf_tags=self.tags)
        assert isinstance(pdf, bytes)
        return pdf


if __name__ == "__main__":
    import sys

    leaflet = load(
        ROOT / "handouts" / "neuromyotonia.yaml", ROOT / "templates/brands/default/brand.yaml"
    )
    Path(sys.argv[1] if len(sys.argv) > 1 else "typst.pdf").write_bytes(
        TypstLeaflet().build(leaflet)
    )
