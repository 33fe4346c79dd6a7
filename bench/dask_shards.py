#!/usr/bin/env python3
"""Run one `hegui-check batch` over many companies as N shards on a Dask cluster, then merge them
(docs/scale.md). Needs the optional extra: pip install 'hegui-check[scale]'.

    python bench/dask_shards.py INPUT... -o OUT --shards N [--scheduler tcp://HOST:8786] [-- BATCH OPTIONS]

Every worker must see the inputs and OUT at the same paths (a shared file system) and have
hegui-check installed. Shard K writes OUT/shards/K-of-N/; the merge writes summary.xlsx/csv and the
industry report into OUT. Without --scheduler a LocalCluster on this machine is used.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any


def shard_dir(out: Path, k: int, n: int) -> Path:
    return out / "shards" / f"{k}-of-{n}"


def run_shard(inputs: Sequence[str], out: str, k: int, n: int, options: Sequence[str]) -> dict[str, Any]:
    """One shard, as a subprocess of the worker: the batch's own process isolation and exit codes."""
    folder = shard_dir(Path(out), k, n)
    cmd = [
        sys.executable,
        "-m",
        "hegui_check",
        "batch",
        *inputs,
        "-o",
        str(folder),
        "--shard",
        f"{k}/{n}",
        *options,
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    # exit 1 = some companies have errors (listed in the summary); anything else is a failed shard
    return {"shard": k, "folder": str(folder), "exit": proc.returncode, "stderr": proc.stderr[-2000:]}


def run(
    client: Any,
    inputs: Sequence[str],
    out: Path,
    n: int,
    options: Sequence[str] = (),
    merge_options: Sequence[str] = (),
) -> tuple[int, list[dict[str, Any]]]:
    """Map the N shards over the cluster, wait for all, then merge on this machine.
    Returns (exit code of the merge, one dict per shard)."""
    futures = [
        client.submit(
            run_shard, list(inputs), str(out), k, n, list(options), pure=False, key=f"shard-{k}-of-{n}"
        )
        for k in range(1, n + 1)
    ]
    shards = client.gather(futures)
    failed = [s for s in shards if s["exit"] not in (0, 1)]
    if failed:
        for s in failed:
            print(f"分片 {s['shard']}/{n} 失败（退出码 {s['exit']}）：{s['stderr']}", file=sys.stderr)
        return 2, shards
    cmd = [
        sys.executable,
        "-m",
        "hegui_check",
        "merge",
        str(out),
        *(s["folder"] for s in shards),
        *merge_options,
    ]
    return subprocess.run(cmd).returncode, shards


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("inputs", nargs="+")
    parser.add_argument("-o", "--output", type=Path, required=True)
    parser.add_argument("--shards", type=int, required=True)
    parser.add_argument("--scheduler", help="address of a running Dask scheduler (default: a LocalCluster)")
    parser.add_argument("--workers", type=int, default=2, help="LocalCluster workers (without --scheduler)")
    args, batch_options = parser.parse_known_args(argv)
    batch_options = [o for o in batch_options if o != "--"]
    from dask.distributed import Client, LocalCluster

    if args.scheduler:
        client = Client(args.scheduler)
    else:
        client = Client(LocalCluster(n_workers=args.workers, threads_per_worker=1))
    with client:
        code, _ = run(client, args.inputs, args.output, args.shards, batch_options)
    return code


if __name__ == "__main__":
    sys.exit(main())
