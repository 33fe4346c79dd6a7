"""Reports cite the text in force on the assessment date (the answer file's date), not the clock."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import load_answers
from hegui_check.legal import law_currency_warnings
from hegui_check.questionnaire import Citation, Item, load_questionnaire
from hegui_check.render import Format, render
from hegui_check.render.context import report_context
from hegui_check.scoring import assess

from .conftest import FIXTURES

VERSIONED = load_questionnaire([FIXTURES / "trademark-versions"], builtin=False)
ONE_VERSION = load_questionnaire([FIXTURES / "trademark-one-version"], builtin=False)
BEFORE = FIXTURES / "trademark-answers-2026-12-20.yaml"
AFTER = FIXTURES / "trademark-answers-2027-01-05.yaml"

OLD_ARTICLES = ("《中华人民共和国商标法》第五十七条第（一）项", "《中华人民共和国商标法》第六十条第二款")
NEW_ARTICLES = ("《中华人民共和国商标法》第七十二条第（一）项", "《中华人民共和国商标法》第七十四条第二款")
OLD_QUOTE = "没收、销毁侵权商品"
NEW_QUOTE = "可以并处违法经营额五倍以下的罚款"
OLD_LIABILITY = "由工商行政管理部门责令立即停止侵权行为"
NEW_LIABILITY = "由负责商标执法的部门责令立即停止侵权行为"
runner = CliRunner()


def _assess(q, path: Path):
    return assess(q, load_answers(path, q))


def _flat(text: str) -> str:
    return "".join(text.split())


def _pdf_text(data: bytes) -> str:
    return _flat("".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(data)).pages))


def _docx_text(data: bytes) -> str:
    doc = docx.Document(io.BytesIO(data))
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    return _flat("\n".join(parts))


@pytest.fixture(scope="module")
def before():
    return _assess(VERSIONED, BEFORE)


@pytest.fixture(scope="module")
def after():
    return _assess(VERSIONED, AFTER)


def test_findings_cite_the_2019_text_before_and_the_2026_revision_after_2027_01_01(before, after) -> None:
    """Both reports are made on the same day (the clock); only the answer file's date differs."""
    (f_before,) = report_context(before)["findings"]
    (f_after,) = report_context(after)["findings"]
    assert f_before["basis"] == list(OLD_ARTICLES)
    assert f_after["basis"] == list(NEW_ARTICLES)
    assert f_before["basis_detail"][1]["quotes"] == [OLD_QUOTE]
    assert f_after["basis_detail"][1]["quotes"] == [NEW_QUOTE]


def test_citations_in_a_finding_are_in_article_order(before) -> None:
    """The fixture lists 第六十条 before 第五十七条; the report sorts by law, then article."""
    assert [c.law for c in VERSIONED.items["brand.no_counterfeits"].basis] == ["商标法", "商标法"]
    assert report_context(before)["findings"][0]["basis"][0].endswith("第五十七条第（一）项")


def test_liability_text_follows_the_assessment_date(before, after) -> None:
    assert report_context(before)["findings"][0]["liability"].startswith(OLD_LIABILITY)
    assert report_context(after)["findings"][0]["liability"].startswith(NEW_LIABILITY)


def test_appendix_shows_the_version_of_the_text_actually_cited(before, after) -> None:
    assert report_context(before)["laws"] == [
        {
            "short": "商标法",
            "title": "中华人民共和国商标法",
            "version": "2019年4月23日版本，施行至2026年12月31日",
        }
    ]
    assert report_context(after)["laws"] == [
        {
            "short": "商标法-2027",
            "title": "中华人民共和国商标法",
            "version": "2026年6月26日版本，2027年1月1日起施行",
        }
    ]


def test_pdf_shows_the_article_quote_and_liability_in_force_on_the_date(before, after) -> None:
    old, new = _pdf_text(render(before, Format.pdf)), _pdf_text(render(after, Format.pdf))
    for article in OLD_ARTICLES:
        assert article in old and article not in new
    for article in NEW_ARTICLES:
        assert article in new and article not in old
    assert OLD_QUOTE in old and NEW_QUOTE in new and NEW_QUOTE not in old
    assert OLD_LIABILITY in old and NEW_LIABILITY in new
    assert "2026年6月26日版本，2027年1月1日起施行" in new


def test_json_basis_names_the_text_article_and_quote(before, after) -> None:
    old = json.loads(render(before, Format.json))["findings"][0]
    new = json.loads(render(after, Format.json))["findings"][0]
    assert old["basis"] == ["《商标法》第五十七条第（一）项", "《商标法》第六十条第二款"]
    assert new["basis"] == ["《商标法》第七十二条第（一）项", "《商标法》第七十四条第二款"]
    assert [(b["law"], b["article"], b["quote"]) for b in new["basis_detail"]] == [
        ("商标法-2027", 72, "在同一种商品上使用与其注册商标相同的商标"),
        ("商标法-2027", 74, NEW_QUOTE),
    ]
    assert old["basis_detail"][1]["quote"] == OLD_QUOTE
    assert old["liability"].startswith(OLD_LIABILITY) and new["liability"].startswith(NEW_LIABILITY)


def test_docx_shows_the_article_quote_and_liability_in_force_on_the_date(before, after) -> None:
    old, new = _docx_text(render(before, Format.docx)), _docx_text(render(after, Format.docx))
    assert all(a in old for a in OLD_ARTICLES) and not any(a in old for a in NEW_ARTICLES)
    assert all(a in new for a in NEW_ARTICLES) and not any(a in new for a in OLD_ARTICLES)
    assert OLD_QUOTE in old and NEW_QUOTE in new
    assert OLD_LIABILITY in old and NEW_LIABILITY in new


def test_markdown_and_xlsx_follow_the_date_too(after) -> None:
    md = render(after, Format.md).decode("utf-8")
    assert NEW_ARTICLES[0] in md and NEW_QUOTE in md and OLD_ARTICLES[0] not in md
    wb = openpyxl.load_workbook(io.BytesIO(render(after, Format.xlsx)))
    cells = "".join(str(c.value) for row in wb.worksheets[0].iter_rows() for c in row if c.value)
    assert NEW_ARTICLES[0] in cells and OLD_ARTICLES[0] not in cells


def test_same_answer_file_gives_the_same_report_number_twice(tmp_path: Path) -> None:
    numbers = set()
    for n in range(2):
        out = tmp_path / f"r{n}.json"
        result = runner.invoke(
            cli.app,
            [
                "report",
                str(AFTER),
                "-o",
                str(out),
                "--format",
                "json",
                "--no-builtin",
                "--questionnaires",
                str(FIXTURES / "trademark-versions"),
            ],
        )
        assert result.exit_code == 0, result.output
        numbers.add(json.loads(out.read_text(encoding="utf-8"))["report_number"])
    assert len(numbers) == 1
    assert numbers == {_assess(VERSIONED, AFTER).report_number}
    assert _assess(VERSIONED, BEFORE).report_number not in numbers  # the date is part of the answers


def test_one_version_pack_assessed_after_the_revision_warns_on_the_cover() -> None:
    a = _assess(ONE_VERSION, AFTER)
    ctx = report_context(a)
    (warning,) = ctx["law_warnings"]
    assert warning.startswith(
        "本次评估日期（2027-01-05）晚于《中华人民共和国商标法》2026 年修订文本的施行日期（2027-01-01），"
        "清单中的部分引用尚未更新"
    )
    assert "不销售假冒商品" in warning
    (entry,) = json.loads(render(a, Format.json))["law_currency_warnings"]
    assert entry["law"] == "商标法" and entry["in_force"] == "商标法-2027"
    assert entry["effective"] == "2027-01-01" and entry["items"] == ["brand.no_counterfeits"]
    pdf = _pdf_text(render(a, Format.pdf))
    assert _flat(warning) in pdf
    assert "法规截至2026-12" in pdf
    assert _flat(warning) in _docx_text(render(a, Format.docx))
    assert warning in render(a, Format.md).decode("utf-8")


def test_no_currency_warning_when_the_pack_covers_the_revision_or_before_it(before, after) -> None:
    assert report_context(before)["law_warnings"] == []
    assert report_context(after)["law_warnings"] == []
    assert report_context(_assess(ONE_VERSION, BEFORE))["law_warnings"] == []
    assert json.loads(render(after, Format.json))["law_currency_warnings"] == []


def test_library_age_warning_is_kept_alongside(tmp_path: Path) -> None:
    later = tmp_path / "answers.yaml"
    later.write_text(AFTER.read_text(encoding="utf-8").replace("2027-01-05", "2028-03-01"), encoding="utf-8")
    ctx = report_context(_assess(ONE_VERSION, later))
    assert ctx["age_warning"] and "超过一年" in ctx["age_warning"]
    assert len(ctx["law_warnings"]) == 1


def test_old_one_version_pack_and_old_answer_file_load_and_report_unchanged() -> None:
    """A pack written before dated citations and an answer file without new fields still work."""
    item = ONE_VERSION.items["brand.no_counterfeits"]
    assert all(c.versions == () for c in item.basis)
    assert isinstance(item.liability, str) and item.liability_at(None) == item.liability
    a = _assess(ONE_VERSION, BEFORE)
    assert a.answers.errors == []
    (finding,) = report_context(a)["findings"]
    assert finding["basis"] == list(OLD_ARTICLES)
    assert finding["liability"] == item.liability


def test_a_citation_without_versions_is_the_same_on_any_date() -> None:
    c = Citation(law="劳动合同法", article=10, quote="应当订立书面劳动合同")
    assert c.at(None) == c.at(dt.date(2030, 1, 1)) == c


def test_report_command_prints_the_currency_warning(tmp_path: Path) -> None:
    result = runner.invoke(
        cli.app,
        [
            "report",
            str(AFTER),
            "-o",
            str(tmp_path / "r.json"),
            "--format",
            "json",
            "--no-builtin",
            "--questionnaires",
            str(FIXTURES / "trademark-one-version"),
        ],
    )
    assert result.exit_code == 0, result.output
    assert "晚于《中华人民共和国商标法》2026 年修订文本的施行日期（2027-01-01）" in result.output


def _item(*basis: Citation) -> Item:
    return Item(
        id="env.permit",
        title="排污许可",
        question="是否依法取得排污许可？",
        type="status",
        risk="高",
        violation="无证排污",
        basis=list(basis),
        liability="罚款",
        remedy="申领排污许可证",
    )


def test_currency_warning_names_the_code_that_repealed_a_cited_law() -> None:
    item = _item(Citation(law="环境保护法-2014", article=45, quote="排污许可"))
    (warning,) = law_currency_warnings([item], dt.date(2026, 9, 1))
    assert warning.in_force == "生态环境法典" and warning.effective == dt.date(2026, 8, 15)
    assert warning.message.startswith(
        "本次评估日期（2026-09-01）晚于《中华人民共和国生态环境法典》的施行日期（2026-08-15，"
        "《中华人民共和国环境保护法》自该日起不再施行）"
    )
    assert law_currency_warnings([item], dt.date(2026, 8, 14)) == []


def test_currency_warning_on_the_very_day_the_revision_takes_effect() -> None:
    item = _item(
        Citation(law="商标法", article=57, item=1, quote="在同一种商品上使用与其注册商标相同的商标的")
    )
    (warning,) = law_currency_warnings([item], dt.date(2027, 1, 1))
    assert warning.message.startswith(
        "本次评估日期（2027-01-01）即为《中华人民共和国商标法》2026 年修订文本的施行日期"
    )
