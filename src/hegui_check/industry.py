"""The industry picture (行业合规画像) of a batch: pure aggregation over the companies' records."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from typing import TYPE_CHECKING, Any

from .questionnaire import Questionnaire
from .vocabulary import LIGHT_ORDER, LIGHT_SHORT, RISKS

if TYPE_CHECKING:
    from .scoring import Assessment

LIGHTS = tuple((light, LIGHT_SHORT[light]) for light in LIGHT_ORDER)


def _stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "stdev": round(statistics.pstdev(values), 1) if len(values) > 1 else 0.0,
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


class IndustryAccumulator:
    """Collects what the industry report needs one company at a time, so a batch keeps no assessments."""

    def __init__(self, q: Questionnaire):
        self.q = q
        self.companies = 0
        self.scored: list[tuple[str, str, float, str]] = []  # name, uscc, score, light
        self.lights: Counter[str] = Counter()
        self.red_line_companies = 0
        self.by_risk: Counter[str] = Counter()
        self.module_scores: dict[str, list[float]] = defaultdict(list)
        self.failures: Counter[str] = Counter()
        self.applicable: Counter[str] = Counter()
        self.groups: dict[str, dict[str, list[tuple[float, str]]]] = {"industry": defaultdict(list),
                                                                       "region": defaultdict(list)}
        self.needs: dict[str, Counter[str]] = defaultdict(Counter)

    def add_unreadable(self) -> None:
        self.companies += 1

    def add(self, a: Assessment) -> None:
        self.companies += 1
        if a.overall is None:
            return
        company = a.answers.company
        score, light = a.overall_rounded or 0.0, a.light
        self.scored.append((str(company.get("company_name") or ""), str(company.get("uscc") or ""), score, light))
        self.lights[light] += 1
        self.red_line_companies += bool(a.red_line_findings)
        self.by_risk.update(a.finding_counts())
        for m in a.modules:
            if m.rounded is not None:
                self.module_scores[m.module.module].append(m.rounded)
        for r in a.items:
            if r.state == "scored":
                self.applicable[r.item.id] += 1
                if r.is_finding:
                    self.failures[r.item.id] += 1
            elif r.state == "unscored" and r.item.type.value == "text" and r.answer and r.answer.value:
                self.needs[r.item.question][str(r.answer.value).strip()] += 1
        labels = {o.value: o.label for o in self.q.profile_by_id["industry"].options} if "industry" in self.q.profile_by_id else {}
        industry = company.get("industry")
        self.groups["industry"][labels.get(industry, str(industry)) if industry else "未填写"].append((score, light))
        self.groups["region"][str(company.get("region") or "未填写")].append((score, light))

    def summary(self, anonymize: bool = False, top: int = 10) -> dict[str, Any]:
        """Companies checked, light distribution, module score spread, the most common findings with failure
        rates, breakdowns by industry and region, and the companies' own needs grouped by question."""
        q = self.q
        modules = [{"id": m.module, "title": m.title, **_stats(self.module_scores[m.module])}
                   for m in q.modules if self.module_scores.get(m.module)]
        common = []
        ranked = sorted(self.failures.items(), key=lambda kv: (-kv[1], -kv[1] / self.applicable[kv[0]], kv[0]))
        for item_id, count in ranked[:top]:
            item = q.items[item_id]
            common.append({
                "id": item_id, "title": item.short_title, "module": q.module_of[item_id].title, "risk": item.risk,
                "failures": count, "applicable": self.applicable[item_id],
                "rate": round(count / self.applicable[item_id], 3),
            })

        def breakdown(key: str) -> list[dict[str, Any]]:
            rows = []
            for name, members in sorted(self.groups[key].items(), key=lambda kv: (-len(kv[1]), kv[0])):
                counts = Counter(light for _, light in members)
                rows.append({"name": name, "companies": len(members), **_stats([s for s, _ in members]),
                             "lights": {k: counts.get(k, 0) for k, _ in LIGHTS}})
            return rows

        scores = [s for _, _, s, _ in self.scored]
        return {
            "format": "hegui-check-industry/1",
            "questionnaire_version": q.version,
            "anonymized": anonymize,
            "companies": self.companies,
            "scored": len(self.scored),
            "unreadable": self.companies - len(self.scored),
            "lights": {k: self.lights.get(k, 0) for k, _ in LIGHTS},
            "overall": _stats(scores) if scores else None,
            "findings_by_risk": {risk: self.by_risk.get(risk, 0) for risk in RISKS},
            "companies_with_red_lines": self.red_line_companies,
            "modules": modules,
            "common_findings": common,
            "by_industry": breakdown("industry"),
            "by_region": breakdown("region"),
            "needs": [
                {"question": question, "answers": [{"text": t, "count": n} for t, n in counter.most_common()]}
                for question, counter in self.needs.items()
            ],
            "company_list": None if anonymize else [
                {"name": name, "uscc": uscc, "score": score, "light": light}
                for name, uscc, score, light in sorted(self.scored, key=lambda c: c[2])
            ],
        }
