"""The command line as users drive it: typer's CliRunner, plus real subprocess runs."""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pypdf
import pytest
from prompt_toolkit.input import create_pipe_input
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import load_answers

from .conftest import FIXTURES
from .test_interview import PipeAsker

runner = CliRunner()
MINI = ["--no-builtin", "--questionnaires", str(FIXTURES / "mini")]


def invoke(*args: str, input: str | None = None):
    result = runner.invoke(cli.app, list(args), input=input)
    assert "Traceback" not in (result.output or ""), result.output
    return result


def _answers(tmp_path: Path, text: str) -> Path:
    path = tmp_path / "answers.yaml"
    path.write_text(text, encoding="utf-8")
    return path


GOOD = """hegui_check: 1
company: {company_name: 瓯江鞋业, industry: footwear, employees: 12}
assessor: {date: 2026-11-21}
answers:
  alpha.red: yes
  alpha.high: no
  alpha.choice: all
  alpha.multi: [a, b]
  alpha.num: 0
  alpha.gate: false
  beta.one: yes
  pack.glue: yes
"""


def test_help_lists_every_command() -> None:
    result = invoke("--help")
    assert result.exit_code == 0
    for command in ("check", "report", "validate", "list", "demo", "doctor", "template"):
        assert command in result.output


def test_report_writes_all_formats_next_to_the_answers(tmp_path: Path) -> None:
    path = _answers(tmp_path, GOOD)
    result = invoke("report", str(path), "--format", "html,json,md", *MINI)
    assert result.exit_code == 0, result.output
    assert "黄灯" in result.output
    for ext in ("html", "json", "md"):
        assert (tmp_path / f"answers.{ext}").exists()
    data = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert data["overall"]["light"] == "yellow"


def test_report_single_format_uses_out_as_the_file(tmp_path: Path) -> None:
    path = _answers(tmp_path, GOOD)
    out = tmp_path / "x" / "报告.json"
    assert invoke("report", str(path), "-f", "json", "-o", str(out), *MINI).exit_code == 0
    assert out.exists()


def test_report_never_overwrites_without_force(tmp_path: Path) -> None:
    path = _answers(tmp_path, GOOD)
    (tmp_path / "answers.json").write_text("keep me", encoding="utf-8")
    result = invoke("report", str(path), "-f", "json", *MINI)
    assert result.exit_code == 1 and "已存在" in result.output and "--force" in result.output
    assert (tmp_path / "answers.json").read_text(encoding="utf-8") == "keep me"
    assert invoke("report", str(path), "-f", "json", "--force", *MINI).exit_code == 0
    assert (tmp_path / "answers.json").read_text(encoding="utf-8") != "keep me"


def test_report_with_errors_still_writes_but_exits_1(tmp_path: Path) -> None:
    path = _answers(tmp_path, GOOD + "  alpha.mid: maybe\n  alpha.bogus: yes\n")
    result = invoke("report", str(path), "-f", "json", *MINI)
    assert result.exit_code == 1
    assert f"{path}:13: alpha.mid" in result.output and f"{path}:14: alpha.bogus" in result.output
    data = json.loads((tmp_path / "answers.json").read_text(encoding="utf-8"))
    assert len([p for p in data["problems"] if p["severity"] == "error"]) == 2


def test_strict_refuses_to_report_on_errors(tmp_path: Path) -> None:
    path = _answers(tmp_path, GOOD + "  alpha.mid: maybe\n")
    result = invoke("report", str(path), "-f", "json", "--strict", *MINI)
    assert result.exit_code == 1 and "--strict" in result.output
    assert not (tmp_path / "answers.json").exists()


def test_warnings_only_exit_0(tmp_path: Path) -> None:
    path = _answers(tmp_path, GOOD.replace("employees: 12", "employees: 12, uscc: 91330302MA2H8K3L7X"))
    result = invoke("report", str(path), "-f", "json", *MINI)
    assert result.exit_code == 0 and "校验位" in result.output


@pytest.mark.parametrize(
    ("text", "needle"),
    [("answers: [oops\n", "YAML 格式错误"), ("{not yaml: at all: }\n", "YAML"), ("\x00\x01", "")],
)
def test_malformed_answer_files_get_one_clear_line(tmp_path: Path, text: str, needle: str) -> None:
    path = _answers(tmp_path, text)
    result = invoke("report", str(path), "-f", "json", *MINI)
    assert result.exit_code == 1
    assert "错误" in result.output and str(path) in result.output and needle in result.output


def test_missing_answer_file(tmp_path: Path) -> None:
    result = invoke("report", str(tmp_path / "nope.yaml"), *MINI)
    assert result.exit_code == 1 and "不存在" in result.output


def test_unknown_format_is_a_usage_error(tmp_path: Path) -> None:
    result = invoke("report", str(_answers(tmp_path, GOOD)), "-f", "pdf,docz", *MINI)
    assert result.exit_code == 2 and "docz" in result.output


def test_validate_bundled_library() -> None:
    result = invoke("validate")
    assert result.exit_code == 0 and "格式和条件检查通过" in result.output


def test_validate_reports_bad_module_and_answer_files(tmp_path: Path) -> None:
    module = tmp_path / "gamma.yaml"
    module.write_text(
        "module: gamma\ntitle: 丙\nitems:\n  - {id: gamma.a, question: 问？, type: status}\n",
        encoding="utf-8",
    )
    result = invoke("validate", str(module), *MINI)
    assert result.exit_code == 1 and "gamma.a" in result.output and "risk" in result.output
    answers = _answers(tmp_path, GOOD + "  alpha.zzz: yes\n")
    result = invoke("validate", str(answers), *MINI)
    assert result.exit_code == 1 and "alpha.zzz" in result.output


def test_validate_with_laws_dir_that_is_missing(tmp_path: Path) -> None:
    result = invoke("validate", "--laws", str(tmp_path / "nolaws"))
    assert result.exit_code == 1 and "INDEX.tsv" in result.output


def test_list_shows_modules_counts_and_version() -> None:
    result = invoke("list")
    assert result.exit_code == 0
    assert "2026.12" in result.output and "labor" in result.output and "合计" in result.output


def test_template_is_a_valid_answer_file_for_report(tmp_path: Path) -> None:
    out = tmp_path / "blank.yaml"
    assert invoke("template", "-o", str(out), "--industry", "footwear").exit_code == 0
    text = out.read_text(encoding="utf-8")
    assert "labor.written_contract: null" in text and "footwear." in text and "games." not in text
    assert "# 是否" in text or "？" in text
    result = invoke("report", str(out), "-f", "json")
    assert result.exit_code == 0, result.output


def test_check_without_a_terminal_points_to_template_and_report(tmp_path: Path) -> None:
    result = invoke("check", "-o", str(tmp_path / "a.yaml"))
    assert result.exit_code == 1
    assert "template" in result.output and "report" in result.output


def test_check_refuses_to_overwrite_an_existing_answer_file(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    existing = _answers(tmp_path, GOOD)
    result = invoke("check", "-o", str(existing))
    assert result.exit_code == 1 and "--resume" in result.output
    assert existing.read_text(encoding="utf-8") == GOOD


@pytest.mark.timeout(120)
def test_check_runs_the_interview_and_offers_the_report(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)

    def policy(message, choices):
        values = [v for v, _ in choices]
        if "生成 PDF" in message:
            return "no"
        return "false" if "false" in values else ("yes" if "yes" in values else values[0])

    with create_pipe_input() as inp:
        monkeypatch.setattr(cli, "make_asker", lambda: PipeAsker(inp, policy))
        out = tmp_path / "a.yaml"
        result = invoke("check", "-o", str(out), "--modules", "alpha", "--depth", "full", *MINI)
    assert result.exit_code == 0, result.output
    assert "问卷已完成" in result.output and f"hegui-check report {out}" in result.output
    data = load_answers(out, cli._load([FIXTURES / "mini"], True))
    assert data.answers["alpha.red"].value == "yes"


@pytest.mark.timeout(120)
def test_check_interrupted_says_how_to_resume(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)

    def policy(message, choices):
        values = [v for v, _ in choices]
        return "false" if "false" in values else ("yes" if "yes" in values else values[0])

    out = tmp_path / "a.yaml"
    with create_pipe_input() as inp:
        monkeypatch.setattr(cli, "make_asker", lambda: PipeAsker(inp, policy, stop_after=9))
        result = invoke("check", "-o", str(out), "--depth", "full", *MINI)
    assert result.exit_code == 130
    assert f"hegui-check check --resume {out}" in result.output
    assert load_answers(out, cli._load([FIXTURES / "mini"], True)).errors == []
    with create_pipe_input() as inp:
        monkeypatch.setattr(
            cli, "make_asker", lambda: PipeAsker(inp, lambda m, c: "no" if "生成" in m else policy(m, c))
        )
        result = invoke("check", "--resume", str(out), *MINI)
    assert result.exit_code == 0, result.output
    assert "继续填写" in result.output


def test_demo_writes_report_and_example_answers(tmp_path: Path) -> None:
    out = tmp_path / "demo"
    result = invoke("demo", "-o", str(out), "-f", "json,md")
    assert result.exit_code == 0, result.output
    assert (out / "demo-answers.yaml").exists() and (out / "demo-report.md").exists()
    data = json.loads((out / "demo-report.json").read_text(encoding="utf-8"))
    assert data["company"]["company_name"] == "温州市鹿城区瓯江鞋业有限公司"
    again = invoke("demo", "-o", str(out), "-f", "json,md")
    assert again.exit_code == 1 and "已存在" in again.output


def test_doctor_passes_on_a_set_up_machine() -> None:
    result = invoke("doctor")
    assert "中文字体" in result.output and "WeasyPrint" in result.output and "内置检查清单" in result.output
    assert result.exit_code == 0, result.output
    assert "✓ PDF 试生成" in result.output and "✗" not in result.output


def test_doctor_explains_a_missing_font(monkeypatch) -> None:
    from hegui_check import resources

    monkeypatch.setattr(resources, "cjk_font", lambda: None)
    result = invoke("doctor")
    assert result.exit_code == 1
    assert "✗ 中文字体" in result.output and "pip install pylopdf-fonts-zh-cn" in result.output
    assert "PDF 试生成" not in result.output


def test_main_hides_internal_tracebacks(monkeypatch, capsys) -> None:
    def boom() -> None:
        raise RuntimeError("secret answer data")

    monkeypatch.setattr(cli, "app", boom)
    monkeypatch.delenv("HEGUI_DEBUG", raising=False)
    with pytest.raises(SystemExit) as excinfo:
        cli.main()
    assert excinfo.value.code == 1
    err = capsys.readouterr().err
    assert "内部错误" in err and "Traceback" not in err and "HEGUI_DEBUG" in err


def _real_cli() -> list[str]:
    """The installed console script, as a user runs it (python -m when it is not installed)."""
    script = Path(sys.executable).parent / ("hegui-check.exe" if os.name == "nt" else "hegui-check")
    return [str(script)] if script.exists() else [sys.executable, "-m", "hegui_check"]


@pytest.mark.timeout(180)
def test_demo_as_a_real_process_renders_a_chinese_pdf(tmp_path: Path) -> None:
    env = {**os.environ, "HOME": str(tmp_path)}
    proc = subprocess.run(
        [*_real_cli(), "demo", "-o", str(tmp_path / "d"), "-f", "pdf"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=170,
    )
    assert proc.returncode == 0, proc.stderr
    pdf = (tmp_path / "d" / "demo-report.pdf").read_bytes()
    reader = pypdf.PdfReader(io.BytesIO(pdf))
    text = "".join(p.extract_text() for p in reader.pages[:3])
    assert "温州市鹿城区瓯江鞋业有限公司" in text and "合规体检" in text and "黄灯" in text
    assert "《中华人民共和国" in "".join(p.extract_text() for p in reader.pages)


def test_help_as_a_real_process_does_not_import_weasyprint(tmp_path: Path) -> None:
    code = "import sys; from hegui_check import cli; print('weasyprint' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert proc.stdout.strip() == "False"
    proc = subprocess.run([*_real_cli(), "--help"], capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0
    assert "企业合规体检" in proc.stdout and "report" in proc.stdout


def test_resume_of_a_complete_file_edits_one_answer_and_rerenders_after_asking(
    tmp_path: Path, monkeypatch
) -> None:
    from .scripted import ScriptedAsker

    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    q = cli._load([FIXTURES / "mini"], True)
    path = tmp_path / "a.yaml"
    path.write_text(GOOD_COMPLETE, encoding="utf-8")
    assert invoke("report", str(path), *MINI).exit_code == 0
    old_pdf = (tmp_path / "a.pdf").read_bytes()
    asker = ScriptedAsker(["edit", "alpha", "alpha.high", "no", "两人未签", "report", "yes"])
    monkeypatch.setattr(cli, "make_asker", lambda: asker)
    result = invoke("check", "--resume", str(path), *MINI)
    assert result.exit_code == 0, result.output
    assert asker.replies == []  # exactly: menu, module, question, answer, note, menu, replace?
    assert "已存在，要替换吗" in asker.messages[-1]
    high = load_answers(path, q).answers["alpha.high"]
    assert (high.value, high.note) == ("no", "两人未签")
    assert (tmp_path / "a.pdf").read_bytes() != old_pdf and "已生成" in result.output


def test_regenerating_keeps_an_existing_report_when_told_not_to_replace(tmp_path: Path, monkeypatch) -> None:
    from .scripted import ScriptedAsker

    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    path = tmp_path / "a.yaml"
    path.write_text(GOOD_COMPLETE, encoding="utf-8")
    (tmp_path / "a.pdf").write_bytes(b"old")
    monkeypatch.setattr(cli, "make_asker", lambda: ScriptedAsker(["report", "no"]))
    result = invoke("check", "--resume", str(path), *MINI)
    assert result.exit_code == 0, result.output
    assert (tmp_path / "a.pdf").read_bytes() == b"old" and "未替换" in result.output


def test_check_asks_the_owner_quick_or_full_and_records_it(tmp_path: Path, monkeypatch) -> None:
    from .scripted import CTRL_C, ScriptedAsker

    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    asker = ScriptedAsker(["quick", "甲公司", "company", "footwear", "12", CTRL_C])
    monkeypatch.setattr(cli, "make_asker", lambda: asker)
    out = tmp_path / "a.yaml"
    result = invoke("check", "-o", str(out), *MINI)
    assert result.exit_code == 130
    assert asker.prompts[0][2] == ["quick", "full"]
    assert load_answers(out, cli._load([FIXTURES / "mini"], True)).depth == "quick"
    assert "(4/" in result.output.replace("（", "(")


def test_check_depth_must_be_quick_or_full(tmp_path: Path) -> None:
    result = invoke("check", "--depth", "deep", "-o", str(tmp_path / "a.yaml"), *MINI)
    assert result.exit_code == 2 and "quick（快速体检）" in result.output


def test_list_shows_counts_by_depth() -> None:
    result = invoke("list", *MINI)
    assert result.exit_code == 0
    row = next(line for line in result.output.splitlines() if "alpha" in line)
    cells = row.split()
    assert cells[0] == "alpha" and cells[2:4] == [
        "3",
        "8",
    ]  # quick: alpha.red + key alpha.high, alpha.gated; full
    assert "快速" in result.output and "深度" in result.output


GOOD_COMPLETE = """hegui_check: 1
company: {company_name: 甲公司, uscc: "", entity_type: company, industry: footwear, employees: 12, region: 温州}
facts: {sells_online: false}
assessor: {date: 2026-11-21}
answers:
  alpha.red: 'yes'
  alpha.high: 'yes'
  alpha.mid: partial
  alpha.low: 'no'
  alpha.choice: all
  alpha.multi: [a, b]
  alpha.num: 0
  alpha.gate: false
  alpha.text: ''
  beta.one: 'yes'
  pack.glue: 'yes'
"""
