"""Strict models of the checklist files (SPEC §3): unknown keys are rejected, required fields enforced."""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Literal, Optional, Union, cast

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, field_validator, model_validator

from ..vocabulary import RISK_ORDER as RISK_ORDER
from ..vocabulary import RISK_WEIGHTS as RISK_WEIGHTS
from .conditions import Condition

ID_PART = r"[a-z][a-z0-9_]*"
MODULE_RE = re.compile(rf"^{ID_PART}$")
ITEM_ID_RE = re.compile(rf"^({ID_PART})\.({ID_PART})$")
ARTICLE_RE = re.compile(r"^\d+(之[一二三四五六七八九十]+)?$")


class ItemType(str, Enum):
    status = "status"
    choice = "choice"
    multi = "multi"
    number = "number"
    boolean = "boolean"
    text = "text"


SCORED_TYPES = frozenset({ItemType.status, ItemType.choice, ItemType.multi, ItemType.number})


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


def _check_article(v: Union[int, str]) -> Union[int, str]:
    if isinstance(v, bool):
        raise ValueError("条号应为整数，或“276之一”这样的文字")
    if isinstance(v, int):
        if v < 1:
            raise ValueError("条号应为正整数")
        return v
    s = v.strip().removeprefix("第").removesuffix("条")
    if s.isdigit():
        return int(s)
    if not ARTICLE_RE.match(s):
        raise ValueError(f"条号“{v}”无法识别，应为整数或“276之一”")
    return s


class _CitedText(_Strict):
    """The fields that locate and quote one provision: law (a short name of the statute index), article,
    optional paragraph (款) and item (项), and an exact phrase of it."""

    law: str = Field(min_length=1)
    article: Union[int, str]
    paragraph: Optional[int] = Field(default=None, ge=1)
    item: Optional[int] = Field(default=None, ge=1)
    quote: str = Field(min_length=2)

    @field_validator("law")
    @classmethod
    def _law(cls, v: str) -> str:
        return v.strip("《》 ")

    @field_validator("article")
    @classmethod
    def _article(cls, v: Union[int, str]) -> Union[int, str]:
        return _check_article(v)

    def plain(self) -> Citation:
        """This provision as a one-version citation."""
        return Citation(
            law=self.law, article=self.article, paragraph=self.paragraph, item=self.item, quote=self.quote
        )


class CitationVersion(_CitedText):
    """The same citation in a later text of the law (e.g. 商标法-2027), applying from ``from``."""

    from_: dt.date = Field(alias="from")

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


class Citation(_CitedText):
    """One legal basis. The top-level fields cite the text in force before the first of ``versions``;
    each version cites a later text of the law from its ``from`` date (SPEC §3, docs/citations.md)."""

    versions: tuple[CitationVersion, ...] = ()

    @field_validator("versions")
    @classmethod
    def _versions(cls, v: tuple[CitationVersion, ...]) -> tuple[CitationVersion, ...]:
        dates = [x.from_ for x in v]
        if dates != sorted(set(dates)):
            raise ValueError("versions 应按 from 日期从早到晚排列，且日期不重复")
        return v

    def at(self, date: Optional[dt.date]) -> Citation:
        """The citation of the text that applies on ``date`` (the base text when ``date`` is None)."""
        chosen: Citation = self
        if date is not None:
            for v in self.versions:
                if v.from_ <= date:
                    chosen = v.plain()
        return chosen

    def texts(self) -> list[tuple[Optional[dt.date], Citation]]:
        """Every text this entry cites: (applies-from date or None for the base text, citation)."""
        return [(None, self.plain()), *((v.from_, v.plain()) for v in self.versions)]


class DatedText(_Strict):
    """A text (e.g. a liability sentence) that applies from a date; the first entry may omit ``from``."""

    from_: Optional[dt.date] = Field(default=None, alias="from")
    text: str = Field(min_length=1)

    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, populate_by_name=True)


def text_at(value: Union[str, tuple[DatedText, ...], None], date: Optional[dt.date]) -> Optional[str]:
    """The text of a possibly dated field that applies on ``date`` (the first when ``date`` is None)."""
    if value is None or isinstance(value, str):
        return value
    chosen = value[0].text
    if date is not None:
        for v in value:
            if v.from_ is None or v.from_ <= date:
                chosen = v.text
    return chosen


class Option(_Strict):
    value: str = Field(pattern=r"^[A-Za-z0-9_]+$")
    label: str = Field(min_length=1)
    score: Optional[float] = Field(default=None, ge=0, le=1)
    good: Optional[bool] = None


class Threshold(_Strict):
    upto: Optional[float] = None
    score: float = Field(ge=0, le=1)


class Item(_Strict):
    id: str
    question: str = Field(min_length=2)
    type: ItemType
    title: Optional[str] = None
    help: Optional[str] = None
    risk: Optional[Literal["红线", "高", "中", "低"]] = None
    when: Optional[str] = None
    practice: bool = False
    key: bool = False  # one of the duties inspectors most often find broken: asked in a quick check
    violation: Optional[str] = None
    basis: list[Citation] = Field(default_factory=list)
    liability: Union[str, tuple[DatedText, ...], None] = None
    remedy: Optional[str] = None
    evidence: list[str] = Field(default_factory=list)
    lenient: Optional[str] = None
    options: list[Option] = Field(default_factory=list)
    thresholds: list[Threshold] = Field(default_factory=list)

    _when: Optional[Condition] = PrivateAttr(default=None)

    @field_validator("id")
    @classmethod
    def _id(cls, v: str) -> str:
        if not ITEM_ID_RE.match(v):
            raise ValueError(f"id “{v}” 应为 <模块>.<名称>，只用小写字母、数字和下划线")
        return v

    @field_validator("liability")
    @classmethod
    def _liability(
        cls, v: Union[str, tuple[DatedText, ...], None]
    ) -> Union[str, tuple[DatedText, ...], None]:
        if isinstance(v, tuple):
            if not v:
                raise ValueError("liability 不能为空列表")
            if any(x.from_ is None for x in v[1:]):
                raise ValueError("liability 分版本时，除第一条外每条都要写 from 日期")
            dates = [x.from_ for x in v if x.from_ is not None]
            if dates != sorted(set(dates)):
                raise ValueError("liability 的各版本应按 from 日期从早到晚排列，且日期不重复")
        return v

    @field_validator("evidence", mode="before")
    @classmethod
    def _evidence(cls, v: object) -> object:
        return [v] if isinstance(v, str) else v

    @model_validator(mode="after")
    def _by_type(self) -> Item:
        missing = []
        if self.scored:
            for name in ("risk", "violation", "liability", "remedy"):
                if not getattr(self, name):
                    missing.append(name)
            if not self.basis:
                missing.append("basis")
        if missing:
            raise ValueError(f"计分题缺少字段：{', '.join(missing)}")
        if self.type in (ItemType.choice, ItemType.multi):
            if len(self.options) < 2:
                raise ValueError(f"{self.type.value} 题至少要有两个 options")
            values = [o.value for o in self.options]
            if len(set(values)) != len(values):
                raise ValueError("options 的 value 有重复")
            if self.type is ItemType.choice and any(o.score is None for o in self.options):
                raise ValueError("choice 题的每个选项都要有 score（0 到 1）")
            if self.type is ItemType.choice and max(o.score or 0 for o in self.options) < 1:
                raise ValueError("choice 题至少要有一个 score 为 1 的选项（完全合规）")
            if self.type is ItemType.multi and not any(o.good is not False for o in self.options):
                raise ValueError("multi 题至少要有一个 good 选项")
        elif self.options:
            raise ValueError(f"只有 choice / multi 题可以有 options，本题是 {self.type.value}")
        if self.type is ItemType.number:
            if not self.thresholds:
                raise ValueError("number 题要有 thresholds")
            if self.thresholds[-1].upto is not None:
                raise ValueError("thresholds 的最后一档不应有 upto（覆盖其余所有数值）")
            if max(t.score for t in self.thresholds) < 1:
                raise ValueError("thresholds 至少要有一档 score 为 1")
        elif self.thresholds:
            raise ValueError("只有 number 题可以有 thresholds")
        if not self.scored and (self.risk or self.basis):
            raise ValueError(f"{self.type.value} 题不计分，不应有 risk 或 basis")
        return self

    @property
    def scored(self) -> bool:
        return self.type in SCORED_TYPES

    @property
    def module_id(self) -> str:
        return self.id.split(".", 1)[0]

    @property
    def weight(self) -> int:
        return RISK_WEIGHTS[self.risk] if self.risk else 0

    @property
    def short_title(self) -> str:
        return self.title or self.question

    @property
    def condition(self) -> Optional[Condition]:
        return cast(Optional[Condition], self.__pydantic_private__["_when"])  # type: ignore[index]  # pydantic's __getattr__ is slow

    def liability_at(self, date: Optional[dt.date]) -> Optional[str]:
        """The liability text that applies on ``date`` (liability may change with a revised law)."""
        return text_at(self.liability, date)


class Module(_Strict):
    module: str
    title: str = Field(min_length=1)
    version: Optional[str] = None
    description: Optional[str] = None
    applies_when: Optional[str] = None
    items: list[Item] = Field(min_length=1)

    _applies: Optional[Condition] = PrivateAttr(default=None)
    _kind: str = PrivateAttr(default="core")
    _source: str = PrivateAttr(default="")

    @field_validator("module")
    @classmethod
    def _module(cls, v: str) -> str:
        if not MODULE_RE.match(v) or v == "profile":
            raise ValueError(f"模块 id “{v}” 应只用小写字母、数字和下划线（profile 为保留名）")
        return v

    @property
    def kind(self) -> str:
        return self._kind

    @property
    def source(self) -> str:
        return self._source

    @property
    def condition(self) -> Optional[Condition]:
        return self._applies

    @property
    def scored_items(self) -> list[Item]:
        return [i for i in self.items if i.scored]


class ProfileQuestion(_Strict):
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$")
    group: Literal["company", "facts"]
    type: Literal["text", "number", "choice", "boolean"]
    question: str = Field(min_length=2)
    help: Optional[str] = None
    required: bool = False
    when: Optional[str] = None
    options: list[Option] = Field(default_factory=list)
    # full: a quick check asks it only when a quick item's condition depends on its answer
    depth: Literal["quick", "full"] = "quick"
    skippable: bool = False  # the interview offers 跳过 (the answer stays blank)
    format: Optional[Literal["month_or_date"]] = None  # text answers: YYYY-MM or YYYY-MM-DD

    _when: Optional[Condition] = PrivateAttr(default=None)

    @model_validator(mode="after")
    def _options(self) -> ProfileQuestion:
        if (self.type == "choice") != bool(self.options):
            raise ValueError("choice 题必须有 options，其他类型不能有 options")
        if self.format and self.type != "text":
            raise ValueError("format 只用于 text 题")
        if self.required and (self.skippable or self.depth == "full"):
            raise ValueError("必填题不能设为 skippable 或 depth: full")
        return self

    @property
    def condition(self) -> Optional[Condition]:
        return cast(Optional[Condition], self.__pydantic_private__["_when"])  # type: ignore[index]  # pydantic's __getattr__ is slow


class Profile(_Strict):
    module: Literal["profile"]
    title: str
    version: Optional[str] = None
    items: list[ProfileQuestion] = Field(min_length=1)


class LibraryInfo(_Strict):
    library: str = "hegui-check"
    version: str = Field(pattern=r"^[0-9A-Za-z.+_-]+$")
    laws_as_of: str
    released: Optional[dt.date] = None
    modules: list[str] = Field(default_factory=list)
    renamed: dict[str, str] = Field(default_factory=dict)
    retired: dict[str, str] = Field(default_factory=dict)
