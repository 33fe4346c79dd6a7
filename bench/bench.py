#!/usr/bin/env python3
"""Release benchmark for hegui-check (not a unit test; see bench/README.md).

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/bench.py [--quick] [--json OUT]

It measures CLI start-up (plain and under a real pseudo-terminal), scoring throughput on
synthetic answer files, and PDF rendering against raw WeasyPrint on the same HTML, then prints
a table (and writes the numbers as JSON with --json). Only the standard library, the project's
own dependencies and pypdf are used.
"""

from __future__ import annotations

import argparse
import contextlib
import ctypes.util
import datetime as dt
import functools
import gc
import io
import json
import os
import platform
import random
import re
import resource
import select
import shutil
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
FIRST_PROMPT = "企业名称"  # text of the first profile question (company_name)
PROMPT_TIMEOUT_S = 60.0
EXIT_TIMEOUT_S = 30.0
ANSI_RE = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)|\x1b[()][0-9A-Za-z]|\x1b[=>78]"
)


class BenchError(RuntimeError):
    """A benchmark step could not be run; the message says which and why."""


# ---------------------------------------------------------------------------------------------
# helpers


def ms(seconds: float) -> float:
    return round(seconds * 1000.0, 2)


def summary(samples: list[float]) -> dict[str, float]:
    """Median / min / max / mean of a list of durations in seconds, as milliseconds."""
    return {
        "n": len(samples),
        "median_ms": ms(statistics.median(samples)),
        "min_ms": ms(min(samples)),
        "max_ms": ms(max(samples)),
        "mean_ms": ms(statistics.fmean(samples)),
    }


def maxrss_mib(who: int) -> float:
    """Peak resident set size in MiB (ru_maxrss is KiB on Linux, bytes on macOS)."""
    rss = resource.getrusage(who).ru_maxrss
    return round(rss / (1024 * 1024) if sys.platform == "darwin" else rss / 1024, 1)


def find_cli() -> Path:
    """The hegui-check console script of the interpreter running this file (the project venv)."""
    candidate = Path(sys.executable).parent / "hegui-check"
    if candidate.is_file() and os.access(candidate, os.X_OK):
        return candidate
    found = shutil.which("hegui-check")
    if found:
        return Path(found)
    raise BenchError(
        f"hegui-check console script not found next to {sys.executable} or on PATH; "
        "run with the project venv: .venv/bin/python bench/bench.py"
    )


def cell(value: Any) -> str:
    if value is None:
        return "-"
    if isinstance(value, float):
        return f"{value:.3f}" if abs(value) < 10 else f"{value:.1f}"
    return str(value)


def table(title: str, header: list[str], rows: list[list[Any]]) -> str:
    cells = [[str(c) for c in header]] + [[cell(c) for c in row] for row in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]

    def line(r: list[str]) -> str:
        first = r[0].ljust(widths[0])
        rest = [c.rjust(w) for c, w in zip(r[1:], widths[1:], strict=True)]
        return "  ".join([first, *rest]).rstrip()

    out = [f"== {title}", line(cells[0]), "  ".join("-" * w for w in widths)]
    out += [line(r) for r in cells[1:]]
    return "\n".join(out)


# ---------------------------------------------------------------------------------------------
# machine info


def machine_info() -> dict[str, Any]:
    from importlib.metadata import PackageNotFoundError, version

    def dist_version(name: str) -> str | None:  # without importing it: the PDF step times that import
        try:
            return version(name)
        except PackageNotFoundError:
            return None

    from hegui_check import __version__ as hc_version

    return {
        "date": dt.datetime.now().isoformat(timespec="seconds"),
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "sched_cpus": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else None,
        "python": platform.python_version(),
        "python_impl": platform.python_implementation(),
        "hegui_check": hc_version,
        "weasyprint": dist_version("weasyprint") or "not installed",
        "pydyf": dist_version("pydyf"),
        "fonttools": dist_version("fonttools"),
        "pypdf": dist_version("pypdf"),
        "libharfbuzz": ctypes.util.find_library("harfbuzz"),
        "libharfbuzz_subset": ctypes.util.find_library("harfbuzz-subset"),
    }


# ---------------------------------------------------------------------------------------------
# 1. CLI start-up


def bench_help(cli: Path, runs: int) -> dict[str, Any]:
    """Wall time of `hegui-check --help` as a subprocess (one untimed warm-up run first)."""

    def once() -> float:
        t0 = time.perf_counter()
        proc = subprocess.run([str(cli), "--help"], capture_output=True, timeout=60)
        elapsed = time.perf_counter() - t0
        if proc.returncode != 0:
            raise BenchError(
                f"`hegui-check --help` exited {proc.returncode}: {proc.stderr.decode(errors='replace')[-500:]}"
            )
        return elapsed

    once()  # warm the page cache / .pyc files; not counted
    return summary([once() for _ in range(runs)])


def weasyprint_imported_by_cli() -> bool:
    """Whether importing hegui_check.cli (what every command pays) pulls in WeasyPrint. It must not."""
    code = "import sys, hegui_check.cli; print('weasyprint' in sys.modules)"
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    if proc.returncode != 0:
        raise BenchError(f"importing hegui_check.cli failed: {proc.stderr[-500:]}")
    return proc.stdout.strip() == "True"


def _read_some(fd: int, timeout: float) -> bytes | None:
    """Bytes from the pty master, b"" on timeout, None at end of file (child closed the terminal)."""
    ready, _, _ = select.select([fd], [], [], timeout)
    if not ready:
        return b""
    try:
        data = os.read(fd, 65536)
    except OSError:  # EIO: every slave fd is closed
        return None
    return data or None


def _reap(pid: int, deadline: float) -> int | None:
    """Wait for ``pid`` until ``deadline``; returns its exit code (negative = signal) or None."""
    while time.monotonic() < deadline:
        done, status = os.waitpid(pid, os.WNOHANG)
        if done:
            return os.waitstatus_to_exitcode(status)
        time.sleep(0.01)
    return None


def pty_first_prompt(cli: Path, workdir: Path, run: int) -> dict[str, Any]:
    """Launch `hegui-check check -o FILE` on a new pseudo-terminal, time until the first question is
    drawn, then press Ctrl-C and reap the process."""
    import pty
    import termios

    answers = workdir / f"pty-answers-{run}.yaml"
    env = dict(os.environ, TERM=os.environ.get("TERM") or "xterm-256color", COLUMNS="120", LINES="40")
    env.pop("NO_COLOR", None)
    argv = [str(cli), "check", "-o", str(answers)]
    t0 = time.perf_counter()
    pid, fd = pty.fork()
    if pid == 0:  # child: stdin/stdout/stderr are the pty slave, which is the controlling terminal
        try:
            import fcntl

            fcntl.ioctl(0, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
            os.chdir(workdir)
            os.execve(argv[0], argv, env)
        finally:
            os._exit(127)
    buf = b""
    cpr_answered = 0
    t_prompt = None
    t_exit = 0.0
    code = None

    def pump(timeout: float) -> bool:
        """Read what the child drew; answer its cursor-position requests the way a real terminal
        does (prompt_toolkit otherwise waits up to 1 s for them on exit). False at end of file."""
        nonlocal buf, cpr_answered
        data = _read_some(fd, timeout)
        if data is None:
            return False
        buf += data
        while cpr_answered < buf.count(b"\x1b[6n"):
            os.write(fd, b"\x1b[1;1R")
            cpr_answered += 1
        return True

    try:
        deadline = time.monotonic() + PROMPT_TIMEOUT_S
        while time.monotonic() < deadline and pump(0.05):
            if FIRST_PROMPT in ANSI_RE.sub("", buf.decode("utf-8", errors="ignore")):
                t_prompt = time.perf_counter() - t0
                break
        if t_prompt is None:
            tail = ANSI_RE.sub("", buf.decode("utf-8", errors="replace"))[-400:]
            raise BenchError(
                f"pty run {run}: first prompt “{FIRST_PROMPT}” not seen within "
                f"{PROMPT_TIMEOUT_S:.0f}s; output tail: {tail!r}"
            )
        os.write(fd, b"\x03")  # Ctrl-C
        t_ctrl_c = time.perf_counter()
        deadline = time.monotonic() + EXIT_TIMEOUT_S
        while time.monotonic() < deadline and pump(0.05):  # until the child closes the terminal
            pass
        code = _reap(pid, time.monotonic() + 5)
        t_exit = time.perf_counter() - t_ctrl_c
        if code is None:
            raise BenchError(
                f"pty run {run}: process {pid} did not exit within {EXIT_TIMEOUT_S:.0f}s of Ctrl-C"
            )
    finally:
        if code is None:
            with contextlib.suppress(ProcessLookupError, ChildProcessError):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)
        os.close(fd)
    return {
        "first_prompt_s": t_prompt,
        "exit_after_ctrl_c_s": t_exit,
        "exit_code": code,
        "answers_saved": answers.is_file(),
        "cpr_requests": cpr_answered,
    }


def bench_pty(cli: Path, runs: int, workdir: Path) -> dict[str, Any]:
    results = [pty_first_prompt(cli, workdir, n) for n in range(runs)]
    codes = sorted({r["exit_code"] for r in results})
    return {
        "first_prompt": summary([r["first_prompt_s"] for r in results]),
        "exit_after_ctrl_c": summary([r["exit_after_ctrl_c_s"] for r in results]),
        "exit_codes": codes,
        "answers_saved": all(r["answers_saved"] for r in results),
        "cpr_requests_answered": sum(r["cpr_requests"] for r in results),
    }


# ---------------------------------------------------------------------------------------------
# 2. synthetic answer files and scoring


def _random_text(rng: random.Random, n: int) -> str:
    pool = "合规检查企业员工合同劳动安全消防税务知识产权数据个人信息产品质量环境保护"
    return "".join(rng.choice(pool) for _ in range(n))


def _profile_value(pq: Any, rng: random.Random, n: int) -> Any:
    from hegui_check.answers import uscc_with_check

    if pq.type == "choice":
        return rng.choice(pq.options).value
    if pq.type == "boolean":
        return rng.random() < 0.5
    if pq.type == "number":
        if pq.id == "employees":
            return rng.choice([0, rng.randint(1, 9), rng.randint(10, 300), rng.randint(300, 3000)])
        return rng.randint(0, 100_000)
    if pq.id == "company_name":
        return f"基准测试{n:05d}号{_random_text(rng, 2)}有限公司"
    if pq.id == "uscc":
        chars = "0123456789ABCDEFGHJKLMNPQRTUWXY"
        return uscc_with_check("91330302" + "".join(rng.choice(chars) for _ in range(9)))
    if pq.id == "region":
        return rng.choice(
            ["浙江省温州市鹿城区", "浙江省杭州市西湖区", "广东省深圳市南山区", "江苏省苏州市吴中区"]
        )
    if getattr(pq, "format", None) == "month_or_date":
        return f"{rng.randint(2019, 2025)}-{rng.randint(1, 12):02d}"
    return _random_text(rng, rng.randint(2, 12))


def _item_value(item: Any, rng: random.Random, p_yes: float) -> Any:
    from hegui_check.questionnaire import ItemType

    t = item.type
    if t is ItemType.status:
        return "yes" if rng.random() < p_yes else rng.choice(["partial", "no", "unknown", "na"])
    if t is ItemType.choice:
        return rng.choice(item.options).value if rng.random() < 0.9 else rng.choice(["unknown", "na"])
    if t is ItemType.multi:
        if rng.random() < 0.1:
            return rng.choice(["unknown", "na"])
        values = [o.value for o in item.options]
        return rng.sample(values, rng.randint(0, len(values)))
    if t is ItemType.number:
        bounds = [th.upto for th in item.thresholds if th.upto is not None]
        top = int(max(bounds) * 2) + 1 if bounds else 100
        return rng.randint(0, max(top, 1))
    if t is ItemType.boolean:
        return rng.random() < 0.5
    return _random_text(rng, rng.randint(0, 20))  # text


def synthetic_answers(q: Any, rng: random.Random, n: int) -> Any:
    """One valid AnswerSet: random profile, then an answer for every item that applies to it."""
    from hegui_check.answers import Answer, AnswerSet, Assessor

    company: dict[str, Any] = {}
    facts: dict[str, Any] = {}
    env: dict[str, Any] = {}
    for pq in q.profile:
        if pq.condition is not None and not pq.condition.evaluate(env):
            continue
        if not pq.required and rng.random() < 0.05:
            continue  # an unanswered optional profile question now and then
        value = _profile_value(pq, rng, n)
        (company if pq.group == "company" else facts)[pq.id] = value
        env[pq.id] = value
    answers: dict[str, Any] = {}
    # how compliant this company is (share of 符合 among status answers): mostly mediocre, some
    # near-perfect ones, so the files spread over all three traffic lights
    p_yes = rng.uniform(0.985, 1.0) if rng.random() < 0.25 else rng.uniform(0.3, 0.985)
    for module in q.modules:  # same order and rules as scoring.applicable_items
        if module.condition is not None and not module.condition.evaluate(env):
            continue
        for item in module.items:
            if item.condition is not None and not item.condition.evaluate(env):
                continue
            value = _item_value(item, rng, p_yes)
            note = (
                _random_text(rng, rng.randint(4, 30))
                if value in ("partial", "no", "unknown") and rng.random() < 0.3
                else None
            )
            answers[item.id] = Answer(value=value, note=note)
            env[item.id] = value
    date = dt.date(2026, 11, 20) - dt.timedelta(days=rng.randint(0, 365))
    return AnswerSet(
        company=company,
        facts=facts,
        assessor=Assessor(mode=rng.choice(["self", "association"]), date=date),
        answers=answers,
        questionnaire_version=q.version,
    )


def write_synthetic(q: Any, count: int, seed: int, outdir: Path) -> tuple[list[Path], float]:
    from hegui_check.answers import save_answers

    rng = random.Random(seed)
    paths = []
    t0 = time.perf_counter()
    for n in range(count):
        path = outdir / f"answers-{n:05d}.yaml"
        save_answers(path, synthetic_answers(q, rng, n), q)
        paths.append(path)
    return paths, time.perf_counter() - t0


def bench_scoring(q: Any, paths: list[Path], outdir: Path) -> dict[str, Any]:
    """load_answers + assess per file; then the `report --format json` path (load, assess, render, write)."""
    from hegui_check.answers import load_answers
    from hegui_check.render import Format, render
    from hegui_check.scoring import assess
    from hegui_check.yamlio import atomic_write

    load_t, assess_t, both_t = [], [], []
    items = findings = 0
    lights = {"green": 0, "yellow": 0, "red": 0}
    for path in paths:
        t0 = time.perf_counter()
        data = load_answers(path, q)
        t1 = time.perf_counter()
        a = assess(q, data)
        t2 = time.perf_counter()
        load_t.append(t1 - t0)
        assess_t.append(t2 - t1)
        both_t.append(t2 - t0)
        errors = [p for p in data.problems if p.severity == "error"]
        if errors:  # warnings (an optional profile question left blank) are part of real batches
            raise BenchError(f"generated answer file {path.name} is not clean: {errors[0]}")
        items += len(data.answers)
        findings += len(a.findings)
        lights[a.light] += 1

    json_t = []
    json_bytes = 0
    for path in paths:
        out = outdir / (path.stem + ".json")
        t0 = time.perf_counter()
        a = assess(q, load_answers(path, q))
        blob = render(a, Format.json)
        atomic_write(out, blob)
        json_t.append(time.perf_counter() - t0)
        json_bytes += len(blob)
        out.unlink()

    def rate(samples: list[float]) -> dict[str, Any]:
        total = sum(samples)
        return {
            **summary(samples),
            "total_s": round(total, 3),
            "files_per_s": round(len(samples) / total, 1),
            "ms_per_file": ms(total / len(samples)),
        }

    return {
        "files": len(paths),
        "mean_answers_per_file": round(items / len(paths), 1),
        "mean_findings_per_file": round(findings / len(paths), 1),
        "lights": lights,
        "load_answers": rate(load_t),
        "assess": rate(assess_t),
        "load_plus_assess": rate(both_t),
        "report_json": {**rate(json_t), "mean_json_kib": round(json_bytes / len(paths) / 1024, 1)},
    }


# ---------------------------------------------------------------------------------------------
# 3. PDF rendering vs raw WeasyPrint


def pdf_pages(blob: bytes) -> int | None:
    try:
        from pypdf import PdfReader
    except ImportError:
        return None
    return len(PdfReader(io.BytesIO(blob)).pages)


def bench_pdf(q: Any, answer_paths: list[Path], repeats: int) -> dict[str, Any]:
    from hegui_check.answers import load_answers
    from hegui_check.errors import HeguiCheckError
    from hegui_check.render import Format, render
    from hegui_check.render.html import render_html
    from hegui_check.render.pdf import font_css
    from hegui_check.resources import cjk_font, templates_dir
    from hegui_check.scoring import assess

    t0 = time.perf_counter()
    try:
        import weasyprint
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:
        raise BenchError(f"WeasyPrint cannot be imported ({exc}); run `hegui-check doctor`") from None
    import_s = time.perf_counter() - t0
    found = cjk_font()
    if found is None:
        raise BenchError("no CJK font found; run `hegui-check doctor`")
    font = found[0]
    base_url = templates_dir().as_uri() + "/"

    def raw_weasyprint(html: str) -> bytes:
        fonts = FontConfiguration()
        css = weasyprint.CSS(string=font_css(font), font_config=fonts)
        return weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css], font_config=fonts)

    cpu: dict[str, float] = {}

    def timed(fn: Callable[[], Any], key: str = "") -> tuple[Any, float]:
        """Wall time of fn(); its CPU time of this process goes to cpu[key]."""
        gc.collect()  # do not charge one measurement with the garbage of the previous one
        start, start_cpu = time.perf_counter(), time.process_time()
        value = fn()
        cpu[key] = time.process_time() - start_cpu
        return value, time.perf_counter() - start

    assessments = [(p, assess(q, load_answers(p, q))) for p in answer_paths]

    # First render in this process: fontconfig / CSS / font caches are cold (what one CLI run pays).
    try:
        _, cold_full = timed(lambda: render(assessments[0][1], Format.pdf))
    except HeguiCheckError as exc:
        raise BenchError(f"PDF rendering failed: {exc}") from None
    _, cold_raw = timed(lambda: raw_weasyprint(render_html(assessments[0][1])))

    rows: list[dict[str, Any]] = []
    for path, a in assessments:
        html, t_html = timed(functools.partial(render_html, a))
        fulls, raws, fulls_cpu, raws_cpu = [], [], [], []
        for r in range(repeats):  # alternate the order so neither side always runs second
            for which in ("full", "raw") if r % 2 == 0 else ("raw", "full"):
                if which == "full":
                    full_pdf, t = timed(functools.partial(render, a, Format.pdf), "x")
                    fulls.append(t)
                    fulls_cpu.append(cpu["x"])
                else:
                    raw_pdf, t = timed(functools.partial(raw_weasyprint, html), "x")
                    raws.append(t)
                    raws_cpu.append(cpu["x"])
        t_full, t_raw = statistics.median(fulls), statistics.median(raws)
        c_full, c_raw = statistics.median(fulls_cpu), statistics.median(raws_cpu)
        rows.append(
            {
                "report": path.name,
                "findings": len(a.findings),
                "html_kib": round(len(html.encode("utf-8")) / 1024, 1),
                "full_ms": ms(t_full),
                "html_ms": ms(t_html),
                "raw_weasyprint_ms": ms(t_raw),
                "ratio_full_over_raw": round(t_full / t_raw, 3),
                "full_cpu_ms": ms(c_full),
                "raw_cpu_ms": ms(c_raw),
                "cpu_ratio_full_over_raw": round(c_full / c_raw, 3),
                "overhead_ms": ms(t_full - t_html - t_raw),
                "pages": pdf_pages(full_pdf),
                "raw_pages": pdf_pages(raw_pdf),
                "pdf_kib": round(len(full_pdf) / 1024, 1),
                "raw_pdf_kib": round(len(raw_pdf) / 1024, 1),
                "ms_per_page": ms(t_full / pages) if (pages := pdf_pages(full_pdf)) else None,
            }
        )

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 2 if key.endswith("ms") else 3)

    return {
        "reports": len(rows),
        "repeats": repeats,
        "weasyprint_import_ms": ms(import_s),
        "cold_first_full_ms": ms(cold_full),
        "cold_first_raw_ms": ms(cold_raw),
        "rows": rows,
        "median": {
            k: med(k)
            for k in (
                "full_ms",
                "html_ms",
                "raw_weasyprint_ms",
                "ratio_full_over_raw",
                "full_cpu_ms",
                "raw_cpu_ms",
                "cpu_ratio_full_over_raw",
                "overhead_ms",
                "pdf_kib",
                "raw_pdf_kib",
            )
        },
        "total_pages": sum(r["pages"] or 0 for r in rows),
    }


# ---------------------------------------------------------------------------------------------
# report


def print_report(res: dict[str, Any]) -> None:
    m, p = res["machine"], res["params"]
    print(
        f"hegui-check {m['hegui_check']} benchmark  ({'quick' if p['quick'] else 'full'}, seed {p['seed']}, {m['date']})"
    )
    print(
        table(
            "machine",
            ["what", "value"],
            [
                ["platform", m["platform"]],
                ["CPUs (os.cpu_count / usable)", f"{m['cpu_count']} / {m['sched_cpus']}"],
                ["Python", f"{m['python']} ({m['python_impl']})"],
                ["WeasyPrint", m["weasyprint"]],
                ["pydyf / fonttools / pypdf", f"{m['pydyf']} / {m['fonttools']} / {m['pypdf']}"],
                ["libharfbuzz", m["libharfbuzz"] or "not found"],
                ["libharfbuzz-subset", m["libharfbuzz_subset"] or "not found"],
            ],
        )
    )
    print()
    s = res["startup"]
    rows = [
        [
            f"hegui-check --help (N={s['help']['n']})",
            s["help"]["median_ms"],
            s["help"]["min_ms"],
            s["help"]["max_ms"],
        ],
        [
            f"check: launch -> first prompt, pty (N={s['pty']['first_prompt']['n']})",
            s["pty"]["first_prompt"]["median_ms"],
            s["pty"]["first_prompt"]["min_ms"],
            s["pty"]["first_prompt"]["max_ms"],
        ],
        [
            "check: Ctrl-C -> process exit, pty",
            s["pty"]["exit_after_ctrl_c"]["median_ms"],
            s["pty"]["exit_after_ctrl_c"]["min_ms"],
            s["pty"]["exit_after_ctrl_c"]["max_ms"],
        ],
    ]
    print(table("1. CLI start-up (ms)", ["measure", "median", "min", "max"], rows))
    print(
        f"   exit code(s) after Ctrl-C: {s['pty']['exit_codes']}; answers file saved: {s['pty']['answers_saved']};"
        f" cursor-position requests answered: {s['pty']['cpr_requests_answered']}"
    )
    print(
        f"   weasyprint in sys.modules after `import hegui_check.cli`: {s['weasyprint_imported_by_cli']}"
        f"{'  <-- REGRESSION' if s['weasyprint_imported_by_cli'] else ' (ok)'}"
    )
    print()
    sc = res["scoring"]
    rows = [
        [name, sc[key]["files_per_s"], sc[key]["ms_per_file"], sc[key]["median_ms"], sc[key]["max_ms"]]
        for name, key in (
            ("load_answers", "load_answers"),
            ("assess", "assess"),
            ("load_answers + assess", "load_plus_assess"),
            ("report --format json (load+assess+render+write)", "report_json"),
        )
    ]
    print(
        table(
            f"2. scoring, {sc['files']} synthetic answer files",
            ["step", "files/s", "ms/file", "median ms", "max ms"],
            rows,
        )
    )
    print(
        f"   load_questionnaire: {res['scoring_setup']['load_questionnaire_ms']} ms (once);"
        f" generating + writing files: {res['scoring_setup']['generate_s']} s"
    )
    print(
        f"   per file: {sc['mean_answers_per_file']} answers, {sc['mean_findings_per_file']} findings,"
        f" JSON {sc['report_json']['mean_json_kib']} KiB; lights {sc['lights']}"
    )
    print()
    pdf = res["pdf"]
    cols = [
        "full_ms",
        "html_ms",
        "raw_weasyprint_ms",
        "ratio_full_over_raw",
        "overhead_ms",
        "cpu_ratio_full_over_raw",
    ]
    rows = [
        [r["report"], *(r[k] for k in cols), r["pages"], r["pdf_kib"], r["raw_pdf_kib"]] for r in pdf["rows"]
    ]
    med = pdf["median"]
    rows.append(["median", *(med[k] for k in cols), "", med["pdf_kib"], med["raw_pdf_kib"]])
    print(
        table(
            f"3. PDF, {pdf['reports']} reports x {pdf['repeats']} (median ms; a=render(pdf), b=render_html, c=raw WeasyPrint)",
            ["report", "a full", "b html", "c raw", "a/c", "a-b-c", "a/c cpu", "pages", "KiB", "raw KiB"],
            rows,
        )
    )
    print(
        f"   import weasyprint: {pdf['weasyprint_import_ms']} ms; first (cold) render in process: "
        f"full {pdf['cold_first_full_ms']} ms, raw {pdf['cold_first_raw_ms']} ms"
    )
    print()
    r = res["rss"]
    print(
        f"peak RSS: benchmark process (scoring + PDF) {r['self_mib']} MiB;"
        f" largest CLI run (--help / check) {r['cli_mib']} MiB"
    )
    print(f"total benchmark wall time: {res['wall_s']} s")


# ---------------------------------------------------------------------------------------------


@contextlib.contextmanager
def tempdir() -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="hegui-bench-") as d:
        yield Path(d)


def run(args: argparse.Namespace) -> dict[str, Any]:
    quick = args.quick
    params = {
        "quick": quick,
        "seed": args.seed,
        "help_runs": 10,
        "pty_runs": 5,
        "files": args.files or (200 if quick else 1000),
        "pdf_reports": args.reports or (2 if quick else 5),
        "pdf_repeats": args.pdf_repeats or (1 if quick else 3),
    }
    wall0 = time.perf_counter()
    res: dict[str, Any] = {"params": params, "machine": machine_info()}
    cli = find_cli()

    def step(name: str) -> None:
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)

    with tempdir() as tmp:
        step(f"CLI start-up: --help x{params['help_runs']}")
        startup: dict[str, Any] = {"help": bench_help(cli, params["help_runs"])}
        step(f"CLI start-up: check under a pty x{params['pty_runs']}")
        (tmp / "pty").mkdir()
        startup["pty"] = bench_pty(cli, params["pty_runs"], tmp / "pty")
        # only CLI processes have been reaped so far: the largest of them
        startup["cli_peak_rss_mib"] = maxrss_mib(resource.RUSAGE_CHILDREN)
        step("weasyprint import check")
        startup["weasyprint_imported_by_cli"] = weasyprint_imported_by_cli()
        res["startup"] = startup

        from hegui_check.questionnaire import load_questionnaire
        from hegui_check.resources import data_dir

        t0 = time.perf_counter()
        q = load_questionnaire()
        load_q = time.perf_counter() - t0
        step(f"generating {params['files']} synthetic answer files")
        (tmp / "answers").mkdir()
        (tmp / "out").mkdir()
        paths, gen_s = write_synthetic(q, params["files"], args.seed, tmp / "answers")
        res["scoring_setup"] = {"load_questionnaire_ms": ms(load_q), "generate_s": round(gen_s, 2)}
        step("scoring")
        res["scoring"] = bench_scoring(q, paths, tmp / "out")

        step(f"PDF rendering x{params['pdf_reports']}")
        demo = data_dir() / "demo-answers.yaml"
        if not demo.is_file():
            raise BenchError(f"bundled demo answers missing: {demo}")
        res["pdf"] = bench_pdf(q, [demo, *paths[: params["pdf_reports"] - 1]], params["pdf_repeats"])

    res["rss"] = {"self_mib": maxrss_mib(resource.RUSAGE_SELF), "cli_mib": res["startup"]["cli_peak_rss_mib"]}
    res["wall_s"] = round(time.perf_counter() - wall0, 1)
    return res


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hegui-check release benchmark (see bench/README.md)")
    parser.add_argument(
        "--quick", action="store_true", help="fewer files and reports (200 answer files, 2 PDFs)"
    )
    parser.add_argument("--json", metavar="OUT", type=Path, help="also write all numbers as JSON to OUT")
    parser.add_argument("--seed", type=int, default=20261121, help="seed of the synthetic answer generator")
    parser.add_argument(
        "--files", type=int, metavar="M", help="override the number of synthetic answer files"
    )
    parser.add_argument("--reports", type=int, metavar="K", help="override the number of PDF reports (>= 1)")
    parser.add_argument(
        "--pdf-repeats",
        type=int,
        metavar="R",
        help="times each PDF is rendered both ways; the median counts (default 3, --quick 1)",
    )
    args = parser.parse_args(argv)
    if args.files is not None and args.files < 1:
        parser.error("--files must be at least 1")
    if args.reports is not None and args.reports < 1:
        parser.error("--reports must be at least 1")
    if args.pdf_repeats is not None and args.pdf_repeats < 1:
        parser.error("--pdf-repeats must be at least 1")
    if args.files is not None and args.reports is not None and args.reports - 1 > args.files:
        parser.error("--reports needs at least --reports - 1 synthetic files")
    if args.json is not None and args.json.parent and not args.json.parent.is_dir():
        args.json.parent.mkdir(parents=True, exist_ok=True)
    try:
        res = run(args)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    print_report(res)
    if args.json is not None:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
