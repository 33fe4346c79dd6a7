"""Credit-repair guidance (信用修复指导): pure, from the firm's record facts and the assessment date.

Periods and conditions are stated only where a statute text in the library gives them
(《市场监督管理行政处罚信息公示规定》, 《企业信息公示暂行条例》); for other authorities the 2025 NDRC rule is
named by title only and every period is left to the authority ("以主管部门规定为准").
"""

from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from .legal import cite as legal_cite
from .questionnaire.models import Citation

# The record facts of the company profile (all optional).
FACT_IDS = (
    "credit_record",
    "penalty_authority",
    "penalty_date",
    "penalty_kind",
    "penalty_fine_wan",
    "abnormal_list",
    "serious_list",
    "tax_credit_d",
)

NDRC_RULE = "《信用修复管理办法》（国家发展改革委令2025年第36号）"
AUTHORITIES = {
    "market": "市场监督管理部门",
    "tax": "税务机关",
    "environment": "生态环境主管部门",
    "safety": "应急管理（安全生产监管）部门",
    "fire": "消防救援机构",
    "labor": "人力资源社会保障行政部门（劳动保障监察）",
    "other": "有关主管部门",
}
PUBLICITY_SHORT_MONTHS = 3  # 第十三条第一款: 通报批评或者较低数额罚款
PUBLICITY_LONG_MONTHS = 36  # 第十三条第一款: 其他行政处罚信息，三年


def _c(law: str, article: int, quote: str, paragraph: int | None = None, item: int | None = None) -> Citation:
    return Citation(law=law, article=article, paragraph=paragraph, item=item, quote=quote)


# Every citation below quotes the article it names (checked against ../shared/laws by a test).
PUBLISHED = _c("市场监督管理行政处罚信息公示规定", 2, "应当记录于国家企业信用信息公示系统，并向社会公示", 1)
WARNING_NOT_PUBLISHED = _c("市场监督管理行政处罚信息公示规定", 2, "仅受到警告行政处罚的不予公示", 2)
PUBLISH_WITHIN = _c("市场监督管理行政处罚信息公示规定", 9, "自作出行政处罚决定之日起二十个工作日内")
PERIODS = _c("市场监督管理行政处罚信息公示规定", 13, "自公示之日起届满三个月的，停止公示", 1)
LOW_FINE_SET_BY_PROVINCE = _c(
    "市场监督管理行政处罚信息公示规定", 13, "较低数额罚款由省级以上市场监督管理部门结合工作实际规定", 2
)
LONG_RESTRICTION = _c("市场监督管理行政处罚信息公示规定", 13, "公示期按照实际限制期限执行", 3)
EARLY_STOP = _c(
    "市场监督管理行政处罚信息公示规定", 14, "可以向作出行政处罚决定的市场监督管理部门申请提前停止公示", 1
)
EARLY_STOP_NOT_LISTED = _c(
    "市场监督管理行政处罚信息公示规定", 14, "未在经营异常名录和严重违法失信名单中", 1, 4
)
EARLY_STOP_RULES_BY_SAMR = _c("市场监督管理行政处罚信息公示规定", 14, "由国家市场监督管理总局另行规定", 2)
NO_EARLY_STOP = _c("市场监督管理行政处罚信息公示规定", 14, "不得提前停止公示", 3)
CORRECTION = _c("市场监督管理行政处罚信息公示规定", 12, "有权要求该市场监督管理部门予以更正")
OWN_PUBLICITY = _c("企业信息公示暂行条例", 10, "受到行政处罚的信息", 1, 5)
OTHER_DEPARTMENTS = _c("企业信息公示暂行条例", 7, "行政处罚信息", 1, 2)
ABNORMAL_LIST = _c("企业信息公示暂行条例", 18, "列入经营异常名录", 1)
SERIOUS_LIST = _c("企业信息公示暂行条例", 18, "3年内不得担任其他企业的法定代表人、负责人", 2)
RESTRICTIONS = _c("企业信息公示暂行条例", 19, "依法予以限制或者禁入")
REPAIR_ENCOURAGED = _c("企业信息公示暂行条例", 20, "依法申请修复失信记录")
FIRST_VIOLATION = _c("行政处罚法", 33, "初次违法且危害后果轻微并及时改正的，可以不予行政处罚", 1)


def cite(c: Citation) -> str:
    """《市场监督管理行政处罚信息公示规定》第十四条第一款第（四）项 (titles from the shipped law data)."""
    return legal_cite(c)


@dataclass(frozen=True)
class Point:
    """One piece of guidance and the texts it rests on (formatted citations, or a rule named by title)."""

    text: str
    basis: tuple[str, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        return {"text": self.text, "basis": list(self.basis)}


@dataclass(frozen=True)
class Milestone:
    """A dated step for the 整改台账: ``date`` None when no text sets one (``when`` says what to wait for)."""

    label: str  # e.g. 公示期满（停止公示）, 可申请提前停止公示
    date: dt.date | None
    when: str  # how the date reads: 2028-03-01 / 约 2028年3月 / 达到总局规定的公示时限后
    measure: str
    reached: bool = False  # the date lies on or before the assessment date

    def as_dict(self) -> dict[str, Any]:
        return {
            "label": self.label,
            "date": self.date.isoformat() if self.date else None,
            "when": self.when,
            "measure": self.measure,
            "reached": self.reached,
        }


@dataclass(frozen=True)
class CreditRecord:
    """Guidance for one record: what is public and how long, early removal, where and with what, limits."""

    kind: str  # market_penalty | other_penalty | abnormal_list | serious_list | tax_credit_d | unspecified
    title: str
    publicity: Point
    early_removal: Point
    application: Point
    not_removable: Point
    milestones: tuple[Milestone, ...] = field(default=())

    def as_dict(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "title": self.title,
            "publicity": self.publicity.as_dict(),
            "early_removal": self.early_removal.as_dict(),
            "application": self.application.as_dict(),
            "not_removable": self.not_removable.as_dict(),
            "milestones": [m.as_dict() for m in self.milestones],
        }


_DATE = re.compile(r"^\s*(\d{4})-(\d{1,2})(?:-(\d{1,2}))?\s*$")


def parse_record_date(value: Any) -> tuple[dt.date, bool] | None:
    """("YYYY-MM" or "YYYY-MM-DD" or a date) -> (date, day known); None when it cannot be read."""
    if isinstance(value, dt.datetime):
        return value.date(), True
    if isinstance(value, dt.date):
        return value, True
    m = _DATE.match(str(value or ""))
    if not m:
        return None
    year, month, day = int(m.group(1)), int(m.group(2)), m.group(3)
    try:
        return dt.date(year, month, int(day) if day else 1), day is not None
    except ValueError:
        return None


def add_months(d: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it is shorter)."""
    index = d.month - 1 + months
    year, month = d.year + index // 12, index % 12 + 1
    return dt.date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def _when(d: dt.date, day_known: bool) -> str:
    return d.isoformat() if day_known else f"约 {d.year}年{d.month}月"


def _decided(when: tuple[dt.date, bool] | None) -> str:
    if when is None:
        return ""
    d, day_known = when
    return f"（处罚决定 {d.isoformat() if day_known else f'{d.year}年{d.month}月'}）"


def _truthy(value: Any) -> bool:
    return value is True or str(value).lower() in ("true", "yes", "1", "是")


def has_record(facts: Mapping[str, Any]) -> bool:
    """Whether the profile reports any credit record the guidance is about."""
    if any(_truthy(facts.get(k)) for k in ("credit_record", "abnormal_list", "serious_list", "tax_credit_d")):
        return True
    return facts.get("credit_record") is not False and bool(
        facts.get("penalty_authority") or facts.get("penalty_kind")
    )


def _fine_text(facts: Mapping[str, Any]) -> str:
    fine = facts.get("penalty_fine_wan")
    if isinstance(fine, (int, float)) and not isinstance(fine, bool) and fine > 0:
        return f"罚款 {fine:g} 万元"
    return "罚款"


def _publicity_end(start: dt.date, months: int, day_known: bool, today: dt.date | None) -> Milestone:
    """The 整改台账 row for the day the publicity ends (第十三条)."""
    end = add_months(start, months)
    return Milestone(
        "公示期满（停止公示）",
        end,
        _when(end, day_known),
        "核对国家企业信用信息公示系统是否已停止公示；未停止的，要求作出决定的部门更正",
        bool(today and end <= today),
    )


# long: legal text of one record type with its citations; the branches follow 第十三条/第十四条
def _market_penalty(
    facts: Mapping[str, Any], when: tuple[dt.date, bool] | None, today: dt.date | None, listed: bool
) -> CreditRecord:
    kind = facts.get("penalty_kind") or "fine"
    title = "市场监督管理部门的行政处罚"
    decided = _decided(when)
    not_early = Point(
        "责令停产停业、限制开展生产经营活动、限制从业、降低资质等级、吊销许可证件、吊销营业执照以及总局规定的其他"
        "较为严重的行政处罚，不得提前停止公示。",
        (cite(NO_EARLY_STOP),),
    )
    application = Point(
        "向作出行政处罚决定的市场监督管理部门提出申请，一般需提交：提前停止公示申请书、行政处罚决定书、已履行处罚决定的证明"
        "（如罚款缴纳凭证）、已消除危害后果和不良影响的材料（整改报告、赔偿或和解凭证等）；具体材料以受理部门要求为准。",
        (cite(EARLY_STOP),),
    )
    own = f"企业自身也应在形成之日起20个工作日内通过国家企业信用信息公示系统公示受到行政处罚的信息（{cite(OWN_PUBLICITY)}）。"
    if kind == "warning":
        return CreditRecord(
            "market_penalty",
            title + "（警告）" + decided,
            Point(
                "仅受到警告的行政处罚信息不在国家企业信用信息公示系统公示（法律、行政法规另有规定的除外）。"
                "如发现仍被公示，可要求作出决定的部门更正。",
                (cite(WARNING_NOT_PUBLISHED), cite(CORRECTION)),
            ),
            Point("不公示，无需申请提前停止公示。"),
            Point(
                "如系统显示有误，向作出处罚决定的市场监督管理部门提出更正，附行政处罚决定书。",
                (cite(CORRECTION),),
            ),
            Point("—"),
        )
    start = when[0] if when else None
    day_known = when[1] if when else False
    milestones: list[Milestone] = []
    if kind == "small_fine":
        publicity = Point(
            "行政处罚信息记于企业名下，在国家企业信用信息公示系统公示（作出决定后二十个工作日内）。仅受到通报批评或者较低数额罚款的，"
            "自公示之日起届满三个月停止公示；“较低数额”由省级以上市场监督管理部门规定，请对照本省标准确认。"
            + own,
            (cite(PUBLISHED), cite(PUBLISH_WITHIN), cite(PERIODS), cite(LOW_FINE_SET_BY_PROVINCE)),
        )
        early = Point(
            "三个月期满即停止公示，一般无需申请；如期满后仍在公示，可要求更正。",
            (cite(PERIODS), cite(CORRECTION)),
        )
        if start:
            milestones.append(_publicity_end(start, PUBLICITY_SHORT_MONTHS, day_known, today))
        return CreditRecord(
            "market_penalty",
            title + "（通报批评或较低数额罚款）" + decided,
            publicity,
            early,
            application,
            not_early,
            tuple(milestones),
        )
    serious = kind == "serious"
    long_note = "被限制开展生产经营活动、限制从业超过三年的，公示期按实际限制期限执行。"
    publicity = Point(
        f"行政处罚信息（{_fine_text(facts) if not serious else '较为严重的行政处罚'}）记于企业名下，在国家企业信用信息公示系统公示"
        "（作出决定后二十个工作日内）；自公示之日起届满三年停止公示。"
        + long_note
        + ("" if serious else "如该罚款属于本省规定的“较低数额罚款”，公示期为三个月。")
        + own,
        (cite(PUBLISHED), cite(PUBLISH_WITHIN), cite(PERIODS), cite(LONG_RESTRICTION))
        + (() if serious else (cite(LOW_FINE_SET_BY_PROVINCE),)),
    )
    if serious:
        early = Point("较为严重的行政处罚不得提前停止公示，须待公示期满。", (cite(NO_EARLY_STOP),))
    else:
        block = (
            "企业目前在经营异常名录或严重违法失信名单中，须先移出，才符合第（四）项条件。" if listed else ""
        )
        early = Point(
            "公示达到国家市场监督管理总局规定的时限后，同时符合以下条件的，可以申请提前停止公示：（一）已经自觉履行行政处罚决定中"
            "规定的义务（如缴清罚款）；（二）已经主动消除危害后果和不良影响；（三）未因同一类违法行为再次受到市场监督管理部门"
            "行政处罚；（四）未在经营异常名录和严重违法失信名单中。"
            + block
            + "最短公示时限和申请办法由总局另行规定，本规定没有给出具体时间，本报告不推算日期，请向作出决定的部门确认。",
            (cite(EARLY_STOP), cite(EARLY_STOP_NOT_LISTED), cite(EARLY_STOP_RULES_BY_SAMR)),
        )
        milestones.append(
            Milestone(
                "可申请提前停止公示",
                None,
                "达到总局规定的公示时限后（以市场监管部门规定为准）",
                "履行处罚决定、消除不良影响，备齐材料后向作出决定的市场监督管理部门申请提前停止公示",
            )
        )
    if start:
        milestones.append(_publicity_end(start, PUBLICITY_LONG_MONTHS, day_known, today))
    return CreditRecord(
        "market_penalty",
        title + ("（较为严重的行政处罚）" if serious else "（罚款）") + decided,
        publicity,
        early,
        application,
        not_early,
        tuple(milestones),
    )


def _other_penalty(authority: str, when: tuple[dt.date, bool] | None) -> CreditRecord:
    name = AUTHORITIES.get(authority, AUTHORITIES["other"])
    decided = _decided(when)
    return CreditRecord(
        "other_penalty",
        f"{name}的行政处罚" + decided,
        Point(
            f"{name}作出的行政处罚信息由该部门依法公示，并可能归集到“信用中国”网站和国家企业信用信息公示系统。公示期限由"
            f"{NDRC_RULE}和主管部门的规定确定，本报告不推算，以主管部门规定为准。企业自身也应在20个工作日内公示受到行政处罚的信息。",
            (cite(OTHER_DEPARTMENTS), cite(OWN_PUBLICITY), NDRC_RULE),
        ),
        Point(
            "纠正违法行为、履行处罚决定（如缴清罚款）并消除不良影响后，可以申请信用修复；可申请的时间和条件以主管部门规定为准。",
            (NDRC_RULE, cite(REPAIR_ENCOURAGED)),
        ),
        Point(
            "一般通过“信用中国”网站在线提交信用修复申请（也可向作出处罚决定的部门或当地信用主管部门咨询），通常需要：信用修复申请书、"
            "信用承诺书、履行处罚决定的证明（如罚款缴纳凭证）、整改完成的材料；具体流程和材料以主管部门规定为准。",
            (NDRC_RULE,),
        ),
        Point(
            "法律、法规或国家政策明确规定不可修复的情形不能修复；具体范围以主管部门规定为准。", (NDRC_RULE,)
        ),
        (
            Milestone(
                "申请信用修复",
                None,
                "整改并履行处罚决定后（以主管部门规定为准）",
                f"履行处罚决定、完成整改，通过“信用中国”网站或向{name}申请信用修复",
            ),
        ),
    )


def _abnormal_list(penalty_at_market: bool) -> CreditRecord:
    extra = "在名录中期间，市场监管行政处罚信息也不能申请提前停止公示。" if penalty_at_market else ""
    return CreditRecord(
        "abnormal_list",
        "列入经营异常名录",
        Point(
            "未按期公示年度报告或未按责令期限公示有关信息的企业，由市场监督管理部门列入经营异常名录并在国家企业信用信息公示系统公示；"
            "在政府采购、工程招投标、国有土地出让等工作中可能受到限制。连续2年未报送年度报告且通过登记地址无法联系的，"
            "营业执照会被吊销。",
            (cite(ABNORMAL_LIST), cite(RESTRICTIONS)),
        ),
        Point(
            "补报年度报告、补充公示有关信息（或更正地址等导致列入的情形）后，即可申请移出，无须等待固定期限；具体程序以市场监督管理部门规定为准。"
            + extra,
            (cite(REPAIR_ENCOURAGED), cite(EARLY_STOP_NOT_LISTED)),
        ),
        Point(
            "向作出列入决定的市场监督管理部门申请移出经营异常名录，一般需提交：移出申请书、已补报年度报告或补充公示信息的说明、"
            "营业执照复印件；具体材料以受理部门要求为准。"
        ),
        Point("因连续未报年报又无法联系而被吊销营业执照的，不能通过移出名录恢复。", (cite(ABNORMAL_LIST),)),
        (
            Milestone(
                "补报年报并申请移出经营异常名录",
                None,
                "尽快",
                "补报年度报告、补充公示，向市场监督管理部门申请移出经营异常名录",
            ),
        ),
    )


def _serious_list() -> CreditRecord:
    return CreditRecord(
        "serious_list",
        "列入市场监督管理严重违法失信名单",
        Point(
            "企业被列入严重违法失信名单并公示；企业的法定代表人、负责人3年内不得担任其他企业的法定代表人、负责人；在政府采购、"
            "工程招投标等工作中会被依法限制或禁入。",
            (cite(SERIOUS_LIST), cite(RESTRICTIONS)),
        ),
        Point(
            "移出名单和信用修复的条件与期限由市场监管总局的规定确定，本报告不推算，以市场监督管理部门规定为准；一般须先纠正违法行为、"
            "履行处罚决定。在名单中期间，市场监管行政处罚信息不能申请提前停止公示。",
            (cite(REPAIR_ENCOURAGED), cite(EARLY_STOP_NOT_LISTED)),
        ),
        Point(
            "向作出列入决定的市场监督管理部门咨询并申请信用修复，一般需提交：申请书、信用承诺书、履行处罚决定和整改完成的证明材料；"
            "具体以受理部门要求为准。"
        ),
        Point("法律法规规定不得修复的情形不能提前移出；具体范围以市场监督管理部门规定为准。"),
        (
            Milestone(
                "咨询并申请移出严重违法失信名单",
                None,
                "整改并履行处罚决定后（以市场监管部门规定为准）",
                "纠正违法行为、履行处罚决定，向作出列入决定的市场监督管理部门申请信用修复",
            ),
        ),
    )


def _tax_credit_d() -> CreditRecord:
    return CreditRecord(
        "tax_credit_d",
        "纳税信用评价为 D 级",
        Point(
            "纳税信用级别由税务机关评价；D 级纳税人在发票领用、出口退税、政府采购等方面可能受到限制。评价结果的公开范围和有效期以"
            "税务机关规定为准。"
        ),
        Point(
            "纠正纳税失信行为（补缴税款、滞纳金、罚款，补办申报等）后，可以向主管税务机关申请纳税信用修复；可申请的时间和条件以"
            "税务机关规定为准。",
            (cite(REPAIR_ENCOURAGED),),
        ),
        Point(
            "向主管税务机关（可通过电子税务局）提交纳税信用修复申请，附补缴、补报等纠正失信行为的证明；具体材料以税务机关要求为准。"
        ),
        Point("税务机关规定不予修复的情形不能修复；具体以税务机关规定为准。"),
        (
            Milestone(
                "申请纳税信用修复",
                None,
                "纠正失信行为后（以税务机关规定为准）",
                "补缴税款、滞纳金和罚款，补办申报，向主管税务机关申请纳税信用修复",
            ),
        ),
    )


def _unspecified() -> CreditRecord:
    return CreditRecord(
        "unspecified",
        "有不良信用记录（处罚机关未填写）",
        Point(
            "请先在国家企业信用信息公示系统和“信用中国”网站查询记录的来源和内容；市场监督管理部门的行政处罚一般公示三个月或三年，"
            "其他部门的公示期限以主管部门规定为准。",
            (cite(PERIODS), NDRC_RULE),
        ),
        Point(
            "履行处罚决定、消除不良影响后，可按记录来源申请提前停止公示或信用修复；补充处罚机关、决定日期和处罚种类后，"
            "本报告可给出更具体的指导。",
            (cite(EARLY_STOP), NDRC_RULE),
        ),
        Point(
            "市场监督管理部门的处罚向作出决定的部门申请；其他部门的记录一般通过“信用中国”网站申请，以主管部门规定为准。",
            (cite(EARLY_STOP), NDRC_RULE),
        ),
        Point(
            "较为严重的行政处罚（如责令停产停业、吊销许可证件或营业执照）不得提前停止公示。",
            (cite(NO_EARLY_STOP),),
        ),
    )


def credit_guidance(facts: Mapping[str, Any], today: dt.date | None) -> list[CreditRecord]:
    """One guidance entry per record the profile reports; an empty list when there is none."""
    if not has_record(facts):
        return []
    records: list[CreditRecord] = []
    authority = facts.get("penalty_authority")
    when = parse_record_date(facts.get("penalty_date")) if facts.get("penalty_date") else None
    abnormal, serious = _truthy(facts.get("abnormal_list")), _truthy(facts.get("serious_list"))
    if authority == "market":
        records.append(_market_penalty(facts, when, today, abnormal or serious))
    elif authority:
        records.append(_other_penalty(str(authority), when))
    if abnormal:
        records.append(_abnormal_list(authority == "market"))
    if serious:
        records.append(_serious_list())
    if _truthy(facts.get("tax_credit_d")):
        records.append(_tax_credit_d())
    if not records:
        records.append(_unspecified())
    return records


__all__ = [
    "FACT_IDS",
    "FIRST_VIOLATION",
    "CreditRecord",
    "Milestone",
    "Point",
    "add_months",
    "cite",
    "credit_guidance",
    "has_record",
    "parse_record_date",
]
