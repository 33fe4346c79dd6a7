"""The batch summary (summary.xlsx / summary.csv): one row per company, as association staff use it —
sized columns, frozen header with a filter, percentages as percentages, coloured light cells, red-line
items by title, and every cell from user text guarded by the one cell sanitiser."""

from __future__ import annotations

import csv
import io
import os
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Any, BinaryIO

from ..cells import csv_row, safe_cell
from ..industry import industry_labels
from ..vocabulary import LIGHT_FILLS, LIGHT_SHORT, RISKS

if TYPE_CHECKING:
    from ..batch import CompanyRecord
    from ..questionnaire import Questionnaire

ERROR_STATUS = "有错误"
XLSX_MAX_ROWS = 1_048_576  # rows of an Excel sheet, the header included
_WIDTHS = {
    "企业名称": 30,
    "统一社会信用代码": 21,
    "行业": 12,
    "地区": 20,
    "红线问题": 36,
    "来源文件": 28,
    "问题": 60,
    "报告文件": 30,
    "状态": 10,
}


def summary_rows(records: Iterable[CompanyRecord], q: Questionnaire) -> tuple[list[str], list[list[Any]]]:
    """Header and rows of the summary; values are plain (numbers stay numbers, completeness 0..1)."""
    header, rows = summary_row_stream(records, q)
    return header, list(rows)


def summary_row_stream(
    records: Iterable[CompanyRecord], q: Questionnaire
) -> tuple[list[str], Iterator[list[Any]]]:
    """Header and rows of the summary, one row at a time (a batch's records are read from disk)."""
    modules = [m for m in q.modules if m.scored_items]
    header = [
        "企业名称",
        "统一社会信用代码",
        "行业",
        "地区",
        "用工人数",
        "总分",
        "灯色",
        "完整度",
        *(f"问题项_{r}" for r in RISKS),
        "红线问题",
        *(f"{m.title}得分" for m in modules),
        "来源文件",
        "行号",
        "状态",
        "问题",
        "报告文件",
    ]
    industries = industry_labels(q)

    def title(item_id: str) -> str:
        item = q.items.get(item_id)
        return item.short_title if item else item_id

    def rows() -> Iterator[list[Any]]:
        for r in records:
            c = r.company
            status = ERROR_STATUS if r.has_error and r.status in ("", "已生成", "已是最新") else r.status
            yield [
                c.get("company_name") or r.name,
                c.get("uscc") or "",
                industries.get(c.get("industry"), c.get("industry") or ""),
                c.get("region") or "",
                c.get("employees", ""),
                r.score if r.score is not None else "",
                LIGHT_SHORT.get(r.light or "", ""),
                r.completeness if r.completeness is not None else "",
                *(r.counts.get(risk, 0) if r.counts else "" for risk in RISKS),
                "、".join(title(i) for i in r.red_lines),
                *(
                    ("" if r.module_scores.get(m.module) is None else r.module_scores[m.module])
                    for m in modules
                ),
                r.source,
                r.row or "",
                status,
                "\n".join(map(str, r.problems)),
                "\n".join(os.path.basename(p) for p in r.outputs),
            ]

    return header, rows()


def write_summary_csv(records: Iterable[CompanyRecord], q: Questionnaire, fh: BinaryIO) -> None:
    """UTF-8 with BOM, so Excel on Chinese Windows opens it correctly; every user text cell guarded.
    Rows go to ``fh`` as they are read: no list, no text of all rows."""
    write_summaries(records, q, csv_fh=fh)


def render_summary_csv(records: Iterable[CompanyRecord], q: Questionnaire) -> bytes:
    out = io.BytesIO()
    write_summary_csv(records, q, out)
    return out.getvalue()


def render_summary_xlsx(records: Iterable[CompanyRecord], q: Questionnaire) -> bytes:
    out = io.BytesIO()
    write_summary_xlsx(records, q, out)
    return out.getvalue()


def write_summary_xlsx(records: Iterable[CompanyRecord], q: Questionnaire, fh: BinaryIO) -> None:
    """Written by XlsxWriter in its constant-memory mode: each row goes to the sheet as it is read, with
    its formats, and the workbook to ``fh``, so a summary of tens of thousands of companies takes seconds
    and little memory. Text is always written as text (never as a formula), numbers as numbers."""
    write_summaries(records, q, xlsx_fh=fh)


def write_summaries(
    records: Iterable[CompanyRecord],
    q: Questionnaire,
    xlsx_fh: BinaryIO | None = None,
    csv_fh: BinaryIO | None = None,
) -> None:
    """summary.xlsx to ``xlsx_fh`` and summary.csv to ``csv_fh`` (either may be None) in one pass over
    ``records``: each row is made and its text guarded once, then goes to both."""
    header, rows = summary_row_stream(records, q)
    sheets: list[_CsvSheet | _XlsxSheet] = []
    if xlsx_fh is not None:
        sheets.append(_XlsxSheet(xlsx_fh, header))
    if csv_fh is not None:
        sheets.append(_CsvSheet(csv_fh, header))
    adders = [sheet.add for sheet in sheets]
    for row in rows:
        safe = csv_row(row)  # every text cell guarded once, for both files
        for add in adders:
            add(safe)
    for sheet in sheets:
        sheet.close()


class _CsvSheet:
    """summary.csv, a row at a time."""

    def __init__(self, fh: BinaryIO, header: list[str]):
        self.text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        self.text.write("\ufeff")
        self.writer = csv.writer(self.text)
        self.writer.writerow(header)
        self.add = self.writer.writerow

    def close(self) -> None:
        self.text.flush()
        self.text.detach()


class _XlsxSheet:
    """summary.xlsx, a row at a time: sized columns, frozen header with a filter, percentages as
    percentages, coloured light cells. Rows come with their text already guarded (``cells.csv_row``)."""

    def __init__(self, fh: BinaryIO, header: list[str]):
        import xlsxwriter

        self.header = header
        wb = self.wb = xlsxwriter.Workbook(fh, {"constant_memory": True})
        ws = self.ws = wb.add_worksheet("汇总")
        self.light_col = header.index("灯色")
        self.done_col = header.index("完整度")
        self.status_col = header.index("状态")
        wrap = {"text_wrap": True, "valign": "top"}
        self.text_fmt = wb.add_format(wrap)
        self.fills = {
            LIGHT_SHORT[k]: wb.add_format({**wrap, "bg_color": f"#{v}"}) for k, v in LIGHT_FILLS.items()
        }
        self.error_fmt = wb.add_format({**wrap, "bg_color": "#FFCDD2"})
        self.percent_fmt = wb.add_format({"num_format": "0.0%"})
        head_fmt = wb.add_format({**wrap, "bold": True, "font_color": "#0D47A1", "bg_color": "#E3F2FD"})
        for n, name in enumerate(header):
            ws.set_column(n, n, _WIDTHS.get(name, 12 if name.endswith("得分") else 9))
        ws.freeze_panes(1, 1)
        for n, name in enumerate(header):
            ws.write_string(0, n, name, head_fmt)
        self.count = 0
        self.left_out = 0

    def add(self, row: list[Any]) -> None:
        self.count += 1
        count = self.count
        if count > XLSX_MAX_ROWS - 2:  # the last row of the sheet says how many did not fit
            self.left_out += 1
            return
        ws = self.ws
        write_string, write_number = ws.write_string, ws.write_number
        for col, value in enumerate(row):
            cls = value.__class__
            if cls is str:
                if not value:
                    continue
                if col == self.light_col and value in self.fills:
                    write_string(count, col, value, self.fills[value])
                elif col == self.status_col and value == ERROR_STATUS:
                    write_string(count, col, value, self.error_fmt)
                else:
                    write_string(count, col, value, self.text_fmt)
            elif cls is bool:
                ws.write_boolean(count, col, value)
            elif cls is int or cls is float:
                write_number(
                    count, col, value, self.percent_fmt if col == self.done_col and cls is float else None
                )
            elif value is not None:
                write_string(count, col, safe_cell(str(value)), self.text_fmt)

    def close(self) -> None:
        count = self.count
        if self.left_out:
            count = XLSX_MAX_ROWS - 1
            note = (
                f"另有 {self.left_out} 家企业超出 Excel 的行数上限（{XLSX_MAX_ROWS:,} 行），未列入本表；"
                "summary.csv 列出全部企业"
            )
            self.ws.write_string(count, 0, note, self.error_fmt)
        self.ws.autofilter(0, 0, count, len(self.header) - 1)
        self.wb.close()
