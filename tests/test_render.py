"""Reports: HTML escaping, the offline PDF (real Chinese font, nothing fetched), JSON keys, Markdown."""

from __future__ import annotations

import io
import json
import os
import re
import shutil
import subprocess
from pathlib import Path

import pypdf
import pytest

from hegui_check.answers import load_answers, parse_answers
from hegui_check.questionnaire import load_questionnaire
from hegui_check.render import RENDERERS, Format, render
from hegui_check.render.pdf import _BLOCK_GAP, _make_fetcher, html_to_pdf
from hegui_check.resources import templates_dir
from hegui_check.scoring import assess

from .conftest import FIXTURES, REPORT_SECTIONS

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
EVIL = '瓯江<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">鞋业|*有限公司'


@pytest.fixture(scope="module")
def evil_assessment():
    raw = {
        "company": {
            "company_name": EVIL,
            "industry": "footwear",
            "employees": 12,
            "region": "<script>x</script>",
        },
        "facts": {"sells_online": True},
        "assessor": {"date": "2026-11-21", "name": "张三"},
        "answers": {
            "alpha.red": "no",
            "alpha.high": {"answer": "partial", "note": "<b>3 人</b>未签"},
            "alpha.text": "希望<a href='http://x'>培训</a>",
        },
    }
    return assess(MINI, parse_answers(raw, MINI, "evil.yaml"))


@pytest.fixture(scope="module")
def evil_pdf(evil_assessment) -> bytes:
    return render(evil_assessment, Format.pdf)


def _pdf_text(pdf: bytes) -> str:
    return "\n".join(page.extract_text() for page in pypdf.PdfReader(io.BytesIO(pdf)).pages)


def _base_fonts(pdf: bytes) -> set[str]:
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    fonts = set()
    for page in reader.pages:
        resources = page.get("/Resources") or {}
        for font in (resources.get("/Font") or {}).values():
            fonts.add(str(font.get_object().get("/BaseFont")))
    return fonts


def test_every_format_has_a_renderer() -> None:
    assert set(RENDERERS) == set(Format)


def test_html_escapes_user_text(evil_assessment) -> None:
    html = render(evil_assessment, Format.html).decode("utf-8")
    assert "<img" not in html and "<script>" not in html and '<link rel="attachment"' not in html
    assert "&lt;img src=&#34;file:///etc/passwd&#34;&gt;" in html
    assert "&lt;b&gt;3 人&lt;/b&gt;未签" in html
    assert '<html lang="zh-CN">' in html


def test_pdf_shows_the_hostile_name_as_text_and_reads_nothing(evil_pdf: bytes) -> None:
    text = _pdf_text(evil_pdf)
    assert 'src="file:///etc/passwd">' in text.replace("\n", "")
    assert b"root:x:0" not in evil_pdf and b"/EmbeddedFile" not in evil_pdf


def test_pdf_contains_the_chinese_report(evil_pdf: bytes) -> None:
    text = _pdf_text(evil_pdf)
    for needle in (
        "企业合规体检报告",
        "合规体检",
        "红灯",
        "总体结论",
        "整改台账",
        "保密",
        "自评结果仅供参考",
    ):
        assert needle in text
    assert re.search(r"《中华人民共和国[^》]+》第[一二三四五六七八九十百千零]+条", text)
    assert "\ufffd" not in text


def test_pdf_embeds_a_subset_cjk_font(evil_pdf: bytes) -> None:
    fonts = _base_fonts(evil_pdf)
    assert any("Noto" in f or "HeguiCJK" in f for f in fonts), fonts
    assert all(re.match(r"/[A-Z]{6}\+", f) for f in fonts if "Noto" in f), "fonts are subset"
    assert not any("DejaVu" in f for f in fonts)
    assert len(evil_pdf) < 2_000_000


def test_fetcher_serves_only_the_package_files() -> None:
    fetcher = _make_fetcher([templates_dir()])
    css = (templates_dir() / "report.css").as_uri()
    assert fetcher.fetch(css).read().startswith(b"/*")
    for url in (
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/a.css",
        (templates_dir() / ".." / ".." / "pyproject.toml").as_uri(),
        "data:text/plain,hello",
        "ftp://x/y",
    ):
        with pytest.raises(ValueError, match="外部资源已忽略"):
            fetcher.fetch(url)


def test_raw_html_with_local_and_remote_references_embeds_nothing() -> None:
    html = (
        '<html lang="zh-CN"><head><link rel="stylesheet" href="http://127.0.0.1:9/a.css">'
        '<link rel="attachment" href="file:///etc/passwd"></head><body><p>测试</p>'
        '<img src="file:///etc/hostname"><a rel="attachment" href="file:///etc/passwd">附件</a></body></html>'
    )
    pdf = html_to_pdf(html)
    assert b"root:x:0" not in pdf and b"/EmbeddedFile" not in pdf


def test_json_result_has_the_stable_keys(evil_assessment) -> None:
    data = json.loads(render(evil_assessment, Format.json))
    assert data["format"] == "hegui-check-result/1"
    assert set(data) >= {
        "company",
        "questionnaire_version",
        "report_number",
        "overall",
        "modules",
        "findings",
        "problems",
    }
    assert data["company"]["company_name"] == EVIL
    assert data["overall"]["light"] in ("red", "grey") and 0 <= data["overall"]["completeness"] <= 1
    first = data["findings"][0]
    assert first["id"] == "alpha.red" and first["risk"] == "红线" and first["deadline"] == "2026-11-28"
    assert first["basis"] == ["《劳动合同法》第十条"]
    modules = {m["id"]: m for m in data["modules"]}
    assert modules["pack"]["applicable"] is True and modules["beta"]["score"] is not None


def test_markdown_escapes_table_and_html_characters(evil_assessment) -> None:
    md = render(evil_assessment, Format.md).decode("utf-8")
    assert "| 企业名称 | 瓯江\\<img" in md and "鞋业\\|\\*有限公司" in md
    assert "## 四、整改台账" in md and "《中华人民共和国劳动合同法》第十条" in md
    assert "<script>" not in md


def test_needs_and_problems_appear_in_the_report(evil_assessment) -> None:
    html = render(evil_assessment, Format.html).decode("utf-8")
    assert "企业需求" in html and "希望&lt;a href=" in html


def test_demo_report_html_lists_every_section(q, demo_path: Path) -> None:
    a = assess(q, load_answers(demo_path, q))
    html = render(a, Format.html).decode("utf-8")
    for section in (*REPORT_SECTIONS, "<svg"):
        assert section in html
    assert "温州市鹿城区瓯江鞋业有限公司" in html and a.report_number in html


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is not installed")
def test_first_page_renders_to_an_image(evil_pdf: bytes, tmp_path: Path) -> None:
    pdf = tmp_path / "r.pdf"
    pdf.write_bytes(evil_pdf)
    subprocess.run(
        ["pdftoppm", "-png", "-r", "40", "-f", "1", "-l", "1", str(pdf), str(tmp_path / "p")], check=True
    )
    (png,) = tmp_path.glob("p*.png")
    assert png.stat().st_size > 5000


def test_pdf_without_a_cjk_font_is_a_clear_error(monkeypatch, evil_assessment) -> None:
    from hegui_check.errors import ReportError
    from hegui_check.render import pdf as pdf_module

    monkeypatch.setattr(pdf_module, "cjk_font", lambda: None)
    with pytest.raises(ReportError) as excinfo:
        render(evil_assessment, Format.pdf)
    assert "中文字体" in str(excinfo.value) and "hegui-check doctor" in str(excinfo.value)


def test_demo_answers_match_the_current_library(q, demo_path: Path) -> None:
    """The bundled example answers every applicable item with no problem (scripts/make_demo_answers.py)."""
    data = load_answers(demo_path, q)
    assert data.problems == []
    result = assess(q, data)
    assert result.completeness == 1.0 and result.problems == ()


def test_a_new_format_is_one_renderer_and_one_registry_line(tmp_path, monkeypatch) -> None:
    """Adding a format: a (result, options) -> bytes function and one registry entry; the CLI, its
    --format parser and the output naming pick it up with no other change."""
    from typer.testing import CliRunner

    from hegui_check import cli
    from hegui_check.render import REGISTRY, REPORT, RenderOptions, formats

    def render_txt(a, options: RenderOptions) -> bytes:
        head = options.letterhead.organization + "\n" if options.letterhead else ""
        return (head + f"{a.answers.company.get('company_name')}：{a.overall_rounded}\n").encode("utf-8")

    monkeypatch.setitem(REGISTRY[REPORT], "txt", render_txt)
    assert "txt" in formats(REPORT)
    demo = tmp_path / "demo"
    assert CliRunner().invoke(cli.app, ["demo", "-o", str(demo), "-f", "json"]).exit_code == 0
    answers = next(demo.glob("*.yaml"))
    result = CliRunner().invoke(cli.app, ["report", str(answers), "-o", str(tmp_path / "r"), "-f", "txt"])
    assert result.exit_code == 0, result.output
    assert "瓯江鞋业" in (tmp_path / "r.txt").read_text(encoding="utf-8")
    bad = CliRunner().invoke(cli.app, ["diff", str(answers), str(answers), "-f", "txt"])
    assert bad.exit_code == 2 and "复检对比报告可选" in bad.output  # registered for one kind only


def test_pdf_input_drops_only_whitespace_before_block_tags() -> None:
    html = '<div class="fh">1. 标题 <span class="risk">红线</span> <span class="fm">安全生产</span></div>\n  <p>甲 乙</p>\n</div>'
    out = _BLOCK_GAP.sub("><", html)
    assert (
        out
        == '<div class="fh">1. 标题 <span class="risk">红线</span> <span class="fm">安全生产</span></div><p>甲 乙</p></div>'
    )


@pytest.mark.parametrize("freeze", [False, True])
def test_fewer_collections_restores_the_garbage_collector(freeze: bool) -> None:
    import gc

    from hegui_check.heap import fewer_collections

    before = gc.get_threshold()
    during = []

    def work_fails() -> None:
        with fewer_collections(10_000, freeze=freeze):
            during.append((gc.get_threshold(), gc.get_freeze_count()))
            raise RuntimeError

    with pytest.raises(RuntimeError):
        work_fails()
    assert during[0][0][0] == max(before[0], 10_000)
    assert (during[0][1] > 0) is freeze  # what was alive set apart only when asked
    assert gc.get_threshold() == before
    assert gc.get_freeze_count() == 0


def test_documents_in_one_process_keep_their_own_stylesheets() -> None:
    """The renderer parses each template stylesheet and sets the font up once per process: every document
    still gets its own <style> and the embedded font, and its streams are compressed."""
    import pydyf

    from hegui_check.render.pdf import _Zlib

    pages = []
    for size, text in (("A5", "合规体检 第一份"), ("A4 landscape", "第二份 报告"), ("A5", "第三份")):
        pdf = html_to_pdf(
            f"<html><head><style>@page {{ size: {size}; }}</style></head><body><p>{text}</p></body></html>"
        )
        page = pypdf.PdfReader(io.BytesIO(pdf)).pages[0]
        fonts = page["/Resources"]["/Font"]
        assert any(str(fonts[k].get_object()["/BaseFont"]).endswith("+HeguiCJK") for k in fonts)
        assert page.extract_text().strip() == text
        assert page["/Contents"].get_object()["/Filter"] == "/FlateDecode"
        pages.append(round(float(page.mediabox.width)))
    assert pages == [420, 842, 420]
    assert pydyf.zlib is _Zlib


def test_a_pdf_batch_with_workers_leaves_no_font_copies_behind(tmp_path: Path) -> None:
    """WeasyPrint copies the font into a temporary folder per font setup; the batch's worker processes end
    without collecting it, so the renderer removes it when each process ends."""
    import sys

    from .test_batch import ALL, MINI_ARGS, _company

    inputs, temp = tmp_path / "in", tmp_path / "tmp"
    inputs.mkdir()
    temp.mkdir()
    for n in range(3):
        _company(inputs / f"c{n}.yaml", f"企业{n}", ALL)
    env = {**os.environ, "TMPDIR": str(temp), "NO_COLOR": "1"}
    argv = [
        "-m",
        "hegui_check",
        "batch",
        str(inputs),
        "-o",
        str(tmp_path / "out"),
        "-f",
        "pdf",
        "--jobs",
        "2",
    ]
    done = subprocess.run(
        [sys.executable, *argv, *MINI_ARGS], env=env, capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    assert len(list((tmp_path / "out").glob("*.pdf"))) == 4  # three companies and the industry report
    assert list(temp.iterdir()) == []
