"""Renderers: each turns an Assessment into the bytes of one output format, chosen by `Format`.

Heavy libraries (WeasyPrint, python-docx, openpyxl) are imported only when their format is made.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING, Any

from ..errors import HeguiCheckError

if TYPE_CHECKING:
    from ..compare import Comparison
    from ..industry import IndustryAccumulator
    from ..letterhead import Letterhead
    from ..scoring import Assessment


class Format(str, Enum):
    pdf = "pdf"
    html = "html"
    json = "json"
    md = "md"
    xlsx = "xlsx"
    docx = "docx"


@dataclass(frozen=True)
class RenderOptions:
    """Per-run presentation settings that are not part of the result itself; every renderer takes them
    and honours each one that applies to its format and kind of report."""

    letterhead: Letterhead | None = None  # organisation, contact and logo of the service team
    anonymize: bool = False  # industry report: no firm names, redacted free text
    date: dt.date | None = None  # industry report: the report's date (default today)


Renderer = Callable[[Any, RenderOptions], bytes]
REPORT, DIFF, INDUSTRY = "report", "diff", "industry"  # the single report, the re-check report, the batch's
KIND_LABELS = {REPORT: "体检报告", DIFF: "复检对比报告", INDUSTRY: "行业报告"}


def _pdf(a: Assessment, o: RenderOptions) -> bytes:
    from .pdf import render_pdf

    return render_pdf(a, o)


def _html(a: Assessment, o: RenderOptions) -> bytes:
    from .html import render_html

    return render_html(a, o).encode("utf-8")


def _json(a: Assessment, o: RenderOptions) -> bytes:
    from .json_result import render_json

    return render_json(a, o)


def _md(a: Assessment, o: RenderOptions) -> bytes:
    from .markdown import render_markdown

    return render_markdown(a, o).encode("utf-8")


def _xlsx(a: Assessment, o: RenderOptions) -> bytes:
    from .xlsx_ledger import render_xlsx

    return render_xlsx(a, o)


def _docx(a: Assessment, o: RenderOptions) -> bytes:
    from .docx_report import render_docx

    return render_docx(a, o)


def _diff(fmt: str) -> Renderer:
    def render_one(c: Comparison, o: RenderOptions) -> bytes:
        from .diff_report import render_diff

        return render_diff(c, fmt, o)

    return render_one


def _industry(fmt: str) -> Renderer:
    def render_one(acc: IndustryAccumulator, o: RenderOptions) -> bytes:
        from .industry_report import render_industry

        return render_industry(acc, fmt, o)

    return render_one


# The one registry: kind of report -> format -> renderer. Adding a format is a module with a
# (result, RenderOptions) -> bytes function plus one line here (or a `register` call).
REGISTRY: dict[str, dict[str, Renderer]] = {
    REPORT: {"pdf": _pdf, "html": _html, "json": _json, "md": _md, "xlsx": _xlsx, "docx": _docx},
    DIFF: {fmt: _diff(fmt) for fmt in ("pdf", "html", "docx", "md", "json")},
    INDUSTRY: {fmt: _industry(fmt) for fmt in ("pdf", "html", "json")},
}
RENDERERS = REGISTRY[REPORT]


def register(kind: str, fmt: str, renderer: Renderer) -> None:
    """Add (or replace) the renderer of one format of one kind of report."""
    REGISTRY.setdefault(kind, {})[fmt] = renderer


def formats(kind: str = REPORT) -> tuple[str, ...]:
    return tuple(REGISTRY[kind])


def render_as(kind: str, result: Any, fmt: str, options: RenderOptions | None = None) -> bytes:
    """The bytes of ``result`` (an Assessment, a Comparison or an IndustryAccumulator) in ``fmt``."""
    return REGISTRY[kind][str(getattr(fmt, "value", fmt))](result, options or RenderOptions())


def render(a: Assessment, fmt: Format | str, options: RenderOptions | None = None) -> bytes:
    """The single report in one format."""
    return render_as(REPORT, a, fmt, options)


class FormatError(HeguiCheckError):
    """A --format value names a format this kind of report does not have."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code="bad-value")


def parse_formats(value: str, kind: str = REPORT) -> list[Format | str]:
    """'pdf, docx' -> [Format.pdf, Format.docx]: the one parser of --format for every command."""
    allowed = formats(kind)
    chosen: list[Format | str] = []
    for part in value.split(","):
        part = part.strip().lower()
        if not part:
            continue
        if part not in allowed:
            raise FormatError(
                f"不支持的格式“{part}”，{KIND_LABELS.get(kind, kind)}可选：{', '.join(allowed)}"
            )
        chosen.append(Format(part) if part in Format._value2member_map_ else part)
    if not chosen:
        raise FormatError(f"至少给出一种格式，可选：{', '.join(allowed)}")
    return list(dict.fromkeys(chosen))
