"""A scripted Asker: the interview driven through its Asker seam, without prompt_toolkit.

Replies are taken in order; when they run out, ``fallback`` answers. ``ENTER`` keeps the offered
default, ``CTRL_C`` interrupts. A text reply that the prompt's validator rejects is recorded in
``rejected`` and the prompt is asked again, as questionary does."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from hegui_check.interview import ACTIONS

ENTER = object()
CTRL_C = object()

Fallback = Callable[[str, str, list[str], Any], Any]


def keep_or_simple(kind: str, message: str, values: list[str], default: Any) -> Any:
    """Keep a default; else 否 for gates, 符合 for status items, the first option; short texts."""
    if kind == "select":
        if default in values:
            return default
        plain = [v for v in values if v not in ACTIONS]
        return next((v for v in ("false", "yes") if v in plain), plain[0])
    if kind == "checkbox":
        return list(default or [])
    if default:
        return default
    return "测试企业" if "名称" in message else ("12" if "人数" in message else "")


class ScriptedAsker:
    def __init__(self, replies: Sequence[Any] = (), fallback: Fallback = keep_or_simple):
        self.replies = list(replies)
        self.fallback = fallback
        self.prompts: list[tuple[str, str, list[str], Any]] = []  # kind, message, values, default
        self.rejected: list[tuple[str, str, str]] = []  # message, reply, validator's message
        self.said: list[str] = []

    @property
    def messages(self) -> list[str]:
        return [m for _, m, _, _ in self.prompts]

    def _reply(self, kind: str, message: str, values: list[str], default: Any) -> Any:
        self.prompts.append((kind, message, values, default))
        reply = self.replies.pop(0) if self.replies else self.fallback(kind, message, values, default)
        if reply is CTRL_C:
            raise KeyboardInterrupt
        if reply is ENTER:
            return default
        if callable(reply):
            return reply(kind, message, values, default)
        return reply

    def select(self, message: str, choices: Sequence[tuple[str, str]], default: str | None = None) -> str:
        values = [v for v, _ in choices]
        reply = self._reply("select", message, values, default)
        assert reply in values, f"{reply!r} is not a choice of “{message}”: {values}"
        return str(reply)

    def checkbox(
        self, message: str, choices: Sequence[tuple[str, str]], default: Sequence[str] = ()
    ) -> list[str]:
        return list(self._reply("checkbox", message, [v for v, _ in choices], list(default)))

    def text(
        self, message: str, default: str = "", validate: Callable[[str], bool | str] | None = None
    ) -> str:
        for _ in range(5):
            reply = str(self._reply("text", message, [], default))
            verdict = validate(reply) if validate is not None else True
            if verdict is True:
                return reply
            self.rejected.append((message, reply, str(verdict)))
            if not self.replies:
                self.replies.append("1")  # e.g. a number question the fallback left blank
        raise AssertionError(f"“{message}” rejected every reply: {self.rejected[-5:]}")

    def say(self, message: str) -> None:
        self.said.append(message)
