"""Regions as firms write them are counted as one region."""

from __future__ import annotations

import pytest

from hegui_check.regions import normalize_region


@pytest.mark.parametrize(
    "text", ["温州鹿城", "浙江省温州市鹿城区", "鹿城区", "温州市鹿城区", "浙江温州鹿城区", " 温州 鹿城 "]
)
def test_wenzhou_lucheng_in_any_spelling_is_one_region(text: str) -> None:
    r = normalize_region(text)
    assert r.label == "浙江省温州市鹿城区" and r.at("city") == "浙江省温州市" and r.at("province") == "浙江省"


@pytest.mark.parametrize(
    ("text", "label"),
    [
        ("绍兴上虞", "浙江省绍兴市上虞区"),
        ("重庆渝北", "重庆市渝北区"),
        ("渝北区", "重庆市渝北区"),
        ("苏州吴江", "江苏省苏州市吴江区"),
        ("南京鼓楼", "江苏省南京市鼓楼区"),
        ("宁波江北", "浙江省宁波市江北区"),
        ("广东省深圳市南山区", "广东省深圳市南山区"),
        ("温州", "浙江省温州市"),
    ],
)
def test_short_forms_and_other_provinces(text: str, label: str) -> None:
    assert normalize_region(text).label == label


@pytest.mark.parametrize("text", ["鼓楼区", "江北区", "某某工业园"])
def test_ambiguous_or_unknown_text_is_kept_as_given(text: str) -> None:
    assert normalize_region(text).label == text
