"""Scoring (SPEC §5): worked examples, the traffic-light rules, and property tests of the invariants."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from hegui_check.answers import AnswerSet, Assessor, parse_answers
from hegui_check.questionnaire import ItemType, load_questionnaire
from hegui_check.render.wording import light_reason
from hegui_check.scoring import assess, item_value

from .conftest import FIXTURES, MINI_BEST

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
BASE = {"company_name": "测试", "industry": "retail", "employees": 5}


def score(answers: dict, **company) -> object:
    raw = {
        "company": {**BASE, **company},
        "facts": {},
        "assessor": {"date": "2026-11-21"},
        "answers": answers,
    }
    a = parse_answers(raw, MINI, "t.yaml")
    assert a.errors == []
    return assess(MINI, a)


ALL_YES = dict(MINI_BEST)


def test_all_best_answers_give_100_and_green() -> None:
    r = score(ALL_YES)
    assert r.overall == 100 and r.light == "green" and r.findings == ()
    assert r.completeness == 1.0
    assert light_reason(r).startswith("绿灯")


def test_worked_example() -> None:
    # weights: red 10, high 5, mid 3, low 1, choice(中) 3, multi(低) 1, num(高) 5, beta.one(高) 5 = 33
    answers = {
        **ALL_YES,
        "alpha.high": "partial",
        "alpha.choice": "most",
        "alpha.multi": ["a"],
        "alpha.num": 10,
    }
    r = score(answers)
    expected = 100 * (33 - 5 * 0.5 - 3 * 0.5 - 1 * 0.5 - 5 * 0.5) / 33
    assert r.overall == pytest.approx(expected)
    assert r.overall_rounded == round(expected, 1)
    assert [f.item.id for f in r.findings] == ["alpha.high", "alpha.num", "alpha.choice", "alpha.multi"]
    assert r.light == "yellow" and "低于 85 分" in light_reason(r)


def test_red_line_no_is_red_and_named() -> None:
    r = score({**ALL_YES, "alpha.red": "no"})
    assert r.light == "red"
    assert light_reason(r) == "红灯：1 项红线项目不符合（红线题）"


def test_score_below_60_is_red() -> None:
    r = score(
        {
            k: ("no" if isinstance(v, str) and v == "yes" and k != "alpha.red" else v)
            for k, v in ALL_YES.items()
        }
        | {"alpha.choice": "none", "alpha.multi": [], "alpha.num": 99}
    )
    assert r.overall is not None and r.overall < 60
    assert r.light == "red" and "低于 60 分" in light_reason(r)


@pytest.mark.parametrize("value", ["partial", "unknown"])
def test_red_line_partial_or_unknown_is_yellow(value: str) -> None:
    r = score({**ALL_YES, "alpha.red": value})
    assert r.light == "yellow" and "红线题" in light_reason(r)


def test_unanswered_red_line_counts_as_unknown_and_lowers_completeness() -> None:
    answers = dict(ALL_YES)
    del answers["alpha.red"]
    r = score(answers)
    assert r.light == "yellow"
    assert r.completeness == pytest.approx(7 / 8)
    assert r.to_verify[0].item.id == "alpha.red"


def test_high_risk_no_is_yellow_even_with_a_high_score() -> None:
    r = score({**ALL_YES, "alpha.num": 99})  # number item at 高, value 0 -> "no"
    assert r.light == "yellow" and "高风险项目不符合（逾期几天？）" in light_reason(r)


def test_not_applicable_module_is_none_not_zero() -> None:
    r = score(ALL_YES, employees=0)
    beta = next(m for m in r.modules if m.module.module == "beta")
    assert beta.score is None and not beta.applicable
    pack = next(m for m in r.modules if m.module.module == "pack")
    assert pack.score is None


def test_gate_question_switches_items_on() -> None:
    off = score(ALL_YES)
    on = score({**ALL_YES, "alpha.gate": True})
    assert next(x for x in off.items if x.item.id == "alpha.gated").state == "inapplicable"
    assert next(x for x in on.items if x.item.id == "alpha.gated").verdict == "unknown"


def test_answer_to_inapplicable_item_is_a_warning_and_not_scored() -> None:
    r = score({**ALL_YES, "pack.glue": "no"})
    assert r.overall == 100
    warnings = [p for p in r.problems if p.severity == "warning"]
    assert len(warnings) == 1 and "另有 1 个答案" in warnings[0].message  # one line, not one per item


def test_too_little_answered_is_grey_and_says_why() -> None:
    r = score({"alpha.red": "no"})
    assert r.light == "grey" and r.completeness < 0.5
    assert light_reason(r).startswith("灰灯：只回答了")
    assert r.light_rules[0].code == "incomplete"


def test_deadlines_follow_risk_and_are_configurable() -> None:
    answers = {**ALL_YES, "alpha.red": "partial", "alpha.high": "no", "alpha.mid": "no", "alpha.low": "no"}
    r = score(answers)
    by_id = {f.item.id: f.deadline for f in r.findings}
    date = dt.date(2026, 11, 21)
    assert by_id["alpha.red"] == date + dt.timedelta(days=7)
    assert by_id["alpha.high"] == date + dt.timedelta(days=30)
    assert by_id["alpha.mid"] == date + dt.timedelta(days=90)
    assert by_id["alpha.low"] == date + dt.timedelta(days=180)
    a = parse_answers({"company": BASE, "assessor": {"date": "2026-11-21"}, "answers": answers}, MINI, "t")
    longer = assess(MINI, a, {"中": 120})
    assert {f.item.id: f.deadline for f in longer.findings}["alpha.mid"] == date + dt.timedelta(days=120)


def test_report_number_is_stable_and_depends_on_answers() -> None:
    assert score(ALL_YES).report_number == score(dict(ALL_YES)).report_number
    assert score(ALL_YES).report_number != score({**ALL_YES, "alpha.low": "partial"}).report_number
    assert score(ALL_YES).report_number.startswith("HG-")


def test_findings_order_risk_then_shortfall_then_module() -> None:
    r = score(
        {**ALL_YES, "alpha.low": "no", "beta.one": "partial", "alpha.high": "no", "alpha.mid": "unknown"}
    )
    assert [f.item.id for f in r.findings] == ["alpha.high", "beta.one", "alpha.mid", "alpha.low"]


# --- property tests ---------------------------------------------------------------------------

SCORED = [i for i in MINI.items.values() if i.scored and i.id != "alpha.gated"]
FIXED = {"alpha.gate": False}  # keep the set of applicable items fixed


def _values(item) -> st.SearchStrategy:
    if item.type is ItemType.status:
        return st.sampled_from(["yes", "partial", "no", "unknown", None])
    if item.type is ItemType.choice:
        return st.sampled_from([o.value for o in item.options] + ["unknown", None])
    if item.type is ItemType.multi:
        return st.lists(st.sampled_from([o.value for o in item.options]), unique=True)
    return st.one_of(st.none(), st.integers(min_value=0, max_value=100))


answer_sets = st.fixed_dictionaries({i.id: _values(i) for i in SCORED})


def _assess(values: dict) -> object:
    answers = {k: v for k, v in values.items() if v is not None} | FIXED
    return score(answers)


def _better(item, value):
    """Strictly better (or equal) alternatives to ``value`` for one item."""
    current = item_value(item, value)[0] or 0.0
    candidates = {
        ItemType.status: ["yes", "partial", "no", "unknown"],
        ItemType.choice: [o.value for o in item.options],
        ItemType.multi: [["a", "b"], ["a"], ["b"], []],
        ItemType.number: [0, 10, 50],
    }[item.type]
    return [c for c in candidates if (item_value(item, c)[0] or 0.0) > current]


@settings(max_examples=150, deadline=None)
@given(answer_sets)
def test_score_is_between_0_and_100(values: dict) -> None:
    r = _assess(values)
    assert 0 <= r.overall <= 100
    for m in r.modules:
        assert m.score is None or 0 <= m.score <= 100


@settings(max_examples=150, deadline=None)
@given(answer_sets, st.sampled_from(SCORED), st.data())
def test_improving_one_answer_never_lowers_any_score(values: dict, item, data) -> None:
    better = _better(item, values[item.id])
    if not better:
        return
    improved = dict(values, **{item.id: data.draw(st.sampled_from(better))})
    before, after = _assess(values), _assess(improved)
    assert after.overall >= before.overall - 1e-9
    for m_before, m_after in zip(before.modules, after.modules):
        if m_before.score is not None:
            assert m_after.score >= m_before.score - 1e-9
    order = {"red": 0, "yellow": 1, "green": 2}
    if "grey" not in (before.light, after.light):  # 灰灯 is not a grade: too little was answered to judge
        assert order[after.light] >= order[before.light]


@settings(max_examples=100, deadline=None)
@given(answer_sets)
def test_adding_na_answers_never_changes_a_score(values: dict) -> None:
    before = _assess(values)
    after = score(
        {k: v for k, v in values.items() if v is not None} | FIXED | {"pack.glue": "na"}, industry="footwear"
    )
    assert after.overall == pytest.approx(before.overall)
    assert [m.score for m in after.modules if m.module.module != "pack"] == pytest.approx(
        [m.score for m in before.modules if m.module.module != "pack"]
    )


def test_every_bundled_item_scores_100_and_green_with_its_best_answer(q) -> None:
    best = {}
    for item in q.scored_items:
        if item.type is ItemType.status:
            best[item.id] = "yes"
        elif item.type is ItemType.choice:
            best[item.id] = max(item.options, key=lambda o: o.score or 0).value
        elif item.type is ItemType.multi:
            best[item.id] = [o.value for o in item.options if o.good is not False]
        else:
            best[item.id] = 0
    facts = {p.id: True for p in q.profile if p.type == "boolean"}
    a = AnswerSet(
        company={"company_name": "x", "industry": "footwear", "employees": 50},
        facts=facts,
        assessor=Assessor(date=dt.date(2026, 11, 21)),
    )
    a = parse_answers({"company": a.company, "facts": facts, "answers": best}, q, "best")
    r = assess(q, a)
    assert r.overall == 100 and r.light == "green"


def test_quick_check_never_calls_an_item_inapplicable_because_of_a_question_it_did_not_ask() -> None:
    from hegui_check.answers import parse_answers
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.scoring import applicability, assess

    from .conftest import FIXTURES

    mini = load_questionnaire([FIXTURES / "mini"], builtin=False)
    company = {"company_name": "甲", "entity_type": "company", "industry": "retail"}

    def states(employees: int, depth: str) -> dict[str, str]:
        a = parse_answers(
            {"depth": depth, "company": {**company, "employees": employees}, "answers": {"alpha.red": "yes"}},
            mini,
            "f",
        )
        return {r.item.id: r.state for r in assess(mini, a).items}

    # sells_online is deferred; with 12 employees beta.online (key) needs it, so the quick check asks it
    plan = applicability(mini, parse_answers({"company": {**company, "employees": 12}}, mini, "f"), "quick")
    assert "sells_online" in plan.profile
    # with 5 employees no answer to it could make beta.online apply: it is not asked, and rightly 不适用
    assert states(5, "quick")["beta.online"] == "inapplicable"

    # the bundled library: sells_to_consumers is deferred and no quick item needs it, so a quick check does
    # not ask it; the items that hang on it are 未检查, not 不适用
    bundled = load_questionnaire()
    firm = {
        "depth": "quick",
        "company": {"company_name": "乙", "entity_type": "individual", "industry": "retail", "employees": 3},
        "facts": {
            "sells_online": True,
            "live_streaming": False,
            "handles_personal_info": True,
            "exports": False,
            "has_production_site": False,
        },
    }
    plan = applicability(bundled, parse_answers(firm, bundled, "f"))
    assert "sells_to_consumers" not in plan.profile
    result = {r.item.id: r.state for r in assess(bundled, parse_answers(firm, bundled, "f")).items}
    assert result["product_quality.repair_return"] == "not_examined"
    firm["facts"]["sells_to_consumers"] = False  # answered: now it is known not to apply
    result = {r.item.id: r.state for r in assess(bundled, parse_answers(firm, bundled, "f")).items}
    assert result["product_quality.repair_return"] == "inapplicable"
