"""Scoring (SPEC §5): pure functions from (questionnaire, answers) to an Assessment. No I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .answers import Answer, AnswerSet, Problem, to_document
from .questionnaire import RISK_ORDER, Item, ItemType, Module, Questionnaire

DEFAULT_DEADLINE_DAYS: dict[str, int] = {"红线": 7, "高": 30, "中": 90, "低": 180}
STATUS_VALUE = {"yes": 1.0, "partial": 0.5, "no": 0.0, "unknown": 0.0}
RISKS = ("红线", "高", "中", "低")

State = Literal["scored", "na", "inapplicable", "unscored"]
Verdict = Literal["yes", "partial", "no", "unknown"]


@dataclass(frozen=True)
class ItemResult:
    item: Item
    module: Module
    state: State
    answer: Answer | None
    value: float | None = None  # 0..1 when state == "scored"
    verdict: Verdict | None = None
    deadline: dt.date | None = None

    @property
    def applicable(self) -> bool:
        return self.state in ("scored", "na", "unscored")

    @property
    def is_finding(self) -> bool:
        return self.state == "scored" and self.value is not None and self.value < 1

    @property
    def answered(self) -> bool:
        return self.answer is not None and self.answer.value is not None

    @property
    def shortfall(self) -> float:
        return self.item.weight * (1 - (self.value or 0.0))


@dataclass(frozen=True)
class ModuleResult:
    module: Module
    items: tuple[ItemResult, ...]
    score: float | None  # unrounded; None = 不适用

    @property
    def applicable(self) -> bool:
        return self.score is not None

    @property
    def rounded(self) -> float | None:
        return None if self.score is None else round(self.score + 1e-9, 1)

    @property
    def findings(self) -> list[ItemResult]:
        return [r for r in self.items if r.is_finding]

    def finding_counts(self) -> dict[str, int]:
        return {risk: sum(1 for r in self.findings if r.item.risk == risk) for risk in RISKS}


@dataclass(frozen=True)
class Assessment:
    questionnaire: Questionnaire
    answers: AnswerSet
    items: tuple[ItemResult, ...]
    modules: tuple[ModuleResult, ...]
    overall: float | None
    light: Literal["green", "yellow", "red"]
    light_reason: str
    completeness: float
    findings: tuple[ItemResult, ...]
    report_number: str
    deadline_days: Mapping[str, int]
    problems: tuple[Problem, ...] = field(default=())

    @property
    def overall_rounded(self) -> float | None:
        return None if self.overall is None else round(self.overall + 1e-9, 1)

    @property
    def assessment_date(self) -> dt.date | None:
        return self.answers.assessment_date

    def finding_counts(self) -> dict[str, int]:
        return {risk: sum(1 for r in self.findings if r.item.risk == risk) for risk in RISKS}

    @property
    def red_line_findings(self) -> list[ItemResult]:
        return [r for r in self.findings if r.item.risk == "红线"]

    @property
    def to_verify(self) -> list[ItemResult]:
        """Applicable items answered 不清楚 or not answered at all (待核实)."""
        return [r for r in self.findings if r.verdict == "unknown"]


def item_value(item: Item, value: Any) -> tuple[float | None, Verdict | None]:
    """(score 0..1, verdict) of one answer value; (None, None) means 不适用. ``value`` None = unanswered."""
    if value is None or value == "unknown":
        return 0.0, "unknown"
    if value == "na":
        return None, None
    if item.type is ItemType.status:
        score = STATUS_VALUE[value]
    elif item.type is ItemType.choice:
        score = next(o.score or 0.0 for o in item.options if o.value == value)
    elif item.type is ItemType.multi:
        good = [o.value for o in item.options if o.good is not False]
        score = len(set(value) & set(good)) / len(good)
    else:  # number
        score = next(t.score for t in item.thresholds if t.upto is None or value <= t.upto)
    verdict: Verdict = "yes" if score >= 1 else ("no" if score <= 0 else "partial")
    return score, verdict


def weighted_score(results: list[ItemResult]) -> float | None:
    scored = [r for r in results if r.state == "scored"]
    total = sum(r.item.weight for r in scored)
    if not total:
        return None
    return 100.0 * sum(r.item.weight * (r.value or 0.0) for r in scored) / total


def report_number(answers: AnswerSet, q: Questionnaire) -> str:
    """A short, stable hash of the answers and the questionnaire version: same answers, same number."""
    doc = to_document(answers, q)
    blob = json.dumps(doc, sort_keys=True, ensure_ascii=False, default=str)
    return "HG-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10].upper()


def _light(overall: float | None, results: list[ItemResult]) -> tuple[Literal["green", "yellow", "red"], str]:
    scored = [r for r in results if r.state == "scored"]
    red_no = [r.item.id for r in scored if r.item.risk == "红线" and r.verdict == "no"]
    red_open = [r.item.id for r in scored if r.item.risk == "红线" and r.verdict in ("partial", "unknown")]
    high_no = [r.item.id for r in scored if r.item.risk == "高" and r.verdict == "no"]
    shown = f"{overall:.1f}" if overall is not None else "—"

    def ids(xs: list[str]) -> str:
        return "、".join(xs[:5]) + ("等" if len(xs) > 5 else "")

    reasons = []
    if red_no:
        reasons.append(f"{len(red_no)} 项红线项目不符合（{ids(red_no)}）")
    if overall is not None and overall < 60:
        reasons.append(f"总分 {shown} 低于 60 分")
    if reasons:
        return "red", "红灯：" + "；".join(reasons)
    if red_open:
        reasons.append(f"{len(red_open)} 项红线项目部分符合或尚待核实（{ids(red_open)}）")
    if high_no:
        reasons.append(f"{len(high_no)} 项高风险项目不符合（{ids(high_no)}）")
    if overall is not None and overall < 85:
        reasons.append(f"总分 {shown} 低于 85 分")
    if reasons:
        return "yellow", "黄灯：" + "；".join(reasons)
    if overall is None:
        return "green", "绿灯：没有适用于本企业的计分检查项目"
    return "green", f"绿灯：总分 {shown} 分（不低于 85 分），红线项目全部符合，没有高风险项目不符合"


def applicable_items(q: Questionnaire, answers: AnswerSet) -> dict[str, bool]:
    """Which items apply, evaluating conditions in library order over facts and earlier answers."""
    env: dict[str, Any] = answers.profile_env()
    result: dict[str, bool] = {}
    for module in q.modules:
        module_on = module.condition is None or module.condition.evaluate(env)
        for item in module.items:
            on = module_on and (item.condition is None or item.condition.evaluate(env))
            result[item.id] = on
            ans = answers.answers.get(item.id)
            if on and ans is not None and ans.value is not None:
                env[item.id] = ans.value
    return result


def assess(
    q: Questionnaire, answers: AnswerSet, deadline_days: Mapping[str, int] | None = None
) -> Assessment:
    """Score ``answers`` against ``q`` (SPEC §5)."""
    days = {**DEFAULT_DEADLINE_DAYS, **(deadline_days or {})}
    date = answers.assessment_date
    applies = applicable_items(q, answers)
    problems = list(answers.problems)
    results: list[ItemResult] = []
    module_results: list[ModuleResult] = []
    for module in q.modules:
        mod_items: list[ItemResult] = []
        for item in module.items:
            ans = answers.answers.get(item.id)
            if not applies[item.id]:
                if ans is not None and ans.value not in (None, "na"):
                    problems.append(Problem("warning", answers.source, item.id,
                                            "按企业画像本题不适用，答案未计分", "not-applicable"))
                mod_items.append(ItemResult(item, module, "inapplicable", ans))
                continue
            if not item.scored:
                mod_items.append(ItemResult(item, module, "unscored", ans))
                continue
            value, verdict = item_value(item, ans.value if ans else None)
            if value is None:
                mod_items.append(ItemResult(item, module, "na", ans))
                continue
            deadline = None
            if value < 1 and date is not None and item.risk:
                deadline = date + dt.timedelta(days=days[item.risk])
            mod_items.append(ItemResult(item, module, "scored", ans, value, verdict, deadline))
        module_results.append(ModuleResult(module, tuple(mod_items), weighted_score(mod_items)))
        results.extend(mod_items)

    overall = weighted_score(results)
    light, reason = _light(overall, results)
    scored = [r for r in results if r.state == "scored"]
    answered = sum(1 for r in scored if r.answered)
    completeness = answered / len(scored) if scored else 1.0
    order = {m.module: n for n, m in enumerate(q.modules)}
    findings = sorted(
        (r for r in results if r.is_finding),
        key=lambda r: (RISK_ORDER[r.item.risk or "低"], -r.shortfall, order[r.module.module],
                       q.position[r.item.id]),
    )
    return Assessment(
        questionnaire=q,
        answers=answers,
        items=tuple(results),
        modules=tuple(module_results),
        overall=overall,
        light=light,
        light_reason=reason,
        completeness=completeness,
        findings=tuple(findings),
        report_number=report_number(answers, q),
        deadline_days=days,
        problems=tuple(problems),
    )
