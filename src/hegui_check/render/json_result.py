"""Machine-readable result (SPEC §6): stable keys, format "hegui-check-result/1"."""

from __future__ import annotations

import datetime as dt
from collections import Counter
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


class _Template:
    """A row of the result (a module, a finding) as JSON: the fields that are the same for every company,
    encoded once and split where the company's own fields (``slots``) go."""

    def __init__(self, fields: dict[str, Any], slots: tuple[str, ...]):
        self.slots = tuple(k for k in fields if k in slots)  # in the order they are written
        markers = {slot: f"\x00{n}\x00" for n, slot in enumerate(self.slots)}  # no checklist text has NUL
        parts = [compact_json({**fields, **markers})]
        for slot in self.slots:
            head, marker, tail = parts.pop().partition(compact_json(markers[slot]))
            if not marker:  # pragma: no cover - every slot is a key of the fields
                raise ValueError(f"slot {slot} not in the row")
            parts += [head, tail]
        self.parts = tuple(parts)

    def write(self, row: dict[str, Any], out: list[str]) -> None:
        """Append the JSON of ``row`` (the template's fields, its own values in the slots) to ``out``."""
        parts = self.parts
        out.append(parts[0])
        for n, slot in enumerate(self.slots, 1):
            out.append(_value(row[slot]))
            out.append(parts[n])


class _Row(dict[str, Any]):
    """A module or finding of the result: plain data, plus the template that writes it quickly."""

    __slots__ = ("template",)
    template: _Template


_TEXTS: dict[str, str] = {}  # short texts many companies share ('partial', a date) as JSON
_TEXTS_MAX = 4096
_INFINITY = float("inf")


def _value(value: Any) -> str:
    """``compact_json(value)``, quicker for the plain values of a row (texts remembered when short)."""
    cls = value.__class__
    if cls is str:
        found = _TEXTS.get(value)
        if found is None:
            found = compact_json(value)
            if len(value) <= 16:  # an answer, a date; not a note
                if len(_TEXTS) >= _TEXTS_MAX:
                    _TEXTS.clear()
                _TEXTS[value] = found
        return found
    if value is None:
        return "null"
    if cls is bool:
        return "true" if value else "false"
    if cls is int:
        return int.__repr__(value)
    if cls is float and value == value and -_INFINITY < value < _INFINITY:
        return float.__repr__(value)  # as json writes a finite float
    return compact_json(value)


def _basis_detail(item: Item, date: dt.date | None) -> list[dict[str, Any]]:
    """Each text cited on the assessment date: which text (e.g. 商标法-2027), where, and the quote."""
    out = []
    for c in cited_at(item.basis, date):
        out.append(
            {"law": c.law, "article": c.article, "paragraph": c.paragraph, "item": c.item, "quote": c.quote}
        )
    return out


def _finding(r: ItemResult, a: Assessment, texts: TextsOnDate, rows: dict[Any, Any]) -> _Row:
    """One finding: the fields of its item on the assessment date (remembered in ``rows`` per item and
    span of dates with the same citations), then the company's own answer, note and deadline."""
    item, date = r.item, a.assessment_date
    company = {
        "answer": _plain(r.answer.value) if r.answer and r.answer.value is not None else None,
        "value": r.value,
        "note": r.answer.note if r.answer else None,
        "deadline": r.deadline.isoformat() if r.deadline else None,
    }
    key = (item.id, r.module.module, texts.cited(item, date))
    found = rows.get(key)
    if found is None:
        fields = {
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
        found = rows[key] = (fields, _Template(fields, tuple(company)))
    row = _Row(found[0])
    row.update(company)
    row.template = found[1]
    return row


def _module(m: ModuleResult, findings: int, rows: dict[Any, Any]) -> _Row:
    """One module's line: its id and title, then the company's score and number of findings."""
    company = {"score": m.rounded, "applicable": m.applicable, "findings": findings}
    found = rows.get(m.module.module)
    if found is None:
        fields = {
            "id": m.module.module,
            "title": m.module.title,
            "score": None,
            "applicable": None,
            "findings": None,
        }
        found = rows[m.module.module] = (fields, _Template(fields, tuple(company)))
    row = _Row(found[0])
    row.update(company)
    row.template = found[1]
    return row


# long: one literal of the stable JSON keys (SPEC §6), kept in one place so the format reads as a whole
def result_dict(a: Assessment, options: RenderOptions | None = None) -> dict[str, Any]:
    """The result as plain data. Rows of modules and findings share their lists with other companies'
    results: read them, do not change them."""
    answers = a.answers
    letterhead = options.letterhead if options is not None else None
    q = a.questionnaire
    texts = q.derived("legal.texts", TextsOnDate)
    finding_rows: dict[Any, tuple[dict[str, Any], _Template]] = q.derived("json.findings", dict)
    module_rows: dict[Any, tuple[dict[str, Any], _Template]] = q.derived("json.modules", dict)
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
        "modules": [_module(m, per_module[m.module.module], module_rows) for m in a.modules],
        "findings": [_finding(r, a, texts, finding_rows) for r in a.findings],
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


def render_json(a: Assessment, options: RenderOptions | None = None) -> str:
    """One top-level key per line and one module, finding or problem per line: easy to read and to diff,
    and written by json's C encoder (an indented dump runs the pure-Python one, several times slower);
    the part of a module or finding that is the same for every company is encoded once per batch. The
    pieces are joined once at the end."""
    out = ["{\n"]
    for n, (key, value) in enumerate(result_dict(a, options).items()):
        out.append((",\n  " if n else "  ") + _value(key) + ": ")
        if isinstance(value, list) and value:
            out.append("[\n    ")
            for m, row in enumerate(value):
                if m:
                    out.append(",\n    ")
                if isinstance(row, _Row):
                    row.template.write(row, out)
                else:
                    out.append(compact_json(row))
            out.append("\n  ]")
        else:
            out.append(compact_json(value))
    out.append("\n}\n")
    return "".join(out)
