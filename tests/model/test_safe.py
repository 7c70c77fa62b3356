import io

import pyarrow as pa

from crosslink.model.safe import csv_cell, html_text, write_csv


def test_csv_neutralises_formulas_in_text_but_keeps_numbers():
    table = pa.table({"name": ["=cmd|' /C calc'!A0", "@SUM(1)", "Ali", None], "amount": [-250.0, 1.0, 2.0, None]})
    buffer = io.StringIO()
    write_csv(table, buffer)
    lines = buffer.getvalue().splitlines()
    assert lines[0] == "name,amount"
    assert lines[1] == "'=cmd|' /C calc'!A0,-250.0"
    assert lines[2] == "'@SUM(1),1.0" and lines[3] == "Ali,2.0" and lines[4] == ","


def test_cells_and_html_are_escaped():
    assert csv_cell("+447911123456") == "'+447911123456"
    assert csv_cell("-5") == "'-5" and csv_cell("Dover") == "Dover"
    assert html_text('<b a="x">') == "&lt;b a=&quot;x&quot;&gt;"
