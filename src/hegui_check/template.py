"""Blank collection files (SPEC §2 ``template``): a YAML answer file, or a spreadsheet (XLSX / CSV) with
one column per profile field and item — row 1 ids, row 2 Chinese labels, one company per row from row 3."""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass
from typing import Any

import yaml

from .answers import STATUS_LABELS
from .cells import csv_row, put
from .questionnaire import Item, ItemType, Module, ProfileQuestion, Questionnaire
from .vocabulary import DEPTH_LABELS, Depth

ASSESSMENT_DATE = "assessment_date"
ASSESSMENT_DATE_LABEL = "评估日期"
DEPTH_COLUMN = "depth"  # only in quick sheets: a blank cell there means 快速体检
DEPTH_COLUMN_LABEL = "体检深度（不填按快速体检）"
FIRST_DATA_ROW = 3
VALIDATED_ROWS = 1000  # data rows 3..1002 get the drop-downs
DATA_SHEET = "答题"
NOTES_SHEET = "说明"
LISTS_SHEET = "lists"
INLINE_LIST_LIMIT = 255  # Excel's limit for a drop-down list written into the validation formula

STATUS_CHOICES = tuple(STATUS_LABELS.values())
BOOL_CHOICES = ("是", "否")
SPECIAL_CHOICES = (STATUS_LABELS["unknown"], STATUS_LABELS["na"])
TYPE_NAMES = {
    "status": "符合情况", "choice": "单选", "multi": "多选", "number": "数字",
    "boolean": "是/否", "text": "文字", "date": "日期",
}  # fmt: skip


def _kind(q: Item | ProfileQuestion) -> str:
    if isinstance(q, ProfileQuestion) and q.format == "month_or_date":
        return "date"
    return q.type.value if isinstance(q.type, ItemType) else q.type


def _allowed(q: Item | ProfileQuestion) -> str:
    kind = _kind(q)
    if kind == "status":
        return " / ".join(f"{k} {v}" for k, v in STATUS_LABELS.items())
    if kind in ("choice", "multi"):
        opts = " / ".join(f"{o.value} {o.label}" for o in q.options)
        return (
            opts
            + ("（可多选，写成列表）" if kind == "multi" else "")
            + (" / unknown 不清楚 / na 不适用" if isinstance(q, Item) else "")
        )
    if kind == "number":
        return "数字"
    if kind == "boolean":
        return "true 是 / false 否"
    if kind == "date":
        return "年-月 或 年-月-日，如 2025-03"
    return "文字"


def _comment(text: str, indent: str) -> str:
    return "".join(f"{indent}# {line}\n" for line in text.splitlines())


def _items(module: Module, depth: Depth) -> list[Item]:
    from .scoring import quick_items

    return module.items if depth is Depth.full else quick_items(module)


def modules_for_industry(q: Questionnaire, industry: str | None) -> list[Module]:
    """Core modules always; industry packs only when their condition holds for ``industry``."""
    if industry is None:
        return list(q.modules)
    env = {"industry": industry}
    return [m for m in q.modules if m.kind != "industry" or m.condition is None or m.condition.evaluate(env)]


def yaml_template(q: Questionnaire, industry: str | None = None, depth: Depth | str = Depth.full) -> str:
    """A valid answer file whose answers are all null, each preceded by its question and allowed values;
    at quick depth only the questions a quick check asks."""
    from .scoring import profile_for_depth

    depth = Depth(depth)
    out = [
        "# hegui-check 空白答题文件。每道题填一个允许的值，不确定的可以不填（按“不清楚”计分）。\n",
        "# 完成后运行：hegui-check report 本文件\n",
        "hegui_check: 1\n",
        f"questionnaire_version: {yaml.safe_dump(q.version).strip().removesuffix('...').strip()}\n",
        f"depth: {depth.value}  # quick 快速体检 / full 深度体检\n",
    ]
    profile = profile_for_depth(q, depth)
    for group in ("company", "facts"):
        out.append(f"{group}:\n")
        for pq in profile:
            if pq.group != group:
                continue
            value = "null"
            if pq.id == "industry" and industry:
                value = industry
            out.append(_comment(f"{pq.question}  [{_allowed(pq)}]", "  "))
            out.append(f"  {pq.id}: {value}\n")
    out.append("assessor:\n  mode: self\n  name: null\n  org: null\n  license_no: null\n")
    out.append("  date: null  # 评估日期，如 2026-11-21\n")
    out.append("answers:\n")
    for module in modules_for_industry(q, industry):
        cond = f"（适用条件：{module.applies_when}）" if module.applies_when else ""
        out.append(f"\n  # ==== {module.title}{cond} ====\n")
        for item in _items(module, depth):
            when = f"（仅当 {item.when}）" if item.when else ""
            out.append(_comment(f"{item.question}{when}", "  "))
            out.append(_comment(f"[{_allowed(item)}]" + (f" 风险：{item.risk}" if item.risk else ""), "  "))
            out.append(f"  {item.id}: null\n")
    return "".join(out)


# ---------------------------------------------------------------------------------------------
# spreadsheet templates


@dataclass(frozen=True)
class TemplateColumn:
    """One column of the spreadsheet template, with what the 说明 sheet says about it."""

    id: str
    label: str  # row 2: the question text
    kind: str  # status | choice | multi | number | boolean | text | date
    group: str  # company | facts | date | item
    choices: tuple[str, ...]  # drop-down values (Chinese labels); empty = free entry
    allowed: str  # allowed values in words
    risk: str = ""
    applies_when: str = ""
    help: str = ""


def _choices(q: Item | ProfileQuestion) -> tuple[str, ...]:
    kind = _kind(q)
    if kind == "status":
        return STATUS_CHOICES
    if kind == "boolean":
        return BOOL_CHOICES
    if kind == "choice":
        return tuple(o.label for o in q.options) + (SPECIAL_CHOICES if isinstance(q, Item) else ())
    return ()


def _allowed_cn(q: Item | ProfileQuestion) -> str:
    kind = _kind(q)
    special = "；也可填 不清楚、不适用" if isinstance(q, Item) else ""
    if kind == "status":
        return "、".join(STATUS_CHOICES) + "（也可填 yes、partial、no、unknown、na 或 是、否、部分）"
    if kind == "boolean":
        return "是、否（也可填 true/false、1/0）"
    if kind == "choice":
        return (
            "、".join(o.label for o in q.options)
            + f"（也可填选项代码 {'、'.join(o.value for o in q.options)}）{special}"
        )
    if kind == "multi":
        return (
            "可多选，用“、”分隔："
            + "、".join(o.label for o in q.options)
            + f"（也可填选项代码 {'、'.join(o.value for o in q.options)}）{special}"
        )
    if kind == "number":
        return f"数字，不小于 0{special}"
    return "文字"


# long: the columns of a collection sheet in sheet order (profile, facts, items, date) with their hints
def template_columns(
    q: Questionnaire, industry: str | None = None, depth: Depth | str = Depth.full
) -> list[TemplateColumn]:
    """The template's columns: profile fields (company, then facts), assessment_date, then every item
    of the modules that apply to ``industry`` (all modules when None); at quick depth only what a quick
    check asks, plus a depth column."""
    from .scoring import profile_for_depth

    depth = Depth(depth)
    cols = []
    profile = profile_for_depth(q, depth)
    for group in ("company", "facts"):
        for pq in profile:
            if pq.group == group:
                cols.append(
                    TemplateColumn(
                        pq.id,
                        pq.question,
                        _kind(pq),
                        group,
                        _choices(pq),
                        _allowed_cn(pq),
                        applies_when=pq.when or "",
                        help=pq.help or "",
                    )
                )
    cols.append(
        TemplateColumn(
            ASSESSMENT_DATE,
            ASSESSMENT_DATE_LABEL,
            "date",
            "date",
            (),
            "日期，如 2026-11-21、2026/11/21 或 2026年11月21日",
            help="每行企业的评估日期；不填则按文件的修改日期。",
        )
    )
    if depth is Depth.quick:
        labels = tuple(DEPTH_LABELS[d] for d in Depth)
        cols.append(
            TemplateColumn(
                DEPTH_COLUMN,
                DEPTH_COLUMN_LABEL,
                "choice",
                "depth",
                labels,
                "、".join(labels),
                help="快速体检只问红线和重点题；本表按快速体检收集，不填即为快速体检。",
            )
        )
    for module in modules_for_industry(q, industry):
        for item in _items(module, depth):
            when = [f"模块：{module.applies_when}"] if module.applies_when else []
            when += [f"本题：{item.when}"] if item.when else []
            cols.append(
                TemplateColumn(
                    item.id,
                    item.question,
                    item.type.value,
                    "item",
                    _choices(item),
                    _allowed_cn(item),
                    risk=item.risk or "",
                    applies_when="；".join(when),
                    help=item.help or "",
                )
            )
    return cols


def csv_template(q: Questionnaire, industry: str | None = None, depth: Depth | str = Depth.full) -> str:
    """The template as CSV text starting with a BOM, so that Excel opens the UTF-8 Chinese correctly."""
    cols = template_columns(q, industry, depth)
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\r\n")
    writer.writerow(csv_row(c.id for c in cols))
    writer.writerow(csv_row(c.label for c in cols))
    return "\ufeff" + buf.getvalue()


def _inline_list(choices: tuple[str, ...]) -> str | None:
    """The validation formula with the list written inline, or None when it must go to the lists sheet."""
    text = ",".join(choices)
    if len(text) > INLINE_LIST_LIMIT or any(ch in c for c in choices for ch in ',"'):
        return None
    return f'"{text}"'


# long: one sheet laid out top to bottom (headers, validations, widths, notes); splitting it scatters the layout
def xlsx_template(q: Questionnaire, industry: str | None = None, depth: Depth | str = Depth.full) -> bytes:
    """The template as an Excel workbook: the answer sheet with drop-downs, a 说明 sheet, and a hidden
    "lists" sheet holding drop-down lists too long for Excel's inline limit."""
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
    from openpyxl.utils import get_column_letter
    from openpyxl.worksheet.datavalidation import DataValidation

    cols = template_columns(q, industry, depth)
    thin = Side(style="thin", color="A6A6A6")
    border = Border(left=thin, right=thin, top=thin, bottom=thin)
    fills = {
        "company": PatternFill("solid", fgColor="D9E1F2"),
        "facts": PatternFill("solid", fgColor="DDEBF7"),
        "date": PatternFill("solid", fgColor="FFF2CC"),
        "depth": PatternFill("solid", fgColor="FFF2CC"),
        "item": PatternFill("solid", fgColor="E2EFDA"),
    }
    id_fill = PatternFill("solid", fgColor="F2F2F2")

    wb = Workbook()
    ws = wb.active
    ws.title = DATA_SHEET
    last_row = FIRST_DATA_ROW + VALIDATED_ROWS - 1
    lists_ws = None
    validations: dict[tuple[str, ...], Any] = {}
    for n, col in enumerate(cols, 1):
        letter = get_column_letter(n)
        cell = put(ws, 1, n, col.id)
        cell.font = Font(size=9, color="595959")
        cell.fill = id_fill
        cell.border = border
        cell = put(ws, 2, n, col.label)
        cell.font = Font(bold=True)
        cell.fill = fills[col.group]
        cell.alignment = Alignment(wrap_text=True, vertical="top")
        cell.border = border
        dim = ws.column_dimensions[letter]
        dim.width = 28 if col.id == "company_name" else 22 if col.group == "item" else 18
        if col.kind == "text":
            dim.number_format = "@"  # Excel keeps an 18-character 统一社会信用代码 as text, not 9.13E+17
        if not col.choices:
            continue
        dv = validations.get(col.choices)
        if dv is None:
            formula = _inline_list(col.choices)
            if formula is None:
                if lists_ws is None:
                    lists_ws = wb.create_sheet(LISTS_SHEET)
                    lists_ws.sheet_state = "hidden"
                list_col = get_column_letter(len(validations) + 1)
                for r, choice in enumerate(col.choices, 1):
                    put(lists_ws, r, len(validations) + 1, choice)
                formula = f"{LISTS_SHEET}!${list_col}$1:${list_col}${len(col.choices)}"
            message = "请从下拉列表中选择：" + "、".join(col.choices)
            dv = DataValidation(
                type="list",
                formula1=formula,
                allow_blank=True,
                showDropDown=False,
                showErrorMessage=True,
                errorStyle="warning",
                errorTitle="取值不在列表中",
                error=message[:250],
            )
            validations[col.choices] = dv
            ws.add_data_validation(dv)
        dv.add(f"{letter}{FIRST_DATA_ROW}:{letter}{last_row}")
    ws.row_dimensions[1].height = 16
    ws.row_dimensions[2].height = 90
    ws.freeze_panes = f"A{FIRST_DATA_ROW}"

    notes = wb.create_sheet(NOTES_SHEET, 1)
    headers = [
        ("列", 6),
        ("列名（id）", 26),
        ("问题", 50),
        ("类型", 10),
        ("允许的值", 40),
        ("风险等级", 9),
        ("适用条件", 26),
        ("说明", 40),
    ]
    for n, (header, width) in enumerate(headers, 1):
        cell = put(notes, 1, n, header)
        cell.font = Font(bold=True)
        cell.fill = fills["company"]
        cell.border = border
        notes.column_dimensions[get_column_letter(n)].width = width
    wrap = Alignment(wrap_text=True, vertical="top")
    for r, col in enumerate(cols, 2):
        values = [
            get_column_letter(r - 1),
            col.id,
            col.label,
            TYPE_NAMES.get(col.kind, col.kind),
            col.allowed,
            col.risk,
            col.applies_when,
            col.help,
        ]
        for n, value in enumerate(values, 1):
            put(notes, r, n, value).alignment = wrap
    notes.freeze_panes = "A2"
    tail = len(cols) + 3
    for offset, line in enumerate(
        [
            f"检查清单版本 {q.version}（法规截至 {q.info.laws_as_of}）。",
            f"“{DATA_SHEET}”工作表第 1 行是列名（id），请勿修改；第 2 行是问题；从第 3 行起每行填写一家企业。",
            "不确定的题目可以不填（按“不清楚”计分）；不适用于本企业的题目填“不适用”。",
            "填好后运行：hegui-check batch 本文件 -o 输出目录",
        ]
    ):
        put(notes, tail + offset, 1, line)

    buf = io.BytesIO()
    wb.save(buf)
    return buf.getvalue()
