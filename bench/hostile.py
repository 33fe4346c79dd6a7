#!/usr/bin/env python3
"""Hostile-input benchmark for hegui-check (not a unit test; see bench/README.md).

Run from the project root with the project's virtualenv:

    .venv/bin/python bench/hostile.py [--keep DIR]

It builds the inputs that once ran for seconds to minutes and gigabytes — a 484-byte YAML alias bomb,
a ~206 KB file of repeated string aliases, a 2-million-row XLSX (zip bomb, with and without a declared
sheet dimension), JSON nested 100 000 deep and a checklist condition with a 20 000-element list — and a
1 KB XLSX whose two cells would span half a terabyte as a grid (its sheet where Excel keeps it, and hidden
elsewhere in the archive). It runs the real command on each under `/usr/bin/time -v`, and prints wall
time, peak memory (maximum resident set size), exit code and the first line of the message. A normal
answer file is measured alongside as the baseline (start-up and loading the checklist library).
Target: every hostile input refused with exit code 1 in < 2 s and < 200 MB.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

ROWS = 2_000_000
TARGET_SECONDS = 2.0
TARGET_MB = 200


def alias_bomb(path: Path) -> Path:
    lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]']
    for prev, cur in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{cur}: &{cur} [{','.join(['*' + prev] * 9)}]")
    lines.append("answers: {labor.written_contract: {answer: 'yes', note: *i}}")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def string_aliases(path: Path) -> Path:
    text = (
        "hegui_check: 1\nx: &s "
        + "法" * 500
        + "\nanswers:\n  labor.written_contract:\n    answer: 'yes'\n    evidence: ["
    )
    refs = []
    while len(text) + 4 * len(refs) < 206_000:
        refs.append("*s")
    path.write_text(text + ", ".join(refs) + "]\n", encoding="utf-8")
    return path


def xlsx_parts(sheet_part: str = "xl/worksheets/sheet1.xml") -> dict[str, str]:
    """The parts of a one-sheet workbook other than the sheet, which is stored at ``sheet_part``."""
    content_types = (
        '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/package/'
        '2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-'
        'package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override '
        'PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.'
        f'spreadsheetml.sheet.main+xml"/><Override PartName="/{sheet_part}" ContentType='
        '"application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>'
    )
    rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/package/2006/'
        'relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        'relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    )
    workbook = (
        '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
        '2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>'
        '<sheet name="答题" sheetId="1" r:id="rId1"/></sheets></workbook>'
    )
    workbook_rels = (
        '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/'
        f'officeDocument/2006/relationships/worksheet" Target="/{sheet_part}"/></Relationships>'
    )
    return {
        "[Content_Types].xml": content_types,
        "_rels/.rels": rels,
        "xl/workbook.xml": workbook,
        "xl/_rels/workbook.xml.rels": workbook_rels,
    }


SHEET_HEAD = (
    b'<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
    b'spreadsheetml/2006/main">'
)


def xlsx_rows(path: Path, rows: int, declare: bool) -> Path:
    """A workbook whose one sheet holds ``rows`` rows, streamed straight into the archive."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in xlsx_parts().items():
            z.writestr(name, text)
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as fh:
            fh.write(SHEET_HEAD)
            if declare:
                fh.write(f'<dimension ref="A1:B{rows}"/>'.encode())
            fh.write(
                b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>company_name</t></is></c>'
                b'<c r="B1" t="inlineStr"><is><t>labor.written_contract</t></is></c></row>'
            )
            chunk = []
            for n in range(2, rows + 1):
                chunk.append(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>')
                if len(chunk) == 50_000:
                    fh.write("".join(chunk).encode())
                    chunk = []
            fh.write(("".join(chunk) + "</sheetData></worksheet>").encode())
    return path


def xlsx_far_cell(path: Path, sheet_part: str) -> Path:
    """A 1 KB workbook with two cells, A1 and XFD1048576: as a grid, 17 billion cells (half a terabyte)."""
    sheet = SHEET_HEAD + (
        b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>company_name</t></is></c></row>'
        b'<row r="2"><c r="XFD1048576"><v>1</v></c></row></sheetData></worksheet>'
    )
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in xlsx_parts(sheet_part).items():
            z.writestr(name, text)
        z.writestr(sheet_part, sheet)
    return path


def deep_json(path: Path) -> Path:
    path.write_text(
        '{"hegui_check": 1, "answers": {"labor.written_contract": ' + "[" * 100_000 + "]" * 100_000 + "}}",
        encoding="utf-8",
    )
    return path


def condition_list(path: Path) -> Path:
    values = ", ".join(f'"v{n}"' for n in range(20_000))
    path.write_text(
        "module: bomb\ntitle: 条件炸弹\nitems:\n  - id: bomb.one\n    question: 问题？\n    type: boolean\n"
        f"    when: 'industry in [{values}]'\n",
        encoding="utf-8",
    )
    return path


def normal_answers(path: Path) -> Path:
    path.write_text(
        "hegui_check: 1\ncompany: {company_name: 温州某某鞋业有限公司, industry: footwear, employees: 45}\n"
        "answers:\n  labor.written_contract: 'yes'\n",
        encoding="utf-8",
    )
    return path


def measure(name: str, args: list[str], cwd: Path) -> dict[str, object]:
    cmd = ["/usr/bin/time", "-v", sys.executable, "-m", "hegui_check", *args]
    started = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, errors="replace")
    wall = time.perf_counter() - started
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", proc.stderr)
    elapsed = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", proc.stderr)
    seconds = wall
    if elapsed:
        parts = [float(p) for p in elapsed.group(1).split(":")]
        seconds = sum(p * 60**i for i, p in enumerate(reversed(parts)))
    message = next(
        (line for line in proc.stderr.splitlines() if line.startswith("错误") or "错误：" in line), ""
    )
    return {
        "name": name,
        "seconds": seconds,
        "mb": int(rss.group(1)) / 1024 if rss else float("nan"),
        "exit": proc.returncode,
        "message": message[:110],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="build the inputs in this folder and keep them")
    args = parser.parse_args()
    if not Path("/usr/bin/time").exists():
        print("bench: error: /usr/bin/time is needed (apt-get install time)", file=sys.stderr)
        return 1
    work = args.keep or Path(tempfile.mkdtemp(prefix="hegui-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        print(f"building inputs in {work} …", file=sys.stderr)
        t0 = time.perf_counter()
        inputs = {
            "alias-bomb": alias_bomb(work / "alias-bomb.yaml"),
            "string-aliases": string_aliases(work / "string-aliases.yaml"),
            "xlsx-2m-declared": xlsx_rows(work / "rows-declared.xlsx", ROWS, True),
            "xlsx-2m-undeclared": xlsx_rows(work / "rows-undeclared.xlsx", ROWS, False),
            "xlsx-far-cell": xlsx_far_cell(work / "far-cell.xlsx", "xl/worksheets/sheet1.xml"),
            "xlsx-far-cell-hidden": xlsx_far_cell(work / "far-cell-hidden.xlsx", "data/hidden.xml"),
            "deep-json": deep_json(work / "deep.json"),
            "condition-20000": condition_list(work / "condition.yaml"),
            "baseline": normal_answers(work / "normal.yaml"),
        }
        print(f"built in {time.perf_counter() - t0:.1f} s", file=sys.stderr)

        def size(key: str) -> str:
            n = inputs[key].stat().st_size
            return f"{n // 1000} KB" if n >= 10_000 else f"{n} B"

        def report(key: str) -> list[str]:
            return ["report", str(inputs[key]), "-f", "json", "-o", str(work / f"{key}.json"), "--force"]

        def batch(key: str) -> list[str]:
            return ["batch", str(inputs[key]), "-o", str(work / f"out-{key}"), "-f", "json", "--force"]

        runs = [
            ("baseline (normal file, report -f json)", report("baseline")),
            (f"alias bomb ({size('alias-bomb')}, report)", report("alias-bomb")),
            (f"string aliases ({size('string-aliases')}, report)", report("string-aliases")),
            (
                f"XLSX 2M rows, dimension declared ({size('xlsx-2m-declared')}, batch)",
                batch("xlsx-2m-declared"),
            ),
            (
                f"XLSX 2M rows, no dimension ({size('xlsx-2m-undeclared')}, batch)",
                batch("xlsx-2m-undeclared"),
            ),
            (f"XLSX two cells A1, XFD1048576 ({size('xlsx-far-cell')}, batch)", batch("xlsx-far-cell")),
            (
                f"same, sheet outside xl/worksheets/ ({size('xlsx-far-cell-hidden')}, batch)",
                batch("xlsx-far-cell-hidden"),
            ),
            ("JSON nested 100 000 deep (validate)", ["validate", str(inputs["deep-json"])]),
            ("condition with 20 000-element list (validate)", ["validate", str(inputs["condition-20000"])]),
        ]
        results = [measure(name, cmd, work) for name, cmd in runs]
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)
    width = max(len(str(r["name"])) for r in results)
    print(f"{'input':<{width}}  {'seconds':>7}  {'peak MB':>7}  exit  message")
    ok = True
    for r in results:
        print(f"{r['name']:<{width}}  {r['seconds']:>7.2f}  {r['mb']:>7.0f}  {r['exit']:>4}  {r['message']}")
        if not str(r["name"]).startswith("baseline"):
            ok &= r["exit"] == 1 and float(r["seconds"]) < TARGET_SECONDS and float(r["mb"]) < TARGET_MB  # type: ignore[arg-type]
    print(
        f"\nall hostile inputs refused with exit 1 in < {TARGET_SECONDS:.0f} s and < {TARGET_MB} MB: "
        f"{'yes' if ok else 'NO'}"
    )
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
