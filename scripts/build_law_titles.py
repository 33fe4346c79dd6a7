"""Regenerate src/hegui_check/data/laws.json (every text of each citable law, with its dates) from a laws folder.

Usage: python scripts/build_law_titles.py ../shared/laws
(from a checkout: PYTHONPATH=src python scripts/build_law_titles.py ../shared/laws)

Every INDEX.tsv row becomes one entry keyed by its short name (superseded and repealed texts under the
name before their "(…)" note, e.g. 反不正当竞争法-2019; texts not yet in force under theirs, e.g.
商标法-2027; the books of the civil code as one entry, 民法典). Each entry gives the title as cited, a
version line for the report, the text's own date, its in-force-from and in-force-until dates and which
text supersedes which (see hegui_check.lawbook.parse_index for how the INDEX wording is read).
"""

from __future__ import annotations

import csv
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))

from hegui_check.lawbook import parse_index  # noqa: E402


def main(laws_dir: str) -> int:
    index = Path(laws_dir) / "INDEX.tsv"
    with index.open(encoding="utf-8") as fh:
        calendar = parse_index(csv.DictReader(fh, delimiter="\t"))
    out = {short: text.to_json() for short, text in calendar.items()}
    target = ROOT / "src" / "hegui_check" / "data" / "laws.json"
    target.write_text(json.dumps(out, ensure_ascii=False, indent=1, sort_keys=True) + "\n", encoding="utf-8")
    dated = sum(1 for t in calendar.values() if t.in_force_until or t.superseded_by)
    print(f"{len(out)} texts ({dated} superseded, repealed or to be superseded) -> {target}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "../shared/laws"))
