"""batch --shard K/N and merge: shards of one batch merged give what one run over all inputs gives."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.batch import BatchResult, CompanyInput, shard_key, shard_of
from hegui_check.batch_outputs import RECORDS

from .conftest import FIXTURES
from .test_batch import ALL, MINI_ARGS, _company


@pytest.fixture
def many(tmp_path: Path) -> Path:
    """Twelve companies (two of them the same firm, one without a name) and an unreadable file."""
    d = tmp_path / "in"
    d.mkdir()
    for n in range(10):
        answers = {
            **ALL,
            "alpha.red": "no" if n % 3 == 0 else "yes",
            "alpha.mid": "partial" if n % 2 else "yes",
            "alpha.text": "希望培训" if n % 4 == 0 else "",
        }
        _company(d / f"c{n:02d}.yaml", f"企业{n:02d}", answers, region="温州" if n % 2 else "上虞")
    _company(
        d / "c10.yaml", "企业03", {**ALL, "alpha.high": "no"}, region="温州"
    )  # the same firm again: later wins
    _company(d / "c11.yaml", "", ALL)  # no name: its key is its source
    (d / "broken.yaml").write_text("answers: [oops\n", encoding="utf-8")
    return d


def _run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli.app, list(args))
    return result.exit_code, result.output


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_two_shards_merged_equal_one_run(many: Path, tmp_path: Path) -> None:
    single, s1, s2, merged = (tmp_path / n for n in ("single", "s1", "s2", "merged"))
    code, _ = _run("batch", str(many), "-o", str(single), "-f", "json", "--jobs", "1", *MINI_ARGS)
    assert code == 1  # broken.yaml and the nameless row
    for k, folder in ((1, s1), (2, s2)):
        code, output = _run(
            "batch", str(many), "-o", str(folder), "-f", "json", "--shard", f"{k}/2", *MINI_ARGS
        )
        assert code in (0, 1), output
        assert "merge" in output and not (folder / "summary.csv").exists()
    parts = [{p.name for p in f.glob("*.json")} for f in (s1, s2)]
    assert parts[0] and parts[1] and not parts[0] & parts[1]  # each company in exactly one shard
    assert parts[0] | parts[1] == {p.name for p in single.glob("*.json") if not p.name.startswith("industry")}
    code, output = _run("merge", str(merged), str(s2), str(s1), *MINI_ARGS)
    assert code == 1, output  # the same errors as the single run
    assert _csv(merged / "summary.csv") == _csv(single / "summary.csv")
    # nothing excluded: "date" is the day of the runs, the same here
    assert json.loads((merged / "industry-report.json").read_text(encoding="utf-8")) == json.loads(
        (single / "industry-report.json").read_text(encoding="utf-8")
    )
    industry = json.loads((merged / "industry-report.json").read_text(encoding="utf-8"))
    assert industry["duplicates"] == 1 and industry["unreadable"] == 1


def test_shard_is_a_stable_hash_of_the_company_key() -> None:
    item = CompanyInput("a.yaml", None, None, company={"uscc": "91330302MA2H8K3L7E"})
    assert shard_key(item) == "uscc:91330302MA2H8K3L7E"
    assert shard_of(shard_key(item), 4) == shard_of("uscc:91330302MA2H8K3L7E", 4)
    assert shard_of("uscc:91330302MA2H8K3L7E", 7) == 4  # sha256: the same on every machine
    assert shard_key(CompanyInput("t.xlsx", 5, None)) == "input:t.xlsx#5"
    assert {shard_of(f"k{n}", 3) for n in range(50)} == {0, 1, 2}


@pytest.mark.parametrize("value", ["0/2", "3/2", "1/0", "a/b", "1", "1/2/3", "-1/2"])
def test_bad_shard_is_a_usage_error_in_chinese(value: str, tmp_path: Path, many: Path) -> None:
    code, output = _run("batch", str(many), "-o", str(tmp_path / "o"), "--shard", value, *MINI_ARGS)
    assert code == 2
    assert "--shard" in output and ("K/N" in output or "分片数" in output)


def test_merge_refuses_a_folder_that_is_not_a_shard(tmp_path: Path) -> None:
    (tmp_path / "plain").mkdir()
    code, output = _run("merge", str(tmp_path / "m"), str(tmp_path / "plain"), *MINI_ARGS)
    assert code == 1
    assert "不是分片输出目录" in output and RECORDS in output


def test_merge_refuses_overlapping_shards(many: Path, tmp_path: Path) -> None:
    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        _run("batch", str(many), "-o", str(folder), "-f", "json", "--shard", "1/2", *MINI_ARGS)
    code, output = _run("merge", str(tmp_path / "m"), str(a), str(b), *MINI_ARGS)
    assert code == 1 and "重叠" in output
    code, output = _run("merge", str(tmp_path / "m"), str(a), str(a), *MINI_ARGS)
    assert code == 1 and "两次" in output


def test_merge_says_which_shards_are_missing(many: Path, tmp_path: Path) -> None:
    _run("batch", str(many), "-o", str(tmp_path / "s1"), "-f", "json", "--shard", "1/3", *MINI_ARGS)
    code, output = _run("merge", str(tmp_path / "m"), str(tmp_path / "s1"), *MINI_ARGS)
    assert "缺少分片 2/3、3/3" in output.replace("\n", "")
    assert (tmp_path / "m" / "summary.csv").exists()


def test_records_keep_input_position_and_industry_share(many: Path, tmp_path: Path) -> None:
    from hegui_check.batch import run_batch
    from hegui_check.questionnaire import load_questionnaire
    from hegui_check.render import Format

    q = load_questionnaire([FIXTURES / "mini"], builtin=False)
    result: BatchResult = run_batch([many], q, tmp_path / "o", [Format.json])
    assert result.positions == list(range(13)) and result.inputs == 13
    broken = next(i for i, r in enumerate(result.records) if r.source.endswith("broken.yaml"))
    assert result.contribution(broken) is None and result.records[broken].status == "无法读取"
    assert all(result.contribution(i) is not None for i in range(13) if i != broken)


def test_a_records_line_gives_back_its_record_and_share_whatever_the_names_hold() -> None:
    """The share is read from the end of a records line without parsing the record before it; names
    that look like the keys of the line do not confuse it, and a line of another layout is parsed whole."""
    from hegui_check.batch import CompanyRecord, line_record, line_share, record_line
    from hegui_check.industry import Contribution

    tricky = 'A, "contribution": {"key": "x"}} 公司'
    record = CompanyRecord(tricky, "a.yaml", None, "已生成", company={"company_name": tricky}, score=80.0)
    share = Contribution(
        key="uscc:1",
        name=tricky,
        uscc="1",
        industry="鞋革",
        region="温州",
        score=80.0,
        light="yellow",
        applicable=["a.b"],
        no=["a.b"],
        needs=[("问题", 'x", "contribution": null}')],
    )
    for made in (share, None):
        line = (record_line(3, record, made) + "\n").encode("utf-8")
        assert line_share(line) == made
        assert line_record(line) == record
    other = json.dumps({"contribution": share.as_dict(), "position": 3, "record": {}}).encode("utf-8")
    assert line_share(other) == share
