"""Bulk checks over answer files: per-company reports, summary, industry report, errors isolated."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import parse_answers, save_answers
from hegui_check.batch import MANIFEST, assign_names, run_batch, safe_name
from hegui_check.questionnaire import load_questionnaire
from hegui_check.render import Format

from .conftest import FIXTURES, MINI_BEST

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
MINI_ARGS = ["--no-builtin", "--questionnaires", str(FIXTURES / "mini")]
ALL = {**MINI_BEST, "pack.glue": "yes", "alpha.text": ""}


def _company(path: Path, name: str, answers: dict, **company) -> Path:
    raw = {
        "company": {
            "company_name": name,
            "industry": "footwear",
            "employees": 12,
            "region": "温州",
            **company,
        },
        "assessor": {"date": "2026-11-21"},
        "answers": answers,
    }
    save_answers(path, parse_answers(raw, MINI, str(path)), MINI)
    return path


@pytest.fixture
def inputs(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    _company(d / "a.yaml", "瓯江鞋业", ALL)
    _company(d / "b.yaml", "瓯江鞋业", {**ALL, "alpha.red": "no"}, uscc="91330302MA2H8K3L7E")  # same name
    _company(
        d / "c.yaml",
        '<img src="file:///etc/passwd">伞业',
        {**ALL, "alpha.high": "no", "alpha.text": "希望培训"},
        industry="retail",
        region="上虞",
    )
    _company(d / "d.yaml", "../../etc/passwd", {**ALL, "alpha.mid": "partial", "alpha.text": "希望培训"})
    (d / "broken.yaml").write_text("answers: [oops\n", encoding="utf-8")
    (d / "wrong.yaml").write_text(
        "company: {company_name: 错值公司}\nanswers: {alpha.red: maybe}\n", encoding="utf-8"
    )
    return d


def test_batch_writes_reports_summary_and_industry_report(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app, ["batch", str(inputs), "-o", str(out), "-f", "json,md", "--jobs", "1", *MINI_ARGS]
    )
    assert result.exit_code == 1, result.output  # two inputs have errors, the rest is done
    assert "broken.yaml" in result.output and "maybe" in result.output
    names = sorted(p.name for p in out.glob("*.json") if not p.name.startswith("industry"))
    assert len(names) == 5  # six inputs, one unreadable
    assert "瓯江鞋业.json" in names and "瓯江鞋业-8K3L7E.json" in names  # same name: suffix from the USCC
    assert all("/" not in n and ".." not in n.removesuffix(".json") for n in names)
    assert [
        p for p in tmp_path.rglob("*passwd*") if out not in p.parents
    ] == []  # nothing written outside out/
    assert all(p.parent == out for p in out.rglob("*") if p.is_file())
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 6
    broken = next(r for r in rows if r["来源文件"].endswith("broken.yaml"))
    assert broken["状态"] == "无法读取" and "YAML" in broken["问题"]
    wrong = next(r for r in rows if r["来源文件"].endswith("wrong.yaml"))
    assert "maybe" in wrong["问题"] and "alpha.red" in wrong["问题"]
    assert (
        next(r for r in rows if r["统一社会信用代码"] == "91330302MA2H8K3L7E")["红线问题"] == "红线题"
    )  # red-line items by title
    sheet = openpyxl.load_workbook(out / "summary.xlsx").worksheets[0]
    assert sheet.max_row == 7 and sheet.cell(1, 1).value == "企业名称"
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    assert industry["companies"] == 6 and industry["scored"] == 5
    assert sum(industry["lights"].values()) == 5
    assert industry["company_list"] is not None
    assert (out / "industry-report.html").exists()


def test_the_progress_bar_ends_on_the_last_company_however_rarely_it_moves(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(cli, "PROGRESS_INTERVAL_S", 3600.0)  # moved after the first report only
    result = CliRunner().invoke(
        cli.app, ["batch", str(inputs), "-o", str(tmp_path / "out"), "-f", "json", "--jobs", "1", *MINI_ARGS]
    )
    assert result.exit_code == 1, result.output  # two inputs have errors
    assert "5/?" in result.output  # five reports written (one input unreadable): the last state shows all


def test_a_summary_that_cannot_be_written_costs_neither_the_other_nor_the_reports(
    inputs: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Both summaries are written in one pass over the records; when one fails, each is written on its
    own, and only the one that fails is missing (reported with its file name)."""
    from hegui_check.render import summary

    def broken(self: object, row: list) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(summary._XlsxSheet, "add", broken)
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app, ["batch", str(inputs), "-o", str(out), "-f", "json", "--jobs", "1", *MINI_ARGS]
    )
    assert result.exit_code == 1
    assert "summary.xlsx" in result.output and "No space left on device" in result.output
    assert not (out / "summary.xlsx").exists() and not list(out.glob(".summary*.tmp"))
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 6
    assert (out / "industry-report.json").exists() and len(list(out.glob("瓯江鞋业*.json"))) == 2


def test_rerun_skips_up_to_date_companies_and_force_renders_again(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    first = run_batch(
        [inputs], MINI, out, [Format.json], questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert first.written == 5 and first.skipped == 0
    second = run_batch(
        [inputs], MINI, out, [Format.json], questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert second.written == 0 and second.skipped == 5
    _company(inputs / "a.yaml", "瓯江鞋业", {**ALL, "alpha.low": "no"})  # one company's answers change
    third = run_batch(
        [inputs], MINI, out, [Format.json], questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert third.written == 1 and third.skipped == 4
    forced = run_batch(
        [inputs], MINI, out, [Format.json], force=True, questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert forced.written == 5


def test_interrupted_batch_resumes_without_rendering_anything_twice(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    seen: list[str] = []

    def stop_after_two(done: int, total: int, name: str) -> None:
        seen.append(name)
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_batch(
            [inputs],
            MINI,
            out,
            [Format.json],
            progress=stop_after_two,
            questionnaire_dirs=[FIXTURES / "mini"],
            builtin=False,
        )
    assert len(list(out.glob("*.json"))) == 2
    (out / ".瓯江鞋业.json.x1y2.tmp").write_text("half", encoding="utf-8")  # as a kill mid-write leaves it
    rendered: list[str] = []
    result = run_batch(
        [inputs],
        MINI,
        out,
        [Format.json],
        progress=lambda d, t, n: rendered.append(n),
        questionnaire_dirs=[FIXTURES / "mini"],
        builtin=False,
    )
    assert result.skipped == 2 and result.written == 3
    assert set(rendered).isdisjoint(seen)
    lines = (out / MANIFEST).read_text(encoding="utf-8").splitlines()
    assert len(lines) == 5 and len({json.loads(x)["name"] for x in lines}) == 5
    assert not list(out.glob(".*.tmp"))


@pytest.mark.timeout(300)
def test_parallel_pdf_batch(inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    for p in ("broken.yaml", "wrong.yaml", "c.yaml", "d.yaml"):
        (inputs / p).unlink()
    result = run_batch(
        [inputs], MINI, out, [Format.pdf], jobs=2, questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert result.written == 2 and not result.has_errors
    assert all(p.read_bytes().startswith(b"%PDF") for p in out.glob("*.pdf"))


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd", "etc_passwd"),
        ("CON", "企业_CON"),
        ("a<b>:c|d?e*f", "a_b_c_d_e_f"),
        ("", "未命名企业"),
        ("  温州 鞋业\n有限公司  ", "温州 鞋业 有限公司"),
        ("x" * 200, "x" * 60),
        ("..", "未命名企业"),
        ("公司/部门\\分部", "公司_部门_分部"),
    ],
)
def test_safe_name(name: str, expected: str) -> None:
    assert safe_name(name) == expected


def test_industry_summary_rates_and_anonymize(inputs: Path, tmp_path: Path) -> None:
    result = run_batch(
        [inputs], MINI, tmp_path / "o", [Format.json], questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    summary = result.industry.summary(anonymize=True)
    assert summary["company_list"] is None
    assert "瓯江" not in json.dumps(summary, ensure_ascii=False)
    top = {f["id"]: f for f in summary["common_findings"]}
    # b.yaml answers "no"; wrong.yaml's value is invalid, so the item counts as unanswered (待核实)
    assert top["alpha.red"]["failures"] == 2 and top["alpha.red"]["applicable"] == 5
    assert top["alpha.red"]["rate"] == 0.4
    assert {g["name"] for g in summary["by_industry"]} == {
        "鞋革",
        "零售",
        "未填写",
    }  # wrong.yaml has no industry
    assert summary["needs"][0]["answers"] == [{"text": "希望培训", "count": 2}]


def test_names_are_unique_and_stable() -> None:
    class Item:
        def __init__(self, name, row):
            self.answers = type("A", (), {"company": {"company_name": name}})()
            self.source, self.row = "t.xlsx", row

    names = assign_names([Item("甲", 3), Item("甲", 4), Item("乙", 5), Item("甲", 6)])  # type: ignore[list-item]
    assert names == ["甲", "甲-第4行", "乙", "甲-第6行"]


def _cli_batch(inputs: Path, out: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        cli.app, ["batch", str(inputs), "-o", str(out), "-f", "json", "--jobs", "1", *MINI_ARGS, *extra]
    )
    assert result.exit_code == 0, result.output
    return result.output


@pytest.fixture
def clean(inputs: Path) -> Path:
    """The inputs without the unreadable ones: every company gets its reports."""
    for name in ("broken.yaml", "wrong.yaml"):
        (inputs / name).unlink()
    return inputs


BATCH_FILES = (
    "summary.xlsx",
    "summary.csv",
    "industry-report.html",
    "industry-report.json",
    "batch-records.jsonl",
)


def test_rerun_with_nothing_changed_keeps_the_summary_and_industry_report(
    clean: Path, tmp_path: Path
) -> None:
    out = tmp_path / "out"
    first = _cli_batch(clean, out)
    before = {name: (out / name).stat().st_mtime_ns for name in BATCH_FILES}
    again = _cli_batch(clean, out)
    assert {name: (out / name).stat().st_mtime_ns for name in BATCH_FILES} == before  # not written again
    assert "共 4 家企业：新生成 0，已是最新 4，有错误 0" in again.replace("\n", "")
    assert (
        first.splitlines()[-1].split("：")[-1] == again.splitlines()[-1].split("：")[-1]
    )  # the same files named
    assert not list(out.glob(".*.tmp"))


def test_rerun_with_one_changed_file_rebuilds_the_summary(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _cli_batch(clean, out)
    _company(clean / "c.yaml", "新伞业", {**ALL, "alpha.high": "no"}, industry="retail", region="上虞")
    _cli_batch(clean, out)
    names = [row["企业名称"] for row in csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig"))]
    assert "新伞业" in names
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    assert "新伞业" in [c["name"] for c in industry["company_list"]]
    records = (out / "batch-records.jsonl").read_text(encoding="utf-8")
    assert "新伞业" in records and json.loads(records.splitlines()[1])["record"]["status"] == "已是最新"


def test_outputs_are_made_again_when_the_last_run_did_not_finish_them(clean: Path, tmp_path: Path) -> None:
    from hegui_check.batch_outputs import write_records

    out = tmp_path / "out"
    _cli_batch(clean, out)
    _company(clean / "a.yaml", "改名鞋业", ALL)
    # a run killed after writing its records file, before the summary and industry report
    result = run_batch(
        [clean], MINI, out, [Format.json], questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert write_records(result, MINI, out, [Format.json]) is not None
    output = _cli_batch(clean, out)  # nothing changed since: its records are still right, the outputs are not
    assert "新生成 0" in output
    names = [row["企业名称"] for row in csv.DictReader((out / "summary.csv").open(encoding="utf-8-sig"))]
    assert "改名鞋业" in names
    (out / "summary.csv").unlink()  # and an output that is gone is made again
    _cli_batch(clean, out)
    assert (out / "summary.csv").exists()


def test_other_options_make_the_industry_report_again(clean: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    _cli_batch(clean, out)
    head = tmp_path / "head.yaml"
    head.write_text("organization: 温州市鞋革行业协会\n", encoding="utf-8")
    _cli_batch(clean, out, "--letterhead", str(head))
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    assert industry["organization"] == "温州市鞋革行业协会"
    _cli_batch(clean, out, "--letterhead", str(head), "--anonymize")
    assert (out / "industry-report-anonymous.json").exists()


def test_records_of_another_day_are_written_again(clean: Path, tmp_path: Path) -> None:
    import datetime as dt

    from hegui_check.batch_outputs import RECORDS, records_unchanged

    out = tmp_path / "out"
    _cli_batch(clean, out)
    header = json.loads((out / RECORDS).read_text(encoding="utf-8").splitlines()[0])
    result = run_batch(
        [clean], MINI, out, [Format.json], questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert result.unchanged and result.records_id == header["id"]
    yesterday = {**header, "date": (dt.date.today() - dt.timedelta(days=1)).isoformat()}
    assert not records_unchanged(yesterday, result, [Format.json])
    assert not records_unchanged({k: v for k, v in header.items() if k != "id"}, result, [Format.json])
