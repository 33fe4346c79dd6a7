"""The named input limits: sizes, depths and counts checked before deeper work (README “输入限制”).

Each limit is far above what a real answer file, spreadsheet, letterhead or checklist needs, and low
enough that a hostile input is refused within a second in bounded memory.
"""

from __future__ import annotations

MAX_FILE_BYTES = 5 * 1024 * 1024  # an answer file, letterhead or checklist file (YAML/JSON)
MAX_TABLE_BYTES = 50 * 1024 * 1024  # a CSV file, or an XLSX archive on disk
MAX_XLSX_UNPACKED_BYTES = 200 * 1024 * 1024  # everything inside an XLSX archive, as the archive declares it
MAX_XLSX_PART_BYTES = 20 * 1024 * 1024  # one part other than a sheet (shared strings, styles …), unpacked
MAX_YAML_ALIASES = 100  # alias uses (*name) in one YAML document
MAX_YAML_EXPANDED = 10_000_000  # characters plus nodes of a YAML document with every alias expanded
MAX_DEPTH = 20  # nesting of mappings and lists in a YAML or JSON document
MAX_INT_DIGITS = 15  # decimal digits of an integer value (15 digits: up to 999 万亿)
MAX_STRING_CHARS = 10_000  # one text value (a note, a cell, a name)
MAX_NAME_CHARS = 100  # one short profile text: company name, region, assessor's name
MAX_ROWS = 100_000  # data rows of one spreadsheet
MAX_COLUMNS = 2_000  # columns of one spreadsheet
MAX_CONDITION_CHARS = 2_000  # one applies_when / when condition
MAX_CONDITION_DEPTH = 20  # nesting of brackets and not in one condition
MAX_CONDITION_LIST = 200  # values in one `in [...]` list
MAX_SHOWN_CHARS = 80  # user text quoted inside a message is cut here, with “…”


def shorten(text: object, limit: int = MAX_SHOWN_CHARS) -> str:
    """``text`` for quoting in a message: at most ``limit`` characters, cut with “…”."""
    if isinstance(text, int) and not isinstance(text, bool) and text.bit_length() > 3 * limit:
        return "（一个极大的整数）"
    value = (
        text
        if isinstance(text, str)
        else str(text)
        if isinstance(text, (int, float))
        else repr(text)[: limit + 1]
    )
    return value if len(value) <= limit else value[: limit - 1] + "…"


def limit_text(what: str, limit: int | str, unit: str = "") -> str:
    """The one wording of a breached limit, e.g. ``limit_text("嵌套层数", MAX_DEPTH)``."""
    return f"{what}超过上限 {limit}{unit}（为防止恶意或损坏的文件拖垮程序而设，见 README“输入限制”）"
