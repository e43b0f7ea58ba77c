"""ReportLab's private names (a leading underscore: its own attributes, functions and
classes) and pokes at objects' ``__dict__`` appear only in the adapter, ``handoutgen/rl/``,
and exactly these there: adding one is a conscious choice, made here."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import reportlab

import handoutgen

PACKAGE = Path(handoutgen.__file__).parent
ADAPTER = PACKAGE / "rl"

# module -> the ReportLab private names it uses, and why
EXPECTED = {
    "rl/canvas.py": {
        # pages kept until save: the canvas's own page state, and its page reset
        "__dict__",
        "_startPage",
        # an image drawn from a copy prepared once: what drawImage does for an ImageReader
        "_dataA",
        "_digester",
        "_doc",
        "_setXObjects",
        "_smask",
        "_currentPageHasImages",
        "_code",
        "_formsinuse",
        # each page's dictionary as ReportLab writes it (its structure entries)
        "_setAnnotations",
        # a booklet's two pages written as one sheet side: their resources and annotations
        "_annotationrefs",
        "_colorsUsed",
        "_shadingUsed",
    },
    "rl/conformance.py": {
        # the document, the annotation just made, and the date the Info dictionary gives
        "_doc",
        "_annotationrefs",
        "_timeStamp",
    },
    "rl/doc.py": {
        # a frame copied as deepcopy would copy it, faster; Platypus's grouping flag
        "__dict__",
        "vars",
    },
    "rl/fonts.py": {
        # a name made to stand for another brand's file (registerFont keeps the first)
        "_fonts",
        "_dynFaceNames",
    },
    "rl/paragraphs.py": {
        # what a wrap leaves on a paragraph, reused; a split takes its own lines
        "_wrapWidths",
        "_width_max",
        "_hyphenations",
        "_splitLongWordCount",
        "__dict__",
    },
    "rl/addresses.py": {
        # web and e-mail addresses break only after / . - @ ? = &: ReportLab's URI splitter and its
        # long-word splitters (its breakLines calls them by name) replaced, their pieces kept
        "_uri_split_pairs",
        "_splitWord",
        "_splitFragWord",
        "_fragWordIter",
        "_SplitWord",
        "_SplitWordEnd",
        "_SplitFrag",
        "_SplitFragH",
        "_SplitFragHS",
        "_HSFrag",
        # a page split joins an address's pieces again: ReportLab's joiner dropped its hyphens
        "_rejoinSplitFragWords",
        "_SplitFragHY",
        "_shyUnsplit",
        "_SHYIndexedStr",
        "_shyIndices",
        "_reconstructSplitFrags",
    },
    "rl/tables.py": {
        # a data table splits only where two rows stay on each side
        "_cellvalues",
        "_rowHeights",
        "_doctemplate",
        "_atTop",
    },
    "rl/linebreak.py": {
        # ReportLab's breakLines, transcribed: its helpers and what it leaves
        "_processed_frags",
        "_handleBulletWidth",
        "_hyphenateWord",
        "_hyphenateFragWord",
        "_getFragWords",
        "_HSFrag",
        "_FK_TEXT",
        "_fkind",
        "_shy",
        "_width_max",
        "_splitLongWordCount",
        "_hyphenations",
    },
}


def _reportlab_private() -> set[str]:
    """Every private identifier ReportLab's source defines or uses."""
    names: set[str] = set()
    for path in Path(reportlab.__file__).parent.rglob("*.py"):
        names.update(
            re.findall(r"\b(_[A-Za-z]\w*)", path.read_text(encoding="utf-8", errors="ignore"))
        )
    return {n for n in names if not n.endswith("__")}


PRIVATE = _reportlab_private()


def _uses(path: Path) -> set[str]:
    """The ReportLab private names a module reaches: attributes, imports, ``__dict__``."""
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"))
    in_fstrings = {id(v) for n in ast.walk(tree) if isinstance(n, ast.JoinedStr) for v in n.values}
    for node in ast.walk(tree):
        if isinstance(node, ast.Attribute):
            if node.attr == "__dict__":
                found.add("__dict__")
            elif node.attr in PRIVATE:
                found.add(node.attr)
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("reportlab"):
            found.update(a.name for a in node.names if a.name in PRIVATE)
        elif isinstance(node, ast.Call) and getattr(node.func, "id", None) == "vars":
            found.add("vars")
        elif (
            isinstance(node, ast.Constant) and node.value in PRIVATE and id(node) not in in_fstrings
        ):
            found.add(node.value)  # getattr(x, "_name"), a tuple of names to copy ...
    return found


def test_reportlab_private_names_appear_only_in_the_adapter():
    outside = {
        path.relative_to(PACKAGE).as_posix(): used
        for path in sorted(PACKAGE.rglob("*.py"))
        if ADAPTER not in path.parents and (used := _uses(path))
    }
    assert outside == {}


def test_the_adapter_uses_exactly_the_listed_private_names():
    used = {
        path.relative_to(PACKAGE).as_posix(): _uses(path)
        for path in sorted(ADAPTER.glob("*.py"))
        if _uses(path)
    }
    assert used == EXPECTED
