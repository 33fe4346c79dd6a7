"""Blank collection files: a YAML answer file listing every question with its id and allowed values."""

from __future__ import annotations

import yaml

from .answers import STATUS_LABELS
from .questionnaire import Item, ItemType, ProfileQuestion, Questionnaire


def _allowed(q: Item | ProfileQuestion) -> str:
    kind = q.type.value if isinstance(q.type, ItemType) else q.type
    if kind == "status":
        return " / ".join(f"{k} {v}" for k, v in STATUS_LABELS.items())
    if kind in ("choice", "multi"):
        opts = " / ".join(f"{o.value} {o.label}" for o in q.options)
        return opts + ("（可多选，写成列表）" if kind == "multi" else "") + (
            " / unknown 不清楚 / na 不适用" if isinstance(q, Item) else "")
    if kind == "number":
        return "数字"
    if kind == "boolean":
        return "true 是 / false 否"
    return "文字"


def _comment(text: str, indent: str) -> str:
    return "".join(f"{indent}# {line}\n" for line in text.splitlines())


def modules_for_industry(q: Questionnaire, industry: str | None) -> list:
    """Core modules always; industry packs only when their condition holds for ``industry``."""
    if industry is None:
        return list(q.modules)
    env = {"industry": industry}
    return [m for m in q.modules if m.kind != "industry" or m.condition is None or m.condition.evaluate(env)]


def yaml_template(q: Questionnaire, industry: str | None = None) -> str:
    """A valid answer file whose answers are all null, each preceded by its question and allowed values."""
    out = [
        "# hegui-check 空白答题文件。每道题填一个允许的值，不确定的可以不填（按“不清楚”计分）。\n",
        "# 完成后运行：hegui-check report 本文件\n",
        "hegui_check: 1\n",
        f"questionnaire_version: {yaml.safe_dump(q.version).strip().removesuffix('...').strip()}\n",
    ]
    for group in ("company", "facts"):
        out.append(f"{group}:\n")
        for pq in q.profile:
            if pq.group != group:
                continue
            value = "null"
            if pq.id == "industry" and industry:
                value = industry
            out.append(_comment(f"{pq.question}  [{_allowed(pq)}]", "  "))
            out.append(f"  {pq.id}: {value}\n")
    out.append("assessor:\n  mode: self\n  name: null\n  org: null\n  license_no: null\n")
    out.append("  date: null  # 评估日期，如 2026-11-21\n")
    out.append("answers:\n")
    for module in modules_for_industry(q, industry):
        cond = f"（适用条件：{module.applies_when}）" if module.applies_when else ""
        out.append(f"\n  # ==== {module.title}{cond} ====\n")
        for item in module.items:
            when = f"（仅当 {item.when}）" if item.when else ""
            out.append(_comment(f"{item.question}{when}", "  "))
            out.append(_comment(f"[{_allowed(item)}]" + (f" 风险：{item.risk}" if item.risk else ""), "  "))
            out.append(f"  {item.id}: null\n")
    return "".join(out)
