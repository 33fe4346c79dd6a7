"""An association's campaign: the template spreadsheet filled with 200 members, as XLSX and GB18030 CSV."""

from __future__ import annotations

import csv
import io
import random
from pathlib import Path

import openpyxl
import pytest
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import uscc_with_check
from hegui_check.template import FIRST_DATA_ROW, template_columns, xlsx_template

N = 200
BAD_VALUE_ROW, BAD_NUMBER_ROW, HTML_ROW, TWIN_ROWS = 10, 20, 40, (50, 51)


def _value(column, rng: random.Random, n: int):
    if column.id == "company_name":
        return f"温州第{n}号鞋业有限公司"
    if column.id == "uscc":
        return uscc_with_check(f"9133030{n:03d}MA2H8K3L"[:17])
    if column.id == "industry":
        return rng.choice(["鞋革（制鞋、皮革、鞋材）", "伞业（雨伞、遮阳伞及配件）", "批发零售、电商"])
    if column.id == "region":
        return rng.choice(["浙江省温州市鹿城区", "浙江省绍兴市上虞区"])
    if column.kind == "number":
        return rng.randint(1, 120)
    if column.kind == "date":
        return "2026-11-21"
    if column.kind == "text":
        return rng.choice(["", "希望组织用工培训", "需要合同范本"])
    if column.kind == "multi":
        return ""
    return rng.choice(column.choices) if column.choices else ""


@pytest.fixture(scope="module")
def members(tmp_path_factory: pytest.TempPathFactory, q) -> tuple[Path, Path]:
    """The XLSX template filled with N companies, and the same sheet as a GB18030 CSV."""
    d = tmp_path_factory.mktemp("members")
    wb = openpyxl.load_workbook(io.BytesIO(xlsx_template(q)))
    ws = wb.worksheets[0]
    columns = template_columns(q)
    rng = random.Random(2026)
    for n in range(1, N + 1):
        row = FIRST_DATA_ROW + n - 1
        values = {c.id: _value(c, rng, n) for c in columns}
        if n == BAD_VALUE_ROW:
            values["labor.written_contract"] = "差不多"
        if n == BAD_NUMBER_ROW:
            values["employees"] = "很多"
        if n == HTML_ROW:
            values["company_name"] = '<img src="file:///etc/passwd">伞业'
        if n in TWIN_ROWS:
            values["company_name"] = "瓯江同名鞋业有限公司"
        for i, c in enumerate(columns, start=1):
            ws.cell(row=row, column=i, value=values[c.id])
    xlsx = d / "members.xlsx"
    wb.save(xlsx)
    rows = [[c.id for c in columns], [c.label for c in columns]]
    for r in ws.iter_rows(min_row=FIRST_DATA_ROW, max_row=FIRST_DATA_ROW + N - 1, values_only=True):
        rows.append(["" if v is None else str(v) for v in r[: len(columns)]])
    gb = d / "members-gb18030.csv"
    with gb.open("w", encoding="gb18030", newline="") as fh:
        csv.writer(fh).writerows(rows)
    return xlsx, gb


@pytest.mark.timeout(600)
@pytest.mark.parametrize("which", [0, 1], ids=["xlsx", "gb18030-csv"])
def test_two_hundred_members_give_two_hundred_summary_rows(members, tmp_path: Path, which: int) -> None:
    source = members[which]
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.app, ["batch", str(source), "-o", str(out), "-f", "json", "--jobs", "1"])
    assert "Traceback" not in result.output
    assert result.exit_code == 1  # some rows have errors; all others are done
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == N
    by_row = {int(r["行号"]): r for r in rows}
    first = FIRST_DATA_ROW - 1
    bad = by_row[first + BAD_VALUE_ROW]
    assert f"第{first + BAD_VALUE_ROW}行" in bad["问题"] and "labor.written_contract" in bad["问题"]
    assert "差不多" in bad["问题"] and "符合" in bad["问题"]
    assert "很多" in by_row[first + BAD_NUMBER_ROW]["问题"]
    errors = [r for r in rows if "错误" in r["问题"]]
    assert len(errors) == 2
    reports = {p.name for p in out.glob("*.json") if not p.name.startswith("industry")}
    assert len(reports) == N  # every row, including the twins, got its own report
    assert "瓯江同名鞋业有限公司.json" in reports and any(
        n.startswith("瓯江同名鞋业有限公司-") for n in reports
    )
    assert all("/" not in n and not n.startswith(".") for n in reports)
    assert all(p.parent == out for p in out.iterdir())
    html_row = by_row[first + HTML_ROW]
    assert html_row["企业名称"] == '<img src="file:///etc/passwd">伞业'
    assert "第" in result.output and "差不多" in result.output  # the problems are listed at the end


@pytest.mark.timeout(600)
def test_pdf_reports_for_a_few_member_rows(members, tmp_path: Path) -> None:
    xlsx = members[0]
    wb = openpyxl.load_workbook(xlsx)
    ws = wb.worksheets[0]
    ws.delete_rows(FIRST_DATA_ROW + 3, ws.max_row)  # keep three companies
    small = tmp_path / "three.xlsx"
    wb.save(small)
    out = tmp_path / "out"
    result = CliRunner().invoke(cli.app, ["batch", str(small), "-o", str(out), "--jobs", "2"])
    assert result.exit_code == 0, result.output
    pdfs = [p for p in out.glob("*.pdf") if not p.name.startswith("industry")]
    assert len(pdfs) == 3 and all(p.read_bytes().startswith(b"%PDF") for p in pdfs)
    assert (out / "industry-report.pdf").exists() and (out / "summary.xlsx").exists()
