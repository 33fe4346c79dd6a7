"""What a batch writes besides the companies' own reports: summary.xlsx / summary.csv and the industry
report (HTML, JSON and, with PDF output, PDF). Named and anonymised industry reports have different file
names, so one never replaces the other."""

from __future__ import annotations

import contextlib
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

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
                        options: RenderOptions) -> tuple[list[Path], list[str]]:
    """Write the summary and the industry report; returns (paths written, notes for the user).

    Each file is written on its own: one that fails becomes a file problem of ``result`` and the others
    are still written. Every file written is recorded in the batch's manifest, so a later run of the same
    batch may replace it (and no other file)."""
    from .batch import append_manifest, failure_problem, remove_stale_temp
    from .render import INDUSTRY, render_as
    from .render.summary import render_summary_csv, render_summary_xlsx

    written: list[Path] = []
    notes: list[str] = []

    def attempt(name: str, make: Callable[[], bytes | str], severity: str = "error") -> None:
        path = outdir / name
        try:
            atomic_write(path, make())
        except Exception as exc:  # noqa: BLE001 - one output that fails never costs the others
            problem = failure_problem(str(path), exc, "写入失败")
            if severity == "warning":
                notes.append(f"{name} 未生成：{problem.message}")
            else:
                result.file_problems.append(problem)
            return
        written.append(path)
        with contextlib.suppress(OSError):
            append_manifest(outdir, {"files": [name]})

    stem = industry_stem(options.anonymize)
    remove_stale_temp(outdir, [f"{SUMMARY_STEM}.xlsx", f"{SUMMARY_STEM}.csv", f"{stem}.html", f"{stem}.json",
                               f"{stem}.pdf"])
    attempt(f"{SUMMARY_STEM}.xlsx", lambda: render_summary_xlsx(result.records, q))
    attempt(f"{SUMMARY_STEM}.csv", lambda: render_summary_csv(result.records, q))
    for fmt in ("html", "json", *(["pdf"] if Format.pdf in formats else [])):  # json-only runs skip WeasyPrint
        attempt(f"{stem}.{fmt}", lambda fmt=fmt: render_as(INDUSTRY, result.industry, fmt, options),  # type: ignore[misc]
                "warning" if fmt == "pdf" else "error")  # a PDF may fail for want of system libraries
    if result.industry.duplicates:
        names = "、".join(dict.fromkeys(name for _, name in result.industry.duplicates[:5]))
        more = "等" if len(result.industry.duplicates) > 5 else ""
        notes.append(f"{len(result.industry.duplicates)} 家企业重复出现（{names}{more}），行业统计中每家只计一次（按最后一次）")
    return written, notes


def write_answer_files(paths: Sequence[Path], q: Questionnaire, outdir: Path, *,
                       force: bool = False) -> tuple[list[Path], list[str]]:
    """Each company's normalised answer file (``<name>.yaml``, the same name as its report), so one firm
    of a batch can be handed to a lawyer: ``hegui-check check --resume FILE --mode lawyer``.

    Inputs are read again here rather than kept through the batch, so the batch's memory stays flat.
    An existing file is not replaced without ``force`` (a reviewer may have worked on it)."""
    from .answers import Problem, save_answers
    from .batch import NameAssigner, iter_inputs

    outdir.mkdir(parents=True, exist_ok=True)
    names = NameAssigner()
    written: list[Path] = []
    notes: list[str] = []
    ignored: list[Problem] = []
    kept = 0
    for item in iter_inputs(paths, q, ignored):
        name = names.name_for(item)
        if item.answers is None:
            continue
        path = outdir / f"{name}.yaml"
        if path.exists() and not force:
            kept += 1
            continue
        save_answers(path, item.answers, q)
        written.append(path)
    if kept:
        notes.append(f"{kept} 个答题文件已在 {outdir} 中，未覆盖（加 --force 覆盖）")
    return written, notes
