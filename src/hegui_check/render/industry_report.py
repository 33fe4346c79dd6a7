"""The batch industry report (行业合规画像) as HTML/PDF and JSON."""

from __future__ import annotations

import json
from collections.abc import Iterator
from itertools import islice
from typing import TYPE_CHECKING, Any

from markupsafe import Markup

from ..industry import REPORT_COMPANIES_LISTED, REPORT_NEEDS_LISTED, Rows
from ..resources import templates_dir
from ..vocabulary import GREEN_FROM, LIGHT_COLOURS, LIGHT_LABELS, LIGHT_SHORT, RED_BELOW
from ..yamlio import compact_json
from . import RenderOptions
from .chart import AMBER, RED, bar_colour
from .templating import html_env, letterhead_view

if TYPE_CHECKING:
    from ..industry import IndustryAccumulator


def _chart(modules: list[dict[str, Any]]) -> str:
    from html import escape

    label_w, bar_w, row_h, top = 150, 380, 22, 24
    height = top + row_h * len(modules) + 10
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" height="{height}" class="chart" '
        "font-family=\"HeguiCJK, 'Noto Sans SC', sans-serif\">"
    ]
    for tick in (0, RED_BELOW, GREEN_FROM, 100):
        x = label_w + bar_w * tick / 100
        parts.append(
            f'<line x1="{x:.1f}" y1="{top - 6}" x2="{x:.1f}" y2="{height - 8}" stroke="#9e9e9e" stroke-width="0.6"/>'
        )
        parts.append(f'<text x="{x:.1f}" y="{top - 10}" font-size="9" text-anchor="middle">{tick:g}</text>')
    for n, m in enumerate(modules):
        y = top + n * row_h
        w = bar_w * m["mean"] / 100
        lo, hi = label_w + bar_w * m["min"] / 100, label_w + bar_w * m["max"] / 100
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="11" text-anchor="end">{escape(m["title"])}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{bar_colour(m["mean"])}"/>'
        )
        parts.append(
            f'<line x1="{lo:.1f}" y1="{y + row_h / 2:.1f}" x2="{hi:.1f}" y2="{y + row_h / 2:.1f}" stroke="#424242" stroke-width="1"/>'
        )
        parts.append(
            f'<text x="{label_w + bar_w + 6}" y="{y + 14}" font-size="10">{m["mean"]:.1f}（±{m["stdev"]:.1f}）</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_FONT = "font-family=\"HeguiCJK, 'Noto Sans SC', sans-serif\""


def _light_chart(lights: dict[str, int]) -> str:
    """Light distribution as one horizontal bar per light, with counts and shares."""
    from html import escape

    total = sum(lights.values()) or 1
    rows = [(k, n) for k, n in lights.items() if n or k != "grey"]
    label_w, bar_w, row_h, top = 110, 380, 22, 6
    height = top + row_h * len(rows) + 6
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 110}" height="{height}" class="chart" {_FONT}>'
    ]
    for n, (light, count) in enumerate(rows):
        y = top + n * row_h
        w = bar_w * count / total
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="11" text-anchor="end">{escape(LIGHT_LABELS[light])}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{w:.1f}" height="{row_h - 8}" fill="{LIGHT_COLOURS[light]}"/>'
        )
        parts.append(
            f'<text x="{label_w + w + 6:.1f}" y="{y + 14}" font-size="10">{count} 家（{100 * count / total:.1f}%）</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _findings_chart(findings: list[dict[str, Any]]) -> str:
    """The most common findings: 不符合 rate (red) and 部分符合/不清楚 rate (amber) stacked, per item."""
    from html import escape

    label_w, bar_w, row_h, top = 190, 300, 22, 20
    height = top + row_h * len(findings) + 8
    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{label_w + bar_w + 90}" height="{height}" class="chart" {_FONT}>',
        f'<rect x="{label_w}" y="4" width="10" height="8" fill="{RED}"/><text x="{label_w + 14}" y="12" font-size="9">不符合</text>',
        f'<rect x="{label_w + 60}" y="4" width="10" height="8" fill="{AMBER}"/>'
        f'<text x="{label_w + 74}" y="12" font-size="9">部分符合或不清楚</text>',
    ]
    for n, f in enumerate(findings):
        y = top + n * row_h
        title = f["title"] if len(f["title"]) <= 15 else f["title"][:14] + "…"
        no_w, open_w = bar_w * f["no_rate"], bar_w * f["open_rate"]
        parts.append(
            f'<text x="{label_w - 8}" y="{y + 14}" font-size="10" text-anchor="end">{escape(title)}</text>'
        )
        parts.append(
            f'<rect x="{label_w}" y="{y + 4}" width="{no_w:.1f}" height="{row_h - 8}" fill="{RED}"/>'
        )
        parts.append(
            f'<rect x="{label_w + no_w:.1f}" y="{y + 4}" width="{open_w:.1f}" height="{row_h - 8}" fill="{AMBER}"/>'
        )
        parts.append(
            f'<text x="{label_w + no_w + open_w + 6:.1f}" y="{y + 14}" font-size="10">{100 * f["rate"]:.1f}%</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


_PLAIN = frozenset({str, int, float, bool, type(None)})  # written by compact_json as they are


def _whole_json(value: Any, level: int) -> str | None:
    """``iter_json``'s text of ``value`` in one piece when it is made of plain values, dicts with text keys
    and lists only (a company's row, a module's line); None for anything else (``Rows`` above all)."""
    cls = value.__class__
    if cls in _PLAIN:
        return compact_json(value)
    if cls is dict:
        if not value:
            return "{}"
        pad = "\n" + "  " * (level + 1)
        parts = []
        for key, item in value.items():
            text = _whole_json(item, level + 1) if key.__class__ is str else None
            if text is None:
                return None
            parts.append(pad + compact_json(key) + ": " + text)
        return "{" + ",".join(parts) + "\n" + "  " * level + "}"
    if cls is list:
        if not value:
            return "[]"
        pad = "\n" + "  " * (level + 1)
        parts = []
        for item in value:
            text = _whole_json(item, level + 1)
            if text is None:
                return None
            parts.append(pad + text)
        return "[" + ",".join(parts) + "\n" + "  " * level + "]"
    return None


def iter_json(value: Any, level: int = 0) -> Iterator[str]:
    """``json.dumps(value, ensure_ascii=False, indent=2, default=str)`` piece by piece, with ``Rows``
    written as lists while they are read: the same text, without holding it (or the rows) whole. What
    holds no ``Rows`` (a company's row, say) is written in one piece."""
    whole = _whole_json(value, level)
    if whole is not None:
        yield whole
        return
    if isinstance(value, dict):
        if not value:
            yield "{}"
            return
        pad = "\n" + "  " * (level + 1)
        for n, (key, item) in enumerate(value.items()):
            name = key if isinstance(key, str) else json.dumps(key)  # as json writes a non-text key
            yield ("{" if n == 0 else ",") + pad + compact_json(name) + ": "
            yield from iter_json(item, level + 1)
        yield "\n" + "  " * level + "}"
    elif isinstance(value, (list, tuple, Rows)):
        pad = "\n" + "  " * (level + 1)
        empty = True
        for item in value:
            yield ("[" if empty else ",") + pad
            empty = False
            yield from iter_json(item, level + 1)
        yield "[]" if empty else "\n" + "  " * level + "]"
    else:
        yield compact_json(value)


def industry_html_chunks(
    summary: dict[str, Any], options: RenderOptions | None = None, title: str = "行业合规体检画像报告"
) -> Iterator[str]:
    """The industry report as HTML (the PDF is made from it), piece by piece as the template renders it:
    letterhead, date, organisation, three charts, and the long lists read as they are written."""
    options = options or RenderOptions()
    ctx = dict(summary)
    ctx["title"] = title
    ctx["light_labels"] = LIGHT_SHORT
    ctx["chart_svg"] = Markup(_chart(summary["modules"]))
    ctx["light_chart_svg"] = Markup(_light_chart(summary["lights"]))
    ctx["findings_chart_svg"] = Markup(_findings_chart(summary["common_findings"]))
    ctx["letterhead"] = letterhead_view(options.letterhead)
    ctx["organization"] = summary.get("organization") or (
        options.letterhead.organization if options.letterhead else ""
    )
    ctx["css"] = Markup((templates_dir() / "report.css").read_text(encoding="utf-8"))
    ctx["companies_not_listed"] = 0
    if summary.get("company_list"):
        ctx["company_list"] = list(islice(summary["company_list"], REPORT_COMPANIES_LISTED))
        ctx["companies_not_listed"] = len(summary["company_list"]) - len(ctx["company_list"])
    ctx["needs"] = [
        {
            **n,
            "answers": list(islice(n["answers"], REPORT_NEEDS_LISTED)),
            "not_listed": max(0, len(n["answers"]) - REPORT_NEEDS_LISTED),
        }
        for n in summary.get("needs") or []
    ]
    return html_env().get_template("industry.html.j2").generate(**ctx)


def render_industry_html(
    summary: dict[str, Any], options: RenderOptions | None = None, title: str = "行业合规体检画像报告"
) -> str:
    """The industry report as one HTML text (what the PDF is made from)."""
    return "".join(industry_html_chunks(summary, options, title))


def render_industry_json(summary: dict[str, Any]) -> str:
    return "".join(industry_json_chunks(summary))


def industry_json_chunks(summary: dict[str, Any]) -> Iterator[str]:
    """The JSON text of the industry report (indented by 2), piece by piece."""
    yield from iter_json(summary)
    yield "\n"


def industry_summary(
    acc: IndustryAccumulator, options: RenderOptions, *, streamed: bool = False
) -> dict[str, Any]:
    """The industry picture as data, with the run's options: anonymised or named, date, organisation.
    With ``streamed`` the long lists are read as they are written (see ``IndustryAccumulator.summary``)."""
    organization = options.letterhead.organization if options.letterhead else ""
    return acc.summary(
        anonymize=options.anonymize, organization=organization, date=options.date, streamed=streamed
    )


def industry_chunks(summary: dict[str, Any], fmt: str, options: RenderOptions) -> Iterator[str]:
    """The text of the industry report in ``fmt`` (html or json), piece by piece: a batch writes it to its
    file as it is made, so a report listing every company of a large batch is never held whole."""
    if fmt == "json":
        return industry_json_chunks(summary)
    return industry_html_chunks(summary, options)


def render_industry(acc: IndustryAccumulator, fmt: str, options: RenderOptions) -> bytes:
    """The industry report (行业风险研判) in one format: html, pdf or json."""
    summary = industry_summary(acc, options, streamed=True)
    if fmt == "pdf":
        from .pdf import html_to_pdf

        return html_to_pdf(render_industry_html(summary, options))
    return "".join(industry_chunks(summary, fmt, options)).encode("utf-8")
