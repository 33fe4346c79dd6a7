"""Redaction of free text for anonymised outputs: firm names of the batch, phone numbers, 统一社会信用代码,
ID-card numbers and e-mail addresses are replaced by a mark, so an anonymised industry report names no one."""

from __future__ import annotations

import re
from collections.abc import Iterable

MARK = "＊＊"
_PATTERNS = (
    re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}"),  # e-mail
    re.compile(r"(?<![0-9A-Za-z])[0-9A-HJ-NPQRTUWXY]{2}\d{6}[0-9A-HJ-NPQRTUWXY]{10}(?![0-9A-Za-z])"),  # USCC
    re.compile(r"(?<!\d)\d{17}[\dXx](?![0-9A-Za-z])"),  # 居民身份证号码
    re.compile(r"(?<!\d)(?:\+?86[- ]?)?1[3-9]\d(?:[- ]?\d{4}){2}(?!\d)"),  # mobile
    re.compile(r"(?<!\d)0\d{2,3}[- ]?\d{7,8}(?!\d)"),  # landline with area code
    re.compile(r"(?<!\d)\d{7,8}(?!\d)"),  # local landline
)
_COMPANY_SUFFIXES = ("股份有限公司", "有限责任公司", "有限公司", "集团", "公司", "厂", "商行", "工作室", "店")


def _strip_region(name: str) -> str:
    """'温州市瓯江鞋业' -> '瓯江鞋业': leading province, city and district names (full or short) removed."""
    from .regions import region_prefixes

    changed = True
    while changed:
        changed = False
        for prefix in region_prefixes():
            if name.startswith(prefix) and len(name) - len(prefix) >= 2:
                name = name[len(prefix) :]
                changed = True
                break
    return name


def name_variants(names: Iterable[str]) -> list[str]:
    """The names to redact: each firm name and its distinctive part without the company-form suffix."""
    out: set[str] = set()
    for name in names:
        name = (name or "").strip()
        if len(name) < 2:
            continue
        out.add(name)
        core = name
        for suffix in _COMPANY_SUFFIXES:
            if core.endswith(suffix):
                core = core[: -len(suffix)]
                break
        if len(core) >= 4:
            out.add(core)
        bare = _strip_region(core)
        if len(bare) >= 2 and bare != core:
            out.add(bare)
    return sorted(out, key=len, reverse=True)  # longest first, so a full name goes before its part


def redact(text: str, names: Iterable[str] = ()) -> str:
    """``text`` with names, phone numbers, USCCs, ID numbers and e-mail addresses replaced by ＊＊."""
    for name in names:
        if name:
            text = text.replace(name, MARK)
    for pattern in _PATTERNS:
        text = pattern.sub(MARK, text)
    return text
