"""The re-check comparison report (复检对比报告) as HTML/PDF, Markdown and JSON."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..compare import Comparison
from ..resources import templates_dir
from ..scoring import Assessment, ItemResult
from ..vocabulary import LIGHT_LABELS, VERDICT_LABELS
from .context import answer_label, score_text
from .templating import html_env, md_env
from .wording import light_reason


def _side(a: Assessment) -> dict[str, Any]:
    return {
        "date": a.assessment_date.isoformat() if a.assessment_date else "—",
        "score": score_text(a.overall_rounded),
        "light": a.light,
        "light_label": LIGHT_LABELS[a.light],
        "reason": light_reason(a),
        "findings": len(a.findings),
        "counts": a.finding_counts(),
        "report_number": a.report_number,
        "assessor": a.answers.assessor.name or "—",
    }


def _row(r: ItemResult, now: ItemResult | None = None) -> dict[str, Any]:
    def label(x: ItemResult | None) -> str:
        if x is None:
            return "—"
        if x.state != "scored":
            return "不适用"
        return answer_label(x.item, x.answer.value if x.answer else None)

    return {
        "id": r.item.id,
        "title": r.item.short_title,
        "module": r.module.title,
        "risk": r.item.risk,
        "before": label(r),
        "after": label(now) if now is not None else "",
        "verdict": VERDICT_LABELS.get(r.verdict or "", ""),
        "deadline": r.deadline.isoformat() if r.deadline else "—",
        "improved": bool(now is not None and (now.value or 0) > (r.value or 0)),
        "note": (now.answer.note if now is not None and now.answer else None),
    }


def diff_context(c: Comparison) -> dict[str, Any]:
    company = c.after.answers.company
    after_by_id = {r.item.id: r for r in c.after.items}
    return {
        "company": company.get("company_name") or "（未填写企业名称）",
        "uscc": company.get("uscc") or "—",
        "before": _side(c.before),
        "after": _side(c.after),
        "version": c.after.questionnaire.version,
        "resolved": [_row(r, after_by_id.get(r.item.id)) for r in c.resolved],
        "still_open": [_row(old, now) for old, now in c.still_open],
        "new": [_row(r) for r in c.new],
        "overdue": [_row(old, now) for old, now in c.overdue],
        "modules": [
            {"title": m.title, "before": score_text(m.before), "after": score_text(m.after),
             "delta": "—" if m.delta is None else f"{m.delta:+.1f}"}
            for m in c.modules
        ],
        "library_changes": [str(p) for p in c.library_changes],
        "risks": ["红线", "高", "中", "低"],
    }


def render_diff_html(c: Comparison) -> str:
    ctx = diff_context(c)
    ctx["css"] = Markup((templates_dir() / "report.css").read_text(encoding="utf-8"))
    return html_env().get_template("diff.html.j2").render(**ctx)


def render_diff_md(c: Comparison) -> str:
    return md_env().get_template("diff.md.j2").render(**diff_context(c))


def render_diff_json(c: Comparison) -> str:
    ctx = diff_context(c)
    data = {
        "format": "hegui-check-diff/1",
        "company": c.after.answers.company,
        "questionnaire_version": ctx["version"],
        "before": {k: v for k, v in ctx["before"].items()},
        "after": {k: v for k, v in ctx["after"].items()},
        "resolved": [r["id"] for r in ctx["resolved"]],
        "still_open": [r["id"] for r in ctx["still_open"]],
        "new": [r["id"] for r in ctx["new"]],
        "overdue": [r["id"] for r in ctx["overdue"]],
        "modules": [
            {"id": m.module_id, "title": m.title, "before": m.before and round(m.before + 1e-9, 1),
             "after": m.after and round(m.after + 1e-9, 1), "delta": m.delta}
            for m in c.modules
        ],
        "library_changes": ctx["library_changes"],
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


def render_diff(c: Comparison, fmt: str) -> bytes:
    if fmt == "pdf":
        from .pdf import html_to_pdf

        return html_to_pdf(render_diff_html(c))
    if fmt == "html":
        return render_diff_html(c).encode("utf-8")
    if fmt == "md":
        return render_diff_md(c).encode("utf-8")
    if fmt == "json":
        return render_diff_json(c).encode("utf-8")
    raise ValueError(fmt)
