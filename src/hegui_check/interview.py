"""The interactive interview: profile first, then every applicable module, saving after each answer.

The flow only talks to an `Asker`, so tests can drive it with a scripted asker or through prompt_toolkit
pipe input without a terminal. Ctrl-C raises KeyboardInterrupt out of the asker; every answer given
before it is already on disk (and nothing is written before the first answer).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Protocol

from .answers import (
    STATUS_LABELS,
    Answer,
    AnswerSet,
    Assessor,
    answer_label,
    entity_type_from_uscc,
    merge_profile,
    normalize_value,
    save_answers,
    uscc_problem,
    with_answer,
)
from .questionnaire import Item, ItemType, ProfileQuestion, Questionnaire
from .scoring import applicability
from .terminal import safe_text
from .vocabulary import DEPTH_LABELS, STATUS_ORDER, Depth

BACK = "__back__"
HELP = "__help__"
NOTE = "__note__"
EVIDENCE = "__evidence__"
SKIP = "__skip__"
NOTE_AFTER = {"partial", "no", "unknown"}
BACK_KEYS = ("<", "＜", "《")  # a Chinese IME turns "<" into 《 or ＜
HELP_KEYS = ("?", "？")
ACTIONS = (BACK, HELP, NOTE, EVIDENCE, SKIP)


class Asker(Protocol):
    """What the interview needs from a prompt library. Each call may raise KeyboardInterrupt."""

    def select(self, message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str: ...

    def checkbox(
        self, message: str, choices: Sequence[tuple[str, str]], default: Sequence[str] = ()
    ) -> list[str]: ...

    def text(
        self, message: str, default: str = "", validate: Callable[[str], bool | str] | None = None
    ) -> str: ...

    def say(self, message: str) -> None: ...


class QuestionaryAsker:
    """The real prompts (questionary). ``input``/``output`` are for tests (prompt_toolkit pipe input).

    Choices carry number shortcuts (1, 2, 3 … then a, b, c), so they can be picked with a Chinese IME on;
    where going back is offered, < and the IME's 《 or ＜ go back at once."""

    def __init__(self, input: Any = None, output: Any = None, console: Any = None):
        self._io = {k: v for k, v in (("input", input), ("output", output)) if v is not None}
        if console is None:
            from rich.console import Console

            console = Console(highlight=False)
        self.console = console

    def select(self, message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str:
        import questionary
        from prompt_toolkit.key_binding import KeyBindings, merge_key_bindings

        options = [questionary.Choice(title=label, value=value) for value, label in choices]
        picked = next((c for c in options if c.value == default), None)
        shortcuts = len(options) <= 36
        question = questionary.select(
            message,
            choices=options,
            default=picked,
            qmark="?",
            use_shortcuts=shortcuts,
            use_jk_keys=False,
            instruction="（↑↓ 或数字选择，回车确认）" if shortcuts else "（↑↓ 选择，回车确认）",
            **self._io,
        )
        if any(value == BACK for value, _ in choices):
            keys = KeyBindings()
            for key in BACK_KEYS:
                keys.add(key, eager=True)(lambda event: event.app.exit(result=BACK))
            app = question.application
            app.key_bindings = merge_key_bindings([app.key_bindings or KeyBindings(), keys])
        return question.unsafe_ask()  # type: ignore[no-any-return]

    def checkbox(
        self, message: str, choices: Sequence[tuple[str, str]], default: Sequence[str] = ()
    ) -> list[str]:
        import questionary

        options = [
            questionary.Choice(title=label, value=value, checked=value in default) for value, label in choices
        ]
        return questionary.checkbox(  # type: ignore[no-any-return]
            message, choices=options, qmark="?", instruction="（空格勾选，回车确认）", **self._io
        ).unsafe_ask()

    def text(
        self, message: str, default: str = "", validate: Callable[[str], bool | str] | None = None
    ) -> str:
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

    @property
    def module_id(self) -> str:
        return "profile" if self.profile is not None else self.key.split(".")[0]


def pending_steps(q: Questionnaire, a: AnswerSet, modules: set[str] | None = None) -> list[Step]:
    """All questions the check asks given the answers so far, in order; answered ones included."""
    plan = applicability(q, a)
    by_id = q.profile_by_id
    steps = [Step(pid, profile=by_id[pid]) for pid in plan.profile]
    for module in q.modules:
        if modules is not None and module.module not in modules:
            continue
        steps.extend(Step(item.id, item=item) for item in module.items if item.id in plan.asked)
    return steps


def is_answered(a: AnswerSet, step: Step) -> bool:
    """Answered — and, in a lawyer's review, reviewed: an owner's answer not yet reviewed is still to ask."""
    if step.profile is not None:
        return step.key in a.company or step.key in a.facts
    ans = a.answers.get(step.key)
    return ans is not None and ans.value is not None and ans.reviewed


def progress_summary(q: Questionnaire, a: AnswerSet, modules: set[str] | None = None) -> tuple[int, int]:
    """(answered, applicable) questions, for messages on interrupt and resume."""
    steps = pending_steps(q, a, modules)
    return sum(1 for s in steps if is_answered(a, s)), len(steps)


def _is_back(text: str) -> bool:
    return text.strip() in BACK_KEYS


@dataclass
class _Draft:
    """What is being collected for one item before its answer is recorded."""

    note: str | None
    evidence: tuple[str, ...]
    noted: bool = False  # written at this prompt: the offer is not repeated
    evidenced: bool = False


@dataclass
class Interview:
    """Runs the questionnaire against an Asker, saving to ``path`` after every answer.

    ``defaults`` are values offered instead of the current answer (e.g. the previous answers in a
    re-check); ``dirty`` says the starting answers differ from what is on disk (saved when done)."""

    q: Questionnaire
    asker: Asker
    path: Path
    answers: AnswerSet
    modules: set[str] | None = None
    defaults: dict[str, Any] = field(default_factory=dict)
    dirty: bool = False
    history: list[str] = field(default_factory=list)
    redo: list[str] = field(default_factory=list)  # answered questions to ask again, pre-filled
    skipped: set[str] = field(default_factory=set)  # skippable profile questions skipped this session
    saved: bool = False

    def __post_init__(self) -> None:
        self.path = Path(self.path)
        self.defaults = dict(self.defaults or {})

    @property
    def lawyer(self) -> bool:
        return self.answers.assessor.mode == "lawyer"

    # -- persistence -------------------------------------------------------------------------
    def _save(self) -> None:
        save_answers(self.path, self.answers, self.q)
        self.saved = True

    def revisit(self, keys: Sequence[str]) -> None:
        """Ask these (answered) questions again, in this order, each pre-filled; Enter keeps an answer."""
        self.redo = list(dict.fromkeys([*keys, *self.redo]))

    # -- the loop ----------------------------------------------------------------------------
    def _next(self) -> tuple[Step, list[Step]] | None:
        steps = pending_steps(self.q, self.answers, self.modules)
        by_key = {s.key: s for s in steps}
        self.redo = [k for k in self.redo if k in by_key]  # an answer change may have made one inapplicable
        if self.redo:
            return by_key[self.redo[0]], steps
        todo = [s for s in steps if not is_answered(self.answers, s) and s.key not in self.skipped]
        return (todo[0], steps) if todo else None

    def run(self) -> AnswerSet:
        """Ask every unanswered applicable question. Raises KeyboardInterrupt (answers already saved)."""
        current_module = None
        while (nxt := self._next()) is not None:
            step, steps = nxt
            if step.module_id != current_module:
                self._announce(step.module_id, steps)
                current_module = step.module_id
            result = self._ask(step, steps)
            if result == BACK:
                if self.history:
                    self.redo.insert(0, self.history.pop())
                    current_module = None
                continue
            if self.redo and self.redo[0] == step.key:
                self.redo.pop(0)
            self.history.append(step.key)
            self._save()
        if self.dirty and not self.saved:
            self._save()
        return self.answers

    def _announce(self, module_id: str, steps: list[Step]) -> None:
        if module_id == "profile":
            self.asker.say("\n[bold]第一部分：企业画像[/bold]（用于判断哪些检查适用于您的企业）")
            return
        module = self.q.module(module_id)
        module_ids = list(dict.fromkeys(s.module_id for s in steps if s.item is not None))
        count = sum(1 for s in steps if s.item is not None and s.module_id == module_id)
        self.asker.say(
            f"\n[bold]模块 {module_ids.index(module_id) + 1}/{len(module_ids)}：{module.title}[/bold]"
            f"（本模块 {count} 题）"
        )
        if module.description:
            self.asker.say(f"[dim]{module.description}[/dim]")

    def _progress(self, step: Step, steps: list[Step]) -> str:
        """Position and totals over the questions that apply given the answers so far: a total changes
        only when an answer changes what applies."""
        if step.profile is not None:
            profile = [s for s in steps if s.profile is not None]
            return f"[画像 {profile.index(step) + 1}/{len(profile)}]"
        items = [s for s in steps if s.item is not None]
        in_module = [s for s in items if s.module_id == step.module_id]
        return f"[{in_module.index(step) + 1}/{len(in_module)} · 总 {items.index(step) + 1}/{len(items)}]"

    def _ask(self, step: Step, steps: list[Step]) -> Any:
        prefix = self._progress(step, steps)
        if step.profile is not None:
            self.skipped.discard(step.key)
            current = self.answers.company.get(step.key, self.answers.facts.get(step.key))
            return self._ask_profile(step.profile, prefix, self.defaults.pop(step.key, current))
        assert step.item is not None
        old = self.answers.answers.get(step.key)
        owner = _owner_answer(old)
        if owner is not None and self.lawyer:
            self.asker.say(f"[dim]企业自评：{safe_text(answer_label(step.item, owner))}[/dim]")
        return self._ask_item(step.item, prefix, self.defaults.pop(step.key, old.value if old else None))

    def _actions(self, *extra: tuple[str, str]) -> list[tuple[str, str]]:
        return [*extra, *([(BACK, "← 返回上一题（也可按 <）")] if self.history else [])]

    # -- profile -----------------------------------------------------------------------------
    def _ask_profile(self, pq: ProfileQuestion, prefix: str, default: Any) -> Any:
        if pq.help:
            self.asker.say(f"[dim]{pq.help}[/dim]")
        message = f"{prefix} {pq.question}"
        while True:
            if pq.type in ("choice", "boolean"):
                raw: Any = self._select_profile(pq, message, default)
            else:
                raw = self._text_profile(pq, message, default)
            if raw in (BACK, SKIP):
                if raw == SKIP:
                    self.skipped.add(pq.id)
                    self.answers = merge_profile(self.answers, {pq.id: None}, self.q)
                return raw
            value, problem = normalize_value(pq, raw) if raw != "" else ("", None)
            if problem is None:
                break
            self.asker.say(
                f"[yellow]{safe_text(problem)}[/yellow]"
            )  # asked again: a value that does not parse
        self._set_profile(pq, value)
        return value

    def _select_profile(self, pq: ProfileQuestion, message: str, default: Any) -> Any:
        if pq.type == "boolean":
            choices = [("true", "是"), ("false", "否")]
            default = None if default is None else ("true" if default else "false")
        else:
            choices = [(o.value, o.label) for o in pq.options]
        extra = [(SKIP, "跳过（不填）")] if pq.skippable else []
        picked = self.asker.select(message, choices + self._actions(*extra), default)
        if pq.type == "boolean" and picked not in ACTIONS:
            return picked == "true"
        return picked

    def _text_profile(self, pq: ProfileQuestion, message: str, default: Any) -> Any:
        # blank: a skippable question is skipped, other text is kept empty; a number is needed otherwise
        blank_ok = pq.skippable or (pq.type == "text" and not pq.required)
        hints = [
            h
            for h, show in (("直接回车跳过", pq.skippable), ("输入 < 返回上一题", bool(self.history)))
            if show
        ]
        hint = f"（{'，'.join(hints)}）" if hints else ""

        def check(text: str) -> bool | str:
            if (_is_back(text) and self.history) or (not text.strip() and blank_ok):
                return True
            if not text.strip():
                return "此项必填" if pq.type == "text" else "请填写数字（不确定可以估计）"
            problem = normalize_value(pq, text.strip())[1]
            return True if problem is None else problem

        raw = self.asker.text(message + hint, default="" if default is None else str(default), validate=check)
        if _is_back(raw) and self.history:
            return BACK
        if not raw.strip() and pq.skippable:
            return SKIP
        return raw.strip()

    def _set_profile(self, pq: ProfileQuestion, value: Any) -> None:
        self.answers = merge_profile(self.answers, {pq.id: value}, self.q)
        if pq.id != "uscc" or not value:
            return
        problem = uscc_problem(str(value))
        if problem:
            self.asker.say(
                f"[yellow]提示：{safe_text(problem)}。已按原样记录，可稍后在答题文件中修改。[/yellow]"
            )
            return
        kind = entity_type_from_uscc(str(value))
        if kind and "entity_type" in self.q.profile_by_id and "entity_type" not in self.answers.company:
            self.answers = merge_profile(self.answers, {"entity_type": kind}, self.q)
            label = next(o.label for o in self.q.profile_by_id["entity_type"].options if o.value == kind)
            self.asker.say(f"[dim]按信用代码识别为：{label}（如不对，可返回修改）[/dim]")

    # -- checklist items ---------------------------------------------------------------------
    def _ask_item(self, item: Item, prefix: str, default: Any) -> Any:
        old = self.answers.answers.get(item.id)
        draft = _Draft(note=old.note if old else None, evidence=old.evidence if old else ())
        message = f"{prefix} {item.question}"
        while True:
            value = self._prompt_item(item, message, default, draft)
            if value == HELP:
                self._show_help(item)
            elif value == NOTE:
                draft.note = self._ask_note(draft.note, "备注（如具体情况、涉及人数；写完回车后再选答案）")
                draft.noted = True
            elif value == EVIDENCE:
                draft.evidence = tuple(self._ask_evidence(item, draft.evidence))
                draft.evidenced = True
            elif value == BACK:
                return BACK
            else:
                break
        self._record(item, value, draft, old)
        return value

    def _item_actions(self, item: Item, draft: _Draft) -> list[tuple[str, str]]:
        extra: list[tuple[str, str]] = []
        if item.type in (ItemType.status, ItemType.choice, ItemType.boolean) and not draft.noted:
            extra.append((NOTE, f"✎ 修改备注（{draft.note}）" if draft.note else "✎ 先写备注"))
        if self.lawyer and item.scored and not draft.evidenced:
            extra.append(
                (EVIDENCE, "记录查见材料" + (f"（已记 {len(draft.evidence)} 项）" if draft.evidence else ""))
            )
        if item.help or item.basis:
            extra.append((HELP, "？查看说明和法律依据"))
        return self._actions(*extra)

    def _prompt_item(self, item: Item, message: str, default: Any, draft: _Draft) -> Any:
        extra = self._item_actions(item, draft)
        if item.type is ItemType.status:
            return self.asker.select(message, [(v, STATUS_LABELS[v]) for v in STATUS_ORDER] + extra, default)
        if item.type is ItemType.choice:
            choices = [(o.value, o.label) for o in item.options] + [("unknown", "不清楚"), ("na", "不适用")]
            return self.asker.select(message, choices + extra, default)
        if item.type is ItemType.boolean:
            dflt = None if default is None else ("true" if default is True else "false")
            picked = self.asker.select(message, [("true", "是"), ("false", "否")] + extra, dflt)
            return picked if picked in ACTIONS else picked == "true"
        if item.type is ItemType.multi:
            return self._prompt_multi(item, message, default)
        return self._prompt_text_item(item, message, default)

    def _prompt_multi(self, item: Item, message: str, default: Any) -> Any:
        self.asker.say("[dim]（不勾选任何项直接回车 = 都没有）[/dim]")
        if item.help:
            self.asker.say(f"[dim]说明：{item.help}[/dim]")
        return self.asker.checkbox(
            message, [(o.value, o.label) for o in item.options], default if isinstance(default, list) else ()
        )

    def _prompt_text_item(self, item: Item, message: str, default: Any) -> Any:
        hints = ["输入 ? 查看说明"] * bool(item.help or item.basis) + ["< 返回上一题"] * bool(self.history)
        number = item.type is ItemType.number

        def check(text: str) -> bool | str:
            if text.strip() in HELP_KEYS or _is_back(text):
                return True
            if not number:
                return True
            if not text.strip():
                return "请输入一个数字（不清楚可填“不清楚”）"
            problem = normalize_value(item, text.strip())[1]
            return True if problem is None else problem

        while True:
            raw = self.asker.text(
                message + (f"（{'，'.join(hints)}）" if hints else ""),
                default="" if default is None else str(default),
                validate=check,
            ).strip()
            if raw in HELP_KEYS and (item.help or item.basis):
                return HELP
            if _is_back(raw) and self.history:
                return BACK
            if not number:
                return raw
            value, problem = normalize_value(item, raw)
            if problem is None:
                return value
            self.asker.say(
                f"[yellow]{safe_text(problem)}[/yellow]"
            )  # asked again: a value that does not parse

    def _show_help(self, item: Item) -> None:
        from .legal import cite

        if item.help:
            self.asker.say(f"[cyan]说明：{item.help}[/cyan]")
        date = self.answers.assessment_date
        for citation in item.basis:
            c = citation.at(date)
            self.asker.say(f"[cyan]法律依据：{cite(c)}：“……{c.quote}……”[/cyan]")
        if item.scored and item.liability:
            self.asker.say(f"[cyan]违法责任：{item.liability_at(date)}[/cyan]")

    def _ask_note(self, current: str | None, prompt: str) -> str | None:
        return self.asker.text(prompt, default=current or "").strip() or None

    def _ask_evidence(self, item: Item, current: Sequence[str]) -> list[str]:
        """Lawyer mode: which documents were seen — pick from the item's hints, plus free text."""
        picked: list[str] = []
        if item.evidence:
            picked = self.asker.checkbox(
                "现场查见的材料（空格勾选，可不选）",
                [(e, e) for e in item.evidence],
                [e for e in current if e in item.evidence],
            )
        others = [e for e in current if e not in item.evidence]
        extra = self.asker.text(
            "其他查见材料（多项用“；”分隔，直接回车跳过）", default="；".join(others)
        ).strip()
        picked += [e.strip() for e in extra.replace(";", "；").split("；") if e.strip()]
        return list(dict.fromkeys(picked))

    def _record(self, item: Item, value: Any, draft: _Draft, old: Answer | None) -> None:
        note = draft.note
        if not self.lawyer and isinstance(value, str) and value in NOTE_AFTER and not draft.noted:
            note = self._ask_note(note, "备注（可选，如具体情况、涉及人数；直接回车跳过）")
        self_answer, reason = (old.self_answer, old.override_reason) if old else (None, None)
        owner = _owner_answer(old)
        if self.lawyer and owner is not None:
            if owner == value:
                self_answer, reason = None, None  # the assessor agrees with the owner's own answer
            else:
                self_answer = owner
                reason = self.asker.text(
                    f"改判理由（企业自评为“{answer_label(item, owner)}”，现改为“{answer_label(item, value)}”）",
                    default=reason or "",
                    validate=lambda t: bool(t.strip()) or "改判须写明理由",
                ).strip()
        self.answers = with_answer(
            self.answers,
            item.id,
            Answer(
                value=value,
                note=note,
                evidence=tuple(draft.evidence),
                self_answer=self_answer,
                override_reason=reason,
            ),
        )


# ---------------------------------------------------------------------------------------------
# after the last question: edit one answer, review a module, or go on to the report

EDIT, MODULE, REPORT, QUIT = "edit", "module", "report", "quit"


def _profile_text(a: AnswerSet, pq: ProfileQuestion) -> str:
    value = a.company.get(pq.id, a.facts.get(pq.id))
    if value is None:
        return "未填"
    if pq.type == "boolean":
        return "是" if value else "否"
    if pq.type == "choice":
        return next((o.label for o in pq.options if o.value == value), str(value))
    return str(value) or "未填"


def _pick_module(interview: Interview, steps: list[Step]) -> str | None:
    ids = list(dict.fromkeys(s.module_id for s in steps))
    titles = {m.module: m.title for m in interview.q.modules}
    choices = [(m, "企业画像" if m == "profile" else titles[m]) for m in ids]
    picked = interview.asker.select("选择模块", [*choices, (BACK, "← 返回")], None)
    return None if picked == BACK else picked


def _pick_question(interview: Interview, steps: list[Step]) -> str | None:
    a = interview.answers
    choices = []
    for s in steps:
        if s.profile is not None:
            choices.append((s.key, f"{s.profile.question}：{_profile_text(a, s.profile)}"))
        else:
            assert s.item is not None
            ans = a.answers.get(s.key)
            choices.append(
                (s.key, f"{s.item.short_title}：{answer_label(s.item, ans.value if ans else None)}")
            )
    picked = interview.asker.select("选择要修改的题目", [*choices, (BACK, "← 返回")], None)
    return None if picked == BACK else picked


def edit_menu(interview: Interview) -> bool:
    """A finished check: edit one answer or review a module (each question pre-filled, Enter keeps it),
    until the user asks for the report (True) or leaves (False)."""
    while True:
        picked = interview.asker.select(
            "问卷已全部完成。接下来要：",
            [
                (EDIT, "修改某题"),
                (MODULE, "按模块复查（逐题确认，回车保留原答案）"),
                (REPORT, "生成报告"),
                (QUIT, "退出"),
            ],
            REPORT,
        )
        if picked in (REPORT, QUIT):
            return picked == REPORT
        steps = pending_steps(interview.q, interview.answers, interview.modules)
        module_id = _pick_module(interview, steps)
        if module_id is None:
            continue
        keys = [s for s in steps if s.module_id == module_id]
        if picked == EDIT:
            key = _pick_question(interview, keys)
            if key is None:
                continue
            interview.revisit([key])
        else:
            interview.revisit([s.key for s in keys])
        interview.run()


def review_profile(interview: Interview) -> None:
    """A lawyer reviewing an owner's file sees the profile first and may correct it (pre-filled)."""
    a, q = interview.answers, interview.q
    asked = [s for s in pending_steps(q, a, interview.modules) if s.profile is not None]
    interview.asker.say("\n[bold]企业画像（企业填写）[/bold]")
    for s in asked:
        assert s.profile is not None
        interview.asker.say(f"  {s.profile.question}：{safe_text(_profile_text(a, s.profile))}")
    picked = interview.asker.select(
        "企业画像是否需要修改？",
        [("keep", "确认无误，开始逐题复核"), (EDIT, "修改企业画像（逐题确认，回车保留原答案）")],
        "keep",
    )
    if picked == EDIT:
        interview.revisit([s.key for s in asked])


def _owner_answer(old: Answer | None) -> Any:
    """The owner's own answer a lawyer reviews: recorded as ``self_answer`` once overridden, else the
    answer itself while it is not yet reviewed."""
    if old is None:
        return None
    if old.self_answer is not None:
        return old.self_answer
    return old.value if not old.reviewed else None


# ---------------------------------------------------------------------------------------------
# starting points


def prepare_review(a: AnswerSet, today: dt.date | None = None) -> AnswerSet:
    """A lawyer's on-site review of a self-assessment: every owner's answer is kept (it still scores) and
    marked not reviewed until the lawyer confirms or corrects it; notes and evidence are kept."""
    answers = {
        item_id: replace(ans, reviewed=False) if ans.value is not None and ans.self_answer is None else ans
        for item_id, ans in a.answers.items()
    }
    assessor = Assessor(mode="lawyer", date=today or dt.date.today())  # the lawyer signs, not the owner
    return replace(a, answers=answers, assessor=assessor, problems=[], depth=Depth.full)


def prepare_recheck(
    q: Questionnaire, before: AnswerSet, today: dt.date | None = None
) -> tuple[AnswerSet, dict[str, Any]]:
    """A re-check (复检): the previous findings are cleared so they are asked again; every other answer is
    carried over with its note. Items added to the library or newly applicable are unanswered, so they are
    asked too. Returns the new answer set and the previous answers, to offer as defaults."""
    from .scoring import assess

    findings = {r.item.id for r in assess(q, before).findings}
    answers = {k: v for k, v in before.answers.items() if k not in findings}
    defaults = {k: before.answers[k].value for k in findings if k in before.answers}
    assessor = replace(before.assessor, date=today or dt.date.today())
    return replace(before, answers=answers, assessor=assessor, problems=[], file_date=None), defaults


def start_answers(
    q: Questionnaire, mode: str = "self", today: dt.date | None = None, depth: Depth = Depth.full
) -> AnswerSet:
    """A new, empty answer set dated ``today``."""
    return AnswerSet(
        assessor=Assessor(mode=mode, date=today or dt.date.today()),
        questionnaire_version=q.version,
        depth=depth,
    )


def set_assessor(a: AnswerSet, **fields: Any) -> AnswerSet:
    return replace(a, assessor=replace(a.assessor, **fields))


def choose_depth(asker: Asker) -> Depth:
    """Ask a self-assessing owner how deep to go."""
    picked = asker.select(
        "选择体检方式",
        [
            (Depth.quick.value, f"{DEPTH_LABELS['quick']}（约 20 分钟：企业画像 + 红线和重点问题）"),
            (
                Depth.full.value,
                f"{DEPTH_LABELS['full']}（逐项检查全部适用的问题，约 1–2 小时，可随时中断后继续）",
            ),
        ],
        Depth.quick.value,
    )
    return Depth(picked)
