"""Where the bundled checklist library, report templates and fonts live (wheel or source checkout)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

_PKG = Path(__file__).resolve().parent


def _bundled(name: str) -> Path:
    inside = _PKG / name  # a built wheel carries the folder inside the package
    if inside.is_dir():
        return inside
    checkout = _PKG.parent.parent / name  # editable install / source checkout: top-level folder
    return checkout


def questionnaires_dir() -> Path:
    return _bundled("questionnaires")


def templates_dir() -> Path:
    return _bundled("report_templates")


def data_dir() -> Path:
    return _PKG / "data"


@lru_cache(maxsize=1)
def cjk_font() -> tuple[Path, str] | None:
    """The CJK font used in reports: (file, source description), or None when none was found.

    First the Noto Sans SC font shipped by the ``pylopdf-fonts-zh-cn`` package (same on every OS);
    failing that a system font that fontconfig reports for Chinese.
    """
    try:
        import pylopdf_fonts_zh_cn  # noqa: PLC0415 - optional at run time, present when installed normally

        font = Path(pylopdf_fonts_zh_cn.__file__).resolve().parent / "NotoSansSC-Regular.otf"
        if font.is_file():
            return font, "Noto Sans SC（Python 包 pylopdf-fonts-zh-cn，SIL OFL 1.1）"
    except ImportError:
        pass
    return _fontconfig_cjk()


def _fontconfig_cjk() -> tuple[Path, str] | None:
    import shutil
    import subprocess

    fc = shutil.which("fc-match")
    if not fc:
        return None
    try:
        out = subprocess.run(
            [fc, "-f", "%{file}\n%{lang}", ":lang=zh-cn"], capture_output=True, text=True, timeout=10
        ).stdout
    except (OSError, subprocess.SubprocessError):
        return None
    lines = out.splitlines()
    if len(lines) >= 2 and "zh-cn" in lines[1].split("|"):
        path = Path(lines[0])
        if path.is_file():
            return path, f"系统字体 {path.name}（fontconfig）"
    return None
