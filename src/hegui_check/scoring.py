"""Scoring (SPEC §5): pure functions from (questionnaire, answers) to an Assessment. No I/O."""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from typing import Any, Literal, NamedTuple

from .answers import Answer, AnswerSet, Problem, answer_document, document_head, is_bare
from .questionnaire import Item, ItemType, Module, ProfileQuestion, Questionnaire
from .questionnaire.conditions import python_expression
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
from .yamlio import sorted_json

__all__ = [
    "DEFAULT_DEADLINE_DAYS",
    "RISKS",
    "Applicability",
    "Assessment",
    "ItemResult",
    "LightRule",
    "ModuleResult",
    "ReviewProgress",
    "applicability",
    "assess",
    "item_value",
    "profile_for_depth",
    "quick_items",
]

# scored: counts; na: answered 不适用; inapplicable: its condition is false; unscored: gate/text question;
# not_examined: applies, but a quick check did not ask it (never called compliant).
State = Literal["scored", "na", "inapplicable", "unscored", "not_examined"]
Verdict = Literal["yes", "partial", "no", "unknown"]
LightCode = Literal[
    "red_line_no",
    "score_below_red",
    "red_line_open",
    "high_no",
    "score_below_green",
    "incomplete",
    "all_clear",
    "nothing_applicable",
]


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
    ``profile`` lists the profile questions the check asks, in order: at quick depth a question marked
    ``depth: full`` only when its answer can change whether a quick item applies.
    ``switched_off`` names the modules turned off only because a profile fact they need is missing (or
    did not parse); ``blocked`` holds the scored items those modules would have asked.
    """

    items: dict[str, bool]
    asked: frozenset[str]
    depth: Depth
    switched_off: dict[str, tuple[str, ...]]  # module id -> missing profile facts
    profile: tuple[str, ...] = ()
    blocked: frozenset[str] = frozenset()
    # quick depth: items that may apply, but hang on a profile question the quick check did not ask
    undetermined: frozenset[str] = frozenset()
    active: frozenset[str] = frozenset()  # modules with an item that applies

    def applies(self, item_id: str) -> bool:
        return self.items.get(item_id, False)


def _in_quick(item: Item) -> bool:
    return item.key or item.risk == RED_LINE


def quick_items(module: Module) -> list[Item]:
    """The items a quick check asks of a module when they apply: 红线 and key items and their gates."""
    needs: set[str] = set()
    for item in module.items:
        if _in_quick(item) and item.condition is not None:
            needs.update(item.condition.names)
    return [i for i in module.items if _in_quick(i) or i.id in needs]


def _env_value(item: Item, value: Any) -> Any:
    """How an answer reads in conditions: a gate answered 不清楚/不适用 counts as not true."""
    if item.type is ItemType.boolean and not isinstance(value, bool):
        return None
    return value


def _decides_quick_item(q: Questionnaire, pq: ProfileQuestion, env: Mapping[str, Any]) -> bool:
    """Whether the answer to profile question ``pq`` can change whether some quick item applies."""
    base = {k: v for k, v in env.items() if k != pq.id}
    for module in q.modules:
        for item in quick_items(module):
            conditions = [c for c in (module.condition, item.condition) if c is not None]
            if not any(pq.id in c.names for c in conditions):
                continue
            if pq.type != "boolean":
                return True
            outcomes = {all(c.evaluate({**base, pq.id: v}) for c in conditions) for v in (True, False)}
            if len(outcomes) > 1:
                return True
    return False


def profile_for_depth(q: Questionnaire, depth: Depth | str) -> list[ProfileQuestion]:
    """Every profile question a check of ``depth`` may ask, whatever the answers (for blank templates)."""
    if Depth(depth) is Depth.full:
        return list(q.profile)
    named = {
        n for m in q.modules for i in quick_items(m) for c in (m.condition, i.condition) if c for n in c.names
    }
    return [pq for pq in q.profile if pq.depth == "quick" or pq.id in named]


def _profile_asked(q: Questionnaire, env: Mapping[str, Any], depth: Depth) -> tuple[str, ...]:
    asked = []
    for pq, when in q.derived("scoring.profile", lambda: _profile_plan(q)):
        if when is not None and not when(env):
            continue
        if depth is Depth.full or pq.depth == "quick" or _decides_quick_item(q, pq, env):
            asked.append(pq.id)
    return tuple(asked)


def _profile_plan(
    q: Questionnaire,
) -> tuple[tuple[ProfileQuestion, Callable[[Mapping[str, Any]], bool] | None], ...]:
    """Each profile question with its condition compiled."""
    return tuple((pq, pq.condition.predicate if pq.condition is not None else None) for pq in q.profile)


def _missing_facts(
    names: tuple[str, ...], env: Mapping[str, Any], profile: tuple[str, ...]
) -> tuple[str, ...]:
    """The asked profile facts without a value among the names of a module's condition."""
    return tuple(n for n in names if n in profile and env.get(n) is None)


def _unasked_facts(q: Questionnaire, env: Mapping[str, Any], profile: tuple[str, ...]) -> set[str]:
    """Deferred profile questions a quick check did not ask (their own condition holds, no answer)."""
    return {
        pq.id
        for pq in q.profile
        if pq.id not in profile
        and env.get(pq.id) is None
        and (pq.condition is None or pq.condition.evaluate(env))
    }


def _hanging(module: Module, unasked: set[str], env: Mapping[str, Any]) -> list[str]:
    """Items that do not apply now but would with some answer to a profile question not asked."""
    if not unasked:
        return []
    hanging = []
    for item in module.items:
        conditions = [c for c in (module.condition, item.condition) if c is not None]
        names = set().union(*(unasked & set(c.names) for c in conditions))
        if not names:
            continue
        for value in (True, False):
            trial = {**env, **dict.fromkeys(names, value)}
            if all(c.evaluate(trial) for c in conditions):
                hanging.append(item.id)
                break
    return hanging


def _snapshot(q: Questionnaire, answers: AnswerSet, depth: Depth) -> tuple[Any, ...]:
    """Everything applicability reads, compared by value: reading an answer file works out applicability
    (for its warnings) and scoring needs it again for the same, unchanged answers."""
    return (
        id(q),
        depth,
        list(answers.company.items()),
        list(answers.facts.items()),
        list(answers.answers.items()),  # answers never change: the same objects, the same values
    )


def applicability(q: Questionnaire, answers: AnswerSet, depth: Depth | str | None = None) -> Applicability:
    """Evaluate every condition in library order over profile facts and earlier answers."""
    depth = Depth(depth or answers.depth)
    snapshot = _snapshot(q, answers, depth)
    memo = answers.__dict__.get("_applicability")
    if memo is not None and memo[0] == snapshot and memo[2] is q:
        return memo[1]  # type: ignore[no-any-return]
    result = _applicability(q, answers, depth)
    answers.__dict__["_applicability"] = (snapshot, result, q)  # not a field: dataclasses.replace drops it
    return result


class _ItemPlan(NamedTuple):
    item: Item
    id: str
    when: Callable[[Mapping[str, Any]], bool] | None  # its condition, compiled
    named: bool  # a condition names it: its answer is learnt
    scored: bool
    weight: int


@dataclass(frozen=True)
class _ModulePlan:
    """One module as scoring walks it for every company: conditions compiled, item ids at hand."""

    module: Module
    condition: Callable[[Mapping[str, Any]], bool] | None
    names: tuple[str, ...]  # the names its condition uses
    items: tuple[_ItemPlan, ...]
    ids: frozenset[str]  # every item: what a full check asks when it applies
    quick: frozenset[str]  # what a quick check asks when it applies
    off: dict[str, bool]  # every item id -> False, for a module that does not apply
    idle: ModuleResult  # its result when no item applies and none is answered (or waits on an answer)
    walkers: dict[bool, Walker] = field(default_factory=dict, compare=False)  # quick? -> _walker

    def walker(self, quick: bool) -> Walker:
        found = self.walkers.get(quick)
        if found is None:
            found = self.walkers[quick] = _walker(self.items, self.quick if quick else self.ids)
        return found


# (env, the firm's answers, items: id -> applies, asked) -> whether an item of the module applies
Walker = Callable[[dict[str, Any], Mapping[str, Answer], dict[str, bool], list[str]], bool]


def _walker(items: tuple[_ItemPlan, ...], in_depth: frozenset[str]) -> Walker:
    """A module's items walked for one firm whose module applies, in order, as one generated function:
    each item's condition over ``env``; the result into ``items``; an applicable item of ``in_depth``
    into ``asked``; an applicable item's answer into ``env`` when a condition names it.

    Conditions are evaluated for every item of every company, so the walk is straight-line code, the
    common conditions inline (``python_expression``), not a loop over closures."""
    constants: dict[str, Any] = {}

    def constant(value: Any) -> str:
        name = f"K{len(constants)}"
        constants[name] = value
        return name

    lines = ["def walk(env, given, items, asked):", "    g = env.get", "    active = False"]
    for item_plan in items:
        item_id = repr(item_plan.id)  # a string literal, whatever the id holds
        condition = item_plan.item.condition
        if condition is None:
            lines += [f"    items[{item_id}] = True", "    if True:"]
        else:
            on = python_expression(condition.tree, constant)
            lines += [f"    on = {on}", f"    items[{item_id}] = on", "    if on:"]
        lines.append("        active = True")
        if item_plan.id in in_depth:
            lines.append(f"        asked.append({item_id})")
        if item_plan.named:  # an answer to an applicable item becomes a name later conditions can use
            learn = f"{constant(_env_value)}({constant(item_plan.item)}, a.value)"
            lines += [
                f"        a = given.get({item_id})",
                "        if a is not None and a.value is not None:",
                f"            env[{item_id}] = {learn}",
            ]
    lines.append("    return active")
    code = compile("\n".join(lines) + "\n", "<hegui-check applicability>", "exec")
    namespace: dict[str, Any] = dict(constants)
    exec(code, namespace)  # noqa: S102 - source made above from parsed conditions, never from user text
    return namespace["walk"]  # type: ignore[no-any-return]


def _module_plans(q: Questionnaire) -> tuple[_ModulePlan, ...]:
    named: set[str] = set()
    for cond in (
        *(pq.condition for pq in q.profile),
        *(m.condition for m in q.modules),
        *(i.condition for i in q.items.values()),
    ):
        if cond is not None:
            named.update(cond.names)
    return tuple(
        _ModulePlan(
            module,
            module.condition.predicate if module.condition is not None else None,
            tuple(module.condition.names) if module.condition is not None else (),
            tuple(
                _ItemPlan(
                    i,
                    i.id,
                    i.condition.predicate if i.condition is not None else None,
                    i.id in named,
                    i.scored,
                    i.weight,
                )
                for i in module.items
            ),
            frozenset(i.id for i in module.items),
            frozenset(i.id for i in quick_items(module)),
            dict.fromkeys((i.id for i in module.items), False),
            ModuleResult(
                module, tuple(ItemResult(i, module, "inapplicable", None) for i in module.items), None
            ),
        )
        for module in q.modules
    )


# long: the rule of SPEC §3/§2 in library order, kept as one loop over modules and items
def _applicability(q: Questionnaire, answers: AnswerSet, depth: Depth) -> Applicability:
    env: dict[str, Any] = answers.profile_env()
    profile = _profile_asked(q, env, depth)
    given = answers.answers
    items: dict[str, bool] = {}
    asked: list[str] = []
    blocked: set[str] = set()
    switched_off: dict[str, tuple[str, ...]] = {}
    quick = depth is Depth.quick
    unasked = _unasked_facts(q, env, profile) if quick else set()
    undetermined: set[str] = set()
    active: set[str] = set()
    for plan in q.derived("scoring.modules", lambda: _module_plans(q)):
        module = plan.module
        module_on = plan.condition is None or plan.condition(env)
        in_depth = plan.quick if quick else plan.ids
        if unasked:
            undetermined.update(_hanging(module, unasked, env))
        if not module_on:
            missing = _missing_facts(plan.names, env, profile)
            if missing:
                switched_off[module.module] = missing
                blocked.update(
                    i.id
                    for i in plan.items
                    if i.scored and i.id in in_depth and (i.when is None or i.when(env))
                )
            items.update(plan.off)
            continue
        if plan.walker(quick)(env, given, items, asked):
            active.add(module.module)
    return Applicability(
        items,
        frozenset(asked),
        depth,
        switched_off,
        profile,
        frozenset(blocked),
        frozenset(undetermined) - frozenset(asked),
        active=frozenset(active),
    )


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


def _count_by_risk(findings: Iterable[ItemResult]) -> dict[str, int]:
    """How many of ``findings`` there are of each risk level, every level of RISKS named, in one pass."""
    counts: dict[str, int] = dict.fromkeys(RISKS, 0)
    for r in findings:
        risk = r.item.risk
        if risk in counts:
            counts[risk] += 1
    return counts


@dataclass(frozen=True)
class ModuleResult:
    module: Module
    items: tuple[ItemResult, ...]
    score: float | None  # unrounded; None = 不适用

    @property
    def applicable(self) -> bool:
        return self.score is not None

    @cached_property  # read for the record, the industry share and the report of every company
    def rounded(self) -> float | None:
        return None if self.score is None else round(self.score + 1e-9, 1)

    @property
    def findings(self) -> list[ItemResult]:
        return [r for r in self.items if r.is_finding]

    def finding_counts(self) -> dict[str, int]:
        return _count_by_risk(self.findings)


@dataclass(frozen=True)
class ReviewProgress:
    """A lawyer's review of an owner's answers (SPEC §4), for "律师复核 N/M 项": ``reviewed`` of the
    ``total`` applicable items asked; ``not_reviewed`` are the rest (owner's answer kept, or unanswered)."""

    reviewed: int
    total: int
    not_reviewed: tuple[ItemResult, ...]


def review_progress(results: list[ItemResult]) -> ReviewProgress:
    applicable = [r for r in results if r.applicable]
    pending = tuple(r for r in applicable if not r.answered or not r.answer or not r.answer.reviewed)
    return ReviewProgress(len(applicable) - len(pending), len(applicable), pending)


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
    # in library order: the items scored; applicable items a quick check did not ask (never called
    # compliant); applicable gate and text questions
    scored: tuple[ItemResult, ...]
    not_examined: tuple[ItemResult, ...]
    unscored: tuple[ItemResult, ...]
    report_number: str
    deadline_days: Mapping[str, int]
    problems: tuple[Problem, ...] = field(default=())
    depth: Depth = Depth.full
    switched_off: Mapping[str, tuple[str, ...]] = field(default_factory=dict)
    review: ReviewProgress | None = None  # lawyer mode only: how far the review of the owner's answers got

    @property
    def overall_rounded(self) -> float | None:
        return None if self.overall is None else round(self.overall + 1e-9, 1)

    @property
    def assessment_date(self) -> dt.date | None:
        return self.answers.assessment_date

    def finding_counts(self) -> dict[str, int]:
        return _count_by_risk(self.findings)

    @property
    def red_line_findings(self) -> list[ItemResult]:
        return [r for r in self.findings if r.item.risk == RED_LINE]

    @property
    def to_verify(self) -> list[ItemResult]:
        """Applicable items answered 不清楚 or not answered at all (待核实)."""
        return [r for r in self.findings if r.verdict == "unknown"]


# an Enum's members are slow to look up: the ones looked up for every answer, at hand
_STATUS, _CHOICE, _MULTI = ItemType.status, ItemType.choice, ItemType.multi


def item_value(item: Item, value: Any) -> tuple[float | None, Verdict | None]:
    """(score 0..1, verdict) of one answer value; (None, None) means 不适用. ``value`` None = unanswered."""
    if value is None or value == "unknown":
        return 0.0, "unknown"
    if value == "na":
        return None, None
    kind = item.type
    if kind is _STATUS:
        score = STATUS_SCORES[value]
    elif kind is _CHOICE:
        score = next(o.score or 0.0 for o in item.options if o.value == value)
    elif kind is _MULTI:
        good = [o.value for o in item.options if o.good is not False]
        score = len(set(value) & set(good)) / len(good)
    else:  # number
        score = next(t.score for t in item.thresholds if t.upto is None or value <= t.upto)
    verdict: Verdict = "yes" if score >= 1 else ("no" if score <= 0 else "partial")
    return score, verdict


def weighted_score(results: list[ItemResult]) -> float | None:
    scored = [r for r in results if r.state == "scored"]
    return _weighted([r.item.weight for r in scored], [r.item.weight * (r.value or 0.0) for r in scored])


def _weighted(weights: list[int], products: list[float]) -> float | None:
    """The weighted score (0..100) from each scored item's weight and weight × value, in item order;
    None when they weigh nothing."""
    total = sum(weights)
    if not total:
        return None
    return 100.0 * sum(products) / total


def report_number(answers: AnswerSet, q: Questionnaire) -> str:
    """A short, stable hash of the answers and the questionnaire version: same answers, same number.

    The hash is of ``json.dumps(to_document(answers, q), sort_keys=True, ensure_ascii=False,
    default=str)``; that text is put together from its parts (the answers sort first, each bare answer
    remembered as JSON), as json itself would write it."""
    # id of a shared answer -> (the answer, its item, its part of the text)
    known: dict[int, tuple[Answer, str, str]] = q.derived("scoring.answer_json", dict)
    given = answers.answers
    parts = []
    for item_id in sorted(given):
        ans = given[item_id]
        found = known.get(id(ans))
        if found is not None and found[0] is ans and found[1] == item_id:
            parts.append(found[2])
            continue
        part = sorted_json(item_id) + ": " + sorted_json(answer_document(ans))
        if is_bare(ans):  # shared between companies (see answers._bare_answer)
            if len(known) >= _SHARED_MAX:
                known.clear()
            known[id(ans)] = (ans, item_id, part)
        parts.append(part)
    head = sorted_json(document_head(answers, q))  # '{"assessor": …}': every key sorts after "answers"
    blob = '{"answers": {' + ", ".join(parts) + "}, " + head[1:]
    return "HG-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10].upper()


def _light(
    overall: float | None, completeness: float, results: list[ItemResult]
) -> tuple[Literal["green", "yellow", "red", "grey"], tuple[LightRule, ...]]:
    red_no: list[str] = []
    red_open: list[str] = []
    high_no: list[str] = []
    any_scored = False
    for r in results:  # one pass
        if r.state != "scored":
            continue
        any_scored = True
        risk, verdict = r.item.risk, r.verdict
        if risk == RED_LINE:
            if verdict == "no":
                red_no.append(r.item.id)
            elif verdict in ("partial", "unknown"):
                red_open.append(r.item.id)
        elif risk == HIGH and verdict == "no":
            high_no.append(r.item.id)
    if any_scored and completeness < GREY_BELOW_COMPLETENESS:
        return "grey", (LightRule("incomplete", score=completeness, threshold=GREY_BELOW_COMPLETENESS),)
    rules: list[LightRule] = []
    if red_no:
        rules.append(LightRule("red_line_no", tuple(red_no)))
    if overall is not None and overall < RED_BELOW:
        rules.append(LightRule("score_below_red", score=overall, threshold=RED_BELOW))
    if rules:
        return "red", tuple(rules)
    if red_open:
        rules.append(LightRule("red_line_open", tuple(red_open)))
    if high_no:
        rules.append(LightRule("high_no", tuple(high_no)))
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


_SHARED_MAX = 4096


class _Step(NamedTuple):
    """One item of one firm as assess counts it: its result and what the result adds up to."""

    answer: Answer | None
    result: ItemResult
    kind: int  # _SCORED, _NA_ANSWERED (inapplicable, yet answered), _NOT_EXAMINED, _UNSCORED or _OTHER
    answered: bool  # scored and answered: counts toward completeness
    finding: bool
    product: float  # weight × value of a scored item


_SCORED, _NA_ANSWERED, _NOT_EXAMINED, _UNSCORED, _OTHER = range(5)
_KINDS = {"not_examined": _NOT_EXAMINED, "unscored": _UNSCORED}  # other states: _OTHER


def _item_step(
    plan: _ItemPlan,
    module: Module,
    ans: Answer | None,
    state: str,
) -> _Step:
    """One item's result for ``state`` (SPEC §5), without a deadline, and its counts."""
    result = _result(plan.item, module, state, ans)
    answered = ans is not None and ans.value is not None
    if result.state == "scored":
        value = result.value or 0.0
        return _Step(ans, result, _SCORED, answered, value < 1, plan.weight * value)
    if result.state == "inapplicable" and ans is not None and ans.value not in (None, "na"):
        return _Step(ans, result, _NA_ANSWERED, False, False, 0.0)
    kind = _KINDS.get(result.state, _OTHER)
    return _Step(ans, result, kind, False, False, 0.0)


def _result(item: Item, module: Module, state: str, ans: Answer | None) -> ItemResult:
    """An item's result without a deadline; state "valued": scored, or na, by the answer's value."""
    if state != "valued":
        return ItemResult(item, module, state, ans)  # type: ignore[arg-type]
    value, verdict = item_value(item, ans.value if ans else None)
    if value is None:
        return ItemResult(item, module, "na", ans)
    return ItemResult(item, module, "scored", ans, value, verdict)


# long: SPEC §5 step by step (applicability, item values, modules, light, completeness, findings) in its order
def assess(
    q: Questionnaire, answers: AnswerSet, deadline_days: Mapping[str, int] | None = None
) -> Assessment:
    """Score ``answers`` against ``q`` (SPEC §5)."""
    days = {**DEFAULT_DEADLINE_DAYS, **(deadline_days or {})}
    date = answers.assessment_date
    plan = applicability(q, answers)
    problems = list(answers.problems)
    given = answers.answers
    # without its deadline a result depends only on the item, its state and the answer: answers read from
    # bare values are shared between files (answers._bare_answer), and so is such an item's step (keyed by
    # the answer object's id, checked to be that object); a finding gets the company's deadline
    shared: dict[tuple[str, str, int], _Step] = q.derived("scoring.results", dict)
    not_applicable_answers = 0
    answered = 0  # scored items with an answer
    results: list[ItemResult] = []
    scored: list[ItemResult] = []
    findings: list[ItemResult] = []
    not_examined: list[ItemResult] = []
    unscored: list[ItemResult] = []
    weights: list[int] = []
    products: list[float] = []
    module_results: list[ModuleResult] = []
    applies, undetermined, asked = plan.items, plan.undetermined, plan.asked
    for module_plan in q.derived("scoring.modules", lambda: _module_plans(q)):
        module = module_plan.module
        ids = module_plan.ids
        if module.module not in plan.active and ids.isdisjoint(given) and ids.isdisjoint(undetermined):
            module_results.append(module_plan.idle)  # nothing applies, nothing answered: as every such firm
            results.extend(module_plan.idle.items)
            continue
        mod_items, mod_weights, mod_products = [], [], []
        for item_plan, idle in zip(module_plan.items, module_plan.idle.items):
            item_id = item_plan.id
            ans = given.get(item_id)
            answered_now = ans is not None and ans.value is not None
            if not applies.get(item_id, False):  # SPEC §5: the item's state
                if not (item_plan.scored and not answered_now and item_id in undetermined):
                    if ans is None:
                        mod_items.append(idle)  # inapplicable and unanswered: as in every firm
                        continue
                    state = "inapplicable"
                else:
                    state = "not_examined"
            elif not item_plan.scored:
                state = "unscored"
            elif not answered_now and item_id not in asked:
                state = "not_examined"
            else:
                state = "valued"  # scored or na, as the answer says
            key = (item_id, state, id(ans))
            step = shared.get(key)
            if step is None or step.answer is not ans:  # the same object: its id cannot have been reused
                step = _item_step(item_plan, module, ans, state)
                if ans is None or is_bare(ans):  # a bare answer, shared; one with a note is the firm's own
                    if len(shared) >= _SHARED_MAX:
                        shared.clear()
                    shared[key] = step
            r = step.result
            mod_items.append(r)
            kind = step.kind
            if kind == _SCORED:
                scored.append(r)
                mod_weights.append(item_plan.weight)
                mod_products.append(step.product)
                if step.answered:
                    answered += 1
                if step.finding:
                    if date is not None and r.item.risk:
                        deadline = date + dt.timedelta(days=days[r.item.risk])
                        r = mod_items[-1] = ItemResult(
                            r.item, module, "scored", ans, r.value, r.verdict, deadline
                        )
                        scored[-1] = r
                    findings.append(r)
            elif kind == _NA_ANSWERED:
                not_applicable_answers += 1
            elif kind == _NOT_EXAMINED:
                not_examined.append(r)
            elif kind == _UNSCORED:
                unscored.append(r)
        module_results.append(ModuleResult(module, tuple(mod_items), _weighted(mod_weights, mod_products)))
        results.extend(mod_items)
        weights += mod_weights
        products += mod_products

    if not_applicable_answers:
        problems.append(
            Problem(
                "warning",
                answers.source,
                "",
                f"另有 {not_applicable_answers} 个答案对应的题目按企业画像不适用，未计分",
                "not-applicable",
            )
        )
    overall = _weighted(weights, products)
    # items of a module switched off by a missing/invalid profile value count as unanswered
    expected = len(scored) + len(plan.blocked)
    completeness = answered / expected if expected else 1.0
    light, rules = _light(overall, completeness, scored)
    order = q.derived("scoring.module_order", lambda: {m.module: n for n, m in enumerate(q.modules)})
    findings.sort(
        key=lambda r: (
            RISK_ORDER[r.item.risk or "低"],
            -r.shortfall,
            order[r.module.module],
            q.position[r.item.id],
        ),
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
        scored=tuple(scored),
        not_examined=tuple(not_examined),
        unscored=tuple(unscored),
        report_number=report_number(answers, q),
        deadline_days=days,
        problems=tuple(problems),
        depth=plan.depth,
        switched_off=plan.switched_off,
        review=review_progress(results) if answers.assessor.mode == "lawyer" else None,
    )
