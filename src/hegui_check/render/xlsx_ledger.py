"""The 整改台账 (remediation ledger) as an Excel workbook the company can work in (SPEC §6.5).

Sheet “整改台账”: one row per finding in risk order, with blank columns for 责任部门 / 责任人, a real
date for the suggested deadline, a 状态 drop-down and a quarterly plan laid out like the provincial
国资委 台账 templates (现状 · 存在问题 · 举措 · 季度计划 · 责任部门). Sheet “说明”: how to read it.

Every string is written as a string cell (never a formula), whatever it starts with.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import TYPE_CHECKING, Any

from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from .. import cells
from ..scoring import RISKS, Assessment, ItemResult
from ..vocabulary import LABELS
from .context import report_context

if TYPE_CHECKING:
    from . import RenderOptions

LEDGER_SHEET = "整改台账"
NOTES_SHEET = "说明"
STATUSES = ("未开始", "进行中", "已完成", "暂缓")
HEADER_ROW = 3
FIRST_DATA_ROW = HEADER_ROW + 1
EXTRA_VALIDATED_ROWS = 200  # rows below the findings that also get the 状态 drop-down, for added tasks
MAX_CELL_CHARS = 32_767  # Excel's limit for one cell
DATE_FORMAT = "yyyy-mm-dd"

# risk -> (fill colour, font colour)
RISK_COLOURS = {
    "红线": ("8B0000", "FFFFFF"),
    "高": ("ED7D31", "FFFFFF"),
    "中": ("FFC000", "000000"),
    "低": ("BFBFBF", "000000"),
}

# (key, header, width, meaning shown on the 说明 sheet)
COLUMNS: list[tuple[str, str, float, str]] = [
    ("n", "序号", 6, "问题序号，按风险等级从高到低排列（红线、高、中、低），同一等级内影响大的在前。"),
    ("id", "题目编号", 22, "检查清单中的题目编号，与体检报告、答题文件一致，便于对照。"),
    ("module", "领域", 12, "题目所属的检查领域（模块）。"),
    ("title", "检查事项", 26, "检查的合规事项。"),
    ("risk", "风险等级", 8, "红线 / 高 / 中 / 低，单元格按风险着色（红线深红、高橙色、中琥珀色、低灰色）。"),
    (
        "status_quo",
        "现状（答复、备注及查见材料）",
        30,
        "体检时的答复（律师体检为律师核查结论）、备注和查见材料，即整改前的现状。",
    ),
    ("problem", "存在问题", 34, "该事项常见的违法违规表现，对照现状确认企业存在的具体问题。"),
    ("measure", "整改措施", 40, "检查清单给出的合规建议，企业可结合实际细化为具体举措。"),
    ("basis", "法律依据", 34, "相关法律法规条文（全称），每行一条。"),
    ("department", "责任部门", 12, "由企业填写：牵头整改的部门。"),
    ("owner", "责任人", 10, "由企业填写：整改负责人（可另注责任领导）。"),
    (
        "deadline",
        "建议整改期限",
        13,
        "按评估日期和风险等级计算的建议完成日期（见上文），企业可根据实际调整。",
    ),
    ("status", "状态", 9, "整改进度，从下拉列表选择：未开始、进行中、已完成、暂缓。"),
    ("q1", "", 20, ""),
    ("q2", "", 20, ""),
    ("q3", "", 20, ""),
    ("q4", "", 20, ""),
    ("progress", "完成情况说明", 30, "由企业填写：已完成的工作、取得的成效、留存的证明材料，或暂缓的原因。"),
]
QUARTER_KEYS = ("q1", "q2", "q3", "q4")
QUARTER_MEANING = "由企业填写：按整改措施，该季度计划完成哪些工作、达到什么效果。"
COL = {key: n for n, (key, *_rest) in enumerate(COLUMNS, 1)}

THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)
WRAP_TOP = Alignment(wrap_text=True, vertical="top")
CENTER = Alignment(wrap_text=True, vertical="top", horizontal="center")
HEADER_FILL = PatternFill("solid", fgColor="D9E1F2")
FILL_IN_FILL = PatternFill("solid", fgColor="FFF9E5")  # columns the company fills in


def clean_text(value: Any) -> str:
    """A string Excel accepts: no control characters openpyxl rejects, within the cell length limit."""
    text = str(ILLEGAL_CHARACTERS_RE.sub("", str(value)))
    return text[:MAX_CELL_CHARS]


put = cells.put  # every cell from user text goes through the one guard against formula injection


def quarter_labels(date: dt.date | None) -> list[str]:
    """The quarter of ``date`` and the next three, e.g. 2026年第4季度 … 2027年第3季度."""
    if date is None:
        return [f"第{n}个季度工作计划" for n in "一二三四"]
    year, quarter = date.year, (date.month - 1) // 3 + 1
    labels = []
    for _ in range(4):
        labels.append(f"{year}年第{quarter}季度工作计划")
        quarter += 1
        if quarter > 4:
            year, quarter = year + 1, 1
    return labels


def _status_quo(view: dict[str, Any], r: ItemResult, answer_label: str) -> str:
    answer = view["answer"]
    lines = [f"{answer_label}：{answer['label']}"]
    if r.verdict == "unknown":
        lines[0] += f"（{LABELS['to_verify']}）"
    if answer["self_answer"] and answer["self_answer"] != answer["label"]:
        lines.append(f"{LABELS['self_answer']}：{answer['self_answer']}")
        if answer["override_reason"]:
            lines.append(f"{LABELS['override_reason']}：{answer['override_reason']}")
    if answer["note"]:
        lines.append(f"{LABELS['note']}：{answer['note']}")
    if answer["evidence"]:
        lines.append(f"{LABELS['evidence']}：" + "；".join(answer["evidence"]))
    return "\n".join(lines)


def _headers(date: dt.date | None) -> list[str]:
    quarters = dict(zip(QUARTER_KEYS, quarter_labels(date)))
    return [quarters.get(key, header) for key, header, *_rest in COLUMNS]


# long: the ledger sheet's layout cell by cell, read top to bottom like the sheet itself
def _ledger_sheet(ws: Any, a: Assessment, ctx: dict[str, Any]) -> None:
    last_col = get_column_letter(len(COLUMNS))
    date = a.assessment_date

    title = put(ws, 1, 1, f"{ctx['company']['name']}合规体检整改台账")
    title.font = Font(bold=True, size=14)
    title.alignment = Alignment(vertical="center")
    ws.merge_cells(f"A1:{last_col}1")
    ws.row_dimensions[1].height = 26
    head = ctx["letterhead"]
    issuer = (
        [f"出具机构：{head['organization']}" + (f"（{head['contact']}）" if head["contact"] else "")]
        if head
        else []
    )
    info = put(
        ws,
        2,
        1,
        "　　".join(
            [
                *issuer,
                f"报告编号：{ctx['report_number']}",
                f"评估日期：{ctx['date']}",
                ctx["depth"]["label"],
                f"检查清单版本：{ctx['version']}（法规截至 {ctx['laws_as_of']}）",
                f"问题项：{len(a.findings)} 项",
                "说明见“说明”工作表",
            ]
        ),
    )
    info.font = Font(color="595959")
    ws.merge_cells(f"A2:{last_col}2")

    for col, header in enumerate(_headers(date), 1):
        cell = put(ws, HEADER_ROW, col, header)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
        cell.border = BORDER
    ws.row_dimensions[HEADER_ROW].height = 32

    fill_in = {"department", "owner", "q1", "q2", "q3", "q4", "progress"}
    for offset, (r, view) in enumerate(zip(a.findings, ctx["findings"])):
        row = FIRST_DATA_ROW + offset
        values: dict[str, Any] = {
            "n": view["n"],
            "id": view["id"],
            "module": view["module"],
            "title": view["title"],
            "risk": view["risk"] or "",
            "status_quo": _status_quo(view, r, ctx["answer_label"]),
            "problem": view["violation"] or "",
            "measure": view["remedy"] or "",
            "basis": "\n".join(dict.fromkeys(view["basis"])),  # one line per distinct citation
            "deadline": r.deadline,
            "status": STATUSES[0],
        }
        if view["to_verify"]:
            values["measure"] = "先核实实际情况；如不符合：" + values["measure"]
        for key, col in COL.items():
            cell = put(ws, row, col, values.get(key))
            cell.border = BORDER
            cell.alignment = CENTER if key in ("n", "risk", "deadline", "status") else WRAP_TOP
            if key in fill_in:
                cell.fill = FILL_IN_FILL
        deadline = ws.cell(row=row, column=COL["deadline"])
        deadline.number_format = DATE_FORMAT
        colours = RISK_COLOURS.get(view["risk"] or "")
        if colours:
            risk = ws.cell(row=row, column=COL["risk"])
            risk.fill = PatternFill("solid", fgColor=colours[0])
            risk.font = Font(bold=True, color=colours[1])

    row = FIRST_DATA_ROW + len(a.findings)
    n = len(a.findings)
    for rec in ctx["credit_repair"]:
        basis = [b for p in rec["points"] for b in p["basis"]]
        for ms in rec["milestones"]:
            n += 1
            values = {
                "n": n,
                "module": LABELS["credit_repair"],
                "title": f"{ms['label']}：{rec['title']}",
                "risk": "信用",
                "status_quo": ms["when"],
                "problem": rec["title"],
                "measure": ms["measure"],
                "basis": "\n".join(dict.fromkeys(basis)),
                "deadline": dt.date.fromisoformat(ms["date"]) if ms["date"] else ms["when"],
                "status": STATUSES[0],
            }
            for key, col in COL.items():
                cell = put(ws, row, col, values.get(key))
                cell.border = BORDER
                cell.alignment = CENTER if key in ("n", "risk", "deadline", "status") else WRAP_TOP
                if key in fill_in:
                    cell.fill = FILL_IN_FILL
            ws.cell(row=row, column=COL["deadline"]).number_format = DATE_FORMAT
            row += 1

    last_row = HEADER_ROW + n
    status_col = get_column_letter(COL["status"])
    validation = DataValidation(
        type="list",
        formula1='"' + ",".join(STATUSES) + '"',
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="状态",
        error="请从下拉列表中选择：" + "、".join(STATUSES),
        showInputMessage=True,
        promptTitle="状态",
        prompt="整改进度：" + "、".join(STATUSES),
    )
    validation.add(f"{status_col}{FIRST_DATA_ROW}:{status_col}{last_row + EXTRA_VALIDATED_ROWS}")
    ws.add_data_validation(validation)

    for col, (_key, _header, width, _meaning) in enumerate(COLUMNS, 1):
        ws.column_dimensions[get_column_letter(col)].width = width
    ws.freeze_panes = f"{get_column_letter(COL['risk'])}{FIRST_DATA_ROW}"  # header + 序号…检查事项
    ws.auto_filter.ref = f"A{HEADER_ROW}:{last_col}{last_row}"
    ws.print_title_rows = f"{HEADER_ROW}:{HEADER_ROW}"
    if head:
        ws.oddHeader.left.text = clean_text(head["organization"]).replace("&", "&&")
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def _deadline_lines(a: Assessment, ctx: dict[str, Any]) -> list[str]:
    days = "、".join(f"{risk} {a.deadline_days[risk]} 天" for risk in RISKS if risk in a.deadline_days)
    if a.assessment_date is None:
        return [
            "本次评估没有评估日期，因此没有计算建议整改期限，“建议整改期限”列为空，请企业按风险等级自行确定。",
            f"（有评估日期时，建议整改期限 = 评估日期 + 按风险等级的天数：{days}。）",
        ]
    return [
        f"建议整改期限 = 评估日期（{ctx['date']}）+ 按风险等级的天数：{days}。",
        "红线项目不符合的，应立即停止相关行为并优先整改；待核实的，先核实实际情况；期限为建议值，企业可根据实际情况调整，调整后请在“完成情况说明”中注明。",
    ]


# long: the notes sheet's lines in sheet order
def _notes_sheet(ws: Any, a: Assessment, ctx: dict[str, Any]) -> None:
    ws.column_dimensions["A"].width = 24
    ws.column_dimensions["B"].width = 96
    row = 1

    def line(label: str, text: str = "", *, bold: bool = False, size: float | None = None) -> None:
        nonlocal row
        first = put(ws, row, 1, label)
        first.alignment = WRAP_TOP
        if bold or size:
            first.font = Font(bold=True, size=size)
        if text:
            put(ws, row, 2, text).alignment = WRAP_TOP
        row += 1

    line(f"{ctx['company']['name']}合规体检整改台账 · 说明", bold=True, size=14)
    if ctx["letterhead"]:
        head = ctx["letterhead"]
        line("出具机构", head["organization"] + (f"（{head['contact']}）" if head["contact"] else ""))
    line("报告编号", ctx["report_number"])
    line("评估日期", ctx["date"])
    line(
        "体检深度",
        ctx["depth"]["label"]
        + ("：只检查了红线和重点项目，未检查的项目不代表合规" if ctx["depth"]["quick"] else ""),
    )
    line("检查清单版本", f"{ctx['version']}（法规截至 {ctx['laws_as_of']}，发布于 {ctx['released']}）")
    line(
        "总体结论",
        f"{ctx['overall']['light_label']}，总分 {ctx['overall']['score']}。{ctx['overall']['reason']}",
    )
    counts = ctx["overall"]["counts"]
    line(
        "问题项",
        f"共 {len(a.findings)} 项：" + "、".join(f"{risk} {counts.get(risk, 0)} 项" for risk in RISKS),
    )
    row += 1
    line("建议整改期限的计算", bold=True)
    for text in _deadline_lines(a, ctx):
        line("", text)
    row += 1
    line("各列的含义", bold=True)
    quarters = quarter_labels(a.assessment_date)
    for key, header, _width, meaning in COLUMNS:
        if key in QUARTER_KEYS:
            header, meaning = quarters[QUARTER_KEYS.index(key)], QUARTER_MEANING
        line(header, meaning)
    row += 1
    line("使用方法", bold=True)
    for text in (
        "1. 逐项确认“存在问题”，明确责任部门和责任人，细化“整改措施”。",
        "2. 季度工作计划从评估日期所在季度开始，共四个季度；按季度填写计划完成的工作和预期成效。",
        "3. 整改推进中更新“状态”和“完成情况说明”，留存制度文件、合同、培训记录等证明材料。",
        "4. 黄色底色的列由企业填写；可用表头的筛选按钮按风险等级、状态、责任部门筛选。",
        "5. 全部整改完成后，可重新体检，对照新报告确认问题已消除。",
    ):
        line("", text)
    row += 1
    line("免责声明", ctx["disclaimer"])
    ws.page_setup.orientation = "portrait"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth = 1
    ws.page_setup.fitToHeight = 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def build_workbook(a: Assessment, options: RenderOptions | None = None) -> Workbook:
    ctx = report_context(a, options)
    wb = Workbook()
    ledger = wb.active
    ledger.title = LEDGER_SHEET
    _ledger_sheet(ledger, a, ctx)
    _notes_sheet(wb.create_sheet(NOTES_SHEET), a, ctx)
    wb.active = 0
    props = wb.properties
    props.title = clean_text(f"{ctx['company']['name']}合规体检整改台账")
    props.subject = f"报告编号 {ctx['report_number']}"
    props.creator = "hegui-check"
    if a.assessment_date is not None:
        props.created = dt.datetime.combine(a.assessment_date, dt.time())
    return wb


def render_xlsx(a: Assessment, options: RenderOptions | None = None) -> bytes:
    """The 整改台账 workbook, as the bytes of an .xlsx file."""
    buffer = io.BytesIO()
    build_workbook(a, options).save(buffer)
    return buffer.getvalue()


__all__ = ["render_xlsx", "build_workbook", "quarter_labels", "STATUSES"]
