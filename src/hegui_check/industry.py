"""The industry picture (行业合规画像) of a batch: pure aggregation over the companies' records."""

from __future__ import annotations

import statistics
from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from .questionnaire import Questionnaire
from .scoring import RISKS

if TYPE_CHECKING:
    from .batch import CompanyRecord

LIGHTS = (("red", "红灯"), ("yellow", "黄灯"), ("green", "绿灯"))


def _stats(values: list[float]) -> dict[str, Any]:
    return {
        "n": len(values),
        "mean": round(statistics.fmean(values), 1),
        "stdev": round(statistics.pstdev(values), 1) if len(values) > 1 else 0.0,
        "min": round(min(values), 1),
        "max": round(max(values), 1),
    }


def _lights(records: Sequence[CompanyRecord]) -> dict[str, int]:
    counts = Counter(r.light for r in records)
    return {key: counts.get(key, 0) for key, _ in LIGHTS}


def industry_summary(records: Sequence[CompanyRecord], q: Questionnaire, anonymize: bool = False,
                     top: int = 10) -> dict[str, Any]:
    """Companies checked, light distribution, module score spread, the most common findings with failure
    rates, breakdowns by industry and region, and the companies' own needs grouped by question."""
    scored = [r for r in records if r.score is not None]
    modules = []
    for m in q.modules:
        values = [r.module_scores[m.module] for r in scored if r.module_scores.get(m.module) is not None]
        if values:
            modules.append({"id": m.module, "title": m.title, **_stats(values)})  # type: ignore[arg-type]
    failures: Counter[str] = Counter(i for r in scored for i in r.findings)
    applicable: Counter[str] = Counter(i for r in scored for i in r.applicable)
    common = []
    for item_id, count in sorted(failures.items(), key=lambda kv: (-kv[1], -kv[1] / applicable[kv[0]], kv[0]))[:top]:
        item = q.items[item_id]
        common.append({
            "id": item_id, "title": item.short_title, "module": q.module_of[item_id].title, "risk": item.risk,
            "failures": count, "applicable": applicable[item_id], "rate": round(count / applicable[item_id], 3),
        })
    industry_labels = {o.value: o.label for o in q.profile_by_id["industry"].options} if "industry" in q.profile_by_id else {}

    def breakdown(key: str, labels: dict[str, str] | None = None) -> list[dict[str, Any]]:
        groups: dict[str, list[CompanyRecord]] = defaultdict(list)
        for r in scored:
            value = r.company.get(key) or "未填写"
            groups[(labels or {}).get(value, str(value))].append(r)
        rows = []
        for name, members in sorted(groups.items(), key=lambda kv: (-len(kv[1]), kv[0])):
            rows.append({"name": name, "companies": len(members), **_stats([m.score for m in members if m.score is not None]),
                         "lights": _lights(members)})
        return rows

    needs: dict[str, Counter[str]] = defaultdict(Counter)
    for r in scored:
        for question, answer in r.needs:
            needs[question][answer.strip()] += 1
    return {
        "format": "hegui-check-industry/1",
        "questionnaire_version": q.version,
        "anonymized": anonymize,
        "companies": len(records),
        "scored": len(scored),
        "unreadable": len(records) - len(scored),
        "lights": _lights(scored),
        "overall": _stats([r.score for r in scored if r.score is not None]) if scored else None,
        "findings_by_risk": {risk: sum(r.counts.get(risk, 0) for r in scored) for risk in RISKS},
        "companies_with_red_lines": sum(1 for r in scored if r.red_lines),
        "modules": modules,
        "common_findings": common,
        "by_industry": breakdown("industry", industry_labels),
        "by_region": breakdown("region"),
        "needs": [
            {"question": question, "answers": [{"text": text, "count": n} for text, n in counter.most_common()]}
            for question, counter in needs.items()
        ],
        "company_list": None if anonymize else [
            {"name": r.company.get("company_name") or r.name, "uscc": r.company.get("uscc") or "",
             "score": r.score, "light": r.light}
            for r in sorted(scored, key=lambda r: (r.score if r.score is not None else 0))
        ],
    }
