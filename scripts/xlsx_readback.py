#!/usr/bin/env python3
"""Reads an .xlsx workbook with openpyxl and prints every sheet as JSON, for tests to compare value by
value: {"sheets": [{"name", "rows": [[cell, ...], ...], "widths": {"A": w, ...}, "formats": [[fmt...]]}]}.
A cell is null (empty), ["n", number], ["s", text], ["b", bool] or ["d", "YYYY-MM-DDTHH:MM:SS.ffffff"]."""
import json
import sys

import openpyxl


def cell(c):
    v = c.value
    if v is None:
        return None
    if isinstance(v, bool):
        return ["b", v]
    if isinstance(v, (int, float)):
        return ["n", v]
    if hasattr(v, "isoformat"):
        return ["d", v.strftime("%Y-%m-%dT%H:%M:%S.%f")]
    return ["s", str(v)]


def main(path):
    book = openpyxl.load_workbook(path)
    out = {"sheets": []}
    for ws in book.worksheets:
        rows = [[cell(c) for c in row] for row in ws.iter_rows()]
        formats = [[c.number_format for c in row] for row in ws.iter_rows(min_row=2, max_row=2)]
        widths = {k: d.width for k, d in ws.column_dimensions.items()}
        bold = [bool(c.font and c.font.b) for c in next(ws.iter_rows(max_row=1), [])]
        out["sheets"].append({"name": ws.title, "rows": rows, "widths": widths, "formats": formats, "bold": bold})
    json.dump(out, sys.stdout)


if __name__ == "__main__":
    main(sys.argv[1])
