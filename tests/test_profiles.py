"""Five example firms: each gets a sensible, short interview and a report."""

from __future__ import annotations

from pathlib import Path

import pytest

from hegui_check.answers import Answer, load_answers, with_answer
from hegui_check.credit import FACT_IDS
from hegui_check.interview import is_answered, pending_steps
from hegui_check.questionnaire import ItemType
from hegui_check.render import Format, render
from hegui_check.scoring import assess

from .conftest import FIXTURES

PROFILES = sorted((FIXTURES / "profiles").glob("*.yaml"))


def worst_case_steps(q, path: Path):
    """Questions asked when every gate the file leaves open is answered yes (the longest interview)."""
    a = load_answers(path, q)
    assert a.errors == []
    while True:
        gates = [
            s
            for s in pending_steps(q, a)
            if s.item is not None and s.item.type is ItemType.boolean and not is_answered(a, s)
        ]
        if not gates:
            return a, pending_steps(q, a)
        a = with_answer(a, gates[0].key, Answer(True))


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_interview_length_is_reasonable(q, path: Path) -> None:
    _, steps = worst_case_steps(q, path)
    checklist = [s for s in steps if s.item is not None]
    assert 40 <= len(checklist) <= 220  # a full check stays within a half-day on-site review
    modules = {s.key.split(".")[0] for s in steps if s.item is not None}
    assert {"contract", "tax", "labor"} <= modules


def test_profiles_get_the_modules_that_fit_them(q) -> None:
    asked = {p.stem: {s.key.split(".")[0] for s in worst_case_steps(q, p)[1] if s.item} for p in PROFILES}
    assert "games" in asked["games-6"] and "footwear" not in asked["games-6"]
    assert "environment" not in asked["online-shop-3"] and "safety" not in asked["online-shop-3"]
    assert "fire" not in asked["online-shop-3"]  # no premises
    assert "governance" not in asked["online-shop-3"]  # 个体工商户
    assert {"footwear", "live_streaming", "environment", "safety"} <= asked["footwear-80-live"]
    assert "umbrella" in asked["umbrella-export"] and "live_streaming" not in asked["umbrella-export"]
    assert "construction" in asked["construction-sub"]
    shop_items = {
        s.key for s in worst_case_steps(q, FIXTURES / "profiles" / "online-shop-3.yaml")[1] if s.item
    }
    assert not any(k.startswith("environment.hazwaste") for k in shop_items)


@pytest.mark.parametrize("path", PROFILES, ids=lambda p: p.stem)
def test_each_profile_renders_a_report(q, path: Path) -> None:
    a, _ = worst_case_steps(q, path)
    result = assess(q, a)
    html = render(result, Format.html).decode("utf-8")
    assert a.company["company_name"] in html and "整改台账" in html
    # nothing answered yet: too little to judge (灰灯), and the report says so
    assert result.light == "grey" and result.completeness == 0 and "暂不评定" in html


@pytest.mark.timeout(120)
def test_smallest_profile_renders_a_pdf(q) -> None:
    a, _ = worst_case_steps(q, FIXTURES / "profiles" / "online-shop-3.yaml")
    assert render(assess(q, a), Format.pdf).startswith(b"%PDF")


CREDIT = FACT_IDS  # the record facts of the profile


def test_credit_record_questions_sit_behind_one_gate_asked_of_every_firm(q) -> None:
    from hegui_check.answers import parse_answers
    from hegui_check.scoring import applicability

    profile = q.profile_by_id
    assert all(fact in profile for fact in CREDIT)
    assert profile["credit_record"].when is None and profile["credit_record"].depth == "quick"
    assert all(profile[f].when and "credit_record" in profile[f].when for f in CREDIT[1:])
    assert [o.value for o in profile["penalty_authority"].options] == [
        "market",
        "tax",
        "environment",
        "safety",
        "fire",
        "labor",
        "other",
    ]
    assert [o.value for o in profile["penalty_kind"].options] == ["warning", "small_fine", "fine", "serious"]
    firm = {"company": {"company_name": "甲", "industry": "retail", "employees": 3}}
    asked = applicability(q, parse_answers(firm, q, "f"), "quick").profile
    assert "credit_record" in asked and "penalty_kind" not in asked
    fined = {**firm, "facts": {"credit_record": True, "penalty_kind": "fine"}}
    assert set(CREDIT) <= set(applicability(q, parse_answers(fined, q, "f"), "quick").profile)


def test_a_shop_or_stockroom_is_not_a_production_site(q) -> None:
    pq = q.profile_by_id["has_production_site"]
    assert "仓库" in pq.question and "否" in pq.question
    assert "门店" in (pq.help or "") and "车间" in (pq.help or "")
