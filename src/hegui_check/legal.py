"""Legal citation formatting: Chinese numerals, full law titles and versions shipped with the package,
the citations that apply on a date, and warnings when the checklist lags behind the law."""

from __future__ import annotations

import datetime as dt
import json
import re
from bisect import bisect_right
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from .lawbook import Calendar, shipped_laws, text_in_force
from .questionnaire.models import Citation, Item
from .resources import data_dir

_DIGITS = "零一二三四五六七八九"
_YEAR_SUFFIX = re.compile(r"-\d{4}$")


def chinese_number(n: int) -> str:
    """1 → 一, 10 → 十, 21 → 二十一, 105 → 一百零五, 1242 → 一千二百四十二 (1 ≤ n ≤ 9999)."""
    if not 0 < n < 10000:
        return str(n)
    if n < 10:
        return _DIGITS[n]
    if n < 20:
        return "十" + (_DIGITS[n % 10] if n % 10 else "")
    out = ""
    zero = False
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        d = n // value % 10
        if d:
            if zero and out:
                out += "零"
            out += _DIGITS[d] + unit
            zero = False
        elif out:
            zero = True
    return out


def article_text(article: int | str) -> str:
    """Render an article number: 10 → 第十条, "276之一" → 第二百七十六条之一."""
    if isinstance(article, int):
        return f"第{chinese_number(article)}条"
    main, _, suffix = str(article).partition("之")
    return f"第{chinese_number(int(main))}条" + (f"之{suffix}" if suffix else "")


@lru_cache(maxsize=1)
def law_titles() -> dict[str, dict[str, Any]]:
    """Every text in data/laws.json by short name: title, version line and dates (see lawbook)."""
    data: dict[str, dict[str, Any]] = json.loads((data_dir() / "laws.json").read_text(encoding="utf-8"))
    return data


def law_title(short: str) -> str:
    """The title a text is cited by: 商标法 and 商标法-2027 are both 中华人民共和国商标法."""
    return str(law_titles().get(short, {}).get("title", short))


def law_version(short: str) -> str:
    """The version line of a text, e.g. 2026年6月26日版本，2027年1月1日起施行."""
    return str(law_titles().get(short, {}).get("version", ""))


def short_name(law: str) -> str:
    """The name a reader knows a text by: 商标法-2027 → 商标法 (the version is shown elsewhere)."""
    return _YEAR_SUFFIX.sub("", law)


def cite(c: Citation, full: bool = True) -> str:
    """《中华人民共和国劳动合同法》第八十二条第一款 (full) or 《劳动合同法》第八十二条 (short)."""
    name = law_title(c.law) if full else short_name(c.law)
    text = f"《{name}》{article_text(c.article)}"
    if c.paragraph:
        text += f"第{chinese_number(c.paragraph)}款"
    if c.item:
        text += f"第（{chinese_number(c.item)}）项"
    return text


def _article_order(article: int | str) -> tuple[int, int]:
    if isinstance(article, int):
        return article, 0
    main, _, suffix = str(article).partition("之")
    return int(main), (_cn_small(suffix) if suffix else 0)


def _cn_small(s: str) -> int:
    if s == "十":
        return 10
    tens, _, ones = s.partition("十")
    if "十" in s:
        return (_DIGITS.index(tens) if tens else 1) * 10 + (_DIGITS.index(ones) if ones else 0)
    return _DIGITS.index(s) if s in _DIGITS else 0


def cited_at(basis: Iterable[Citation], date: dt.date | None) -> list[Citation]:
    """The citations of ``basis`` in the texts that apply on ``date``, in article order: grouped by
    law (in the order the laws first appear), then by article, paragraph and item."""
    texts = [c.at(date) for c in basis]
    rank: dict[str, int] = {}
    for c in texts:
        rank.setdefault(c.law, len(rank))
    return sorted(
        texts, key=lambda c: (rank[c.law], _article_order(c.article), c.paragraph or 0, c.item or 0)
    )


@dataclass(frozen=True)
class BasisLine:
    """One cited provision as the report shows it, with the quoted phrases of every entry citing it."""

    citation: str  # 《中华人民共和国商标法》第七十二条第（一）项
    short: str  # 《商标法》第七十二条第（一）项
    law: str  # the text cited: 商标法-2027
    quotes: tuple[str, ...]


_LINES: dict[tuple[int, ...], tuple[list[Citation], list[BasisLine]]] = {}
_LINES_MAX = 20_000  # distinct (item, texts in force) pairs remembered; far above one library's


def basis_lines(basis: Iterable[Citation], date: dt.date | None) -> list[BasisLine]:
    """The legal basis of an item on ``date``: one line per distinct provision, in article order.

    Remembered per set of texts in force (the same for most dates), since a batch cites the same items
    for thousands of companies."""
    texts = [c.at(date) for c in basis]
    key = tuple(map(id, texts))
    hit = _LINES.get(key)
    if hit is not None:
        return list(hit[1])
    lines = _basis_lines(texts, date)
    if len(_LINES) >= _LINES_MAX:
        _LINES.clear()
    _LINES[key] = (texts, lines)  # the texts are kept, so their ids stay theirs
    return list(lines)


def _basis_lines(basis: Iterable[Citation], date: dt.date | None) -> list[BasisLine]:
    lines: dict[str, BasisLine] = {}
    for c in cited_at(basis, date):
        key = cite(c)
        old = lines.get(key)
        quotes = (old.quotes if old else ()) + ((c.quote,) if not old or c.quote not in old.quotes else ())
        lines[key] = BasisLine(key, cite(c, full=False), c.law, quotes)
    return list(lines.values())


@dataclass(frozen=True)
class CurrencyWarning:
    """On the assessment date a text cited by the checklist is no longer in force."""

    law: str  # the text the checklist still cites, e.g. 商标法
    in_force: str | None  # the text in force that day, e.g. 商标法-2027
    effective: dt.date | None  # the day the text in force took effect (the old one stopped applying)
    items: tuple[str, ...]  # item ids
    message: str


def _item_currency(item: Item, date: dt.date, calendar: Calendar) -> tuple[tuple[str, str | None], ...]:
    """The texts ``item`` cites on ``date`` that are no longer in force then: (text, the text in force)."""
    out = []
    for entry in item.basis:
        cited = entry.at(date)
        text = calendar.get(cited.law)
        if text is None or text.status_on(date) != "no_longer":
            continue
        now = text_in_force(calendar, cited.law, date)
        out.append((cited.law, now.short if now else None))
    return tuple(out)


class TextsOnDate:
    """For one library and law calendar: what an item cites on a date, worked out once per item and span
    of dates. Between two dates on which a text of the calendar comes into force or ends, or a later
    version of one of the item's citations or of its liability applies, every answer is the same."""

    def __init__(self, calendar: Calendar | None = None):
        self.calendar = shipped_laws() if calendar is None else calendar
        ends = (t.in_force_until + dt.timedelta(days=1) for t in self.calendar.values() if t.in_force_until)
        starts = (t.in_force_from for t in self.calendar.values() if t.in_force_from)
        self._breaks = tuple(sorted({*starts, *ends}))
        self._item_dates: dict[str, tuple[dt.date, ...]] = {}
        self._ending: dict[str, bool] = {}  # per item: does one of the texts it may cite ever end
        self._currency: dict[tuple[str, tuple[int, int]], tuple[tuple[str, str | None], ...]] = {}

    def _dates(self, item: Item) -> tuple[dt.date, ...]:
        """The dates from which a later version of one of ``item``'s citations, or of its liability, applies."""
        dates = self._item_dates.get(item.id)
        if dates is None:
            found = {v.from_ for c in item.basis for v in c.versions}
            if isinstance(item.liability, tuple):
                found.update(v.from_ for v in item.liability if v.from_ is not None)
            dates = self._item_dates[item.id] = tuple(sorted(found))
        return dates

    def cited(self, item: Item, date: dt.date | None) -> int | None:
        """The same number for two dates on which ``item`` cites the same texts and has the same liability
        text (None for no date)."""
        if date is None:
            return None
        dates = self._dates(item)
        return bisect_right(dates, date) if dates else 0

    def may_end(self, item: Item) -> bool:
        """Does one of the texts ``item`` may cite (in any version) ever stop being in force."""
        ends = self._ending.get(item.id)
        if ends is None:
            texts = (self.calendar.get(c.law) for e in item.basis for _, c in e.texts())
            ends = self._ending[item.id] = any(t is not None and t.in_force_until is not None for t in texts)
        return ends

    def currency(self, items: Iterable[Item], date: dt.date) -> Iterator[tuple[Item, tuple[str, str | None]]]:
        """(item, (text it cites on ``date`` that is no longer in force then, the text in force)) pairs."""
        in_force = bisect_right(self._breaks, date)
        memo = self._currency
        for item in items:
            if not self.may_end(item):  # an item whose texts are all still in force is never out of date
                continue
            dates = self._dates(item)
            key = (item.id, (bisect_right(dates, date) if dates else 0, in_force))
            found = memo.get(key)
            if found is None:
                found = memo[key] = _item_currency(item, date, self.calendar)
            for cited in found:
                yield item, cited


def law_currency_warnings(
    items: Iterable[Item],
    date: dt.date | None,
    calendar: Calendar | None = None,
    texts: TextsOnDate | None = None,
) -> list[CurrencyWarning]:
    """Warnings for the texts that took effect on or before ``date`` but that some of ``items`` do
    not cite yet: on that date those items still point at a superseded or repealed text. ``texts``
    (for ``calendar``) remembers each item's texts for the batch's next company."""
    if date is None:
        return []
    calendar = shipped_laws() if calendar is None else calendar
    hits: dict[tuple[str, str | None], list[Item]] = {}
    pairs = (
        texts.currency(items, date)
        if texts is not None
        else ((item, cited) for item in items for cited in _item_currency(item, date, calendar))
    )
    for item, key in pairs:
        found = hits.setdefault(key, [])
        if item not in found:
            found.append(item)
    out = []
    for (law, now_short), found in hits.items():
        old = calendar[law]
        now = calendar.get(now_short or "")
        names = "、".join(i.short_title for i in found[:5]) + ("等" if len(found) > 5 else "")
        pending = (
            f"清单中的部分引用尚未更新，仍是此前文本的条号和原文（涉及 {len(found)} 道题：{names}），"
            f"相关结论请以现行文本为准，并及时更新检查清单。"
        )
        effective: dt.date | None
        if now is not None and now.in_force_from is not None:
            effective = now.in_force_from
            when = "晚于" if date > effective else "即为"
            if now.title == old.title and now.revised is not None:
                what = f"《{now.title}》{now.revised.year} 年修订文本的施行日期（{effective}）"
            else:
                what = f"《{now.title}》的施行日期（{effective}，《{old.title}》自该日起不再施行）"
            message = f"本次评估日期（{date}）{when}{what}，{pending}"
        else:
            effective = old.in_force_until + dt.timedelta(days=1) if old.in_force_until else None
            message = f"《{old.title}》自 {effective} 起不再施行，{pending}"
        out.append(CurrencyWarning(law, now_short, effective, tuple(i.id for i in found), message))
    return out
