"""What a batch writes besides the companies' own reports: summary.xlsx / summary.csv and the industry
report (HTML, JSON and, with PDF output, PDF). Named and anonymised industry reports have different file
names, so one never replaces the other."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import io
import json
import uuid
from array import array
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, BinaryIO

from .errors import HeguiCheckError
from .render import Format, RenderOptions
from .yamlio import atomic_write_stream, compact_json

if TYPE_CHECKING:
    from .batch import BatchResult, RecordStore
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


def _text(chunks: Iterable[str]) -> Callable[[BinaryIO], None]:
    """A ``write`` for yamlio.atomic_write_stream that writes text pieces as UTF-8."""

    def write(fh: BinaryIO) -> None:
        text = io.TextIOWrapper(fh, encoding="utf-8", newline="")
        for chunk in chunks:
            text.write(chunk)
        text.flush()
        text.detach()

    return write


def outputs_key(result: BatchResult, formats: Sequence[Format], options: RenderOptions) -> str:
    """What the summary and the industry report are made from: the records file (its id), the industry
    report's options and date, and whether it is made as PDF. The same key, and those files still there,
    means they are right as they are."""
    blob = json.dumps(
        [
            result.records_id,
            Format.pdf in formats,
            options.anonymize,
            options.letterhead.model_dump_json() if options.letterhead else "",
            (options.date or dt.date.today()).isoformat(),
        ],
        ensure_ascii=False,
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def duplicates_note(count: int, names: Sequence[str]) -> list[str]:
    """The note about firms listed more than once (``names``: of the first few such rows)."""
    if not count:
        return []
    shown = "、".join(dict.fromkeys(names))
    more = "等" if count > len(names) else ""
    return [f"{count} 家企业重复出现（{shown}{more}），行业统计中每家只计一次（按最后一次）"]


# long: each output written on its own (summary as XLSX and CSV, industry report per format), with its failure kept apart
def write_batch_outputs(
    result: BatchResult, q: Questionnaire, outdir: Path, formats: Sequence[Format], options: RenderOptions
) -> tuple[list[Path], list[str]]:
    """Write the summary and the industry report; returns (paths written, notes for the user).

    Each file is written on its own, streamed from the batch's records: one that fails becomes a file
    problem of ``result`` and the others are still written. Every file written is recorded in the batch's
    manifest, so a later run of the same batch may replace it (and no other file). When the records are
    those the files were last made from, with the same options and date (``outputs_key``), and the files
    are all there, nothing is written again."""
    from .batch import append_manifest, failure_problem, remove_stale_temp
    from .render.industry_report import industry_chunks, industry_summary, render_industry_html
    from .render.summary import write_summaries, write_summary_csv, write_summary_xlsx

    stem = industry_stem(options.anonymize)
    kinds = ["html", "json", *(["pdf"] if Format.pdf in formats else [])]  # json-only runs skip WeasyPrint
    names = [f"{SUMMARY_STEM}.xlsx", f"{SUMMARY_STEM}.csv", *(f"{stem}.{fmt}" for fmt in kinds)]
    key = outputs_key(result, formats, options) if result.records_id else ""
    made = result.manifest.outputs
    if (
        result.unchanged
        and key
        and made.get("outputs_key") == key
        and all((outdir / n).exists() for n in names)
    ):
        return [outdir / n for n in names], duplicates_note(
            int(made.get("duplicates") or 0), [str(n) for n in made.get("duplicate_names") or []]
        )

    written: list[Path] = []
    notes: list[str] = []
    failed = False

    def done(name: str) -> None:
        written.append(outdir / name)
        with contextlib.suppress(OSError):
            append_manifest(outdir, {"files": [name]})

    def attempt(name: str, write: Callable[[BinaryIO], None], severity: str = "error") -> None:
        nonlocal failed
        path = outdir / name
        try:
            atomic_write_stream(path, write)
        except Exception as exc:  # noqa: BLE001 - one output that fails never costs the others
            failed = True
            problem = failure_problem(str(path), exc, "写入失败")
            if severity == "warning":
                notes.append(f"{name} 未生成：{problem.message}")
            else:
                result.file_problems.append(problem)
            return
        done(name)

    shown: list[dict[str, Any]] = []  # the industry picture, worked out once for all its formats

    def industry(fmt: str) -> Callable[[BinaryIO], None]:
        def write(fh: BinaryIO) -> None:
            if not shown:
                shown.append(industry_summary(result.industry, options, streamed=True))
            if fmt == "pdf":
                from .render.pdf import html_to_pdf

                fh.write(html_to_pdf(render_industry_html(shown[0], options)))
            else:
                _text(industry_chunks(shown[0], fmt, options))(fh)

        return write

    remove_stale_temp(outdir, [*names[:2], *(f"{stem}.{fmt}" for fmt in ("html", "json", "pdf"))])
    try:  # both summaries in one pass over the records; should that fail, each on its own
        atomic_write_stream(
            outdir / names[0],
            lambda xlsx: atomic_write_stream(
                outdir / names[1], lambda text: write_summaries(result.records, q, xlsx, text)
            ),
        )
    except Exception:  # noqa: BLE001 - written again one by one below, each failure reported for its file
        attempt(names[0], lambda fh: write_summary_xlsx(result.records, q, fh))
        attempt(names[1], lambda fh: write_summary_csv(result.records, q, fh))
    else:
        done(names[0])
        done(names[1])
    for fmt in kinds:  # a PDF may fail for want of system libraries
        attempt(f"{stem}.{fmt}", industry(fmt), "warning" if fmt == "pdf" else "error")
    acc = result.industry
    notes += duplicates_note(acc.duplicates, acc.duplicate_names)
    if key and not failed:
        with contextlib.suppress(OSError):
            append_manifest(
                outdir,
                {"outputs_key": key, "duplicates": acc.duplicates, "duplicate_names": acc.duplicate_names},
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
) -> dict[str, Any]:
    """The records file's first line but its id: shard, input count, formats, library version, run
    context and date, and the file-level problems. Each further line is one company: its global input
    position, its summary record and its industry Contribution (null when the input could not be
    scored)."""
    return {
        "format": RECORDS_FORMAT,
        "shard": list(result.shard) if result.shard else None,
        "inputs": result.inputs,
        "formats": [f.value for f in formats],
        "questionnaire_version": q.version,
        "date": (date or dt.date.today()).isoformat(),
        "context": result.context,
        "file_problems": [p.as_dict() for p in result.file_problems],
    }


def records_unchanged(header: dict[str, Any], result: BatchResult, formats: Sequence[Format]) -> bool:
    """Whether a records file with this ``header`` (its first line, as read) is what ``write_records``
    would write for ``result`` today — given that every company of ``result`` is that file's line as it is."""
    if not header.get("id"):
        return False
    return {k: v for k, v in header.items() if k != "id"} == records_header(result, result.q, formats)


def write_records(
    result: BatchResult, q: Questionnaire, outdir: Path, formats: Sequence[Format]
) -> Path | None:
    """Write the records file into the batch's folder (recorded in its manifest), line by line through a
    temporary file and an atomic rename, with a new id; None if it failed, which becomes a file problem
    of ``result``. A records file that is still right (``result.unchanged``) is left as it is."""
    from .batch import append_manifest, failure_problem

    path = outdir / RECORDS
    if result.unchanged and path.exists():
        return path
    header = {**records_header(result, q, formats), "id": uuid.uuid4().hex}

    def write(fh: BinaryIO) -> None:
        fh.write((compact_json(header) + "\n").encode("utf-8"))
        for line in result.record_lines():
            fh.write(line)

    try:
        atomic_write_stream(path, write, keep_mode=False)
    except Exception as exc:  # noqa: BLE001 - the reports are written; say what is missing
        result.file_problems.append(failure_problem(str(path), exc, "写入失败"))
        return None
    result.records_id = header["id"]
    with contextlib.suppress(OSError):
        append_manifest(outdir, {"files": [RECORDS]})
    return path


class MergeError(HeguiCheckError):
    """Shard folders that cannot be merged (not shard folders, overlapping, from different runs)."""


def _read_shard(folder: Path, store: RecordStore, statuses: Counter[str]) -> tuple[dict[str, Any], int]:
    """A shard folder's records file: its header, and its companies appended to ``store`` (their lines
    copied as they are) and counted by status; returns (header, how many companies)."""
    from .batch import CompanyRecord

    path = folder / RECORDS
    if not folder.is_dir():
        raise MergeError(
            f"{folder}: 不是目录；merge 的参数应为 hegui-check batch --shard K/N -o 目录 的输出目录",
            code="unreadable",
        )
    malformed = MergeError(
        f"{path}: 不是 hegui-check 写的分片记录文件，或已损坏（可能是批处理被中断）；请重新运行这一分片",
        code="malformed",
    )
    count = 0
    try:
        with path.open("rb") as fh:
            try:
                header = json.loads(fh.readline() or b"{}")
                if header.get("format") != RECORDS_FORMAT:
                    raise ValueError
                for line in fh:
                    if not line.strip():
                        continue
                    entry = json.loads(line)
                    record = CompanyRecord.from_dict(entry["record"])
                    store.append_line(int(entry["position"]), line, record)
                    statuses[record.status] += 1
                    count += 1
            except (ValueError, AttributeError, KeyError, TypeError) as exc:
                if isinstance(exc, UnicodeDecodeError):
                    raise
                raise malformed from None
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
    return header, count


# long: reads and cross-checks every shard folder (not a shard, overlap, mismatch, missing) in one pass
def merge_shards(
    folders: Sequence[Path], q: Questionnaire
) -> tuple[BatchResult, list[Format], dt.date, list[str]]:
    """The batch result of a run over all inputs, rebuilt from the records files of shard runs: records
    in global input order (read from a temporary file, as a batch reads its own), so the industry
    totals are added in that order (a firm seen twice counts once, the later row winning, as in one run).
    Returns (result, formats of the shards, date of the shard runs, notes). Raises MergeError for folders
    that are not shard folders, that overlap, or that come from different runs."""
    from .answers import Problem
    from .batch import UP_TO_DATE, BatchResult, RecordStore

    seen_folders: dict[Path, Path] = {}
    shards: dict[int, Path] = {}
    count: int | None = None
    inputs: int | None = None
    formats: list[str] = []
    dates: list[str] = []
    file_problems: dict[str, Problem] = {}
    store = RecordStore()
    statuses: Counter[str] = Counter()
    owner = array("l")  # per input position: 1 + the index of the folder that has it, 0 if none yet
    for number, folder in enumerate(folders):
        resolved = folder.resolve()
        if resolved in seen_folders:
            raise MergeError(
                f"{folder}: 同一个分片目录给了两次（与 {seen_folders[resolved]} 相同）", code="overlap"
            )
        seen_folders[resolved] = folder
        first = len(store)
        header, added = _read_shard(folder, store, statuses)
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
        for position in store.stored_positions(first, first + added):
            if position >= len(owner):
                owner.extend([0] * (position + 1 - len(owner)))
            if owner[position]:
                other = folders[owner[position] - 1]
                raise MergeError(
                    f"{folder}: 与 {other} 重叠（都含有第 {position + 1} 个输入）；"
                    "分片目录不能是同一批企业的两次运行",
                    code="overlap",
                )
            owner[position] = number + 1
    notes = []
    missing = [k for k in range(1, (count or 1) + 1) if k not in shards]
    if missing:
        notes.append(
            f"缺少分片 {'、'.join(f'{k}/{count}' for k in missing)}：汇总和行业报告只包含已给出的分片"
        )
    written, skipped = statuses["已生成"], statuses[UP_TO_DATE]
    result = BatchResult(store, list(file_problems.values()), written, skipped, q, inputs=inputs or 0)
    date = max((dt.date.fromisoformat(d) for d in dates if d), default=dt.date.today())
    return result, [Format(f) for f in formats if f in Format.__members__], date, notes
