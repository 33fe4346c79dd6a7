"""The report's view model: an Assessment turned into plain, display-ready data for the templates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..answers import Answer
from ..legal import CurrencyWarning, basis_lines, law_currency_warnings, law_title, law_version
from ..questionnaire import Item, ItemType
from ..scoring import Assessment, ItemResult
from ..vocabulary import LIGHT_LABELS, MODES, RISKS, STATUS_LABELS, UNANSWERED_LABEL, VERDICT_LABELS
from .chart import module_chart_svg
from .templating import letterhead_view
from .wording import light_reason

if TYPE_CHECKING:
    from ..letterhead import Letterhead

LIGHT_MEANING = {
    "green": "整体合规状况良好，按建议持续改进即可。",
    "yellow": "存在需要尽快整改的问题，请按整改台账逐项落实。",
    "red": "存在严重合规风险，请立即停止相关行为并优先整改红线项目。",
    "grey": "回答的题目太少，暂不评定。请补答其余题目（hegui-check check --resume 答题文件）后重新生成报告；"
            "下列红线项目尚未回答，列为“待核实”，并不表示存在违法行为。",
}
DISCLAIMER = (
    "本报告依据企业提供的答案和检查清单自动生成，自评结果仅供参考，不构成法律意见。"
    "法律依据以报告所列版本的法律法规为准；具体问题请咨询律师或主管部门。"
)
SCORING_METHOD = [
    "每道计分题按答案取值：符合 1 分，部分符合 0.5 分，不符合 0 分，不清楚 0 分（标记“待核实”）；不适用的题目不计入。"
    "单选题按选项分值，多选题按选中的合规选项占全部合规选项的比例，数值题按分档计分。",
    "适用但未回答的题目按“不清楚”计分，并降低完整度。",
    "按风险等级加权：红线 10，高 5，中 3，低 1。模块得分 = 100 × Σ(权重 × 取值) / Σ(权重)，保留一位小数；"
    "没有适用题目的模块显示“不适用”。总分用同一公式计算全部适用题目。",
    "红灯：任一红线项目不符合，或总分低于 60 分；黄灯：任一红线项目部分符合或不清楚，或任一高风险项目不符合，"
    "或总分低于 85 分；其余为绿灯。判定使用未四舍五入的分数。",
    "问题项按风险等级、权重 ×（1 − 取值）、模块顺序排列。",
]


def answer_label(item: Item, value: Any) -> str:
    """How an answer value reads in the report."""
    if value is None:
        return UNANSWERED_LABEL
    if value in ("unknown", "na"):
        return STATUS_LABELS[value]
    if item.type is ItemType.status:
        return STATUS_LABELS.get(value, str(value))
    if item.type in (ItemType.choice, ItemType.multi):
        labels = {o.value: o.label for o in item.options}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, str(v)) for v in values) or "（未选择）"
    if item.type is ItemType.boolean:
        return "是" if value else "否"
    return str(value)


def _date(d: dt.date | None) -> str:
    return d.isoformat() if d else "—"


def score_text(s: float | None) -> str:
    return "不适用" if s is None else f"{s:.1f}"


def _profile_label(a: Assessment, key: str) -> str:
    value = a.answers.company.get(key, a.answers.facts.get(key))
    if value is None:
        return "—"
    pq = a.questionnaire.profile_by_id.get(key)
    if pq is not None and pq.type == "choice":
        return next((o.label for o in pq.options if o.value == value), str(value))
    if isinstance(value, bool):
        return "是" if value else "否"
    return str(value)


def _answer_view(r: ItemResult) -> dict[str, Any]:
    ans: Answer | None = r.answer
    return {
        "label": answer_label(r.item, ans.value if ans else None),
        "note": ans.note if ans else None,
        "evidence": list(ans.evidence) if ans else [],
        "self_answer": answer_label(r.item, ans.self_answer) if ans and ans.self_answer is not None else None,
        "override_reason": ans.override_reason if ans else None,
    }


def _finding_view(n: int, r: ItemResult, date: dt.date | None) -> dict[str, Any]:
    """A finding as the report shows it, citing the texts in force on the assessment ``date``."""
    item = r.item
    lines = basis_lines(item.basis, date)
    return {
        "n": n,
        "id": item.id,
        "title": item.short_title,
        "question": item.question,
        "module": r.module.title,
        "risk": item.risk,
        "practice": item.practice,
        "verdict": VERDICT_LABELS.get(r.verdict or "", ""),
        "answer": _answer_view(r),
        "violation": item.violation,
        "basis": [line.citation for line in lines],
        "basis_detail": [{"citation": line.citation, "quotes": list(line.quotes)} for line in lines],
        "liability": item.liability_at(date),
        "remedy": item.remedy,
        "lenient": item.lenient,
        "evidence_hints": list(item.evidence),
        "deadline": _date(r.deadline),
    }


def currency_warnings(a: Assessment) -> list[CurrencyWarning]:
    """Texts that took effect by the assessment date but that the examined items do not cite yet."""
    return law_currency_warnings([r.item for r in a.items if r.state == "scored"], a.assessment_date)


def report_context(a: Assessment, letterhead: Letterhead | None = None) -> dict[str, Any]:
    """Everything the HTML and Markdown templates show, as plain strings, numbers and lists."""
    q = a.questionnaire
    info = q.info
    answers = a.answers
    date = a.assessment_date
    age_warning = None
    if date and info.released and (date - info.released).days > 365:
        age_warning = f"本检查清单发布于 {info.released.isoformat()}，距评估日期已超过一年，法律可能已有修改，请更新 hegui-check。"
    counts = a.finding_counts()
    findings = [_finding_view(n, r, date) for n, r in enumerate(a.findings, 1)]
    modules = [
        {
            "id": m.module.module,
            "title": m.module.title,
            "kind": "行业专项" if m.module.kind == "industry" else "通用",
            "score": score_text(m.rounded),
            "applicable": m.applicable,
            "n_items": sum(1 for r in m.items if r.state == "scored"),
            "findings": len(m.findings),
            "counts": m.finding_counts(),
        }
        for m in a.modules
        if any(r.item.scored and r.applicable for r in m.items)
    ]
    appendix = []
    needs = []
    for m in a.modules:
        rows = []
        for r in m.items:
            if r.state == "inapplicable":
                continue
            if r.item.type is ItemType.text:
                if r.answer and r.answer.value:
                    needs.append({"question": r.item.question, "answer": str(r.answer.value)})
                continue
            view = _answer_view(r)
            rows.append({"id": r.item.id, "question": r.item.question, "risk": r.item.risk or "—",
                         "scored": r.item.scored, **view})
        if rows:
            appendix.append({"title": m.module.title, "rows": rows})
    skipped = [m.module.title for m in a.modules if not any(r.applicable for r in m.items)]
    laws: dict[str, dict[str, str]] = {}
    for r in a.findings:
        for c in r.item.basis:
            text = c.at(date).law  # the version actually cited on the assessment date
            laws.setdefault(text, {"title": law_title(text), "version": law_version(text)})
    assessor = answers.assessor
    mode_label = MODES.get(assessor.mode, assessor.mode)
    return {
        "title": "企业合规体检报告" if assessor.mode != "lawyer" else "企业合规体检报告（律师法治体检）",
        "report_number": a.report_number,
        "version": q.version,
        "laws_as_of": info.laws_as_of,
        "released": info.released.isoformat() if info.released else "—",
        "age_warning": age_warning,
        "law_warnings": [w.message for w in currency_warnings(a)],
        "date": _date(date),
        "company": {
            "name": answers.company.get("company_name") or "（未填写企业名称）",
            "uscc": answers.company.get("uscc") or "—",
            "industry": _profile_label(a, "industry"),
            "entity_type": _profile_label(a, "entity_type"),
            "region": answers.company.get("region") or "—",
            "employees": _profile_label(a, "employees"),
        },
        "assessor": {"mode": mode_label, "name": assessor.name or "—", "org": assessor.org or "—",
                     "license_no": assessor.license_no or "—", "lawyer": assessor.mode == "lawyer"},
        "overall": {
            "score": score_text(a.overall_rounded),
            "light": a.light,
            "light_label": LIGHT_LABELS[a.light],
            "light_meaning": LIGHT_MEANING[a.light],
            "reason": light_reason(a),
            "completeness": f"{a.completeness * 100:.0f}%",
            "counts": counts,
            "total_findings": len(a.findings),
            "to_verify": len(a.to_verify),
        },
        "risks": list(RISKS),
        "red_lines": [f for f in findings if f["risk"] == "红线"],
        "modules": modules,
        "chart_svg": module_chart_svg(a),
        "findings": findings,
        "ledger": [
            {"n": f["n"], "id": f["id"], "title": f["title"], "risk": f["risk"], "measure": f["remedy"],
             "deadline": f["deadline"]}
            for f in findings
        ],
        "deadline_days": dict(a.deadline_days),
        "appendix": appendix,
        "skipped_modules": skipped,
        "needs": needs,
        "laws": [{"short": k, **v} for k, v in sorted(laws.items())],
        "scoring_method": SCORING_METHOD,
        "problems": [str(p) for p in a.problems],
        "disclaimer": DISCLAIMER,
        "letterhead": letterhead_view(letterhead),
    }
