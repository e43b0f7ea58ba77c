"""Tables in the adapter: a data table splits only where enough rows stay on each side."""

from __future__ import annotations

from types import SimpleNamespace

from handoutgen.rl.tables import DataTable


def test_a_table_never_leaves_a_lone_row_on_either_side_of_a_break():
    def table(at_top: bool = False) -> DataTable:  # a repeated header and 6 rows, 20 pt each
        rows = [["Header", "Header"]] + [[f"r{n}", "x"] for n in range(6)]
        made = DataTable(rows, colWidths=[100, 100], rowHeights=[20] * 7, repeatRows=1)
        frame = SimpleNamespace(_atTop=1 if at_top else 0)
        made.canv = SimpleNamespace(_doctemplate=SimpleNamespace(frame=frame))
        return made

    def body_rows(part: DataTable) -> list[str]:
        return [row[0] for row in part._cellvalues[1:]]

    # room for the header and one row: the table moves to the next page instead
    assert table().split(200, 45) == []
    # ... unless it is at the top of a page already: then one row is better than none
    first, _ = table(at_top=True).split(200, 45)
    assert body_rows(first) == ["r0"]
    # room for all but one row: two rows go over, not one
    first, second = table().split(200, 125)
    assert body_rows(first) == ["r0", "r1", "r2", "r3"]
    assert body_rows(second) == ["r4", "r5"]
    # room for three rows: an ordinary split
    first, second = table().split(200, 85)
    assert body_rows(first) == ["r0", "r1", "r2"] and body_rows(second) == ["r3", "r4", "r5"]
