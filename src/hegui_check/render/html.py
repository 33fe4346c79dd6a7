"""HTML report: the same document the PDF is made from, with the stylesheet inlined."""

from __future__ import annotations

from typing import TYPE_CHECKING

from markupsafe import Markup

from ..resources import templates_dir
from .context import report_context
from .templating import html_env

if TYPE_CHECKING:
    from ..scoring import Assessment
    from . import RenderOptions


def render_html(a: Assessment, options: RenderOptions | None = None) -> str:
    ctx = report_context(a, options)
    ctx["chart_svg"] = Markup(ctx["chart_svg"])  # built from escaped parts in chart.py
    ctx["css"] = Markup((templates_dir() / "report.css").read_text(encoding="utf-8"))  # static file
    return html_env().get_template("report.html.j2").render(**ctx)
