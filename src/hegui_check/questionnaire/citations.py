"""Checking a library's legal citations against statute texts laid out like ../shared/laws.

A citation passes when its law is a current short name of INDEX.tsv (or 民法典), the article exists,
the paragraph/item exist when given, and the quote appears in that article (or paragraph) after
removing whitespace and punctuation.
"""

from __future__ import annotations

import csv
import re
from dataclasses import dataclass, field
from pathlib import Path

from .loader import Questionnaire

_CN = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
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
    current: dict[str, LawText]
    outdated: dict[str, str]  # short name -> note (superseded / repealed)


def load_laws(laws_dir: Path) -> LawLibrary:
    """Read INDEX.tsv and every listed file; raises OSError if the index is missing."""
    laws_dir = Path(laws_dir)
    current: dict[str, LawText] = {}
    outdated: dict[str, str] = {}
    with (laws_dir / "INDEX.tsv").open(encoding="utf-8") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    for row in rows:
        name = (row.get("short_name") or "").strip()
        path = laws_dir / (row.get("file") or "")
        if "(" in name:
            base = name.split("(")[0].strip()
            outdated[base] = name[name.index("(") + 1 :].rstrip(")")
            continue
        if not path.is_file():
            continue
        text = _parse_articles(path.read_text(encoding="utf-8"))
        current.setdefault(name, LawText(name)).articles.update(text)
        if name.startswith("民法典-"):  # the civil code numbers its articles across its books
            current.setdefault("民法典", LawText("民法典")).articles.update(text)
    return LawLibrary(current, outdated)


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


def check_citations(q: Questionnaire, laws: LawLibrary) -> tuple[list[str], int]:
    """All citation problems of ``q`` as located messages, and the number of citations checked."""
    problems: list[str] = []
    count = 0
    for module in q.modules:
        for item in module.items:
            for n, c in enumerate(item.basis, 1):
                count += 1
                where = f"{module.source}: {item.id}: basis[{n}]"
                law = laws.current.get(c.law)
                if law is None:
                    if c.law in laws.outdated:
                        problems.append(f"{where}: 《{c.law}》已不是现行文本（{laws.outdated[c.law]}），请改引现行法律")
                    else:
                        problems.append(f"{where}: 法规库中没有《{c.law}》（应为 INDEX.tsv 中的简称，或“民法典”）")
                    continue
                paras = law.articles.get(article_key(c.article))
                if paras is None:
                    problems.append(f"{where}: 《{c.law}》没有第 {c.article} 条")
                    continue
                scope = paras
                if c.paragraph:
                    if c.paragraph > len(paras):
                        problems.append(f"{where}: 《{c.law}》第 {c.article} 条只有 {len(paras)} 款，没有第 {c.paragraph} 款")
                        continue
                    scope = [paras[c.paragraph - 1]]
                if c.item:
                    marker = f"（{_int_to_cn(c.item)}）"
                    if not any(marker in p.replace("(", "（").replace(")", "）") for p in scope):
                        problems.append(f"{where}: 《{c.law}》第 {c.article} 条中找不到第{marker}项")
                        continue
                if normalize(c.quote) not in normalize("".join(scope)):
                    para = f"第 {c.paragraph} 款" if c.paragraph else ""
                    problems.append(f"{where}: 引文“{c.quote}”不在《{c.law}》第 {c.article} 条{para}的现行条文中")
    return problems, count


def _int_to_cn(n: int) -> str:
    from ..legal import chinese_number

    return chinese_number(n)
