"""The report's view model: an Assessment turned into plain, display-ready data for the templates."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from ..answers import Answer
from ..answers import answer_label as answer_label
from ..credit import FIRST_VIOLATION, credit_guidance
from ..credit import cite as credit_cite
from ..legal import (
    CurrencyWarning,
    TextsOnDate,
    basis_lines,
    law_currency_warnings,
    law_title,
    law_version,
)
from ..questionnaire import ItemType
from ..scoring import Assessment, ItemResult
from ..vocabulary import (
    DEPTH_LABELS,
    GREEN_FROM,
    GREY_BELOW_COMPLETENESS,
    LABELS,
    LEDGER_STATUS_OPEN,
    LEDGER_STATUS_VERIFY,
    LIGHT_LABELS,
    MODES,
    RED_BELOW,
    RED_LINE,
    RISK_WEIGHTS,
    RISKS,
    UNANSWERED_LABEL,
    VERDICT_LABELS,
)
from .chart import module_chart_svg
from .templating import letterhead_view
from .wording import light_reason

if TYPE_CHECKING:
    from . import RenderOptions

LIGHT_MEANING = {
    "green": "整体合规状况良好，按建议持续改进即可。",
    "yellow": "存在需要尽快整改的问题，请按整改台账逐项落实。",
    "red": "存在严重合规风险，请优先整改红线和高风险项目。",
    "grey": "回答的题目太少，暂不评定。",
}
RED_LINE_STOP = "红线项目不符合的，相关行为须立即停止，并优先整改。"
RESUME_HINT = "请补答其余题目（命令：hegui-check check --resume 答题文件），然后重新生成报告。"
DISCLAIMER = (
    "本报告依据企业提供的答案和检查清单自动生成，自评结果仅供参考，不构成法律意见。"
    "法律依据以报告所列版本的法律法规为准；具体问题请咨询律师或主管部门。"
)
LAWYER_DISCLAIMER = (
    "本报告系评估律师根据企业提供并经律师查见的材料、现场询问情况，对照检查清单出具的合规体检意见，仅对报告所列事项、"
    "依据所列材料发表意见；未查见材料的事项依据企业陈述，如材料或事实有变化，结论随之变化。"
    "法律依据以报告所列版本的法律法规为准。本报告不构成对行政机关处理结果的保证。"
)
ASSOCIATION_DISCLAIMER = (
    "本报告依据企业在行业协会组织的合规体检中提交的答案自动生成，结果仅供参考，不构成法律意见。"
    "法律依据以报告所列版本的法律法规为准；具体问题请咨询律师或主管部门。"
)
LENIENT_RULE = (
    f"依据{credit_cite(FIRST_VIOLATION)}，初次违法且危害后果轻微并及时改正的，可以不予行政处罚；"
    "须同时具备首次违法、危害后果轻微、及时改正三个条件，是否适用由执法机关依法决定，本报告不作承诺。"
)
INCENTIVES = (
    "有效运行的合规管理体系，在一些地方可以作为信用评价、海关认证、信用修复等方面的加分或参考因素"
    "（例如温州鹿城、绍兴上虞、苏州等地已有相关探索）。能否适用、如何适用以当地主管部门的规定为准，本报告不作承诺；"
    "建议保留合规制度、培训和整改记录，以备需要时提交。"
)
DEEP_CHECK_HINT = "本次为快速体检，只检查了红线和重点项目，未检查的项目不代表合规；建议进行一次深度体检（回答全部适用题目）。"
SCORING_METHOD = [
    "每道计分题按答案取值：符合 1 分，部分符合 0.5 分，不符合 0 分，不清楚 0 分（标记“待核实”）；不适用的题目不计入。"
    "单选题按选项分值，多选题按选中的合规选项占全部合规选项的比例，数值题按分档计分。",
    "适用但未回答的题目按“不清楚”计分，并降低完整度。",
    "按风险等级加权："
    + "，".join(f"{r} {RISK_WEIGHTS[r]}" for r in RISKS)
    + "。模块得分 = 100 × Σ(权重 × 取值) / Σ(权重)，保留一位小数；"
    "没有适用题目的模块显示“不适用”。总分用同一公式计算全部适用题目。",
    f"红灯：任一红线项目不符合，或总分低于 {RED_BELOW:g} 分；黄灯：任一红线项目部分符合或不清楚，或任一高风险项目不符合，"
    f"或总分低于 {GREEN_FROM:g} 分；其余为绿灯。判定使用未四舍五入的分数。完整度（已回答的适用计分题所占比例）低于 "
    f"{GREY_BELOW_COMPLETENESS:.0%} 时为灰灯（未评定）。",
    "快速体检只问红线和重点项目，只对问到的项目计分；没有问到的项目列为“未检查”，不代表合规。",
    "问题项按风险等级、权重 ×（1 − 取值）、模块顺序排列。",
]


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
        "to_verify": r.verdict == "unknown",
        "unanswered": not r.answered,
        "answer": _answer_view(r),
        "violation": item.violation,
        "basis": [line.citation for line in lines],
        "basis_detail": [{"citation": line.citation, "quotes": list(line.quotes)} for line in lines],
        "liability": item.liability_at(date),
        "remedy": item.remedy,
        "lenient": item.lenient,
        "lenient_rule": LENIENT_RULE if item.lenient else None,
        "evidence_hints": list(item.evidence),
        "deadline": _date(r.deadline),
    }


def _condition_names(a: Assessment) -> set[str]:
    names: set[str] = set()
    for m in a.questionnaire.modules:
        if m.condition is not None:
            names.update(m.condition.names)
        for item in m.items:
            if item.condition is not None:
                names.update(item.condition.names)
    return names


def _profile_view(a: Assessment) -> list[dict[str, str]]:
    """The profile answers applicability was decided from, in questionnaire order."""
    used = _condition_names(a)
    return [
        {
            "question": pq.question,
            "answer": _profile_label(a, pq.id) if _has_profile(a, pq.id) else UNANSWERED_LABEL,
        }
        for pq in a.questionnaire.profile
        if pq.id in used
    ]


def _has_profile(a: Assessment, key: str) -> bool:
    return a.answers.company.get(key, a.answers.facts.get(key)) is not None


def _switched_off_view(a: Assessment) -> list[dict[str, Any]]:
    q = a.questionnaire
    profile = q.profile_by_id
    out = []
    for module_id, missing in a.switched_off.items():
        try:
            title = q.module(module_id).title
        except KeyError:
            title = module_id
        out.append(
            {"module": title, "missing": [profile[f].question if f in profile else f for f in missing]}
        )
    return out


def _not_examined_view(a: Assessment) -> list[dict[str, Any]]:
    groups: dict[str, list[str]] = {}
    for r in a.not_examined:
        groups.setdefault(r.module.title, []).append(r.item.short_title)
    return [{"module": m, "titles": titles} for m, titles in groups.items()]


def _problem_subject(a: Assessment, fld: str) -> str | None:
    """The title of the question a problem is about, or None when it is about no question."""
    q = a.questionnaire
    head, _, rest = fld.partition(".")
    if head in ("company", "facts") and rest in q.profile_by_id:
        return q.profile_by_id[rest].question
    parts = fld.split(".")
    for n in range(len(parts), 0, -1):
        item = q.items.get(".".join(parts[:n]))
        if item is not None:
            return item.short_title
    return None


def owner_problems(a: Assessment) -> list[str]:
    """Errors an owner can act on, named by question title: no file paths, no internal ids."""
    lines: list[str] = []
    unplaced = 0
    for p in a.problems:
        if p.severity != "error":
            continue
        subject = _problem_subject(a, p.field)
        if subject is None:
            unplaced += 1
            continue
        lines.append(f"“{subject}”：答案未能读入，本题按未回答处理。")
    if unplaced:
        lines.append(
            f"答题文件中另有 {unplaced} 处内容不符合格式或对应不到检查清单，已忽略（生成报告时命令行会列出具体位置）。"
        )
    not_applicable = sum(
        1
        for r in a.items
        if r.state == "inapplicable" and r.answer is not None and r.answer.value not in (None, "na")
    )
    if not_applicable:
        lines.append(f"另有 {not_applicable} 个答案对应的题目按企业画像不适用，未计分。")
    return lines


LEDGER_SUMMARY_CHARS = 40


def _measure_summary(f: dict[str, Any]) -> str:
    """The ledger's short measure in the PDF: the remedy's first step, pointing to the finding that has
    it in full (an unanswered item has no card, so its ledger row keeps the whole measure)."""
    remedy = f["remedy"] or ""
    if f["unanswered"]:
        return ("先核实实际情况；如不符合：" if f["to_verify"] else "") + remedy
    first = remedy
    for mark in ("。", "；"):
        first = first.split(mark, 1)[0]
    if len(first) > LEDGER_SUMMARY_CHARS:
        first = first[:LEDGER_SUMMARY_CHARS] + "…"
    prefix = "先核实；" if f["to_verify"] else ""
    return f"{prefix}{first}" + ("" if first == remedy else f"（详见第 {f['n']} 项）")


def _meaning(a: Assessment, red_now: list[dict[str, Any]]) -> list[str]:
    """What the light means for this firm, in the order an owner should read it."""
    lines = []
    scored = a.scored
    if a.light == "grey":
        answered = sum(1 for r in scored if r.answered)
        lines.append(
            f"本次只回答了 {answered}/{len(scored)} 项适用题目（完整度 {a.completeness * 100:.0f}%），"
            f"信息太少，暂不评定。{RESUME_HINT}尚未回答的项目列为“待核实”，并不表示存在违法行为。"
        )
        return lines
    quick = a.depth.value == "quick" if hasattr(a.depth, "value") else a.depth == "quick"
    lines.append(
        "本次检查的红线和重点项目情况良好。" if quick and a.light == "green" else LIGHT_MEANING[a.light]
    )
    if any(f["verdict_code"] == "no" for f in red_now):
        lines.append(RED_LINE_STOP)
    return lines


def currency_warnings(a: Assessment) -> list[CurrencyWarning]:
    """Texts that took effect by the assessment date but that the examined items do not cite yet."""
    q = a.questionnaire
    texts = q.derived("legal.texts", TextsOnDate)
    # only items citing a text that ever ends can be out of date: worked out once per library
    ending = q.derived(
        "legal.ending_items", lambda: frozenset(i.id for i in q.items.values() if texts.may_end(i))
    )
    return law_currency_warnings(
        [r.item for r in a.scored if r.item.id in ending],
        a.assessment_date,
        texts=texts,
    )


def _modules_view(a: Assessment) -> list[dict[str, Any]]:
    return [
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


def _answers_views(a: Assessment, finding_no: dict[str, int]) -> tuple[list[Any], list[Any], list[Any]]:
    """(appendix of every answer by module, the company's needs, the 查见材料 of every reviewed item)."""
    appendix: list[dict[str, Any]] = []
    needs: list[dict[str, str]] = []
    evidence: list[dict[str, Any]] = []
    for m in a.modules:
        rows = []
        for r in m.items:
            if r.state in ("inapplicable", "not_examined"):
                continue
            if r.item.type is ItemType.text:
                if r.answer and r.answer.value:
                    needs.append({"question": r.item.question, "answer": str(r.answer.value)})
                continue
            view = _answer_view(r)
            rows.append(
                {
                    "id": r.item.id,
                    "title": r.item.short_title,
                    "question": r.item.question,
                    "risk": r.item.risk or "—",
                    "scored": r.item.scored,
                    "finding": finding_no.get(r.item.id),
                    **view,
                }
            )
            if view["evidence"] or view["note"] or view["self_answer"]:
                evidence.append(
                    {
                        "module": m.module.title,
                        "title": r.item.short_title,
                        "finding": finding_no.get(r.item.id),
                        **view,
                    }
                )
        if rows:
            appendix.append({"title": m.module.title, "rows": rows, "groups": _by_answer(rows)})
    return appendix, needs, evidence


def _by_answer(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A module's answer rows grouped by answer, in the order the answers first come: the PDF lists each
    answer once with its items (one paragraph per answer, not one per item, lays out several times faster)."""
    groups: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault(row["label"], []).append(row)
    return [{"label": label, "rows": items} for label, items in groups.items()]


def _laws_view(a: Assessment, date: dt.date | None) -> list[dict[str, str]]:
    laws: dict[str, dict[str, str]] = {}
    for r in a.findings:
        for c in r.item.basis:
            text = c.at(date).law  # the version actually cited on the assessment date
            laws.setdefault(text, {"title": law_title(text), "version": law_version(text)})
    return [{"short": k, **v} for k, v in sorted(laws.items())]


def _ledger_view(findings: list[dict[str, Any]], records: list[Any]) -> list[dict[str, Any]]:
    """The 整改台账: one row per finding, then the credit-repair milestones."""
    ledger = [
        {
            "n": f["n"],
            "id": f["id"],
            "title": f["title"],
            "risk": f["risk"],
            "measure": ("先核实实际情况；如不符合：" if f["to_verify"] else "") + (f["remedy"] or ""),
            "summary": _measure_summary(f),
            "deadline": f["deadline"],
            "status": LEDGER_STATUS_VERIFY if f["to_verify"] else LEDGER_STATUS_OPEN,
        }
        for f in findings
    ]
    n = len(ledger)
    for rec in records:
        for ms in rec.milestones:
            n += 1
            ledger.append(
                {
                    "n": n,
                    "id": "",
                    "title": f"{ms.label}：{rec.title}",
                    "risk": "信用",
                    "measure": ms.measure,
                    "summary": ms.measure,
                    "deadline": ms.when,
                    "status": "已到期" if ms.reached else LEDGER_STATUS_OPEN,
                }
            )
    return ledger


def _credit_view(records: list[Any]) -> list[dict[str, Any]]:
    return [
        {
            "title": rec.title,
            "points": [
                {"label": label, "text": p.text, "basis": list(p.basis)}
                for label, p in (
                    ("公示内容与期限", rec.publicity),
                    ("提前停止公示 / 信用修复", rec.early_removal),
                    ("向谁申请、提交什么", rec.application),
                    ("不能提前移除的情形", rec.not_removable),
                )
            ],
            "milestones": [m.as_dict() for m in rec.milestones],
        }
        for rec in records
    ]


def _company_view(a: Assessment) -> dict[str, Any]:
    company = a.answers.company
    return {
        "name": company.get("company_name") or "（未填写企业名称）",
        "uscc": company.get("uscc") or "—",
        "industry": _profile_label(a, "industry"),
        "entity_type": _profile_label(a, "entity_type"),
        "region": company.get("region") or "—",
        "employees": _profile_label(a, "employees"),
    }


def _overall_view(a: Assessment, red_now: list[dict[str, Any]], lawyer: bool) -> dict[str, Any]:
    reason = light_reason(a)
    return {
        "score": score_text(a.overall_rounded),
        "light": a.light,
        "light_label": LIGHT_LABELS[a.light],
        "meaning": _meaning(a, red_now),
        "light_meaning": "".join(_meaning(a, red_now)),
        "reason": ("根据查见的材料和现场询问，" + reason) if lawyer else reason,
        "completeness": f"{a.completeness * 100:.0f}%",
        "counts": a.finding_counts(),
        "total_findings": len(a.findings),
        "to_verify": len(a.to_verify),
        "grey": a.light == "grey",
    }


def _review_view(a: Assessment) -> dict[str, Any]:
    """ "律师复核 N/M 项" and the items not yet reviewed (lawyer mode only)."""
    progress = a.review
    if progress is None:
        return {"review": None, "review_pending": []}
    return {
        "review": f"{LABELS['review']} {progress.reviewed}/{progress.total} 项",
        "review_pending": [
            {"module": r.module.title, "title": r.item.short_title} for r in progress.not_reviewed
        ],
    }


def _skipped_modules(a: Assessment) -> list[str]:
    """Modules that do not apply to this firm (not those switched off by a missing profile value)."""
    return [
        m.module.title
        for m in a.modules
        if not any(r.applicable or r.state == "not_examined" for r in m.items)
        and m.module.module not in a.switched_off
    ]


def _age_warning(a: Assessment) -> str | None:
    date, released = a.assessment_date, a.questionnaire.info.released
    if date and released and (date - released).days > 365:
        return f"本检查清单发布于 {released.isoformat()}，距评估日期已超过一年，法律可能已有修改，请更新 hegui-check。"
    return None


# long: one literal of everything the templates show, so each template key has one visible source
def report_context(a: Assessment, options: RenderOptions | None = None) -> dict[str, Any]:
    """Everything the report templates and the DOCX/XLSX renderers show, as plain display data."""
    letterhead = options.letterhead if options is not None else None
    info = a.questionnaire.info
    assessor = a.answers.assessor
    date = a.assessment_date
    findings = [{**_finding_view(n, r, date), "verdict_code": r.verdict} for n, r in enumerate(a.findings, 1)]
    appendix, needs, evidence = _answers_views(a, {f["id"]: f["n"] for f in findings})
    lawyer = assessor.mode == "lawyer"
    depth = a.depth.value if hasattr(a.depth, "value") else str(a.depth)
    red_lines = [f for f in findings if f["risk"] == RED_LINE]
    red_now = [f for f in red_lines if not f["to_verify"]]
    records = credit_guidance(a.answers.facts, date)
    disclaimer = {"lawyer": LAWYER_DISCLAIMER, "association": ASSOCIATION_DISCLAIMER}.get(
        assessor.mode, DISCLAIMER
    )
    return {
        "L": LABELS,
        "title": "企业合规体检报告" if not lawyer else "企业合规体检报告（律师法治体检）",
        "report_number": a.report_number,
        "version": a.questionnaire.version,
        "laws_as_of": info.laws_as_of,
        "released": info.released.isoformat() if info.released else "—",
        "age_warning": _age_warning(a),
        "law_warnings": [w.message for w in currency_warnings(a)],
        "date": _date(date),
        "depth": {"code": depth, "label": DEPTH_LABELS.get(depth, depth), "quick": depth == "quick"},
        "company": _company_view(a),
        "assessor": {
            "mode": MODES.get(assessor.mode, assessor.mode),
            "name": assessor.name or "—",
            "org": assessor.org or "—",
            "license_no": assessor.license_no or "—",
            "lawyer": lawyer,
        },
        "answer_label": LABELS["assessor_answer"] if lawyer else LABELS["company_answer"],
        **_review_view(a),
        "overall": _overall_view(a, red_now, lawyer),
        "risks": list(RISKS),
        "red_lines": red_now,
        "red_verify": [f for f in red_lines if f["to_verify"]],
        "to_verify": [f for f in findings if f["to_verify"] and f["risk"] != RED_LINE],
        "profile": _profile_view(a),
        "switched_off": _switched_off_view(a),
        "not_examined": _not_examined_view(a),
        "not_examined_count": len(a.not_examined),
        "deep_check_hint": DEEP_CHECK_HINT if depth == "quick" else None,
        "incentives": INCENTIVES if a.light == "green" and depth == "full" else None,
        "modules": _modules_view(a),
        "chart_svg": module_chart_svg(a),
        "findings": findings,
        "finding_cards": [f for f in findings if not f["unanswered"]],
        "unanswered": [f for f in findings if f["unanswered"]],
        "ledger": _ledger_view(findings, records),
        "credit_repair": _credit_view(records),
        "evidence": evidence,
        "deadline_days": dict(a.deadline_days),
        "appendix": appendix,
        "skipped_modules": _skipped_modules(a),
        "needs": needs,
        "laws": _laws_view(a, date),
        "scoring_method": SCORING_METHOD,
        "problems": owner_problems(a),
        "disclaimer": disclaimer,
        "letterhead": letterhead_view(letterhead),
    }
