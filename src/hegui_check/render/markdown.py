"""Markdown report: the same content as the PDF, as plain text for e-mail, wikis and diffs."""

from __future__ import annotations

from typing import TYPE_CHECKING

from .context import report_context
from .templating import md_env

if TYPE_CHECKING:
    from ..scoring import Assessment
    from . import RenderOptions


def render_markdown(a: Assessment, options: RenderOptions | None = None) -> str:
    ctx = report_context(a, options)
    ctx.pop("chart_svg")
    return md_env().get_template("report.md.j2").render(**ctx)
