"""The owner's path as a first-time user lives it: bad profile values named, too little to judge, quiet
warnings, pages without holes."""

from __future__ import annotations

import io
from pathlib import Path

import pypdf
import pytest
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import Answer, load_answers, with_answer
from hegui_check.interview import is_answered, pending_steps
from hegui_check.questionnaire import ItemType, load_questionnaire
from hegui_check.render import Format, render
from hegui_check.scoring import assess

from .conftest import FIXTURES

BROKEN_PROFILE = """hegui_check: 1
company: {company_name: 晴雨伞业有限公司, entity_type: company, industry: umbrela, employees: 三十, region: 绍兴上虞}
facts: {sells_online: false, has_production_site: , exports: true}
assessor: {date: 2026-12-02}
answers: {}
"""


def _pdf_text(data: bytes) -> list[str]:
    return [p.extract_text() or "" for p in pypdf.PdfReader(io.BytesIO(data)).pages]


def test_bad_profile_values_name_the_modules_they_switch_off(tmp_path: Path) -> None:
    path = tmp_path / "晴雨.yaml"
    path.write_text(BROKEN_PROFILE, encoding="utf-8")
    result = CliRunner().invoke(cli.app, ["report", str(path), "-f", "pdf", "-o", str(tmp_path / "r.pdf")])
    assert result.exit_code == 1  # invalid values are errors; the report is still written
    out = result.output.replace("\n", "")
    assert "三十" in out and "umbrela" in out and "因此未检查" in out
    assert "劳动用工" in out  # employees switches labour off
    assert "安全生产" in out  # a blank has_production_site switches factory safety off
    text = "".join(_pdf_text((tmp_path / "r.pdf").read_bytes())).replace("\n", "")
    assert "未检查" in text and "劳动用工" in text and "安全生产" in text


def test_an_empty_answer_file_is_grey_not_red(tmp_path: Path) -> None:
    path = tmp_path / "empty.yaml"
    path.write_text(
        "hegui_check: 1\ncompany: {company_name: 空白公司, industry: retail, employees: 3}\nanswers: {}\n",
        encoding="utf-8",
    )
    result = CliRunner().invoke(cli.app, ["report", str(path), "-f", "json,pdf", "-o", str(tmp_path / "r")])
    assert "灰灯" in result.output
    text = "".join(_pdf_text((tmp_path / "r.pdf").read_bytes())).replace("\n", "")
    assert "暂不评定" in text and "请立即停止相关行为" not in text and "待核实" in text


def test_a_spreadsheet_answering_everything_warns_once_per_file_about_inapplicable_answers(
    tmp_path: Path,
) -> None:
    import csv

    q = load_questionnaire()
    ids = [i.id for i in q.items.values() if i.type is ItemType.status]
    out = tmp_path / "members.csv"
    with out.open("w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh)
        w.writerow(["company_name", "industry", "employees", "region", *ids])
        for n in range(60):
            w.writerow([f"第{n}号伞业有限公司", "umbrella", 30, "绍兴上虞", *(["符合"] * len(ids))])
    result = CliRunner().invoke(
        cli.app, ["batch", str(out), "-o", str(tmp_path / "o"), "-f", "json", "--jobs", "1"]
    )
    lines = [ln for ln in result.output.splitlines() if "不适用" in ln]
    assert len(lines) <= 1, lines


@pytest.mark.timeout(180)
def test_no_page_text_shows_file_paths_or_ids_outside_the_appendix(q) -> None:  # type: ignore[no-untyped-def]
    a = assess(q, load_answers(FIXTURES / "profiles" / "umbrella-export.yaml", q))
    pages = _pdf_text(render(a, Format.pdf))
    for n, page in enumerate(pages, 1):
        assert ".yaml:" not in page and "/tmp/" not in page and "fixtures" not in page, n


def _largest_profile(q):  # type: ignore[no-untyped-def]
    """footwear-80-live with every gate 是 and every question answered: the longest full report."""
    a = load_answers(FIXTURES / "profiles" / "footwear-80-live.yaml", q)
    cycle = ["yes", "partial", "no", "yes", "unknown", "yes"]
    n = 0
    while True:
        pending = [s for s in pending_steps(q, a) if s.item is not None and not is_answered(a, s)]
        if not pending:
            return a
        step = pending[0]
        if step.item.type is ItemType.boolean:
            value = True
        elif step.item.type is ItemType.status:
            value, n = cycle[n % len(cycle)], n + 1
        elif step.item.type is ItemType.choice:
            value = step.item.options[0].value
        elif step.item.type is ItemType.multi:
            value = [step.item.options[0].value]
        elif step.item.type is ItemType.number:
            value = 0
        else:
            value = "无"
        a = with_answer(a, step.key, Answer(value))


@pytest.mark.timeout(300)
@pytest.mark.parametrize("which", ["demo", "largest"])
def test_no_page_is_less_than_a_third_full_except_at_a_section_end(q, which: str) -> None:  # type: ignore[no-untyped-def]
    from weasyprint.formatting_structure import boxes

    from hegui_check.render.html import render_html
    from hegui_check.resources import data_dir

    from .conftest import layout, walk

    answers = load_answers(data_dir() / "demo-answers.yaml", q) if which == "demo" else _largest_profile(q)
    document = layout(render_html(assess(q, answers)))

    def starts_section(page) -> bool:  # type: ignore[no-untyped-def]
        """The page opens with a section heading (h2), so the page before ended a section."""
        for box in walk(page._page_box):
            if isinstance(box, boxes.TextBox):
                return box.element_tag == "h2" or getattr(box.element, "tag", "") == "h2"
        return False

    pages = document.pages
    sparse = []
    for n, page in enumerate(pages[:-1]):
        body = page._page_box.children[0]  # the page area
        top, height = body.content_box_y(), body.height
        bottom = max(
            (b.position_y + b.height for b in walk(body) if isinstance(b, boxes.TextBox)), default=top
        )
        fill = (bottom - top) / height
        if fill < 1 / 3 and n > 0 and not starts_section(pages[n + 1]):
            sparse.append((n + 1, round(fill, 2)))
    assert sparse == [], f"{which}: pages less than a third full: {sparse}"
