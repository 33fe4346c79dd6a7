"""Environment checks for `hegui-check doctor`: each says what is missing and exactly how to fix it."""

from __future__ import annotations

import ctypes.util
import logging
import platform
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True)
class CheckResult:
    name: str
    ok: bool
    detail: str
    fix: str = ""
    optional: bool = False  # a failure here degrades output but does not stop the tool


def _pango_fix() -> str:
    system = platform.system()
    if system == "Darwin":
        return "安装 Homebrew 后运行 brew install pango（PDF 以外的 HTML/Markdown/JSON 输出不受影响）"
    if system == "Windows":
        return (
            "按 WeasyPrint 官方文档安装 MSYS2 并运行 pacman -S mingw-w64-x86_64-pango，"
            "再把 C:\\msys64\\mingw64\\bin 加入 PATH（HTML/Markdown/JSON 输出不受影响）"
        )
    return "sudo apt-get install -y libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0（或运行 scripts/setup.sh）"


def check_python() -> CheckResult:
    ok = sys.version_info >= (3, 10)
    return CheckResult("Python", ok, platform.python_version(), "请安装 Python 3.10 或更新版本")


def check_library() -> CheckResult:
    from .errors import QuestionnaireError
    from .questionnaire import load_questionnaire

    try:
        q = load_questionnaire()
    except QuestionnaireError as exc:
        return CheckResult("内置检查清单", False, str(exc).splitlines()[0], "重新安装 hegui-check")
    return CheckResult(
        "内置检查清单",
        True,
        f"版本 {q.version}（法规截至 {q.info.laws_as_of}），{len(q.modules)} 个模块，{len(q.scored_items)} 道计分题",
    )


def check_weasyprint() -> CheckResult:
    try:
        import weasyprint
    except (ImportError, OSError) as exc:
        return CheckResult("WeasyPrint（生成 PDF）", False, f"无法加载：{exc}", _pango_fix())
    from weasyprint.text.ffi import pango

    detail = f"WeasyPrint {weasyprint.__version__}"
    try:
        n = int(pango.pango_version())
        detail += f"，Pango {n // 10000}.{n // 100 % 100}.{n % 100}"
    except (AttributeError, TypeError, ValueError):
        pass
    return CheckResult("WeasyPrint（生成 PDF）", True, detail)


def check_harfbuzz_subset() -> CheckResult:
    found = ctypes.util.find_library("harfbuzz-subset")
    if found:
        return CheckResult("HarfBuzz 字体子集化", True, f"已找到 {found}（PDF 生成快、文件小）")
    return CheckResult(
        "HarfBuzz 字体子集化",
        False,
        "未找到 libharfbuzz-subset，WeasyPrint 会改用较慢的 fontTools 子集化（每份报告慢数秒、占用内存更多）",
        "Debian/Ubuntu：sudo apt-get install -y libharfbuzz-subset0；macOS：brew install harfbuzz",
        optional=True,
    )


def check_font() -> CheckResult:
    from .resources import cjk_font

    found = cjk_font()
    if found is None:
        return CheckResult(
            "中文字体",
            False,
            "没有找到可嵌入 PDF 的中文字体，PDF 中的汉字会显示为方框",
            "pip install pylopdf-fonts-zh-cn（随 hegui-check 一起安装；或安装 fonts-noto-cjk）",
        )
    path, source = found
    return CheckResult("中文字体", True, f"{source}：{path}")


def check_render() -> CheckResult:
    """Render a one-page Chinese PDF and look at the fonts embedded in it."""
    from .errors import ReportError
    from .render.pdf import html_to_pdf

    records: list[str] = []

    class _Collect(logging.Handler):
        def emit(self, record: logging.LogRecord) -> None:
            records.append(record.getMessage())

    logger = logging.getLogger("weasyprint")
    handler = _Collect(level=logging.WARNING)
    logger.addHandler(handler)
    start = time.perf_counter()
    try:
        pdf = html_to_pdf(
            '<html lang="zh-CN"><body><p>合规体检 测试页</p></body></html>', uncompressed_pdf=True
        )
    except ReportError as exc:
        return CheckResult("PDF 试生成", False, str(exc), _pango_fix())
    finally:
        logger.removeHandler(handler)
    took = time.perf_counter() - start
    embedded = b"+HeguiCJK" in pdf  # the subset CJK font, by the family name the renderer gives it
    detail = f"{len(pdf) // 1024} KB，用时 {took:.2f} 秒" + ("" if embedded else "，但未嵌入中文字体")
    if records:
        detail += "；WeasyPrint 提示：" + "；".join(dict.fromkeys(records))[:300]
    return CheckResult(
        "PDF 试生成", embedded, detail, "" if embedded else "运行 pip install pylopdf-fonts-zh-cn"
    )


def check_writable(where: Path | None = None) -> CheckResult:
    where = where or Path.cwd()
    try:
        with tempfile.NamedTemporaryFile(dir=where, prefix=".hegui-check-", delete=True):
            pass
    except OSError as exc:
        return CheckResult(
            "写入权限", False, f"{where} 不可写（{exc.strerror}）", "换到可写的目录运行，或用 -o 指定输出位置"
        )
    return CheckResult("写入权限", True, f"{where} 可写")


def run_checks() -> list[CheckResult]:
    results = [check_python(), check_library(), check_writable(), check_font(), check_harfbuzz_subset()]
    wp = check_weasyprint()
    results.append(wp)
    if wp.ok and results[3].ok:
        results.append(check_render())
    return results
