"""Bulk checks: many answer files and spreadsheet rows -> one report per company, a summary and an
industry picture. One bad file or row never stops the batch; finished reports survive an interrupt.

Scoring runs in the main process (milliseconds per company); rendering runs in worker processes, each
of which loads the questionnaire and imports WeasyPrint once.
"""

from __future__ import annotations

import contextlib
import glob
import hashlib
import json
import os
import re
import tempfile
import time
import unicodedata
from array import array
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any, BinaryIO

from . import __version__
from .answers import AnswerSet, Problem, load_answers
from .batch_outputs import BATCH_STEMS, RECORDS, RECORDS_STEM, SUMMARY_STEM, records_unchanged
from .errors import HeguiCheckError, OutputExistsError
from .industry import Contribution, IndustryAccumulator, company_key, contribution
from .limits import shorten
from .questionnaire import Questionnaire, load_questionnaire
from .render import Format, RenderOptions, render
from .scoring import Assessment, assess
from .yamlio import atomic_write, compact_json

ANSWER_SUFFIXES = {".yaml", ".yml", ".json"}
TABLE_SUFFIXES = {".xlsx", ".xlsm", ".csv", ".xls", ".et", ".tsv"}
MANIFEST = ".hegui-batch.jsonl"
# the batch's own files: the summary and the (named or anonymised) industry report
BATCH_OUTPUTS = tuple(
    f"{stem}.{ext}"
    for stem in BATCH_STEMS
    for ext in (("xlsx", "csv") if stem == SUMMARY_STEM else ("html", "json", "pdf"))
) + (RECORDS,)
# company file names never take these stems, so no company's report replaces the batch's own files
RESERVED_STEMS = {*BATCH_STEMS, RECORDS_STEM}
NAME_BYTES = 120  # a company's file name stem in UTF-8 bytes: with suffix and temp-file prefix well under 255
_WINDOWS_RESERVED = {
    "CON",
    "PRN",
    "AUX",
    "NUL",
    *(f"COM{i}" for i in range(1, 10)),
    *(f"LPT{i}" for i in range(1, 10)),
}


@dataclass
class CompanyInput:
    """One company to check: where it came from and its answers (None when the input is unreadable)."""

    source: str
    row: int | None
    answers: AnswerSet | None
    problems: list[Problem] = field(default_factory=list)
    company: dict[str, Any] = field(default_factory=dict)  # what was valid of a refused input, for its row
    previous: Previous | None = None  # an unchanged answer file: its record from the last run, not read again


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
    fingerprint: str = ""  # of the reports written (batch._fingerprint), for the next run's up-to-date check
    input_stat: list[int] | None = None  # [size, mtime_ns] of an answer file when it was read

    @property
    def where(self) -> str:
        return f"{self.source} 第{self.row}行" if self.row is not None else self.source

    def as_dict(self) -> dict[str, Any]:
        """Plain data for the records file (JSON): problems as their dicts."""
        data = dict(self.__dict__)
        data["problems"] = [p.as_dict() for p in self.problems]
        return data

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> CompanyRecord:
        data = dict(data)
        data["problems"] = [
            Problem(p["severity"], p["where"], p["field"], p["message"], p["code"])
            for p in data.get("problems", [])
        ]
        return cls(**data)

    @property
    def has_error(self) -> bool:
        return any(p.severity == "error" for p in self.problems)

    def problem_lines(self, severity: str) -> list[str]:
        return [str(p) for p in self.problems if p.severity == severity]


UP_TO_DATE = "已是最新"  # status of a company whose reports were already up to date


def record_line(position: int, record: CompanyRecord, share: Contribution | None) -> str:
    """One company's line of the records file: its input position, its summary record and its industry
    share (null when the input could not be scored)."""
    return compact_json(
        {
            "position": position,
            "record": record.as_dict(),
            "contribution": share.as_dict() if share is not None else None,
        }
    )


_DECODER = json.JSONDecoder()
_RECORD_AT = '{"position": '
_RECORD_KEY = ', "record": '


def _record_span(text: str) -> tuple[dict[str, Any], int, int]:
    """The record of a records line and where its JSON starts and ends, found without parsing the
    (larger) industry share after it; (record, 0, 0) for a line of another layout, parsed whole."""
    if text.startswith(_RECORD_AT):
        start = text.find(_RECORD_KEY)
        if start >= 0:
            start += len(_RECORD_KEY)
            try:
                record, end = _DECODER.raw_decode(text, start)
            except ValueError:
                pass
            else:
                if isinstance(record, dict):
                    return record, start, end
    return json.loads(text)["record"], 0, 0


def line_record(line: bytes) -> CompanyRecord:
    """The summary record of a records line."""
    return CompanyRecord.from_dict(_record_span(line.decode("utf-8"))[0])


_SHARE_KEY = ', "contribution": '


def line_share(line: bytes) -> Contribution | None:
    """The industry share of a records line (None: the input could not be scored), found without parsing
    the record before it: record_line writes it last, and inside a JSON text its quotes would be escaped."""
    text = line.decode("utf-8")
    start = text.rfind(_SHARE_KEY) if text.startswith(_RECORD_AT) else -1
    data: Any = None
    if start >= 0:
        try:
            data, end = _DECODER.raw_decode(text, start + len(_SHARE_KEY))
        except ValueError:
            start = -1
        else:
            if text[end:].strip() != "}":
                start = -1
    if start < 0:  # another layout: parsed whole
        data = json.loads(text)["contribution"]
    return Contribution.from_dict(data) if data else None


def restatus(line: bytes, status: str) -> bytes:
    """A records line with its record's status replaced; the rest of the line is kept as it is."""
    text = line.decode("utf-8")
    record, start, end = _record_span(text)
    if not end:  # another layout: written again whole
        data = json.loads(text)
        data["record"]["status"] = status
        return (compact_json(data) + "\n").encode("utf-8")
    record["status"] = status
    return (text[:start] + compact_json(record) + text[end:]).encode("utf-8")


class RecordStore(Sequence[CompanyRecord]):
    """The companies' records of a batch (or of merged shards), kept in a temporary file — one records-file
    line each — not in memory: a batch of 100,000 companies needs about as much memory as one of 1,000.
    Reads back in input order; in memory stay, per company, the line's offset and length, its input
    position, an error flag, its warning count and whether it is now up to date (about 30 bytes)."""

    def __init__(self, folder: Path | None = None):
        self._fh = tempfile.TemporaryFile(mode="w+b", dir=folder, prefix=".batch-records.", suffix=".tmp")  # noqa: SIM115 - lives as long as the result
        self._end = 0
        self._offsets = array("q")
        self._lengths = array("q")
        self._positions = array("q")
        self._warnings = array("I")
        self._errors = bytearray()
        self._up_to_date = bytearray()  # 1: reused from the last run, its status now 已是最新
        self._order: array[int] | None = None  # None while appended in input order
        self._at_end = True  # the file's position is its end (no seek, which would flush, before a write)
        # the industry picture, counted as scored companies are added in input order: None once a company
        # comes out of order or as an earlier line (then counted from the shares when asked for)
        self.industry: IndustryAccumulator | None = None

    def append(self, position: int, record: CompanyRecord, share: Contribution | None) -> None:
        """A company scored in this run."""
        self._add(position, (record_line(position, record, share) + "\n").encode("utf-8"), record, False)
        if self.industry is not None:
            try:
                self.industry.add(share, len(self) - 1, self.shares)
            except Exception:  # noqa: BLE001 - counted again when asked for, where a failure is reported
                self.industry = None

    def append_line(
        self, position: int, line: bytes, record: CompanyRecord, *, up_to_date: bool = False
    ) -> None:
        """A company as a line of an earlier records file (``record`` read from it): copied as it is, not
        written again. ``up_to_date``: reused unchanged, so its status now reads 已是最新."""
        if up_to_date:
            record.status = UP_TO_DATE
        self._add(position, line if line.endswith(b"\n") else line + b"\n", record, up_to_date)
        self.industry = None  # an up-to-date re-run may never need it: counted from the shares if asked for

    def _add(self, position: int, line: bytes, record: CompanyRecord, up_to_date: bool) -> None:
        if not self._at_end:
            self._fh.seek(self._end)
            self._at_end = True
        self._fh.write(line)
        if self._positions and position < self._positions[-1] and self._order is None:
            self._order = array("q")  # out of input order (parallel rendering): sorted when read
            self.industry = None  # counted again in input order when asked for
        self._offsets.append(self._end)
        self._lengths.append(len(line))
        self._end += len(line)
        self._positions.append(position)
        self._errors.append(record.has_error)
        self._warnings.append(sum(1 for p in record.problems if p.severity == "warning"))
        self._up_to_date.append(up_to_date)
        if self._order is not None:
            self._order = array("q")  # sorted again at the next read

    def _entry(self, index: int) -> int:
        """The storage number of the ``index``-th company in input order."""
        if self._order is None:
            return index
        if len(self._order) != len(self._offsets):
            self._order = array("q", sorted(range(len(self._offsets)), key=self._positions.__getitem__))
        return self._order[index]

    def _raw(self, entry: int) -> bytes:
        self._at_end = False
        self._fh.seek(self._offsets[entry])
        return self._fh.read(self._lengths[entry])

    def line(self, index: int) -> bytes:
        """The records-file line of the ``index``-th company in input order, as the records file has it."""
        entry = self._entry(index)
        raw = self._raw(entry)
        return restatus(raw, UP_TO_DATE) if self._up_to_date[entry] else raw

    def lines(self) -> Iterator[bytes]:
        for index in range(len(self)):
            yield self.line(index)

    def __len__(self) -> int:
        return len(self._offsets)

    def __getitem__(self, index: int) -> CompanyRecord:  # type: ignore[override]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        entry = self._entry(index % len(self))
        record = line_record(self._raw(entry))
        if self._up_to_date[entry]:
            record.status = UP_TO_DATE
        return record

    def __iter__(self) -> Iterator[CompanyRecord]:
        for index in range(len(self)):
            yield self[index]

    @property
    def positions(self) -> list[int]:
        return [self._positions[self._entry(i)] for i in range(len(self))]

    def stored_positions(self, start: int, stop: int) -> array[int]:
        """The input positions of the companies stored ``start`` to ``stop`` - 1, in the order stored."""
        return self._positions[start:stop]

    def contribution(self, index: int) -> Contribution | None:
        return line_share(self._raw(self._entry(index)))

    @property
    def shares(self) -> Sequence[Contribution | None]:
        """The industry shares, in input order, read from the file as they are used."""
        return _Shares(self)

    @property
    def any_error(self) -> bool:
        return any(self._errors)

    def error_count(self) -> int:
        return sum(self._errors)

    def warning_count(self) -> int:
        return sum(self._warnings)

    def with_errors(self) -> Iterator[CompanyRecord]:
        """The records of the companies with an error, in input order (only these are read)."""
        for index in range(len(self)):
            if self._errors[self._entry(index)]:
                yield self[index]

    def close(self) -> None:
        self._fh.close()


class _Shares(Sequence["Contribution | None"]):
    def __init__(self, store: RecordStore):
        self._store = store

    def __len__(self) -> int:
        return len(self._store)

    def __getitem__(self, index: int) -> Contribution | None:  # type: ignore[override]
        if not -len(self) <= index < len(self):
            raise IndexError(index)
        return self._store.contribution(index % len(self))

    def __iter__(self) -> Iterator[Contribution | None]:
        for index in range(len(self)):
            yield self._store.contribution(index)


@dataclass
class BatchResult:
    records: RecordStore
    file_problems: list[Problem]
    written: int
    skipped: int
    q: Questionnaire
    manifest: Manifest = field(default_factory=lambda: Manifest())
    shard: tuple[int, int] | None = None
    inputs: int = 0  # companies in all the inputs, this shard's or not
    context: str = ""  # run_context: formats, options and library the reports were made with
    # every company reused exactly as the folder's records file has it (same places, same header): that
    # file, and the summary and industry report made from it, are still right
    unchanged: bool = False
    records_id: str = ""  # the id of the records file holding these records, once there is one

    @cached_property
    def industry(self) -> IndustryAccumulator:
        """The industry picture: as the records counted it while they were added in input order, else
        counted from the records' shares when first asked for."""
        if self.records.industry is not None:
            return self.records.industry
        return IndustryAccumulator.from_shares(self.q, self.records.shares)

    @property
    def positions(self) -> list[int]:
        """Each record's position among all the inputs (in record order)."""
        return self.records.positions

    def contribution(self, index: int) -> Contribution | None:
        """The industry share of the ``index``-th record (None: not scored)."""
        return self.records.contribution(index)

    def record_lines(self) -> Iterator[bytes]:
        """The records file's company lines, in input order."""
        return self.records.lines()

    @property
    def has_errors(self) -> bool:
        return any(p.severity == "error" for p in self.file_problems) or self.records.any_error


# ---------------------------------------------------------------------------------------------
# inputs


def _expand(paths: Sequence[Path]) -> tuple[list[str], list[Problem]]:
    """The input files, folders expanded (each folder's files in path order), each once; as text, not path
    objects, which take several times the memory in a folder of thousands of files."""
    files: list[str] = []
    problems: list[Problem] = []
    for path in paths:
        if path.is_dir():
            found = _files_under(str(path))
            if not found:
                problems.append(Problem("warning", str(path), "", "目录中没有答题文件或表格", "empty"))
            top = "" if str(path) == "." else str(path)  # as Path(".") / "a.yaml" is "a.yaml"
            files += [os.path.join(top, rel) if top else rel for rel in found]
        elif path.is_file():
            files.append(str(path))
        else:
            problems.append(Problem("error", str(path), "", "文件或目录不存在", "unreadable"))
    unique: dict[str, str] = {}  # as paths compare: case-folded where the system folds case
    for f in files:
        unique.setdefault(os.path.normcase(f), f)
    return list(unique.values()), problems


def _files_under(folder: str) -> list[str]:
    """The answer files and tables under ``folder``, relative to it, sorted as paths sort (part by part,
    case-folded where the system folds case); hidden files left out. As Path.rglob walks: folders that
    are symbolic links are not entered, unreadable ones are passed over."""
    found: list[str] = []
    pending = [""]
    suffixes = ANSWER_SUFFIXES | TABLE_SUFFIXES
    while pending:
        rel = pending.pop()
        try:
            with os.scandir(os.path.join(folder, rel)) as entries:
                for entry in entries:
                    name = os.path.join(rel, entry.name) if rel else entry.name
                    with contextlib.suppress(OSError):
                        if entry.is_dir() and not entry.is_symlink():
                            pending.append(name)
                        elif (
                            entry.is_file()
                            and not entry.name.startswith(".")
                            and os.path.splitext(entry.name)[1].lower() in suffixes
                        ):
                            found.append(name)
        except OSError:
            continue
    found.sort(key=lambda rel: os.path.normcase(rel).replace(os.sep, "\0"))
    return found


def input_stat(path: Path | str) -> list[int] | None:
    """[size, mtime_ns] of an input file: unchanged means its answers are unchanged (as make and rsync judge)."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return [st.st_size, st.st_mtime_ns]


def load_input(path: str | Path, q: Questionnaire) -> CompanyInput:
    """One answer file as a company to check; an unreadable file becomes its error row."""
    path = os.fspath(path)
    try:
        answers = load_answers(path, q)
    except Exception as exc:  # noqa: BLE001 - one unreadable file never ends the batch
        return CompanyInput(str(path), None, None, [failure_problem(str(path), exc, "读取失败")])
    return _refuse_past_limits(CompanyInput(str(path), None, answers, list(answers.problems)))


def iter_inputs(
    paths: Sequence[Path],
    q: Questionnaire,
    file_problems: list[Problem],
    previous: PreviousRecords | None = None,
) -> Iterator[CompanyInput]:
    """Every company in the inputs, in order. File-level problems are appended to ``file_problems``.
    An answer file that ``previous`` knows as unchanged is not read: it comes with its last record."""
    files, problems = _expand(paths)
    file_problems.extend(problems)
    for path in files:
        if os.path.splitext(path)[1].lower() in ANSWER_SUFFIXES:
            known = previous.get(path) if previous else None
            if known is not None:
                yield CompanyInput(path, None, None, company=dict(known.record.company), previous=known)
                continue
            yield load_input(path, q)
        else:
            yield from _table_inputs(Path(path), q, file_problems)


@dataclass
class Previous:
    """A company as the last run into this folder recorded it: its record and its records-file line."""

    record: CompanyRecord
    line: bytes
    position: int  # its input position in that run


class PreviousRecords:
    """The records file of the last run into the folder, as an index: per answer file its line's offset,
    its [size, mtime_ns] and its input position (in arrays, so memory stays small). A line is read again
    only for an answer file that is unchanged; the file stays open for that until ``close``."""

    def __init__(self, path: Path, context: str, done: dict[str, str]):
        self.done = done
        self.header: dict[str, Any] = {}
        self.count = 0  # companies in the file
        self._index: dict[str, int] = {}
        self._offsets = array("q")
        self._stats = array("q")  # size, mtime_ns of each
        self._positions = array("q")
        self._fh: BinaryIO | None = None
        try:
            fh = path.open("rb")
        except OSError:
            return
        try:
            header = json.loads(fh.readline())
            if not isinstance(header, dict) or header.get("context") != context:
                fh.close()  # other formats, options or library: every report is checked again
                return
        except ValueError:
            fh.close()
            return
        self.header = header
        self._fh = fh
        while True:
            offset = fh.tell()
            line = fh.readline()
            if not line:
                break
            self.count += 1
            source, stat, position = _source_stat_position(line)
            if source is not None and stat is not None and position is not None:
                self._index[source] = len(self._offsets)
                self._offsets.append(offset)
                self._stats.extend(stat)
                self._positions.append(position)

    def get(self, path: str) -> Previous | None:
        n = self._index.get(path)
        if n is None or self._fh is None or input_stat(path) != list(self._stats[2 * n : 2 * n + 2]):
            return None
        self._fh.seek(self._offsets[n])
        line = self._fh.readline()
        try:
            record = line_record(line)
        except (ValueError, KeyError, TypeError):
            return None
        if self.done.get(record.name) != record.fingerprint or not record.fingerprint:
            return None
        if not all(os.path.exists(p) for p in record.outputs):
            return None
        return Previous(record, line, self._positions[n])

    def close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None


_SOURCE = re.compile(rb'"source": ("(?:[^"\\]|\\.)*")')
_STAT = re.compile(rb'"input_stat": \[(\d+), (\d+)\]')
_POSITION = re.compile(rb'\{"position": (\d+),')


def _source_stat_position(line: bytes) -> tuple[str | None, list[int] | None, int | None]:
    """The source, input stat and input position of a records line, without parsing all of it."""
    source, stat, position = _SOURCE.search(line), _STAT.search(line), _POSITION.match(line)
    if source is None or stat is None or position is None:
        return None, None, None
    try:
        return json.loads(source.group(1)), [int(stat.group(1)), int(stat.group(2))], int(position.group(1))
    except ValueError:
        return None, None, None


def run_context(
    q: Questionnaire, formats: Sequence[Format], options_key: str, deadline_days: dict[str, int] | None
) -> str:
    """What, besides an input's answers, decides its reports: a records file made under another context
    is not used to skip reading inputs."""
    blob = json.dumps(
        [
            sorted(f.value for f in formats),
            q.version,
            len(q.items),
            __version__,
            sorted((deadline_days or {}).items()),
            options_key,
        ]
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


def failure_problem(where: str, exc: BaseException, what: str) -> Problem:
    """One input's failure as its error row; ``what`` says which step failed (读取失败, 报告生成失败 …)."""
    if isinstance(exc, HeguiCheckError):
        message = str(exc)
        for prefix in (f"{where}: ", f"{where.split(' ')[0]}: "):
            message = message.removeprefix(prefix)
        return Problem("error", where, "", message, exc.code)
    if isinstance(exc, OSError):
        target = f" {exc.filename}" if exc.filename else ""
        return Problem(
            "error",
            where,
            "",
            f"{what}：无法写入{target}（{exc.strerror or type(exc).__name__}）",
            "write-failed",
        )
    return Problem(
        "error",
        where,
        "",
        f"{what}（程序内部错误 {type(exc).__name__}: {shorten(str(exc))}；"
        "其他企业不受影响。请设置 HEGUI_DEBUG=1 对这一家单独运行 hegui-check report 并报告此问题）",
        "render-failed",
    )


def _table_inputs(path: Path, q: Questionnaire, file_problems: list[Problem]) -> Iterator[CompanyInput]:
    from .spreadsheet import read_table

    try:
        table = read_table(path, q)
    except Exception as exc:  # noqa: BLE001 - one unreadable spreadsheet never ends the batch
        file_problems.append(failure_problem(str(path), exc, "读取失败"))
        return
    file_problems.extend(table.warnings)
    for row in table.rows:
        try:
            answers = table.answer_set(row)
        except Exception as exc:  # noqa: BLE001 - one bad row never ends the batch
            where = f"{path} 第{row.row_number}行"
            yield CompanyInput(str(path), row.row_number, None, [failure_problem(where, exc, "读取失败")])
            continue
        yield _refuse_past_limits(CompanyInput(str(path), row.row_number, answers, list(answers.problems)))


def _refuse_past_limits(item: CompanyInput) -> CompanyInput:
    """A company whose input breaks one of the input limits gets no report, only its error row — as a
    file past the limits is refused as a whole."""
    if any(p.code == "limit-exceeded" and p.severity == "error" for p in item.problems):
        return CompanyInput(
            item.source, item.row, None, item.problems, dict(item.answers.company) if item.answers else {}
        )
    return item


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
    text = text[:limit]
    while len(text.encode("utf-8")) > NAME_BYTES:
        text = text[:-1]
    return text.rstrip(" .")


class NameAssigner:
    """Unique, stable names in input order: the first keeps the plain name, later clashes get a suffix."""

    def __init__(self) -> None:
        self.used: set[str] = set(RESERVED_STEMS)

    def name_for(self, item: CompanyInput) -> str:
        company = item.answers.company if item.answers else item.company
        base = safe_name(str(company.get("company_name") or Path(item.source).stem))
        name = base
        if name.lower() in self.used or name.lower().rsplit(".", 1)[0] in RESERVED_STEMS:
            uscc = str(company.get("uscc") or "")
            hint = (
                uscc[-6:]
                if len(uscc) >= 6
                else (f"第{item.row}行" if item.row else safe_name(Path(item.source).stem))
            )
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
    blob = compact_json(
        [
            a.report_number,
            sorted(f.value for f in formats),
            a.questionnaire.version,
            __version__,
            dict(a.deadline_days),
            options_key,
        ]
    )
    return hashlib.sha256(blob.encode("utf-8")).hexdigest()[:20]


@dataclass
class Manifest:
    """What earlier runs of the batch into this folder wrote: finished companies and every file name."""

    exists: bool = False
    done: dict[str, str] = field(default_factory=dict)  # company name -> fingerprint
    files: set[str] = field(default_factory=set)  # file names the batch wrote here
    # the last summary and industry report written whole: what they were made from (batch_outputs.outputs_key)
    # and the firms listed twice in those records, for the note about them
    outputs: dict[str, Any] = field(default_factory=dict)

    def owns(self, path: Path) -> bool:
        return path.name in self.files


_OLD_FORMATS = ("pdf", "html", "json", "md", "xlsx", "docx")


def prepare_outdir(outdir: Path, force: bool) -> Manifest:
    """Create the batch's output folder and read its manifest; without ``force``, refuse a folder that
    holds a summary or industry report this tool did not write (batch and merge alike)."""
    try:
        outdir.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise HeguiCheckError(
            f"{outdir}: 无法创建输出目录（{exc.strerror or exc}）", code="write-failed"
        ) from None
    manifest = read_manifest(outdir)
    foreign = [n for n in BATCH_OUTPUTS if (outdir / n).exists() and n not in manifest.files]
    if foreign and not force:
        raise OutputExistsError(
            f"{outdir}: 输出目录中已有不是本批处理生成的 {'、'.join(foreign)}，未覆盖；"
            "请换一个输出目录，或加 --force 覆盖"
        )
    return manifest


def read_manifest(outdir: Path) -> Manifest:
    path = outdir / MANIFEST
    if not path.exists():
        return Manifest()
    manifest = Manifest(exists=True, files=set(BATCH_OUTPUTS))
    # read line by line (it grows with the batch), split at newlines only
    with path.open(encoding="utf-8", errors="replace", newline="\n") as fh:
        for line in fh:
            with contextlib.suppress(ValueError, KeyError, TypeError, AttributeError):  # a line cut short
                _read_manifest_line(manifest, json.loads(line))
    return manifest


def _read_manifest_line(manifest: Manifest, entry: dict[str, Any]) -> None:
    if "files" in entry:  # batch outputs, or the formats written before a company failed
        manifest.files.update(str(f) for f in entry["files"])
    elif "outputs_key" in entry:  # the summary and industry report, written whole
        manifest.outputs = dict(entry)
    else:
        name = str(entry["name"])
        manifest.done[name] = str(entry["fingerprint"])
        # a line written before outputs were listed names none
        outputs = entry.get("outputs") or [f"{name}.{ext}" for ext in _OLD_FORMATS]
        manifest.files.update(str(o) for o in outputs)


_APPEND = os.O_WRONLY | os.O_CREAT | os.O_APPEND | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def append_manifest(outdir: str | Path, entry: dict[str, Any], durable: bool = True) -> None:
    """One line at the end of the manifest, in one write (a few syscalls: this runs once per company)."""
    line = (compact_json(entry) + "\n").encode("utf-8")
    fd = os.open(os.path.join(outdir, MANIFEST), _APPEND, 0o666)
    try:
        os.write(fd, line)
        if durable:
            os.fsync(fd)
    finally:
        os.close(fd)


def _record_done(
    outdir: str, name: str, fingerprint: str, outputs: Sequence[str] = (), durable: bool = True
) -> None:
    """Append one finished company to the manifest, right after its reports are written.

    Workers call this themselves, so a batch killed at any moment has recorded every report already on
    disk (one short line per append, so concurrent workers do not interleave)."""
    append_manifest(
        outdir,
        {"name": name, "fingerprint": fingerprint, "outputs": [os.path.basename(o) for o in outputs]},
        durable,
    )


SYNC_INTERVAL_S = 1.0  # reports written in the main process reach the disk at least this often


class _Syncer:
    """Forces what the main process wrote to disk once per SYNC_INTERVAL_S and at the end, instead of
    one fsync per file (which took longer than scoring and writing a JSON report together)."""

    def __init__(self) -> None:
        self.last = time.monotonic()
        self.pending = False

    def wrote(self) -> None:
        self.pending = True
        if time.monotonic() - self.last >= SYNC_INTERVAL_S:
            self.sync()

    def sync(self) -> None:
        if self.pending:
            os.sync()
            self.pending = False
        self.last = time.monotonic()


def remove_stale_temp(outdir: Path, names: Iterable[str]) -> None:
    """Remove the half-written temp files a killed run left for the files this run is about to write —
    only those: the folder's other files are not the batch's to delete."""
    for name in names:
        for stale in outdir.glob(f".{glob.escape(name)}.*.tmp"):
            with contextlib.suppress(OSError):
                stale.unlink()


class StaleTemps:
    """The temp files a killed run left in the folder, listed once; ``remove(names)`` deletes those of
    the files about to be written (no folder scan per company, so a large batch stays linear)."""

    def __init__(self, outdir: Path):
        try:
            with os.scandir(outdir) as entries:  # no path object per file of a large folder
                self.left = [
                    Path(e.path) for e in entries if e.name.startswith(".") and e.name.endswith(".tmp")
                ]
        except OSError:
            self.left = []

    def remove(self, names: Iterable[str]) -> None:
        if not self.left:
            return
        prefixes = tuple(f".{name}." for name in names)
        for stale in [p for p in self.left if p.name.startswith(prefixes)]:
            with contextlib.suppress(OSError):
                stale.unlink()
            self.left.remove(stale)


def shard_of(key: str, count: int) -> int:
    """Which of ``count`` shards (0-based) a company belongs to: a stable hash of its key, the same
    on every machine and Python version."""
    return int.from_bytes(hashlib.sha256(key.encode("utf-8")).digest()[:8], "big") % count


def shard_key(item: CompanyInput) -> str:
    """The company key (industry.company_key); an input without one, or unreadable, by source + row."""
    company = item.answers.company if item.answers else item.company
    return company_key(company) or f"input:{item.source}#{item.row or 0}"


_WORKER: dict[str, Any] = {}


def _init_worker(extra_dirs: list[str], builtin: bool, pdf: bool) -> None:
    _WORKER["q"] = load_questionnaire([Path(d) for d in extra_dirs], builtin=builtin)
    if pdf:
        with contextlib.suppress(ImportError, OSError):
            import weasyprint  # noqa: F401 - import once per worker, not once per report


def _render_job(
    job: AnswerSet | str | Assessment,
    outputs: dict[str, str],
    options: RenderOptions,
    deadline_days: dict[str, int],
    done: tuple[str, str, str],
    durable: bool = True,
) -> list[str]:
    """Worker side: load (answer files are read again here, so the main process keeps only their path),
    score again (cheap), write every format atomically, then record the company as done. In the main
    process the assessment just made is passed in and used as it is."""
    if isinstance(job, Assessment):
        a = job
    else:
        q: Questionnaire = _WORKER["q"]
        a = assess(q, load_answers(job, q) if isinstance(job, str) else job, deadline_days)
    written: list[str] = []
    try:
        for fmt, path in outputs.items():
            atomic_write(path, render(a, Format(fmt), options), durable=durable)
            written.append(os.path.basename(path))
    except BaseException:
        if written:  # so that a later run may replace them
            append_manifest(done[0], {"files": written}, durable)
        raise
    _record_done(*done, outputs=list(outputs.values()), durable=durable)
    return list(outputs.values())


def _record(name: str, item: CompanyInput, a: Assessment | None) -> CompanyRecord:
    if a is None:
        return CompanyRecord(
            name, item.source, item.row, "无法读取", company=dict(item.company), problems=list(item.problems)
        )
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


# long: one pass over the inputs (read, score, skip up-to-date, queue, isolate each failure), kept in one place
def run_batch(  # noqa: C901 - see the comment above
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
    progress: Callable[[int, int, str], None] | None = None,  # (done, total or 0 when not known yet, name)
    shard: tuple[int, int] | None = None,
) -> BatchResult:
    """Check every company in ``paths`` and write its reports to ``outdir``.

    First every company is scored (milliseconds each) into its record and industry share, kept on disk
    (``RecordStore``); only what must be rendered is queued, answer files by path, so memory stays flat as
    the batch grows. An answer file unchanged since the last run into the folder, with its reports up to
    date, is not read again: its line of the records file is reused as it is.
    Without worker processes (``jobs`` 1, or formats that take milliseconds) each report is written right
    after its company is scored, from the same assessment. With ``shard`` = (K, N), 1-based, only the
    companies whose key hashes to shard K of N are checked; every input is still read, so names and
    input positions are those of a run over all inputs.
    Any failure of one company — reading, scoring, rendering, writing — becomes that company's error and
    the others go on, whatever ``jobs`` is. Without ``force`` no file the batch did not write itself (in
    this or an earlier run into the same folder, as its manifest records) is replaced.
    """
    options = options or RenderOptions()
    manifest = prepare_outdir(outdir, force)
    file_problems: list[Problem] = []
    done = {} if force else manifest.done
    options_key = options.letterhead.model_dump_json() if options.letterhead else ""
    context = run_context(q, formats, options_key, deadline_days)
    names = NameAssigner()
    store = RecordStore(outdir)
    store.industry = IndustryAccumulator(q)
    waiting: dict[int, tuple[int, CompanyRecord, Contribution | None]] = {}  # reports still being rendered
    todo: list[Job] = []
    written = 0
    skipped = 0
    heavy = any(f in (Format.pdf, Format.docx) for f in formats)  # the rest take milliseconds
    inline = jobs <= 1 or not heavy
    stale = StaleTemps(outdir)
    stale.remove(manifest.files)
    finished = 0
    _WORKER["q"] = q
    position = -1

    def complete(index: int, name: str, fingerprint: str, error: BaseException | None, total: int) -> None:
        nonlocal finished, written
        finished += 1
        position, record, share = waiting.pop(index)
        if error is None:
            record.status = "已生成"
            written += 1
        else:
            record.status = "生成失败"
            record.outputs = [p for p in record.outputs if Path(p).exists() and manifest.owns(Path(p))]
            record.problems.append(failure_problem(record.where, error, "报告生成失败"))
        store.append(position, record, share)
        if progress:
            progress(finished, total, name)

    syncer = _Syncer()
    # each report's path: this and its file name, the text of outdir / name (Path(".") / "a" is "a")
    folder = "" if str(outdir) == "." else os.path.join(outdir, "")
    previous = None if force else PreviousRecords(outdir / RECORDS, context, done)
    reused_all = previous is not None  # so far, every company as the records file has it, in its place
    try:
        for position, item in enumerate(iter_inputs(paths, q, file_problems, previous)):
            name = names.name_for(item)
            if shard is not None and shard_of(shard_key(item), shard[1]) != shard[0] - 1:
                continue
            if item.previous is not None:
                if item.previous.record.name == name:  # unchanged and up to date: its last line as it is
                    store.append_line(position, item.previous.line, item.previous.record, up_to_date=True)
                    skipped += 1
                    reused_all = reused_all and item.previous.position == position
                    continue
                item = load_input(item.source, q)  # another file now takes its name: read it
            reused_all = False
            where = f"{item.source} 第{item.row}行" if item.row is not None else item.source
            try:
                a = assess(q, item.answers, deadline_days) if item.answers is not None else None
                record = _record(name, item, a)
                share = contribution(a, item.row) if a is not None else None
            except Exception as exc:  # noqa: BLE001 - one company that cannot be scored never ends the batch
                a = share = None
                record = _record(
                    name,
                    CompanyInput(
                        item.source, item.row, None, [*item.problems, failure_problem(where, exc, "评分失败")]
                    ),
                    None,
                )
            if a is None or share is None:
                store.append(position, record, share)
                continue
            outputs = {f.value: f"{folder}{name}.{f.value}" for f in formats}
            fingerprint = _fingerprint(a, formats, options_key)
            record.fingerprint = fingerprint
            if item.row is None:  # as the file was read, else as it is now
                stat = a.answers.file_stat
                record.input_stat = list(stat) if stat is not None else input_stat(item.source)
            if done.get(name) == fingerprint and all(os.path.exists(p) for p in outputs.values()):
                record.outputs = list(outputs.values())
                record.status = "已是最新"
                skipped += 1
                store.append(position, record, share)
                continue
            taken = [
                Path(p)
                for p in outputs.values()
                if not force and os.path.exists(p) and not manifest.owns(Path(p))
            ]
            if taken:
                record.status = "未覆盖"
                record.problems.append(
                    Problem(
                        "error",
                        where,
                        "",
                        f"输出文件 {'、'.join(p.name for p in taken)} 已存在且不是本批处理生成的，"
                        "未覆盖；请换一个输出目录，或加 --force 覆盖",
                        "output-exists",
                    )
                )
                store.append(position, record, share)
                continue
            record.outputs = list(outputs.values())
            stale.remove(os.path.basename(p) for p in outputs.values())
            index = position
            waiting[index] = (position, record, share)
            if inline:
                try:
                    _render_job(
                        a,
                        outputs,
                        options,
                        deadline_days or {},
                        (str(outdir), name, fingerprint),
                        durable=False,
                    )
                    syncer.wrote()
                except Exception as exc:  # noqa: BLE001 - one report that fails never ends the batch
                    complete(index, name, fingerprint, exc, 0)
                else:
                    complete(index, name, fingerprint, None, 0)
                continue
            job: AnswerSet | str = item.source if item.row is None else item.answers  # type: ignore[assignment]
            todo.append((index, name, job, outputs, fingerprint))
    finally:
        syncer.sync()  # what was written reaches the disk, also when interrupted
        if previous is not None:
            previous.close()

    if todo:
        total = len(todo)
        _run_parallel(
            todo,
            jobs,
            options,
            deadline_days or {},
            questionnaire_dirs,
            builtin,
            Format.pdf in formats,
            str(outdir),
            lambda index, name, fingerprint, error: complete(index, name, fingerprint, error, total),
        )
    result = BatchResult(
        store, file_problems, written, skipped, q, manifest, shard=shard, inputs=position + 1, context=context
    )
    if previous is not None and reused_all and previous.count == len(store):
        result.unchanged = records_unchanged(previous.header, result, formats)
        result.records_id = str(previous.header.get("id") or "") if result.unchanged else ""
    return result


def _run_parallel(
    todo: list[Job],
    jobs: int,
    options: RenderOptions,
    deadline_days: dict[str, int],
    questionnaire_dirs: Sequence[Path],
    builtin: bool,
    pdf: bool,
    outdir: str,
    complete: Callable[[int, str, str, BaseException | None], None],
) -> None:
    """Keep at most 2 × jobs reports in flight, so the queue does not pile up in the workers."""
    pending: dict[Future[list[str]], tuple[int, str, str]] = {}
    queue = iter(todo)
    with ProcessPoolExecutor(
        max_workers=jobs,
        initializer=_init_worker,
        initargs=([str(d) for d in questionnaire_dirs], builtin, pdf),
    ) as pool:

        def refill() -> None:
            while len(pending) < 2 * jobs:
                nxt = next(queue, None)
                if nxt is None:
                    return
                index, name, job, outputs, fingerprint = nxt
                future = pool.submit(
                    _render_job, job, outputs, options, deadline_days, (outdir, name, fingerprint)
                )
                pending[future] = (index, name, fingerprint)

        refill()
        while pending:
            finished, _ = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                index, name, fingerprint = pending.pop(future)
                complete(index, name, fingerprint, future.exception())
            refill()


def usable_cores() -> int:
    affinity = getattr(os, "sched_getaffinity", None)  # Linux; macOS and Windows have none
    if affinity is not None:
        return max(1, len(affinity(0)))
    return max(1, os.cpu_count() or 1)
