"""Scoring (SPEC §5): pure functions from (questionnaire, answers) to an Assessment. No I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Literal

from .answers import Answer, AnswerSet, Problem, to_document
from .questionnaire import Item, ItemType, Module, Questionnaire
from .vocabulary import (
    DEFAULT_DEADLINE_DAYS,
    GREEN_FROM,
    GREY_BELOW_COMPLETENESS,
    HIGH,
    RED_BELOW,
    RED_LINE,
    RISK_ORDER,
    RISKS,
    STATUS_SCORES,
    Depth,
)

__all__ = ["DEFAULT_DEADLINE_DAYS", "RISKS", "Applicability", "Assessment", "ItemResult", "LightRule",
           "ModuleResult", "applicability", "assess", "item_value"]

# scored: counts; na: answered 不适用; inapplicable: its condition is false; unscored: gate/text question;
# not_examined: applies, but a quick check did not ask it (never called compliant).
State = Literal["scored", "na", "inapplicable", "unscored", "not_examined"]
Verdict = Literal["yes", "partial", "no", "unknown"]
LightCode = Literal["red_line_no", "score_below_red", "red_line_open", "high_no", "score_below_green",
                    "incomplete", "all_clear", "nothing_applicable"]


@dataclass(frozen=True)
class LightRule:
    """One rule that set the light (SPEC §5), as data; renderers word it (render/wording.py)."""

    code: LightCode
    items: tuple[str, ...] = ()  # item ids the rule is about
    score: float | None = None  # the unrounded overall score, for score rules
    threshold: float | None = None


@dataclass(frozen=True)
class Applicability:
    """Which questions apply to one firm (SPEC §3 conditions, §2 depth): the one home of this rule.

    ``items`` maps every item id to True/False (its module and item conditions over profile facts and
    earlier answers); ``asked`` is the subset a check of ``depth`` asks: all applicable items at full
    depth, at quick depth the applicable 红线 and key items plus the gate questions they depend on.
    ``switched_off`` names the modules turned off only because a profile fact they need is missing.
    """

    items: dict[str, bool]
    asked: frozenset[str]
    depth: Depth
    switched_off: dict[str, tuple[str, ...]]  # module id -> missing profile facts

    def applies(self, item_id: str) -> bool:
        return self.items.get(item_id, False)


def _in_quick(item: Item) -> bool:
    return item.key or item.risk == RED_LINE


def _env_value(item: Item, value: Any) -> Any:
    """How an answer reads in conditions: a gate answered 不清楚/不适用 counts as not true."""
    if item.type is ItemType.boolean and not isinstance(value, bool):
        return None
    return value


def applicability(q: Questionnaire, answers: AnswerSet, depth: Depth | str | None = None) -> Applicability:
    """Evaluate every condition in library order over profile facts and earlier answers."""
    depth = Depth(depth or answers.depth)
    env: dict[str, Any] = answers.profile_env()
    profile_ids = {pq.id for pq in q.profile}
    items: dict[str, bool] = {}
    asked: set[str] = set()
    switched_off: dict[str, tuple[str, ...]] = {}
    for module in q.modules:
        module_on = module.condition is None or module.condition.evaluate(env)
        if not module_on and module.condition is not None:
            missing = tuple(n for n in module.condition.names if n in profile_ids and env.get(n) is None)
            if missing:
                switched_off[module.module] = missing
        quick_needs: set[str] = set()
        if depth is Depth.quick:
            for item in module.items:
                if _in_quick(item) and item.condition is not None:
                    quick_needs.update(item.condition.names)
        for item in module.items:
            on = module_on and (item.condition is None or item.condition.evaluate(env))
            items[item.id] = on
            if on and (depth is Depth.full or _in_quick(item) or item.id in quick_needs):
                asked.add(item.id)
            ans = answers.answers.get(item.id)
            if on and ans is not None and ans.value is not None:
                env[item.id] = _env_value(item, ans.value)
    return Applicability(items, frozenset(asked), depth, switched_off)


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
    light: Literal["green", "yellow", "red", "grey"]
    light_rules: tuple[LightRule, ...]
    completeness: float
    findings: tuple[ItemResult, ...]
    report_number: str
    deadline_days: Mapping[str, int]
    problems: tuple[Problem, ...] = field(default=())
    depth: Depth = Depth.full
    switched_off: Mapping[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def not_examined(self) -> list[ItemResult]:
        """Applicable items a quick check did not ask (listed in the report, never called compliant)."""
        return [r for r in self.items if r.state == "not_examined"]

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
        score = STATUS_SCORES[value]
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


def _light(overall: float | None, completeness: float,
           results: list[ItemResult]) -> tuple[Literal["green", "yellow", "red", "grey"], tuple[LightRule, ...]]:
    scored = [r for r in results if r.state == "scored"]
    red_no = tuple(r.item.id for r in scored if r.item.risk == RED_LINE and r.verdict == "no")
    red_open = tuple(r.item.id for r in scored if r.item.risk == RED_LINE and r.verdict in ("partial", "unknown"))
    high_no = tuple(r.item.id for r in scored if r.item.risk == HIGH and r.verdict == "no")
    if scored and completeness < GREY_BELOW_COMPLETENESS:
        return "grey", (LightRule("incomplete", score=completeness, threshold=GREY_BELOW_COMPLETENESS),)
    rules: list[LightRule] = []
    if red_no:
        rules.append(LightRule("red_line_no", red_no))
    if overall is not None and overall < RED_BELOW:
        rules.append(LightRule("score_below_red", score=overall, threshold=RED_BELOW))
    if rules:
        return "red", tuple(rules)
    if red_open:
        rules.append(LightRule("red_line_open", red_open))
    if high_no:
        rules.append(LightRule("high_no", high_no))
    if overall is not None and overall < GREEN_FROM:
        rules.append(LightRule("score_below_green", score=overall, threshold=GREEN_FROM))
    if rules:
        return "yellow", tuple(rules)
    if overall is None:
        return "green", (LightRule("nothing_applicable"),)
    return "green", (LightRule("all_clear", score=overall, threshold=GREEN_FROM),)


def applicable_items(q: Questionnaire, answers: AnswerSet) -> dict[str, bool]:
    """Which items apply (kept for callers that need only this; see ``applicability``)."""
    return applicability(q, answers, Depth.full).items


def assess(
    q: Questionnaire, answers: AnswerSet, deadline_days: Mapping[str, int] | None = None
) -> Assessment:
    """Score ``answers`` against ``q`` (SPEC §5)."""
    days = {**DEFAULT_DEADLINE_DAYS, **(deadline_days or {})}
    date = answers.assessment_date
    plan = applicability(q, answers)
    applies = plan.items
    problems = list(answers.problems)
    not_applicable_answers = 0
    results: list[ItemResult] = []
    module_results: list[ModuleResult] = []
    for module in q.modules:
        mod_items: list[ItemResult] = []
        for item in module.items:
            ans = answers.answers.get(item.id)
            if not applies[item.id]:
                if ans is not None and ans.value not in (None, "na"):
                    not_applicable_answers += 1
                mod_items.append(ItemResult(item, module, "inapplicable", ans))
                continue
            if not item.scored:
                mod_items.append(ItemResult(item, module, "unscored", ans))
                continue
            if item.id not in plan.asked and (ans is None or ans.value is None):
                mod_items.append(ItemResult(item, module, "not_examined", ans))
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

    if not_applicable_answers:
        problems.append(Problem("warning", answers.source, "",
                                f"另有 {not_applicable_answers} 个答案对应的题目按企业画像不适用，未计分", "not-applicable"))
    overall = weighted_score(results)
    scored = [r for r in results if r.state == "scored"]
    answered = sum(1 for r in scored if r.answered)
    completeness = answered / len(scored) if scored else 1.0
    light, rules = _light(overall, completeness, results)
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
        light_rules=rules,
        completeness=completeness,
        findings=tuple(findings),
        report_number=report_number(answers, q),
        deadline_days=days,
        problems=tuple(problems),
        depth=plan.depth,
        switched_off=plan.switched_off,
    )
