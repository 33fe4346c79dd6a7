#!/usr/bin/env python3
"""Report-template benchmark: the demo report rendered with bench/baseline_templates/ and with the
current report_templates/, PDF render time (WeasyPrint) and page count side by side.

    .venv/bin/python bench/templates.py [--repeats N]

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


def demo_assessment():  # type: ignore[no-untyped-def]
    from hegui_check.answers import load_answers
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.resources import data_dir
    from hegui_check.scoring import assess

    q = load_questionnaire()
    answers = load_answers(data_dir() / "demo-answers.yaml", q)
    return assess(q, answers)


def baseline_html(a) -> tuple[str, str]:  # type: ignore[no-untyped-def]
    """(html, where it came from)."""
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
    try:
        return env.get_template("report.html.j2").render(**ctx), "baseline templates, today's context"
    except jinja2.UndefinedError as exc:
        if not STORED_HTML.is_file():
            raise SystemExit(
                f"bench: error: baseline templates no longer render ({exc}) and {STORED_HTML} is missing"
            ) from None
        return STORED_HTML.read_text(encoding="utf-8"), f"stored {STORED_HTML.name} ({exc.message})"


def pages(blob: bytes) -> int:
    from pypdf import PdfReader

    return len(PdfReader(io.BytesIO(blob)).pages)


def compare(repeats: int) -> dict:  # type: ignore[type-arg]
    """The demo report with the baseline and the current templates, ``repeats`` PDF renders each,
    alternating which goes first: pages, wall and CPU times (s) and sizes, and the speed-ups."""
    from hegui_check.render.html import render_html
    from hegui_check.render.pdf import html_to_pdf

    a = demo_assessment()
    base, source = baseline_html(a)
    current = render_html(a)
    html_to_pdf(current)  # warm-up: imports and WeasyPrint caches
    runs: dict[str, dict[str, list[float]]] = {
        "baseline": {"wall": [], "cpu": []},
        "current": {"wall": [], "cpu": []},
    }
    blobs: dict[str, bytes] = {}
    docs = {"baseline": base, "current": current}
    for n in range(repeats):
        order = ("baseline", "current") if n % 2 == 0 else ("current", "baseline")
        for name in order:
            gc.collect()
            w0, c0 = time.perf_counter(), time.process_time()
            blobs[name] = html_to_pdf(docs[name])
            runs[name]["wall"].append(time.perf_counter() - w0)
            runs[name]["cpu"].append(time.process_time() - c0)
        print(f"run {n + 1}/{repeats} done", file=sys.stderr)
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


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--repeats", type=int, default=5)
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
    res = compare(args.repeats)
    print(f"baseline HTML: {res['source']}")
    print(
        f"{'':10} {'pages':>6} {'wall med s':>11} {'wall min s':>11} {'cpu med s':>10} {'KiB':>6} {'ms/page':>8}"
    )
    for name in ("baseline", "current"):
        r = res[name]
        print(
            f"{name:10} {r['pages']:>6} {r['wall_med_s']:>11.2f} {r['wall_min_s']:>11.2f}"
            f" {r['cpu_med_s']:>10.2f} {r['kib']:>6} {r['ms_per_page']:>8.1f}"
        )
    print(f"speed-up (baseline / current): wall {res['speedup_wall']:.2f}x, cpu {res['speedup_cpu']:.2f}x")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
