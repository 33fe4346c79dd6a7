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

    def __init__(self, inp, policy: Policy, stop_after: int | None = None, texts: dict[str, str] | None = None):
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


def run_interview(q, path: Path, policy: Policy, stop_after=None, answers=None, modules=None, texts=None):
    with create_pipe_input() as inp:
        asker = PipeAsker(inp, policy, stop_after, texts)
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
    interview, asker, interrupted = run_interview(q, path, seeded_policy(1))
    assert not interrupted
    data = load_answers(path, q)
    assert data.errors == []
    assert data.company["company_name"] == "温州测试鞋业有限公司"
    result = assess(q, data)
    assert result.completeness == 1.0
    assert len(data.answers) >= 20
    # progress is shown: module and question counters
    assert any("总 1/" in m for m in asker.messages)
    assert any("模块 1/" in s for s in asker.said)


@pytest.mark.timeout(180)
@pytest.mark.parametrize("stop_after", [5, 40])
def test_interrupted_and_resumed_gives_the_same_report(q, tmp_path: Path, stop_after: int) -> None:
    today = start_answers(q).assessor.date
    whole = tmp_path / "whole.yaml"
    run_interview(q, whole, seeded_policy(7))
    part = tmp_path / "part.yaml"
    _, _, interrupted = run_interview(q, part, seeded_policy(7), stop_after=stop_after)
    assert interrupted
    saved = load_answers(part, q)
    assert saved.errors == []  # a valid, resumable file after Ctrl-C
    _, _, interrupted = run_interview(q, part, seeded_policy(7), answers=saved)
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
    _, asker, _ = run_interview(q, path, policy, modules={"contract"})
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

    _, asker, _ = run_interview(q, tmp_path / "h.yaml", policy, modules={"contract"})
    assert any(item.help in s for s in asker.said)
    assert sum(1 for m in asker.messages if item.question in m) == 2


@pytest.mark.timeout(60)
def test_notes_are_asked_for_partial_answers_and_saved(q, tmp_path: Path) -> None:
    def policy(message, choices):
        values = [v for v, _ in choices]
        return "false" if "false" in values else ("partial" if "partial" in values else values[0])

    path = tmp_path / "n.yaml"
    run_interview(q, path, policy, modules={"contract"}, texts={"备注": "3 份合同未盖章"})
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
