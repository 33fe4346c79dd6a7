"""Word report: real headings and tables, user text as plain text, Chinese fonts, lawyer signature block."""

from __future__ import annotations

import io
import zipfile
from typing import Any

import docx
import pytest
from docx.oxml.ns import qn

from hegui_check.answers import load_answers, parse_answers
from hegui_check.questionnaire import load_questionnaire
from hegui_check.render.context import report_context
from hegui_check.render.docx_report import render_docx
from hegui_check.resources import data_dir
from hegui_check.scoring import assess

from .conftest import FIXTURES, REPORT_SECTIONS

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
EVIL = '瓯江<img src="file:///etc/passwd">鞋业'
LEDGER_HEADER = ["序号", "检查事项", "风险", "整改措施", "责任人", "整改期限", "状态"]


def _mini(assessor: dict[str, Any] | None = None, name: str = EVIL):
    raw = {
        "company": {
            "company_name": name,
            "industry": "footwear",
            "employees": 12,
            "region": "<script>x</script>",
        },
        "facts": {"sells_online": True},
        "assessor": {"date": "2026-11-21", "name": "张三", **(assessor or {})},
        "answers": {
            "alpha.red": "no",
            "alpha.high": {"answer": "partial", "note": "<b>3 人</b>未签"},
            "alpha.text": "希望<a href='http://x'>培训</a>",
        },
    }
    return assess(MINI, parse_answers(raw, MINI, "evil.yaml"))


@pytest.fixture(scope="module")
def mini_assessment():
    return _mini()


@pytest.fixture(scope="module")
def lawyer_assessment():
    return _mini(
        {"mode": "lawyer", "name": "李律师", "org": "浙江瓯越律师事务所", "license_no": "13303201510012345"}
    )


@pytest.fixture(scope="module")
def demo_assessment(q):
    return assess(q, load_answers(data_dir() / "demo-answers.yaml", q))


def _open(data: bytes) -> Any:
    assert data[:2] == b"PK"
    return docx.Document(io.BytesIO(data))


def _headings(doc: Any) -> list[tuple[str, str]]:
    return [(p.style.name, p.text) for p in doc.paragraphs if p.style.name.startswith("Heading")]


def _all_text(doc: Any) -> str:
    parts = [p.text for p in doc.paragraphs]
    for table in doc.tables:
        for row in table.rows:
            parts.extend(cell.text for cell in row.cells)
    for section in doc.sections:
        parts.extend(p.text for p in section.header.paragraphs)
        parts.extend(p.text for p in section.footer.paragraphs)
    return "\n".join(parts)


def _ledger(doc: Any) -> Any:
    (table,) = [t for t in doc.tables if [c.text for c in t.rows[0].cells] == LEDGER_HEADER]
    return table


def _expected_tables(ctx: dict[str, Any]) -> int:
    # cover, summary, profile, modules, one per answered finding, unanswered list, ledger, one per credit record, evidence,
    # one per appendix module, laws, lawyer signature
    return (
        3
        + (1 if ctx["profile"] else 0)
        + len(ctx["finding_cards"])
        + (1 if ctx["unanswered"] else 0)
        + 1
        + len(ctx["credit_repair"])
        + (1 if ctx["evidence"] else 0)
        + len(ctx["appendix"])
        + 1
        + (1 if ctx["assessor"]["lawyer"] else 0)
    )


@pytest.mark.parametrize("which", ["mini_assessment", "demo_assessment"])
def test_docx_structure(which: str, request: pytest.FixtureRequest) -> None:
    a = request.getfixturevalue(which)
    ctx = report_context(a)
    doc = _open(render_docx(a))
    headings = _headings(doc)
    texts = [t for _, t in headings]
    for section in REPORT_SECTIONS:
        assert section in texts
    order = [
        texts.index(s)
        for s in ("一、总体结论", "二、分领域得分", "三、主要风险与整改建议", "四、整改台账", "声明")
    ]
    assert order == sorted(order)
    assert ("Heading 1", ctx["title"]) in headings
    finding_headings = [t for s, t in headings if s == "Heading 3" and t.split(".")[0].isdigit()]
    assert len(finding_headings) == len(ctx["finding_cards"]) > 0
    first = ctx["finding_cards"][0]
    assert finding_headings[0].startswith(f"{first['n']}. {first['title']}")

    assert len(doc.tables) == _expected_tables(ctx)
    assert all(t.style.name == "Table Grid" for t in doc.tables)
    ledger = _ledger(doc)
    assert len(ledger.rows) == len(ctx["ledger"]) + 1 == len(ctx["findings"]) + 1
    assert [r.cells[6].text for r in ledger.rows[1:]] == [
        "待核实" if f["to_verify"] else "未开始" for f in ctx["findings"]
    ]
    assert all(r.cells[4].text == "" for r in ledger.rows[1:])

    text = _all_text(doc)
    assert ctx["company"]["name"] in text and a.report_number in text
    assert "企业合规体检报告 · 保密" in text and "自评结果仅供参考" in text
    assert "律师法治体检" not in text


def test_docx_page_setup_and_fonts(mini_assessment) -> None:
    doc = _open(render_docx(mini_assessment))
    section = doc.sections[0]
    assert round(section.page_width.mm) == 210 and round(section.page_height.mm) == 297
    assert round(section.left_margin.cm) == 2 and round(section.top_margin.cm) == 2
    for name in ("Normal", "Heading 1", "Heading 2", "Heading 3"):
        rfonts = doc.styles[name].element.rPr.find(qn("w:rFonts"))
        assert rfonts.get(qn("w:eastAsia")), name
        assert rfonts.get(qn("w:eastAsiaTheme")) is None, name
    assert doc.styles["Normal"].element.rPr.find(qn("w:rFonts")).get(qn("w:eastAsia")) == "SimSun"
    footer_xml = section.footer._element.xml
    assert 'w:instr="PAGE"' in footer_xml and mini_assessment.report_number in footer_xml


def test_docx_user_text_is_plain_text(mini_assessment) -> None:
    data = render_docx(mini_assessment)
    doc = _open(data)
    text = _all_text(doc)
    assert EVIL in text
    assert "<b>3 人</b>未签" in text and "希望<a href='http://x'>培训</a>" in text
    with zipfile.ZipFile(io.BytesIO(data)) as z:
        body = z.read("word/document.xml").decode("utf-8")
        rels = "".join(z.read(n).decode("utf-8") for n in z.namelist() if n.endswith(".rels"))
    assert "<img" not in body and "&lt;img src=" in body
    assert "passwd" not in rels and "<w:drawing" not in body


def test_docx_control_characters_are_dropped() -> None:
    doc = _open(render_docx(_mini(name="瓯江\x07鞋业\x00有限公司")))
    assert "瓯江鞋业有限公司" in _all_text(doc)


def test_docx_lawyer_mode(lawyer_assessment) -> None:
    ctx = report_context(lawyer_assessment)
    doc = _open(render_docx(lawyer_assessment))
    text = _all_text(doc)
    assert "企业合规体检报告（律师法治体检）" in [p.text for p in doc.paragraphs]
    assert "律师法治体检" in text and "浙江瓯越律师事务所" in text and "13303201510012345" in text
    assert len(doc.tables) == _expected_tables(ctx)
    signature = doc.tables[-1]
    lawyer, company = (c.text for c in signature.rows[0].cells)
    assert lawyer.startswith("评估人（律师）：李律师")
    assert "执业证号：13303201510012345" in lawyer and "律师事务所：浙江瓯越律师事务所" in lawyer
    assert company.startswith("企业：") and "企业代表（签字）" in company and "日期" in company
    # the signature block is the last thing in the document, after the disclaimer
    blocks = list(doc.element.body.iterchildren())
    (declaration,) = [p for p in doc.paragraphs if p.text == "声明"]
    assert blocks.index(signature._tbl) > blocks.index(declaration._p)
