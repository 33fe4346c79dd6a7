"""What a batch writes besides the companies' own reports: summary.xlsx / summary.csv and the industry
report (HTML, JSON and, with PDF output, PDF). Named and anonymised industry reports have different file
names, so one never replaces the other."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from .errors import HeguiCheckError
from .render import Format, RenderOptions
from .yamlio import atomic_write

if TYPE_CHECKING:
    from .batch import BatchResult
    from .questionnaire import Questionnaire

SUMMARY_STEM = "summary"
INDUSTRY_STEM = "industry-report"
ANONYMOUS_SUFFIX = "-anonymous"
BATCH_STEMS = (SUMMARY_STEM, INDUSTRY_STEM, INDUSTRY_STEM + ANONYMOUS_SUFFIX)  # never a company's file name


def industry_stem(anonymize: bool) -> str:
    return INDUSTRY_STEM + (ANONYMOUS_SUFFIX if anonymize else "")


def write_batch_outputs(result: BatchResult, q: Questionnaire, outdir: Path, formats: Sequence[Format],
                        options: RenderOptions, *, anonymize: bool = False,
                        date: dt.date | None = None) -> tuple[list[Path], list[str]]:
    """Write the summary and the industry report; returns (paths written, notes for the user)."""
    from .render.industry_report import render_industry_html, render_industry_json
    from .render.summary import render_summary_csv, render_summary_xlsx

    written: list[Path] = []
    notes: list[str] = []
    for name, data in ((f"{SUMMARY_STEM}.xlsx", render_summary_xlsx(result.records, q)),
                       (f"{SUMMARY_STEM}.csv", render_summary_csv(result.records, q))):
        atomic_write(outdir / name, data)
        written.append(outdir / name)
    organization = options.letterhead.organization if options.letterhead else ""
    summary = result.industry.summary(anonymize=anonymize, organization=organization, date=date)
    html = render_industry_html(summary, options)
    stem = industry_stem(anonymize)
    atomic_write(outdir / f"{stem}.html", html)
    atomic_write(outdir / f"{stem}.json", render_industry_json(summary))
    written += [outdir / f"{stem}.html", outdir / f"{stem}.json"]
    if Format.pdf in formats:  # a scoring-only run (e.g. --format json) stays free of WeasyPrint
        try:
            from .render.pdf import html_to_pdf

            atomic_write(outdir / f"{stem}.pdf", html_to_pdf(html))
            written.append(outdir / f"{stem}.pdf")
        except HeguiCheckError as exc:
            notes.append(f"行业报告 PDF 未生成：{exc}")
    if result.industry.duplicates:
        names = "、".join(dict.fromkeys(name for _, name in result.industry.duplicates[:5]))
        more = "等" if len(result.industry.duplicates) > 5 else ""
        notes.append(f"{len(result.industry.duplicates)} 家企业重复出现（{names}{more}），行业统计中每家只计一次（按最后一次）")
    return written, notes
