"""Bulk checks: many answer files and spreadsheet rows -> one report per company, a summary and an
industry picture. One bad file or row never stops the batch; finished reports survive an interrupt.

Scoring runs in the main process (milliseconds per company); rendering runs in worker processes, each
of which loads the questionnaire and imports WeasyPrint once.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import __version__
from .answers import AnswerSet, Problem, load_answers
from .errors import AnswersError, HeguiCheckError
from .industry import IndustryAccumulator
from .questionnaire import Questionnaire, load_questionnaire
from .render import Format, RenderOptions, render
from .scoring import Assessment, assess
from .yamlio import atomic_write

ANSWER_SUFFIXES = {".yaml", ".yml", ".json"}
TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".xls", ".et", ".tsv"}
MANIFEST = ".hegui-batch.jsonl"
_WINDOWS_RESERVED = {"CON", "PRN", "AUX", "NUL", *(f"COM{i}" for i in range(1, 10)), *(f"LPT{i}" for i in range(1, 10))}


@dataclass
class CompanyInput:
    """One company to check: where it came from and its answers (None when the input is unreadable)."""

    source: str
    row: int | None
    answers: AnswerSet | None
    problems: list[Problem] = field(default_factory=list)


@dataclass
class CompanyRecord:
    """What the summary and the industry report need of one company (kept small: batches are large)."""

    name: str
    source: str
    row: int | None
    status: str  # 已生成 | 已是最新 | 有错误 | 无法读取
    company: dict[str, Any] = field(default_factory=dict)
    score: float | None = None
    light: str | None = None
    completeness: float | None = None
    counts: dict[str, int] = field(default_factory=dict)
    red_lines: list[str] = field(default_factory=list)
    module_scores: dict[str, float | None] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @property
    def where(self) -> str:
        return f"{self.source} 第{self.row}行" if self.row is not None else self.source

    @property
    def has_error(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def problem_lines(self, severity: str) -> list[str]:
        return [str(p) for p in self.problems if p.severity == severity]


@dataclass
class BatchResult:
    records: list[CompanyRecord]
    file_problems: list[Problem]
    written: int
    skipped: int
    industry: IndustryAccumulator

    @property
    def has_errors(self) -> bool:
        return any(r.has_error for r in self.records) or any(p.severity == "error" for p in self.file_problems)


# ---------------------------------------------------------------------------------------------
# inputs


def _expand(paths: Sequence[Path]) -> tuple[list[Path], list[Problem]]:
    files: list[Path] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = sorted(p for p in path.rglob("*") if p.is_file() and p.suffix.lower() in ANSWER_SUFFIXES | TABLE_SUFFIXES
                           and not p.name.startswith("."))
            if not found:
                problems.append(Problem("warning", str(path), "", "目录中没有答题文件或表格"))
            files += found
        elif path.is_file():
            files.append(path)
        else:
            problems.append(Problem("error", str(path), "", "文件或目录不存在"))
    return list(dict.fromkeys(files)), problems


def iter_inputs(paths: Sequence[Path], q: Questionnaire, file_problems: list[Problem]) -> Iterator[CompanyInput]:
    """Every company in the inputs, in order. File-level problems are appended to ``file_problems``."""
    files, problems = _expand(paths)
    file_problems.extend(problems)
    for path in files:
        suffix = path.suffix.lower()
        if suffix in ANSWER_SUFFIXES:
            try:
                answers = load_answers(path, q)
            except AnswersError as exc:
                yield CompanyInput(str(path), None, None, [Problem("error", str(path), "", str(exc).split(": ", 1)[-1])])
                continue
            yield CompanyInput(str(path), None, answers, list(answers.problems))
        else:
            yield from _table_inputs(path, q, file_problems)


def _table_inputs(path: Path, q: Questionnaire, file_problems: list[Problem]) -> Iterator[CompanyInput]:
    from .spreadsheet import read_table

    try:
        table = read_table(path, q)
    except HeguiCheckError as exc:
        file_problems.append(Problem("error", str(path), "", str(exc).removeprefix(f"{path}: ")))
        return
    file_problems.extend(table.warnings)
    for row_number, answers in table.answer_sets():
        yield CompanyInput(str(path), row_number, answers, list(answers.problems))


# ---------------------------------------------------------------------------------------------
# file names


def safe_name(name: str, limit: int = 60) -> str:
    """A file name derived from a company name: no path tricks, no control or Windows-reserved characters."""
    text = re.sub(r"\s+", " ", unicodedata.normalize("NFKC", name or ""))
    text = "".join(ch for ch in text if unicodedata.category(ch)[0] != "C")
    text = re.sub(r'[<>:"/\\|?*\x00-\x1f]+', "_", text)
    text = re.sub(r"\s+", " ", text).strip(" ._-")
    text = text.replace("..", "_")
    if not text or text.upper().split(".")[0] in _WINDOWS_RESERVED:
        text = f"企业_{text}" if text else "未命名企业"
    return text[:limit].rstrip(" .")


class NameAssigner:
    """Unique, stable names in input order: the first keeps the plain name, later clashes get a suffix."""

    def __init__(self) -> None:
        self.used: set[str] = set()

    def name_for(self, item: CompanyInput) -> str:
        company = item.answers.company if item.answers else {}
        base = safe_name(str(company.get("company_name") or Path(item.source).stem))
        name = base
        if name.lower() in self.used:
            uscc = str(company.get("uscc") or "")
            hint = uscc[-6:] if len(uscc) >= 6 else (f"第{item.row}行" if item.row else safe_name(Path(item.source).stem))
            name = f"{base}-{hint}"
            n = 2
            while name.lower() in self.used:
                name = f"{base}-{hint}-{n}"
                n += 1
        self.used.add(name.lower())
        return name


def assign_names(inputs: Sequence[CompanyInput]) -> list[str]:
    names = NameAssigner()
    return [names.name_for(item) for item in inputs]


# ---------------------------------------------------------------------------------------------
# the work


def _fingerprint(a: Assessment, formats: Sequence[Format], options_key: str) -> str:
    blob = json.dumps([a.report_number, sorted(f.value for f in formats), a.questionnaire.version, __version__,
                       dict(a.deadline_days), options_key], ensure_ascii=False)
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def _read_manifest(outdir: Path) -> dict[str, str]:
    done: dict[str, str] = {}
    path = outdir / MANIFEST
    if not path.exists():
        return done
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        try:
            entry = json.loads(line)
            done[entry["name"]] = entry["fingerprint"]
        except (ValueError, KeyError, TypeError):
            continue  # a line cut short by an interrupt
    return done


def _record_done(outdir: str, name: str, fingerprint: str) -> None:
    """Append one finished company to the manifest, right after its reports are written.

    Workers call this themselves, so a batch killed at any moment has recorded every report already on
    disk (one short line per append, so concurrent workers do not interleave)."""
    line = json.dumps({"name": name, "fingerprint": fingerprint}, ensure_ascii=False) + "\n"
    with open(Path(outdir) / MANIFEST, "a", encoding="utf-8") as fh:
        fh.write(line)
        fh.flush()
        os.fsync(fh.fileno())


_WORKER: dict[str, Any] = {}


def _init_worker(extra_dirs: list[str], builtin: bool, pdf: bool) -> None:
    _WORKER["q"] = load_questionnaire([Path(d) for d in extra_dirs], builtin=builtin)
    if pdf:
        with contextlib.suppress(ImportError, OSError):
            import weasyprint  # noqa: F401 - import once per worker, not once per report


def _render_job(job: AnswerSet | str, outputs: dict[str, str], options: RenderOptions,
                deadline_days: dict[str, int], done: tuple[str, str, str]) -> list[str]:
    """Worker side: load (answer files are read again here, so the main process keeps only their path),
    score again (cheap), write every format atomically, then record the company as done."""
    q: Questionnaire = _WORKER["q"]
    answers = load_answers(Path(job), q) if isinstance(job, str) else job
    a = assess(q, answers, deadline_days)
    for fmt, path in outputs.items():
        atomic_write(Path(path), render(a, Format(fmt), options))
    _record_done(*done)
    return list(outputs.values())


def _record(name: str, item: CompanyInput, a: Assessment | None) -> CompanyRecord:
    if a is None:
        return CompanyRecord(name, item.source, item.row, "无法读取", problems=list(item.problems))
    answers = a.answers
    return CompanyRecord(
        name=name,
        source=item.source,
        row=item.row,
        status="",
        company=dict(answers.company),
        score=a.overall_rounded,
        light=a.light,
        completeness=round(a.completeness, 4),
        counts=a.finding_counts(),
        red_lines=[r.item.id for r in a.red_line_findings],
        module_scores={m.module.module: m.rounded for m in a.modules},
        problems=list(a.problems),
    )


Job = tuple[int, str, "AnswerSet | str", dict[str, str], str]


def run_batch(
    paths: Sequence[Path],
    q: Questionnaire,
    outdir: Path,
    formats: Sequence[Format],
    *,
    jobs: int = 1,
    force: bool = False,
    options: RenderOptions | None = None,
    deadline_days: dict[str, int] | None = None,
    questionnaire_dirs: Sequence[Path] = (),
    builtin: bool = True,
    progress: Callable[[int, int, str], None] | None = None,
) -> BatchResult:
    """Check every company in ``paths`` and write its reports to ``outdir``.

    First every company is scored (milliseconds each) into a small record and the industry totals; only
    what must be rendered is queued, answer files by path, so memory stays flat as the batch grows.
    """
    options = options or RenderOptions()
    outdir.mkdir(parents=True, exist_ok=True)
    for stale in outdir.glob(".*.tmp"):  # half-written files of a batch that was killed
        with contextlib.suppress(OSError):
            stale.unlink()
    file_problems: list[Problem] = []
    done = {} if force else _read_manifest(outdir)
    options_key = options.letterhead.model_dump_json() if options.letterhead else ""
    names = NameAssigner()
    industry = IndustryAccumulator(q)
    records: list[CompanyRecord] = []
    todo: list[Job] = []
    skipped = 0
    for item in iter_inputs(paths, q, file_problems):
        name = names.name_for(item)
        a = assess(q, item.answers, deadline_days) if item.answers is not None else None
        record = _record(name, item, a)
        records.append(record)
        if a is None:
            industry.add_unreadable()
            continue
        industry.add(a)
        outputs = {f.value: str(outdir / f"{name}.{f.value}") for f in formats}
        record.outputs = list(outputs.values())
        fingerprint = _fingerprint(a, formats, options_key)
        if done.get(name) == fingerprint and all(Path(p).exists() for p in outputs.values()):
            record.status = "已是最新"
            skipped += 1
            continue
        job: AnswerSet | str = item.source if item.row is None else item.answers  # type: ignore[assignment]
        todo.append((len(records) - 1, name, job, outputs, fingerprint))

    total = len(todo)
    finished = 0

    def complete(index: int, name: str, fingerprint: str, error: BaseException | None) -> None:
        nonlocal finished
        finished += 1
        record = records[index]
        if error is None:
            record.status = "已生成"
        else:
            record.status = "生成失败"
            record.problems.append(Problem("error", record.source, "", f"报告生成失败：{error}"))
        if progress:
            progress(finished, total, name)

    heavy = any(f in (Format.pdf, Format.docx) for f in formats)  # the rest take milliseconds
    if jobs <= 1 or total <= 1 or not heavy:
        _WORKER["q"] = q
        for index, name, job, outputs, fingerprint in todo:
            try:
                _render_job(job, outputs, options, deadline_days or {}, (str(outdir), name, fingerprint))
                complete(index, name, fingerprint, None)
            except HeguiCheckError as exc:
                complete(index, name, fingerprint, exc)
    else:
        _run_parallel(todo, jobs, options, deadline_days or {}, questionnaire_dirs, builtin,
                      Format.pdf in formats, str(outdir), complete)
    written = sum(1 for r in records if r.status == "已生成")
    return BatchResult(records, file_problems, written, skipped, industry)


def _run_parallel(todo: list[Job], jobs: int, options: RenderOptions, deadline_days: dict[str, int],
                  questionnaire_dirs: Sequence[Path], builtin: bool, pdf: bool, outdir: str,
                  complete: Callable[[int, str, str, BaseException | None], None]) -> None:
    """Keep at most 2 × jobs reports in flight, so the queue does not pile up in the workers."""
    pending: dict[Future[list[str]], tuple[int, str, str]] = {}
    queue = iter(todo)
    with ProcessPoolExecutor(max_workers=jobs, initializer=_init_worker,
                             initargs=([str(d) for d in questionnaire_dirs], builtin, pdf)) as pool:
        def refill() -> None:
            while len(pending) < 2 * jobs:
                nxt = next(queue, None)
                if nxt is None:
                    return
                index, name, job, outputs, fingerprint = nxt
                future = pool.submit(_render_job, job, outputs, options, deadline_days, (outdir, name, fingerprint))
                pending[future] = (index, name, fingerprint)

        refill()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index, name, fingerprint = pending.pop(future)
                complete(index, name, fingerprint, future.exception())
            refill()


def usable_cores() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))  # type: ignore[attr-defined]
    except AttributeError:  # macOS, Windows
        return max(1, os.cpu_count() or 1)
