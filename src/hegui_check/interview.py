"""The interactive interview: profile first, then every applicable module, saving after each answer.

The flow only talks to an `Asker`, so tests can drive it through prompt_toolkit pipe input (or any
scripted asker) without a terminal. Ctrl-C raises KeyboardInterrupt out of the asker; every answer
given before it is already on disk.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, Protocol

from .answers import (
    STATUS_LABELS,
    Answer,
    AnswerSet,
    Assessor,
    merge_profile,
    normalize_value,
    save_answers,
    uscc_problem,
    with_answer,
)
from .questionnaire import Item, ItemType, ProfileQuestion, Questionnaire
from .render.context import answer_label
from .scoring import applicability
from .vocabulary import STATUS_ORDER

BACK = "__back__"
HELP = "__help__"
NOTE = "__note__"
NOTE_AFTER = {"partial", "no", "unknown"}


class Asker(Protocol):
    """What the interview needs from a prompt library. Each call may raise KeyboardInterrupt."""

    def select(self, message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str: ...

    def checkbox(self, message: str, choices: Sequence[tuple[str, str]], default: Sequence[str] = ()) -> list[str]: ...

    def text(self, message: str, default: str = "", validate: Callable[[str], bool | str] | None = None) -> str: ...

    def say(self, message: str) -> None: ...


class QuestionaryAsker:
    """The real prompts (questionary). ``input``/``output`` are for tests (prompt_toolkit pipe input)."""

    def __init__(self, input: Any = None, output: Any = None, console: Any = None):
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}
        if console is None:
            from rich.console import Console

            console = Console(highlight=False)
        self.console = console

    def select(self, message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str:
        import questionary

        options = [questionary.Choice(title=label, value=value) for value, label in choices]
        picked = next((c for c in options if c.value == default), None)
        return questionary.select(  # type: ignore[no-any-return]
            message, choices=options, default=picked, qmark="?", instruction="（↑↓ 选择，回车确认）", **self._io
        ).unsafe_ask()

    def checkbox(self, message: str, choices: Sequence[tuple[str, str]], default: Sequence[str] = ()) -> list[str]:
        import questionary

        options = [questionary.Choice(title=label, value=value, checked=value in default) for value, label in choices]
        return questionary.checkbox(  # type: ignore[no-any-return]
            message, choices=options, qmark="?", instruction="（空格勾选，回车确认）", **self._io
        ).unsafe_ask()

    def text(self, message: str, default: str = "", validate: Callable[[str], bool | str] | None = None) -> str:
        import questionary

        return questionary.text(  # type: ignore[no-any-return]
            message, default=default, validate=validate, qmark="?", **self._io
        ).unsafe_ask()

    def say(self, message: str) -> None:
        self.console.print(message)


@dataclass(frozen=True)
class Step:
    """One question of the interview: a profile question or a checklist item."""

    key: str
    profile: ProfileQuestion | None = None
    item: Item | None = None


def pending_steps(q: Questionnaire, a: AnswerSet, modules: set[str] | None = None) -> list[Step]:
    """All questions that currently apply, in order; answered ones included (the caller skips them)."""
    steps: list[Step] = []
    env = a.profile_env()
    for pq in q.profile:
        if pq.condition is None or pq.condition.evaluate(env):
            steps.append(Step(pq.id, profile=pq))
    asked = applicability(q, a).asked
    for module in q.modules:
        if modules is not None and module.module not in modules:
            continue
        steps.extend(Step(item.id, item=item) for item in module.items if item.id in asked)
    return steps


def is_answered(a: AnswerSet, step: Step) -> bool:
    if step.profile is not None:
        return step.key in a.company or step.key in a.facts
    ans = a.answers.get(step.key)
    return ans is not None and ans.value is not None


def _number_validator(text: str) -> bool | str:
    text = text.strip()
    if not text:
        return "请输入一个数字"
    try:
        value = float(text.replace(",", ""))
    except ValueError:
        return "请输入数字，例如 45"
    return True if value >= 0 else "不能为负数"


class Interview:
    """Runs the questionnaire against an Asker, saving to ``path`` after every answer."""

    def __init__(self, q: Questionnaire, asker: Asker, path: Path, answers: AnswerSet,
                 modules: set[str] | None = None, defaults: dict[str, Any] | None = None):
        self.q = q
        self.asker = asker
        self.path = Path(path)
        self.answers = answers
        self.modules = modules
        self.history: list[str] = []
        self.defaults: dict[str, Any] = dict(defaults or {})  # e.g. the previous answers in a re-check

    # -- persistence -------------------------------------------------------------------------
    def _save(self) -> None:
        save_answers(self.path, self.answers, self.q)

    def _set_profile(self, pq: ProfileQuestion, value: Any) -> None:
        self.answers = merge_profile(self.answers, {pq.id: value}, self.q)
        if pq.id == "uscc" and value:
            problem = uscc_problem(str(value))
            if problem:
                self.asker.say(f"[yellow]提示：{problem}。已按原样记录，可稍后在答题文件中修改。[/yellow]")

    def _unset(self, key: str) -> None:
        if key in self.q.profile_by_id:
            old = self.answers.company.get(key, self.answers.facts.get(key))
            self.defaults[key] = old
            self.answers = merge_profile(self.answers, {key: None}, self.q)
        else:
            old_answer = self.answers.answers.get(key)
            self.defaults[key] = old_answer.value if old_answer else None
            self.answers = with_answer(self.answers, key, None)

    # -- the loop ----------------------------------------------------------------------------
    def run(self) -> AnswerSet:
        """Ask every unanswered applicable question. Raises KeyboardInterrupt (answers already saved)."""
        self._save()
        current_module = None
        while True:
            steps = pending_steps(self.q, self.answers, self.modules)
            todo = [s for s in steps if not is_answered(self.answers, s)]
            if not todo:
                break
            step = todo[0]
            module_id = "profile" if step.profile is not None else step.key.split(".")[0]
            if module_id != current_module:
                self._announce(module_id, steps)
                current_module = module_id
            result = self._ask(step, steps)
            if result == BACK:
                if self.history:
                    self._unset(self.history.pop())
                    current_module = None
                    self._save()
                continue
            self.history.append(step.key)
            self._save()
        return self.answers

    def _announce(self, module_id: str, steps: list[Step]) -> None:
        if module_id == "profile":
            self.asker.say("\n[bold]第一部分：企业画像[/bold]（用于判断哪些检查适用于您的企业）")
            return
        module = self.q.module(module_id)
        module_ids = list(dict.fromkeys(s.key.split(".")[0] for s in steps if s.item is not None))
        n = module_ids.index(module_id) + 1
        count = sum(1 for s in steps if s.item is not None and s.key.startswith(module_id + "."))
        self.asker.say(f"\n[bold]模块 {n}/{len(module_ids)}：{module.title}[/bold]（本模块 {count} 题）")
        if module.description:
            self.asker.say(f"[dim]{module.description}[/dim]")

    def _progress(self, step: Step, steps: list[Step]) -> str:
        items = [s for s in steps if s.item is not None]
        if step.profile is not None:
            profile = [s for s in steps if s.profile is not None]
            return f"[画像 {profile.index(step) + 1}/{len(profile)}]"
        module_id = step.key.split(".")[0]
        in_module = [s for s in items if s.key.startswith(module_id + ".")]
        return f"[{in_module.index(step) + 1}/{len(in_module)} · 总 {items.index(step) + 1}/{len(items)}]"

    def _ask(self, step: Step, steps: list[Step]) -> Any:
        prefix = self._progress(step, steps)
        default = self.defaults.pop(step.key, None)
        old = self.answers.answers.get(step.key)
        if default is None and old is not None and old.self_answer is not None:
            default = old.self_answer
            assert step.item is not None
            self.asker.say(f"[dim]企业自评：{answer_label(step.item, old.self_answer)}[/dim]")
        if step.profile is not None:
            return self._ask_profile(step.profile, prefix, default)
        assert step.item is not None
        return self._ask_item(step.item, prefix, default)

    def _back_choice(self) -> list[tuple[str, str]]:
        return [(BACK, "← 返回上一题")] if self.history else []

    def _ask_profile(self, pq: ProfileQuestion, prefix: str, default: Any) -> Any:
        message = f"{prefix} {pq.question}"
        if pq.help:
            self.asker.say(f"[dim]{pq.help}[/dim]")
        value: Any
        if pq.type == "choice":
            value = self.asker.select(message, [(o.value, o.label) for o in pq.options] + self._back_choice(), default)
        elif pq.type == "boolean":
            dflt = None if default is None else ("true" if default else "false")
            picked = self.asker.select(message, [("true", "是"), ("false", "否")] + self._back_choice(), dflt)
            value = picked if picked == BACK else picked == "true"
        else:
            hint = "（输入 < 返回上一题）" if self.history else ""
            validate = self._text_validator(pq)
            raw = self.asker.text(message + hint, default="" if default is None else str(default), validate=validate)
            if raw.strip() == "<" and self.history:
                return BACK
            value = raw.strip()
            if pq.type == "number":
                value, _ = normalize_value(pq, value)
        if value == BACK:
            return BACK
        self._set_profile(pq, value)
        return value

    def _text_validator(self, pq: ProfileQuestion) -> Callable[[str], bool | str]:
        def check(text: str) -> bool | str:
            if text.strip() == "<" and self.history:
                return True
            if pq.type == "number":
                return _number_validator(text)
            if pq.required and not text.strip():
                return "此项必填"
            return True

        return check

    def _ask_item(self, item: Item, prefix: str, default: Any) -> Any:
        message = f"{prefix} {item.question}"
        old = self.answers.answers.get(item.id)
        note = old.note if old else None
        asked_note = False
        while True:
            extra = ([(HELP, "？查看说明")] if item.help else []) + self._back_choice()
            if item.type in (ItemType.status, ItemType.choice) and not asked_note:
                extra.insert(0, (NOTE, "✎ 先写备注"))
            if item.type is ItemType.status:
                choices = [(v, STATUS_LABELS[v]) for v in STATUS_ORDER]
                value: Any = self.asker.select(message, choices + extra, default)
            elif item.type is ItemType.choice:
                choices = [(o.value, o.label) for o in item.options] + [("unknown", "不清楚"), ("na", "不适用")]
                value = self.asker.select(message, choices + extra, default)
            elif item.type is ItemType.boolean:
                dflt = None if default is None else ("true" if default else "false")
                picked = self.asker.select(message, [("true", "是"), ("false", "否")] + extra, dflt)
                value = picked if picked in (BACK, HELP) else picked == "true"
            elif item.type is ItemType.multi:
                if extra:
                    self.asker.say("[dim]（不勾选任何项直接回车 = 都没有；说明见下）[/dim]")
                    if item.help:
                        self.asker.say(f"[dim]说明：{item.help}[/dim]")
                value = self.asker.checkbox(message, [(o.value, o.label) for o in item.options],
                                            default if isinstance(default, list) else ())
            else:  # number / text
                hint = "（输入 ? 查看说明，< 返回上一题）" if extra else ""
                validate = (lambda t: True if t.strip() in ("?", "？", "<") else _number_validator(t)) \
                    if item.type is ItemType.number else None
                raw = self.asker.text(message + hint, default="" if default is None else str(default),
                                      validate=validate)
                raw = raw.strip()
                value = HELP if raw in ("?", "？") and item.help else BACK if raw == "<" and self.history else raw
                if item.type is ItemType.number and value not in (HELP, BACK):
                    value, _ = normalize_value(item, raw)
            if value == HELP:
                self.asker.say(f"[cyan]说明：{item.help}[/cyan]")
                continue
            if value == NOTE:
                note = self.asker.text("备注（如具体情况、涉及人数；写完回车后再选答案）", default=note or "").strip() or None
                asked_note = True
                continue
            if value == BACK:
                return BACK
            break
        lawyer = self.answers.assessor.mode == "lawyer"
        evidence: Sequence[str] = old.evidence if old else ()
        if lawyer and item.scored:
            evidence = self._ask_evidence(item, evidence)
        wants_note = (isinstance(value, str) and value in NOTE_AFTER) or (lawyer and item.scored)
        if wants_note and not asked_note:
            note = self.asker.text("备注（可选，如具体情况、涉及人数；直接回车跳过）", default=note or "").strip() or None
        self_answer, reason = (old.self_answer, old.override_reason) if old else (None, None)
        if lawyer and self_answer is not None:
            if self_answer == value:
                self_answer, reason = None, None  # the assessor agrees with the owner's own answer
            else:
                reason = self.asker.text(
                    f"改判理由（企业自评为“{answer_label(item, self_answer)}”，现改为“{answer_label(item, value)}”）",
                    default=reason or "", validate=lambda t: bool(t.strip()) or "改判须写明理由",
                ).strip()
        self.answers = with_answer(
            self.answers, item.id,
            Answer(value=value, note=note, evidence=tuple(evidence), self_answer=self_answer,
                   override_reason=reason),
        )
        return value

    def _ask_evidence(self, item: Item, current: Sequence[str]) -> list[str]:
        """Lawyer mode: which documents were seen — pick from the item's hints, plus free text."""
        picked: list[str] = []
        if item.evidence:
            picked = self.asker.checkbox("现场查见的材料（空格勾选，可不选）", [(e, e) for e in item.evidence],
                                         [e for e in current if e in item.evidence])
        others = [e for e in current if e not in item.evidence]
        extra = self.asker.text("其他查见材料（多项用“；”分隔，直接回车跳过）", default="；".join(others)).strip()
        picked += [e.strip() for e in extra.replace(";", "；").split("；") if e.strip()]
        return list(dict.fromkeys(picked))


def prepare_review(a: AnswerSet, today: dt.date | None = None) -> AnswerSet:
    """A lawyer's on-site review of a self-assessment: every answer becomes the owner's ``self_answer``
    and is asked again (with the owner's answer as the default); notes and evidence are kept."""
    answers = {
        item_id: Answer(value=None, note=ans.note, evidence=ans.evidence, self_answer=ans.value)
        if ans.value is not None and ans.self_answer is None else ans
        for item_id, ans in a.answers.items()
    }
    assessor = Assessor(mode="lawyer", date=today or dt.date.today())  # the lawyer signs, not the owner
    return replace(a, answers=answers, assessor=assessor, problems=[])


def prepare_recheck(q: Questionnaire, before: AnswerSet, today: dt.date | None = None) -> tuple[AnswerSet, dict[str, Any]]:
    """A re-check (复检): the previous findings are cleared so they are asked again; every other answer is
    carried over with its note. Items added to the library or newly applicable are unanswered, so they are
    asked too. Returns the new answer set and the previous answers, to offer as defaults."""
    from .scoring import assess

    findings = {r.item.id for r in assess(q, before).findings}
    answers = {k: v for k, v in before.answers.items() if k not in findings}
    defaults = {k: before.answers[k].value for k in findings if k in before.answers}
    assessor = replace(before.assessor, date=today or dt.date.today())
    return replace(before, answers=answers, assessor=assessor, problems=[], file_date=None), defaults


def start_answers(q: Questionnaire, mode: str = "self", today: dt.date | None = None) -> AnswerSet:
    """A new, empty answer set dated ``today``."""
    return AnswerSet(assessor=Assessor(mode=mode, date=today or dt.date.today()), questionnaire_version=q.version)


def progress_summary(q: Questionnaire, a: AnswerSet, modules: set[str] | None = None) -> tuple[int, int]:
    """(answered, applicable) questions, for messages on interrupt and resume."""
    steps = pending_steps(q, a, modules)
    return sum(1 for s in steps if is_answered(a, s)), len(steps)


def set_assessor(a: AnswerSet, **fields: Any) -> AnswerSet:
    return replace(a, assessor=replace(a.assessor, **fields))
