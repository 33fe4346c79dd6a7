"""The one sanitiser for spreadsheet cells written from user text (CSV and XLSX alike, SPEC §7), used by
every writer — summary, remediation ledger, templates — and its inverse for reading our own files back.

A text starting with =, +, -, @, tab or CR would be run as a formula by Excel or WPS: it gets a leading
single quote (what spreadsheet users recognise as "text"), control characters are removed and the length
is capped at Excel's cell limit. Numbers, booleans and dates stay what they are.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
GUARD = "'"
MAX_CELL_CHARS = 32_000  # Excel's limit is 32,767


def safe_text(value: str) -> str:
    """``value`` as a cell no spreadsheet evaluates."""
    if value.isprintable() or value.replace("\n", "").replace("\t", "").isprintable():
        text = value[:MAX_CELL_CHARS]  # no character of category C but line breaks and tabs: checked in C
    else:
        kept = (ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
        text = "".join(kept)[:MAX_CELL_CHARS]
    if value.startswith(FORMULA_PREFIXES) or text.startswith(FORMULA_PREFIXES):
        return GUARD + text
    return text


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV or XLSX cell: text guarded, numbers and empty values as they are."""
    if isinstance(value, str):
        return safe_text(value)
    return value


def csv_row(values: Iterable[Any]) -> list[Any]:
    """``safe_cell`` of each value, written out (a batch's summaries guard tens of cells per company)."""
    return [safe_text(v) if isinstance(v, str) else v for v in values]


def put(ws: Any, row: int, column: int, value: Any) -> Any:
    """Write one XLSX cell: text is guarded and stored as text (never as a formula)."""
    cell = ws.cell(row=row, column=column)
    cell.value = safe_cell(value)
    if isinstance(cell.value, str):
        cell.data_type = "s"  # openpyxl would otherwise store a str starting with "=" as a formula
    return cell


def unguard_text(text: str) -> str:
    """The text a guarded cell stood for: reading back our own summary or a filled-in template."""
    if text.startswith(GUARD) and text[1:].startswith(FORMULA_PREFIXES):
        return text[1:]
    return text
