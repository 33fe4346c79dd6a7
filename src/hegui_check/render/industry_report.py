"""The batch industry report (行业合规画像) as HTML/PDF and JSON."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup

from ..resources import templates_dir
from ..vocabulary import GREEN_FROM, LIGHT_SHORT, RED_BELOW
from .chart import bar_colour
from .templating import html_env


def _chart(modules: list[dict[str, Any]]) -> str:
    from html import escape

    label_w, bar_w, row_h, top = 150, 380, 22, 24
    height = top + row_h * len(modules) + 10
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" height="{height}" class="chart" '
             "font-family=\"HeguiCJK, 'Noto Sans SC', sans-serif\">"]
    for tick in (0, RED_BELOW, GREEN_FROM, 100):
        x = label_w + bar_w * tick / 100
        parts.append(f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" stroke="#9e9e9e" stroke-width="0.6"/>')
        parts.append(f'<text x="{x:.1f}" y="{top - 10}" font-size="9" text-anchor="middle">{tick:g}</text>')
    for n, m in enumerate(modules):
        y = top + n * row_h
        w = bar_w * m["mean"] / 100
        lo, hi = label_w + bar_w * m["min"] / 100, label_w + bar_w * m["max"] / 100
        parts.append(f'<text x="{label_w - 8}" y="{y + 14}" font-size="11" text-anchor="end">{escape(m["title"])}</text>')
        parts.append(f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{bar_colour(m["mean"])}"/>')
        parts.append(f'<line x1="{lo:.1f}" y1="{y + row_h / 2:.1f}" x2="{hi:.1f}" y2="{y + row_h / 2:.1f}" stroke="#424242" stroke-width="1"/>')
        parts.append(f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="10">{m["mean"]:.1f}（±{m["stdev"]:.1f}）</text>')
    parts.append("</svg>")
    return "".join(parts)


def render_industry_html(summary: dict[str, Any], title: str) -> str:
    ctx = dict(summary)
    ctx["title"] = title
    ctx["light_labels"] = LIGHT_SHORT
    ctx["chart_svg"] = Markup(_chart(summary["modules"]))
    ctx["css"] = Markup((templates_dir() / "report.css").read_text(encoding="utf-8"))
    return html_env().get_template("industry.html.j2").render(**ctx)


def render_industry_json(summary: dict[str, Any]) -> str:
    return json.dumps(summary, ensure_ascii=False, indent=2, default=str) + "\n"
