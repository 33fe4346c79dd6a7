"""Renderers: each turns an Assessment into the bytes of one output format, chosen by `Format`."""

from __future__ import annotations

from collections.abc import Callable
from enum import Enum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scoring import Assessment


class Format(str, Enum):
    pdf = "pdf"
    html = "html"
    json = "json"
    md = "md"


def _pdf(a: Assessment) -> bytes:
    from .pdf import render_pdf  # WeasyPrint is imported only when a PDF is made

    return render_pdf(a)


def _html(a: Assessment) -> bytes:
    from .html import render_html

    return render_html(a).encode("utf-8")


def _json(a: Assessment) -> bytes:
    from .json_result import render_json

    return render_json(a).encode("utf-8")


def _md(a: Assessment) -> bytes:
    from .markdown import render_markdown

    return render_markdown(a).encode("utf-8")


RENDERERS: dict[Format, Callable[[Assessment], bytes]] = {
    Format.pdf: _pdf,
    Format.html: _html,
    Format.json: _json,
    Format.md: _md,
}


def render(a: Assessment, fmt: Format) -> bytes:
    return RENDERERS[fmt](a)
