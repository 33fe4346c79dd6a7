"""The one sanitiser for spreadsheet cells written from user text (CSV and XLSX alike, SPEC §7).

A text starting with =, +, -, @, tab or CR would be run as a formula by Excel or WPS: it gets a leading
apostrophe-free guard (a single quote character is what spreadsheet users recognise as "text"), control
characters are removed and the length is capped at Excel's cell limit. Numbers stay numbers.
"""

from __future__ import annotations

import unicodedata
from typing import Any

FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
MAX_CELL_CHARS = 32_000  # Excel's limit is 32,767


def safe_text(value: str) -> str:
    text = "".join(ch for ch in value if ch in "\n\t" or unicodedata.category(ch)[0] != "C")[:MAX_CELL_CHARS]
    if value.startswith(FORMULA_PREFIXES):
        return "'" + text
    return text


def safe_cell(value: Any) -> Any:
    """A value ready for a CSV or XLSX cell: text guarded, numbers and empty values as they are."""
    if isinstance(value, str):
        return safe_text(value)
    return value
