"""The command line speaks Chinese: usage errors, help boilerplate and metavars, at 80 columns."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui_check import cli

ENGLISH = re.compile(
    r"Usage:|No such option|Show this message|\[OPTIONS\]|\[required\]|\[default|Missing (argument|option)"
    r"|<bool>|<path>|<str>|<int|list\[|Try '|Arguments|Options|Commands"
)


def _run(*args: str, columns: int = 80) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "COLUMNS": str(columns), "TERMINAL_WIDTH": str(columns)}
    script = Path(sys.executable).with_name("hegui-check")
    command = [str(script)] if script.exists() else [sys.executable, "-m", "hegui_check"]
    return subprocess.run([*command, *args], capture_output=True, text=True, env=env, timeout=60)


def test_unknown_option_is_a_chinese_usage_error() -> None:
    r = _run("report", "--bogus")
    assert r.returncode == 2
    assert "错误：没有选项 --bogus" in r.stderr and "用法：hegui-check report" in r.stderr
    assert not ENGLISH.search(r.stderr + r.stdout), r.stderr


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["report"], "缺少参数 答题文件"),
        (["report", "x.yaml", "--format"], "选项 --format 后面要跟一个值"),
        (["batch", "x", "-o", "y", "--jobs", "abc"], "--jobs / -j 的值不对：应为整数"),
        (["batch", "x", "-o", "y", "--jobs", "0"], "的值不对"),
        (["nosuch"], "没有命令“nosuch”"),
    ],
)
def test_usage_errors_name_what_is_wrong_in_chinese(args: list[str], expected: str) -> None:
    result = CliRunner().invoke(cli.app, args)
    assert result.exit_code == 2
    assert expected in result.output
    assert not ENGLISH.search(result.output), result.output


@pytest.mark.parametrize(
    "command", ["", "report", "check", "batch", "validate", "diff", "template", "demo", "list", "doctor"]
)
def test_help_is_chinese_and_not_cut_at_80_columns(command: str) -> None:
    r = _run(*([command] if command else []), "--help")
    assert r.returncode == 0
    assert "显示本帮助并退出" in r.stdout and "用法：" in r.stdout
    assert not ENGLISH.search(r.stdout), r.stdout
    assert "…" not in r.stdout.replace("输入…", "").replace("路径…", "")  # wrapped, never truncated


def test_one_format_output_gets_its_extension(tmp_path: Path) -> None:
    demo = tmp_path / "demo"
    assert CliRunner().invoke(cli.app, ["demo", "-o", str(demo), "-f", "json"]).exit_code == 0
    answers = next(demo.glob("*.yaml"))
    out = tmp_path / "晴雨体检"
    result = CliRunner().invoke(cli.app, ["report", str(answers), "-o", str(out), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "晴雨体检.json").is_file() and not out.exists()
