"""Regenerate src/hegui_check/data/demo-answers.yaml: the fictional Wenzhou shoe maker used by `demo`.

Run after checklist changes: python scripts/make_demo_answers.py
Every applicable item gets an answer: the realistic problems below, "yes" elsewhere, gates "no"
unless listed. Ids listed here that no longer exist or apply are reported, not written.
"""

from __future__ import annotations

import sys
from pathlib import Path

from hegui_check.answers import dump_answers, parse_answers, uscc_with_check
from hegui_check.questionnaire import ItemType, load_questionnaire
from hegui_check.resources import data_dir
from hegui_check.scoring import applicable_items, assess

COMPANY = {
    "company_name": "温州市鹿城区瓯江鞋业有限公司",
    "uscc": uscc_with_check("91330302MA2H8K3L7"),
    "entity_type": "company",
    "industry": "footwear",
    "region": "浙江省温州市鹿城区",
    "employees": 45,
    "annual_revenue_wan": 2800,
}
FACTS = {
    "sells_online": True,
    "live_streaming": True,
    "sells_to_consumers": True,
    "exports": False,
    "handles_personal_info": True,
    "operates_online_service": False,
    "has_production_site": True,
    "has_shop": False,
    "has_dormitory": True,
    "has_special_equipment": True,
    "uses_hazardous_chemicals": True,
    "has_occupational_hazards": True,
    "discharges_pollutants": True,
    "owns_ip": True,
    "does_rnd": True,
    "outsources_or_dispatch": True,
}
SPECIAL: dict[str, object] = {
    "contract.counterparty_identity": ("partial", "只对新客户查过，老客户赊销没有复查"),
    "contract.seal_control": ("partial", "公章有登记，合同章由业务经理自行保管"),
    "tax.vat_law_2026": ("unknown", "代账公司负责，未确认是否按新法调整"),
    "ip.trademark_clearance": ("partial", "新款直播款式未做商标检索"),
    "ip.patent_fto": ("no", None),
    "ip.marketing_materials": ("partial", "直播间背景音乐未确认授权"),
    "trade_secret.protective_measures": ("no", None),
    "trade_secret.employee_confidentiality": ("partial", "只有设计师签了保密协议"),
    "labor.written_contract": ("partial", "3 名试用期员工和 2 名季节工未签书面合同"),
    "labor.working_hours": ("no", "旺季每月加班超过 36 小时"),
    "labor.wage_payment": ("partial", "计件工资未单独核算加班费"),
    "labor.social_insurance": ("partial", "12 名员工签了“自愿放弃社保”声明"),
    "labor.rules_democratic": ("no", "员工手册未经职工讨论，也未让员工签收"),
    "safety.training_records": ("partial", "新员工有三级教育，培训档案不全，今年未演练"),
    "safety.occupational_health_exams": ("partial", "刷胶岗位未做离岗体检"),
    "fire.three_in_one": ("partial", "员工宿舍在成品仓库楼上，已做防火分隔，未经消防部门检查"),
    "live_streaming.no_superlatives": ("partial", "主播口播中出现“全网最低价”"),
    "live_streaming.price_truthful": ("partial", "划线价未保留前 7 日成交记录"),
    "environment.vocs": ("partial", "刷胶线集气罩风量不足，活性炭更换无记录"),
    "environment.self_monitoring": ("partial", None),
    "environment.hazwaste_storage_label": ("partial", "废胶桶有台账，未在系统申报管理计划"),
    "data_privacy.notice": ("no", "网店会员和直播抽奖收集手机号，无告知"),
    "governance.asset_separation": ("partial", "老板个人账户偶尔代收货款"),
    "needs.requests": "希望协会组织劳动用工和直播合规培训，帮助审查达人合作协议。",
    "needs.issues": "有一名离职员工申请劳动仲裁，主张未签合同的二倍工资。",
}


def main() -> int:
    q = load_questionnaire()
    answers: dict[str, object] = {}
    raw: dict[str, object] = {}
    for _ in range(5):  # gates open further items; repeat until stable
        raw = {
            "hegui_check": 1,
            "questionnaire_version": q.version,
            "company": COMPANY,
            "facts": FACTS,
            "assessor": {"mode": "self", "name": "陈经理", "date": "2026-11-20"},
            "answers": answers,
        }
        applies = applicable_items(q, parse_answers(raw, q, "demo"))
        for item in q.items.values():
            if not applies[item.id] or item.id in answers:
                continue
            special = SPECIAL.get(item.id)
            if isinstance(special, tuple):
                answers[item.id] = {"answer": special[0], "note": special[1]} if special[1] else special[0]
            elif special is not None:
                answers[item.id] = special
            elif item.type is ItemType.boolean:
                answers[item.id] = item.id in ("footwear.uses_solvent_glue", "product_quality.makes_products")
            elif item.type is ItemType.status:
                answers[item.id] = "yes"
    unused = [k for k in SPECIAL if k not in answers]
    data = parse_answers(raw, q, "demo")
    result = assess(q, data)
    if data.problems or unused:
        print("problems:", [str(p) for p in data.problems], "not applicable or unknown:", unused)
        return 1
    text = dump_answers(data, q).splitlines(keepends=True)
    text[0] = (
        "# hegui-check 示例答题文件（虚构企业，供 hegui-check demo 使用）。可以用 hegui-check report 生成报告。\n"
    )
    target = data_dir() / "demo-answers.yaml"
    Path(target).write_text("".join(text), encoding="utf-8")
    print(
        f"{target}: {len(data.answers)} answers, {result.light}, {result.overall_rounded}, {len(result.findings)} findings"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
