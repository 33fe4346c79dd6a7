"""The Dask recipe of docs/scale.md (bench/dask_shards.py) on a LocalCluster of two workers."""

from __future__ import annotations

import csv
import importlib.util
import json
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui_check import cli

from .test_batch import MINI_ARGS
from .test_shards import many  # noqa: F401 - the fixture

pytest.importorskip(
    "distributed", reason="dask[distributed] 未安装：pip install -e '.[scale]' 后运行（可选功能）"
)

ROOT = Path(__file__).resolve().parent.parent


def _recipe():  # type: ignore[no-untyped-def]
    spec = importlib.util.spec_from_file_location("dask_shards", ROOT / "bench" / "dask_shards.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


@pytest.mark.timeout(300)
def test_dask_shards_on_a_local_cluster_equal_one_run(many: Path, tmp_path: Path) -> None:  # noqa: F811
    from dask.distributed import Client, LocalCluster

    single, out = tmp_path / "single", tmp_path / "dask"
    CliRunner().invoke(cli.app, ["batch", str(many), "-o", str(single), "-f", "json", *MINI_ARGS])
    recipe = _recipe()
    with (
        LocalCluster(n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None) as cluster,
        Client(cluster) as client,
    ):
        code, shards = recipe.run(client, [str(many)], out, 3, ["-f", "json", *MINI_ARGS], MINI_ARGS)
    assert [s["exit"] for s in shards] and all(s["exit"] in (0, 1) for s in shards), shards
    assert code == 1  # the same companies with errors as one run
    assert _rows(out / "summary.csv") == _rows(single / "summary.csv")
    assert json.loads((out / "industry-report.json").read_text(encoding="utf-8")) == json.loads(
        (single / "industry-report.json").read_text(encoding="utf-8")
    )
