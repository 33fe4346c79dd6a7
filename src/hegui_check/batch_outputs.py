"""What a batch writes besides the companies' own reports: summary.xlsx / summary.csv and the industry
report (HTML, JSON and, with PDF output, PDF). Named and anonymised industry reports have different file
names, so one never replaces the other."""

from __future__ import annotations

import contextlib
import datetime as dt
import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

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
RECORDS_STEM = "batch-records"
RECORDS = RECORDS_STEM + ".jsonl"  # every company's summary row and industry share: what `merge` reads
RECORDS_FORMAT = "hegui-check-batch-records/1"


def industry_stem(anonymize: bool) -> str:
    return INDUSTRY_STEM + (ANONYMOUS_SUFFIX if anonymize else "")


def write_batch_outputs(
    result: BatchResult, q: Questionnaire, outdir: Path, formats: Sequence[Format], options: RenderOptions
) -> tuple[list[Path], list[str]]:
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
    remove_stale_temp(
        outdir, [f"{SUMMARY_STEM}.xlsx", f"{SUMMARY_STEM}.csv", f"{stem}.html", f"{stem}.json", f"{stem}.pdf"]
    )
    attempt(f"{SUMMARY_STEM}.xlsx", lambda: render_summary_xlsx(result.records, q))
    attempt(f"{SUMMARY_STEM}.csv", lambda: render_summary_csv(result.records, q))
    for fmt in (
        "html",
        "json",
        *(["pdf"] if Format.pdf in formats else []),
    ):  # json-only runs skip WeasyPrint
        attempt(
            f"{stem}.{fmt}",
            lambda fmt=fmt: render_as(INDUSTRY, result.industry, fmt, options),  # type: ignore[misc]
            "warning" if fmt == "pdf" else "error",
        )  # a PDF may fail for want of system libraries
    if result.industry.duplicates:
        names = "、".join(dict.fromkeys(name for _, name in result.industry.duplicates[:5]))
        more = "等" if len(result.industry.duplicates) > 5 else ""
        notes.append(
            f"{len(result.industry.duplicates)} 家企业重复出现（{names}{more}），行业统计中每家只计一次（按最后一次）"
        )
    return written, notes


def write_answer_files(
    paths: Sequence[Path], q: Questionnaire, outdir: Path, *, force: bool = False
) -> tuple[list[Path], list[str]]:
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


# ---------------------------------------------------------------------------------------------
# the records file, and merging the records of shards


def records_header(
    result: BatchResult, q: Questionnaire, formats: Sequence[Format], date: dt.date | None = None
) -> str:
    """The records file's first line: shard, input count, formats, library version, run context and
    date, and the file-level problems. Each further line is one company: its global input position,
    its summary record and its industry Contribution (null when the input could not be scored)."""
    header = {
        "format": RECORDS_FORMAT,
        "shard": list(result.shard) if result.shard else None,
        "inputs": result.inputs,
        "formats": [f.value for f in formats],
        "questionnaire_version": q.version,
        "date": (date or dt.date.today()).isoformat(),
        "context": result.context,
        "file_problems": [p.as_dict() for p in result.file_problems],
    }
    return json.dumps(header, ensure_ascii=False)


def write_records(
    result: BatchResult, q: Questionnaire, outdir: Path, formats: Sequence[Format]
) -> Path | None:
    """Write the records file into the batch's folder (recorded in its manifest), line by line through a
    temporary file and an atomic rename; None if it failed, which becomes a file problem of ``result``."""
    import os
    import tempfile

    from .batch import append_manifest, failure_problem

    path = outdir / RECORDS
    tmp = None
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{RECORDS}.", suffix=".tmp", dir=outdir)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fh.write(records_header(result, q, formats) + "\n")
            for line in result.record_lines():
                fh.write(line + "\n")
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except Exception as exc:  # noqa: BLE001 - the reports are written; say what is missing
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
        result.file_problems.append(failure_problem(str(path), exc, "写入失败"))
        return None
    with contextlib.suppress(OSError):
        append_manifest(outdir, {"files": [RECORDS]})
    return path


class MergeError(HeguiCheckError):
    """Shard folders that cannot be merged (not shard folders, overlapping, from different runs)."""


def _read_records(folder: Path) -> tuple[dict[str, Any], list[dict[str, Any]]]:
    path = folder / RECORDS
    if not folder.is_dir():
        raise MergeError(
            f"{folder}: 不是目录；merge 的参数应为 hegui-check batch --shard K/N -o 目录 的输出目录",
            code="unreadable",
        )
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise MergeError(
            f"{folder}: 不是分片输出目录（其中没有 {RECORDS}）；请先运行 "
            f"hegui-check batch 输入… --shard K/N -o {folder}",
            code="unreadable",
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise MergeError(
            f"{path}: 无法读取（{getattr(exc, 'strerror', None) or exc}）", code="unreadable"
        ) from None
    try:
        header = json.loads(lines[0]) if lines else {}
        if header.get("format") != RECORDS_FORMAT:
            raise ValueError
        entries = [json.loads(line) for line in lines[1:] if line.strip()]
    except (ValueError, AttributeError):
        raise MergeError(
            f"{path}: 不是 hegui-check 写的分片记录文件，或已损坏（可能是批处理被中断）；请重新运行这一分片",
            code="malformed",
        ) from None
    return header, entries


# long: reads and cross-checks every shard folder (not a shard, overlap, mismatch, missing) in one pass
def merge_shards(
    folders: Sequence[Path], q: Questionnaire
) -> tuple[BatchResult, list[Format], dt.date, list[str]]:
    """The batch result of a run over all inputs, rebuilt from the records files of shard runs: records
    in global input order, the industry totals added in that order (so a firm seen twice counts once,
    the later row winning, as in one run). Returns (result, formats of the shards, date of the shard
    runs, notes). Raises MergeError for folders that are not shard folders, that overlap, or that come
    from different runs."""
    from .answers import Problem
    from .batch import BatchResult, CompanyRecord
    from .industry import Contribution, IndustryAccumulator

    seen_folders: dict[Path, Path] = {}
    shards: dict[int, Path] = {}
    count: int | None = None
    inputs: int | None = None
    formats: list[str] = []
    dates: list[str] = []
    file_problems: dict[str, Problem] = {}
    by_position: dict[int, tuple[Path, dict[str, Any]]] = {}
    for folder in folders:
        resolved = folder.resolve()
        if resolved in seen_folders:
            raise MergeError(
                f"{folder}: 同一个分片目录给了两次（与 {seen_folders[resolved]} 相同）", code="overlap"
            )
        seen_folders[resolved] = folder
        header, entries = _read_records(folder)
        k, n = header.get("shard") or (1, 1)
        if header.get("questionnaire_version") != q.version:
            raise MergeError(
                f"{folder}: 分片按检查清单版本 {header.get('questionnaire_version')} 生成，"
                f"当前版本为 {q.version}；请用同一版本重新运行各分片",
                code="mismatch",
            )
        if count is None:
            count, inputs = n, header.get("inputs")
        elif n != count or header.get("inputs") != inputs:
            raise MergeError(
                f"{folder}: 分片 {k}/{n}（共 {header.get('inputs')} 个输入）与前面的分片"
                f"（分成 {count} 片，共 {inputs} 个输入）不是同一次分片运行；请用相同的输入和相同的 N 重新运行",
                code="mismatch",
            )
        if k in shards:
            raise MergeError(
                f"{folder}: 与 {shards[k]} 是同一个分片（{k}/{n}），两者重叠；每个分片只给一次",
                code="overlap",
            )
        shards[k] = folder
        formats += [f for f in header.get("formats", []) if f not in formats]
        dates.append(str(header.get("date") or ""))
        for p in header.get("file_problems", []):
            problem = Problem(p["severity"], p["where"], p["field"], p["message"], p["code"])
            file_problems.setdefault(str(problem), problem)
        for entry in entries:
            position = int(entry["position"])
            if position in by_position:
                other = by_position[position][0]
                raise MergeError(
                    f"{folder}: 与 {other} 重叠（都含有第 {position + 1} 个输入）；"
                    "分片目录不能是同一批企业的两次运行",
                    code="overlap",
                )
            by_position[position] = (folder, entry)
    notes = []
    missing = [k for k in range(1, (count or 1) + 1) if k not in shards]
    if missing:
        notes.append(
            f"缺少分片 {'、'.join(f'{k}/{count}' for k in missing)}：汇总和行业报告只包含已给出的分片"
        )
    industry = IndustryAccumulator(q)
    records: list[CompanyRecord] = []
    result = BatchResult(
        records, list(file_problems.values()), 0, 0, industry, shard=None, inputs=inputs or 0
    )
    for position in sorted(by_position):
        entry = by_position[position][1]
        record = CompanyRecord.from_dict(entry["record"])
        share = Contribution.from_dict(entry["contribution"]) if entry.get("contribution") else None
        records.append(record)
        result.merged_positions.append(position)
        result.merged_contributions.append(share)
        if share is None:
            industry.add_unreadable()
        else:
            industry.add_contribution(share)
    result.written = sum(1 for r in records if r.status == "已生成")
    result.skipped = sum(1 for r in records if r.status == "已是最新")
    date = max((dt.date.fromisoformat(d) for d in dates if d), default=dt.date.today())
    return result, [Format(f) for f in formats if f in Format.__members__], date, notes
