"""Anonymised text names no firm and carries no contact or identity number."""

from __future__ import annotations

from hegui_check.anonymize import MARK, name_variants, redact

PLANTED = (
    "请联系温州市瓯江鞋业有限公司王经理 13905771234 或 0577-88881234，邮箱 wang@oujiang.cn，"
    "代码 91330302MA2XXXXX0Y，身份证 330302198001011234，瓯江鞋业也想参加培训"
)


def test_planted_values_are_all_redacted() -> None:
    out = redact(PLANTED, name_variants(["温州市瓯江鞋业有限公司"]))
    for leaked in (
        "瓯江鞋业",
        "13905771234",
        "0577-88881234",
        "wang@oujiang.cn",
        "91330302MA2XXXXX0Y",
        "330302198001011234",
    ):
        assert leaked not in out
    assert MARK in out and "也想参加培训" in out


def test_text_without_personal_data_is_unchanged() -> None:
    text = "希望协会组织一次劳动用工培训，2026 年 3 月前完成"
    assert redact(text, name_variants(["某某伞业有限公司"])) == text
