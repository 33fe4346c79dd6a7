#!/usr/bin/env python3
"""Report-template benchmark: the demo report and the five example profiles' reports rendered with
bench/baseline_templates/ and with the current report_templates/, PDF render time (WeasyPrint) and page
count side by side.

    .venv/bin/python bench/templates.py [--repeats N] [--demo-only]

The example profiles are tests/fixtures/profiles/*.yaml; every question that applies to a profile is
answered by bench/bench.py's seeded generator (about 70 % 符合), so each report has findings in most
modules, as a real full check does.

The baseline HTML is built from the baseline templates with today's report context when they still
render with it; otherwise the stored ``bench/baseline_templates/demo-report.html`` (the same templates
rendered when they were current) is used, and the output says so. Both HTML documents go through the
same ``html_to_pdf`` (local-only fetcher, the packaged CJK font), alternating which goes first, with
``gc.collect()`` before every run; the table shows the median and minimum of N runs, wall and CPU time.
"""

from __future__ import annotations

import argparse
import gc
import io
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BASELINE = ROOT / "bench" / "baseline_templates"
STORED_HTML = BASELINE / "demo-report.html"
PROFILES = ROOT / "tests" / "fixtures" / "profiles"
PROFILE_SEED = 20261202


def demo_assessment():  # type: ignore[no-untyped-def]
    from hegui_check.answers import load_answers
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.resources import data_dir
    from hegui_check.scoring import assess

    q = load_questionnaire()
    answers = load_answers(data_dir() / "demo-answers.yaml", q)
    return assess(q, answers)


def _bench_module():  # type: ignore[no-untyped-def]
    """bench/bench.py by path (bench/ is not a package), for its answer generator."""
    import importlib.util

    spec = importlib.util.spec_from_file_location("hegui_bench_gen", ROOT / "bench" / "bench.py")
    module = importlib.util.module_from_spec(spec)  # type: ignore[arg-type]
    sys.modules[spec.name] = module  # type: ignore[union-attr]
    spec.loader.exec_module(module)  # type: ignore[union-attr]
    return module


def profile_assessments(seed: int = PROFILE_SEED) -> list:  # type: ignore[type-arg]
    """(name, assessment) for each example profile, every applicable question answered."""
    import dataclasses
    import random

    from hegui_check.answers import Answer, load_answers
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.scoring import assess

    gen = _bench_module()
    q = load_questionnaire()
    out = []
    for path in sorted(PROFILES.glob("*.yaml")):
        rng = random.Random(f"{seed}-{path.stem}")
        answers = load_answers(path, q)
        env = {**answers.company, **answers.facts, **{k: a.value for k, a in answers.answers.items()}}
        filled = dict(answers.answers)
        for module in q.modules:  # module order, so a gate is answered before the items it opens
            if module.condition is not None and not module.condition.evaluate(env):
                continue
            for item in module.items:
                if item.id in filled or (item.condition is not None and not item.condition.evaluate(env)):
                    continue
                filled[item.id] = Answer(value=gen._item_value(item, rng, 0.7))
                env[item.id] = filled[item.id].value
        out.append((path.stem, assess(q, dataclasses.replace(answers, answers=filled))))
    return out


def _baseline_from_templates(a) -> str:  # type: ignore[no-untyped-def]
    import jinja2
    from markupsafe import Markup

    from hegui_check.render.context import report_context

    env = jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(BASELINE)),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    ctx = report_context(a)
    ctx["chart_svg"] = Markup(ctx["chart_svg"])
    ctx["css"] = Markup((BASELINE / "report.css").read_text(encoding="utf-8"))
    return env.get_template("report.html.j2").render(**ctx)


def baseline_html(a) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(html, where it came from)."""
    import jinja2

    try:
        return _baseline_from_templates(a), "baseline templates, today's context"
    except jinja2.UndefinedError as exc:
        if not STORED_HTML.is_file():
            raise SystemExit(
                f"bench: error: baseline templates no longer render ({exc}) and {STORED_HTML} is missing"
            ) from None
        return STORED_HTML.read_text(encoding="utf-8"), f"stored {STORED_HTML.name} ({exc.message})"


def pages(blob: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(blob)).pages)


def _compare_one(a, repeats: int, stored_ok: bool) -> dict:  # type: ignore[no-untyped-def,type-arg]
    """One report with the baseline and the current templates, ``repeats`` PDF renders each,
    alternating which goes first: pages, wall and CPU times (s) and sizes, and the speed-ups."""
    from hegui_check.render.html import render_html
    from hegui_check.render.pdf import html_to_pdf

    if stored_ok:
        base, source = baseline_html(a)
    else:
        base, source = _baseline_from_templates(a), "baseline templates, today's context"
    docs = {"baseline": base, "current": render_html(a)}
    runs: dict[str, dict[str, list[float]]] = {
        "baseline": {"wall": [], "cpu": []},
        "current": {"wall": [], "cpu": []},
    }
    blobs: dict[str, bytes] = {}
    for n in range(repeats):
        order = ("baseline", "current") if n % 2 == 0 else ("current", "baseline")
        for name in order:
            gc.collect()
            w0, c0 = time.perf_counter(), time.process_time()
            blobs[name] = html_to_pdf(docs[name])
            runs[name]["wall"].append(time.perf_counter() - w0)
            runs[name]["cpu"].append(time.process_time() - c0)
    res: dict = {"source": source}  # type: ignore[type-arg]
    for name in ("baseline", "current"):
        r = runs[name]
        n_pages = pages(blobs[name])
        res[name] = {
            "pages": n_pages,
            "wall_med_s": statistics.median(r["wall"]),
            "wall_min_s": min(r["wall"]),
            "cpu_med_s": statistics.median(r["cpu"]),
            "kib": len(blobs[name]) // 1024,
            "ms_per_page": 1000 * statistics.median(r["wall"]) / n_pages,
            "cpu_ms_per_page": 1000 * statistics.median(r["cpu"]) / n_pages,
        }
    res["speedup_wall"] = res["baseline"]["wall_med_s"] / res["current"]["wall_med_s"]
    res["speedup_cpu"] = res["baseline"]["cpu_med_s"] / res["current"]["cpu_med_s"]
    return res


def compare(repeats: int, profiles: bool = False) -> dict:  # type: ignore[type-arg]
    """The demo report (and with ``profiles`` the five example profiles' reports) both ways; the demo's
    numbers at the top level, as before, and ``reports`` and the median speed-ups over the profiles."""
    from hegui_check.render.html import render_html
    from hegui_check.render.pdf import html_to_pdf

    demo = demo_assessment()
    html_to_pdf(render_html(demo))  # warm-up: imports and WeasyPrint caches
    res = _compare_one(demo, repeats, stored_ok=True)
    print("demo done", file=sys.stderr)
    if not profiles:
        return res
    res["reports"] = {"demo": dict(res)}
    for name, a in profile_assessments():
        res["reports"][name] = _compare_one(a, repeats, stored_ok=False)
        print(f"{name} done", file=sys.stderr)
    ratios = [r for n, r in res["reports"].items() if n != "demo"]
    res["profiles_median_speedup_wall"] = statistics.median(r["speedup_wall"] for r in ratios)
    res["profiles_median_speedup_cpu"] = statistics.median(r["speedup_cpu"] for r in ratios)
    return res


def _print_row(name: str, r: dict) -> None:  # type: ignore[type-arg]
    print(
        f"{name:26} {r['pages']:>6} {r['wall_med_s']:>11.2f} {r['wall_min_s']:>11.2f}"
        f" {r['cpu_med_s']:>10.2f} {r['kib']:>6} {r['ms_per_page']:>8.1f}"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
    parser.add_argument(
        "--demo-only", action="store_true", help="only the demo report, not the five profiles"
    )
    parser.add_argument(
        "--save-baseline-html",
        action="store_true",
        help="write the baseline HTML to bench/baseline_templates/demo-report.html and stop",
    )
    args = parser.parse_args(argv)

    if args.save_baseline_html:
        base, _source = baseline_html(demo_assessment())
        STORED_HTML.write_text(base, encoding="utf-8")
        print(f"wrote {STORED_HTML}")
        return 0
    res = compare(args.repeats, profiles=not args.demo_only)
    print(f"baseline HTML: {res['source']}")
    print(
        f"{'':26} {'pages':>6} {'wall med s':>11} {'wall min s':>11} {'cpu med s':>10} {'KiB':>6} {'ms/page':>8}"
    )
    for report, r in res.get("reports", {"demo": res}).items():
        _print_row(f"{report} baseline", r["baseline"])
        _print_row(f"{report} current", r["current"])
        print(
            f"{'':26} speed-up (baseline / current): wall {r['speedup_wall']:.2f}x, cpu {r['speedup_cpu']:.2f}x"
        )
    if "reports" in res:
        print(
            f"median speed-up over the five profiles: wall {res['profiles_median_speedup_wall']:.2f}x,"
            f" cpu {res['profiles_median_speedup_cpu']:.2f}x; demo: wall {res['speedup_wall']:.2f}x,"
            f" cpu {res['speedup_cpu']:.2f}x"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
