"""The shared vocabulary: risk levels, answer statuses, lights, depths and modes — values, labels,
weights, thresholds and colours, one home each. Every other module imports them from here."""

from __future__ import annotations

from enum import Enum
from typing import Literal

# --- risk levels (SPEC §3) ---------------------------------------------------------------------
RiskName = Literal["红线", "高", "中", "低"]
RISKS: tuple[RiskName, ...] = ("红线", "高", "中", "低")
RED_LINE: RiskName = "红线"
HIGH: RiskName = "高"
RISK_WEIGHTS: dict[str, int] = {"红线": 10, "高": 5, "中": 3, "低": 1}
RISK_ORDER: dict[str, int] = {risk: n for n, risk in enumerate(RISKS)}
RISK_COLOURS: dict[str, str] = {"红线": "#b71c1c", "高": "#d84315", "中": "#b26a00", "低": "#546e7a"}
# Suggested remediation deadline in days from the assessment date (SPEC §5), configurable per run.
DEFAULT_DEADLINE_DAYS: dict[str, int] = {"红线": 7, "高": 30, "中": 90, "低": 180}

# --- answer statuses (SPEC §4) -----------------------------------------------------------------
STATUS_LABELS: dict[str, str] = {
    "yes": "符合",
    "partial": "部分符合",
    "no": "不符合",
    "unknown": "不清楚",
    "na": "不适用",
}
STATUS_ORDER: tuple[str, ...] = tuple(STATUS_LABELS)
# Item value of a status answer (SPEC §5); na is excluded from scoring.
STATUS_SCORES: dict[str, float] = {"yes": 1.0, "partial": 0.5, "no": 0.0, "unknown": 0.0}
# How a scored item's outcome reads in a report.
VERDICT_LABELS: dict[str, str] = {
    "yes": "符合",
    "partial": "部分符合",
    "no": "不符合",
    "unknown": "不清楚/待核实",
}
UNANSWERED_LABEL = "未回答"
NOT_REVIEWED_LABEL = "未复核"


# --- lights (SPEC §5) --------------------------------------------------------------------------
class Light(str, Enum):
    green = "green"
    yellow = "yellow"
    red = "red"
    grey = "grey"

    @property
    def label(self) -> str:
        return LIGHT_LABELS[self]

    @property
    def colour(self) -> str:
        return LIGHT_COLOURS[self]


LIGHT_LABELS: dict[str, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯（未评定）"}
LIGHT_SHORT: dict[str, str] = {"green": "绿灯", "yellow": "黄灯", "red": "红灯", "grey": "灰灯"}
LIGHT_COLOURS: dict[str, str] = {"green": "#1e7d32", "yellow": "#b26a00", "red": "#c62828", "grey": "#757575"}
LIGHT_FILLS: dict[str, str] = {"green": "C8E6C9", "yellow": "FFE0B2", "red": "FFCDD2", "grey": "E0E0E0"}
LIGHT_ORDER: tuple[str, ...] = ("red", "yellow", "green", "grey")

RED_BELOW = 60.0  # overall score below this: red light
GREEN_FROM = 85.0  # overall score from this (and no other rule): green light
GREY_BELOW_COMPLETENESS = 0.5  # completeness below this: too little to judge (灰灯)


# --- depth of a check (SPEC §2, §3) ------------------------------------------------------------
class Depth(str, Enum):
    quick = "quick"
    full = "full"

    @property
    def label(self) -> str:
        return DEPTH_LABELS[self]


DEPTH_LABELS: dict[str, str] = {"quick": "快速体检", "full": "深度体检"}
DEFAULT_DEPTH = Depth.full

# --- who assessed ------------------------------------------------------------------------------
MODES: dict[str, str] = {"self": "自评", "lawyer": "律师体检", "association": "协会批量体检"}


# --- report labels: one wording for every format (PDF, HTML, Markdown, DOCX, XLSX) --------------
LABELS: dict[str, str] = {
    "question": "检查事项",
    "company_answer": "企业答复",  # the company's own answer (self-assessment)
    "assessor_answer": "律师核查结论",  # the answer a lawyer recorded after seeing the materials
    "self_answer": "企业自评",  # what the company answered before the lawyer changed it
    "override_reason": "改判理由",
    "note": "备注",
    "evidence": "查见材料",  # materials actually seen for this item
    "evidence_hints": "建议留存材料",  # what the checklist suggests keeping as proof
    "violation": "常见违法表现",
    "basis": "法律依据",
    "liability": "违法责任",
    "remedy": "合规建议",
    "lenient": "从宽处理",
    "deadline": "建议整改期限",
    "measure": "整改措施",
    "owner": "责任人",
    "status": "状态",
    "risk": "风险",
    "module": "领域",
    "answer": "答案",
    "to_verify": "待核实",
    "not_examined": "未检查",
    "review": "律师复核",
    "profile": "企业画像",
    "problems": "答题问题",
    "credit_repair": "信用修复指导",
    "ledger": "整改台账",
}
LEDGER_STATUS_OPEN = "未开始"
LEDGER_STATUS_VERIFY = "待核实"
