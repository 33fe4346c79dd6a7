"""Renderers: each turns an Assessment into the bytes of one output format, chosen by `Format`.

Heavy libraries (WeasyPrint, python-docx, openpyxl) are imported only when their format is made.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
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
    """Per-run presentation settings that are not part of the assessment itself; every renderer takes them
    and honours each one that applies to its format."""

    letterhead: Letterhead | None = None  # organisation, contact and logo of the service team


def _pdf(a: Assessment, o: RenderOptions) -> bytes:
    from .pdf import render_pdf

    return render_pdf(a, o)


def _html(a: Assessment, o: RenderOptions) -> bytes:
    from .html import render_html

    return render_html(a, o).encode("utf-8")


def _json(a: Assessment, o: RenderOptions) -> bytes:
    from .json_result import render_json

    return render_json(a, o).encode("utf-8")


def _md(a: Assessment, o: RenderOptions) -> bytes:
    from .markdown import render_markdown

    return render_markdown(a, o).encode("utf-8")


def _xlsx(a: Assessment, o: RenderOptions) -> bytes:
    from .xlsx_ledger import render_xlsx

    return render_xlsx(a, o)


def _docx(a: Assessment, o: RenderOptions) -> bytes:
    from .docx_report import render_docx

    return render_docx(a, o)


RENDERERS: dict[Format, Callable[[Assessment, RenderOptions], bytes]] = {
    Format.pdf: _pdf,
    Format.html: _html,
    Format.json: _json,
    Format.md: _md,
    Format.xlsx: _xlsx,
    Format.docx: _docx,
}


def render(a: Assessment, fmt: Format, options: RenderOptions | None = None) -> bytes:
    return RENDERERS[fmt](a, options or RenderOptions())
