"""Checking a library's legal citations against statute texts laid out like ../shared/laws.

Every text a basis entry cites (the base citation and each of its ``versions``) is checked against its
own statute text: the law is a short name of INDEX.tsv (or 民法典), the article exists, the paragraph/item
exist when given, and the quote appears in that article (or paragraph) after removing whitespace and
punctuation. Dates are checked too: a version may not start before its text takes effect, a text may
not be cited past its last day in force, and the text an entry cites today must not be superseded or
repealed. ``check_as_of`` lists the citations that on a given date point at a text not in force then.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Optional

from .. import lawbook
from .loader import Questionnaire
from .models import Citation

_CN = {
    "零": 0,
    "〇": 0,
    "一": 1,
    "二": 2,
    "两": 2,
    "三": 3,
    "四": 4,
    "五": 5,
    "六": 6,
    "七": 7,
    "八": 8,
    "九": 9,
}
_UNIT = {"十": 10, "百": 100, "千": 1000}
_ARTICLE = re.compile(r"^\s*第([一二三四五六七八九十百千零〇两\d]+)条(之[一二三四五六七八九十]+)?")
_ITEM_LINE = re.compile(r"^\s*[（(][一二三四五六七八九十]+[）)]")
_PUNCT = re.compile(r"[\s，,。；;：:、“”\"'‘’（）()《》〈〉【】！!？?—…·]")


def cn_to_int(s: str) -> int:
    if s.isdigit():
        return int(s)
    total, cur = 0, 0
    for ch in s:
        if ch in _CN:
            cur = _CN[ch]
        elif ch in _UNIT:
            total += (cur or 1) * _UNIT[ch]
            cur = 0
    return total + cur


def normalize(text: str) -> str:
    return _PUNCT.sub("", text)


def article_key(article: int | str) -> str:
    if isinstance(article, int):
        return str(article)
    main, _, suffix = str(article).partition("之")
    return main + (f"之{cn_to_int(suffix)}" if suffix else "")


@dataclass
class LawText:
    short: str
    articles: dict[str, list[str]] = field(default_factory=dict)  # key -> paragraphs


@dataclass
class LawLibrary:
    """Statute texts of a laws folder: every text listed in its INDEX.tsv (in force, superseded,
    repealed or not yet in force) and the calendar of their dates."""

    texts: dict[str, LawText]
    calendar: dict[str, lawbook.LawText]
    notes: dict[str, str] = field(default_factory=dict)  # short name -> INDEX note (superseded / repealed)


def load_laws(laws_dir: Path) -> LawLibrary:
    """Read INDEX.tsv and every listed file; raises OSError if the index is missing."""
    laws_dir = Path(laws_dir)
    texts: dict[str, LawText] = {}
    notes: dict[str, str] = {}
    with (laws_dir / "INDEX.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        raw = (row.get("short_name") or "").strip()
        name, _, note = raw.partition("(")
        name = name.strip()
        if note:
            notes[name] = note.rstrip(")").strip()
        path = laws_dir / (row.get("file") or "")
        if not name or not path.is_file():
            continue
        text = _parse_articles(path.read_text(encoding="utf-8"))
        texts.setdefault(name, LawText(name)).articles.update(text)
        if name.startswith("民法典-"):  # the civil code numbers its articles across its books
            texts.setdefault("民法典", LawText("民法典")).articles.update(text)
    return LawLibrary(texts, lawbook.parse_index(rows), notes)


def _parse_articles(text: str) -> dict[str, list[str]]:
    articles: dict[str, list[str]] = {}
    cur: list[str] | None = None
    for line in text.splitlines():
        m = _ARTICLE.match(line)
        if m:
            key = str(cn_to_int(m.group(1))) + (f"之{cn_to_int(m.group(2)[1:])}" if m.group(2) else "")
            cur = articles.setdefault(key, [])
            cur.append(line.strip())
        elif line.startswith("#"):
            cur = None
        elif cur is not None and line.strip():
            if _ITEM_LINE.match(line) and len(cur) > 0:
                cur[-1] += "\n" + line.strip()  # 项 belong to the paragraph (款) that lists them
            else:
                cur.append(line.strip())
    return articles


def _window(c: Citation) -> list[tuple[str, Citation, Optional[dt.date], Optional[dt.date]]]:
    """Each text an entry cites with the dates it applies: (label, citation, from, until-exclusive)."""
    texts = c.texts()
    out = []
    for k, (start, cited) in enumerate(texts):
        end = texts[k + 1][0] if k + 1 < len(texts) else None
        out.append(("" if start is None else f".versions[{k}]", cited, start, end))  # 1-based, like basis[n]
    return out


def check_citations(
    q: Questionnaire, laws: LawLibrary, today: Optional[dt.date] = None
) -> tuple[list[str], int]:
    """All citation problems of ``q`` as located messages, and the number of texts cited (every
    version of every basis entry is checked against its own text). ``today`` decides which texts
    are current (default: the computer's date)."""
    today = today or dt.date.today()
    problems: list[str] = []
    count = 0
    for module in q.modules:
        for item in module.items:
            for n, entry in enumerate(item.basis, 1):
                for label, c, start, end in _window(entry):
                    count += 1
                    where = f"{module.source}: {item.id}: basis[{n}]{label}"
                    problem = _check_dates(c, start, end, laws, today) or _check_text(c, laws)
                    if problem:
                        problems.append(f"{where}: {problem}")
    return problems, count


def _check_dates(
    c: Citation, start: Optional[dt.date], end: Optional[dt.date], laws: LawLibrary, today: dt.date
) -> Optional[str]:
    cal = laws.calendar.get(c.law)
    if cal is None:
        return None
    if start is not None and cal.in_force_from is not None and start < cal.in_force_from:
        return (
            f"from {start} 早于《{c.law}》的施行日期 {cal.in_force_from}；"
            f"该文本只能用于 from 不早于 {cal.in_force_from} 的版本"
        )
    if end is not None and cal.in_force_until is not None and end > cal.in_force_until + dt.timedelta(days=1):
        after = cal.in_force_until + dt.timedelta(days=1)
        return (
            f"《{c.law}》只施行到 {cal.in_force_until}，本条却引用它到 {end - dt.timedelta(days=1)}；"
            f"下一个版本的 from 应为 {after}"
        )
    applies_today = (start is None or start <= today) and (end is None or today < end)
    undated = cal.in_force_until is None and c.law in laws.notes  # marked outdated, date unknown
    if applies_today and (cal.status_on(today) == "no_longer" or undated):
        note = laws.notes.get(c.law) or f"施行至 {cal.in_force_until}"
        successor = f"《{cal.superseded_by}》" if cal.superseded_by else "现行法律"
        return f"《{c.law}》已不是现行文本（{note}），请改引{successor}，或在 versions 中加上现行文本"
    return None


def _check_text(c: Citation, laws: LawLibrary) -> Optional[str]:
    law = laws.texts.get(c.law)
    if law is None:
        if c.law in laws.notes:
            return f"《{c.law}》已不是现行文本（{laws.notes[c.law]}），请改引现行法律"
        return f"法规库中没有《{c.law}》（应为 INDEX.tsv 中的简称，或“民法典”）"
    paras = law.articles.get(article_key(c.article))
    if paras is None:
        return f"《{c.law}》没有第 {c.article} 条"
    scope = paras
    if c.paragraph:
        if c.paragraph > len(paras):
            return f"《{c.law}》第 {c.article} 条只有 {len(paras)} 款，没有第 {c.paragraph} 款"
        scope = [paras[c.paragraph - 1]]
    if c.item:
        marker = f"（{_int_to_cn(c.item)}）"
        if not any(marker in p.replace("(", "（").replace(")", "）") for p in scope):
            return f"《{c.law}》第 {c.article} 条中找不到第{marker}项"
    if normalize(c.quote) not in normalize("".join(scope)):
        para = f"第 {c.paragraph} 款" if c.paragraph else ""
        return f"引文“{c.quote}”不在《{c.law}》第 {c.article} 条{para}的条文中"
    return None


@dataclass(frozen=True)
class OutOfForce:
    """A citation that, on a date, points at a text not yet or no longer in force."""

    source: str
    item_id: str
    n: int  # 1-based position in basis
    cited: Citation
    text: lawbook.LawText
    status: lawbook.Status
    in_force: Optional[lawbook.LawText]  # the text of that law in force on the date, if known

    def message(self, date: dt.date) -> str:
        from ..legal import cite

        where = f"{self.source}: {self.item_id}: basis[{self.n}]"
        what = f"{date} 引用{cite(self.cited, full=False)}，即 {self.text.short}（{self.text.dated}）"
        if self.status == "no_longer":
            state = f"该文本已于 {self.text.in_force_until} 失效"
        else:
            state = f"该文本 {self.text.in_force_from} 才施行"
        if self.in_force is None:
            now = "法规库中没有当日施行的文本"
        elif self.status == "no_longer":
            now = (
                f"当日施行的是 {self.in_force.short}（{self.in_force.dated}），"
                f"请在 versions 中加上它的条号和原文"
            )
        else:
            now = f"当日施行的是 {self.in_force.short}（{self.in_force.dated}）"
        return f"{where}: {what}，{state}；{now}"


def check_as_of(
    q: Questionnaire, date: dt.date, calendar: Optional[lawbook.Calendar] = None
) -> tuple[list[OutOfForce], int]:
    """Citations of ``q`` that on ``date`` point at a text not in force that day (dates from the
    shipped laws.json unless ``calendar`` is given), and the number of citations looked at. Laws the
    calendar does not know are not judged."""
    calendar = lawbook.shipped_laws() if calendar is None else calendar
    found: list[OutOfForce] = []
    count = 0
    for module in q.modules:
        for item in module.items:
            for n, entry in enumerate(item.basis, 1):
                count += 1
                cited = entry.at(date)
                text = calendar.get(cited.law)
                if text is None:
                    continue
                status = text.status_on(date)
                if status != "in_force":
                    found.append(
                        OutOfForce(
                            module.source,
                            item.id,
                            n,
                            cited,
                            text,
                            status,
                            lawbook.text_in_force(calendar, cited.law, date),
                        )
                    )
    return found, count


def _int_to_cn(n: int) -> str:
    from ..legal import chinese_number

    return chinese_number(n)
