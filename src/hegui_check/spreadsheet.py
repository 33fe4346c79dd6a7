"""Spreadsheet answers (SPEC §4 "Spreadsheets"): one company per row of an XLSX or CSV file, read into
AnswerSets whose problems name the file, row, column letter and column id."""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
import sys
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import IO, Any

from .answers import AnswerSet, Problem, parse_answers
from .cells import GUARD, unguard_text
from .errors import AnswersError
from .limits import (
    MAX_COLUMNS,
    MAX_ROWS,
    MAX_TABLE_BYTES,
    MAX_XLSX_PART_BYTES,
    MAX_XLSX_UNPACKED_BYTES,
    limit_text,
    shorten,
)
from .questionnaire import Item, ItemType, Questionnaire
from .template import ASSESSMENT_DATE, ASSESSMENT_DATE_LABEL, DEPTH_COLUMN, DEPTH_COLUMN_LABEL
from .yamlio import read_error

XLSX_SUFFIXES = (".xlsx", ".xlsm")
CSV_SUFFIXES = (".csv", ".tsv")
SPREADSHEET_SUFFIXES = XLSX_SUFFIXES + CSV_SUFFIXES
_RESAVE = {
    ".xls": "Excel 97-2003 工作簿（.xls）",
    ".et": "WPS 表格（.et）",
    ".ett": "WPS 表格模板（.ett）",
    ".ods": "OpenDocument 表格（.ods）",
    ".numbers": "Numbers 表格（.numbers）",
}
MAX_LISTED = 30  # columns named in one warning; the rest are counted
HEADER_SEARCH_ROWS = 10  # a title row or two above the header is skipped
_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .et and password-protected .xlsx

# Profile fields and the date under the names online forms and association sheets commonly use.
ALIASES = {
    "company_name": ("企业名称", "公司名称", "单位名称", "企业全称", "名称"),
    "uscc": ("统一社会信用代码", "社会信用代码", "信用代码", "统一代码"),
    "entity_type": ("主体类型", "经营主体类型", "企业类型", "市场主体类型"),
    "industry": ("行业", "所属行业", "主营行业", "行业类别"),
    "region": ("地区", "所在地区", "所在地", "所属地区", "区域"),
    "employees": ("员工人数", "用工人数", "职工人数", "从业人数", "员工数"),
    "annual_revenue_wan": ("营业收入", "年营业收入", "营业收入万元", "年营业收入万元", "营收万元"),
    ASSESSMENT_DATE: (ASSESSMENT_DATE_LABEL, "体检日期", "检查日期", "填表日期"),
}
_NUMBERING = re.compile(
    r"^\s*(?:(?:[QqＱｑ]|第)?\s*[0-9０-９]+\s*题?\s*[.．、:：)）\]】]|[(（\[【]\s*[0-9０-９]+\s*[)）\]】])\s*"
)
_TYPE_TAG = re.compile(r"[(（\[【](?:单选题?|多选题?|填空题?|下拉题?|必填|选填|必答)[)）\]】]\s*$")
_TRAILING_NOTE = re.compile(r"[(（][^()（）]*[)）]\s*$")
_NOT_WORD = re.compile(r"[\W_]+")
_ITEM_ID = re.compile(r"[a-z][a-z0-9_]*\.[a-z][a-z0-9_]*")
_MULTI_SEP = re.compile(r"[、,，;；┋|\n]")
_SKIPPED = {"(跳过)", "（跳过）", "(空)", "（空）"}  # what 问卷星 writes for a skipped question
_DATE_TIME = re.compile(r"^(\S+?)[T\s]+\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?$")


class SpreadsheetError(AnswersError):
    """A spreadsheet could not be read at all (wrong format, corrupt file, no recognisable header)."""

    code = "malformed"


@dataclass(frozen=True)
class TableColumn:
    """One column of the sheet and what it was recognised as."""

    index: int  # 0-based position
    letter: str  # as Excel shows it: A, B, …, AA
    header: str  # the header text as written
    key: str | None  # profile field id, "assessment_date" or item id; None when ignored
    group: str | None  # company | facts | date | item; None when ignored


@dataclass(frozen=True)
class TableRow:
    """One data row: its number as Excel shows it and its non-empty cells by column index."""

    row_number: int
    values: dict[int, Any]


@dataclass
class Table:
    """A spreadsheet of answers, one company per row. ``warnings`` are file-level problems."""

    source: str
    q: Questionnaire
    columns: list[TableColumn]
    rows: list[TableRow] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)
    file_date: dt.date | None = None
    header_rows: tuple[int, ...] = ()  # sheet row numbers of the header (ids and/or labels)

    @property
    def key_columns(self) -> list[TableColumn]:
        return [c for c in self.columns if c.key is not None]

    def answer_set(self, row: TableRow) -> AnswerSet:
        """The row as an AnswerSet; every problem is located as "FILE 第N行 X列（id）"."""
        return row_answers(self, row)

    def answer_sets(self) -> Iterator[tuple[int, AnswerSet]]:
        """(row number, AnswerSet) for every data row, in sheet order, built one at a time."""
        for row in self.rows:
            yield row.row_number, row_answers(self, row)

    def to_answer_sets(self) -> list[AnswerSet]:
        return [a for _n, a in self.answer_sets()]


def is_spreadsheet(path: Path) -> bool:
    """Whether ``path`` is (or claims to be) a spreadsheet, including formats that must be re-saved."""
    suffix = Path(path).suffix.lower()
    return suffix in SPREADSHEET_SUFFIXES or suffix in _RESAVE


# ---------------------------------------------------------------------------------------------
# reading


def read_table(path: Path, q: Questionnaire) -> Table:
    """Read an XLSX or CSV file of answers. Raises SpreadsheetError when the file cannot be read at all;
    problems in single cells are left for the rows' AnswerSets."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix in _RESAVE:
        raise SpreadsheetError(
            f"{path}: 不支持{_RESAVE[suffix]}，请在 Excel 或 WPS 中“另存为” Excel 工作簿（.xlsx）后再试",
            code="unsupported-format",
            where=str(path),
        )
    if suffix not in SPREADSHEET_SUFFIXES:
        raise SpreadsheetError(
            f"{path}: 不认识的表格格式“{path.suffix or '无扩展名'}”，请使用 .xlsx 或 .csv 文件",
            code="unsupported-format",
            where=str(path),
        )
    try:
        return _read(path, q, suffix)
    except SpreadsheetError as exc:
        exc.where = exc.where or str(path)
        raise


def _read(path: Path, q: Questionnaire, suffix: str) -> Table:
    try:
        file_date = dt.date.fromtimestamp(path.stat().st_mtime)
        if path.stat().st_size > MAX_TABLE_BYTES:
            raise SpreadsheetError(
                f"{path}: 表格文件{limit_text('大小', MAX_TABLE_BYTES // (1024 * 1024), ' MB')}",
                code="limit-exceeded",
            )
        if suffix in XLSX_SUFFIXES:
            return _read_xlsx(path, q, file_date)
        return _build_table(str(path), _bounded(str(path), _csv_rows(path)), q, file_date)
    except OSError as exc:
        raise SpreadsheetError(f"{path}: {read_error(exc, '表格文件')}", code="unreadable") from None


def _too_many_rows(source: str, row: int) -> SpreadsheetError:
    return SpreadsheetError(
        f"{source}: 第 {row} 行：表格行数{limit_text('', MAX_ROWS, ' 行')}；请把表格拆成几个文件分别处理",
        code="limit-exceeded",
    )


def _bounded(source: str, rows: Iterable[Any]) -> Iterator[Any]:
    """Rows as they stream in, refused at the first row past MAX_ROWS or with a value past MAX_COLUMNS."""
    for n, values in enumerate(rows, 1):
        if n > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows(source, n)
        if len(values) > MAX_COLUMNS:
            if any(v not in (None, "") for v in values[MAX_COLUMNS:]):
                raise SpreadsheetError(
                    f"{source}: 第 {n} 行：表格列数{limit_text('', MAX_COLUMNS, ' 列')}",
                    code="limit-exceeded",
                )
            values = values[:MAX_COLUMNS]
        yield values


_DIMENSION = re.compile(rb'<(?:\w+:)?dimension\s+ref="[A-Z]*\d*:?([A-Z]*)(\d*)"')
# A cell tag as Excel, WPS, LibreOffice and openpyxl write it: its reference first, then only the other
# attributes of a cell, each set off by one space: <c r="AB12" s="3" t="s">. Nothing else in it can move
# the cell (calamine places a cell by the last r="…" in its tag).
_CELL_ROW = re.compile(rb'<c r="[A-Z]{1,3}(\d{1,7})"(?: (?:s|t|cm|vm|ph)="[^"<>]*")*/?>')
_CELL_COLUMN = re.compile(rb'<c r="([A-Z]{1,3})\d')
# Any other way of writing a cell element: no attributes, other white space, a namespace prefix (searched
# for only where ":c" is followed by what may end a tag name).
_BARE_CELL = re.compile(rb"<c[\t\n\r>]")
_PREFIX_END = re.compile(rb":c[\s/>]")
_PREFIXED_CELL = re.compile(rb"<[^\s<>/!?]+:c[\s/>]")
# XML in UTF-16, by its byte-order mark, its first character or its declaration: the patterns above are
# ASCII bytes and would not see its cells.
_UTF16 = re.compile(rb"\xff\xfe|\xfe\xff|<\0|\0<|\s*<\?xml[^>]*encoding\s*=\s*[\"']utf-?16", re.IGNORECASE)
_LONGEST_TAG = 1 << 20  # bytes; a tag carried over from one chunk to the next grows no longer
# A sheet is read whole (32 bytes for every cell of its range, filled or not) only up to this many cells;
# a larger one, or one the scan cannot vouch for (see _SheetScan.readable_whole), is streamed.
WHOLE_SHEET_CELLS = 3_000_000


def _column_number(letters: str) -> int:
    number = 0
    for ch in letters:
        number = number * 26 + ord(ch) - 64
    return number


@dataclass
class _SheetScan:
    """What one pass over a sheet's XML bytes found, before any XML parser reads it."""

    rows: int = 0  # <row elements
    last_row: int = 0  # the highest row number in a cell reference
    last_column: int = 0  # the highest column number in a cell reference
    cells: int = 0  # cell elements written "<c …"
    plain: int = 0  # those of them written as Excel writes them (_CELL_ROW)
    unusual: bool = False  # a cell written some other way, or bytes the patterns cannot see through (UTF-16)
    errors: bool = False  # a cell holding a formula error (#N/A …), which calamine reads as empty

    @property
    def readable_whole(self) -> bool:
        """Whether every cell's place is known from its reference, within a range small enough to hold,
        and no cell shows an error, which the streaming reader keeps as its text (#N/A) to report."""
        return (
            not self.unusual
            and not self.errors
            and self.plain == self.cells
            and self.last_row * self.last_column <= WHOLE_SHEET_CELLS
        )


def _scan_chunk(data: bytes, scan: _SheetScan) -> None:
    scan.rows += data.count(b"<row")
    scan.cells += data.count(b"<c ")
    scan.unusual = (
        scan.unusual
        or _BARE_CELL.search(data) is not None
        or (_PREFIX_END.search(data) is not None and _PREFIXED_CELL.search(data) is not None)
    )
    scan.errors = scan.errors or b't="e"' in data
    rows = _CELL_ROW.findall(data)
    if rows:
        scan.plain += len(rows)
        scan.last_row = max(scan.last_row, *map(int, set(rows)))
        widest = max(set(_CELL_COLUMN.findall(data)), key=lambda letters: (len(letters), letters))
        scan.last_column = max(scan.last_column, _column_number(widest.decode()))


def _check_dimension(path: Path, head: bytes) -> None:
    m = _DIMENSION.search(head)
    if m and m.group(2) and int(m.group(2)) > MAX_ROWS + HEADER_SEARCH_ROWS:
        raise _too_many_rows(str(path), int(m.group(2)))
    if m and m.group(1) and _column_number(m.group(1).decode()) > MAX_COLUMNS:
        raise SpreadsheetError(
            f"{path}: 工作表范围到 {m.group(1).decode()} 列，{limit_text('表格列数', MAX_COLUMNS, ' 列')}",
            code="limit-exceeded",
        )


def _scan_sheet(path: Path, fh: IO[bytes], chunk_size: int = 1 << 20, *, limited: bool = True) -> _SheetScan:
    """One sheet's XML streamed in chunks: its declared dimension, then its rows and cell references
    counted, refused at the first chunk past MAX_ROWS (unless not ``limited``: another part of the
    workbook, scanned only for cells)."""
    scan = _SheetScan()
    tail = b""
    first = True
    while chunk := fh.read(chunk_size):
        if first:
            first = False
            scan.unusual = _UTF16.match(chunk) is not None
            if limited:
                _check_dimension(path, chunk[:4096])
        data = tail + chunk
        cut = data.rfind(b"<")
        tail = b""
        if cut > data.rfind(b">"):  # the last tag goes on in the next chunk: carry it over whole
            if len(data) - cut <= _LONGEST_TAG:
                data, tail = data[:cut], data[cut:]
            else:  # not a tag any spreadsheet program writes; its parts may go unseen, so read it streamed
                scan.unusual = True
        _scan_chunk(data, scan)
        if limited and max(scan.rows, scan.last_row) > MAX_ROWS + HEADER_SEARCH_ROWS:
            raise _too_many_rows(str(path), max(scan.rows, scan.last_row))
    _scan_chunk(tail, scan)
    return scan


def _check_xlsx_archive(path: Path) -> bool:
    """Refuse a zip bomb before any XML parser opens it: sizes as the archive declares them, then each
    sheet's declared dimension, then its rows and cell references counted while streaming. True when the
    workbook can be read whole: every sheet's scan says so (_SheetScan.readable_whole), and no other part,
    wherever the workbook's relationships might point a reader, holds a cell."""
    import zipfile

    whole = True
    with zipfile.ZipFile(path) as archive:
        infos = archive.infolist()
        if sum(i.file_size for i in infos) > MAX_XLSX_UNPACKED_BYTES:
            raise SpreadsheetError(
                f"{path}: 解压后的大小{limit_text('', MAX_XLSX_UNPACKED_BYTES // (1024 * 1024), ' MB')}",
                code="limit-exceeded",
            )
        for info in infos:
            sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
            if not sheet and info.file_size > MAX_XLSX_PART_BYTES:
                raise SpreadsheetError(
                    f"{path}: 工作簿中的 {info.filename[:60]} 解压后"
                    f"{limit_text('', MAX_XLSX_PART_BYTES // (1024 * 1024), ' MB')}",
                    code="limit-exceeded",
                )
            with archive.open(info) as fh:
                scan = _scan_sheet(path, fh, limited=sheet)
            whole = whole and (scan.readable_whole if sheet else scan.cells == 0 and not scan.unusual)
    return whole


def _unreadable(path: Path, exc: BaseException) -> SpreadsheetError:
    return SpreadsheetError(
        f"{path}: 无法读取这个 .xlsx 文件（{type(exc).__name__}），请用 Excel 或 WPS 打开后重新“另存为” .xlsx"
    )


@contextmanager
def _whole_sheet_rows(path: Path) -> Iterator[Iterator[list[Any]]]:
    """The first visible worksheet read whole by calamine (Rust), rows numbered from 1 as openpyxl numbers
    them: leading empty rows and columns filled in with "", trailing empty cells dropped."""
    from python_calamine import CalamineWorkbook, SheetTypeEnum, SheetVisibleEnum

    try:
        wb = CalamineWorkbook.from_path(path)
    except Exception as exc:
        raise _unreadable(path, exc) from None
    with wb:
        kinds = wb.sheets_metadata
        sheets = [n for n, m in enumerate(kinds) if m.typ == SheetTypeEnum.WorkSheet]
        visible = [n for n in sheets if kinds[n].visible == SheetVisibleEnum.Visible]
        if not sheets:
            raise SpreadsheetError(f"{path}: 工作簿中没有工作表")
        sheet = wb.get_sheet_by_index((visible or sheets)[0])

    def rows() -> Iterator[list[Any]]:
        if sheet.start is None:  # no cell holds a value
            return
        pad: list[Any] = [""] * sheet.start[1]
        for row in sheet.iter_rows():
            values: list[Any] = pad + row if pad else row
            while values and values[-1] == "":
                values.pop()
            yield values

    yield rows()


@contextmanager
def _streamed_rows(path: Path) -> Iterator[Iterator[tuple[Any, ...]]]:
    """The first visible worksheet streamed by openpyxl's read-only mode, for sheets too large to read
    whole or whose cells do not all carry their reference."""
    from openpyxl import load_workbook

    try:
        wb = load_workbook(path, read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds of errors on a damaged file
        raise _unreadable(path, exc) from None
    try:
        sheets = [ws for ws in wb.worksheets if getattr(ws, "sheet_state", "visible") == "visible"]
        sheets = sheets or list(wb.worksheets)
        if not sheets:
            raise SpreadsheetError(f"{path}: 工作簿中没有工作表")
        ws = sheets[0]
        if hasattr(ws, "reset_dimensions"):
            ws.reset_dimensions()  # some writers record a wrong sheet size; read every row that exists
        yield ws.iter_rows(values_only=True)
    finally:
        wb.close()


def _read_xlsx(path: Path, q: Questionnaire, file_date: dt.date) -> Table:
    import zipfile
    import zlib

    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE_MAGIC:
        raise SpreadsheetError(
            f"{path}: 这实际上是旧版 .xls / WPS 文件，或是加了密码的工作簿；"
            "请取消密码并“另存为” Excel 工作簿（.xlsx）后再试"
        )
    if not zipfile.is_zipfile(path):
        raise SpreadsheetError(
            f"{path}: 不是有效的 .xlsx 文件（文件可能已损坏或并非 Excel 工作簿），"
            "请用 Excel 或 WPS 打开后重新“另存为” .xlsx"
        )
    try:
        whole = _check_xlsx_archive(path)
    except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError, EOFError, ValueError) as exc:
        raise SpreadsheetError(
            f"{path}: .xlsx 文件已损坏，无法读取（{type(exc).__name__}），"
            "请用 Excel 或 WPS 打开后重新“另存为” .xlsx"
        ) from None
    # the readers are imported only for a workbook that passed the checks above
    sheet_rows = _whole_sheet_rows if whole else _streamed_rows
    try:
        with sheet_rows(path) as rows:
            return _build_table(str(path), _bounded(str(path), rows), q, file_date)
    except SpreadsheetError:
        raise
    except BaseException as exc:  # damaged XML inside the archive shows up only while reading the sheet
        if not isinstance(exc, Exception) and type(exc).__name__ != "PanicException":  # Rust panics too
            raise
        raise SpreadsheetError(
            f"{path}: .xlsx 文件内容已损坏，无法读取（{type(exc).__name__}），"
            "请用 Excel 或 WPS 打开后重新“另存为” .xlsx"
        ) from None


def _decode(data: bytes, path: Path) -> str:
    if data.startswith(b"PK\x03\x04"):
        raise SpreadsheetError(f"{path}: 这其实是一个 Excel 工作簿，请把扩展名改为 .xlsx 后再试")
    if data.startswith(_OLE_MAGIC):
        raise SpreadsheetError(
            f"{path}: 这其实是旧版 .xls / WPS 文件，请“另存为” Excel 工作簿（.xlsx）后再试"
        )
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # Excel's "Unicode 文本"
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise SpreadsheetError(
                f"{path}: UTF-16 编码的文本在第 {exc.start} 字节处不完整（文件可能被截断），"
                "请重新导出，或另存为“CSV UTF-8（逗号分隔）”或 .xlsx"
            ) from None
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("gb18030")
    except UnicodeDecodeError:
        raise SpreadsheetError(
            f"{path}: 无法识别文件编码（应为 UTF-8 或 GB18030/GBK），"
            "请在 Excel 中另存为“CSV UTF-8（逗号分隔）”或 .xlsx"
        ) from None


def _swallowed(values: list[str], width: int, delimiter: str) -> bool:
    """Whether a record spanning several lines looks like rows merged by a stray quote: its width is
    off, or a line inside one cell holds a whole row's worth of delimiters."""
    if len(values) != width:
        return True
    need = max(1, width - 1)
    return any(line.count(delimiter) >= need for v in values if "\n" in v for line in v.split("\n")[1:])


def _csv_rows(path: Path) -> Iterator[list[str]]:
    """CSV records; a quote that is never closed, or that swallows the line ends of following rows, is an
    error naming the row where it opened (csv would silently merge those rows into one cell)."""
    text = _decode(path.read_bytes(), path)
    first = text.split("\n", 1)[0]
    delimiter = "\t" if first.count("\t") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    width: int | None = None
    record = 0
    while True:
        start = reader.line_num + 1
        try:
            values = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "end of data" in str(exc):
                raise SpreadsheetError(
                    f"{path}: 第 {record + 1} 行（文本第 {start} 行）：引号没有闭合，其后的所有行都会被并入"
                    "这一格；请补上或删掉这个引号",
                    code="malformed",
                ) from None
            raise SpreadsheetError(
                f"{path}: 第 {record + 1} 行（文本第 {start} 行）：CSV 格式有误（{exc}）", code="malformed"
            ) from None
        record += 1
        if width is None and any(v.strip() for v in values):
            width = len(values)
        elif width is not None and reader.line_num > start and _swallowed(values, width, delimiter):
            raise SpreadsheetError(
                f"{path}: 第 {record} 行（文本第 {start} 行）：引号没有闭合，直到文本第 {reader.line_num} 行"
                f"才结束，中间的行被并入了一格；请补上或删掉这个引号",
                code="malformed",
            )
        yield values


# ---------------------------------------------------------------------------------------------
# header recognition


def _norm(text: str) -> str:
    return _NOT_WORD.sub("", text).lower()


def _label_key(text: str) -> str:
    """A header label with numbering ("1." "Q3、"), form tags ("(单选题)") and punctuation removed."""
    text = _NUMBERING.sub("", text.strip(), count=1)
    text = _TYPE_TAG.sub("", text.strip())
    return _norm(text)


class _Resolver:
    """Maps header texts to column keys: ids first, then question labels and a few aliases."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.group: dict[str, str] = {p.id: p.group for p in q.profile}
        self.group[ASSESSMENT_DATE] = "date"
        self.group[DEPTH_COLUMN] = "depth"
        self.group.update((item_id, "item") for item_id in q.items)
        self.renamed = {old: new for old, new in q.info.renamed.items() if new in q.items}
        self.retired = dict(q.info.retired)
        primary: dict[str, set[str]] = {}
        secondary: dict[str, set[str]] = {}
        texts = [(p.id, p.question) for p in q.profile] + [(i.id, i.question) for i in q.items.values()]
        texts.append((ASSESSMENT_DATE, ASSESSMENT_DATE_LABEL))
        texts.append((DEPTH_COLUMN, DEPTH_COLUMN_LABEL))
        for key, question in texts:
            primary.setdefault(_norm(question), set()).add(key)
            short = _norm(_TRAILING_NOTE.sub("", question.strip()))
            if short:
                secondary.setdefault(short, set()).add(key)
        for key, names in ALIASES.items():
            if key in self.group:
                for name in names:
                    secondary.setdefault(_norm(name), set()).add(key)
        self.labels: dict[str, str | None] = {}
        for table in (secondary, primary):  # primary wins over a short form or alias
            for text, keys in table.items():
                if text:
                    self.labels[text] = next(iter(keys)) if len(keys) == 1 else None

    def by_id(self, header: str) -> str | None:
        text = header.strip()
        if text in self.group:
            return text
        if text.lower() in self.group:
            return text.lower()
        return None

    def by_label(self, header: str) -> str | None:
        return self.labels.get(_label_key(header))

    def resolve(self, header: str) -> tuple[str | None, str]:
        """(key, "") or (None, why): why is "unknown", "ambiguous", "retired", or "renamed:OLD"."""
        key = self.by_id(header)
        if key:
            return key, ""
        old = header.strip()
        if old in self.renamed:
            return self.renamed[old], f"renamed:{old}"
        if old in self.retired:
            return None, "retired"
        label = _label_key(header)
        if label in self.labels:
            key = self.labels[label]
            return (key, "") if key else (None, "ambiguous")
        ids = [m for m in _ITEM_ID.findall(header) if m in self.q.items]
        if len(ids) == 1:
            return ids[0], ""
        return None, "unknown"


def _header_text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rem = divmod(index - 1, 26)
        letters = chr(65 + rem) + letters
    return letters


# ---------------------------------------------------------------------------------------------
# building the table


def _clean(value: Any) -> Any:
    """A cell value as parse_answers wants it; None for an empty cell."""
    if value is None:
        return None
    if isinstance(value, str):
        text = value.strip()
        if text.startswith(GUARD):
            text = unguard_text(text)  # a cell guarded by our own summary or template
        # one object for the thousands of equal answers ("符合", "是") of a large sheet
        return None if not text or text in _SKIPPED else sys.intern(text)
    if isinstance(value, bool):
        return value
    if isinstance(value, float):
        return int(value) if value.is_integer() else value
    if isinstance(value, dt.datetime):
        return value.date() if value.time() == dt.time() else value.isoformat(sep=" ")
    return value


def _is_blank_row(values: tuple[Any, ...] | list[Any]) -> bool:
    return all(_clean(v) is None for v in values)


# long: matches one header row against ids, labels and numbered labels; each branch is one header form
def _build_table(source: str, rows: Iterable[Any], q: Questionnaire, file_date: dt.date) -> Table:  # noqa: C901
    resolver = _Resolver(q)
    iterator = iter(rows)
    header: list[Any] | None = None
    header_row = 0
    seen_data = False
    for n, values in enumerate(iterator, 1):
        values = list(values)
        if _is_blank_row(values):
            continue
        seen_data = True
        if any(resolver.resolve(_header_text(v))[0] for v in values):
            header, header_row = values, n
            break
        if n >= HEADER_SEARCH_ROWS:
            break
    if header is None:
        if not seen_data:
            return Table(
                source,
                q,
                [],
                warnings=[Problem("warning", source, "", "表格是空的，没有企业数据", "empty")],
                file_date=file_date,
            )
        raise SpreadsheetError(
            f"{source}: 找不到表头：第 1 行应为列名（company_name、uscc、labor.written_contract 等题目 id）"
            "或题目文字；可用 hegui-check template --format xlsx 生成模板"
        )

    columns: list[TableColumn] = []
    ignored: list[str] = []
    notes: list[str] = []
    used: dict[str, str] = {}
    for index, value in enumerate(header):
        text = _header_text(value)
        letter = _letter(index)
        if not text:
            columns.append(TableColumn(index, letter, "", None, None))
            continue
        key, why = resolver.resolve(text)
        if key is not None and key in used:
            notes.append(f"{letter}列“{shorten(text, 40)}”与{used[key]}列重复（{key}），只读取{used[key]}列")
            key = None
        elif key is None:
            reason = {
                "retired": "（该题已从检查清单中删除）",
                "ambiguous": "（与多道题的文字相同，请改用题目 id）",
            }
            ignored.append(f"{letter}列“{shorten(text, 40)}”{reason.get(why, '')}")
        elif why.startswith("renamed:"):
            notes.append(f"{letter}列 {why.split(':', 1)[1]} 已改名为 {key}，已按新 id 读取")
        if key is not None:
            used[key] = letter
        columns.append(TableColumn(index, letter, text, key, resolver.group[key] if key else None))

    table = Table(source, q, columns, file_date=file_date, header_rows=(header_row,))
    keyed = [c for c in columns if c.key is not None]
    keyed_at = [c.index for c in keyed]  # in column order
    unnamed_at = [c.index for c in columns if c.key is None and not c.header]
    label_row_checked = False
    unnamed_with_data: set[int] = set()
    for n, values in enumerate(iterator, header_row + 1):
        values = list(values)
        if not label_row_checked:
            label_row_checked = True
            if _is_label_row(values, keyed, resolver):
                table.header_rows = (header_row, n)
                continue
        width = len(values)
        cells: dict[int, Any] = {}
        for index in keyed_at:
            if index >= width:
                break
            v = _clean(values[index])
            if v is not None:
                cells[index] = v
        for index in chain(unnamed_at, range(len(header), width)):
            if index < width and index not in unnamed_with_data and _clean(values[index]) is not None:
                unnamed_with_data.add(index)
        if cells:
            table.rows.append(TableRow(n, cells))
    ignored += [f"{_letter(i)}列（无列名）" for i in sorted(unnamed_with_data)]
    if ignored:
        table.warnings.append(
            Problem(
                "warning",
                source,
                "",
                f"以下 {len(ignored)} 列无法对应到企业画像字段或题目，已忽略：{'、'.join(ignored[:MAX_LISTED])}"
                + (f" 等（共 {len(ignored)} 列）" if len(ignored) > MAX_LISTED else ""),
                "unknown-column",
            )
        )
    for note in notes[:MAX_LISTED]:
        table.warnings.append(Problem("warning", source, "", note, "unknown-column"))
    return table


def _is_label_row(values: list[Any], keyed: list[TableColumn], resolver: _Resolver) -> bool:
    """Whether the row under an id header is the template's row of Chinese labels."""
    matches = 0
    for c in keyed:
        if c.index < len(values):
            text = _header_text(values[c.index])
            if text and resolver.by_label(text) == c.key:
                matches += 1
    return matches > 0


# ---------------------------------------------------------------------------------------------
# one row -> AnswerSet


def _multi_value(item: Item, value: Any) -> Any:
    """Split a multi-choice cell, keeping option labels that themselves contain a separator whole."""
    if not isinstance(value, str):
        return value
    found: list[str] = []
    rest = value
    for option in sorted(item.options, key=lambda o: -len(o.label)):
        if _MULTI_SEP.search(option.label) and option.label in rest:
            found.append(option.value)
            rest = rest.replace(option.label, "、")
    if not found:
        return value
    return found + [p.strip() for p in _MULTI_SEP.split(rest) if p.strip()]


def _date_value(value: Any) -> Any:
    if isinstance(value, str):
        m = _DATE_TIME.match(value)
        if m:
            return m.group(1)
    if isinstance(value, (int, float)) and not isinstance(value, bool) and 1 <= value < 2958466:
        return dt.date(1899, 12, 30) + dt.timedelta(days=int(value))  # an Excel date serial number
    return value


def row_answers(table: Table, row: TableRow) -> AnswerSet:
    """One data row as an AnswerSet (mode "association"), with every problem located by row and column."""
    q = table.q
    where_row = f"{table.source} 第{row.row_number}行"
    company: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    answers: dict[str, Any] = {}
    assessor: dict[str, Any] = {"mode": "association"}
    by_loc: dict[tuple[str, str], TableColumn] = {}
    depth: Any = None
    for c in table.columns:
        if c.key is None or c.group is None:
            continue
        if c.group == "depth":  # a quick sheet: a blank cell means 快速体检
            by_loc["depth", ""] = c
            depth = row.values.get(c.index) or "quick"
            continue
        if c.group == "date":
            by_loc["assessor", "date"] = c
        else:
            by_loc["answers" if c.group == "item" else c.group, c.key] = c
        value = row.values.get(c.index)
        if value is None:
            continue
        if c.group == "company":
            company[c.key] = value
        elif c.group == "facts":
            facts[c.key] = value
        elif c.group == "date":
            assessor["date"] = _date_value(value)
        else:
            item = q.items[c.key]
            answers[c.key] = _multi_value(item, value) if item.type is ItemType.multi else value

    def locate(loc: list[Any]) -> str:
        key = (str(loc[0]), str(loc[1]) if len(loc) >= 2 else "") if loc else None
        column = by_loc.get(key) if key else None
        return f"{where_row} {column.letter}列（{column.key}）" if column else where_row

    raw = {"company": company, "facts": facts, "answers": answers, "assessor": assessor}
    if depth is not None:
        raw["depth"] = depth
    result = parse_answers(raw, q, where_row, locate)
    result.file_date = table.file_date
    if not result.company.get("company_name") and not any(
        p.field == "company.company_name" for p in result.problems
    ):
        name_col = by_loc.get(("company", "company_name"))
        where = f"{where_row} {name_col.letter}列（company_name）" if name_col else where_row
        message = (
            "企业名称为空：每行应填写一家企业的名称" if name_col else "表格中没有企业名称（company_name）列"
        )
        result.problems.append(Problem("error", where, "company_name", message, "missing-name"))
    return result
