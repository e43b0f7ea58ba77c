"""pdf/tree.py: what the pages recorded -> elements with their kids in reading order: a leaf's
content and links in drawing order, a group's children in the order they were made (a
right-to-left table draws its cells right to left, but is read from its first cell)."""

from __future__ import annotations

from handoutgen.pdf.marks import Marks
from handoutgen.pdf.structure import Node
from handoutgen.pdf.tree import _seq, collect


def test_a_leafs_content_and_links_stay_in_drawing_order_across_pages():
    root = Node("Document")
    para = Node("P", root)
    marks = Marks(emit=True)
    marks.leaves += [(1, 0, para)]
    marks.links.append((1, 1, para, "annotation-ref", {}))
    marks.leaves += [(2, 0, para)]
    tree, links = collect(marks)
    kinds = [kid[0] for kid in tree.kids[para]]
    assert kinds == ["mcid", "node", "mcid"]
    assert tree.first_page[para] == 1 and tree.first_page[root] == 1
    ((link, _, _),) = links
    assert link.role == "Link" and link.parent is para and para.leaf  # still a leaf
    assert tree.kids[link] == [("objr", 1, "annotation-ref")]


def test_a_groups_children_are_read_in_the_order_they_were_made():
    root = Node("Document")
    row = Node("TR", root)
    first, second = Node("TD", row), Node("TD", row)
    marks = Marks(emit=True)
    marks.leaves += [(1, 0, second), (1, 1, first)]  # drawn right to left
    tree, _ = collect(marks)
    drawn = [kid[2] for kid in tree.kids[row]]
    assert drawn == [second, first]
    assert [kid[2] for kid in sorted(tree.kids[row], key=_seq)] == [first, second]
