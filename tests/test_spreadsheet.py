"""Spreadsheet answers (SPEC §4 "Spreadsheets"): XLSX and CSV, template or form-export headers."""

from __future__ import annotations

import csv
import datetime as dt
import io
import os
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook
from openpyxl.utils import get_column_letter

from hegui_check.answers import AnswerSet
from hegui_check.errors import AnswersError, HeguiCheckError
from hegui_check.questionnaire import Questionnaire, load_questionnaire
from hegui_check.spreadsheet import SpreadsheetError, is_spreadsheet, read_table
from hegui_check.template import xlsx_template

from .conftest import FIXTURES

ROWS: list[dict[str, Any]] = [
    {"company_name": "甲鞋业有限公司", "uscc": "", "industry": "鞋革", "employees": 45, "sells_online": "是",
     "assessment_date": "2026-11-21", "alpha.red": "符合", "alpha.high": "部分符合", "alpha.mid": "否",
     "alpha.low": "不适用", "alpha.choice": "大部分", "alpha.multi": "措施甲、措施乙", "alpha.num": 12,
     "alpha.gate": "否", "alpha.text": "希望培训", "beta.one": "yes", "pack.glue": "不清楚"},
    {"company_name": "乙商贸", "industry": "retail", "employees": "8", "sells_online": "false",
     "assessment_date": "2026/11/03", "alpha.red": "不符合", "alpha.multi": "a┋none"},
]  # fmt: skip


@pytest.fixture(scope="module")
def mq() -> Questionnaire:
    return load_questionnaire([FIXTURES / "mini"], builtin=False)


def _fill_template(q: Questionnaire, path: Path, rows: list[dict[str, Any]], first_row: int = 3) -> None:
    wb = load_workbook(io.BytesIO(xlsx_template(q)))
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    for n, row in enumerate(rows, first_row):
        for key, value in row.items():
            ws.cell(n, col[key], value)
    wb.save(path)


def _ids(q: Questionnaire) -> list[str]:
    ws = load_workbook(io.BytesIO(xlsx_template(q))).worksheets[0]
    return [c.value for c in ws[1]]


def _essence(a: AnswerSet) -> tuple[Any, ...]:
    return (
        a.company,
        a.facts,
        {k: v.value for k, v in a.answers.items()},
        a.assessor,
        [str(p) for p in a.errors],
    )


def _write_csv(
    path: Path,
    header: list[list[str]],
    rows: list[dict[str, Any]],
    ids: list[str],
    encoding: str,
    delimiter: str = ",",
) -> None:
    buf = io.StringIO()
    writer = csv.writer(buf, delimiter=delimiter, lineterminator="\r\n")
    writer.writerows(header)
    for row in rows:
        writer.writerow(["" if row.get(i) is None else row.get(i) for i in ids])
    path.write_bytes(buf.getvalue().encode(encoding))


def test_filled_template_reads_back_into_answer_sets(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    rows = [{**ROWS[0], "employees": 45.0, "alpha.num": 12.0}, ROWS[1]]  # Excel stores numbers as floats
    _fill_template(mq, path, rows)
    table = read_table(path, mq)
    assert table.source == str(path) and table.warnings == [] and table.header_rows == (1, 2)
    assert [r.row_number for r in table.rows] == [3, 4]
    (n1, a), (n2, b) = table.answer_sets()
    assert (n1, n2) == (3, 4)
    assert a.errors == [] and b.errors == []
    assert a.source == f"{path} 第3行"
    assert a.company == {"company_name": "甲鞋业有限公司", "industry": "footwear", "employees": 45}
    assert type(a.company["employees"]) is int
    assert a.facts == {"sells_online": True}
    assert a.assessor.mode == "association" and a.assessor.date == dt.date(2026, 11, 21)
    assert {k: v.value for k, v in a.answers.items()} == {
        "alpha.red": "yes", "alpha.high": "partial", "alpha.mid": "no", "alpha.low": "na", "alpha.choice": "most",
        "alpha.multi": ["a", "b"], "alpha.num": 12, "alpha.gate": False, "alpha.text": "希望培训",
        "beta.one": "yes", "pack.glue": "unknown",
    }  # fmt: skip
    assert b.company == {"company_name": "乙商贸", "industry": "retail", "employees": 8}
    assert b.facts == {"sells_online": False} and b.assessor.date == dt.date(2026, 11, 3)
    assert b.answers["alpha.multi"].value == ["a", "none"]
    assert table.to_answer_sets()[1].company == b.company


def test_xlsx_date_cells_and_missing_date_fall_back_to_file_date(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "dates.xlsx"
    _fill_template(
        mq,
        path,
        [
            {"company_name": "甲", "assessment_date": dt.datetime(2026, 11, 21)},
            {"company_name": "乙", "assessment_date": "2026年11月5日"},
            {"company_name": "丙"},
        ],
    )
    stamp = dt.datetime(2025, 3, 4, 12).timestamp()
    os.utime(path, (stamp, stamp))
    a, b, c = read_table(path, mq).to_answer_sets()
    assert a.assessor.date == dt.date(2026, 11, 21) and b.assessor.date == dt.date(2026, 11, 5)
    assert (
        c.assessor.date is None
        and c.file_date == dt.date(2025, 3, 4)
        and c.assessment_date == dt.date(2025, 3, 4)
    )


@pytest.mark.parametrize(("encoding", "delimiter", "suffix"), [
    ("utf-8-sig", ",", ".csv"), ("utf-8", ",", ".csv"), ("gb18030", ",", ".csv"), ("utf-8-sig", "\t", ".csv"),
    ("gb18030", "\t", ".tsv"),
])  # fmt: skip
def test_csv_encodings_and_separators_read_like_the_xlsx(
    mq: Questionnaire, tmp_path: Path, encoding: str, delimiter: str, suffix: str
) -> None:
    xlsx = tmp_path / "members.xlsx"
    _fill_template(mq, xlsx, ROWS)
    expected = [_essence(a) for a in read_table(xlsx, mq).to_answer_sets()]
    ids = _ids(mq)
    labels = [c.value for c in load_workbook(xlsx).worksheets[0][2]]
    path = tmp_path / f"members{suffix}"
    _write_csv(path, [ids, labels], ROWS, ids, encoding, delimiter)
    table = read_table(path, mq)
    assert table.warnings == [] and table.header_rows == (1, 2)
    assert [r.row_number for r in table.rows] == [3, 4]
    assert [_essence(a) for a in table.to_answer_sets()] == expected


def test_form_export_with_numbered_labels_gives_one_warning_for_unknown_columns(
    mq: Questionnaire, tmp_path: Path
) -> None:
    header = [
        "序号",
        "提交时间",
        "1. 企业名称",
        "2、行业",
        "Q3、用工人数",
        "4.红线问题是否符合？",
        "（5）高风险问题是否符合？",
        "第6题：有哪些措施？(多选题)",
        "IP地址",
        "是否网上销售",
    ]
    rows = [
        [
            "1",
            "2026/11/20 10:21:33",
            "温州甲公司",
            "鞋革",
            "30",
            "符合",
            "不符合",
            "措施甲┋措施乙",
            "1.2.3.4",
            "是",
        ],
        ["2", "2026/11/20 11:00:00", "", "", "", "", "", "", "", ""],
        ["3", "2026/11/20 11:05:00", "乙公司", "零售", "3", "(跳过)", "部分", "都没有", "5.6.7.8", "否"],
    ]
    wb = Workbook()
    ws = wb.active
    for row in [header, *rows]:
        ws.append(row)
    path = tmp_path / "wjx.xlsx"
    wb.save(path)
    table = read_table(path, mq)
    assert table.header_rows == (1,)
    assert len(table.warnings) == 1
    warning = str(table.warnings[0])
    assert "A列“序号”" in warning and "B列“提交时间”" in warning and "I列“IP地址”" in warning
    assert "企业名称" not in warning
    assert [r.row_number for r in table.rows] == [2, 4]  # the row with only 序号/提交时间 is skipped
    a, b = table.to_answer_sets()
    assert a.errors == [] and b.errors == []
    assert a.company == {"company_name": "温州甲公司", "industry": "footwear", "employees": 30}
    assert a.facts == {"sells_online": True}
    assert {k: v.value for k, v in a.answers.items()} == {
        "alpha.red": "yes",
        "alpha.high": "no",
        "alpha.multi": ["a", "b"],
    }
    assert "alpha.red" not in b.answers and b.answers["alpha.high"].value == "partial"


def test_single_header_of_ids_reads_from_row_two(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "ids.csv"
    path.write_text(
        "company_name,alpha.red,alpha.old_mid,alpha.gone\n甲,符合,部分符合,是\n", encoding="utf-8"
    )
    table = read_table(path, mq)
    assert table.header_rows == (1,)
    ((row, a),) = table.answer_sets()
    assert row == 2 and a.errors == []
    assert {k: v.value for k, v in a.answers.items()} == {"alpha.red": "yes", "alpha.mid": "partial"}
    text = "\n".join(str(w) for w in table.warnings)
    assert "alpha.old_mid 已改名为 alpha.mid" in text and "D列“alpha.gone”（该题已从检查清单中删除）" in text


def test_title_row_above_the_header_is_skipped(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "titled.csv"
    path.write_text(
        "某某商会会员企业合规体检信息表,,\n企业名称,红线问题是否符合？,\n甲,符合,\n", encoding="utf-8"
    )
    ((row, a),) = read_table(path, mq).answer_sets()
    assert row == 3 and a.answers["alpha.red"].value == "yes"


def test_bad_cell_names_file_row_column_and_allowed_values(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "members.xlsx"
    _fill_template(
        mq,
        path,
        [
            {"company_name": "甲", "alpha.red": "符合"},
            {"company_name": "乙", "alpha.high": "还行", "sells_online": "也许", "alpha.choice": "一半"},
        ],
    )
    letter = {i: get_column_letter(n) for n, i in enumerate(_ids(mq), 1)}
    a, b = read_table(path, mq).to_answer_sets()
    assert a.errors == []
    where = {p.field: p for p in b.errors}
    high = where["alpha.high"]
    assert high.where == f"{path} 第4行 {letter['alpha.high']}列（alpha.high）"
    assert "members.xlsx 第4行 J列（alpha.high）" in str(high)
    assert "还行" in high.message and all(
        v in high.message for v in ("符合", "部分符合", "不符合", "不清楚", "不适用")
    )
    assert where["facts.sells_online"].where.endswith(f"第4行 {letter['sells_online']}列（sells_online）")
    assert "全部签订" in where["alpha.choice"].message
    assert b.answers == {}  # the bad answers are dropped, the row is still returned


def test_row_without_company_name_is_returned_with_a_problem(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "noname.xlsx"
    _fill_template(mq, path, [{"alpha.red": "符合"}])
    ((row, a),) = read_table(path, mq).answer_sets()
    assert row == 3 and a.answers["alpha.red"].value == "yes"
    (problem,) = a.errors
    assert problem.field == "company_name" and problem.where == f"{path} 第3行 A列（company_name）"


def test_html_company_name_is_kept_as_text(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "html.xlsx"
    name = '<script>alert("x")</script><b>甲</b>公司'
    _fill_template(mq, path, [{"company_name": name, "alpha.text": "<img src=x onerror=alert(1)>"}])
    ((_row, a),) = read_table(path, mq).answer_sets()
    assert (
        a.company["company_name"] == name and a.answers["alpha.text"].value == "<img src=x onerror=alert(1)>"
    )


def test_empty_rows_are_skipped_and_row_numbers_kept(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "gaps.xlsx"
    _fill_template(mq, path, [{"company_name": "甲"}, {"uscc": "   "}, {}, {"company_name": "乙"}])
    assert [r.row_number for r in read_table(path, mq).rows] == [3, 6]


@pytest.mark.parametrize("suffix", [".xls", ".et", ".XLS"])
def test_xls_and_wps_files_ask_to_save_as_xlsx(mq: Questionnaire, tmp_path: Path, suffix: str) -> None:
    path = tmp_path / f"members{suffix}"
    path.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 100)
    assert is_spreadsheet(path)
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, mq)
    assert isinstance(info.value, HeguiCheckError) and isinstance(info.value, AnswersError)
    assert (
        str(info.value).startswith(f"{path}: ") and ".xlsx" in str(info.value) and "另存为" in str(info.value)
    )


def test_unknown_suffix_is_an_error(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "members.txt"
    path.write_text("company_name\n甲\n", encoding="utf-8")
    assert not is_spreadsheet(path)
    with pytest.raises(SpreadsheetError, match=r"\.xlsx 或 \.csv"):
        read_table(path, mq)


def test_empty_files_and_header_only_files_have_no_rows(mq: Questionnaire, tmp_path: Path) -> None:
    empty_csv = tmp_path / "empty.csv"
    empty_csv.write_bytes(b"")
    bom_only = tmp_path / "bom.csv"
    bom_only.write_bytes(b"\xef\xbb\xbf\r\n\r\n")
    empty_xlsx = tmp_path / "empty.xlsx"
    Workbook().save(empty_xlsx)
    header_only = tmp_path / "template.xlsx"
    header_only.write_bytes(xlsx_template(mq))
    header_csv = tmp_path / "header.csv"
    header_csv.write_text("company_name,alpha.red\n", encoding="utf-8")
    for path in (empty_csv, bom_only, empty_xlsx, header_only, header_csv):
        table = read_table(path, mq)
        assert table.rows == [] and table.to_answer_sets() == []


def test_sheet_without_a_recognisable_header_is_a_clear_error(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "other.csv"
    path.write_text("姓名,电话\n张三,123\n", encoding="utf-8")
    with pytest.raises(SpreadsheetError, match="找不到表头"):
        read_table(path, mq)


@pytest.mark.parametrize("kind", ["random", "zip", "truncated"])
def test_malformed_xlsx_is_a_clear_error(mq: Questionnaire, tmp_path: Path, kind: str) -> None:
    path = tmp_path / "broken.xlsx"
    if kind == "random":
        path.write_bytes(os.urandom(2048))
    elif kind == "zip":
        with zipfile.ZipFile(path, "w") as zf:
            zf.writestr("hello.txt", "not a workbook")
    else:
        path.write_bytes(xlsx_template(mq)[:3000])
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, mq)
    assert str(info.value).startswith(f"{path}: ") and ".xlsx" in str(info.value)
    assert "Traceback" not in str(info.value)


def test_missing_file_is_a_clear_error(mq: Questionnaire, tmp_path: Path) -> None:
    with pytest.raises(SpreadsheetError, match="文件不存在"):
        read_table(tmp_path / "nope.csv", mq)


def test_gb18030_form_export_with_label_header(mq: Questionnaire, tmp_path: Path) -> None:
    path = tmp_path / "export.csv"
    path.write_bytes(
        "序号,企业名称,统一社会信用代码,红线问题是否符合？\r\n1,温州甲鞋业,,不适用\r\n".encode("gb18030")
    )
    table = read_table(path, mq)
    ((row, a),) = table.answer_sets()
    assert row == 2 and a.company == {"company_name": "温州甲鞋业"} and a.answers["alpha.red"].value == "na"
    assert len(table.warnings) == 1 and "A列“序号”" in str(table.warnings[0])
