#!/usr/bin/env python3
"""Instructions per company of each step of a scoring batch, counted under valgrind (not a unit test; see
bench/README.md). Where bench/scoring_count.sh counts a whole `batch --format json`, this splits it:

    .venv/bin/python bench/batch.py --generate 201 /tmp/hegui-in
    .venv/bin/python bench/step_count.py /tmp/hegui-in          # about a minute
    SRC=<checkout>/src .venv/bin/python bench/step_count.py /tmp/hegui-in   # another version

It runs itself under `valgrind --tool=callgrind`: the first 20 files warm up the library's memories, then each
step runs over the other files inside one call of functools.reduce, the only function whose instructions are
collected (callgrind's --toggle-collect), and dumped after it (--dump-after), so each step is counted alone.
"""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from functools import reduce
from pathlib import Path
from typing import Any

WARM_UP = 20
STEPS = (
    "load (read, YAML, answers, applicability)",
    "assess",
    "JSON report",
    "write the JSON report",
    "record and industry share",
    "run_batch (all of the above, and the batch's bookkeeping)",
    "summary and industry report (the second time)",
    "of which summary.xlsx",
    "of which summary.csv",
)


def run(step: Callable[[Any], Any], values: list[Any]) -> list[Any]:
    """``step`` over ``values`` inside one call of functools.reduce (the counted function)."""

    def add(done: list[Any], value: Any) -> list[Any]:
        done.append(step(value))
        return done

    return reduce(add, values, [])


def child(indir: Path, work: Path) -> None:
    from hegui_check import batch as B
    from hegui_check.answers import load_answers
    from hegui_check.batch_outputs import write_batch_outputs
    from hegui_check.industry import contribution
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.render import Format, RenderOptions, render
    from hegui_check.render.summary import write_summary_csv, write_summary_xlsx
    from hegui_check.scoring import assess
    from hegui_check.yamlio import atomic_write

    q = load_questionnaire()
    options = RenderOptions()
    files = sorted(indir.glob("answers-*.yaml"))
    for path in files[:WARM_UP]:
        render(assess(q, load_answers(path, q)), Format.json, options)
    files = files[WARM_UP:]
    counted = work / "in"
    counted.mkdir()
    for path in files:
        shutil.copy(path, counted / path.name)
    (work / "json").mkdir()

    def record(a: Any) -> Any:
        rec = B._record("x", B.CompanyInput(a.answers.source, None, a.answers, []), a)
        return B.record_line(1, rec, contribution(a))

    answer_sets = run(lambda path: load_answers(path, q), files)
    assessments = run(lambda answers: assess(q, answers), answer_sets)
    blobs = run(lambda a: render(a, Format.json, options), assessments)
    run(
        lambda nb: atomic_write(work / "json" / f"{nb[0]}.json", nb[1], durable=False), list(enumerate(blobs))
    )
    run(record, assessments)
    out = work / "batch"
    result = run(lambda d: B.run_batch([d], q, out, [Format.json], jobs=1), [counted])[0]
    write_batch_outputs(result, q, out, [Format.json], options)  # the first time: templates compiled
    result.unchanged = False
    run(lambda r: write_batch_outputs(r, q, out, [Format.json], options), [result])
    run(lambda r: write_summary_xlsx(r.records, q, io.BytesIO()), [result])
    run(lambda r: write_summary_csv(r.records, q, io.BytesIO()), [result])
    print(len(files))


def main(argv: list[str]) -> int:
    if len(argv) == 3 and argv[0] == "--child":
        child(Path(argv[1]), Path(argv[2]))
        return 0
    if len(argv) != 1:
        print("usage: step_count.py DIR  (answer files answers-*.yaml, more than 20)")
        return 2
    if shutil.which("valgrind") is None:
        print("step_count: valgrind is not installed", file=sys.stderr)
        return 1
    here = Path(__file__).resolve().parent.parent
    env = dict(os.environ, PYTHONPATH=os.environ.get("SRC", str(here / "src")))
    with tempfile.TemporaryDirectory(prefix="hegui-steps-") as tmp:
        out = Path(tmp) / "cg"
        done = subprocess.run(
            [
                "valgrind",
                "--tool=callgrind",
                "--collect-atstart=no",
                "--toggle-collect=functools_reduce",
                "--dump-after=functools_reduce",
                f"--callgrind-out-file={out}",
                sys.executable,
                __file__,
                "--child",
                str(Path(argv[0]).resolve()),
                tmp,
            ],
            env=env,
            capture_output=True,
            text=True,
        )
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return 1
        companies = int(done.stdout.split()[-1])
        counts = []
        for dump in sorted(Path(tmp).glob("cg.*"), key=lambda p: int(p.suffix[1:])):
            for line in dump.read_text(encoding="utf-8").splitlines():
                if line.startswith(("summary:", "totals:")):
                    counts.append(int(line.split()[1]))
                    break
        # the library's own uses of reduce (outside the steps: templates compiled the first time) collect a
        # few thousand instructions each: left out
        counts = [c for c in counts if c > 1000 * companies]
    print(f"instructions per company over {companies} companies (after {WARM_UP} to warm up):")
    for name, count in zip(STEPS, counts):
        print(f"  {count / companies / 1e6:7.3f} M  {name}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
