"""Dated citations: every version is checked against its own text; validate --laws and --as-of."""

from __future__ import annotations

import datetime as dt
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.questionnaire import load_questionnaire
from hegui_check.questionnaire.citations import check_as_of, check_citations, load_laws

from .conftest import FIXTURES, shared_path

VERSIONED = FIXTURES / "trademark-versions"
ONE_VERSION = FIXTURES / "trademark-one-version"
BRAND = "core/brand.yaml"
runner = CliRunner()


@pytest.fixture(scope="module")
def laws():
    return load_laws(shared_path("laws"))


def _copy(src: Path, tmp_path: Path, old: str = "", new: str = "") -> Path:
    lib = tmp_path / src.name
    shutil.copytree(src, lib)
    path = lib / BRAND
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return lib


def _validate(*args: str):
    result = runner.invoke(cli.app, ["validate", *args])
    assert "Traceback" not in (result.output or ""), result.output
    return result


def test_versioned_pack_passes_the_citation_check(laws) -> None:
    q = load_questionnaire([VERSIONED], builtin=False)
    problems, count = check_citations(q, laws, today=dt.date(2026, 12, 2))
    assert problems == []
    assert count == 5  # two entries with two texts each, one single-text entry


def test_versioned_pack_still_passes_after_the_revision_takes_effect(laws) -> None:
    q = load_questionnaire([VERSIONED], builtin=False)
    assert check_citations(q, laws, today=dt.date(2027, 3, 1))[0] == []


def test_wrong_quote_in_the_2027_version_is_caught(tmp_path: Path, laws) -> None:
    lib = _copy(
        VERSIONED,
        tmp_path,
        "article: 72, item: 1, quote: 在同一种商品上使用与其注册商标相同的商标}",
        "article: 72, item: 1, quote: 在同一种商品上使用与其注册商标相同的商标的}",
    )
    problems, _ = check_citations(load_questionnaire([lib], builtin=False), laws, today=dt.date(2026, 12, 2))
    assert len(problems) == 1
    assert "brand.no_counterfeits: basis[2].versions[1]" in problems[0]
    assert "引文" in problems[0] and "商标法-2027" in problems[0]


def test_wrong_article_in_the_2027_version_is_caught(tmp_path: Path, laws) -> None:
    lib = _copy(VERSIONED, tmp_path, "article: 74, paragraph: 2", "article: 88, paragraph: 2")
    problems, _ = check_citations(load_questionnaire([lib], builtin=False), laws)
    assert len(problems) == 1 and "没有第 88 条" in problems[0] and "basis[1].versions[1]" in problems[0]


def test_version_starting_before_its_text_takes_effect_is_an_error(tmp_path: Path, laws) -> None:
    lib = _copy(VERSIONED, tmp_path, "from: 2027-01-01, article: 72", "from: 2026-12-01, article: 72")
    problems, _ = check_citations(load_questionnaire([lib], builtin=False), laws)
    assert len(problems) == 1
    assert "basis[2].versions[1]" in problems[0] and "早于《商标法-2027》的施行日期 2027-01-01" in problems[0]


def test_old_text_cited_past_its_last_day_is_an_error(tmp_path: Path, laws) -> None:
    lib = _copy(VERSIONED, tmp_path, "from: 2027-01-01, article: 72", "from: 2027-02-01, article: 72")
    problems, _ = check_citations(load_questionnaire([lib], builtin=False), laws)
    assert len(problems) == 1
    assert "basis[2]:" in problems[0] and "只施行到 2026-12-31" in problems[0] and "2027-01-01" in problems[0]


def test_one_version_citation_of_a_superseded_text_is_an_error_once_superseded(laws) -> None:
    q = load_questionnaire([ONE_VERSION], builtin=False)
    assert check_citations(q, laws, today=dt.date(2026, 12, 31))[0] == []
    problems, _ = check_citations(q, laws, today=dt.date(2027, 1, 5))
    assert len(problems) == 2 and all("《商标法》已不是现行文本" in p for p in problems)
    assert all("商标法-2027" in p for p in problems)


def test_as_of_lists_one_version_trademark_citations_with_the_text_in_force_then() -> None:
    q = load_questionnaire([ONE_VERSION], builtin=False)
    found, count = check_as_of(q, dt.date(2027, 1, 5))
    assert count == 3
    assert [(f.item_id, f.n, f.cited.law) for f in found] == [
        ("brand.no_counterfeits", 1, "商标法"),
        ("brand.no_counterfeits", 2, "商标法"),
    ]
    assert all(f.in_force is not None and f.in_force.short == "商标法-2027" for f in found)
    assert check_as_of(q, dt.date(2026, 12, 31))[0] == []


def test_as_of_before_a_text_takes_effect_lists_a_citation_of_it() -> None:
    q = load_questionnaire([VERSIONED], builtin=False)
    assert check_as_of(q, dt.date(2027, 1, 5))[0] == []
    assert check_as_of(q, dt.date(2026, 12, 20))[0] == []


def test_cli_validate_laws_passes_on_the_versioned_pack() -> None:
    result = _validate("--no-builtin", "--questionnaires", str(VERSIONED), "--laws", str(shared_path("laws")))
    assert result.exit_code == 0, result.output
    assert "5 条引用" in result.output and "0 个问题" in result.output


def test_cli_validate_laws_names_file_item_and_version_of_a_wrong_2027_quote(tmp_path: Path) -> None:
    lib = _copy(
        VERSIONED,
        tmp_path,
        "quote: 可以并处违法经营额五倍以下的罚款",
        "quote: 可以处违法经营额五倍以下的罚款",
    )
    result = _validate("--no-builtin", "--questionnaires", str(lib), "--laws", str(shared_path("laws")))
    assert result.exit_code == 1
    assert "brand.yaml" in result.output and "brand.no_counterfeits: basis[1].versions[1]" in result.output


def test_cli_as_of_lists_the_one_version_item_and_fails() -> None:
    result = _validate("--no-builtin", "--questionnaires", str(ONE_VERSION), "--as-of", "2027-01-05")
    assert result.exit_code == 1
    out = result.output
    assert "brand.yaml: brand.no_counterfeits: basis[1]: 2027-01-05 引用《商标法》第六十条第二款" in out
    assert (
        "该文本已于 2026-12-31 失效；当日施行的是 商标法-2027（2026年6月26日版本，2027年1月1日起施行）" in out
    )
    assert "按 2027-01-05 施行的法律核对：3 条引用中有 2 条指向当日尚未施行或已失效的文本（1 道题）" in out


def test_cli_as_of_passes_on_the_versioned_pack_with_and_without_laws() -> None:
    result = _validate("--no-builtin", "--questionnaires", str(VERSIONED), "--as-of", "2027-01-05")
    assert result.exit_code == 0, result.output
    assert "按 2027-01-05 施行的法律核对：3 条引用都指向当日施行的文本" in result.output
    result = _validate(
        "--no-builtin",
        "--questionnaires",
        str(VERSIONED),
        "--as-of",
        "2027-01-05",
        "--laws",
        str(shared_path("laws")),
    )
    assert result.exit_code == 0, result.output


@pytest.mark.parametrize("bad", ["2027-13-01", "20270105", "明年", "2027-02-30"])
def test_cli_as_of_rejects_a_bad_date_with_a_chinese_usage_error(bad: str) -> None:
    result = _validate("--no-builtin", "--questionnaires", str(VERSIONED), "--as-of", bad)
    assert result.exit_code == 2
    assert "不是有效日期" in result.output and "YYYY-MM-DD" in result.output


def test_bundled_library_passes_validate_laws() -> None:
    result = _validate("--laws", str(shared_path("laws")))
    assert result.exit_code == 0, result.output
    assert "，0 个问题" in result.output
