"""Credit-repair guidance: periods and conditions only where the texts give them, dated from the firm's record."""

from __future__ import annotations

import dataclasses
import datetime as dt
import io
import json
import re

import pytest
from docx import Document
from openpyxl import load_workbook

from hegui_check import credit
from hegui_check.answers import load_answers
from hegui_check.credit import NDRC_RULE, add_months, credit_guidance, parse_record_date
from hegui_check.legal import chinese_number
from hegui_check.questionnaire.citations import article_key, load_laws, normalize
from hegui_check.render import Format, render
from hegui_check.scoring import assess

from .conftest import shared_path

TODAY = dt.date(2026, 11, 20)
FINE_2025_03 = {
    "credit_record": True,
    "penalty_authority": "market",
    "penalty_date": "2025-03",
    "penalty_kind": "fine",
    "penalty_fine_wan": 5,
}


def _text(rec: credit.CreditRecord) -> str:
    points = (rec.publicity, rec.early_removal, rec.application, rec.not_removable)
    return " ".join(p.text + " " + " ".join(p.basis) for p in points)


def test_no_record_gives_no_guidance() -> None:
    assert credit_guidance({}, TODAY) == []
    assert credit_guidance({"credit_record": False, "abnormal_list": False}, TODAY) == []


def test_market_fine_of_5_wan_from_2025_03() -> None:
    (rec,) = credit_guidance(FINE_2025_03, TODAY)
    assert rec.kind == "market_penalty" and "2025年3月" in rec.title
    assert "罚款 5 万元" in rec.publicity.text and "届满三年停止公示" in rec.publicity.text
    assert "《市场监督管理行政处罚信息公示规定》第十三条第一款" in rec.publicity.basis
    early = rec.early_removal
    for condition in (
        "已经自觉履行行政处罚决定中规定的义务",
        "已经主动消除危害后果和不良影响",
        "未因同一类违法行为再次受到市场监督管理部门行政处罚",
        "未在经营异常名录和严重违法失信名单中",
    ):
        assert condition in early.text
    assert "《市场监督管理行政处罚信息公示规定》第十四条第一款" in early.basis
    assert (
        "《市场监督管理行政处罚信息公示规定》第十四条第二款" in early.basis
    )  # the time limit is left to SAMR
    assert "本报告不推算日期" in early.text
    assert "《市场监督管理行政处罚信息公示规定》第十四条第三款" in rec.not_removable.basis
    by_label = {m.label: m for m in rec.milestones}
    assert by_label["公示期满（停止公示）"].date == dt.date(2028, 3, 1)
    assert (
        by_label["公示期满（停止公示）"].when == "约 2028年3月"
        and not by_label["公示期满（停止公示）"].reached
    )
    assert by_label["可申请提前停止公示"].date is None  # no text gives a date: none is invented


def test_small_fine_publicity_ends_after_three_months() -> None:
    (rec,) = credit_guidance(
        {"penalty_authority": "market", "penalty_kind": "small_fine", "penalty_date": "2026-09-30"}, TODAY
    )
    (end,) = rec.milestones
    assert end.date == dt.date(2026, 12, 30) and end.when == "2026-12-30" and not end.reached
    assert "届满三个月停止公示" in rec.publicity.text
    assert (
        "《市场监督管理行政处罚信息公示规定》第十三条第二款" in rec.publicity.basis
    )  # 较低数额 set by province
    (old,) = credit_guidance(
        {"penalty_authority": "market", "penalty_kind": "small_fine", "penalty_date": "2025-01-10"}, TODAY
    )
    assert old.milestones[0].reached


def test_warning_is_not_published() -> None:
    (rec,) = credit_guidance(
        {"credit_record": True, "penalty_authority": "market", "penalty_kind": "warning"}, TODAY
    )
    assert "不在国家企业信用信息公示系统公示" in rec.publicity.text and rec.milestones == ()
    assert "《市场监督管理行政处罚信息公示规定》第二条第二款" in rec.publicity.basis


def test_serious_penalty_cannot_be_stopped_early() -> None:
    (rec,) = credit_guidance(
        {"penalty_authority": "market", "penalty_kind": "serious", "penalty_date": "2024-06-15"}, TODAY
    )
    assert "不得提前停止公示" in rec.early_removal.text
    assert [m.label for m in rec.milestones] == ["公示期满（停止公示）"]
    assert rec.milestones[0].date == dt.date(2027, 6, 15)
    assert "实际限制期限" in rec.publicity.text


@pytest.mark.parametrize("authority", ["tax", "environment", "safety", "fire", "labor", "other"])
def test_other_authorities_name_the_ndrc_rule_and_state_no_period(authority: str) -> None:
    (rec,) = credit_guidance(
        {"credit_record": True, "penalty_authority": authority, "penalty_date": "2025-03"}, TODAY
    )
    text = _text(rec)
    assert rec.kind == "other_penalty" and NDRC_RULE in text and "信用中国" in text
    assert "以主管部门规定为准" in text
    assert not re.search(r"[一二三六十0-9]+\s*(个月|年)(?!第)", text.replace("2025年第36号", "")), text
    assert all(m.date is None for m in rec.milestones)
    assert "第" not in NDRC_RULE.replace("2025年第36号", "")  # named by title, no article


def test_lists_and_tax_credit() -> None:
    records = credit_guidance(
        {
            "credit_record": True,
            "penalty_authority": "market",
            "penalty_kind": "fine",
            "penalty_date": "2025-03-10",
            "abnormal_list": True,
            "serious_list": True,
            "tax_credit_d": True,
        },
        TODAY,
    )
    kinds = [r.kind for r in records]
    assert kinds == ["market_penalty", "abnormal_list", "serious_list", "tax_credit_d"]
    market, abnormal, serious, tax = records
    assert "须先移出" in market.early_removal.text  # 第十四条第一款第（四）项 blocks early stop while listed
    assert "《企业信息公示暂行条例》第十八条第一款" in abnormal.publicity.basis
    assert "3年内不得担任其他企业的法定代表人" in serious.publicity.text
    assert "以税务机关规定为准" in tax.early_removal.text


def test_record_without_authority_gets_general_guidance() -> None:
    (rec,) = credit_guidance({"credit_record": True}, TODAY)
    assert rec.kind == "unspecified" and "补充处罚机关" in rec.early_removal.text


def test_dates() -> None:
    assert parse_record_date("2025-03") == (dt.date(2025, 3, 1), False)
    assert parse_record_date("2025-03-31") == (dt.date(2025, 3, 31), True)
    assert parse_record_date(dt.date(2025, 3, 31)) == (dt.date(2025, 3, 31), True)
    assert parse_record_date("2025/03") is None and parse_record_date("2025-13") is None
    assert add_months(dt.date(2025, 11, 30), 3) == dt.date(2026, 2, 28)
    assert add_months(dt.date(2024, 2, 29), 36) == dt.date(2027, 2, 28)


def test_every_credit_citation_quotes_its_article() -> None:
    laws = load_laws(shared_path("laws"))
    citations = [v for v in vars(credit).values() if isinstance(v, credit.Citation)]
    assert len(citations) >= 15
    for c in citations:
        paras = laws.texts[c.law].articles[article_key(c.article)]
        scope = [paras[c.paragraph - 1]] if c.paragraph else paras
        if c.item:
            assert any(f"（{chinese_number(c.item)}）" in p for p in scope), c
        assert normalize(c.quote) in normalize("".join(scope)), c


# --- in the report ----------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def fined(q):  # type: ignore[no-untyped-def]
    from hegui_check.resources import data_dir

    answers = load_answers(data_dir() / "demo-answers.yaml", q)
    answers = dataclasses.replace(answers, facts={**answers.facts, **FINE_2025_03})
    return assess(q, answers)


def test_report_has_a_credit_section_and_ledger_rows(fined) -> None:
    html = render(fined, Format.html).decode("utf-8")
    assert "五、信用修复指导" in html and "届满三年停止公示" in html
    assert "《市场监督管理行政处罚信息公示规定》第十四条第一款" in html
    assert "公示期满（停止公示）：市场监督管理部门的行政处罚" in html and "约 2028年3月" in html
    md = render(fined, Format.md).decode("utf-8")
    assert "## 五、信用修复指导" in md and "| 信用 |" in md
    data = json.loads(render(fined, Format.json))
    (rec,) = data["credit_repair"]
    assert rec["kind"] == "market_penalty" and rec["milestones"][-1]["date"] == "2028-03-01"
    doc = Document(io.BytesIO(render(fined, Format.docx)))
    assert "五、信用修复指导" in [p.text for p in doc.paragraphs]
    ws = load_workbook(io.BytesIO(render(fined, Format.xlsx)))["整改台账"]
    dates = [row for row in ws.iter_rows(values_only=True) if row[3] and str(row[3]).startswith("公示期满")]
    assert dates and dates[0][11] == dt.datetime(2028, 3, 1)


def test_no_record_no_section(q, demo_path) -> None:  # type: ignore[no-untyped-def]
    a = assess(q, load_answers(demo_path, q))
    html = render(a, Format.html).decode("utf-8")
    assert "信用修复指导" not in html
    assert json.loads(render(a, Format.json))["credit_repair"] == []
