"""The 整改台账 workbook: one row per finding in risk order, real dates, a 状态 drop-down, no formulas."""

from __future__ import annotations

import datetime as dt
import io
import zipfile

import pytest
from openpyxl import load_workbook

from hegui_check.answers import load_answers, parse_answers
from hegui_check.questionnaire import Questionnaire, load_questionnaire
from hegui_check.render.xlsx_ledger import (
    COLUMNS,
    FIRST_DATA_ROW,
    HEADER_ROW,
    STATUSES,
    quarter_labels,
    render_xlsx,
)
from hegui_check.resources import data_dir
from hegui_check.scoring import Assessment, assess

from .conftest import FIXTURES, MINI_BEST

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
EVIL = '=HYPERLINK("http://x","y")'
HEADERS = [header for _key, header, *_rest in COLUMNS]
COL = {header: n for n, header in enumerate(HEADERS, 1) if header}


def mini_assessment(
    answers: dict, date: str | None = "2026-11-21", name: str = "瓯江鞋业有限公司"
) -> Assessment:
    assessor = {"date": date} if date else {}
    raw = {
        "company": {"company_name": name, "industry": "footwear", "employees": 12},
        "facts": {"sells_online": True},
        "assessor": assessor,
        "answers": answers,
    }
    return assess(MINI, parse_answers(raw, MINI, "test.yaml"))


def open_ledger(a: Assessment):
    wb = load_workbook(io.BytesIO(render_xlsx(a)))
    assert wb.sheetnames == ["整改台账", "说明"]
    return wb


def data_rows(ws) -> list[tuple]:
    return [
        row
        for row in ws.iter_rows(min_row=FIRST_DATA_ROW, values_only=True)
        if any(v is not None for v in row)
    ]


@pytest.fixture(scope="module")
def demo() -> Assessment:
    q: Questionnaire = load_questionnaire()
    return assess(q, load_answers(data_dir() / "demo-answers.yaml", q))


def test_demo_has_one_row_per_finding_in_risk_order(demo: Assessment) -> None:
    ws = open_ledger(demo)["整改台账"]
    assert "合规体检整改台账" in ws["A1"].value and demo.answers.company["company_name"] in ws["A1"].value
    assert demo.report_number in ws["A2"].value and "2026-11-20" in ws["A2"].value
    header = [c.value for c in ws[HEADER_ROW]]
    assert header[:13] == HEADERS[:13] and header[-1] == "完成情况说明"
    assert header[13:17] == [
        "2026年第4季度工作计划",
        "2027年第1季度工作计划",
        "2027年第2季度工作计划",
        "2027年第3季度工作计划",
    ]
    rows = data_rows(ws)
    assert len(demo.findings) > 5 and len(rows) == len(demo.findings)
    assert [r[COL["题目编号"] - 1] for r in rows] == [f.item.id for f in demo.findings]
    assert [r[0] for r in rows] == list(range(1, len(rows) + 1))
    assert [r[COL["风险等级"] - 1] for r in rows] == [f.item.risk for f in demo.findings]
    for row, f in zip(rows, demo.findings):
        assert row[COL["状态"] - 1] == "未开始"
        verify = "先核实实际情况；如不符合：" if f.verdict == "unknown" else ""
        assert row[COL["整改措施"] - 1] == verify + f.item.remedy
        assert row[COL["存在问题"] - 1] == f.item.violation
        assert row[COL["责任部门"] - 1] is None and row[COL["责任人"] - 1] is None
        assert all(v is None for v in row[13:18])
        assert row[COL["法律依据"] - 1].startswith("《") and "》第" in row[COL["法律依据"] - 1]
        if f.answer and f.answer.note:
            assert f.answer.note in row[COL["现状（答复、备注及查见材料）"] - 1]


def test_deadlines_are_real_dates(demo: Assessment) -> None:
    ws = open_ledger(demo)["整改台账"]
    col = COL["建议整改期限"]
    for n, f in enumerate(demo.findings):
        cell = ws.cell(row=FIRST_DATA_ROW + n, column=col)
        assert f.deadline is not None
        assert cell.is_date and cell.number_format == "yyyy-mm-dd"
        assert cell.value.date() == f.deadline


def test_layout_status_dropdown_and_risk_colours(demo: Assessment) -> None:
    ws = open_ledger(demo)["整改台账"]
    assert ws.freeze_panes == f"E{FIRST_DATA_ROW}"
    last_row = HEADER_ROW + len(demo.findings)
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:R{last_row}"
    status = ws.cell(row=FIRST_DATA_ROW, column=COL["状态"]).coordinate
    validations = [dv for dv in ws.data_validations.dataValidation if status in dv.sqref]
    assert len(validations) == 1 and validations[0].type == "list"
    assert validations[0].formula1 == '"' + ",".join(STATUSES) + '"' == '"未开始,进行中,已完成,暂缓"'
    fills = {}
    for n, f in enumerate(demo.findings):
        cell = ws.cell(row=FIRST_DATA_ROW + n, column=COL["风险等级"])
        fills.setdefault(f.item.risk, set()).add(cell.fill.fgColor.rgb)
    assert all(len(colours) == 1 for colours in fills.values())
    assert fills["红线"] == {"008B0000"} and len({c for s in fills.values() for c in s}) == len(fills)
    assert ws.column_dimensions["H"].width > ws.column_dimensions["A"].width
    assert ws.cell(row=FIRST_DATA_ROW, column=COL["整改措施"]).alignment.wrap_text


def test_notes_sheet_explains_deadlines_and_disclaimer(demo: Assessment) -> None:
    ws = open_ledger(demo)["说明"]
    text = "\n".join(str(v) for row in ws.iter_rows(values_only=True) for v in row if v)
    assert "评估日期（2026-11-20）" in text and "红线 7 天" in text and "低 180 天" in text
    assert "自评结果仅供参考，不构成法律意见" in text
    for header in HEADERS:
        if header:
            assert header in text


def test_user_text_starting_with_equals_is_never_a_formula() -> None:
    answers = {
        "alpha.red": {"answer": "no", "note": EVIL},
        "alpha.high": {"answer": "partial", "note": "+1-2"},
        "alpha.mid": {"answer": "no", "note": "@SUM(A1)"},
    }
    a = mini_assessment(answers, name=EVIL)
    data = render_xlsx(a)
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        for name in z.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in z.read(name).decode("utf-8"), name
    wb = load_workbook(io.BytesIO(data))
    title = wb["整改台账"]["A1"]
    assert (
        title.value == "'" + EVIL + "合规体检整改台账" and title.data_type == "s"
    )  # guarded as in every sheet
    assert wb["说明"]["A1"].value.startswith("'" + EVIL) and wb["说明"]["A1"].data_type == "s"
    rows = data_rows(wb["整改台账"])
    notes = {r[COL["题目编号"] - 1]: r[COL["现状（答复、备注及查见材料）"] - 1] for r in rows}
    assert notes["alpha.red"] == f"企业答复：不符合\n备注：{EVIL}"
    assert "备注：+1-2" in notes["alpha.high"] and "备注：@SUM(A1)" in notes["alpha.mid"]


def test_control_characters_in_notes_do_not_break_the_workbook() -> None:
    a = mini_assessment({"alpha.red": {"answer": "no", "note": "坏\x01字符\x08"}})
    rows = data_rows(open_ledger(a)["整改台账"])
    assert "备注：坏字符" in rows[0][COL["现状（答复、备注及查见材料）"] - 1]


def test_no_findings_gives_header_only() -> None:
    answers = {**MINI_BEST, "beta.online": "yes", "pack.glue": "yes"}
    a = mini_assessment(answers)
    assert a.findings == ()
    ws = open_ledger(a)["整改台账"]
    assert [c.value for c in ws[HEADER_ROW]][:13] == HEADERS[:13]
    assert data_rows(ws) == [] and ws.max_row == HEADER_ROW
    assert ws.auto_filter.ref == f"A{HEADER_ROW}:R{HEADER_ROW}"
    assert ws.data_validations.dataValidation


def test_missing_assessment_date() -> None:
    a = mini_assessment({"alpha.red": "no", "alpha.high": "unknown"}, date=None)
    assert a.assessment_date is None and a.findings
    wb = open_ledger(a)
    ws = wb["整改台账"]
    rows = data_rows(ws)
    assert len(rows) == len(a.findings)
    assert all(r[COL["建议整改期限"] - 1] is None for r in rows)
    assert "评估日期：—" in ws["A2"].value
    assert [c.value for c in ws[HEADER_ROW]][13:17] == quarter_labels(None)
    assert any("没有评估日期" in str(v) for row in wb["说明"].iter_rows(values_only=True) for v in row)


def test_quarter_labels_roll_over_the_year() -> None:
    assert quarter_labels(dt.date(2026, 3, 31)) == [
        "2026年第1季度工作计划",
        "2026年第2季度工作计划",
        "2026年第3季度工作计划",
        "2026年第4季度工作计划",
    ]
    assert quarter_labels(dt.date(2026, 11, 21))[:2] == ["2026年第4季度工作计划", "2027年第1季度工作计划"]
