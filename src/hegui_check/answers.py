"""Answer files (SPEC §4): the model, tolerant loading with located problems, atomic saving."""

from __future__ import annotations

import datetime as dt
import math
import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

import yaml

from .errors import AnswersError
from .limits import MAX_INT_DIGITS, MAX_NAME_CHARS, MAX_STRING_CHARS, limit_text, shorten
from .questionnaire import Item, ItemType, ProfileQuestion, Questionnaire
from .vocabulary import DEPTH_LABELS, UNANSWERED_LABEL, Depth
from .vocabulary import MODES as MODES
from .vocabulary import STATUS_LABELS as STATUS_LABELS
from .yamlio import DocumentError, atomic_write, parse_document, read_error, read_text

FORMAT_VERSION = 1

_STATUS_ALIASES = {
    "yes": "yes", "y": "yes", "符合": "yes", "是": "yes", "true": "yes", "合规": "yes",
    "partial": "partial", "部分符合": "partial", "部分": "partial", "基本符合": "partial",
    "no": "no", "n": "no", "不符合": "no", "否": "no", "false": "no",
    "unknown": "unknown", "不清楚": "unknown", "不知道": "unknown", "待核实": "unknown",
    "na": "na", "n/a": "na", "不适用": "na", "无此情况": "na",
}  # fmt: skip
_SPECIAL = {"unknown", "na"}
_TRUE = {"true", "yes", "y", "1", "是", "有", "对"}
_FALSE = {"false", "no", "n", "0", "否", "无", "没有", "不是"}
_MULTI_SPLIT = re.compile(r"[、,，;；┋|\n]+")

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Problem:
    """One problem found in an answer file or row; ``where`` is "file:line" or "file 第N行" etc.

    ``code`` is one of errors.CODES ("bad-value", "unknown-id", "duplicate-key", "profile-missing" …): code
    that acts on problems decides by it, never by the message text."""

    severity: Severity
    where: str
    field: str
    message: str
    code: str = "failed"

    def __str__(self) -> str:
        kind = "错误" if self.severity == "error" else "警告"
        return (
            f"{self.where}: {self.field}: {kind}：{self.message}"
            if self.field
            else f"{self.where}: {kind}：{self.message}"
        )

    def as_dict(self) -> dict[str, str]:
        return {
            "severity": self.severity,
            "code": self.code,
            "where": self.where,
            "field": self.field,
            "message": self.message,
        }


@dataclass(frozen=True)
class Answer:
    """One item's answer. ``value`` is a status value / option value / list / number / bool / text."""

    value: Any
    note: str | None = None
    evidence: tuple[str, ...] = ()
    self_answer: Any = None
    override_reason: str | None = None
    reviewed: bool = True  # False: a lawyer's review has not reached this owner's answer yet (未复核)


@dataclass(frozen=True)
class Assessor:
    mode: str = "self"
    name: str | None = None
    org: str | None = None
    license_no: str | None = None
    date: dt.date | None = None


@dataclass
class AnswerSet:
    """Everything an answer file says, normalised, plus the problems found while reading it."""

    company: dict[str, Any] = field(default_factory=dict)
    facts: dict[str, Any] = field(default_factory=dict)
    assessor: Assessor = field(default_factory=Assessor)
    answers: dict[str, Answer] = field(default_factory=dict)
    questionnaire_version: str | None = None
    source: str = ""
    problems: list[Problem] = field(default_factory=list)
    file_date: dt.date | None = None  # fallback assessment date (the file's modification date)
    file_stat: tuple[int, int] | None = None  # (size, mtime_ns) of the answer file as it was read
    depth: Depth = Depth.full  # quick | full (SPEC §4); a file without `depth:` is a full check

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def not_reviewed_ids(self) -> list[str]:
        """Items whose owner's answer a lawyer's review has not confirmed or corrected yet (未复核)."""
        return [item_id for item_id, ans in self.answers.items() if not ans.reviewed]

    @property
    def assessment_date(self) -> dt.date | None:
        return self.assessor.date or self.file_date

    def profile_env(self) -> dict[str, Any]:
        """Profile facts as the condition language sees them."""
        return {**self.company, **self.facts}

    def __getstate__(self) -> dict[str, Any]:  # scoring's memo (scoring.applicability) stays behind
        return {k: v for k, v in self.__dict__.items() if k != "_applicability"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)


# ---------------------------------------------------------------------------------------------
# value normalisation, shared with spreadsheet import


def _text(raw: Any) -> str:
    if isinstance(raw, float) and raw.is_integer() and abs(raw) < 1e16:
        raw = int(raw)
    if isinstance(raw, int) and not isinstance(raw, bool) and raw.bit_length() > 4 * MAX_INT_DIGITS:
        return shorten(raw)
    if isinstance(raw, (dict, list, tuple, set)):
        return shorten(raw)
    return str(raw).strip()


class Rejection(str):
    """Why a value was refused (a str, as normalize_value has always returned), with its problem code."""

    code = "bad-value"


class LimitRejection(Rejection):
    code = "limit-exceeded"


def _shown(raw: Any) -> str:
    """A value quoted in a message: never longer than MAX_SHOWN_CHARS."""
    return shorten(_text(raw))


# Short profile texts (names, region) end up in file names, headers and spreadsheet cells.
SHORT_TEXT_FIELDS = {"company_name", "region", "uscc"}


def _allowed_status() -> str:
    return "、".join(f"{k}（{v}）" for k, v in STATUS_LABELS.items())


def normalize_status(raw: Any) -> tuple[str | None, str | None]:
    if isinstance(raw, bool):
        return ("yes" if raw else "no"), None
    key = _text(raw).lower()
    if key in _STATUS_ALIASES:
        return _STATUS_ALIASES[key], None
    return None, f"取值“{_shown(raw)}”不允许，可选：{_allowed_status()}"


def normalize_bool(raw: Any) -> tuple[bool | None, str | None]:
    if isinstance(raw, bool):
        return raw, None
    key = _text(raw).lower()
    if key in _TRUE:
        return True, None
    if key in _FALSE:
        return False, None
    return None, f"取值“{_shown(raw)}”不允许，应为 是/否（true/false、1/0）"


def _special(raw: Any) -> str | None:
    if isinstance(raw, str):
        v = _STATUS_ALIASES.get(raw.strip().lower())
        if v in _SPECIAL:
            return v
    return None


def _option(options: list[Any], raw: Any) -> str | None:
    key = _text(raw)
    for o in options:
        if key == o.value or key == o.label or key.lower() == o.value.lower():
            return str(o.value)
    return None


def _options_hint(options: list[Any]) -> str:
    return "、".join(f"{o.value}（{o.label}）" for o in options)


def normalize_value(question: Item | ProfileQuestion, raw: Any) -> tuple[Any, str | None]:
    """(normalised value, None) or (None, message saying what is allowed). ``raw`` is not None."""
    kind = question.type.value if isinstance(question.type, ItemType) else question.type
    if isinstance(raw, str) and len(raw) > MAX_STRING_CHARS:
        return None, LimitRejection(
            f"文字长 {len(raw)} 个字符，{limit_text('', MAX_STRING_CHARS, ' 个字符')}"
        )
    if kind == "status":
        return normalize_status(raw)
    if kind in ("choice", "multi", "number") and isinstance(question, Item) and _special(raw):
        return _special(raw), None
    if kind == "choice":
        if isinstance(raw, (dict, list)):
            return None, f"应为一个选项，可选：{_options_hint(question.options)}"
        value = _option(question.options, raw)
        return (
            (value, None)
            if value
            else (None, f"取值“{_shown(raw)}”不允许，可选：{_options_hint(question.options)}")
        )
    if kind == "multi":
        parts = raw if isinstance(raw, list) else [p for p in _MULTI_SPLIT.split(_text(raw)) if p.strip()]
        values, bad = [], []
        for part in parts:
            v = _option(question.options, part)
            (values.append(v) if v else bad.append(_shown(part)))
        if bad:
            return None, f"选项“{shorten('、'.join(bad))}”不存在，可选：{_options_hint(question.options)}"
        return list(dict.fromkeys(values)), None
    if kind == "number":
        if isinstance(raw, bool):
            return None, "应为数字"
        if isinstance(raw, (int, float)):
            num = raw
        else:
            try:
                num = float(_text(raw).replace(",", "").replace("，", ""))
            except ValueError:
                return None, f"“{_shown(raw)}”不是数字，请用阿拉伯数字填写，如 30"
        if isinstance(num, float) and math.isnan(num):
            return None, "应为数字"
        if num < 0:
            return None, f"“{_shown(raw)}”不应为负数"
        if num >= 10**MAX_INT_DIGITS:  # infinity included
            return None, LimitRejection(f"数值“{_shown(raw)}”过大，{limit_text('', 10**MAX_INT_DIGITS - 1)}")
        return (int(num) if float(num).is_integer() else num), None
    if kind == "boolean":
        return normalize_bool(raw)
    if isinstance(raw, (dict, list)):
        return None, "应为一段文字"
    text = _text(raw)
    limit = MAX_NAME_CHARS if question.id in SHORT_TEXT_FIELDS else MAX_STRING_CHARS
    if len(text) > limit:
        return None, LimitRejection(f"文字长 {len(text)} 个字符，{limit_text('', limit, ' 个字符')}")
    if isinstance(question, ProfileQuestion) and question.format == "month_or_date" and text:
        return _month_or_date(raw)
    return text, None


_MONTH_OR_DATE = re.compile(r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*(?:[-/.月]\s*(?:(\d{1,2})\s*日?)?)?$")


def _month_or_date(raw: Any) -> tuple[str | None, str | None]:
    """YYYY-MM or YYYY-MM-DD (also 2025年3月, 2025/3/8), normalised to ISO text."""
    if isinstance(raw, dt.date):
        return raw.isoformat()[:10], None
    m = _MONTH_OR_DATE.match(_text(raw))
    hint = f"日期“{_text(raw)}”无法识别，应为年-月或年-月-日，如 2025-03 或 2025-03-18"
    if not m:
        return None, hint
    year, month = int(m.group(1)), int(m.group(2))
    try:
        day = dt.date(year, month, int(m.group(3) or 1))
    except ValueError:
        return None, hint
    if not 1949 < year <= dt.date.today().year + 1:
        return None, hint
    return (day.isoformat() if m.group(3) else day.isoformat()[:7]), None


def answer_label(item: Item, value: Any) -> str:
    """How an answer value reads to a person (interview, report)."""
    if value is None:
        return UNANSWERED_LABEL
    if value in ("unknown", "na"):
        return STATUS_LABELS[value]
    if item.type is ItemType.status:
        return STATUS_LABELS.get(value, str(value))
    if item.type in (ItemType.choice, ItemType.multi):
        labels = {o.value: o.label for o in item.options}
        values = value if isinstance(value, list) else [value]
        return "、".join(labels.get(v, str(v)) for v in values) or "（未选择）"
    if item.type is ItemType.boolean:
        return "是" if value else "否"
    return str(value)


# ---------------------------------------------------------------------------------------------
# 统一社会信用代码 (GB 32100-2015)

_USCC_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_problem(code: str) -> str | None:
    """None if ``code`` is a well-formed USCC with a correct check character, else what is wrong."""
    code = code.strip().upper()
    if len(code) != 18:
        return f"统一社会信用代码应为 18 位，实际 {len(code)} 位"
    bad = [c for c in code if c not in _USCC_CHARS]
    if bad:
        return f"统一社会信用代码含有不允许的字符“{''.join(dict.fromkeys(bad))}”（不使用 I、O、S、V、Z）"
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(code[:17], _USCC_WEIGHTS))
    expected = _USCC_CHARS[(31 - total % 31) % 31]
    if code[17] != expected:
        return f"统一社会信用代码校验位不对（按 GB 32100-2015 应为“{expected}”），请核对是否抄错"
    return None


def uscc_with_check(first17: str) -> str:
    """Complete a 17-character USCC body with its check character (used for examples and tests)."""
    total = sum(_USCC_CHARS.index(c) * w for c, w in zip(first17.upper(), _USCC_WEIGHTS))
    return first17.upper() + _USCC_CHARS[(31 - total % 31) % 31]


def entity_type_from_uscc(code: str) -> str | None:
    """Registered by market regulators (first char 9): second char 1 = enterprise, 2 = 个体工商户."""
    code = code.strip().upper()
    if len(code) == 18 and code[0] == "9":
        return {"1": "company", "2": "individual"}.get(code[1])
    return None


# ---------------------------------------------------------------------------------------------
# parsing a whole answer document

_TOP_KEYS = {"hegui_check", "questionnaire_version", "depth", "company", "facts", "assessor", "answers"}
_ANSWER_KEYS = {"answer", "note", "evidence", "self_answer", "override_reason", "reviewed"}
_ASSESSOR_KEYS = {"mode", "name", "org", "license_no", "date"}
Locate = Callable[[list[Any]], "int | str | None"]


def _parse_date(raw: Any) -> dt.date | None:
    if isinstance(raw, dt.datetime):
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    text = _text(raw).replace("/", "-").replace(".", "-")
    m = re.match(r"^(\d{4})-(\d{1,2})-(\d{1,2})$", text) or re.match(
        r"^(\d{4})年(\d{1,2})月(\d{1,2})日?$", text
    )
    if not m:
        return None
    try:
        return dt.date(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    except ValueError:
        return None


# long: the answer-file sections in file order (version, depth, company, facts, assessor, answers)
def parse_answers(raw: Any, q: Questionnaire, source: str, locate: Locate | None = None) -> AnswerSet:
    """Normalise a parsed answer document; every problem is collected with its location, none raised."""
    result = AnswerSet(source=source)
    problems = result.problems

    def where(*loc: Any) -> str:
        line = locate(list(loc)) if locate else None
        if isinstance(line, str):  # e.g. a spreadsheet cell: "file.xlsx 第5行 L列"
            return line
        return f"{source}:{line}" if line else source

    def add(severity: Severity, loc: tuple[Any, ...], fld: str, msg: str, code: str | None = None) -> None:
        problems.append(
            Problem(
                severity,
                where(*loc),
                shorten(fld, 60),
                str(msg),
                str(code or getattr(msg, "code", "bad-value")),
            )
        )

    if not isinstance(raw, dict):
        add(
            "error",
            (),
            "",
            "答题文件应为键值映射（hegui_check、company、answers 等），内容为空或格式不对",
            "malformed",
        )
        return result
    for key in raw:
        if key not in _TOP_KEYS:
            add(
                "error",
                (key,),
                str(key),
                f"不认识的顶层字段，允许：{'、'.join(sorted(_TOP_KEYS))}",
                "unknown-field",
            )
    fmt = raw.get("hegui_check")
    if "hegui_check" in raw and (
        isinstance(fmt, bool) or fmt != FORMAT_VERSION
    ):  # True == 1 in Python, but `true` is not a version
        add(
            "error",
            ("hegui_check",),
            "hegui_check",
            f"答题文件格式版本“{_shown(fmt)}”不支持，应为整数 {FORMAT_VERSION}（hegui_check: {FORMAT_VERSION}）",
        )
    if not any(raw.get(k) for k in ("company", "facts", "answers")):
        add(
            "warning",
            (),
            "",
            "答题文件中没有企业信息（company）也没有任何答案（answers），报告中全部按未回答计",
            "empty",
        )
    qv = raw.get("questionnaire_version")
    result.questionnaire_version = shorten(_text(qv), 40) if qv is not None else None
    if raw.get("depth") is not None:
        depth, msg = normalize_depth(raw["depth"])
        if msg:
            add("error", ("depth",), "depth", msg)
        result.depth = depth or Depth.full

    invalid = _parse_profile(raw, q, result, add)
    result.assessor = _parse_assessor(raw.get("assessor"), add)
    _parse_answer_map(raw.get("answers"), q, result, add)
    _profile_gaps(q, result, invalid, add)
    return result


def normalize_depth(raw: Any) -> tuple[Depth | None, str | None]:
    """quick/full, or their labels 快速体检/深度体检 (also 快速/深度)."""
    key = _text(raw).lower()
    for depth in Depth:
        if key in (depth.value, DEPTH_LABELS[depth], DEPTH_LABELS[depth][:2]):
            return depth, None
    allowed = "、".join(f"{d.value}（{DEPTH_LABELS[d]}）" for d in Depth)
    return None, f"取值“{_text(raw)}”不允许，可选：{allowed}"


def _parse_profile(
    raw: dict[Any, Any], q: Questionnaire, result: AnswerSet, add: Callable[..., None]
) -> dict[str, tuple[tuple[Any, ...], str]]:
    """Read company/facts; returns the profile values that did not parse: id -> (location, message)."""
    invalid: dict[str, tuple[tuple[Any, ...], str]] = {}
    profile = q.derived("answers.profile_by_id", lambda: q.profile_by_id)
    memo: dict[Any, tuple[Any, str | None]] = q.derived("answers.profile", dict)
    for group in ("company", "facts"):
        block = raw.get(group)
        if block is None:
            continue
        if not isinstance(block, dict):
            add("error", (group,), group, "应为键值映射", "malformed")
            continue
        for key, value in block.items():
            pq = profile.get(str(key))
            if pq is None:
                add(
                    "error",
                    (group, key),
                    f"{group}.{key}",
                    f"不认识的企业画像字段，可用：{'、'.join(p.id for p in q.profile if p.group == group)}",
                    "unknown-field",
                )
                continue
            if value is None or (value == "" and pq.type != "text"):
                continue  # unanswered (an empty text answer is kept: the question was asked)
            if pq.type == "text":  # names and places: rarely the same twice
                norm, msg = normalize_value(pq, value)
            else:  # numbers, yes/no, choices: read once per library and value
                norm, msg = _remembered(memo, _memo_key(pq.id, value), normalize_value, pq, value)
            if msg:
                invalid[pq.id] = ((group, key), msg)
            else:
                (result.company if pq.group == "company" else result.facts)[pq.id] = norm
    code = result.company.get("uscc")
    if code:
        msg = uscc_problem(str(code))
        if msg:
            add("warning", ("company", "uscc"), "company.uscc", msg, "bad-uscc")
        elif "entity_type" not in result.company and entity_type_from_uscc(str(code)):
            result.company["entity_type"] = entity_type_from_uscc(str(code))
    return invalid


def _profile_gaps(
    q: Questionnaire,
    result: AnswerSet,
    invalid: dict[str, tuple[tuple[Any, ...], str]],
    add: Callable[..., None],
) -> None:
    """A profile value that does not parse is an error; a missing one that switches modules off is a
    warning; both name the modules that are therefore not examined."""
    from .scoring import applicability  # scoring builds on this module

    modules_of: dict[str, list[str]] = {}
    for module_id, facts in applicability(q, result).switched_off.items():
        for fact in facts:
            modules_of.setdefault(fact, []).append(q.module(module_id).title)
    for fact, (loc, msg) in invalid.items():
        off = modules_of.get(fact)
        suffix = f"；因此未检查：{'、'.join(off)}" if off else ""
        code = (
            getattr(msg, "code", None)
            if getattr(msg, "code", None) == "limit-exceeded"
            else "profile-invalid"
        )
        add("error", loc, f"{loc[0]}.{fact}", msg + suffix, code)
    for pq in q.profile:  # in the order of the questions
        off = modules_of.get(pq.id)
        if off and pq.id not in invalid:
            add(
                "warning",
                (pq.group, pq.id),
                f"{pq.group}.{pq.id}",
                f"未填写（{pq.question}），以下模块因此未检查：{'、'.join(off)}",
                "profile-missing",
            )


def _parse_assessor(block: Any, add: Callable[..., None]) -> Assessor:
    if block is None:
        return Assessor()
    if not isinstance(block, dict):
        add(
            "error",
            ("assessor",),
            "assessor",
            "应为键值映射（mode、name、org、license_no、date）",
            "malformed",
        )
        return Assessor()
    for key in block:
        if key not in _ASSESSOR_KEYS:
            add(
                "error",
                ("assessor", key),
                f"assessor.{key}",
                f"不认识的字段，允许：{'、'.join(sorted(_ASSESSOR_KEYS))}",
                "unknown-field",
            )
    mode = _text(block.get("mode") or "self")
    if mode not in MODES:
        add(
            "error",
            ("assessor", "mode"),
            "assessor.mode",
            f"取值“{_shown(mode)}”不允许，可选：self（自评）、lawyer（律师体检）、association（协会批量体检）",
        )
        mode = "self"
    date = None
    if block.get("date") is not None:
        date = _parse_date(block["date"])
        if date is None:
            add(
                "error",
                ("assessor", "date"),
                "assessor.date",
                f"日期“{_shown(block['date'])}”无法识别，应为 2026-11-21 这样的真实日期",
            )
    names: dict[str, str | None] = {}
    for key in ("name", "org", "license_no"):
        value = block.get(key)
        names[key] = None
        if value in (None, ""):
            continue
        if isinstance(value, (dict, list)):
            add("error", ("assessor", key), f"assessor.{key}", "应为一段文字")
        elif len(_text(value)) > MAX_NAME_CHARS:
            add(
                "error",
                ("assessor", key),
                f"assessor.{key}",
                f"文字长 {len(_text(value))} 个字符，{limit_text('', MAX_NAME_CHARS, ' 个字符')}",
                "limit-exceeded",
            )
        else:
            names[key] = _text(value)
    return Assessor(mode=mode, date=date, **names)


# a bare value of these exact classes is read once per library and item (bool, unlike int, is its own
# class: True == 1 == 1.0 but they read differently); longer texts (notes) are rarely the same twice
_MEMO_CLASSES = frozenset({str, int, float, bool, dt.date, type(None)})
_MEMO_TEXT = 64
_MEMO_MAX = 4096


def _parse_answer_map(block: Any, q: Questionnaire, result: AnswerSet, add: Callable[..., None]) -> None:
    if block is None:
        return
    if not isinstance(block, dict):
        add("error", ("answers",), "answers", "应为“题目 id: 答案”的映射", "malformed")
        return
    # a bare value (``id: 'yes'``) reads the same in every file: its Answer is made once and shared,
    # except free text (the firm's own) and a list of options (a list could be changed)
    memo: dict[Any, tuple[Answer | None, str | None]] = q.derived("answers.bare", dict)
    answers = result.answers
    for raw_id, entry in block.items():
        # the common case first: a bare value read before for this live id, not yet answered in this file
        # (a live id is never one the library lists as renamed or retired; see questionnaire.loader)
        cls = entry.__class__
        if cls in _MEMO_CLASSES:
            found = memo.get((raw_id, cls, entry))
            if found is not None and found[1] is None and raw_id not in answers:
                if found[0] is not None:
                    answers[raw_id] = found[0]
                continue
        _parse_one_answer(raw_id, entry, q, result, add, memo)


def _parse_one_answer(
    raw_id: Any,
    entry: Any,
    q: Questionnaire,
    result: AnswerSet,
    add: Callable[..., None],
    memo: dict[Any, tuple[Answer | None, str | None]],
) -> None:
    """One ``id: answer`` of the answers block, every rule checked (renamed and retired ids, unknown ids,
    a second answer, the value)."""
    renamed, retired = q.info.renamed, q.info.retired
    item_id = str(raw_id)
    loc = ("answers", raw_id)
    if item_id in retired:
        add(
            "warning",
            loc,
            item_id,
            f"该题已从检查清单中删除（{retired[item_id]}），答案不再计分",
            "retired-id",
        )
        return
    if item_id in renamed:
        add("warning", loc, item_id, f"该题已改名为 {renamed[item_id]}，答案已按新 id 读取", "renamed-id")
        item_id = renamed[item_id]
    item = q.items.get(item_id)
    if item is None:
        add(
            "error",
            loc,
            item_id,
            f"检查清单（版本 {q.version}）中没有这道题；请核对 id，或用 hegui-check list 查看",
            "unknown-id",
        )
        return
    if item_id in result.answers:
        add(
            "error",
            loc,
            item_id,
            "同一道题出现了两次答案（改名前后的 id 各答了一次？）",
            "duplicate-answer",
        )
        return
    if isinstance(entry, dict):
        answer = _parse_entry(entry, item, loc, add)
    else:
        shareable = q.derived(
            "answers.shareable",
            lambda: frozenset(
                i.id for i in q.items.values() if i.type not in (ItemType.text, ItemType.multi)
            ),
        )
        key = _memo_key(item.id, entry) if item.id in shareable else None
        answer, msg = _remembered(memo, key, _bare_answer, item, entry)
        if msg:
            add("error", loc, item.id, msg)
    if answer is not None:
        result.answers[item_id] = answer


def _memo_key(qid: str, raw: Any) -> tuple[str, type, Any] | None:
    """How the reading of ``raw`` for question ``qid`` is remembered; None: not remembered."""
    cls = raw.__class__
    return (qid, cls, raw) if cls in _MEMO_CLASSES and (cls is not str or len(raw) <= _MEMO_TEXT) else None


def _remembered(
    memo: dict[Any, Any], key: Any, read: Callable[[Any, Any], Any], question: Any, raw: Any
) -> Any:
    """``read(question, raw)``, remembered in ``memo`` (the library's, bounded) under ``key`` unless that
    is None."""
    found = memo.get(key) if key is not None else None
    if found is None:
        found = read(question, raw)
        if key is not None:
            if len(memo) >= _MEMO_MAX:
                memo.clear()
            memo[key] = found
    return found


def _bare_answer(item: Item, raw: Any) -> tuple[Answer | None, str | None]:
    """An answer given as a bare value (``id: 'yes'``): (the answer or None when unanswered, None), or
    (None, why the value is not allowed)."""
    if raw == "" and item.type is ItemType.text:
        return Answer(value="", note=None), None
    if raw is None or raw == "":
        return None, None
    value, msg = normalize_value(item, raw)
    if msg:
        return None, msg
    return (None if value is None else Answer(value=value)), None


def _parse_entry(
    entry: dict[Any, Any], item: Item, loc: tuple[Any, ...], add: Callable[..., None]
) -> Answer | None:
    """An answer given as a mapping (answer, note, evidence, self_answer, override_reason, reviewed)."""
    for key in entry:
        if key not in _ANSWER_KEYS:
            add(
                "error",
                (*loc, key),
                f"{item.id}.{key}",
                f"不认识的字段，允许：{'、'.join(sorted(_ANSWER_KEYS))}",
                "unknown-field",
            )
    value_raw = entry.get("answer")
    note = entry.get("note")
    evidence = entry.get("evidence")
    self_raw = entry.get("self_answer")
    reason = entry.get("override_reason")
    reviewed = entry.get("reviewed", True)
    if not isinstance(reviewed, bool):
        add("error", (*loc, "reviewed"), f"{item.id}.reviewed", "应为 true 或 false（律师是否已复核）")
        reviewed = True
    bare, msg = _bare_answer(item, value_raw)
    if msg:
        add("error", (*loc, "answer"), item.id, msg)
        return None
    if bare is not None and value_raw == "":
        return bare  # an empty text answer: asked, and answered with nothing (the note is not kept)
    value = bare.value if bare is not None else None
    self_value = None
    if self_raw is not None:
        self_value, msg = normalize_value(item, self_raw)
        if msg:
            add("error", (*loc, "self_answer"), f"{item.id}.self_answer", msg)
    if isinstance(evidence, str):
        evidence = [evidence]
    if evidence is not None and not (
        isinstance(evidence, list) and all(isinstance(e, (str, int, float)) for e in evidence)
    ):
        add("error", (*loc, "evidence"), f"{item.id}.evidence", "应为一段文字或文字列表")
        evidence = None
    if note is not None and isinstance(note, (dict, list)):
        add("error", (*loc, "note"), f"{item.id}.note", "应为一段文字")
        note = None
    if reason is not None and isinstance(reason, (dict, list)):
        add("error", (*loc, "override_reason"), f"{item.id}.override_reason", "应为一段文字")
        reason = None
    if value is None and not note and not evidence and self_value is None:
        return None  # unanswered: counts as unknown when the item applies
    return Answer(
        value=value,
        note=_text(note) if note not in (None, "") else None,
        evidence=tuple(_text(e) for e in evidence or ()),
        self_answer=self_value,
        override_reason=_text(reason) if reason not in (None, "") else None,
        reviewed=reviewed,
    )


def load_answers(path: str | Path, q: Questionnaire) -> AnswerSet:
    """Read an answer file (YAML or JSON). Unreadable or malformed files raise AnswersError."""
    path = os.fspath(path)
    try:
        text, status = read_text(path)
        doc = parse_document(text, path)
        mtime = dt.date.fromtimestamp(status.st_mtime)
    except (OSError, ValueError) as exc:  # UnicodeDecodeError is a ValueError
        code = exc.code if isinstance(exc, DocumentError) else "unreadable"
        line = exc.line if isinstance(exc, DocumentError) else None
        raise AnswersError(
            f"{path}: {read_error(exc, '答题文件')}", code=code, where=f"{path}:{line}" if line else str(path)
        ) from None
    result = parse_answers(doc.data, q, str(path), doc.line)
    result.file_date = mtime
    result.file_stat = (status.st_size, status.st_mtime_ns)
    if isinstance(doc.data, dict) and "hegui_check" not in doc.data:
        result.problems.insert(
            0,
            Problem(
                "warning",
                f"{path}:1",
                "hegui_check",
                f"缺少答题文件格式版本，按版本 {FORMAT_VERSION} 读取；请在文件开头写 hegui_check: {FORMAT_VERSION}",
                "missing-version",
            ),
        )
    if result.questionnaire_version and result.questionnaire_version != q.version:
        result.problems.append(
            Problem(
                "warning",
                str(path),
                "questionnaire_version",
                f"答题文件按检查清单版本 {result.questionnaire_version} 填写，当前版本为 {q.version}；新增的题目视为未回答",
                "version-mismatch",
            )
        )
    return result


# ---------------------------------------------------------------------------------------------
# writing


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def is_bare(ans: Answer) -> bool:
    """Whether an answer is its value alone (no note, evidence, review), as most are."""
    return (
        ans.note is None
        and not ans.evidence
        and ans.self_answer is None
        and ans.override_reason is None
        and ans.reviewed
    )


def answer_document(ans: Answer) -> Any:
    """One answer as the answer file holds it: the value alone, or ``answer`` with what else it has."""
    if is_bare(ans):
        return _plain(ans.value)
    extra = {
        k: _plain(v)
        for k, v in (
            ("note", ans.note),
            ("evidence", ans.evidence),
            ("self_answer", ans.self_answer),
            ("override_reason", ans.override_reason),
        )
        if v not in (None, (), [])
    }
    if not ans.reviewed:
        extra["reviewed"] = False
    return {"answer": _plain(ans.value), **extra} if extra else _plain(ans.value)


def document_head(a: AnswerSet, q: Questionnaire) -> dict[str, Any]:
    """Everything of the answer file but its answers (``to_document`` without ``answers``)."""
    assessor = a.assessor
    return {
        "hegui_check": FORMAT_VERSION,
        "questionnaire_version": q.version,
        "depth": Depth(a.depth).value,
        "company": dict(a.company),
        "facts": dict(a.facts),
        "assessor": {
            "mode": assessor.mode,
            "name": assessor.name,
            "org": assessor.org,
            "license_no": assessor.license_no,
            "date": assessor.date,
        },
    }


def to_document(a: AnswerSet, q: Questionnaire) -> dict[str, Any]:
    """The answer file as plain data (the on-disk structure of SPEC §4), items in library order."""
    last = len(q.position)
    ordered = sorted(a.answers, key=lambda i: q.position.get(i, last))
    return {**document_head(a, q), "answers": {i: answer_document(a.answers[i]) for i in ordered}}


def dump_answers(a: AnswerSet, q: Questionnaire) -> str:
    """YAML text of the answer file; strings such as "yes"/"no" are quoted so YAML 1.1 keeps them."""
    header = "# hegui-check 答题文件：可以用 hegui-check report 生成报告，或用 hegui-check check --resume 继续填写\n"
    return header + yaml.safe_dump(to_document(a, q), allow_unicode=True, sort_keys=False, width=100)


def save_answers(path: Path, a: AnswerSet, q: Questionnaire) -> None:
    atomic_write(Path(path), dump_answers(a, q))


def with_answer(a: AnswerSet, item_id: str, answer: Answer | None) -> AnswerSet:
    """A copy of ``a`` with one answer set (or removed when ``answer`` is None)."""
    answers = dict(a.answers)
    if answer is None:
        answers.pop(item_id, None)
    else:
        answers[item_id] = answer
    return replace(a, answers=answers)


def merge_profile(a: AnswerSet, values: Mapping[str, Any], q: Questionnaire) -> AnswerSet:
    company, facts = dict(a.company), dict(a.facts)
    for key, value in values.items():
        pq = q.profile_by_id[key]
        target = company if pq.group == "company" else facts
        if value is None:
            target.pop(key, None)
        else:
            target[key] = value
    return replace(a, company=company, facts=facts)
