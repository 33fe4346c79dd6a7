"""The industry picture (行业合规画像) of a batch: pure aggregation over the companies' results.

Each company becomes a small, serialisable ``Contribution`` (so batch shards can be merged later). The
accumulator keeps running totals — counters, and score histograms from which the means and spreads are
worked out exactly — and puts what the report lists company by company (members, 重点关注企业, the
company list, the companies' needs) in a temporary SQLite database, so its memory does not grow with the
batch. A firm that appears twice (same 统一社会信用代码, else same name and region) is counted once — the
later row wins: the earlier row's share is read again and taken back out of the totals.
"""

from __future__ import annotations

import datetime as dt
import json
import sqlite3
import statistics
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from .anonymize import name_variants, redact
from .credit import FACT_IDS as CREDIT_FACTS
from .questionnaire import ItemType, Questionnaire
from .regions import normalize_region
from .vocabulary import LIGHT_ORDER, LIGHT_SHORT, RISKS
from .yamlio import compact_json

if TYPE_CHECKING:
    from .scoring import Assessment

LIGHTS = tuple((light, LIGHT_SHORT[light]) for light in LIGHT_ORDER)
FOCUS_LIMIT = 200  # rows of the 重点关注企业 list in the report; the summary spreadsheet has every firm
# The HTML/PDF report lists at most this many firms in its appendix and this many answers per need question
# (a district's 45,000 firms would be a thousand pages to lay out); the JSON report and summary.xlsx/csv
# hold every one.
REPORT_COMPANIES_LISTED = 500
REPORT_NEEDS_LISTED = 100
DUPLICATES_NAMED = 5  # firms named in the note about firms listed twice
_NEED_SLOTS = 1 << 20  # a need's order: member slot * this + its index among the member's needs
_CACHE_KIB = (
    1024  # SQLite page cache (and sorting memory) of the accumulator's database; more spills to a file
)


def _stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "stdev": round(statistics.pstdev(values), 1) if len(values) > 1 else 0.0,
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def _histogram_stats(histogram: Counter[float]) -> dict[str, Any]:
    """``_stats`` of the values a histogram counts (exact sums: the order of the values does not matter)."""
    return _stats([value for value, n in histogram.items() for _ in range(n)])


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
    facts = a.answers.facts
    labels = industry_labels(a.questionnaire)
    industry = company.get("industry")
    key = company_key(company) or f"row:{a.answers.source}:{row}"
    c = Contribution(
        key=key,
        name=str(company.get("company_name") or ""),
        uscc=str(company.get("uscc") or ""),
        industry=labels.get(industry, str(industry)) if industry else "未填写",
        region=normalize_region(company.get("region")).label or "未填写",
        score=a.overall_rounded,
        light=a.light,
        red_lines=[
            r.item.id for r in a.red_line_findings if r.verdict != "unknown"
        ],  # 待核实 is not a finding
        by_risk=a.finding_counts(),
        module_scores={m.module.module: s for m in a.modules if (s := m.rounded) is not None},
        credit={k: facts[k] for k in CREDIT_FACTS if facts.get(k) not in (None, "")},
    )
    scored = a.scored
    c.applicable = [r.item.id for r in scored]
    findings = [r for r in scored if r.value is not None and r.value < 1]  # ItemResult.is_finding, in order
    c.no = [r.item.id for r in findings if r.verdict == "no"]
    c.open = [r.item.id for r in findings if r.verdict != "no"]
    for r in a.unscored:
        if r.item.type is ItemType.text and r.answer and r.answer.value:
            c.needs.append((r.item.question, str(r.answer.value).strip()))
    return c


def industry_labels(q: Questionnaire) -> dict[Any, str]:
    """The industries' labels by value (行业 as the profile question offers them), worked out once per library."""

    def build() -> dict[Any, str]:
        profile = q.profile_by_id
        return {o.value: o.label for o in profile["industry"].options} if "industry" in profile else {}

    return q.derived("industry.labels", build)


def credit_kind(c: Contribution) -> tuple[bool, bool]:
    """(reported a penalty or list record, that record cannot be removed early). Removable early once
    corrected: ordinary penalties, 经营异常名录, a D tax credit level; not early: 责令停产停业, 吊销, 限制从业 and
    similar serious penalties — 《市场监督管理行政处罚信息公示规定》第十四条第三款 — or a 严重违法失信名单 listing."""
    record = bool(c.credit.get("credit_record"))
    serious = record and (c.credit.get("penalty_kind") == "serious" or bool(c.credit.get("serious_list")))
    return record, serious


class Rows:
    """A list of the report that may be too long to hold (the company list, one question's answers): read
    again from the accumulator's database each time it is iterated; ``len`` and truth as for a list."""

    def __init__(self, produce: Callable[[], Iterator[dict[str, Any]]], count: int):
        self._produce = produce
        self._count = count

    def __iter__(self) -> Iterator[dict[str, Any]]:
        return self._produce()

    def __len__(self) -> int:
        return self._count

    def __bool__(self) -> bool:
        return self._count > 0


class _Group:
    """One industry or region of the breakdown tables: scores (a histogram), lights, red-line firms."""

    __slots__ = ("scores", "lights", "red_lines")

    def __init__(self) -> None:
        self.scores: Counter[float] = Counter()
        self.lights: Counter[str] = Counter()
        self.red_lines = 0


class IndustryAccumulator:
    """Collects what the industry report needs one company at a time; ``from_shares`` builds it from a
    batch's shares in input order."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.unreadable = 0
        self.members = 0
        self.scored = 0
        self.duplicates = 0  # rows that replaced an earlier row of the same firm
        self.duplicate_names: list[str] = []  # the names of the first DUPLICATES_NAMED of them
        self.lights: Counter[str] = Counter()
        self.by_risk: Counter[str] = Counter()
        self.applicable: Counter[str] = Counter()
        self.no: Counter[str] = Counter()
        self.open: Counter[str] = Counter()
        self.red_line_companies = 0
        self.credit: Counter[str] = Counter()
        self.scores: Counter[float] = Counter()  # overall scores of the scored firms, as a histogram
        self.module_scores: dict[str, Counter[float]] = defaultdict(Counter)
        self.groups: dict[str, dict[str, _Group]] = {"industry": {}, "region": {}}
        self._db: sqlite3.Connection | None = None
        self._tables = 0

    @classmethod
    def from_shares(cls, q: Questionnaire, shares: Sequence[Contribution | None]) -> IndustryAccumulator:
        """The picture of ``shares`` (None: an input that could not be scored), counted in order. An
        earlier share is read again (``shares[i]``) only when its firm turns up once more, so a sequence
        read from disk keeps the memory flat."""
        acc = cls(q)
        for ref, share in enumerate(shares):
            acc.add(share, ref, shares)
        return acc

    def add(self, share: Contribution | None, ref: int, shares: Sequence[Contribution | None]) -> None:
        """The ``ref``-th company in input order (``share`` None: its input could not be scored); ``shares``
        are all of them so far, in input order."""
        if share is None:
            self.unreadable += 1
        else:
            self._add(share, ref, shares)

    # -- adding ---------------------------------------------------------------------------------
    @property
    def db(self) -> sqlite3.Connection:
        if self._db is None:
            db = sqlite3.connect("")  # a private temporary database, removed when closed
            db.execute(f"PRAGMA cache_size = -{_CACHE_KIB}")
            db.execute("PRAGMA journal_mode = OFF")
            db.execute("PRAGMA synchronous = OFF")
            db.execute(
                "CREATE TABLE members (key TEXT PRIMARY KEY, slot INTEGER, ref INTEGER, name TEXT, uscc TEXT,"
                " industry TEXT, region TEXT, score REAL, light TEXT, red_lines TEXT, red INTEGER)"
            )
            db.execute("CREATE TABLE needs (slot INTEGER, seq INTEGER, question TEXT, text TEXT)")
            db.execute("CREATE INDEX needs_slot ON needs (slot)")
            self._db = db
        return self._db

    def _add(self, c: Contribution, ref: int, shares: Sequence[Contribution | None]) -> None:
        db = self.db
        found = db.execute("SELECT slot, ref FROM members WHERE key = ?", (c.key,)).fetchone()
        member = (
            c.name,
            c.uscc,
            c.industry,
            c.region,
            c.score,
            c.light,
            compact_json(c.red_lines),
            int(bool(c.red_lines)),
        )
        if found is None:
            slot = self.members
            self.members += 1
            db.execute(
                "INSERT INTO members VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", (c.key, slot, ref, *member)
            )
        else:
            slot, earlier_ref = found
            earlier = shares[earlier_ref]
            if earlier is not None:
                self._count(earlier, -1)
            self.duplicates += 1
            if len(self.duplicate_names) < DUPLICATES_NAMED:
                self.duplicate_names.append(c.name or (earlier.name if earlier else ""))
            db.execute(
                "UPDATE members SET ref = ?, name = ?, uscc = ?, industry = ?, region = ?, score = ?, light = ?,"
                " red_lines = ?, red = ? WHERE key = ?",
                (ref, *member, c.key),
            )
            db.execute("DELETE FROM needs WHERE slot = ?", (slot,))
        if c.needs:
            db.executemany(
                "INSERT INTO needs VALUES (?, ?, ?, ?)",
                [(slot, slot * _NEED_SLOTS + n, q, text) for n, (q, text) in enumerate(c.needs)],
            )
        self._count(c, +1)

    def _count(self, c: Contribution, sign: int) -> None:
        record, serious = credit_kind(c)
        self.credit["with_record"] += sign * record
        self.credit["not_early"] += sign * serious
        if c.score is None:
            return
        self.scored += sign
        self.lights[c.light] += sign
        for risk, n in c.by_risk.items():
            self.by_risk[risk] += sign * n
        for counter, ids in ((self.applicable, c.applicable), (self.no, c.no), (self.open, c.open)):
            if sign > 0:
                counter.update(ids)  # counted in C
            else:
                counter.subtract(ids)
        self.red_line_companies += sign * bool(c.red_lines)
        _tally(self.scores, c.score, sign)
        for module_id, s in c.module_scores.items():
            _tally(self.module_scores[module_id], s, sign)
        for attr, groups in self.groups.items():
            name = getattr(c, attr)
            group = groups.setdefault(name, _Group())
            _tally(group.scores, c.score or 0.0, sign)
            group.lights[c.light] += sign
            group.red_lines += sign * bool(c.red_lines)
            if not group.scores:
                del groups[name]

    # -- the picture ------------------------------------------------------------------------------
    def _title(self, item_id: str) -> str:
        item = self.q.items.get(item_id)
        return item.short_title if item else item_id

    def _titles(self, red_lines: str) -> list[str]:
        return [self._title(i) for i in json.loads(red_lines)]

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

    def _module_spread(self) -> list[dict[str, Any]]:
        return [
            {"id": m.module, "title": m.title, **_histogram_stats(self.module_scores[m.module])}
            for m in self.q.modules
            if self.module_scores.get(m.module)
        ]

    def _breakdown(self, attr: str) -> list[dict[str, Any]]:
        """Per industry or region: firms, score spread, lights and firms with red-line findings."""
        rows = []
        groups = self.groups[attr]
        for name, group in sorted(groups.items(), key=lambda kv: (-kv[1].scores.total(), kv[0])):
            rows.append(
                {
                    "name": name,
                    "companies": group.scores.total(),
                    **_histogram_stats(group.scores),
                    "lights": {k: group.lights.get(k, 0) for k, _ in LIGHTS},
                    "red_line_companies": group.red_lines,
                }
            )
        return rows

    # in member order (first appearance of the firm) wherever the sort keys tie, as a stable sort would
    _FOCUS = "FROM members WHERE score IS NOT NULL AND (light = 'red' OR red = 1)"

    def _focus(self, anonymize: bool) -> dict[str, Any]:
        count = self.db.execute(f"SELECT COUNT(*) {self._FOCUS}").fetchone()[0]
        companies = None
        if not anonymize:
            rows = self.db.execute(
                "SELECT name, uscc, industry, region, score, light, red_lines "
                f"{self._FOCUS} ORDER BY light != 'red', score, name, slot LIMIT ?",
                (FOCUS_LIMIT,),
            )
            companies = [
                {
                    "name": name,
                    "uscc": uscc,
                    "industry": industry,
                    "region": region,
                    "score": score,
                    "light": light,
                    "red_lines": self._titles(red_lines),
                }
                for name, uscc, industry, region, score, light, red_lines in rows
            ]
        return {"count": count, "companies": companies}

    def _company_list(self) -> Iterator[dict[str, Any]]:
        """Every scored firm from the lowest score up."""
        for name, uscc, score, light, industry, region, red_lines in self.db.execute(
            "SELECT name, uscc, score, light, industry, region, red_lines FROM members"
            " WHERE score IS NOT NULL ORDER BY score, name, slot"
        ):
            yield {
                "name": name,
                "uscc": uscc,
                "score": score,
                "light": light,
                "industry": industry,
                "region": region,
                "red_lines": self._titles(red_lines),
            }

    def _needs(self, anonymize: bool) -> list[dict[str, Any]]:
        """The companies' own needs by question, each answer once with how many firms gave it (most
        given first); in an anonymised report names and contact data redacted before counting."""
        db = self.db
        self._tables += 1
        table = f"needs_{self._tables}"  # one per picture: an earlier picture's lists stay as they were
        text = "text"
        if anonymize:
            names = name_variants(name for (name,) in db.execute("SELECT name FROM members ORDER BY slot"))
            db.create_function("redact", 1, lambda t: redact(t, names), deterministic=True)
            text = "redact(text)"
        db.execute(
            f"CREATE TABLE {table} AS SELECT question, t AS text, COUNT(*) AS n, MIN(seq) AS first"
            f" FROM (SELECT question, {text} AS t, seq FROM needs) GROUP BY question, t"
        )
        db.execute(f"CREATE INDEX {table}_order ON {table} (question, n DESC, first)")

        def answers(question: str) -> Callable[[], Iterator[dict[str, Any]]]:
            def produce() -> Iterator[dict[str, Any]]:
                for t, n in db.execute(
                    f"SELECT text, n FROM {table} WHERE question = ? ORDER BY n DESC, first", (question,)
                ):
                    yield {"text": t, "count": n}

            return produce

        questions = db.execute(
            f"SELECT question, COUNT(*) FROM {table} GROUP BY question ORDER BY MIN(first)"
        ).fetchall()
        return [{"question": question, "answers": Rows(answers(question), n)} for question, n in questions]

    def summary(
        self,
        anonymize: bool = False,
        top: int = 10,
        organization: str = "",
        date: dt.date | None = None,
        *,
        streamed: bool = False,
    ) -> dict[str, Any]:
        """Companies checked (each firm once), light distribution, module score spread, the most common
        findings with their 不符合 and 部分符合/不清楚 rates, firms to watch, breakdowns by industry and
        region, firms with penalty records, and the companies' own needs grouped by question.

        With ``streamed`` the long lists (the company list, each question's answers) are ``Rows`` read
        from the database as they are written out; otherwise plain lists."""
        scores = self.scores
        needs = self._needs(anonymize)
        company_list: Rows | None = None if anonymize else Rows(self._company_list, self.scored)
        if not streamed:
            for need in needs:
                need["answers"] = list(need["answers"])
        return {
            "format": "hegui-check-industry/1",
            "questionnaire_version": self.q.version,
            "organization": organization,
            "date": (date or dt.date.today()).isoformat(),
            "anonymized": anonymize,
            "companies": self.members + self.unreadable,
            "rows": self.members + self.unreadable + self.duplicates,
            "duplicates": self.duplicates,
            "scored": self.scored,
            "unreadable": self.unreadable,
            "lights": {k: self.lights.get(k, 0) for k, _ in LIGHTS},
            "overall": _histogram_stats(scores) if scores else None,
            "findings_by_risk": {risk: self.by_risk.get(risk, 0) for risk in RISKS},
            "companies_with_red_lines": self.red_line_companies,
            "modules": self._module_spread(),
            "common_findings": self._common_findings(top),
            "focus": self._focus(anonymize),
            "by_industry": self._breakdown("industry"),
            "by_region": self._breakdown("region"),
            "credit": {
                "with_record": self.credit["with_record"],
                "repairable": self.credit["with_record"] - self.credit["not_early"],
                "not_early": self.credit["not_early"],
            },
            "needs": needs,
            "company_list": company_list if streamed or company_list is None else list(company_list),
        }

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None


def _tally(histogram: Counter[float], value: float, sign: int) -> None:
    histogram[value] += sign
    if not histogram[value]:
        del histogram[value]


__all__ = [
    "Contribution",
    "IndustryAccumulator",
    "Rows",
    "company_key",
    "contribution",
    "credit_kind",
]
