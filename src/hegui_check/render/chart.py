"""The per-module score chart: a horizontal bar chart drawn as SVG by the project (no plotting library)."""

from __future__ import annotations

from html import escape
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ..scoring import Assessment

from ..vocabulary import GREEN_FROM, RED_BELOW

GREEN, AMBER, RED, GREY = "#2e7d32", "#f9a825", "#c62828", "#bdbdbd"


def bar_colour(score: float) -> str:
    return GREEN if score >= GREEN_FROM else AMBER if score >= RED_BELOW else RED


def module_chart_svg(a: Assessment) -> str:
    """SVG markup; every label is escaped, so it can be embedded in the HTML as is."""
    rows = [m for m in a.modules if any(r.item.scored and r.applicable for r in m.items)]
    label_w, bar_w, row_h, top = 150, 400, 22, 24
    width = label_w + bar_w + 60
    height = top + row_h * len(rows) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-label="分领域得分" class="chart" '
        f"font-family=\"HeguiCJK, 'Noto Sans SC', 'PingFang SC', 'Microsoft YaHei', sans-serif\">",
    ]
    for tick in (0, RED_BELOW, GREEN_FROM, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" stroke="#9e9e9e" '
            f'stroke-width="0.6" stroke-dasharray="{"none" if tick in (0, 100) else "3,3"}"/>'
        )
        parts.append(
            f'<text x="{x:.1f}" y="{top - 10}" font-size="9" text-anchor="middle" fill="#616161">{tick:g}</text>'
        )
    for n, m in enumerate(rows):
        y = top + n * row_h
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="11" text-anchor="end" fill="#212121">'
            f"{escape(m.module.title)}</text>"
        )
        if m.score is None:
            parts.append(
                f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="#eeeeee"/>'
            )
            parts.append(f'<text x="{label_w + 6}" y="{y + 14}" font-size="10" fill="#757575">不适用</text>')
            continue
        w = bar_w * max(m.score, 0) / 100
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" '
            f'fill="{bar_colour(m.score)}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" font-size="10" fill="#212121">'
            f"{m.rounded:.1f}</text>"
        )
    parts.append("</svg>")
    return "".join(parts)
