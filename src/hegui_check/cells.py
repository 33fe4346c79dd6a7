"""Spreadsheet cells written from user text: one guard against formula injection for every CSV and XLSX
writer (summary, remediation ledger, templates), and its inverse for reading our own files back."""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what Excel, WPS or LibreOffice may read as a formula
GUARD = "'"
# characters an XLSX file cannot hold (the XML 1.0 control characters); tab, newline and CR stay
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def guard_text(text: str) -> str:
    """``text`` as a cell no spreadsheet evaluates: a leading =, +, -, @, tab or CR gets a ' in front,
    control characters are dropped and the length is cut to Excel's limit."""
    text = _ILLEGAL.sub("", text)[: MAX_CELL_CHARS - 1]
    return GUARD + text if text.startswith(FORMULA_START) else text


def cell_value(value: Any) -> Any:
    """A value for a CSV or XLSX cell: text is guarded, numbers, booleans and dates stay what they are."""
    return guard_text(value) if isinstance(value, str) else value


def csv_row(values: Iterable[Any]) -> list[Any]:
    return [cell_value(v) for v in values]


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one XLSX cell: text is guarded and stored as text (never as a formula)."""
    cell = ws.cell(row=row, column=column)
    cell.value = cell_value(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise store a str starting with "=" as a formula
    return cell


def append_row(ws: Any, values: Iterable[Any]) -> None:
    """Append one XLSX row through ``put``."""
    row = ws.max_row + 1 if ws.max_row > 1 or ws.cell(1, 1).value is not None else 1
    for column, value in enumerate(values, 1):
        put(ws, row, column, value)


def unguard_text(text: str) -> str:
    """The text a guarded cell stood for: reading back our own summary or a filled-in template."""
    if text.startswith(GUARD) and text[1:2] and text[1:].startswith(FORMULA_START):
        return text[1:]
    return text
