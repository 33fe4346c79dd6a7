"""template: blank XLSX / CSV collection sheets (SPEC §2, §4 "Spreadsheets")."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from hegui_check.questionnaire import Questionnaire, load_questionnaire
from hegui_check.spreadsheet import read_table
from hegui_check.template import (
    ASSESSMENT_DATE,
    LISTS_SHEET,
    NOTES_SHEET,
    csv_template,
    template_columns,
    xlsx_template,
)

from .conftest import FIXTURES

MINI_IDS = [
    "company_name", "uscc", "entity_type", "industry", "region", "employees", "sells_online", "assessment_date",
    "alpha.red", "alpha.high", "alpha.mid", "alpha.low", "alpha.choice", "alpha.multi", "alpha.num",
    "alpha.gate", "alpha.gated", "alpha.text", "beta.one", "beta.online", "pack.glue",
]  # fmt: skip


@pytest.fixture(scope="module")
def mq() -> Questionnaire:
    return load_questionnaire([FIXTURES / "mini"], builtin=False)


def _validations(ws) -> dict[str, str]:
    """column letter -> validation formula, for validations that cover rows 3..1002."""
    found = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            assert (rng.min_row, rng.max_row) == (3, 1002)
            for col in range(rng.min_col, rng.max_col + 1):
                found[get_column_letter(col)] = dv.formula1
    return found


def test_xlsx_template_has_ids_labels_dropdowns_and_notes(mq: Questionnaire) -> None:
    wb = load_workbook(io.BytesIO(xlsx_template(mq)))
    ws = wb.worksheets[0]
    ids = [c.value for c in ws[1]]
    labels = [c.value for c in ws[2]]
    assert ids == MINI_IDS
    assert labels[0] == "企业名称" and labels[ids.index("alpha.high")] == "高风险问题是否符合？"
    assert labels[ids.index(ASSESSMENT_DATE)] == "评估日期"
    assert ws.freeze_panes == "A3"
    assert ws.max_row == 2
    assert ws.cell(2, 1).alignment.wrap_text and ws.cell(2, 1).font.b
    assert ws.column_dimensions["B"].number_format == "@"  # uscc stays text when typed in Excel

    dv = _validations(ws)
    letter = {i: get_column_letter(n) for n, i in enumerate(ids, 1)}
    assert dv[letter["alpha.high"]] == '"符合,部分符合,不符合,不清楚,不适用"'
    assert dv[letter["sells_online"]] == dv[letter["alpha.gate"]] == '"是,否"'
    assert dv[letter["alpha.choice"]] == '"全部签订,大部分,没有,不清楚,不适用"'
    assert dv[letter["industry"]] == '"鞋革,零售"'  # profile choices: no 不清楚/不适用
    for free in ("company_name", "employees", "alpha.text", "alpha.num", "alpha.multi", ASSESSMENT_DATE):
        assert letter[free] not in dv

    notes = wb[NOTES_SHEET]
    assert [c.value for c in notes[1]][:7] == [
        "列",
        "列名（id）",
        "问题",
        "类型",
        "允许的值",
        "风险等级",
        "适用条件",
    ]
    rows = {r[1]: r for r in notes.iter_rows(min_row=2, max_row=len(ids) + 1, values_only=True)}
    assert list(rows) == ids
    assert rows["alpha.red"][5] == "红线" and "不适用" in rows["alpha.red"][4]
    assert rows["beta.online"][6] == "模块：employees > 0；本题：sells_online and employees >= 10"
    assert rows["pack.glue"][6] == '模块：industry == "footwear"'
    assert "措施甲" in rows["alpha.multi"][4]
    assert LISTS_SHEET not in wb.sheetnames  # every list here fits inline


def test_industry_drops_other_packs(mq: Questionnaire) -> None:
    def xlsx_ids(industry: str | None) -> list[str]:
        ws = load_workbook(io.BytesIO(xlsx_template(mq, industry))).worksheets[0]
        return [c.value for c in ws[1]]

    assert "pack.glue" in xlsx_ids(None)
    assert "pack.glue" in xlsx_ids("footwear")
    assert "pack.glue" not in xlsx_ids("retail")
    assert "alpha.red" in xlsx_ids("retail") and "beta.one" in xlsx_ids("retail")  # core modules stay
    assert "pack.glue" not in csv_template(mq, "retail")


def test_csv_template_is_utf8_with_bom_and_two_header_rows(mq: Questionnaire) -> None:
    text = csv_template(mq)
    assert text.startswith("\ufeff")
    rows = list(csv.reader(io.StringIO(text[1:])))
    assert rows[0] == MINI_IDS
    assert rows[1] == [c.label for c in template_columns(mq)]
    assert len(rows) == 2
    assert text.encode("utf-8").startswith(b"\xef\xbb\xbf")


def test_long_choice_lists_go_to_a_hidden_lists_sheet(tmp_path: Path) -> None:
    labels = [f"这是一个相当长的选项说明文字，用来超过 Excel 的限制，第{n}项" for n in range(12)]
    options = "\n".join(
        f"      - {{value: o{n}, label: '{label}', score: {1 if n == 0 else 0}}}"
        for n, label in enumerate(labels)
    )
    module = tmp_path / "gamma.yaml"
    module.write_text(
        "module: gamma\ntitle: 丙模块\nitems:\n"
        "  - id: gamma.long\n    question: 选哪一项？\n    type: choice\n    risk: 低\n"
        f"    options:\n{options}\n"
        "    violation: 违法\n    basis: [{law: 劳动合同法, article: 10, quote: 应当订立书面劳动合同}]\n"
        "    liability: 责任\n    remedy: 整改\n",
        encoding="utf-8",
    )
    q = load_questionnaire([FIXTURES / "mini"], builtin=False, extra_files=[module])
    wb = load_workbook(io.BytesIO(xlsx_template(q)))
    ws = wb.worksheets[0]
    ids = [c.value for c in ws[1]]
    letter = get_column_letter(ids.index("gamma.long") + 1)
    formula = _validations(ws)[letter]
    lists = wb[LISTS_SHEET]
    assert lists.sheet_state == "hidden"
    assert formula.startswith(f"{LISTS_SHEET}!$") and formula.endswith(f"${len(labels) + 2}")
    column = formula.split("!$")[1].split("$")[0]
    values = [lists[f"{column}{r}"].value for r in range(1, len(labels) + 3)]
    assert values == [*labels, "不清楚", "不适用"]

    # a label picked from that list reads back as its option value
    ws.cell(3, 1, "丙企业")
    ws[f"{letter}3"] = labels[3]
    path = tmp_path / "long.xlsx"
    wb.save(path)
    ((_n, answers),) = read_table(path, q).answer_sets()
    assert answers.answers["gamma.long"].value == "o3" and not answers.errors


def test_bundled_library_template_round_trip(q: Questionnaire, tmp_path: Path) -> None:
    wb = load_workbook(io.BytesIO(xlsx_template(q, "footwear")))
    ws = wb.worksheets[0]
    ids = [c.value for c in ws[1]]
    assert ids[0] == "company_name" and "labor.written_contract" in ids
    assert any(i.startswith("footwear.") for i in ids)
    assert not any(i.startswith("games.") for i in ids)
    col = {i: n for n, i in enumerate(ids, 1)}
    status_items = [i for i in ids if i in q.items and q.items[i].type.value == "status"]
    ws.cell(3, col["company_name"], "温州某某鞋业有限公司")
    ws.cell(3, col["industry"], q.profile_by_id["industry"].options[0].label)  # 鞋革（制鞋、皮革、鞋材）
    ws.cell(3, col["employees"], 45.0)
    ws.cell(3, col["sells_online"], "是")
    ws.cell(3, col[ASSESSMENT_DATE], dt.datetime(2026, 11, 21))
    for n, item_id in enumerate(status_items[:5]):
        ws.cell(3, col[item_id], ["符合", "部分符合", "不符合", "不清楚", "不适用"][n])
    path = tmp_path / "members.xlsx"
    wb.save(path)

    table = read_table(path, q)
    assert table.warnings == [] and table.header_rows == (1, 2)
    ((row, answers),) = table.answer_sets()
    assert row == 3
    assert answers.errors == []
    assert answers.company["company_name"] == "温州某某鞋业有限公司"
    assert answers.company["industry"] == "footwear" and answers.company["employees"] == 45
    assert answers.facts["sells_online"] is True
    assert answers.assessor.mode == "association" and answers.assessor.date == dt.date(2026, 11, 21)
    assert [answers.answers[i].value for i in status_items[:5]] == ["yes", "partial", "no", "unknown", "na"]


def test_quick_templates_hold_only_what_a_quick_check_asks(mq: Questionnaire, tmp_path) -> None:
    from hegui_check.answers import load_answers
    from hegui_check.scoring import assess
    from hegui_check.template import DEPTH_COLUMN, yaml_template

    ids = [c.id for c in template_columns(mq, depth="quick")]
    assert ids == [
        "company_name",
        "entity_type",
        "industry",
        "employees",
        "sells_online",
        ASSESSMENT_DATE,
        DEPTH_COLUMN,
        "alpha.red",
        "alpha.high",
        "alpha.gate",
        "alpha.gated",
        "beta.one",
        "beta.online",
    ]
    text = yaml_template(mq, depth="quick")
    assert "depth: quick" in text and "alpha.mid" not in text and "uscc" not in text
    path = tmp_path / "quick.yaml"
    path.write_text(text, encoding="utf-8")
    result = assess(mq, load_answers(path, mq))
    assert result.depth == "quick"

    sheet = tmp_path / "quick.csv"
    rows = csv_template(mq, depth="quick") + "乙公司,company,footwear,12,否,2026-11-21,,是,否,否,,是,\r\n"
    sheet.write_text(rows, encoding="utf-8")
    [(_, answers)] = list(read_table(sheet, mq).answer_sets())
    assert answers.depth == "quick" and answers.errors == []
    assert answers.answers["alpha.high"].value == "no"
