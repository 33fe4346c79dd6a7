"""The re-check comparison report (复检对比报告) as HTML/PDF, DOCX, Markdown and JSON: what a lawyer
hands over after a re-check — both dates, the assessor, the letterhead, the re-check notes and
evidence as proof per resolved item, overdue items against the first report's deadlines, and a
signature block."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..compare import Comparison
from ..resources import templates_dir
from ..scoring import Assessment, ItemResult
from ..vocabulary import LIGHT_LABELS, MODES, RISKS, VERDICT_LABELS
from . import RenderOptions
from .context import answer_label, score_text
from .templating import html_env, letterhead_view, md_env
from .wording import light_reason

DIFF_DISCLAIMER = (
    "本对比报告依据两次体检的答案和检查清单生成；“已整改”以复检时企业的答复和评估人查见的材料为准，"
    "不构成对企业合规状况的保证或法律意见。"
)
LAWYER_DISCLAIMER = (
    "本对比报告是评估人根据复检时查见的材料和企业的说明出具的复检意见，仅就所列检查事项发表意见，"
    "不构成对企业全部合规状况的保证；材料或情况变化时结论可能不同。"
)


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
        "assessor_org": a.answers.assessor.org or "",
        "mode": MODES.get(a.answers.assessor.mode, a.answers.assessor.mode),
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
        "evidence": list(now.answer.evidence) if now is not None and now.answer else [],
        "before_note": r.answer.note if r.answer else None,
    }


def diff_context(c: Comparison, options: RenderOptions | None = None) -> dict[str, Any]:
    options = options or RenderOptions()
    company = c.after.answers.company
    after_by_id = {r.item.id: r for r in c.after.items}
    assessor = c.after.answers.assessor
    lawyer = assessor.mode == "lawyer"
    return {
        "letterhead": letterhead_view(options.letterhead),
        "assessor": {
            "name": assessor.name or "",
            "org": assessor.org or "",
            "license_no": assessor.license_no or "",
            "mode": MODES.get(assessor.mode, assessor.mode),
            "lawyer": lawyer,
        },
        "disclaimer": LAWYER_DISCLAIMER if lawyer else DIFF_DISCLAIMER,
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
            {
                "title": m.title,
                "before": score_text(m.before),
                "after": score_text(m.after),
                "delta": "—" if m.delta is None else f"{m.delta:+.1f}",
            }
            for m in c.modules
        ],
        "library_changes": [str(p) for p in c.library_changes],
        "risks": list(RISKS),
    }


def render_diff_html(c: Comparison, options: RenderOptions | None = None) -> str:
    ctx = diff_context(c, options)
    ctx["css"] = Markup((templates_dir() / "report.css").read_text(encoding="utf-8"))
    return html_env().get_template("diff.html.j2").render(**ctx)


def render_diff_md(c: Comparison, options: RenderOptions | None = None) -> str:
    return md_env().get_template("diff.md.j2").render(**diff_context(c, options))


def render_diff_json(c: Comparison, options: RenderOptions | None = None) -> str:
    ctx = diff_context(c, options)
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
            {
                "id": m.module_id,
                "title": m.title,
                "before": m.before and round(m.before + 1e-9, 1),
                "after": m.after and round(m.after + 1e-9, 1),
                "delta": m.delta,
            }
            for m in c.modules
        ],
        "library_changes": ctx["library_changes"],
        "assessor": ctx["assessor"],
        "organization": ctx["letterhead"]["organization"] if ctx["letterhead"] else None,
        "proof": {r["id"]: {"note": r["note"], "evidence": r["evidence"]} for r in ctx["resolved"]},
    }
    return json.dumps(data, ensure_ascii=False, indent=2, default=str) + "\n"


# long: the Word re-check report section by section in document order
def render_diff_docx(c: Comparison, options: RenderOptions | None = None) -> bytes:
    """An editable Word version of the re-check report, letterhead in the page header."""
    import io

    from docx import Document

    from .docx_report import _clean, _setup_styles

    ctx = diff_context(c, options)
    doc = Document()
    _setup_styles(doc)
    header = doc.sections[0].header.paragraphs[0]
    header.text = _clean(
        "合规复检对比报告 · 保密" + (f" · {ctx['letterhead']['organization']}" if ctx["letterhead"] else "")
    )
    doc.add_heading("合规复检对比报告", level=0)
    doc.add_paragraph(_clean(f"{ctx['company']}（统一社会信用代码 {ctx['uscc']}）"))
    who = ctx["assessor"]
    if who["name"] or who["org"]:
        doc.add_paragraph(
            _clean(
                "评估人："
                + "，".join(
                    x
                    for x in (who["name"], who["org"], who["license_no"] and f"执业证号 {who['license_no']}")
                    if x
                )
            )
        )

    def table(rows: list[list[str]], header_row: list[str]) -> None:
        t = doc.add_table(rows=1, cols=len(header_row))
        t.style = "Table Grid"
        for cell, text in zip(t.rows[0].cells, header_row):
            cell.text = _clean(text)
        for row in rows:
            cells = t.add_row().cells
            for cell, text in zip(cells, row):
                cell.text = _clean(text)

    doc.add_heading("一、总体变化", level=1)
    b, a = ctx["before"], ctx["after"]
    table(
        [
            ["评估日期", b["date"], a["date"]],
            ["总体评价", b["light_label"], a["light_label"]],
            ["总分", b["score"], a["score"]],
            ["问题项", str(b["findings"]), str(a["findings"])],
            ["评估方式", b["mode"], a["mode"]],
            ["报告编号", b["report_number"], a["report_number"]],
        ],
        ["", "上次体检", "本次复检"],
    )
    doc.add_paragraph(
        f"已整改 {len(ctx['resolved'])} 项，仍未整改 {len(ctx['still_open'])} 项（其中逾期 "
        f"{len(ctx['overdue'])} 项），新发现 {len(ctx['new'])} 项。"
    )
    doc.add_heading("二、已整改的问题及整改证明", level=1)
    table(
        [
            [
                r["title"],
                r["risk"] or "",
                f"{r['before']} → {r['after']}",
                r["note"] or "—",
                "；".join(r["evidence"]) or "—",
            ]
            for r in ctx["resolved"]
        ]
        or [["无", "", "", "", ""]],
        ["检查事项", "风险", "答复变化", "复检说明", "查见材料"],
    )
    doc.add_heading("三、仍未整改的问题", level=1)
    table(
        [
            [
                r["title"],
                r["risk"] or "",
                f"{r['before']} → {r['after']}",
                r["deadline"],
                ("已逾期" if r in ctx["overdue"] else ""),
                r["note"] or "",
            ]
            for r in ctx["still_open"]
        ]
        or [["无", "", "", "", "", ""]],
        ["检查事项", "风险", "答复变化", "原定期限", "逾期", "说明"],
    )
    doc.add_heading("四、新发现的问题", level=1)
    table(
        [[r["title"], r["module"], r["risk"] or "", r["before"]] for r in ctx["new"]] or [["无", "", "", ""]],
        ["检查事项", "领域", "风险", "本次答复"],
    )
    doc.add_heading("五、分领域得分变化", level=1)
    table(
        [[m["title"], m["before"], m["after"], m["delta"]] for m in ctx["modules"]],
        ["领域", "上次", "本次", "变化"],
    )
    doc.add_heading("声明", level=1)
    doc.add_paragraph(ctx["disclaimer"])
    sign = doc.add_table(rows=1, cols=2)
    sign.style = "Table Grid"
    sign.rows[0].cells[0].text = _clean(f"评估人（签字）：{who['name']}\n{who['org']}\n\n\n\n日期：")
    sign.rows[0].cells[1].text = "企业代表（签字）：\n\n\n\n\n日期："
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def render_diff(c: Comparison, fmt: str, options: RenderOptions | None = None) -> bytes:
    """The re-check report in one format (see the registry in render/__init__.py), with the run's options."""
    if fmt == "pdf":
        from .pdf import html_to_pdf

        return html_to_pdf(render_diff_html(c, options))
    if fmt == "html":
        return render_diff_html(c, options).encode("utf-8")
    if fmt == "md":
        return render_diff_md(c, options).encode("utf-8")
    if fmt == "json":
        return render_diff_json(c, options).encode("utf-8")
    if fmt == "docx":
        return render_diff_docx(c, options)
    raise ValueError(fmt)
