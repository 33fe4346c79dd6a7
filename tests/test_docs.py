"""Docs are tested: every command has help text and appears in the README."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.main import get_command

from hegui_check.cli import app

README = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
COMMANDS = sorted(get_command(app).commands)  # type: ignore[attr-defined]


@pytest.mark.parametrize("name", COMMANDS)
def test_command_has_help_and_is_in_the_readme(name: str) -> None:
    command = get_command(app).commands[name]  # type: ignore[attr-defined]
    assert command.help and command.help.strip()
    assert f"hegui-check {name}" in README


def test_readme_names_both_setup_commands_and_ci_uses_the_test_one() -> None:
    assert "bash scripts/setup.sh demo" in README and "bash scripts/setup.sh test" in README
    ci = (Path(__file__).resolve().parent.parent / ".ci" / "run").read_text(encoding="utf-8")
    assert "scripts/setup.sh test" in ci
