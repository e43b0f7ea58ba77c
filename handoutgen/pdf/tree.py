"""What a tagged leaflet's pages recorded (every leaf's page and MCID, every link annotation) ->
its structure tree: StructElem objects in reading order, the ParentTree that maps each page's
MCIDs and each annotation back to its element, and the page entries that point into it."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import partial
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

    def attach(self, node: Node, page: int) -> list[Kid]:
        """``node`` and its ancestors in the tree (appended to their parents, on ``page``,
        when first seen)."""
        found = self.kids.get(node)
        if found is not None:
            return found
        made: list[Kid] = []
        self.kids[node] = made
        self.first_page[node] = page
        if node.parent is not None:
            self.attach(node.parent, page).append(("node", 0, node))
        return made

    def content(self, node: Node, page: int, kid: Kid) -> None:
        kids = self.kids.get(node)
        if kids is None:
            kids = self.attach(node, page)
        kids.append(kid)


def _seq(kid: Kid) -> int:
    return kid[2].seq if kid[0] == "node" else -1


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
    in order; every page's StructParents is its index. The elements are written as bytes
    when the file is (ReportLab's generic dictionaries cost a tagged leaflet a tenth of its
    build time)."""
    doc = pdf.document(canv)
    tree, links = collect(marks)
    if root not in tree.kids:
        tree.kids[root] = []
        tree.first_page[root] = 1
    refs: dict[Node | None, Any] = {}
    by_page: list[list[Node]] = [[] for _ in pages]
    nodes = list(tree.kids)
    for node in nodes:
        if node.children:  # a group: its children in the order they were made (reading
            # order; a right-to-left table draws its cells right to left)
            tree.kids[node].sort(key=_seq)
    made = pdf.register(
        doc,
        [pdf.Raw(partial(_root, root, by_page, links, refs))]
        + [pdf.Raw(partial(_element, node, tree, refs, pages)) for node in nodes],
    )
    root_ref = refs[None] = made[0]
    refs.update(zip(nodes, made[1:], strict=True))
    # ParentTree: page index -> the element of each MCID; annotation -> its Link element
    for page, mcid, node in marks.leaves:
        owners = by_page[page - 1]
        assert mcid == len(owners), "MCIDs are numbered in order on each page"
        owners.append(node)
    for key, (_, _, annotation) in enumerate(links, start=len(pages)):
        annotation["StructParent"] = key

    pdf.add_entries(
        doc.Catalog,
        StructTreeRoot=root_ref,
        MarkInfo=pdf.PDFDictionary({"Marked": "true"}),
    )


Number = Callable[[Any], int]  # a reference -> its object number, as the file is written


def _ref(number: Number, ref: Any) -> bytes:
    return b"%d 0 R" % number(ref)


def _root(
    root: Node,
    by_page: list[list[Node]],
    links: list[tuple[Node, Any, Any]],
    refs: dict[Node | None, Any],
    number: Number,
    string: Callable[[str], bytes],
) -> bytes:
    """The StructTreeRoot, with the ParentTree."""
    nums = []
    for index, owners in enumerate(by_page):
        nums.append(b"%d [%s]" % (index, b" ".join(_ref(number, refs[n]) for n in owners)))
    for key, (link, _, _) in enumerate(links, start=len(by_page)):
        nums.append(b"%d %s" % (key, _ref(number, refs[link])))
    return b"<</Type /StructTreeRoot /K %s /ParentTree <</Nums [%s]>> /ParentTreeNextKey %d>>" % (
        _ref(number, refs[root]),
        b" ".join(nums),
        len(by_page) + len(links),
    )


def _element(
    node: Node,
    tree: Tree,
    refs: dict[Node | None, Any],
    pages: Sequence[Any],
    number: Number,
    string: Callable[[str], bytes],
) -> bytes:
    """One structure element's dictionary."""
    page = tree.first_page.get(node, 1)
    parent = refs[node.parent if node.parent in refs else None]
    kids: list[bytes] = []
    for what, on, value in tree.kids[node]:
        if what == "node":
            kids.append(_ref(number, refs[value]))
        elif what == "mcid" and on == page:
            kids.append(b"%d" % value)
        elif what == "mcid":
            kids.append(b"<</Type /MCR /Pg %s /MCID %d>>" % (_ref(number, pages[on - 1]), value))
        else:
            on_page = _ref(number, pages[on - 1])
            kids.append(b"<</Type /OBJR /Pg %s /Obj %s>>" % (on_page, _ref(number, value)))
    out = [
        b"<</Type /StructElem /S /%s" % node.role.encode("ascii"),
        b" /P %s /Pg %s /K [%s]"
        % (_ref(number, parent), _ref(number, pages[page - 1]), b" ".join(kids)),
    ]
    if node.alt:
        out.append(b" /Alt " + string(node.alt))
    if node.lang:
        out.append(b" /Lang " + string(node.lang))
    if node.attributes:
        names = b"".join(
            b" /%s /%s" % (k.encode("ascii"), v.encode("ascii"))
            for k, v in sorted(node.attributes.items())
        )
        out.append(b" /A <</O /Table%s>>" % names)
    out.append(b">>")
    return b"".join(out)
