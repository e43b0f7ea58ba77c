"""What a tagged leaflet's pages recorded (every leaf's page and MCID, every link annotation) ->
its structure tree: StructElem objects in reading order, the ParentTree that maps each page's
MCIDs and each annotation back to its element, and the page entries that point into it."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from ..rl import conformance as pdf
from .marks import Marks
from .structure import Node

# ("mcid", page, mcid) | ("objr", page, annotation reference) | ("node", 0, Node)
Kid = tuple[str, int, Any]


@dataclass
class Tree:
    """The elements that hold content, each with its kids in reading order."""

    kids: dict[Node, list[Kid]] = field(default_factory=dict)
    first_page: dict[Node, int] = field(default_factory=dict)

    def attach(self, node: Node) -> list[Kid]:
        """``node`` and its ancestors in the tree (appended to their parents on first sight)."""
        found = self.kids.get(node)
        if found is not None:
            return found
        made: list[Kid] = []
        self.kids[node] = made
        if node.parent is not None:
            self.attach(node.parent).append(("node", 0, node))
        return made

    def content(self, node: Node, page: int, kid: Kid) -> None:
        self.attach(node).append(kid)
        self.first_page.setdefault(node, page)
        parent = node.parent
        while parent is not None and parent not in self.first_page:
            self.first_page[parent] = page
            parent = parent.parent


def collect(marks: Marks) -> tuple[Tree, list[tuple[Node, Any, Any]]]:
    """The tree of what was drawn, and each link as (its Link element, annotation reference,
    annotation dictionary), in reading order."""
    tree = Tree()
    links: list[tuple[Node, Any, Any]] = []
    pending = marks.links  # each made inside the leaf whose content was last begun
    at = 0
    for index, (page, mcid, node) in enumerate(marks.leaves):
        tree.content(node, page, ("mcid", page, mcid))
        while at < len(pending) and pending[at][0] == index + 1:
            _, on, leaf, ref, annotation = pending[at]
            at += 1
            link = Node("Link")
            link.parent = leaf  # not counted among its children: the leaf stays a leaf
            tree.content(link, on, ("objr", on, ref))
            links.append((link, ref, annotation))
    return tree, links


def write(
    canv: Any,
    root: Node,
    marks: Marks,
    pages: Sequence[Any],
) -> None:
    """Write the structure tree of ``canv``'s document: ``pages`` are the page references,
    in order; every page's StructParents is its index."""
    doc = pdf.document(canv)
    tree, links = collect(marks)
    if root not in tree.kids:
        tree.kids[root] = []
        tree.first_page[root] = 1
    refs: dict[Node, Any] = {}
    elements: dict[Node, Any] = {}
    for node in tree.kids:  # registered first: parents and kids point at each other
        element = pdf.PDFDictionary({"Type": pdf.PDFName("StructElem")})
        elements[node] = element
        refs[node] = pdf.reference(doc, element)
    tree_root = pdf.PDFDictionary({"Type": pdf.PDFName("StructTreeRoot")})
    root_ref = pdf.reference(doc, tree_root)
    for node, kids in tree.kids.items():
        if node.children:  # a group: its children in the order they were made (reading
            # order; a right-to-left table draws its cells right to left)
            kids.sort(key=lambda kid: kid[2].seq if kid[0] == "node" else -1)
        element = elements[node]
        page = tree.first_page.get(node, 1)
        element["S"] = pdf.PDFName(node.role)
        element["P"] = refs.get(node.parent, root_ref)  # type: ignore[arg-type]
        element["Pg"] = pages[page - 1]
        element["K"] = pdf.PDFArray([_kid(kid, page, refs, pages) for kid in kids])
        if node.alt:
            element["Alt"] = pdf.PDFString(node.alt)
        if node.lang:
            element["Lang"] = pdf.PDFString(node.lang)
        if node.attributes:
            attributes = {"O": pdf.PDFName("Table")}
            attributes.update({k: pdf.PDFName(v) for k, v in node.attributes.items()})
            element["A"] = pdf.PDFDictionary(attributes)
    # ParentTree: page index -> the element of each MCID; annotation -> its Link element
    by_page: list[list[Any]] = [[] for _ in pages]
    for page, mcid, node in marks.leaves:
        owners = by_page[page - 1]
        assert mcid == len(owners), "MCIDs are numbered in order on each page"
        owners.append(refs[node])
    nums: list[Any] = []
    for index, owners in enumerate(by_page):
        nums += [index, pdf.PDFArray(owners)]
    for key, (link, _, annotation) in enumerate(links, start=len(pages)):
        annotation["StructParent"] = key
        nums += [key, refs[link]]
    tree_root["K"] = refs[root]
    tree_root["ParentTree"] = pdf.PDFDictionary({"Nums": pdf.PDFArray(nums)})
    tree_root["ParentTreeNextKey"] = len(pages) + len(links)
    pdf.add_entries(
        doc.Catalog,
        StructTreeRoot=root_ref,
        MarkInfo=pdf.PDFDictionary({"Marked": "true"}),
    )


def _kid(kid: Kid, page: int, refs: dict[Node, Any], pages: Sequence[Any]) -> Any:
    what, on, value = kid
    if what == "node":
        return refs[value]
    if what == "mcid":
        if on == page:
            return value
        return pdf.PDFDictionary({"Type": pdf.PDFName("MCR"), "Pg": pages[on - 1], "MCID": value})
    return pdf.PDFDictionary({"Type": pdf.PDFName("OBJR"), "Pg": pages[on - 1], "Obj": value})
