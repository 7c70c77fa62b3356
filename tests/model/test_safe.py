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
    # Phones stay E.164 and numbers stay numbers: they run no formula.
    assert csv_cell("+447911123456") == "+447911123456"
    assert csv_cell("-5") == "-5" and csv_cell("-2.5e3") == "-2.5e3" and csv_cell("Dover") == "Dover"
    # What a spreadsheet would execute is neutralised, + and - forms included.
    assert csv_cell("+44+cmd|' /C calc'!A0") == "'+44+cmd|' /C calc'!A0"
    assert csv_cell("-2+3") == "'-2+3" and csv_cell("=1+1") == "'=1+1"
    assert csv_cell("\t=HYPERLINK()") == "'\t=HYPERLINK()"
    assert html_text('<b a="x">') == "&lt;b a=&quot;x&quot;&gt;"


def test_csv_for_tools_is_left_as_written_and_lists_are_joined():
    table = pa.table({
        "phone": ["+447911123456"], "ids": [["1", "2"]],
        "phones": [["+447911123456", "+33612345678"]], "note": ["=not a formula here"],
    })
    for_people, for_tools = io.StringIO(), io.StringIO()
    write_csv(table, for_people)
    write_csv(table, for_tools, excel_safe=False)
    # A spreadsheet would try "+44...; +33..." as a formula: guarded for people only.
    assert for_people.getvalue().splitlines()[1] == (
        "+447911123456,1; 2,'+447911123456; +33612345678,'=not a formula here"
    )
    assert for_tools.getvalue().splitlines()[1] == (
        "+447911123456,1; 2,+447911123456; +33612345678,=not a formula here"
    )
    assert "[" not in for_people.getvalue()  # never a Python repr
