"""Machine-readable result (SPEC §6): stable keys, format "hegui-check-result/1"."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from ..credit import credit_guidance
from ..legal import TextsOnDate, basis_lines, cited_at
from ..yamlio import compact_json
from .context import currency_warnings
from .wording import light_reason

if TYPE_CHECKING:
    from ..questionnaire import Item
    from ..scoring import Assessment, ItemResult, ModuleResult
    from . import RenderOptions


def _plain(value: Any) -> Any:
    if isinstance(value, tuple):
        return list(value)
    return value


def _basis_detail(item: Item, date: dt.date | None) -> list[dict[str, Any]]:
    """Each text cited on the assessment date: which text (e.g. 商标法-2027), where, and the quote."""
    out = []
    for c in cited_at(item.basis, date):
        out.append(
            {"law": c.law, "article": c.article, "paragraph": c.paragraph, "item": c.item, "quote": c.quote}
        )
    return out


_Fields = dict[Any, dict[str, Any]]  # a library's findings' fields, per item and span of dates
_Parts = dict[Any, tuple[bytes, bytes]]  # a library's findings as JSON but for note and deadline (_parts)


def _finding(r: ItemResult, a: Assessment, texts: TextsOnDate, rows: _Fields) -> dict[str, Any]:
    """One finding: the fields of its item on the assessment date (remembered in ``rows`` per item and
    span of dates with the same citations), then the company's own answer, note and deadline."""
    item, date = r.item, a.assessment_date
    key = (item.id, r.module.module, texts.cited(item, date))
    fields = rows.get(key)
    if fields is None:
        fields = rows[key] = {
            "id": item.id,
            "module": r.module.module,
            "title": item.short_title,
            "risk": item.risk,
            "practice": item.practice,
            "answer": None,
            "value": None,
            "note": None,
            "basis": [line.short for line in basis_lines(item.basis, date)],
            "basis_detail": _basis_detail(item, date),
            "liability": item.liability_at(date),
            "remedy": item.remedy,
            "deadline": None,
        }
    return {
        **fields,
        "answer": _plain(r.answer.value) if r.answer and r.answer.value is not None else None,
        "value": r.value,
        "note": r.answer.note if r.answer else None,
        "deadline": r.deadline.isoformat() if r.deadline else None,
    }


def _module(m: ModuleResult, findings: int) -> dict[str, Any]:
    """One module's line: its id and title, then the company's score and number of findings."""
    return {
        "id": m.module.module,
        "title": m.module.title,
        "score": m.rounded,
        "applicable": m.applicable,
        "findings": findings,
    }


_PARTS_MAX = 4096  # encoded findings one library remembers (each one to a few KB)
_NOTE = "\x00note\x00"  # stands for the note while a finding is encoded: no checklist text has NUL
_NOTE_JSON = compact_json(_NOTE).encode("utf-8")
_NO_DEADLINE = b"null}"


def _parts(row: dict[str, Any]) -> tuple[bytes, bytes]:
    """A finding's JSON in two parts: up to its note, and from there up to its deadline (its last key)."""
    line = compact_json({**row, "note": _NOTE, "deadline": None}).encode("utf-8")
    head, marker, tail = line.partition(_NOTE_JSON)
    if not marker or not tail.endswith(b'"deadline": ' + _NO_DEADLINE):  # pragma: no cover - the literal
        raise ValueError("a finding's note or deadline is not where it belongs")
    return head, tail[: -len(_NO_DEADLINE)]


def _finding_line(r: ItemResult, a: Assessment, texts: TextsOnDate, rows: _Fields, parts: _Parts) -> bytes:
    """``_finding`` as JSON. But for its note and deadline the line is the same for every company with the
    same item, citations, answer and value: those parts are encoded once (keyed with the values' types,
    as 1, 1.0 and true are equal keys but not the same JSON)."""
    ans = r.answer
    value = ans.value if ans is not None else None
    cited = texts.cited(r.item, a.assessment_date)
    key = (r.item.id, r.module.module, cited, value.__class__, value, r.value.__class__, r.value)
    try:
        found = parts.get(key)
    except TypeError:  # an unhashable value (a list): not remembered
        return compact_json(_finding(r, a, texts, rows)).encode("utf-8")
    if found is None:
        found = _parts(_finding(r, a, texts, rows))
        if len(parts) >= _PARTS_MAX:
            parts.clear()
        parts[key] = found
    note = b"null" if ans is None or ans.note is None else compact_json(ans.note).encode("utf-8")
    deadline = _NO_DEADLINE if r.deadline is None else b'"' + r.deadline.isoformat().encode("ascii") + b'"}'
    return b"".join((found[0], note, found[1], deadline))


def result_dict(a: Assessment, options: RenderOptions | None = None) -> dict[str, Any]:
    """The result as plain data. A finding's fields other than the company's own are shared with other
    companies' results: read them, do not change them."""
    texts = a.questionnaire.derived("legal.texts", TextsOnDate)
    rows: _Fields = a.questionnaire.derived("json.findings", dict)
    return _result(a, options, lambda r: _finding(r, a, texts, rows))


# long: one literal of the stable JSON keys (SPEC §6), kept in one place so the format reads as a whole
def _result(
    a: Assessment,
    options: RenderOptions | None,
    finding_row: Callable[[ItemResult], Any],
) -> dict[str, Any]:
    """The result with each finding as ``finding_row`` gives it."""
    answers = a.answers
    letterhead = options.letterhead if options is not None else None
    per_module = Counter(r.module.module for r in a.findings)
    company = {k: v for k, v in answers.company.items()}
    return {
        "format": "hegui-check-result/1",
        "company": company,
        "facts": dict(answers.facts),
        "assessor": {
            "mode": answers.assessor.mode,
            "name": answers.assessor.name,
            "org": answers.assessor.org,
            "license_no": answers.assessor.license_no,
        },
        "assessment_date": a.assessment_date.isoformat() if a.assessment_date else None,
        "questionnaire_version": a.questionnaire.version,
        "laws_as_of": a.questionnaire.info.laws_as_of,
        "report_number": a.report_number,
        "depth": a.depth.value,
        "review": None
        if a.review is None
        else {
            "reviewed": a.review.reviewed,
            "total": a.review.total,
            "not_reviewed": [r.item.id for r in a.review.not_reviewed],
        },
        "overall": {
            "score": a.overall_rounded,
            "light": a.light,
            "light_reason": light_reason(a),
            "light_rules": [{"code": r.code, "items": list(r.items)} for r in a.light_rules],
            "completeness": round(a.completeness, 4),
            "findings_by_risk": a.finding_counts(),
        },
        "modules": [_module(m, per_module[m.module.module]) for m in a.modules],
        "findings": [finding_row(r) for r in a.findings],
        "switched_off": {m: list(facts) for m, facts in a.switched_off.items()},
        "not_examined": [
            {"id": r.item.id, "module": r.module.module, "title": r.item.short_title} for r in a.not_examined
        ],
        "credit_repair": [rec.as_dict() for rec in credit_guidance(answers.facts, a.assessment_date)],
        "law_currency_warnings": [
            {
                "law": w.law,
                "in_force": w.in_force,
                "effective": w.effective.isoformat() if w.effective else None,
                "items": list(w.items),
                "message": w.message,
            }
            for w in currency_warnings(a)
        ],
        "problems": [p.as_dict() for p in a.problems],
        "letterhead": None
        if letterhead is None
        else {"organization": letterhead.organization, "contact": letterhead.contact},
    }


_KEYS: dict[tuple[bool, str], bytes] = {}  # '  "key": ' and ',\n  "key": ' as bytes


def render_json(a: Assessment, options: RenderOptions | None = None) -> bytes:
    """The result as UTF-8 JSON: one top-level key per line and one module, finding or problem per line,
    easy to read and to diff, and written by json's C encoder (an indented dump runs the pure-Python one,
    several times slower). Most of a finding's line is shared with other companies and encoded once (see
    ``_finding_line``); the pieces are joined once at the end."""
    q = a.questionnaire
    texts = q.derived("legal.texts", TextsOnDate)
    rows: _Fields = q.derived("json.findings", dict)
    parts: _Parts = q.derived("json.finding_parts", dict)
    result = _result(a, options, lambda r: _finding_line(r, a, texts, rows, parts))
    out = [b"{\n"]
    for n, (key, value) in enumerate(result.items()):
        head = _KEYS.get((n > 0, key))
        if head is None:
            head = _KEYS[n > 0, key] = ((",\n  " if n else "  ") + compact_json(key) + ": ").encode("utf-8")
        out.append(head)
        if isinstance(value, list) and value:
            out.append(b"[\n    ")
            for m, row in enumerate(value):
                if m:
                    out.append(b",\n    ")
                out.append(row if isinstance(row, bytes) else compact_json(row).encode("utf-8"))
            out.append(b"\n  ]")
        else:
            out.append(compact_json(value).encode("utf-8"))
    out.append(b"\n}\n")
    return b"".join(out)
