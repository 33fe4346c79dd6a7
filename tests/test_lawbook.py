"""The shipped law calendar (data/laws.json): every text of each law, its dates and its successor."""

from __future__ import annotations

import csv
import datetime as dt

import pytest

from hegui_check.lawbook import LawText, parse_index, shipped_laws, text_in_force
from hegui_check.legal import law_title, law_titles, law_version

from .conftest import shared_path

D = dt.date


def test_trademark_law_2019_text_is_superseded_by_the_2026_revision_from_2027() -> None:
    laws = shipped_laws()
    old, new = laws["商标法"], laws["商标法-2027"]
    assert old.in_force_until == D(2026, 12, 31) and old.superseded_by == "商标法-2027"
    assert new.in_force_from == D(2027, 1, 1) and new.revised == D(2026, 6, 26)
    assert new.supersedes == ("商标法",)
    assert old.title == new.title == "中华人民共和国商标法"


@pytest.mark.parametrize(
    ("date", "expected"),
    [(D(2026, 12, 31), "商标法"), (D(2027, 1, 1), "商标法-2027"), (D(2030, 5, 1), "商标法-2027")],
)
def test_the_text_in_force_follows_the_calendar_both_ways(date: dt.date, expected: str) -> None:
    laws = shipped_laws()
    assert text_in_force(laws, "商标法", date).short == expected  # type: ignore[union-attr]
    assert text_in_force(laws, "商标法-2027", date).short == expected  # type: ignore[union-attr]


def test_repealed_and_superseded_texts_name_their_successor() -> None:
    laws = shipped_laws()
    assert laws["环境保护法-2014"].ended == "repealed"
    assert laws["环境保护法-2014"].superseded_by == "生态环境法典"
    assert laws["环境保护法-2014"].in_force_until == D(2026, 8, 14)
    assert laws["反不正当竞争法-2019"].superseded_by == "反不正当竞争法"
    assert laws["反不正当竞争法-2019"].in_force_until == D(2025, 10, 14)
    assert laws["增值税暂行条例-2017"].superseded_by == "增值税法"
    assert text_in_force(laws, "环境保护法-2014", D(2026, 9, 1)).short == "生态环境法典"  # type: ignore[union-attr]


def test_new_regulations_are_shipped_with_their_in_force_dates() -> None:
    laws = shipped_laws()
    expected = {
        "直播电商监督管理办法": D(2026, 2, 1),
        "互联网广告管理办法": D(2023, 5, 1),
        "价格违法行为行政处罚规定": D(2010, 12, 4),
        "机关、团体、企业、事业单位消防安全管理规定": D(2002, 5, 1),
        "企业信息公示暂行条例": D(2024, 5, 1),
        "市场监督管理行政处罚信息公示规定": D(2021, 9, 1),
        "市场监督管理行政处罚程序规定": D(2019, 4, 1),
    }
    assert {k: laws[k].in_force_from for k in expected} == expected


def test_old_lookup_api_still_gives_title_and_version() -> None:
    assert law_title("商标法") == "中华人民共和国商标法"
    assert law_version("商标法") == "2019年4月23日版本，施行至2026年12月31日"
    assert law_version("商标法-2027") == "2026年6月26日版本，2027年1月1日起施行"
    assert law_title("民法典") == "中华人民共和国民法典"
    assert law_title("没有这部法") == "没有这部法" and law_version("没有这部法") == ""
    assert all(entry["title"] and entry["version"] for entry in law_titles().values())


def test_a_text_is_in_force_between_its_dates() -> None:
    text = LawText("x", "X", D(2026, 6, 26), D(2027, 1, 1), D(2027, 12, 31))
    assert text.status_on(D(2026, 12, 31)) == "not_yet"
    assert text.status_on(D(2027, 1, 1)) == "in_force"
    assert text.status_on(D(2028, 1, 1)) == "no_longer"


def test_shipped_laws_json_matches_the_statute_index() -> None:
    """laws.json is regenerated from INDEX.tsv (scripts/build_law_titles.py); it must not lag behind."""
    with (shared_path("laws") / "INDEX.tsv").open(encoding="utf-8") as fh:
        parsed = parse_index(csv.DictReader(fh, delimiter="\t"))
    assert {k: v.to_json() for k, v in parsed.items()} == law_titles()
