"""User text on the terminal: the one place that makes a value safe to print through rich."""

from __future__ import annotations

import re

from rich.markup import escape

# ANSI escape sequences (CSI, OSC, and two-character ESC sequences), then the remaining control
# characters: C0 except tab and newline, DEL, C1, and the bidirectional overrides that reorder a line.
_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)?|[@-Z\\-_])")
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def strip_control(text: str) -> str:
    """``text`` without ANSI escape codes and control characters (tab and newline stay)."""
    return _CONTROL.sub("", _ANSI.sub("", text))


def safe_text(value: object) -> str:
    """Any value that may hold user text, ready for ``console.print(..., markup=True)``: control
    characters removed and rich markup such as ``[/red]`` escaped, so it prints as written."""
    return escape(strip_control(str(value)))
