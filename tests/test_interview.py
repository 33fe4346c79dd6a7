"""The interview, driven through real questionary prompts on prompt_toolkit pipe input (no TTY)."""

from __future__ import annotations

import hashlib
import io
import random
from collections.abc import Callable, Sequence
from pathlib import Path

import pytest
from prompt_toolkit.input import create_pipe_input
from prompt_toolkit.output import DummyOutput
from rich.console import Console

from hegui_check.answers import load_answers
from hegui_check.interview import BACK, HELP, Interview, QuestionaryAsker, start_answers
from hegui_check.scoring import assess

DOWN, ENTER, SPACE, CTRL_C = "\x1b[B", "\r", " ", "\x03"

Policy = Callable[[str, Sequence[tuple[str, str]]], str]


def seeded_policy(seed: int) -> Policy:
    """Pick an answer as a function of the question text only, so a resumed run answers the same."""

    def choose(message: str, choices: Sequence[tuple[str, str]]) -> str:
        question = message.split("] ", 1)[-1]
        rng = random.Random(int(hashlib.sha256(f"{seed}:{question}".encode()).hexdigest(), 16))
        options = [v for v, _ in choices if v not in (BACK, HELP)]
        return rng.choice(options)

    return choose


class PipeAsker:
    """Real questionary prompts; before each prompt it types the keys for the policy's choice."""

    def __init__(
        self, inp, policy: Policy, stop_after: int | None = None, texts: dict[str, str] | None = None
    ):
        self.inp = inp
        self.prompts = QuestionaryAsker(input=inp, output=DummyOutput(), console=Console(file=io.StringIO()))
        self.policy = policy
        self.stop_after = stop_after
        self.texts = texts or {}
        self.calls = 0
        self.messages: list[str] = []
        self.said: list[str] = []

    def _tick(self) -> bool:
        self.calls += 1
        if self.stop_after is not None and self.calls > self.stop_after:
            self.inp.send_text(CTRL_C)
            return True
        return False

    def select(self, message, choices, default=None):
        self.messages.append(message)
        if not self._tick():
            value = self.policy(message, choices)
            values = [v for v, _ in choices]
            start = values.index(default) if default in values else 0
            index = values.index(value)
            keys = DOWN * ((index - start) % len(values)) + ENTER
            self.inp.send_text(keys)
        return self.prompts.select(message, choices, default)

    def checkbox(self, message, choices, default=()):
        self.messages.append(message)
        if not self._tick():
            rng = random.Random(message)
            keys = "".join((SPACE if rng.random() < 0.5 else "") + DOWN for _ in choices)
            self.inp.send_text(keys + ENTER)
        return self.prompts.checkbox(message, choices, default)

    def text(self, message, default="", validate=None):
        self.messages.append(message)
        if not self._tick():
            reply = next((v for k, v in self.texts.items() if k in message), "")
            if not reply and "企业名称" in message:
                reply = "温州测试鞋业有限公司"
            if not reply and validate is not None and validate("") is not True:
                reply = "12"  # numbers and required fields
            self.inp.send_text("\x15" * bool(default) + reply + ENTER)  # Ctrl-U clears a default
        return self.prompts.text(message, default, validate)

    def say(self, message):
        self.said.append(message)


def scripted(policy: Policy, texts: dict[str, str] | None = None, stop_after: int | None = None):
    """The same policy through the Asker seam, without prompt_toolkit; Ctrl-C after ``stop_after`` prompts."""
    from .scripted import ScriptedAsker, keep_or_simple

    asked = [0]

    def reply(kind, message, values, default):
        asked[0] += 1
        if stop_after is not None and asked[0] > stop_after:
            raise KeyboardInterrupt
        if kind == "select":
            return policy(message, [(v, v) for v in values])
        found = next((v for k, v in (texts or {}).items() if k in message), None)
        return (
            found if found is not None and kind == "text" else keep_or_simple(kind, message, values, default)
        )

    return ScriptedAsker(fallback=reply)


def run_interview(
    q, path: Path, policy: Policy, stop_after=None, answers=None, modules=None, texts=None, real: bool = True
):
    """Drive an interview with ``policy``: through real prompts on pipe input, or scripted."""
    with create_pipe_input() as inp:
        asker = PipeAsker(inp, policy, stop_after, texts) if real else scripted(policy, texts, stop_after)
        interview = Interview(q, asker, path, answers or start_answers(q), modules)
        try:
            interview.run()
            interrupted = False
        except KeyboardInterrupt:
            interrupted = True
    return interview, asker, interrupted


@pytest.mark.timeout(120)
def test_random_interview_writes_a_file_that_report_accepts(q, tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    from hegui_check.vocabulary import Depth

    interview, asker, interrupted = run_interview(
        q, path, seeded_policy(1), answers=start_answers(q, depth=Depth.quick)
    )
    assert not interrupted
    data = load_answers(path, q)
    assert data.errors == []
    assert data.company["company_name"] == "温州测试鞋业有限公司"
    result = assess(q, data)
    assert result.completeness == 1.0
    assert len(data.answers) >= 12  # a quick check of a 12-person firm
    # progress is shown: module and question counters
    assert any("总 1/" in m for m in asker.messages)
    assert any("模块 1/" in s for s in asker.said)


@pytest.mark.timeout(180)
@pytest.mark.parametrize(("stop_after", "real"), [(5, True), (40, False), (120, False)])
def test_interrupted_and_resumed_gives_the_same_report(
    q, tmp_path: Path, stop_after: int, real: bool
) -> None:
    """Ctrl-C anywhere, then --resume: the same file and report number as an uninterrupted run. One run
    goes through real prompts on pipe input; the others through the Asker seam (same interview code)."""
    today = start_answers(q).assessor.date
    fresh = start_answers(q, depth=Depth.quick if real else Depth.full)  # real prompts: the shorter interview
    whole = tmp_path / "whole.yaml"
    run_interview(q, whole, seeded_policy(7), answers=fresh, real=real)
    part = tmp_path / "part.yaml"
    _, _, interrupted = run_interview(
        q, part, seeded_policy(7), answers=fresh, stop_after=stop_after, real=real
    )
    assert interrupted
    saved = load_answers(part, q)
    assert saved.errors == []  # a valid, resumable file after Ctrl-C
    _, _, interrupted = run_interview(q, part, seeded_policy(7), answers=saved, real=real)
    assert not interrupted
    before, after = load_answers(whole, q), load_answers(part, q)
    assert before.assessor.date == after.assessor.date == today
    assert assess(q, before).report_number == assess(q, after).report_number
    assert part.read_text(encoding="utf-8") == whole.read_text(encoding="utf-8")


@pytest.mark.timeout(60)
def test_back_goes_to_the_previous_question_and_keeps_the_new_answer(q, tmp_path: Path) -> None:
    seen: list[str] = []

    def policy(message, choices):
        values = [v for v, _ in choices]
        position = message.split("]", 1)[0]
        seen.append(position)
        if position.startswith("[2/"):  # first visit: partial; after going back: no
            return "partial" if seen.count(position) == 1 else "no"
        if position.startswith("[3/") and seen.count(position) == 1:
            assert BACK in values
            return BACK
        return "false" if "false" in values else ("yes" if "yes" in values else values[0])

    path = tmp_path / "b.yaml"
    _, asker, _ = run_interview(q, path, policy, modules={"contract"}, real=False)
    second_id = q.module("contract").items[1].id
    assert load_answers(path, q).answers[second_id].value == "no"
    assert sum(1 for p in seen if p.startswith("[2/")) == 2
    assert sum(1 for p in seen if p.startswith("[3/")) == 2


@pytest.mark.timeout(60)
def test_help_is_shown_on_request_and_the_question_asked_again(q, tmp_path: Path) -> None:
    item = next(i for i in q.module("contract").items if i.help and i.scored)
    shown = []

    def policy(message, choices):
        values = [v for v, _ in choices]
        if item.question in message and HELP in values and not shown:
            shown.append(message)
            return HELP
        return "false" if "false" in values else ("yes" if "yes" in values else values[0])

    _, asker, _ = run_interview(q, tmp_path / "h.yaml", policy, modules={"contract"}, real=False)
    assert any(item.help in s for s in asker.said)
    assert sum(1 for m in asker.messages if item.question in m) == 2


@pytest.mark.timeout(60)
def test_notes_are_asked_for_partial_answers_and_saved(q, tmp_path: Path) -> None:
    def policy(message, choices):
        values = [v for v, _ in choices]
        return "false" if "false" in values else ("partial" if "partial" in values else values[0])

    path = tmp_path / "n.yaml"
    run_interview(q, path, policy, modules={"contract"}, texts={"备注": "3 份合同未盖章"}, real=False)
    data = load_answers(path, q)
    scored = [a for i, a in data.answers.items() if q.items[i].scored]
    assert scored and all(a.value == "partial" and a.note == "3 份合同未盖章" for a in scored)


@pytest.mark.timeout(60)
def test_a_note_can_be_written_for_any_answer(q, tmp_path: Path) -> None:
    from hegui_check.interview import NOTE

    first = next(i for i in q.module("contract").items if i.type.value == "status")

    def policy(message, choices):
        values = [v for v, _ in choices]
        if first.question in message and NOTE in values:
            return NOTE
        return "false" if "false" in values else ("yes" if "yes" in values else values[0])

    path = tmp_path / "note.yaml"
    run_interview(q, path, policy, modules={"contract"}, texts={"备注": "合同由外贸部统一保管"})
    answer = load_answers(path, q).answers[first.id]
    assert answer.value == "yes" and answer.note == "合同由外贸部统一保管"


# ---------------------------------------------------------------------------------------------
# mechanics through the Asker seam (scripted), and a few real prompts on pipe input

import datetime as dt  # noqa: E402
import re  # noqa: E402
from dataclasses import replace  # noqa: E402

from hegui_check.answers import parse_answers, save_answers  # noqa: E402
from hegui_check.interview import ACTIONS, NOTE, pending_steps  # noqa: E402
from hegui_check.questionnaire import load_questionnaire  # noqa: E402
from hegui_check.vocabulary import Depth  # noqa: E402

from .conftest import FIXTURES  # noqa: E402
from .scripted import CTRL_C as INTERRUPT  # noqa: E402
from .scripted import ENTER as KEEP  # noqa: E402
from .scripted import ScriptedAsker  # noqa: E402

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
PROFILES = sorted((FIXTURES / "profiles").glob("*.yaml"))
COUNTER = re.compile(r"^\[(\d+)/(\d+) · 总 (\d+)/(\d+)\] (.*)$", re.S)


def _mini_answers(answers: dict | None = None, **facts) -> object:
    raw = {
        "company": {
            "company_name": "瓯江鞋业有限公司",
            "uscc": "",
            "entity_type": "company",
            "industry": "footwear",
            "region": "温州",
            "employees": 12,
        },
        "facts": {"sells_online": False, **facts},
        "assessor": {"date": "2026-11-21"},
        "answers": answers or {},
    }
    return parse_answers(raw, MINI, "x.yaml")


def _item_of(q, message: str):
    tail = COUNTER.match(message).group(5)
    return next(i for i in q.items.values() if tail.startswith(i.question))


def test_the_total_changes_only_after_an_answer_that_changes_what_applies(q, tmp_path: Path) -> None:
    start = load_answers(FIXTURES / "profiles" / "footwear-80-live.yaml", q)
    rng = random.Random(3)

    def answer(kind, message, values, default):
        plain = [v for v in values if v not in ACTIONS]
        if kind == "select":
            return rng.choice(plain)
        if kind == "checkbox":
            return [v for v in values if rng.random() < 0.5]
        return "2025-03" if "日期" in message else "3"

    asker = ScriptedAsker(fallback=answer)
    Interview(q, asker, tmp_path / "a.yaml", start).run()
    seen = [(m, int(COUNTER.match(m).group(4))) for m in asker.messages if COUNTER.match(m)]
    assert len(seen) > 60
    named = {
        n for m in q.modules for c in [m.condition, *(i.condition for i in m.items)] if c for n in c.names
    }
    for (before, total_before), (after, total_after) in zip(seen, seen[1:]):
        item = _item_of(q, before)
        if item == _item_of(q, after):
            assert total_after == total_before  # asked again (note, help): nothing changed
        elif total_after != total_before:
            assert item.id in named, f"total {total_before} → {total_after} after {item.id}"


def test_back_then_enter_keeps_the_answer_and_the_note(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    asker = ScriptedAsker(
        [
            NOTE,
            "红线备注",
            "partial",  # alpha.red, with a note written first
            BACK,  # at alpha.high
            KEEP,
            KEEP,  # alpha.red again: the answer, then the note, pre-filled
            "yes",
        ]
    )
    result = Interview(MINI, asker, path, _mini_answers(), modules={"alpha"}).run()
    kind, message, _, default = asker.prompts[4]
    assert MINI.items["alpha.red"].question in message and default == "partial"
    assert asker.prompts[5][0] == "text" and asker.prompts[5][3] == "红线备注"
    assert MINI.items["alpha.high"].question in asker.prompts[6][1]
    red = load_answers(path, MINI).answers["alpha.red"]
    assert (
        (red.value, red.note)
        == ("partial", "红线备注")
        == (result.answers["alpha.red"].value, result.answers["alpha.red"].note)
    )


def test_a_profile_value_that_does_not_parse_is_asked_again(tmp_path: Path) -> None:
    asker = ScriptedAsker(["甲公司", "company", "retail", "三十", "30"])
    result = Interview(
        MINI, asker, tmp_path / "a.yaml", start_answers(MINI, depth=Depth.quick), modules=set()
    ).run()
    assert result.company["employees"] == 30
    message, reply, why = asker.rejected[0]
    assert reply == "三十" and "阿拉伯数字" in why
    assert "uscc" not in result.company  # deferred to a full check: never relevant to a quick item


@pytest.mark.timeout(60)
def test_full_width_back_numbered_choices_and_ime_characters_on_real_prompts(tmp_path: Path) -> None:
    chunks = [
        "甲\r",  # company_name
        "\r",  # uscc: blank
        "1\r",  # entity_type by number: company
        "2\r",  # industry by number: retail
        "\r",  # region: blank
        "＜\r",  # employees: full-width back, to region
        "\r",  # region again: Enter keeps it
        "三十\r\x1530\r",  # rejected by the validator, then 30
        "《",  # sells_online: 《 goes back at once, to employees
        "\r",  # employees again: Enter keeps 30
        "是\r",
    ]  # an IME character at a choice is ignored; Enter picks the highlighted 是

    class Keyed(QuestionaryAsker):
        def select(self, message, choices, default=None):
            inp.send_text(chunks.pop(0))
            return super().select(message, choices, default)

        def text(self, message, default="", validate=None):
            inp.send_text(chunks.pop(0))
            return super().text(message, default, validate)

    with create_pipe_input() as inp:
        asker = Keyed(input=inp, output=DummyOutput(), console=Console(file=io.StringIO()))
        result = Interview(MINI, asker, tmp_path / "a.yaml", start_answers(MINI), modules=set()).run()
    assert chunks == []
    assert result.company == {
        "company_name": "甲",
        "uscc": "",
        "entity_type": "company",
        "industry": "retail",
        "region": "",
        "employees": 30,
    }
    assert result.facts == {"sells_online": True}


@pytest.mark.parametrize("path", PROFILES, ids=[p.stem for p in PROFILES])
def test_quick_check_asks_at_most_15_profile_and_50_checklist_questions(
    q, path: Path, tmp_path: Path
) -> None:
    firm = load_answers(path, q).profile_env()
    by_question = {pq.question: pq for pq in q.profile}

    def answer(kind, message, values, default):
        text = message.split("] ", 1)[-1]
        pq = next((p for t, p in by_question.items() if text.startswith(t)), None)
        if pq is None:  # checklist: every gate 是 (the worst case), every check 符合
            plain = [v for v in values if v not in ACTIONS]
            return ("true" if "true" in plain else plain[0]) if kind == "select" else "1"
        value = firm.get(pq.id)
        if pq.type == "boolean":
            return "true" if value else "false"
        return value if value is not None else ("甲" if pq.required else "")

    asker = ScriptedAsker(fallback=answer)
    Interview(q, asker, tmp_path / "a.yaml", start_answers(q, depth=Depth.quick)).run()
    profile = [m for m in asker.messages if m.startswith("[画像")]
    checklist = [m for m in asker.messages if COUNTER.match(m)]
    assert len(profile) <= 15, profile
    assert 0 < len(checklist) <= 50


def test_deepening_a_quick_file_asks_only_what_is_missing(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    start = _mini_answers()
    quick = replace(
        start, depth=Depth.quick, facts={}, company={k: v for k, v in start.company.items() if k != "uscc"}
    )
    first = ScriptedAsker()
    Interview(MINI, first, path, quick).run()
    saved = load_answers(path, MINI)
    assert saved.depth is Depth.quick and "depth: quick" in path.read_text(encoding="utf-8")
    asked_quick = {i.id for i in MINI.items.values() if any(i.question in m for m in first.messages)}
    assert asked_quick == {
        "alpha.red",
        "alpha.high",
        "alpha.gate",
        "beta.one",
    }  # gate 否: alpha.gated not asked
    assert saved.facts == {"sells_online": False}  # deferred, but beta.online (key) depends on it
    assert "uscc" not in saved.company  # deferred, and no quick item depends on it

    deeper = replace(saved, depth=Depth.full)
    missing = [
        s.key
        for s in pending_steps(MINI, deeper)
        if s.key not in saved.answers and s.key not in saved.company and s.key not in saved.facts
    ]
    second = ScriptedAsker()
    Interview(MINI, second, path, deeper, dirty=True).run()
    asked = [
        k
        for k in missing
        if any(
            (MINI.items[k].question if k in MINI.items else MINI.profile_by_id[k].question) in m
            for m in second.messages
        )
    ]
    assert asked == missing and len(set(second.messages)) == len(missing)
    assert load_answers(path, MINI).depth is Depth.full


def test_help_shows_the_legal_basis(tmp_path: Path) -> None:
    asker = ScriptedAsker([HELP, "yes"])
    Interview(MINI, asker, tmp_path / "a.yaml", _mini_answers(), modules={"alpha"}).run()
    assert any(s.startswith("[cyan]法律依据：《") and "第十条" in s for s in asker.said)


def test_nothing_is_written_before_the_first_answer(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    interview = Interview(
        MINI, ScriptedAsker([INTERRUPT]), path, start_answers(MINI, today=dt.date(2026, 11, 21))
    )
    with pytest.raises(KeyboardInterrupt):
        interview.run()
    assert not path.exists() and not interview.saved


def test_ctrl_c_counts_answered_of_applicable(tmp_path: Path) -> None:
    from hegui_check.interview import progress_summary

    path = tmp_path / "a.yaml"
    interview = Interview(
        MINI, ScriptedAsker(["yes", "no", KEEP, INTERRUPT]), path, _mini_answers(), modules={"alpha"}
    )
    with pytest.raises(KeyboardInterrupt):
        interview.run()
    done, total = progress_summary(MINI, load_answers(path, MINI), {"alpha"})
    profile = len([s for s in pending_steps(MINI, interview.answers) if s.profile is not None])
    assert done == profile + 2  # the profile was given; alpha.red and alpha.high answered
    assert total == profile + len([s for s in pending_steps(MINI, interview.answers, {"alpha"}) if s.item])
    save_answers(tmp_path / "b.yaml", interview.answers, MINI)
