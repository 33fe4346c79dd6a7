"""Re-check comparison (复检对比): what was fixed, what is still open, what is new. Pure functions."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from .answers import AnswerSet, Problem
from .questionnaire import Questionnaire
from .scoring import Assessment, ItemResult, assess

# problems of loading BEFORE that say how the library changed since (decided by code, never by wording)
LIBRARY_CHANGE_CODES = frozenset({"renamed-id", "retired-id", "version-mismatch"})


@dataclass(frozen=True)
class ModuleChange:
    module_id: str
    title: str
    before: float | None
    after: float | None

    @property
    def delta(self) -> float | None:
        if self.before is None or self.after is None:
            return None
        return round(self.after - self.before + 1e-9, 1)


@dataclass(frozen=True)
class Comparison:
    before: Assessment
    after: Assessment
    resolved: tuple[ItemResult, ...]  # findings before that are no longer findings (before's result)
    still_open: tuple[tuple[ItemResult, ItemResult], ...]  # (before, after)
    new: tuple[ItemResult, ...]  # findings now that were not findings before (after's result)
    overdue: tuple[tuple[ItemResult, ItemResult], ...]  # still open and past the deadline set before
    modules: tuple[ModuleChange, ...]
    library_changes: tuple[Problem, ...]  # renamed / retired ids and version notes from loading BEFORE


def compare(q: Questionnaire, before: AnswerSet, after: AnswerSet) -> Comparison:
    """Compare two assessments of the same company against the current library."""
    a, b = assess(q, before), assess(q, after)
    after_findings = {r.item.id: r for r in b.findings}
    before_findings = {r.item.id: r for r in a.findings}
    resolved = tuple(r for r in a.findings if r.item.id not in after_findings)
    still_open = tuple((r, after_findings[r.item.id]) for r in a.findings if r.item.id in after_findings)
    new = tuple(r for r in b.findings if r.item.id not in before_findings)
    today: dt.date | None = b.assessment_date
    overdue = tuple(
        (old, now)
        for old, now in still_open
        if old.deadline is not None and today is not None and old.deadline < today
    )
    modules = tuple(
        ModuleChange(ma.module.module, ma.module.title, ma.score, mb.score)
        for ma, mb in zip(a.modules, b.modules)
        if ma.score is not None or mb.score is not None
    )
    library_changes = tuple(p for p in before.problems if p.code in LIBRARY_CHANGE_CODES)
    return Comparison(a, b, resolved, still_open, new, overdue, modules, library_changes)
