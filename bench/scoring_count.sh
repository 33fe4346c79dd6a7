#!/usr/bin/env bash
# Instructions per company of `hegui-check batch --format json --jobs 1`, counted under valgrind (they do not
# drift as wall and CPU times do on a virtual machine). Not a unit test; see bench/README.md.
#
#   bash bench/scoring_count.sh [N]        # N synthetic companies (default 1000), seed of bench/batch.py
#   SRC=/path/to/other/checkout/src bash bench/scoring_count.sh    # count another version on the same files
#
# Runs the batch on 1 company and on N (each into an empty folder) and prints both totals and
# (total(N) - total(1)) / (N - 1): the instructions one more company costs, the fixed cost excluded.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
n="${1:-1000}"
src="${SRC:-$here/src}"
python="$here/.venv/bin/python"
command -v valgrind >/dev/null || { echo "scoring_count: valgrind is not installed" >&2; exit 1; }
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
"$python" "$here/bench/batch.py" --generate "$n" "$work/all" >/dev/null
mkdir "$work/in-1" "$work/in-n"
files=("$work"/all/answers-*.yaml)
cp "${files[0]}" "$work/in-1/"
cp "${files[@]:0:$n}" "$work/in-n/"
count() {
    PYTHONPATH="$src" valgrind --tool=callgrind --callgrind-out-file="$work/cg.$1" \
        "$python" -m hegui_check batch "$work/in-$1" -o "$work/out-$1" -f json -j 1 >/dev/null 2>"$work/err.$1" \
        || { tail -5 "$work/err.$1" >&2; exit 1; }
    awk '/^(summary|totals):/ {print $2; exit}' "$work/cg.$1"
}
one="$(count 1)"
many="$(count n)"
"$python" -c "
one, many, n = $one, $many, $n
print(f'batch of 1: {one / 1e9:.3f} G instructions; of {n}: {many / 1e9:.3f} G;'
      f' per company, the fixed cost excluded: {(many - one) / (n - 1) / 1e6:.2f} M')"
