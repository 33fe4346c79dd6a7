"""The law calendar: every text of each citable law with its dates, and which text replaces which.

The shipped copy is data/laws.json, generated from a laws folder's INDEX.tsv by
scripts/build_law_titles.py with :func:`parse_index`; ``validate --laws DIR`` parses the folder's own
INDEX.tsv the same way. A text is in force on a date when the date lies between its in-force-from and
in-force-until dates (an unknown date leaves that side open).
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Literal, Optional

from .resources import data_dir

_DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")
_HEADER_IN_FORCE = re.compile(r"(\d{4})年(\d{1,2})月(\d{1,2})日\s*(?:施行|执行)")
_REVISION_NOTE = re.compile(r"（\d{4}年修[订正]）$")
_YEAR_SUFFIX = re.compile(r"-(\d{4})$")
CIVIL_CODE = "民法典"

Status = Literal["in_force", "not_yet", "no_longer"]


def _iso(value: Optional[str]) -> Optional[dt.date]:
    return dt.date.fromisoformat(value) if value else None


def cn_date(d: dt.date) -> str:
    """2027-01-01 → 2027年1月1日."""
    return f"{d.year}年{d.month}月{d.day}日"


@dataclass(frozen=True)
class LawText:
    """One text of a law: 商标法 (the 2019 text) and 商标法-2027 (the 2026 revision) are two texts."""

    short: str
    title: str  # how the law is cited, e.g. 中华人民共和国商标法 (no revision note)
    revised: Optional[dt.date] = None  # date of this text (adoption, revision or amendment)
    in_force_from: Optional[dt.date] = None
    in_force_until: Optional[dt.date] = None  # last day in force (superseded or repealed after it)
    superseded_by: Optional[str] = None  # the text in force from the day after in_force_until
    supersedes: tuple[str, ...] = ()
    ended: Optional[Literal["superseded", "repealed"]] = None

    def status_on(self, date: dt.date) -> Status:
        if self.in_force_from is not None and date < self.in_force_from:
            return "not_yet"
        if self.in_force_until is not None and date > self.in_force_until:
            return "no_longer"
        return "in_force"

    def in_force_on(self, date: dt.date) -> bool:
        return self.status_on(date) == "in_force"

    @property
    def dated(self) -> str:
        """The text's date and start: 2026年6月26日版本，2027年1月1日起施行."""
        if self.revised is None:
            return ""
        text = f"{cn_date(self.revised)}版本"
        if self.in_force_from is not None and self.in_force_from > self.revised:
            text += f"，{cn_date(self.in_force_from)}起施行"
        return text

    @property
    def version(self) -> str:
        """The version as the report's law list shows it: ``dated`` plus 施行至… for an ended text."""
        if self.in_force_until is None or not self.dated:
            return self.dated
        return f"{self.dated}，施行至{cn_date(self.in_force_until)}"

    def to_json(self) -> dict[str, Any]:
        return {
            "title": self.title,
            "version": self.version,
            "revised": self.revised.isoformat() if self.revised else None,
            "in_force_from": self.in_force_from.isoformat() if self.in_force_from else None,
            "in_force_until": self.in_force_until.isoformat() if self.in_force_until else None,
            "superseded_by": self.superseded_by,
            "supersedes": list(self.supersedes),
            "ended": self.ended,
        }

    @classmethod
    def from_json(cls, short: str, data: Mapping[str, Any]) -> LawText:
        return cls(
            short=short,
            title=data.get("title") or short,
            revised=_iso(data.get("revised")),
            in_force_from=_iso(data.get("in_force_from")),
            in_force_until=_iso(data.get("in_force_until")),
            superseded_by=data.get("superseded_by"),
            supersedes=tuple(data.get("supersedes") or ()),
            ended=data.get("ended"),
        )


Calendar = Mapping[str, LawText]


def text_in_force(calendar: Calendar, short: str, date: dt.date) -> Optional[LawText]:
    """The text of the law ``short`` belongs to that is in force on ``date``, following the chain of
    revisions forwards (superseded_by) and backwards (supersedes); None if there is none."""
    text = calendar.get(short)
    seen: set[str] = set()
    while text is not None and text.short not in seen:
        seen.add(text.short)
        status = text.status_on(date)
        if status == "in_force":
            return text
        if status == "no_longer":
            text = calendar.get(text.superseded_by or "")
        else:
            before = [calendar[s] for s in text.supersedes if s in calendar]
            text = before[0] if len(before) == 1 else None
    return None


# --- INDEX.tsv → calendar -------------------------------------------------------------------------


def _first_date(text: str) -> Optional[dt.date]:
    m = _DATE.search(text)
    return dt.date.fromisoformat(m.group(0)) if m else None


def _revised(own: str) -> Optional[dt.date]:
    amended = re.search(r"\bamended \d{4}-\d{2}-\d{2}[^;]*", own)
    if amended:
        dates = _DATE.findall(amended.group(0))
        if dates:
            return dt.date(*map(int, dates[-1]))
    return _first_date(own)


def _in_force_from(own: str, revised: Optional[dt.date]) -> Optional[dt.date]:
    m = re.search(r"in force (?:from )?(\d{4}-\d{2}-\d{2})", own)
    if m:
        return dt.date.fromisoformat(m.group(1))
    if "in force from promulgation" in own:
        return revised
    header = _HEADER_IN_FORCE.search(own)
    if header:
        date = dt.date(*map(int, header.groups()))
        if revised is None or date > revised:
            return date
    return None


@dataclass
class _Row:
    short: str
    title: str
    note: str  # the "(…)" after the short name: superseded / repealed
    revision: str


def _rows(rows: Iterable[Mapping[str, str]]) -> list[_Row]:
    out = []
    for row in rows:
        raw = (row.get("short_name") or "").strip()
        if not raw:
            continue
        short, _, note = raw.partition("(")
        out.append(
            _Row(
                short.strip(),
                (row.get("full_title") or "").strip(),
                note.rstrip(")").strip(),
                (row.get("revision_or_effective_date") or "").strip(),
            )
        )
    return out


# long: one pass over INDEX.tsv rows; each branch reads one way the index writes a date or a status
def parse_index(rows: Iterable[Mapping[str, str]]) -> dict[str, LawText]:
    """The calendar of an INDEX.tsv (rows as csv.DictReader gives them).

    Dates come from the revision column: the text's own date, ``in force [from] DATE`` (or a header
    ``…施行`` date later than the text's date), ``in force until DATE``, ``REPEALED from DATE by X``,
    ``SUPERSEDED by …``; a ``NOT YET IN FORCE`` row ``X-<year>`` is the successor of ``X``. The books of
    the civil code are one law, 民法典."""
    parsed = _rows(rows)
    names = {r.short for r in parsed}
    fields: dict[str, dict[str, Any]] = {}
    civil: list[_Row] = []
    for r in parsed:
        if r.short.startswith(CIVIL_CODE + "-"):
            civil.append(r)
            continue
        own = re.split(r";\s*(?:SUPERSEDED|REPEALED|NOTE)\b", r.revision, maxsplit=1)[0]
        revised = _revised(own)
        f: dict[str, Any] = {
            "short": r.short,
            "title": _REVISION_NOTE.sub("", r.title) or r.short,
            "revised": revised,
            "in_force_from": _in_force_from(own, revised),
            "in_force_until": None,
            "superseded_by": None,
            "supersedes": [],
            "ended": None,
        }
        until = re.search(r"in force until (\d{4}-\d{2}-\d{2})", r.revision)
        if until:
            f["in_force_until"] = dt.date.fromisoformat(until.group(1))
        repealed = re.search(r"REPEALED from (\d{4}-\d{2}-\d{2})(?: by (\S+))?", r.revision)
        base = _YEAR_SUFFIX.sub("", r.short)
        if repealed:
            f["ended"] = "repealed"
            f["in_force_until"] = dt.date.fromisoformat(repealed.group(1)) - dt.timedelta(days=1)
            by = (repealed.group(2) or "").rstrip(".,;")
            f["superseded_by"] = by if by in names else None
        elif "supersed" in (r.note + r.revision).lower() and r.note:
            f["ended"] = "superseded"
            f["superseded_by"] = base if base != r.short and base in names else None
        fields[r.short] = f
    for r in parsed:  # a text adopted but not yet in force supersedes the text of the same short name
        if r.revision.startswith("NOT YET IN FORCE") and r.short in fields:
            base = _YEAR_SUFFIX.sub("", r.short)
            if base != r.short and base in fields and not fields[base]["superseded_by"]:
                fields[base]["superseded_by"] = r.short
                fields[base]["ended"] = "superseded"
    for f in fields.values():
        successor = fields.get(f["superseded_by"] or "")
        if successor is None:
            continue
        successor["supersedes"].append(f["short"])
        if f["in_force_until"] is None and successor["in_force_from"] is not None:
            f["in_force_until"] = successor["in_force_from"] - dt.timedelta(days=1)
    out = {k: LawText(**{**f, "supersedes": tuple(f["supersedes"])}) for k, f in fields.items()}
    if civil:
        first = civil[0]
        revised = _first_date(first.revision)
        out[CIVIL_CODE] = LawText(
            CIVIL_CODE, "中华人民共和国民法典", revised, _in_force_from(first.revision, revised)
        )
    return out


# --- the shipped calendar -------------------------------------------------------------------------


@lru_cache(maxsize=1)
def shipped_laws() -> dict[str, LawText]:
    """The calendar shipped with the package (data/laws.json)."""
    raw = json.loads((data_dir() / "laws.json").read_text(encoding="utf-8"))
    return {short: LawText.from_json(short, entry) for short, entry in raw.items()}
