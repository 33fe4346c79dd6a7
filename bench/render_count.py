#!/usr/bin/env python3
"""Render reports for counting instructions under valgrind (not a unit test; see bench/README.md).

Wall and CPU times on a shared or virtual machine drift by tens of percent between runs; an instruction
count does not. This script scores and renders to PDF the first answer file of DIR (a warm-up: imports,
font, first layout), then the next N (environment variable N, default 0). Run it twice under valgrind,
with N=0 and N=6, and divide the difference by 6 for the instructions of one report:

    .venv/bin/python bench/batch.py --generate 10 /tmp/hegui-in
    N=0 valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/render_count.py /tmp/hegui-in
    N=6 valgrind --tool=callgrind --callgrind-out-file=/dev/null .venv/bin/python bench/render_count.py /tmp/hegui-in

Set PYTHONPATH to another checkout's src/ to count that version on the same files.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path


def main(argv: list[str]) -> int:
    if len(argv) != 1:
        print("usage: render_count.py DIR  (answer files answers-*.yaml; N=count in the environment)")
        return 2
    from hegui_check.answers import load_answers
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.render import Format, render
    from hegui_check.scoring import assess

    q = load_questionnaire()
    files = sorted(Path(argv[0]).glob("answers-*.yaml"))
    n = int(os.environ.get("N", "0"))
    if len(files) < n + 1:
        print(f"{argv[0]}: {len(files)} answer files, {n + 1} needed")
        return 2
    for path in files[: n + 1]:
        render(assess(q, load_answers(path, q)), Format.pdf)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
