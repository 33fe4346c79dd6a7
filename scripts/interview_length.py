"""Count the questions an interview asks for example profiles (answer files with company and facts).

Usage: python scripts/interview_length.py [--depth quick|full] tests/fixtures/profiles/*.yaml
Gate questions (boolean items) not answered in the file are taken as "yes", so counts are the most
an interview with that profile can ask (default depth: the file's own, full when it has none).
"""

from __future__ import annotations

import sys
from collections import Counter
from dataclasses import replace
from pathlib import Path

from hegui_check.answers import Answer, load_answers, with_answer
from hegui_check.interview import is_answered, pending_steps
from hegui_check.questionnaire import ItemType, load_questionnaire
from hegui_check.vocabulary import Depth


def count(path: Path, depth: Depth | None = None) -> tuple[int, Counter[str]]:
    q = load_questionnaire()
    a = load_answers(path, q)
    if a.errors:
        raise SystemExit(f"{path}: {a.errors[0]}")
    if depth is not None:
        a = replace(a, depth=depth)
    while True:  # open every gate the file leaves unanswered
        gates = [
            s
            for s in pending_steps(q, a)
            if s.item is not None and s.item.type is ItemType.boolean and not is_answered(a, s)
        ]
        if not gates:
            break
        a = with_answer(a, gates[0].key, Answer(True))
    steps = pending_steps(q, a)
    profile = sum(1 for s in steps if s.profile is not None)
    return profile, Counter(s.key.split(".")[0] for s in steps if s.item is not None)


def main(paths: list[str]) -> int:
    depth = None
    if paths[:1] == ["--depth"]:
        depth, paths = Depth(paths[1]), paths[2:]
    for p in paths:
        profile, modules = count(Path(p), depth)
        total = profile + sum(modules.values())
        detail = "、".join(f"{m} {n}" for m, n in modules.items())
        print(f"{Path(p).stem}: 共 {total} 题（画像 {profile}，检查 {sum(modules.values())}）：{detail}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
