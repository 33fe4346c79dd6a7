"""Machine-readable result (SPEC §6): stable keys, format "hegui-check-result/1"."""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

from ..credit import credit_guidance
from ..legal import basis_lines, cited_at
from .context import currency_warnings
from .wording import light_reason

if TYPE_CHECKING:
    from ..scoring import Assessment, ItemResult
    from . import RenderOptions


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def _basis_detail(r: ItemResult, a: Assessment) -> list[dict[str, Any]]:
    """Each text cited on the assessment date: which text (e.g. 商标法-2027), where, and the quote."""
    out = []
    for c in cited_at(r.item.basis, a.assessment_date):
        out.append(
            {"law": c.law, "article": c.article, "paragraph": c.paragraph, "item": c.item, "quote": c.quote}
        )
    return out


# long: one literal of the stable JSON keys (SPEC §6), kept in one place so the format reads as a whole
def result_dict(a: Assessment, options: RenderOptions | None = None) -> dict[str, Any]:
    answers = a.answers
    letterhead = options.letterhead if options is not None else None
    date = a.assessment_date
    company = {k: v for k, v in answers.company.items()}
    return {
        "format": "hegui-check-result/1",
        "company": company,
        "facts": dict(answers.facts),
        "assessor": {
            "mode": answers.assessor.mode,
            "name": answers.assessor.name,
            "org": answers.assessor.org,
            "license_no": answers.assessor.license_no,
        },
        "assessment_date": a.assessment_date.isoformat() if a.assessment_date else None,
        "questionnaire_version": a.questionnaire.version,
        "laws_as_of": a.questionnaire.info.laws_as_of,
        "report_number": a.report_number,
        "depth": a.depth.value,
        "review": None
        if a.review is None
        else {
            "reviewed": a.review.reviewed,
            "total": a.review.total,
            "not_reviewed": [r.item.id for r in a.review.not_reviewed],
        },
        "overall": {
            "score": a.overall_rounded,
            "light": a.light,
            "light_reason": light_reason(a),
            "light_rules": [{"code": r.code, "items": list(r.items)} for r in a.light_rules],
            "completeness": round(a.completeness, 4),
            "findings_by_risk": a.finding_counts(),
        },
        "modules": [
            {
                "id": m.module.module,
                "title": m.module.title,
                "score": m.rounded,
                "applicable": m.applicable,
                "findings": len(m.findings),
            }
            for m in a.modules
        ],
        "findings": [
            {
                "id": r.item.id,
                "module": r.module.module,
                "title": r.item.short_title,
                "risk": r.item.risk,
                "practice": r.item.practice,
                "answer": _plain(r.answer.value) if r.answer and r.answer.value is not None else None,
                "value": r.value,
                "note": r.answer.note if r.answer else None,
                "basis": [line.short for line in basis_lines(r.item.basis, date)],
                "basis_detail": _basis_detail(r, a),
                "liability": r.item.liability_at(date),
                "remedy": r.item.remedy,
                "deadline": r.deadline.isoformat() if r.deadline else None,
            }
            for r in a.findings
        ],
        "switched_off": {m: list(facts) for m, facts in a.switched_off.items()},
        "not_examined": [
            {"id": r.item.id, "module": r.module.module, "title": r.item.short_title} for r in a.not_examined
        ],
        "credit_repair": [rec.as_dict() for rec in credit_guidance(answers.facts, a.assessment_date)],
        "law_currency_warnings": [
            {
                "law": w.law,
                "in_force": w.in_force,
                "effective": w.effective.isoformat() if w.effective else None,
                "items": list(w.items),
                "message": w.message,
            }
            for w in currency_warnings(a)
        ],
        "problems": [p.as_dict() for p in a.problems],
        "letterhead": None
        if letterhead is None
        else {"organization": letterhead.organization, "contact": letterhead.contact},
    }


def _compact(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def render_json(a: Assessment, options: RenderOptions | None = None) -> str:
    """One top-level key per line and one module, finding or problem per line: easy to read and to diff,
    and written by json's C encoder (an indented dump runs the pure-Python one, several times slower)."""
    lines = []
    for key, value in result_dict(a, options).items():
        if isinstance(value, list) and value:
            body = ",\n".join(f"    {_compact(v)}" for v in value)
            lines.append(f"  {_compact(key)}: [\n{body}\n  ]")
        else:
            lines.append(f"  {_compact(key)}: {_compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"
