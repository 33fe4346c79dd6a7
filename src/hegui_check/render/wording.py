"""How the engine's data reads in Chinese: the rule that set the light, item names for owners."""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..vocabulary import LIGHT_SHORT

if TYPE_CHECKING:
    from ..scoring import Assessment, LightRule

_MAX_NAMED = 5


def item_names(a: Assessment, ids: tuple[str, ...]) -> str:
    """Items named by their titles, as an owner reads them: 'A、B、C等'."""
    titles = [a.questionnaire.items[i].short_title if i in a.questionnaire.items else i for i in ids]
    return "、".join(titles[:_MAX_NAMED]) + ("等" if len(titles) > _MAX_NAMED else "")


def rule_text(a: Assessment, rule: LightRule) -> str:
    """One rule in words, e.g. '1 项红线项目不符合（增值税专用发票真实开具）'."""
    n = len(rule.items)
    score = f"{rule.score:.1f}" if rule.score is not None else "—"
    threshold = f"{rule.threshold:g}" if rule.threshold is not None else ""
    if rule.code == "red_line_no":
        return f"{n} 项红线项目不符合（{item_names(a, rule.items)}）"
    if rule.code == "red_line_open":
        return f"{n} 项红线项目部分符合或尚待核实（{item_names(a, rule.items)}）"
    if rule.code == "high_no":
        return f"{n} 项高风险项目不符合（{item_names(a, rule.items)}）"
    if rule.code in ("score_below_red", "score_below_green"):
        return f"总分 {score} 低于 {threshold} 分"
    if rule.code == "incomplete":
        done = f"{(rule.score or 0) * 100:.0f}%"
        limit = f"{(rule.threshold or 0) * 100:.0f}%"
        return f"只回答了 {done} 的适用题目（不足 {limit}），信息太少，暂不评定"
    if rule.code == "nothing_applicable":
        return "没有适用于本企业的计分检查项目"
    return f"总分 {score} 分（不低于 {threshold} 分），红线项目全部符合，没有高风险项目不符合"


def light_reason(a: Assessment) -> str:
    """'红灯：…；…' — the light and every rule that set it, in one sentence."""
    return LIGHT_SHORT[a.light] + "：" + "；".join(rule_text(a, r) for r in a.light_rules)
