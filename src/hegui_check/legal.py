"""Legal citation formatting: Chinese numerals, full law titles and versions shipped with the package."""

from __future__ import annotations

import json
import re
from functools import lru_cache
from typing import Any

from .questionnaire.models import Citation
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
    return json.loads((data_dir() / "laws.json").read_text(encoding="utf-8"))


def law_title(short: str) -> str:
    """The title a text is cited by: 商标法 and 商标法-2027 are both 中华人民共和国商标法."""
    return law_titles().get(short, {}).get("title", short)


def law_version(short: str) -> str:
    """The version line of a text, e.g. 2026年6月26日版本，2027年1月1日起施行."""
    return law_titles().get(short, {}).get("version", "")


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
