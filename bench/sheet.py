#!/usr/bin/env python3
"""Spreadsheet benchmark for hegui-check (not a unit test; see bench/README.md).

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/sheet.py [--rows N] [--industry ID] [--repeats R] [--keep DIR]

It fills the XLSX template of `hegui-check template --format xlsx` (row 1 ids, row 2 labels, drop-downs,
the 说明 and lists sheets) with N member companies (3,000 by default), one valid answer in every column,
saves it with openpyxl (which writes inline strings), makes a copy whose text cells use a shared-strings
table as Excel and WPS write them, and times `read_table` and `row_answers` over every row on each, in a
fresh process per run: wall and CPU seconds, peak RSS, and a digest of the Table read so that two
versions of the reader can be compared for identical results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import os
import random
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from importlib import metadata
from pathlib import Path
from typing import Any

DEFAULT_ROWS = 3000
DEFAULT_INDUSTRY = "manufacturing"  # 266 columns, like most industries; footwear has 280
DEFAULT_SEED = 20261121
SST_PART = "xl/sharedStrings.xml"
SST_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SST_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"
_INLINE = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)


def version(dist: str) -> str:
    try:
        return metadata.version(dist)
    except metadata.PackageNotFoundError:
        return "-"


def step(text: str) -> None:
    print(f"[bench sheet] {text}", file=sys.stderr, flush=True)


def cell_value(column: Any, item: Any, rng: random.Random, n: int, industry_label: str) -> Any:
    """A valid answer for ``column`` in the n-th company's row, typed as a person would enter it."""
    from hegui_check.answers import uscc_with_check

    if column.id == "company_name":
        return f"温州第{n}号制造有限公司"
    if column.id == "uscc":
        return uscc_with_check(f"91330300{n:09d}")
    if column.id == "industry":
        return industry_label
    if column.id == "region":
        return rng.choice(["浙江省温州市鹿城区", "浙江省温州市瓯海区", "浙江省绍兴市上虞区"])
    if column.id == "annual_revenue_wan":
        return round(rng.uniform(50, 5000), 1)  # a number stored as a number, with decimals
    if column.id == "assessment_date":  # a date cell (number with a date format) or typed text
        day = dt.datetime(2026, 11, 1) + dt.timedelta(days=n % 28)
        return day if n % 2 else day.strftime("%Y/%m/%d")
    if column.kind == "number":
        value = rng.randint(1, 300)
        return str(value) if n % 5 == 0 else value  # now and then a number stored as text
    if column.kind == "date":
        return f"20{rng.randint(10, 25)}-{rng.randint(1, 12):02d}"
    if column.kind == "text":
        return rng.choice(["", "希望组织用工培训", "需要合同范本", "无"])
    if column.kind == "multi":
        labels = [o.label for o in item.options if o.value != "none"]
        return "、".join(rng.sample(labels, min(len(labels), rng.randint(1, 2))))
    if column.kind == "status":
        return rng.choices(column.choices, weights=[6, 2, 2, 1, 1])[0]
    if column.choices:
        return rng.choice(column.choices)
    raise ValueError(f"no value for column {column.id} ({column.kind})")


def build_inline(path: Path, rows: int, industry: str, seed: int) -> int:
    """The template filled with ``rows`` companies, saved by openpyxl; returns the column count."""
    import openpyxl

    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.template import FIRST_DATA_ROW, template_columns, xlsx_template

    q = load_questionnaire()
    label = next(o.label for p in q.profile if p.id == "industry" for o in p.options if o.value == industry)
    columns = template_columns(q, industry)
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_template(q, industry)))
    ws = wb.worksheets[0]
    rng = random.Random(seed)
    for n in range(1, rows + 1):
        for i, c in enumerate(columns, start=1):
            value = cell_value(c, q.items.get(c.id), rng, n, label)
            if value != "":
                ws.cell(row=FIRST_DATA_ROW + n - 1, column=i, value=value)
    wb.save(path)
    return len(columns)


def to_shared_strings(src: Path, dst: Path) -> int:
    """A copy of ``src`` whose inline-string cells use one shared-strings table, as Excel and WPS write
    them; returns the number of distinct strings."""
    strings: dict[bytes, int] = {}

    def shared(m: re.Match[bytes]) -> bytes:
        index = strings.setdefault(m.group(3), len(strings))
        return b"<c " + m.group(1) + b't="s"' + m.group(2) + b"><v>" + str(index).encode() + b"</v></c>"

    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/sheet"):
                data = _INLINE.sub(shared, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    f'<Override PartName="/{SST_PART}" ContentType="{SST_TYPE}"/></Types>'.encode(),
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdSst" Type="{SST_REL}" Target="sharedStrings.xml"/>'
                    "</Relationships>".encode(),
                )
            zout.writestr(info.filename, data)
        items = b"".join(b'<si><t xml:space="preserve">' + s + b"</t></si>" for s in strings)
        zout.writestr(
            SST_PART,
            b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="'
            + str(len(strings)).encode()
            + b'" uniqueCount="'
            + str(len(strings)).encode()
            + b'">'
            + items
            + b"</sst>",
        )
    return len(strings)


def table_digest(table: Any) -> str:
    """sha256 over everything a Table holds, to compare two readers' results on the same file."""
    h = hashlib.sha256()
    h.update(repr((table.columns, table.header_rows, [str(w) for w in table.warnings])).encode())
    for row in table.rows:
        h.update(repr((row.row_number, sorted(row.values.items()))).encode())
    return h.hexdigest()[:16]


def peak_rss_mib() -> float:
    """This process's peak resident memory. On Linux from /proc (VmHWM), which starts afresh at exec;
    ru_maxrss would carry over the parent's peak, which built the workbook."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(path: Path) -> dict[str, Any]:
    """Run in a fresh process: read_table and row_answers over every row, timed."""
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.spreadsheet import read_table, row_answers

    q = load_questionnaire()
    rss_before = peak_rss_mib()
    w0, c0 = time.perf_counter(), time.process_time()
    table = read_table(path, q)
    w1, c1 = time.perf_counter(), time.process_time()
    rss_read = peak_rss_mib()
    answer_sets = [row_answers(table, row) for row in table.rows]
    w2, c2 = time.perf_counter(), time.process_time()
    return {
        "rows": len(table.rows),
        "columns": len(table.columns),
        "keyed": len(table.key_columns),
        "read_wall": w1 - w0,
        "read_cpu": c1 - c0,
        "answers_wall": w2 - w1,
        "answers_cpu": c2 - c1,
        "rss_before": rss_before,
        "rss_read": rss_read,
        "rss_end": peak_rss_mib(),
        "errors": sum(len(a.errors) for a in answer_sets),
        "digest": table_digest(table),
    }


def run_child(path: Path) -> dict[str, Any]:
    proc = subprocess.run(
        [sys.executable, __file__, "--measure", str(path)], capture_output=True, text=True, check=False
    )
    if proc.returncode != 0:
        raise SystemExit(f"bench: error: measuring {path.name} failed:\n{proc.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(proc.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=DEFAULT_ROWS, help="member companies (data rows)")
    parser.add_argument("--industry", default=DEFAULT_INDUSTRY, help="the template's industry option")
    parser.add_argument("--repeats", type=int, default=3, help="fresh-process runs per workbook")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--keep", type=Path, help="build the workbooks here, and reuse them when present")
    parser.add_argument("--measure", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.measure:
        print(json.dumps(measure(args.measure)))
        return 0
    work = args.keep or Path(tempfile.mkdtemp(prefix="hegui-sheet-"))
    work.mkdir(parents=True, exist_ok=True)
    inline = work / f"members-{args.rows}-{args.industry}-{args.seed}-inline.xlsx"
    shared = inline.with_name(inline.name.replace("-inline", "-shared"))
    if not inline.exists():
        step(f"filling the template with {args.rows} companies and saving it with openpyxl …")
        t0 = time.perf_counter()
        build_inline(inline, args.rows, args.industry, args.seed)
        step(f"built in {time.perf_counter() - t0:.1f} s")
    if not shared.exists():
        step(f"{to_shared_strings(inline, shared)} distinct shared strings in the Excel-style copy")
    try:
        results = []
        for name, path in (("inline strings (openpyxl)", inline), ("shared strings (Excel/WPS)", shared)):
            runs = []
            for n in range(args.repeats):
                step(f"{name}: run {n + 1}/{args.repeats}")
                runs.append(run_child(path))
            results.append((name, path.stat().st_size / 1e6, runs))
    finally:
        if args.keep is None:
            for path in (inline, shared):
                path.unlink(missing_ok=True)
            work.rmdir()
    print(
        f"python {sys.version.split()[0]}, openpyxl {version('openpyxl')}, python-calamine "
        f"{version('python-calamine')}, load average at the end {os.getloadavg()[0]:.2f} on "
        f"{os.cpu_count()} CPUs; rows {args.rows}, industry {args.industry}, "
        f"{args.repeats} fresh-process runs per workbook (median; RSS max)"
    )
    header = (
        f"{'workbook':<27} {'MB':>5} {'rows':>5} {'cols':>4} {'read s':>7} {'read cpu':>8} "
        f"{'answers s':>9} {'ans cpu':>7} {'RSS MiB before/read/end':>24} {'errors':>6}  digest"
    )
    print(header)
    for name, size, runs in results:
        med = {k: statistics.median(r[k] for r in runs) for k in runs[0] if isinstance(runs[0][k], float)}
        top = {k: max(r[k] for r in runs) for k in ("rss_before", "rss_read", "rss_end")}
        digests = {r["digest"] for r in runs}
        rss = f"{top['rss_before']:.0f}/{top['rss_read']:.0f}/{top['rss_end']:.0f}"
        print(
            f"{name:<27} {size:>5.1f} {runs[0]['rows']:>5} {runs[0]['columns']:>4} {med['read_wall']:>7.2f} "
            f"{med['read_cpu']:>8.2f} {med['answers_wall']:>9.2f} {med['answers_cpu']:>7.2f} {rss:>24} "
            f"{runs[0]['errors']:>6}  {'/'.join(sorted(digests))}"
        )
    return 0


if __name__ == "__main__":
    sys.exit(main())
