"""What the single report says: titles not ids, scope and profile, grey and quick checks, lawyer wording,
leniency, letterhead in every format, and no content lost in the compact PDF."""

from __future__ import annotations

import dataclasses
import io
import re
from pathlib import Path

import pypdf
import pytest
from docx import Document
from openpyxl import load_workbook

from hegui_check.answers import load_answers
from hegui_check.legal import cite, cited_at
from hegui_check.letterhead import Letterhead
from hegui_check.questionnaire.models import Citation
from hegui_check.render import Format, RenderOptions, render
from hegui_check.render.context import report_context
from hegui_check.scoring import assess

from .conftest import answers_from

STOP = "请立即停止相关行为"


@pytest.fixture(scope="module")
def demo(q):  # type: ignore[no-untyped-def]
    from hegui_check.resources import data_dir

    return assess(q, load_answers(data_dir() / "demo-answers.yaml", q))


def _html(a, options: RenderOptions | None = None) -> str:  # type: ignore[no-untyped-def]
    return render(a, Format.html, options).decode("utf-8")


def _section(html: str, start: str, end: str) -> str:
    return html[html.index(start) : html.index(end, html.index(start))]


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


_RUNNING = re.compile(r"^(企业合规体检报告 · 保密|报告编号 HG-)")


def _body_text(page: pypdf.PageObject) -> str:
    """A page's text without its running header and footer, so a paragraph that continues on the next
    page reads as one."""
    return "\n".join(line for line in page.extract_text().splitlines() if not _RUNNING.match(line))


def test_owner_reads_titles_ids_only_in_the_appendix(demo) -> None:
    html = _html(demo)
    body = _section(html, 'id="conclusion"', 'id="appendix"')
    for r in demo.findings:
        assert r.item.id not in body, r.item.id
        assert r.item.short_title in body
    appendix = html[html.index('id="appendix"') :]
    assert all(f"{r.item.short_title} · {r.item.id}" in appendix for r in demo.findings)
    assert "（" + demo.findings[0].item.short_title not in demo.light_rules[0].items  # reason by title
    ctx = report_context(demo)
    assert demo.findings[0].item.id not in ctx["overall"]["reason"]


def test_every_table_has_fixed_layout_and_column_widths(demo) -> None:
    html = _html(demo)
    css = html[html.index("<style>") : html.index("</style>")]
    assert re.search(r"table \{[^}]*table-layout: fixed", css)
    body = html[html.index("</style>") :]
    assert body.count("<table") == body.count("<colgroup>")
    assert "<table" not in "".join(re.findall(r"<td>(.*?)</td>", body, flags=re.S))  # no nested tables


def test_citations_in_article_order() -> None:
    basis = [
        Citation(law="劳动合同法", article=82, quote="xx"),
        Citation(law="劳动法", article=3, quote="xx"),
        Citation(law="劳动合同法", article=10, paragraph=2, quote="xx"),
        Citation(law="劳动合同法", article=10, quote="xx"),
    ]
    ordered = cited_at(basis, None)
    assert [(c.law, c.article, c.paragraph) for c in ordered] == [
        ("劳动合同法", 10, None),
        ("劳动合同法", 10, 2),
        ("劳动合同法", 82, None),
        ("劳动法", 3, None),
    ]


def test_profile_section_and_switched_off_module(q) -> None:  # type: ignore[no-untyped-def]
    a = assess(
        q, answers_from(q, {"contract.written_form": "yes"}, industry="footwear", has_production_site=True)
    )
    assert "labor" in a.switched_off
    html = _html(a)
    conclusion = _section(html, 'id="conclusion"', "二、分领域得分")
    employees = q.profile_by_id["employees"].question
    assert "企业画像与检查范围" in conclusion and employees in conclusion
    assert "劳动用工（缺少：" + employees in conclusion and "未检查" in conclusion


def test_problems_for_owners_name_questions_not_files(q, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.yaml"
    path.write_text(
        "hegui_check: 1\ncompany: {company_name: 测试企业, industry: software, employees: 5}\n"
        "assessor: {date: 2026-11-21}\nanswers:\n  contract.written_form: 也许吧\n  nosuch.item: 'yes'\n"
        "  footwear.uses_solvent_glue: true\n",
        encoding="utf-8",
    )
    a = assess(q, load_answers(path, q))
    html = _html(a)
    problems = _section(html, "<h3>答题问题</h3>", "</ul>")
    assert "“" + q.items["contract.written_form"].short_title + "”：答案未能读入" in problems
    assert ".yaml" not in problems and "contract.written_form" not in problems and "nosuch" not in problems
    assert "另有 1 处内容" in problems and "按企业画像不适用，未计分" in problems
    assert ".yaml:" not in html[: html.index('id="appendix"')]


def test_grey_light_opens_with_how_much_was_answered(q) -> None:  # type: ignore[no-untyped-def]
    a = assess(
        q,
        answers_from(
            q,
            {"contract.written_form": "yes"},
            industry="footwear",
            employees=20,
            has_production_site=True,
            has_dormitory=True,
        ),
    )
    assert a.light == "grey"
    html = _html(a)
    conclusion = _section(html, 'id="conclusion"', "二、分领域得分")
    assert conclusion.index("完整度") > conclusion.index("暂不评定") or "本次只回答了" in conclusion[:600]
    assert "hegui-check check --resume" in conclusion
    assert "红线项目待核实" in conclusion and "红线问题（须立即整改）" not in conclusion
    assert STOP not in html and "须立即停止，并优先整改" not in html
    findings = _section(html, 'id="findings"', 'id="ledger"')
    assert (
        "未回答的项目（待核实）" in findings and findings.count('class="finding"') == 0
    )  # a list, not cards
    md = render(a, Format.md).decode("utf-8")
    assert "hegui-check check --resume" in md and STOP not in md


def test_quick_check_names_depth_and_lists_what_it_did_not_examine(q) -> None:  # type: ignore[no-untyped-def]
    from hegui_check.scoring import applicability

    base = answers_from(q, {}, industry="footwear", employees=20, has_production_site=True)
    quick = dataclasses.replace(base, depth="quick")
    asked = applicability(q, quick).asked
    best = {}
    for item_id in asked:
        item = q.items[item_id]
        if item.type.value == "status":
            best[item_id] = "yes"
        elif item.type.value == "boolean":
            best[item_id] = False
    answers = dataclasses.replace(
        answers_from(q, best, industry="footwear", employees=20, has_production_site=True), depth="quick"
    )
    a = assess(q, answers)
    assert a.not_examined and a.depth.value == "quick"
    html = _html(a)
    cover = html[: html.index('id="conclusion"')]
    assert "快速体检" in cover
    conclusion = _section(html, 'id="conclusion"', "二、分领域得分")
    assert "快速体检" in conclusion and "不代表合规" in conclusion
    r = a.not_examined[0]
    assert r.module.title in conclusion and r.item.short_title in conclusion
    appendix = html[html.index('id="appendix"') :]
    listed = set(re.findall(r" · ([a-z_]+\.[a-z0-9_]+)", appendix))
    assert listed.isdisjoint(x.item.id for x in a.not_examined)
    assert any(r.item.id in listed for r in a.items if r.state != "inapplicable")
    if a.light == "green":
        assert "建议进行一次深度体检" in conclusion
    md = render(a, Format.md).decode("utf-8")
    assert "快速体检未检查的项目" in md


def test_green_full_check_mentions_incentives_without_promises(q) -> None:  # type: ignore[no-untyped-def]
    from hegui_check.scoring import applicability

    base = answers_from(q, {}, industry="software", employees=5)
    best = {}
    for item_id in applicability(q, base).asked:
        item = q.items[item_id]
        if item.type.value == "status":
            best[item_id] = "yes"
        elif item.options:
            best[item_id] = (
                max(item.options, key=lambda o: o.score or 0).value
                if item.type.value == "choice"
                else [o.value for o in item.options if o.good is not False]
            )
        elif item.type.value == "boolean":
            best[item_id] = False
    a = assess(q, answers_from(q, best, industry="software", employees=5))
    if a.light != "green":
        pytest.skip(f"could not build a green check ({a.light_rules})")
    conclusion = _section(_html(a), 'id="conclusion"', "二、分领域得分")
    assert "温州鹿城" in conclusion and "不作承诺" in conclusion


def test_lenient_note_explains_first_violation_without_promise(q) -> None:  # type: ignore[no-untyped-def]
    a = assess(q, answers_from(q, {"tax.filing_on_time": "no"}, industry="footwear", employees=20))
    html = _html(a)
    assert q.items["tax.filing_on_time"].lenient in html
    assert "《中华人民共和国行政处罚法》第三十三条第一款" in html
    assert "由执法机关依法决定" in html and "本报告不作承诺" in html


def test_lawyer_mode_reads_as_an_opinion_with_a_signature_block(q, demo) -> None:  # type: ignore[no-untyped-def]
    answers = dataclasses.replace(
        demo.answers,
        assessor=dataclasses.replace(
            demo.answers.assessor,
            mode="lawyer",
            name="李律师",
            org="浙江瓯越律师事务所",
            license_no="13303201510012345",
        ),
    )
    a = assess(q, answers)
    assert a.review is not None  # the demo's answers carry no "not reviewed" marks: all reviewed
    total = a.review.total
    html = _html(a)
    assert "自评结果仅供参考" not in html and "合规体检意见" in html
    findings = _section(html, 'id="findings"', 'id="ledger"')
    assert "律师核查结论" in findings and "企业答复" not in findings
    assert "根据查见的材料和现场询问" in html and f"律师复核 {total}/{total} 项" in html
    closing = html[html.index('class="signature"') :]
    assert (
        "评估人（律师）：李律师" in closing and "企业代表（签字）" in closing and closing.count("日期") >= 2
    )
    doc = Document(io.BytesIO(render(a, Format.docx)))
    text = "\n".join(p.text for p in doc.paragraphs) + "\n".join(
        c.text for t in doc.tables for r in t.rows for c in r.cells
    )
    assert (
        "律师核查结论" in text and "自评结果仅供参考" not in text and f"律师复核 {total}/{total} 项" in text
    )


def test_one_vocabulary_across_formats(q, demo) -> None:  # type: ignore[no-untyped-def]
    answers = dataclasses.replace(
        demo.answers,
        answers={
            **demo.answers.answers,
            "labor.written_contract": dataclasses.replace(
                demo.answers.answers["labor.written_contract"],
                evidence=("劳动合同 5 份",),
                self_answer="yes",
                override_reason="抽查缺 2 份",
            ),
        },
    )
    a = assess(q, answers)
    html, md = _html(a), render(a, Format.md).decode("utf-8")
    wb = load_workbook(io.BytesIO(render(a, Format.xlsx)))
    xlsx = " ".join(str(c) for ws in wb for row in ws.iter_rows(values_only=True) for c in row if c)
    doc = Document(io.BytesIO(render(a, Format.docx)))
    docx = " ".join(c.text for t in doc.tables for r in t.rows for c in r.cells)
    for text in (html, md, xlsx, docx):
        assert "查见材料：劳动合同 5 份" in text and "改判理由：抽查缺 2 份" in text
        assert "核定理由" not in text and "已有材料" not in text
    assert "五、查见材料" in html and "## 五、查见材料" in md


def _png() -> bytes:
    """A valid 2x2 PNG, written with the standard library."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    raw = b"".join(b"\x00" + b"\x0d\x47\xa1" * 2 for _ in range(2))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", struct.pack(">IIBBBBB", 2, 2, 8, 2, 0, 0, 0))
        + chunk(b"IDAT", zlib.compress(raw))
        + chunk(b"IEND", b"")
    )


def test_letterhead_reaches_docx_and_xlsx(demo, tmp_path: Path) -> None:
    png = tmp_path / "logo.png"
    png.write_bytes(_png())
    options = RenderOptions(
        letterhead=Letterhead(organization="瓯越法律服务中心", contact="0577-88888888", logo=png)
    )
    doc = Document(io.BytesIO(render(demo, Format.docx, options)))
    header = "\n".join(p.text for p in doc.sections[0].header.paragraphs)
    assert "瓯越法律服务中心" in header and "0577-88888888" in header
    assert doc.sections[0].header.part.related_parts  # the logo image is embedded in the header
    wb = load_workbook(io.BytesIO(render(demo, Format.xlsx, options)))
    ws = wb["整改台账"]
    assert "出具机构：瓯越法律服务中心（0577-88888888）" in ws["A2"].value
    assert "瓯越法律服务中心" in " ".join(str(c.value) for c in wb["说明"]["B"] if c.value)
    import json

    assert json.loads(render(demo, Format.json, options))["letterhead"]["organization"] == "瓯越法律服务中心"
    assert "瓯越法律服务中心" in render(demo, Format.md, options).decode("utf-8")


def test_compact_pdf_keeps_every_finding_citation_and_answer(demo) -> None:
    pdf = render(demo, Format.pdf)
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = _flat("".join(_body_text(page) for page in reader.pages))
    expected: list[str] = []
    for r in demo.findings:
        expected += [r.item.short_title, r.item.remedy or ""]
        if r.answered:  # unanswered items are listed once to verify, by title, with their legal basis
            expected.append(r.item.question)
        expected += [cite(c.at(demo.assessment_date)) for c in r.item.basis]
        if r.answer and r.answer.note:
            expected.append(r.answer.note)
    ctx = report_context(demo)
    for m in ctx["appendix"]:
        for row in m["rows"]:
            expected += [row["title"], row["id"], row["label"]]
    for r in demo.items:
        if r.answer is not None and r.answer.note and r.state != "inapplicable":
            expected.append(r.answer.note)
    missing = [e for e in expected if e and _flat(e) not in text]
    assert not missing, missing[:5]


def test_pdf_ledger_has_a_line_per_finding_with_deadline_status_and_an_owner_blank(demo) -> None:
    ctx = report_context(demo)
    ledger = _section(_html(demo), 'id="ledger"', "</section>")
    lines = re.findall(r"<p>(\d+)\. ", ledger)
    assert lines == [str(row["n"]) for row in ctx["ledger"]] and len(lines) >= len(demo.findings)
    for row in ctx["ledger"]:
        line = re.search(rf"<p>{row['n']}\. (.*?)</p>", ledger).group(1)  # type: ignore[union-attr]
        assert line.startswith(f'{row["title"]}<span class="nw">（{row["risk"]}）</span>')
        assert (
            f"期限 {row['deadline']} · {row['status']}" in line
            and '<span class="nw">责任人：＿＿＿＿</span>' in line
        )
        assert line.endswith(row["summary"].replace('"', "&#34;"))


def test_appendix_groups_each_modules_answers_by_answer(demo) -> None:
    ctx = report_context(demo)
    html = _html(demo)
    appendix = html[html.index('id="appendix"') :]
    for m in ctx["appendix"]:
        assert sum(len(g["rows"]) for g in m["groups"]) == len(m["rows"])
        for g in m["groups"]:
            assert all(r["label"] == g["label"] for r in g["rows"])
            first = g["rows"][0]
            assert f"【{g['label']}】{first['title']} · {first['id']}" in appendix


def test_invalid_profile_value_switches_a_module_off_and_is_named(q, tmp_path: Path) -> None:  # type: ignore[no-untyped-def]
    path = tmp_path / "answers.yaml"
    path.write_text(
        "hegui_check: 1\ncompany: {company_name: 测试企业, industry: footwear, employees: 很多}\n"
        "assessor: {date: 2026-11-21}\nanswers:\n  contract.written_form: 'yes'\n",
        encoding="utf-8",
    )
    a = assess(q, load_answers(path, q))
    assert "labor" in a.switched_off
    conclusion = _section(_html(a), 'id="conclusion"', "二、分领域得分")
    employees = q.profile_by_id["employees"].question
    assert f"“{employees}”：答案未能读入" in conclusion
    assert "劳动用工（缺少：" + employees in conclusion


def test_table_cells_wrap_long_text_instead_of_overflowing(q, demo) -> None:  # type: ignore[no-untyped-def]
    from weasyprint.formatting_structure import boxes

    from hegui_check.render.html import render_html

    from .conftest import layout, walk

    long = "https://example.com/" + "evidence_file_without_any_break_" * 6
    first = demo.findings[0].item.id
    answers = dataclasses.replace(
        demo.answers,
        answers={
            **demo.answers.answers,
            first: dataclasses.replace(demo.answers.answers[first], note=long, evidence=(long,)),
        },
    )
    document = layout(render_html(assess(q, answers)))

    cells = 0
    for page in document.pages:
        for cell in walk(page._page_box):
            if not isinstance(cell, boxes.TableCellBox):
                continue
            cells += 1
            right = cell.content_box_x() + cell.width + 1
            for text in walk(cell):
                if isinstance(text, boxes.TextBox):
                    assert text.position_x + text.width <= right, text.text[:40]
    assert cells > 100
