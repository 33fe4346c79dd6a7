#!/usr/bin/env python3
"""Batch benchmark for hegui-check (not a unit test; see bench/README.md).

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/batch.py [--quick] [--scoring-only] [--scoring N] [--pdf N] [--seed S] [--json OUT]
    .venv/bin/python bench/batch.py --memory [--memory-sizes 1000,10000] [--seed S] [--json OUT]

It writes seeded synthetic answer files (the generator of bench/bench.py, imported from its path),
runs the real `hegui-check batch` command as subprocesses and measures scoring-only throughput
(cold and with everything up to date), PDF throughput with one and two worker processes, peak
memory of the batch processes, and one report's PDF time in-process against raw WeasyPrint. With
--memory it only compares the peak memory of a scoring batch at two sizes and times the re-run of the
larger one.
"""

from __future__ import annotations

import argparse
import gc
import importlib.util
import io
import json
import os
import re
import resource
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from pathlib import Path
from types import ModuleType
from typing import Any

HERE = Path(__file__).resolve().parent
DEFAULT_SEED = 20261121  # the same default as bench/bench.py
PAGE_SAMPLE = 50  # PDFs of the --jobs 1 run whose pages are counted
RAW_REPORTS = 5  # companies rendered in-process for step 3
SAMPLE_INTERVAL_S = 0.1  # process-tree memory sampling
SUMMARY_RE = re.compile(r"共(\d+)家企业：新生成(\d+)，已是最新(\d+)，有错误(\d+)")


def _load_bench() -> ModuleType:
    """bench/bench.py by path (bench/ is not a package): its generator, table and machine helpers."""
    spec = importlib.util.spec_from_file_location("hegui_bench", HERE / "bench.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {HERE / 'bench.py'}")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


B = _load_bench()
BenchError = B.BenchError
ms, table = B.ms, B.table


def step(text: str) -> None:
    print(f"[bench batch] {text} ...", file=sys.stderr, flush=True)


def mib_from_rusage(maxrss: int) -> float:
    return round(maxrss / (1024 * 1024) if sys.platform == "darwin" else maxrss / 1024, 1)


# ---------------------------------------------------------------------------------------------
# running the CLI


class TreeMemory(threading.Thread):
    """Samples the summed PSS (proportional set size: shared pages split between the processes that
    share them, so forked workers are not double-counted) of a process and all its descendants.
    Linux only; elsewhere ``peak_mib`` stays None."""

    def __init__(self, pid: int):
        super().__init__(daemon=True)
        self.pid = pid
        self.peak_kib: int | None = None
        self.stop = threading.Event()

    @staticmethod
    def _children(pid: int) -> list[int]:
        kids: list[int] = []
        try:
            for task in os.listdir(f"/proc/{pid}/task"):
                with open(f"/proc/{pid}/task/{task}/children") as fh:
                    kids += [int(k) for k in fh.read().split()]
        except OSError:
            pass
        return kids

    @staticmethod
    def _pss_kib(pid: int) -> int:
        try:
            with open(f"/proc/{pid}/smaps_rollup") as fh:
                for line in fh:
                    if line.startswith("Pss:"):
                        return int(line.split()[1])
        except OSError:
            pass
        return 0

    def run(self) -> None:
        if not os.path.isdir(f"/proc/{self.pid}"):
            return
        while not self.stop.is_set():
            pids, todo = [], [self.pid]
            while todo:
                pid = todo.pop()
                pids.append(pid)
                todo += self._children(pid)
            total = sum(self._pss_kib(p) for p in pids)
            if total and (self.peak_kib is None or total > self.peak_kib):
                self.peak_kib = total
            self.stop.wait(SAMPLE_INTERVAL_S)

    @property
    def peak_mib(self) -> float | None:
        return None if self.peak_kib is None else round(self.peak_kib / 1024, 1)


def run_cli(argv: list[str], logdir: Path, label: str) -> dict[str, Any]:
    """Run one CLI command; wall time, CPU time of it and its workers, peak RSS of its largest
    process and the sampled peak PSS of its whole process tree. Output goes to files (a pipe could
    fill up)."""
    env = dict(os.environ, COLUMNS="250", NO_COLOR="1")  # one-line summary, no colour codes
    out_path, err_path = logdir / f"{label}.out", logdir / f"{label}.err"
    with out_path.open("wb") as out, err_path.open("wb") as err:
        t0 = time.perf_counter()
        proc = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=out, stderr=err, env=env)
        sampler = TreeMemory(proc.pid)
        sampler.start()
        try:
            # wait4's rusage covers the child and the children it reaped (the worker processes):
            # ru_maxrss is the peak RSS of the largest single process of the batch
            _, status, usage = os.wait4(proc.pid, 0)
            wall = time.perf_counter() - t0
            proc.returncode = os.waitstatus_to_exitcode(status)
        finally:
            sampler.stop.set()
            sampler.join()
            if proc.returncode is None:
                proc.kill()
                proc.wait()
    stdout = out_path.read_text(encoding="utf-8", errors="replace")
    if proc.returncode != 0:
        tail = err_path.read_text(encoding="utf-8", errors="replace")[-800:]
        raise BenchError(f"`{' '.join(argv[1:])}` exited {proc.returncode}: {tail or stdout[-800:]}")
    match = SUMMARY_RE.search(re.sub(r"\s+", "", stdout))
    if match is None:
        raise BenchError(f"`{' '.join(argv[1:])}`: summary line not found in its output: {stdout[-400:]!r}")
    companies, written, skipped, errors = map(int, match.groups())
    return {
        "wall_s": round(wall, 3),
        "cpu_s": round(usage.ru_utime + usage.ru_stime, 3),
        "sys_s": round(usage.ru_stime, 3),
        "companies": companies,
        "written": written,
        "skipped": skipped,
        "errors": errors,
        "peak_rss_mib": mib_from_rusage(usage.ru_maxrss),
        "tree_pss_mib": sampler.peak_mib,
    }


def batch(
    cli: Path,
    indir: Path,
    outdir: Path,
    fmt: str,
    jobs: int,
    logdir: Path,
    label: str,
    up_to_date: bool = False,
) -> dict[str, Any]:
    """One `hegui-check batch` run; ``up_to_date``: a re-run in which every company is expected unchanged."""
    count = len(list(indir.glob("*.yaml")))
    step(f"{label}: batch {count} files --format {fmt} --jobs {jobs}")
    res = run_cli(
        [str(cli), "batch", str(indir), "-o", str(outdir), "--format", fmt, "--jobs", str(jobs)],
        logdir,
        label,
    )
    written, skipped = (0, count) if up_to_date else (count, 0)
    if (res["companies"], res["written"], res["skipped"], res["errors"]) != (count, written, skipped, 0):
        raise BenchError(
            f"{label}: expected {count} companies, {written} written, {skipped} up to date,"
            f" 0 errors; the CLI reported {res['companies']}, {res['written']}, {res['skipped']},"
            f" {res['errors']}"
        )
    made = [p for p in outdir.glob(f"*.{fmt}") if not p.name.startswith("industry-report")]
    if len(made) != count:
        raise BenchError(f"{label}: {len(made)} .{fmt} reports in {outdir}, expected {count}")
    res["files"] = count
    res["rate_per_s"] = round(count / res["wall_s"], 3)
    return res


# ---------------------------------------------------------------------------------------------
# synthetic companies


def subset(paths: list[Path], count: int, outdir: Path) -> Path:
    """A folder with the first ``count`` answer files (hard links; copies where links fail)."""
    outdir.mkdir()
    for path in paths[:count]:
        try:
            os.link(path, outdir / path.name)
        except OSError:
            shutil.copyfile(path, outdir / path.name)
    return outdir


def generate_in_child(count: int, seed: int, outdir: Path) -> tuple[list[Path], dict[str, Any]]:
    """``generate`` in a child process (``batch.py --generate``), so that this process stays small while
    it runs the batches: on Linux a child's ru_maxrss counts from its parent's size when it was forked,
    so a large benchmark process would hide the peak of a batch smaller than itself."""
    outdir.mkdir()
    done = subprocess.run(
        [
            sys.executable,
            str(Path(__file__).resolve()),
            "--generate",
            str(count),
            str(outdir),
            "--seed",
            str(seed),
        ],
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        check=False,
    )
    if done.returncode != 0:
        lines = (done.stderr or done.stdout).strip().splitlines()
        raise BenchError(
            lines[-1].removeprefix("bench: error: ") if lines else f"--generate exited {done.returncode}"
        )
    data = json.loads(done.stdout)
    _ITEM_IDS.append(frozenset(data["item_ids"]))
    return sorted(outdir.glob("answers-*.yaml")), data["synthetic"]


def generate_here(count: int, seed: int, outdir: Path) -> None:
    """`batch.py --generate N DIR`: write the synthetic answer files and print their description as JSON."""
    from hegui_check.questionnaire import load_questionnaire

    q = load_questionnaire()
    _, synthetic = generate(q, count, seed, outdir)
    item_ids = sorted(item.id for module in q.modules for item in module.items)
    print(json.dumps({"synthetic": synthetic, "item_ids": item_ids}, ensure_ascii=False))


def generate(q: Any, count: int, seed: int, outdir: Path) -> tuple[list[Path], dict[str, Any]]:
    from hegui_check.answers import load_answers
    from hegui_check.scoring import assess

    paths, gen_s = B.write_synthetic(q, count, seed, outdir)
    industries: Counter[str] = Counter()
    lights: Counter[str] = Counter()
    profiles = set()
    answers = 0
    for path in paths:  # every file must load cleanly, or the batch numbers would include error paths
        data = load_answers(path, q)
        errors = [p for p in data.problems if p.severity == "error"]
        if errors:  # warnings (an optional profile question left blank) are part of real batches
            raise BenchError(f"generated answer file {path.name} is not clean: {errors[0]}")
        industries[str(data.company.get("industry") or "(unanswered)")] += 1
        lights[assess(q, data).light] += 1
        profiles.add((data.company.get("industry"), tuple(sorted(data.facts.items()))))
        answers += len(data.answers)
    return paths, {
        "files": count,
        "generate_s": round(gen_s, 2),
        "industries": dict(industries.most_common()),
        "distinct_profiles": len(profiles),
        "lights": dict(lights),
        "mean_answers_per_file": round(answers / count, 1),
    }


# ---------------------------------------------------------------------------------------------
# PDF details


def page_counts(pdfs: list[Path]) -> dict[str, Any]:
    try:
        from pypdf import PdfReader
    except ImportError:
        return {"sampled": 0}
    pdfs = sorted(pdfs)
    picked = (
        pdfs if len(pdfs) <= PAGE_SAMPLE else [pdfs[i * len(pdfs) // PAGE_SAMPLE] for i in range(PAGE_SAMPLE)]
    )
    pages = [len(PdfReader(p).pages) for p in picked]
    sizes = [p.stat().st_size / 1024 for p in picked]
    return {
        "sampled": len(pages),
        "median": statistics.median(pages),
        "min": min(pages),
        "max": max(pages),
        "mean": round(statistics.fmean(pages), 2),
        "median_kib": round(statistics.median(sizes), 1),
    }


def bench_one_report(q: Any, paths: list[Path]) -> dict[str, Any]:
    """render_html, the library's html_to_pdf and raw WeasyPrint on the same HTML, in this process."""
    from hegui_check.answers import load_answers
    from hegui_check.errors import HeguiCheckError
    from hegui_check.render.html import render_html
    from hegui_check.render.pdf import font_css, html_to_pdf
    from hegui_check.resources import cjk_font, templates_dir
    from hegui_check.scoring import assess

    try:
        import weasyprint
        from pypdf import PdfReader
        from weasyprint.text.fonts import FontConfiguration
    except (ImportError, OSError) as exc:
        raise BenchError(
            f"WeasyPrint or pypdf cannot be imported ({exc}); run `hegui-check doctor`"
        ) from None
    found = cjk_font()
    if found is None:
        raise BenchError("no CJK font found; run `hegui-check doctor`")
    font = found[0]
    base_url = templates_dir().as_uri() + "/"

    def raw(html: str) -> bytes:
        # A FontConfiguration is needed: without it WeasyPrint drops the @font-face rule and renders
        # with a system font (different glyphs and page count), which would not be the same work.
        fonts = FontConfiguration()
        css = weasyprint.CSS(string=font_css(font), font_config=fonts)
        return weasyprint.HTML(string=html, base_url=base_url).write_pdf(stylesheets=[css], font_config=fonts)

    def timed(fn: Any, *args: Any) -> tuple[Any, float]:
        gc.collect()
        t0 = time.perf_counter()
        value = fn(*args)
        return value, time.perf_counter() - t0

    assessments = [(p.name, assess(q, load_answers(p, q))) for p in paths]
    try:
        html_to_pdf(render_html(assessments[0][1]))  # warm-up: cold font caches in a new process; not counted
    except HeguiCheckError as exc:
        raise BenchError(f"PDF rendering failed: {exc}") from None
    rows = []
    for n, (name, a) in enumerate(assessments):
        html, t_html = timed(render_html, a)
        times: dict[str, float] = {}
        pdfs: dict[str, bytes] = {}
        for which in ("lib", "raw") if n % 2 == 0 else ("raw", "lib"):  # neither always runs second
            pdfs[which], times[which] = timed(html_to_pdf if which == "lib" else raw, html)
        pages = len(PdfReader(io.BytesIO(pdfs["lib"])).pages)
        rows.append(
            {
                "report": name,
                "pages": pages,
                "html_ms": ms(t_html),
                "html_to_pdf_ms": ms(times["lib"]),
                "raw_weasyprint_ms": ms(times["raw"]),
                "ratio": round(times["lib"] / times["raw"], 3),
                "html_to_pdf_ms_per_page": ms(times["lib"] / pages),
            }
        )

    def med(key: str) -> float:
        return round(statistics.median(r[key] for r in rows), 3 if key == "ratio" else 2)

    pages_total = sum(r["pages"] for r in rows)
    return {
        "rows": rows,
        "ms_per_page_overall": round(sum(r["html_to_pdf_ms"] for r in rows) / pages_total, 1),
        "raw_ms_per_page_overall": round(sum(r["raw_weasyprint_ms"] for r in rows) / pages_total, 1),
        "median": {
            k: med(k)
            for k in (
                "pages",
                "html_ms",
                "html_to_pdf_ms",
                "raw_weasyprint_ms",
                "ratio",
                "html_to_pdf_ms_per_page",
            )
        },
    }


def bench_phases(q: Any, indir: Path, outdir: Path) -> dict[str, Any]:
    """The steps of `batch --format json` timed in this process (WeasyPrint already imported and warm)."""
    from pypdf import PdfReader

    from hegui_check.batch import run_batch
    from hegui_check.render import Format
    from hegui_check.render.industry_report import render_industry_html, render_industry_json
    from hegui_check.render.pdf import html_to_pdf
    from hegui_check.render.summary import render_summary_csv, render_summary_xlsx

    gc.collect()
    t0 = time.perf_counter()
    result = run_batch([indir], q, outdir, [Format.json], jobs=1)
    t1 = time.perf_counter()
    (outdir / "summary.xlsx").write_bytes(render_summary_xlsx(result.records, q))
    (outdir / "summary.csv").write_bytes(render_summary_csv(result.records, q))
    t2 = time.perf_counter()
    summary = result.industry.summary(anonymize=False)
    html = render_industry_html(summary)
    render_industry_json(summary)
    t3 = time.perf_counter()
    pdf = html_to_pdf(html)
    t4 = time.perf_counter()
    n = len(result.records)
    return {
        "companies": n,
        "run_batch_s": round(t1 - t0, 3),
        "run_batch_ms_per_file": ms((t1 - t0) / n),
        "summary_xlsx_csv_s": round(t2 - t1, 3),
        "industry_html_json_s": round(t3 - t2, 3),
        "industry_pdf_s": round(t4 - t3, 3),
        "industry_pdf_pages": len(PdfReader(io.BytesIO(pdf)).pages),
    }


def bench_scoring_steps(q: Any, indir: Path, outdir: Path) -> dict[str, Any]:
    """Where one company's time goes in a scoring batch, step by step, in this process (CPU ms/file):
    parse the YAML, check and normalise the answers, score, build the JSON report, write it, and the
    batch's own bookkeeping (summary record, industry share, fingerprint)."""
    from hegui_check.answers import parse_answers
    from hegui_check.batch import CompanyInput, _fingerprint, _record
    from hegui_check.industry import contribution
    from hegui_check.render import Format, RenderOptions, render
    from hegui_check.scoring import assess
    from hegui_check.yamlio import atomic_write, read_document

    files = sorted(indir.glob("*.yaml"))
    outdir.mkdir(parents=True, exist_ok=True)
    gc.collect()
    gc.freeze()  # the benchmark's own heap (PDF runs) would make every collection slower than in a CLI batch
    steps: dict[str, float] = dict.fromkeys(
        ("yaml", "answers", "assess", "json", "write", "bookkeeping"), 0.0
    )
    clock = time.process_time
    for path in files:
        t0 = clock()
        doc = read_document(path)
        t1 = clock()
        answers = parse_answers(doc.data, q, str(path), doc.line)
        t2 = clock()
        a = assess(q, answers)
        t3 = clock()
        blob = render(a, Format.json, RenderOptions())
        t4 = clock()
        atomic_write(outdir / f"{path.stem}.json", blob, durable=False)
        t5 = clock()
        _record(path.stem, CompanyInput(str(path), None, answers), a)
        contribution(a)
        _fingerprint(a, [Format.json], "")
        t6 = clock()
        for key, dt_ in zip(steps, (t1 - t0, t2 - t1, t3 - t2, t4 - t3, t5 - t4, t6 - t5)):
            steps[key] += dt_
    gc.unfreeze()
    n = len(files)
    per = {k: ms(v / n) for k, v in steps.items()}
    per["total"] = ms(sum(steps.values()) / n)
    per["files_per_cpu_s"] = round(n / sum(steps.values()), 1)
    return {"files": n, "ms_per_file": per}


def projection(res: dict[str, Any], reports: int = 45_000) -> dict[str, Any] | None:
    """Hours for ``reports`` PDF reports at --jobs = usable cores, from the measured --jobs 1 time per
    report (net of the batch's fixed cost); with the measured parallel efficiency of --jobs 2 when the
    machine has more than one core."""
    j1 = res["pdf"]["jobs1"]
    if not j1.get("net_rate_per_s"):
        return None
    per_report = 1 / j1["net_rate_per_s"]
    cores = res["machine"]["usable_cores"]
    efficiency = res["pdf"].get("net_efficiency") or res["pdf"].get("efficiency") or 1.0
    ideal = reports * per_report / cores / 3600
    measured = reports * per_report / (cores * efficiency if cores > 1 else 1) / 3600
    return {
        "reports": reports,
        "s_per_report": round(per_report, 3),
        "pages_mean": res["pdf"]["pages"].get("mean"),
        "cores": cores,
        "efficiency": round(efficiency, 3),
        "hours_ideal": round(ideal, 2),
        "hours_at_measured_efficiency": round(measured, 2),
    }


def template_pages(repeats: int = 2) -> dict[str, Any]:
    """bench/templates.py's comparison (imported from its path, not copied): the demo report's PDF time
    per page with the baseline templates and with today's."""
    spec = importlib.util.spec_from_file_location("hegui_bench_templates", HERE / "templates.py")
    if spec is None or spec.loader is None:
        raise ImportError(f"cannot load {HERE / 'templates.py'}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.compare(repeats)  # type: ignore[no-any-return]


# ---------------------------------------------------------------------------------------------
# the benchmark


def run(args: argparse.Namespace) -> dict[str, Any]:
    n_scoring = args.scoring or (200 if args.quick else 1000)
    n_pdf = 0 if args.scoring_only else args.pdf or (20 if args.quick else 200)
    n_small = 200 if n_scoring > 200 else max(1, n_scoring // 5)  # memory must not grow with N
    params = {
        "quick": args.quick,
        "seed": args.seed,
        "scoring_files": n_scoring,
        "scoring_small_files": n_small,
        "pdf_files": n_pdf,
        "raw_reports": min(RAW_REPORTS, n_pdf),
    }
    machine = B.machine_info()
    machine["loadavg_at_start"] = (
        [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    )
    res: dict[str, Any] = {"params": params, "machine": machine}
    cli = B.find_cli()
    wall0 = time.perf_counter()

    with B.tempdir() as tmp:
        machine["workdir"] = f"{tmp} ({filesystem_of(tmp)})"
        logs = tmp / "logs"
        logs.mkdir()
        total = max(n_scoring, n_pdf)
        step(f"generating {total} synthetic companies (seed {args.seed})")
        paths, res["synthetic"] = generate_in_child(total, args.seed, tmp / "all")
        one = subset(paths, 1, tmp / "in-1")
        small = subset(paths, n_small, tmp / "in-small")
        scoring_in = subset(paths, n_scoring, tmp / "in-scoring")
        pdf_in = subset(paths, n_pdf, tmp / "in-pdf")

        # warm the page cache and .pyc files once; not counted
        batch(cli, one, tmp / "out-warmup", "json", 1, logs, "warm-up")

        sc: dict[str, Any] = {
            "repeats": args.repeats,
            "fixed_walls": [],
            "cold_walls": [],
            "probe_s": [],
            "create_us": [],
        }
        if 1 < n_small < n_scoring:
            sc["small"] = batch(cli, small, tmp / "out-small", "json", 1, logs, f"scoring N={n_small}")
        for k in range(1, args.repeats + 1):  # alternately, so that a slow spell of the machine hits both
            sc["probe_s"].append(cpu_probe())
            sc["create_us"].append(create_probe(tmp / f"probe-{k}"))
            fixed_run = batch(cli, one, tmp / f"out-1-{k}", "json", 1, logs, f"scoring N=1 #{k}")
            cold_out = tmp / f"out-scoring-{k}"
            cold_run = batch(cli, scoring_in, cold_out, "json", 1, logs, f"scoring N={n_scoring} #{k}")
            sc["fixed_walls"].append(fixed_run["wall_s"])
            sc["cold_walls"].append(cold_run["wall_s"])
            if k == 1 or fixed_run["wall_s"] < sc["fixed"]["wall_s"]:
                sc["fixed"], fixed_out = fixed_run, tmp / f"out-1-{k}"
            if k == 1 or cold_run["wall_s"] < sc["cold"]["wall_s"]:
                sc["cold"] = cold_run
        sc["probe_s"].append(cpu_probe())
        sc["create_us"].append(create_probe(tmp / "probe-end"))
        sc["rerun"] = batch(
            cli,
            scoring_in,
            cold_out,
            "json",
            1,
            logs,
            f"scoring N={n_scoring} re-run",
            up_to_date=True,
        )
        sc["fixed_rerun"] = rerun_fixed_cost(cli, one, fixed_out, logs)
        fixed = sc["fixed"]["wall_s"]
        sc.update(marginal_rates(n_scoring, sc["fixed_walls"], sc["cold_walls"]))
        sc.update(rerun_rates(n_scoring, sc["rerun"], sc["fixed_rerun"]))
        res["scoring"] = sc
        sc["launcher_rss_mib"] = mib_from_rusage(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)

        from hegui_check.batch import usable_cores  # only now: imports grow this process
        from hegui_check.questionnaire import load_questionnaire

        machine["usable_cores"] = usable_cores()
        q = load_questionnaire()
        if args.scoring_only:
            step(f"scoring breakdown, in-process, N={n_scoring}")
            res["scoring_steps"] = bench_scoring_steps(q, scoring_in, tmp / "out-steps")
            res["self_peak_rss_mib"] = mib_from_rusage(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
            res["wall_s"] = round(time.perf_counter() - wall0, 1)
            return res

        pdf: dict[str, Any] = {}
        pdf["jobs1"] = batch(cli, pdf_in, tmp / "out-pdf-1", "pdf", 1, logs, f"PDF N={n_pdf} --jobs 1")
        pdf["jobs2"] = batch(cli, pdf_in, tmp / "out-pdf-2", "pdf", 2, logs, f"PDF N={n_pdf} --jobs 2")
        pdf["rerun"] = batch(
            cli, pdf_in, tmp / "out-pdf-1", "pdf", 1, logs, f"PDF N={n_pdf} --jobs 1 re-run", up_to_date=True
        )
        for run_ in (pdf["jobs1"], pdf["jobs2"]):  # without the fixed cost of a batch (the N=1 json run)
            run_["net_rate_per_s"] = (
                round(n_pdf / (run_["wall_s"] - fixed), 3) if run_["wall_s"] > fixed else None
            )
        r1, r2 = pdf["jobs1"]["rate_per_s"], pdf["jobs2"]["rate_per_s"]
        pdf["speedup"] = round(r2 / r1, 3)
        pdf["efficiency"] = round(r2 / r1 / 2, 3)
        n1, n2 = pdf["jobs1"]["net_rate_per_s"], pdf["jobs2"]["net_rate_per_s"]
        pdf["net_speedup"] = round(n2 / n1, 3) if n1 and n2 else None
        pdf["net_efficiency"] = round(n2 / n1 / 2, 3) if n1 and n2 else None
        step("counting pages (pypdf)")
        pdf["pages"] = page_counts(
            [p for p in (tmp / "out-pdf-1").glob("*.pdf") if not p.name.startswith("industry-report")]
        )
        res["pdf"] = pdf

        step(f"one report in-process: render_html, html_to_pdf, raw WeasyPrint x{params['raw_reports']}")
        k = params["raw_reports"]
        picked = [paths[i * n_pdf // k] for i in range(k)]
        res["one_report"] = bench_one_report(q, picked)

        step(f"where a scoring batch's time goes, in-process, N={n_scoring}")
        try:  # a breakdown only: never lose the measurements above to a failure here
            res["phases"] = bench_phases(q, scoring_in, tmp / "out-phases")
        except Exception as exc:  # noqa: BLE001
            res["phases"] = {"error": f"{type(exc).__name__}: {exc}"}
        try:
            res["scoring_steps"] = bench_scoring_steps(q, scoring_in, tmp / "out-steps")
        except Exception as exc:  # noqa: BLE001
            res["scoring_steps"] = {"error": f"{type(exc).__name__}: {exc}"}
        step("demo report: baseline templates vs current, per page (bench/templates.py)")
        try:
            res["templates"] = template_pages()
        except (Exception, SystemExit) as exc:  # noqa: BLE001
            res["templates"] = {"error": f"{type(exc).__name__}: {exc}"}
    res["projection"] = projection(res)

    res["self_peak_rss_mib"] = mib_from_rusage(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    res["wall_s"] = round(time.perf_counter() - wall0, 1)
    return res


def filesystem_of(path: Path) -> str:
    """The type of the file system ``path`` is on (from /proc/mounts; "?" where there is none): the batch
    creates one file per company, which costs far more on some disks than on others or in memory."""
    best, kind = "", "?"
    try:
        with open("/proc/mounts", encoding="utf-8") as mounts:
            for line in mounts:
                fields = line.split()
                if len(fields) > 2 and str(path).startswith(fields[1]) and len(fields[1]) > len(best):
                    best, kind = fields[1], fields[2]
    except OSError:
        pass
    return kind


PROBE_LOOPS = 3_000_000


def cpu_probe() -> float:
    """CPU seconds of a fixed pure-Python loop: the same work each time, so its spread shows how much
    this machine's speed drifted while the benchmark ran (a virtual machine's can, by tens of percent)."""
    t0 = time.process_time()
    total = 0
    for i in range(PROBE_LOOPS):
        total += i
    return round(time.process_time() - t0, 3)


CREATE_PROBE_FILES = 300


def create_probe(folder: Path) -> float:
    """Microseconds to create one empty file in a new ``folder`` of the work disk, by plain os.open/close
    (the median of CREATE_PROBE_FILES): what the kernel takes for each report a batch creates, apart from
    the program. On some virtual disks it is tens of microseconds, on others, or at other times, hundreds;
    the folder is removed afterwards."""
    folder.mkdir()
    flags = os.O_WRONLY | os.O_CREAT | os.O_EXCL
    times = []
    for n in range(CREATE_PROBE_FILES):
        t0 = time.perf_counter()
        os.close(os.open(folder / f"f{n}.json", flags, 0o644))
        times.append(time.perf_counter() - t0)
    shutil.rmtree(folder)
    return round(statistics.median(times) * 1e6, 1)


def marginal_rates(n: int, fixed_walls: list[float], cold_walls: list[float]) -> dict[str, Any]:
    """Files per second without the fixed cost of a batch: from the fastest run of each size (as timeit
    reports the minimum: slower runs measure the machine's interruptions, not the program) and, for
    comparison, from the medians."""
    rates: dict[str, Any] = {}
    for label, pick in (("", min), ("_median", statistics.median)):
        fixed, cold = pick(fixed_walls), pick(cold_walls)
        if n > 1 and cold > fixed:
            rates[f"marginal_files_per_s{label}"] = round((n - 1) / (cold - fixed), 1)
            rates[f"marginal_ms_per_file{label}"] = ms((cold - fixed) / (n - 1))
    return rates


def rerun_fixed_cost(cli: Path, one: Path, outdir: Path, logs: Path) -> dict[str, Any]:
    """The fixed cost of a re-run with everything up to date: the one-file batch again on its folder."""
    return batch(cli, one, outdir, "json", 1, logs, "N=1 re-run", up_to_date=True)


def rerun_rates(n: int, rerun: dict[str, Any], fixed: dict[str, Any]) -> dict[str, Any]:
    """Files per second of a re-run without its fixed cost (that of the one-file re-run), by wall and
    by CPU time."""
    rates: dict[str, Any] = {}
    if n > 1 and rerun["wall_s"] > fixed["wall_s"]:
        rates["rerun_marginal_files_per_s"] = round((n - 1) / (rerun["wall_s"] - fixed["wall_s"]), 1)
    if n > 1 and rerun["cpu_s"] > fixed["cpu_s"]:
        rates["rerun_marginal_files_per_cpu_s"] = round((n - 1) / (rerun["cpu_s"] - fixed["cpu_s"]), 1)
    return rates


def run_memory(args: argparse.Namespace) -> dict[str, Any]:
    """Peak RSS of `batch --format json --jobs 1` at two sizes (cold, into empty folders), and the re-run
    of the larger one with everything up to date; the files are generated once (in a child process) and
    hard-linked."""
    small, large = args.memory_sizes
    machine = B.machine_info()
    machine["loadavg_at_start"] = (
        [round(x, 2) for x in os.getloadavg()] if hasattr(os, "getloadavg") else None
    )
    res: dict[str, Any] = {"params": {"memory_sizes": [small, large], "seed": args.seed}, "machine": machine}
    cli = B.find_cli()
    wall0 = time.perf_counter()
    with B.tempdir() as tmp:
        logs = tmp / "logs"
        logs.mkdir()
        step(f"generating {large} synthetic companies (seed {args.seed})")
        paths, res["synthetic"] = generate_in_child(large, args.seed, tmp / "all")
        folders = {n: subset(paths, n, tmp / f"in-{n}") for n in (1, small, large)}
        batch(cli, folders[1], tmp / "out-warmup", "json", 1, logs, "warm-up")
        runs: dict[str, Any] = {"fixed": batch(cli, folders[1], tmp / "out-1", "json", 1, logs, "N=1")}
        for n in (small, large):
            runs[str(n)] = batch(cli, folders[n], tmp / f"out-{n}", "json", 1, logs, f"N={n}")
        runs["rerun"] = batch(
            cli, folders[large], tmp / f"out-{large}", "json", 1, logs, f"N={large} re-run", up_to_date=True
        )
        runs["fixed_rerun"] = rerun_fixed_cost(cli, folders[1], tmp / "out-1", logs)
    res["launcher_rss_mib"] = mib_from_rusage(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)
    from hegui_check.batch import usable_cores

    machine["usable_cores"] = usable_cores()
    a, b = runs[str(small)]["peak_rss_mib"], runs[str(large)]["peak_rss_mib"]
    res["runs"] = runs
    res["peak_ratio"] = round(b / a, 3)
    res.update(rerun_rates(large, runs["rerun"], runs["fixed_rerun"]))
    res["wall_s"] = round(time.perf_counter() - wall0, 1)
    return res


def print_memory_report(res: dict[str, Any]) -> None:
    m, syn = res["machine"], res["synthetic"]
    small, large = res["params"]["memory_sizes"]
    print(
        f"hegui-check {m['hegui_check']} batch memory benchmark  (seed {res['params']['seed']}, {m['date']})"
    )
    load = m["loadavg_at_start"]
    print(
        f"   {m['platform']}, {m['cpu_count']} CPUs ({m['usable_cores']} usable), Python {m['python']},"
        f" load average at start {' / '.join(map(str, load or ['-']))}"
    )
    print(f"   synthetic companies: {syn['files']} in {syn['generate_s']} s, lights {syn['lights']}")
    print()
    runs = res["runs"]
    rows = [
        [name, r["files"], r["wall_s"], r["cpu_s"], r["peak_rss_mib"], r["tree_pss_mib"]]
        for name, r in (
            ("N=1 (fixed cost)", runs["fixed"]),
            (f"N={small}", runs[str(small)]),
            (f"N={large}", runs[str(large)]),
            ("N=1 re-run (fixed cost of a re-run)", runs["fixed_rerun"]),
            (f"N={large} re-run, all up to date", runs["rerun"]),
        )
    ]
    print(
        table(
            "batch --format json --jobs 1",
            ["run", "files", "seconds", "CPU s", "peak RSS MiB", "tree PSS MiB"],
            rows,
        )
    )
    a, b = runs[str(small)]["peak_rss_mib"], runs[str(large)]["peak_rss_mib"]
    print(
        f"   peak RSS N={small} -> N={large}: {a} -> {b} MiB, ratio {res['peak_ratio']}"
        f" ({(b - a) / a * 100:+.1f} %)"
    )
    print(
        f"   re-run: {runs['rerun']['rate_per_s']} files/s all in; without the fixed cost (N=1 re-run)"
        f" {res.get('rerun_marginal_files_per_s', '-')} files/s,"
        f" {res.get('rerun_marginal_files_per_cpu_s', '-')} files per CPU second"
    )
    print(
        f"   this benchmark process: {res['launcher_rss_mib']} MiB while it ran the batches"
        " (a batch's peak RSS counts at least its parent's size at fork)"
    )
    print(f"total wall time {res['wall_s']} s")


def _print_scoring_steps(st: dict[str, Any]) -> None:
    if "error" in st:
        print(f"   scoring steps failed: {st['error']}")
    elif st:
        per = st["ms_per_file"]
        print(
            f"   scoring breakdown, CPU ms/file over {st['files']} files: YAML {per['yaml']}, answers {per['answers']},"
            f" assess {per['assess']}, JSON report {per['json']}, write {per['write']},"
            f" record+industry+fingerprint {per['bookkeeping']} = {per['total']} ms"
            f" ({per['files_per_cpu_s']} files per CPU second)"
        )


def print_report(res: dict[str, Any]) -> None:
    m, p, syn = res["machine"], res["params"], res["synthetic"]
    print(
        f"hegui-check {m['hegui_check']} batch benchmark  ({'quick' if p['quick'] else 'full'},"
        f" seed {p['seed']}, {m['date']})"
    )
    print(
        table(
            "machine",
            ["what", "value"],
            [
                ["platform", m["platform"]],
                ["CPUs (os.cpu_count / usable_cores)", f"{m['cpu_count']} / {m['usable_cores']}"],
                ["Python", f"{m['python']} ({m['python_impl']})"],
                ["WeasyPrint", m["weasyprint"]],
                ["libharfbuzz-subset", m["libharfbuzz_subset"] or "not found (slow fontTools subsetting)"],
                ["load average at start (1/5/15 min)", " / ".join(map(str, m["loadavg_at_start"] or ["-"]))],
            ],
        )
    )
    load = m["loadavg_at_start"]
    if load and load[0] > 0.5:
        print(
            f"   WARNING: the machine was not idle (load {load[0]}): timings, and --jobs 2 most of all, are low"
        )
    print(
        f"   synthetic companies: {syn['files']} in {syn['generate_s']} s, {len(syn['industries'])} industries"
        f" {syn['industries']}, {syn['distinct_profiles']} distinct industry+facts profiles,"
        f" {syn['mean_answers_per_file']} answers/file, lights {syn['lights']}"
    )
    print()

    cols = ["files", "seconds", "/s", "CPU s", "cores busy", "peak RSS MiB", "tree PSS MiB"]

    def row(name: str, r: dict[str, Any]) -> list[Any]:
        return [
            name,
            r["files"],
            r["wall_s"],
            r["rate_per_s"],
            r["cpu_s"],
            round(r["cpu_s"] / r["wall_s"], 2),
            r["peak_rss_mib"],
            r["tree_pss_mib"],
        ]

    sc = res["scoring"]
    fastest = f", fastest of {sc['repeats']}" if sc.get("repeats", 1) > 1 else ""
    rows = [row(f"N=1 (fixed cost of a batch{fastest})", sc["fixed"])]
    if "small" in sc:
        rows.append(row(f"N={p['scoring_small_files']}", sc["small"]))
    rows += [
        row(f"N={p['scoring_files']}{fastest}", sc["cold"]),
        row("N=1 re-run (fixed cost of a re-run)", sc["fixed_rerun"]),
        row(f"N={p['scoring_files']} re-run, all up to date", sc["rerun"]),
    ]
    print(
        table(
            "1. scoring only: batch --format json --jobs 1 (wall time of the CLI process)",
            ["run", *cols],
            rows,
        )
    )
    if "marginal_files_per_s" in sc:
        print(
            f"   without the fixed cost (N=1 run): {sc['marginal_files_per_s']} files/s ({sc['marginal_ms_per_file']} ms/file);"
            f" re-run (less the N=1 re-run) {sc.get('rerun_marginal_files_per_s', '-')} files/s,"
            f" {sc.get('rerun_marginal_files_per_cpu_s', '-')} files per CPU second"
        )
    if "sys_s" in sc["cold"] and p["scoring_files"] > 1:
        kernel = (sc["cold"]["sys_s"] - sc["fixed"]["sys_s"]) / (p["scoring_files"] - 1)
        print(
            f"   of which in the kernel (system time: creating and writing files, mostly): {ms(kernel)} ms/file;"
            f" work folder {res['machine'].get('workdir', '-')} (set TMPDIR to measure another disk)"
        )
    if sc.get("repeats", 1) > 1:
        probe = sc["probe_s"]
        print(
            f"   every run (s): N=1 {sc['fixed_walls']}, N={p['scoring_files']} {sc['cold_walls']};"
            f" from the medians {sc.get('marginal_files_per_s_median', '-')} files/s."
            f" Machine speed: a fixed loop took {min(probe)}-{max(probe)} CPU s"
            f" (x{max(probe) / min(probe):.2f}) between the runs"
        )
    if sc.get("create_us"):
        made = sc["create_us"]
        print(
            f"   creating an empty file in the work folder (plain os.open, median of {CREATE_PROBE_FILES}):"
            f" {min(made)}-{max(made)} us between the runs; the batch creates one per company"
        )
    if "small" in sc:
        a, b = sc["small"]["peak_rss_mib"], sc["cold"]["peak_rss_mib"]
        print(
            f"   peak RSS N={p['scoring_small_files']} -> N={p['scoring_files']}: {a} -> {b} MiB"
            f" ({(b - a) / a * 100:+.1f} %); this benchmark process {sc.get('launcher_rss_mib', '-')} MiB"
            " while it ran them (a batch's peak counts at least its parent's size at fork)"
        )
    print()
    if "pdf" not in res:  # --scoring-only
        _print_scoring_steps(res.get("scoring_steps", {}))
        print(
            f"peak RSS: benchmark process {res['self_peak_rss_mib']} MiB; total wall time {res['wall_s']} s"
        )
        return

    pdf = res["pdf"]
    rows = [[*row(f"--jobs {j}", pdf[f"jobs{j}"]), pdf[f"jobs{j}"]["net_rate_per_s"]] for j in (1, 2)]
    rows.append([*row("--jobs 1 re-run, all up to date", pdf["rerun"]), None])
    print(table(f"2. PDF: batch --format pdf, {p['pdf_files']} reports", ["run", *cols, "net /s"], rows))
    print(
        f"   speed-up rate@2/rate@1 {pdf['speedup']}, parallel efficiency {pdf['efficiency']}"
        f" (net of the fixed cost: {pdf['net_speedup']}, {pdf['net_efficiency']}); usable cores {m['usable_cores']}"
    )
    pg = pdf["pages"]
    if pg.get("sampled"):
        print(
            f"   pages per report (pypdf, {pg['sampled']} reports): median {pg['median']}, min {pg['min']},"
            f" max {pg['max']}, mean {pg['mean']}; median {pg['median_kib']} KiB"
        )
    print()

    one = res["one_report"]
    cols3 = ["pages", "html_ms", "html_to_pdf_ms", "raw_weasyprint_ms", "ratio", "html_to_pdf_ms_per_page"]
    rows = [[r["report"], *(r[k] for k in cols3)] for r in one["rows"]]
    rows.append(["median", *(one["median"][k] for k in cols3)])
    print(
        table(
            "3. one report in-process (ms, after one warm-up render)",
            ["report", "pages", "render_html", "html_to_pdf", "raw WeasyPrint", "lib/raw", "ms/page"],
            rows,
        )
    )
    j1 = pdf["jobs1"]
    net_ms = 1000 / j1["net_rate_per_s"] if j1["net_rate_per_s"] else None
    per_page = net_ms / pg["mean"] if net_ms and pg.get("sampled") else None
    print(
        f"   batch --jobs 1: {ms(j1['wall_s'] / j1['files'])} ms/report all in, {B.cell(net_ms)} ms/report"
        f" net of the fixed cost = {B.cell(per_page)} ms/page (mean {pg.get('mean')} pages);"
        f" in-process {one['ms_per_page_overall']} ms/page html_to_pdf, {one['raw_ms_per_page_overall']} raw"
    )
    ph = res["phases"]
    if "error" in ph:
        print(f"   in-process breakdown failed: {ph['error']}")
    else:
        print(
            f"   in-process, N={ph['companies']}: run_batch (load, assess, JSON report, manifest) {ph['run_batch_s']} s"
            f" ({ph['run_batch_ms_per_file']} ms/file); summary.xlsx/csv {ph['summary_xlsx_csv_s']} s;"
            f" industry HTML+JSON {ph['industry_html_json_s']} s; industry PDF {ph['industry_pdf_s']} s"
            f" ({ph['industry_pdf_pages']} pages)"
        )
    _print_scoring_steps(res.get("scoring_steps", {}))
    tp = res.get("templates", {})
    if "error" in tp:
        print(f"   template comparison failed: {tp['error']}")
    elif tp:
        b, c = tp["baseline"], tp["current"]
        print(
            f"   PDF per page, demo report (bench/templates.py): baseline templates {b['ms_per_page']:.1f} ms/page"
            f" ({b['pages']} pages), current {c['ms_per_page']:.1f} ms/page ({c['pages']} pages);"
            f" whole report {tp['speedup_wall']:.2f}x faster (CPU {tp['speedup_cpu']:.2f}x); batch above:"
            f" {B.cell(per_page)} ms/page"
        )
    pr = res.get("projection")
    if pr:
        print(
            f"   projected: {pr['reports']:,} PDF reports at --jobs {pr['cores']} (usable cores) ="
            f" {pr['hours_ideal']} h at {pr['s_per_report']} s/report ({pr['pages_mean']} pages mean, --jobs 1, net);"
            f" {pr['hours_at_measured_efficiency']} h at the measured parallel efficiency {pr['efficiency']}"
        )
    print()
    print(f"peak RSS: benchmark process {res['self_peak_rss_mib']} MiB; total wall time {res['wall_s']} s")


_ITEM_IDS: list[frozenset[str]] = []


def item_ids() -> frozenset[str]:
    from hegui_check.questionnaire import load_questionnaire

    return frozenset(item.id for module in load_questionnaire().modules for item in module.items)


def checklist_changed() -> bool:
    try:
        return bool(_ITEM_IDS) and item_ids() != _ITEM_IDS[0]
    except Exception:  # a half-edited checklist may not even load
        return True


def _sizes(text: str) -> tuple[int, int]:
    try:
        small, large = (int(x) for x in text.split(","))
    except ValueError:
        raise argparse.ArgumentTypeError("two numbers, the smaller first: S,L") from None
    if not 1 < small < large:
        raise argparse.ArgumentTypeError("two numbers, 1 < S < L")
    return small, large


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="hegui-check batch benchmark (see bench/README.md)")
    parser.add_argument("--quick", action="store_true", help="200 files for scoring, 20 PDF reports")
    parser.add_argument(
        "--scoring-only", action="store_true", help="table 1 and the scoring breakdown only, no PDF runs"
    )
    parser.add_argument(
        "--scoring", type=int, metavar="N", help="answer files for the scoring runs (default 1000)"
    )
    parser.add_argument("--pdf", type=int, metavar="N", help="reports for the PDF runs (default 200)")
    parser.add_argument(
        "--repeats",
        type=int,
        default=3,
        metavar="R",
        help="runs of each scoring size, alternately; rates from the fastest of each (default 3)",
    )
    parser.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help="seed of the synthetic answer generator"
    )
    parser.add_argument("--json", metavar="OUT", type=Path, help="also write all numbers as JSON to OUT")
    parser.add_argument(
        "--memory",
        action="store_true",
        help="only peak memory of scoring batches at two sizes, and the re-run of the larger one",
    )
    parser.add_argument(
        "--memory-sizes",
        type=_sizes,
        default=(1000, 10000),
        metavar="S,L",
        help="the two batch sizes of --memory (default 1000,10000)",
    )
    parser.add_argument("--generate", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.generate:
        try:
            generate_here(int(args.generate[0]), args.seed, Path(args.generate[1]))
        except BenchError as exc:
            print(f"bench: error: {exc}", file=sys.stderr)
            return 1
        return 0
    if args.scoring is not None and args.scoring < 1:
        parser.error("--scoring must be at least 1")
    if args.pdf is not None and args.pdf < 1:
        parser.error("--pdf must be at least 1")
    if args.repeats < 1:
        parser.error("--repeats must be at least 1")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
    try:
        res = run_memory(args) if args.memory else run(args)
    except BenchError as exc:
        print(f"bench: error: {exc}", file=sys.stderr)
        if checklist_changed():
            print(
                "bench: note: the checklist's items changed while the benchmark ran (files being edited?);"
                " the generated answer files no longer match it. Run again.",
                file=sys.stderr,
            )
        return 1
    except KeyboardInterrupt:
        print("bench: interrupted", file=sys.stderr)
        return 130
    (print_memory_report if args.memory else print_report)(res)
    if args.json is not None:
        args.json.write_text(json.dumps(res, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
        print(f"JSON written to {args.json}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
