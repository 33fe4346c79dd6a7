"""Region names as firms write them ("温州鹿城", "浙江省温州市鹿城区", "鹿城区") normalised to one
province/city/district form, so an association's statistics count one region once.

A small bundled table (data/regions.json: Zhejiang, Jiangsu, Chongqing, where the product's users are)
resolves short forms; elsewhere the 省/市/区/县 suffixes are parsed; text that matches nothing is kept
as given.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import lru_cache

from .resources import data_dir

_SUFFIXES = ("自治县", "自治州", "特别行政区", "自治区", "新区", "省", "市", "区", "县", "旗", "州", "盟")
_MUNICIPALITIES = ("北京市", "天津市", "上海市", "重庆市")
_PARSE = re.compile(
    r"^(?P<p>.+?(?:省|自治区|特别行政区))?(?P<c>.+?(?:市|自治州|州|盟|地区))?(?P<d>.+?(?:区|县|市|旗))?$"
)


@dataclass(frozen=True)
class Region:
    province: str = ""
    city: str = ""
    district: str = ""
    raw: str = ""

    @property
    def known(self) -> bool:
        return bool(self.province or self.city or self.district)

    @property
    def label(self) -> str:
        """'浙江省温州市鹿城区' (a municipality once: '重庆市渝北区'); the raw text when unknown."""
        if not self.known:
            return self.raw
        city = "" if self.city == self.province else self.city
        return f"{self.province}{city}{self.district}"

    def at(self, level: str) -> str:
        """The region cut at 'province', 'city' or 'district' (the coarser parts kept)."""
        if not self.known:
            return self.raw
        if level == "province":
            return self.province or self.label
        if level == "city":
            city = "" if self.city == self.province else self.city
            return f"{self.province}{city}" or self.label
        return self.label


def _short(name: str) -> str:
    for suffix in _SUFFIXES:
        if name.endswith(suffix) and len(name) > len(suffix) + 1:
            return name[: -len(suffix)]
    return name


@lru_cache(maxsize=1)
def _table() -> tuple[dict[str, tuple[str, str]], dict[str, list[tuple[str, str, str]]]]:
    """city name and short name -> (province, city); district name and short name -> [(p, c, d)]."""
    data: dict[str, dict[str, list[str]]] = json.loads(
        (data_dir() / "regions.json").read_text(encoding="utf-8")
    )
    cities: dict[str, tuple[str, str]] = {}
    districts: dict[str, list[tuple[str, str, str]]] = {}
    for province, members in data.items():
        for city, names in members.items():
            for key in {city, _short(city)}:
                cities.setdefault(key, (province, city))
            for district in names:
                for key in {district, _short(district)}:
                    districts.setdefault(key, []).append((province, city, district))
    return cities, districts


def normalize_region(text: str | None) -> Region:
    """Parse a region as written; unknown text is kept as given (``Region.raw``)."""
    return _parse_region(re.sub(r"\s+", "", str(text or "")))


@lru_cache(maxsize=4096)  # a batch's firms name the same few regions again and again
def _parse_region(raw: str) -> Region:
    if not raw:
        return Region(raw="")
    cities, districts = _table()
    rest = raw
    province = next(
        (p for p in ("浙江省", "江苏省", "重庆市", "浙江", "江苏", "重庆") if rest.startswith(p)), ""
    )
    if province:
        rest = rest[len(province) :]
        province = (
            province if province.endswith(("省", "市")) else province + ("市" if province == "重庆" else "省")
        )
    # the longest city name at the start of the rest, then the longest district name after it
    city = ""
    for size in range(min(len(rest), 5), 1, -1):
        hit = cities.get(rest[:size])
        if hit and (not province or hit[0] == province):
            province, city = hit
            rest = rest[size:]
            break
    if province == "重庆市":
        city = "重庆市"
    district = ""
    if rest:
        for size in range(min(len(rest), 10), 1, -1):
            options = [
                d
                for d in districts.get(rest[:size], [])
                if (not city or d[1] == city) and (not province or d[0] == province)
            ]
            if len(options) == 1:
                province, city, district = options[0]
                rest = rest[size:]
                break
    if (province or city or district) and not rest:
        return Region(province, city, district, raw)
    if not province and not city:
        m = _PARSE.match(raw)
        if m and (m.group("p") or m.group("c") or m.group("d")):
            p, c, d = (m.group("p") or ""), (m.group("c") or ""), (m.group("d") or "")
            if p in _MUNICIPALITIES:
                c = p
            return Region(p, c, d, raw)
    return Region(raw=raw) if not (province or city) else Region(province, city, district, raw)


@lru_cache(maxsize=1)
def region_prefixes() -> tuple[str, ...]:
    """Every province, city and district name of the table, full and short, longest first."""
    cities, districts = _table()
    names = set(cities) | set(districts) | {"浙江省", "江苏省", "重庆市", "浙江", "江苏", "重庆"}
    return tuple(sorted((n for n in names if len(n) >= 2), key=len, reverse=True))
