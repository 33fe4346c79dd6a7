"""The wheel carries the checklist library, templates and data, so a plain `pip install .` works."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.timeout(300)
def test_wheel_contains_questionnaires_templates_and_data(tmp_path: Path) -> None:
    proc = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(ROOT)],
        capture_output=True,
        text=True,
        timeout=280,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (wheel,) = tmp_path.glob("hegui_check-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = {
        "hegui_check/questionnaires/library.yaml",
        "hegui_check/questionnaires/profile.yaml",
        "hegui_check/questionnaires/core/labor.yaml",
        "hegui_check/questionnaires/industries/footwear.yaml",
        "hegui_check/report_templates/report.html.j2",
        "hegui_check/report_templates/report.css",
        "hegui_check/report_templates/report.md.j2",
        "hegui_check/data/demo-answers.yaml",
        "hegui_check/data/laws.json",
    }
    assert expected <= names
    shipped = {n for n in names if n.startswith("hegui_check/questionnaires/") and n.endswith(".yaml")}
    on_disk = {
        f"hegui_check/{p.relative_to(ROOT).as_posix()}" for p in (ROOT / "questionnaires").rglob("*.yaml")
    }
    assert shipped == on_disk
