"""Every legal citation of the bundled library is checked against the statute texts in ../shared/laws."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from hegui_check.legal import article_text, chinese_number, cite, law_title, law_titles
from hegui_check.questionnaire import Citation, load_questionnaire
from hegui_check.questionnaire.citations import check_citations, load_laws

from .conftest import FIXTURES, shared_path


@pytest.fixture(scope="module")
def laws():
    return load_laws(shared_path("laws"))


def test_bundled_library_cites_only_current_articles_with_exact_quotes(q, laws) -> None:
    problems, count = check_citations(q, laws)
    assert problems == []
    assert count > 500


def test_every_cited_law_has_a_title_and_version_in_the_package(q) -> None:
    cited = {text.law for item in q.items.values() for c in item.basis for _, text in c.texts()}
    missing = cited - set(law_titles())
    assert missing == set()
    assert all(law_titles()[law]["version"] for law in cited)


def _with_basis(tmp_path: Path, basis: str):
    lib = tmp_path / "lib"
    shutil.copytree(FIXTURES / "mini", lib)
    path = lib / "core" / "beta.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "basis: [{law: 劳动合同法, article: 10, quote: 应当订立书面劳动合同}]", f"basis: [{basis}]", 1
    )
    path.write_text(text, encoding="utf-8")
    return load_questionnaire([lib], builtin=False)


@pytest.mark.parametrize(
    ("basis", "expected"),
    [
        ("{law: 反不正当竞争法, article: 9, quote: 经营者不得采取不正当手段侵犯商业秘密}", "引文"),
        ("{law: 反不正当竞争法-2019, article: 9, quote: 商业秘密}", "不是现行文本"),
        ("{law: 环境保护法-2014, article: 45, quote: 排污许可}", "不是现行文本"),
        ("{law: 劳动合同法, article: 99, quote: 劳动合同}", "没有第 99 条"),
        ("{law: 网络直播营销管理办法, article: 1, quote: 直播}", "法规库中没有"),
        ("{law: 劳动合同法, article: 82, paragraph: 3, quote: 二倍的工资}", "没有第 3 款"),
        ("{law: 劳动合同法, article: 82, paragraph: 2, quote: 超过一个月不满一年}", "引文"),
        ("{law: 劳动合同法, article: 39, item: 9, quote: 严重违反}", "第（九）项"),
    ],
)
def test_wrong_citations_are_caught(tmp_path: Path, laws, basis: str, expected: str) -> None:
    q = _with_basis(tmp_path, basis)
    problems, _ = check_citations(q, laws)
    assert len(problems) == 1
    assert "beta.one" in problems[0] and expected in problems[0]


def test_items_and_half_width_brackets_are_found(tmp_path: Path, laws) -> None:
    q = _with_basis(
        tmp_path, "{law: 反不正当竞争法, article: 10, paragraph: 1, item: 3, quote: 违反保密义务}"
    )
    assert check_citations(q, laws)[0] == []
    q = _with_basis(
        tmp_path / "b",
        "{law: 计算机软件保护条例, article: 24, paragraph: 1, item: 1, quote: 复制或者部分复制}",
    )
    assert check_citations(q, laws)[0] == []


def test_civil_code_articles_are_numbered_across_its_books(tmp_path: Path, laws) -> None:
    q = _with_basis(tmp_path, "{law: 民法典, article: 1165, quote: 行为人因过错侵害他人民事权益}")
    assert check_citations(q, laws)[0] == []


@pytest.mark.parametrize(
    ("n", "text"),
    [
        (1, "一"),
        (10, "十"),
        (11, "十一"),
        (20, "二十"),
        (82, "八十二"),
        (101, "一百零一"),
        (110, "一百一十"),
        (276, "二百七十六"),
        (1005, "一千零五"),
        (1242, "一千二百四十二"),
    ],
)
def test_chinese_numerals(n: int, text: str) -> None:
    assert chinese_number(n) == text


def test_citation_rendering() -> None:
    assert article_text("276之一") == "第二百七十六条之一"
    c = Citation(law="劳动合同法", article=82, paragraph=1, quote="二倍")
    assert cite(c) == "《中华人民共和国劳动合同法》第八十二条第一款"
    assert cite(c, full=False) == "《劳动合同法》第八十二条第一款"
    assert (
        cite(Citation(law="安全生产法", article=105, item=1, quote="xx"))
        == "《中华人民共和国安全生产法》第一百零五条第（一）项"
    )
    assert law_title("民法典") == "中华人民共和国民法典"
