"""Regenerate src/hegui_check/data/laws.json (full titles and versions of citable laws) from a laws folder.

Usage: python scripts/build_law_titles.py ../shared/laws
Only current texts are listed (INDEX rows whose short name carries no "(superseded …)" note).
"""

from __future__ import annotations

import csv
import json
import re
import sys
from pathlib import Path

DATE = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def _cn_date(m: re.Match[str]) -> str:
    return f"{int(m.group(1))}年{int(m.group(2))}月{int(m.group(3))}日"


def describe(revision: str) -> str:
    dates = DATE.findall(revision)
    first = DATE.search(revision)
    text = _cn_date(first) if first else revision
    in_force = re.search(r"in force (\d{4}-\d{2}-\d{2})", revision)
    if in_force and in_force.group(1) != (first.group(0) if first else ""):
        text += f"版本，{_cn_date(DATE.search(in_force.group(1)))}起施行"  # type: ignore[arg-type]
    else:
        text += "版本"
    return text if dates else revision


def main(laws_dir: str) -> int:
    index = Path(laws_dir) / "INDEX.tsv"
    out: dict[str, dict[str, str]] = {}
    with index.open(encoding="utf-8") as fh:
        for row in csv.DictReader(fh, delimiter="\t"):
            short = row["short_name"].strip()
            if "(" in short:
                continue
            title = row["full_title"].strip()
            if short.startswith("民法典"):
                out["民法典"] = {"title": "中华人民共和国民法典", "version": "2020年5月28日通过，2021年1月1日起施行"}
                continue
            out[short] = {"title": title, "version": describe(row["revision_or_effective_date"])}
    target = Path(__file__).resolve().parent.parent / "src" / "hegui_check" / "data" / "laws.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    print(f"{len(out)} laws -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "../shared/laws"))
