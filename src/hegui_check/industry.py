"""The industry picture (行业合规画像) of a batch: pure aggregation over the companies' results.

Each company becomes a small, serialisable ``Contribution`` (so batch shards can be merged later); the
accumulator keeps running totals and, per company key, the contribution it counted, so a firm that
appears twice (same 统一社会信用代码, else same name and region) is counted once — the later row wins.
"""

from __future__ import annotations

import datetime as dt
import statistics
from array import array
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING, Any

from .anonymize import name_variants, redact
from .credit import FACT_IDS as CREDIT_FACTS
from .questionnaire import Questionnaire
from .regions import normalize_region
from .vocabulary import LIGHT_ORDER, LIGHT_SHORT, RISKS

if TYPE_CHECKING:
    from .scoring import Assessment

LIGHTS = tuple((light, LIGHT_SHORT[light]) for light in LIGHT_ORDER)
_NO_SCORE = float("nan")
FOCUS_LIMIT = 200  # rows of the 重点关注企业 list in the report; the summary spreadsheet has every firm


def _stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "stdev": round(statistics.pstdev(values), 1) if len(values) > 1 else 0.0,
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def company_key(company: dict[str, Any]) -> str:
    """One firm, however often it appears: its USCC, else its name and normalised region."""
    uscc = str(company.get("uscc") or "").strip().upper()
    if uscc:
        return "uscc:" + uscc
    name = "".join(str(company.get("company_name") or "").split())
    return f"name:{name}|{normalize_region(company.get('region')).label}" if name else ""


@dataclass
class Contribution:
    """What one company adds to the industry picture (plain data: JSON-serialisable)."""

    key: str
    name: str
    uscc: str
    industry: str
    region: str
    score: float | None
    light: str
    red_lines: list[str] = field(default_factory=list)  # item ids of red-line findings
    by_risk: dict[str, int] = field(default_factory=dict)
    module_scores: dict[str, float] = field(default_factory=dict)
    applicable: list[str] = field(default_factory=list)
    no: list[str] = field(default_factory=list)  # findings answered 不符合
    open: list[str] = field(default_factory=list)  # findings 部分符合 or 不清楚/unanswered
    needs: list[tuple[str, str]] = field(default_factory=list)  # (question, answer text)
    credit: dict[str, Any] = field(default_factory=dict)  # credit-record facts, when the firm gave any

    def as_dict(self) -> dict[str, Any]:
        """Plain data (the fields are already JSON types; a shallow copy is several times faster than
        dataclasses.asdict, which copies every list item by item)."""
        data = dict(self.__dict__)
        data["needs"] = [list(n) for n in self.needs]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Contribution:
        data = dict(data)
        data["needs"] = [tuple(n) for n in data.get("needs", [])]
        return cls(**data)


def contribution(a: Assessment, row: int | None = None) -> Contribution:
    """The industry-report share of one assessed company."""
    company = a.answers.company
    industry_labels = (
        {o.value: o.label for o in a.questionnaire.profile_by_id["industry"].options}
        if "industry" in a.questionnaire.profile_by_id
        else {}
    )
    industry = company.get("industry")
    key = company_key(company) or f"row:{a.answers.source}:{row}"
    c = Contribution(
        key=key,
        name=str(company.get("company_name") or ""),
        uscc=str(company.get("uscc") or ""),
        industry=industry_labels.get(industry, str(industry)) if industry else "未填写",
        region=normalize_region(company.get("region")).label or "未填写",
        score=a.overall_rounded,
        light=a.light,
        red_lines=[
            r.item.id for r in a.red_line_findings if r.verdict != "unknown"
        ],  # 待核实 is not a finding
        by_risk=a.finding_counts(),
        module_scores={m.module.module: m.rounded for m in a.modules if m.rounded is not None},
        credit={k: a.answers.facts[k] for k in CREDIT_FACTS if a.answers.facts.get(k) not in (None, "")},
    )
    for r in a.items:
        if r.state == "scored":
            c.applicable.append(r.item.id)
            if r.is_finding:
                (c.no if r.verdict == "no" else c.open).append(r.item.id)
        elif r.state == "unscored" and r.item.type.value == "text" and r.answer and r.answer.value:
            c.needs.append((r.item.question, str(r.answer.value).strip()))
    return c


class IndustryAccumulator:
    """Collects what the industry report needs one company at a time, so a batch keeps no assessments."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.unreadable = 0
        self.members: dict[str, Contribution] = {}
        self.duplicates: list[tuple[str, str]] = []  # (key, name) of rows that replaced an earlier row
        self.lights: Counter[str] = Counter()
        self.by_risk: Counter[str] = Counter()
        self.applicable: Counter[str] = Counter()
        self.no: Counter[str] = Counter()
        self.open: Counter[str] = Counter()
        self._ids = list(q.items)  # item ids by number, for packing the members' item lists
        self._index = {item_id: n for n, item_id in enumerate(self._ids)}
        self._lists: dict[str, tuple[Any, Any, Any]] = {}
        self._modules = [m.module for m in q.modules]  # members' module scores kept as one array each
        self._module_index = set(self._modules)
        self._scores: dict[str, array[float]] = {}

    # -- adding ---------------------------------------------------------------------------------
    def add_unreadable(self) -> None:
        self.unreadable += 1

    def add(self, a: Assessment, row: int | None = None) -> Contribution | None:
        """Count one company; returns the contribution it replaced when the firm was seen before."""
        return self.add_contribution(contribution(a, row))

    def add_contribution(self, c: Contribution) -> Contribution | None:
        previous = self.members.get(c.key)
        if previous is not None:
            applicable, no, open_ = self._unpack(self._lists.pop(c.key))
            previous = replace(
                previous, applicable=applicable, no=no, open=open_, module_scores=self._module_scores(c.key)
            )
            self._count(previous, -1)
            self.duplicates.append((c.key, c.name or previous.name))
        self._count(c, +1)
        # the item lists are only needed again if the firm turns up once more: kept packed, two bytes an item
        self._lists[c.key] = self._pack(c)
        self._scores[c.key] = array("d", (c.module_scores.get(m, _NO_SCORE) for m in self._modules))
        extra = {m: v for m, v in c.module_scores.items() if m not in self._module_index}
        self.members[c.key] = replace(c, applicable=[], no=[], open=[], module_scores=extra)
        return previous

    def _module_scores(self, key: str) -> dict[str, float]:
        scores = {m: v for m, v in zip(self._modules, self._scores[key]) if v == v}  # NaN: no score
        scores.update(self.members[key].module_scores)
        return scores

    def _pack(self, c: Contribution) -> tuple[Any, Any, Any]:
        index = self._index
        packed = []
        for ids in (c.applicable, c.no, c.open):
            packed.append(array("H", [index[i] for i in ids]) if all(i in index for i in ids) else tuple(ids))
        return packed[0], packed[1], packed[2]

    def _unpack(self, packed: tuple[Any, Any, Any]) -> tuple[list[str], list[str], list[str]]:
        def ids(value: Any) -> list[str]:
            return [self._ids[n] for n in value] if isinstance(value, array) else list(value)

        return ids(packed[0]), ids(packed[1]), ids(packed[2])

    def _count(self, c: Contribution, sign: int) -> None:
        if c.score is None:
            return
        self.lights[c.light] += sign
        for risk, n in c.by_risk.items():
            self.by_risk[risk] += sign * n
        for counter, ids in ((self.applicable, c.applicable), (self.no, c.no), (self.open, c.open)):
            for item_id in ids:
                counter[item_id] += sign

    # -- the picture ------------------------------------------------------------------------------
    def _title(self, item_id: str) -> str:
        item = self.q.items.get(item_id)
        return item.short_title if item else item_id

    def _common_findings(self, top: int) -> list[dict[str, Any]]:
        failing = Counter(
            {k: self.no[k] + self.open[k] for k in self.applicable if self.no[k] + self.open[k] > 0}
        )
        ranked = sorted(failing.items(), key=lambda kv: (-kv[1], -kv[1] / self.applicable[kv[0]], kv[0]))
        common = []
        for item_id, count in ranked[:top]:
            item = self.q.items.get(item_id)
            n = self.applicable[item_id]
            common.append(
                {
                    "id": item_id,
                    "title": self._title(item_id),
                    "module": self.q.module_of[item_id].title if item_id in self.q.module_of else "",
                    "risk": item.risk if item else "",
                    "failures": count,
                    "applicable": n,
                    "rate": round(count / n, 3),
                    "no": self.no[item_id],
                    "no_rate": round(self.no[item_id] / n, 3),
                    "open": self.open[item_id],
                    "open_rate": round(self.open[item_id] / n, 3),
                }
            )
        return common

    def _module_spread(self, scored: list[Contribution]) -> list[dict[str, Any]]:
        module_scores: dict[str, list[float]] = defaultdict(list)
        for c in scored:
            for module_id, s in self._module_scores(c.key).items():
                module_scores[module_id].append(s)
        return [
            {"id": m.module, "title": m.title, **_stats(module_scores[m.module])}
            for m in self.q.modules
            if module_scores.get(m.module)
        ]

    def _focus(self, scored: list[Contribution], anonymize: bool) -> dict[str, Any]:
        focus = sorted(
            (c for c in scored if c.light == "red" or c.red_lines),
            key=lambda c: (c.light != "red", c.score if c.score is not None else 0.0, c.name),
        )
        return {
            "count": len(focus),
            "companies": None
            if anonymize
            else [
                {
                    "name": c.name,
                    "uscc": c.uscc,
                    "industry": c.industry,
                    "region": c.region,
                    "score": c.score,
                    "light": c.light,
                    "red_lines": [self._title(i) for i in c.red_lines],
                }
                for c in focus[:FOCUS_LIMIT]
            ],
        }

    def summary(
        self, anonymize: bool = False, top: int = 10, organization: str = "", date: dt.date | None = None
    ) -> dict[str, Any]:
        """Companies checked (each firm once), light distribution, module score spread, the most common
        findings with their 不符合 and 部分符合/不清楚 rates, firms to watch, breakdowns by industry and
        region, firms with penalty records, and the companies' own needs grouped by question."""
        members = list(self.members.values())
        scored = [c for c in members if c.score is not None]
        scores = [c.score for c in scored if c.score is not None]
        return {
            "format": "hegui-check-industry/1",
            "questionnaire_version": self.q.version,
            "organization": organization,
            "date": (date or dt.date.today()).isoformat(),
            "anonymized": anonymize,
            "companies": len(members) + self.unreadable,
            "rows": len(members) + self.unreadable + len(self.duplicates),
            "duplicates": len(self.duplicates),
            "scored": len(scored),
            "unreadable": self.unreadable,
            "lights": {k: self.lights.get(k, 0) for k, _ in LIGHTS},
            "overall": _stats(scores) if scores else None,
            "findings_by_risk": {risk: self.by_risk.get(risk, 0) for risk in RISKS},
            "companies_with_red_lines": sum(1 for c in scored if c.red_lines),
            "modules": self._module_spread(scored),
            "common_findings": self._common_findings(top),
            "focus": self._focus(scored, anonymize),
            "by_industry": _breakdown(scored, "industry"),
            "by_region": _breakdown(scored, "region"),
            "credit": credit_summary(members),
            "needs": _needs(members, anonymize),
            "company_list": None
            if anonymize
            else [
                {
                    "name": c.name,
                    "uscc": c.uscc,
                    "score": c.score,
                    "light": c.light,
                    "industry": c.industry,
                    "region": c.region,
                    "red_lines": [self._title(i) for i in c.red_lines],
                }
                for c in sorted(scored, key=lambda c: (c.score if c.score is not None else 0.0, c.name))
            ],
        }


def _breakdown(scored: list[Contribution], attr: str) -> list[dict[str, Any]]:
    """Per industry or region: firms, score spread, lights and firms with red-line findings."""
    groups: dict[str, list[Contribution]] = defaultdict(list)
    for c in scored:
        groups[getattr(c, attr)].append(c)
    rows = []
    for name, group in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
        counts = Counter(c.light for c in group)
        rows.append(
            {
                "name": name,
                "companies": len(group),
                **_stats([c.score or 0.0 for c in group]),
                "lights": {k: counts.get(k, 0) for k, _ in LIGHTS},
                "red_line_companies": sum(1 for c in group if c.red_lines),
            }
        )
    return rows


def _needs(members: list[Contribution], anonymize: bool) -> list[dict[str, Any]]:
    """The companies' own needs by question; in an anonymised report names and contact data redacted."""
    redact_names = name_variants(c.name for c in members) if anonymize else []
    needs: dict[str, Counter[str]] = defaultdict(Counter)
    for c in members:
        for question, text in c.needs:
            needs[question][redact(text, redact_names) if anonymize else text] += 1
    return [
        {"question": question, "answers": [{"text": t, "count": n} for t, n in counter.most_common()]}
        for question, counter in needs.items()
    ]


def credit_summary(members: list[Contribution]) -> dict[str, Any]:
    """Firms that reported a penalty or list record, split into those whose record can be repaired or
    removed early once corrected (ordinary penalties, 经营异常名录, a D tax credit level) and those whose
    record cannot be removed early (责令停产停业, 吊销, 限制从业 and similar serious penalties — 《市场监督管理
    行政处罚信息公示规定》第十四条第三款 — or a 严重违法失信名单 listing), so an association can plan a
    credit-repair campaign."""
    with_record = [c for c in members if c.credit.get("credit_record")]
    serious = [
        c for c in with_record if c.credit.get("penalty_kind") == "serious" or c.credit.get("serious_list")
    ]
    return {
        "with_record": len(with_record),
        "repairable": len(with_record) - len(serious),
        "not_early": len(serious),
    }


__all__ = ["Contribution", "IndustryAccumulator", "company_key", "contribution", "credit_summary"]
