"""Hostile and broken input: every failure located, in Chinese, bounded in time and memory, and one bad
input never costs the others."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
import time
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st
from typer.testing import CliRunner

from hegui_check import cli, spreadsheet
from hegui_check.answers import load_answers, parse_answers, save_answers
from hegui_check.batch import MANIFEST, run_batch
from hegui_check.batch_outputs import write_batch_outputs
from hegui_check.cells import safe_cell, safe_text, unguard_text
from hegui_check.compare import compare
from hegui_check.errors import HeguiCheckError
from hegui_check.letterhead import load_letterhead
from hegui_check.limits import MAX_CONDITION_CHARS, MAX_DEPTH, MAX_ROWS, MAX_SHOWN_CHARS
from hegui_check.questionnaire import ConditionError, load_questionnaire, parse_condition
from hegui_check.render import Format, RenderOptions
from hegui_check.spreadsheet import SpreadsheetError, read_table
from hegui_check.terminal import safe_text as terminal_text
from hegui_check.terminal import strip_control
from hegui_check.yamlio import DocumentError, parse_json, parse_yaml

from .conftest import FIXTURES

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
MINI_ARGS = ["--no-builtin", "--questionnaires", str(FIXTURES / "mini")]
GOOD = {"alpha.red": "yes", "alpha.high": "partial", "beta.one": "no"}
FORMULAS = ['=HYPERLINK("http://x","y")', "+1-2", "-3+4", "@SUM(A1)", "\t=1", "\r=1"]

BILLION_LAUGHS = (
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]\n'
    + "".join(f"{c}: &{c} [{','.join(['*' + p] * 9)}]\n" for p, c in zip("abcdefgh", "bcdefghi"))
    + "answers: {alpha.red: *i}\n"
)


def _company(path: Path, name: str, answers: dict | None = None, **company) -> Path:
    raw = {
        "hegui_check": 1,
        "company": {"company_name": name, "industry": "footwear", "employees": 12, **company},
        "assessor": {"date": "2026-11-21"},
        "answers": answers or GOOD,
    }
    save_answers(path, parse_answers(raw, MINI, str(path)), MINI)
    return path


def _run(*args: str):
    result = CliRunner().invoke(cli.app, list(args))
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert "内部错误" not in result.output and "Traceback" not in result.output
    return result


# ---------------------------------------------------------------------------------------------
# the cell guard


@pytest.mark.parametrize("text", FORMULAS)
def test_guard_neutralises_a_leading_formula_character_and_reads_back(text: str) -> None:
    guarded = safe_text(text)
    assert guarded.startswith("'") and unguard_text(guarded) == text.replace(
        "\r", ""
    )  # CR is a control character


def test_guard_keeps_numbers_numbers_and_plain_text_plain() -> None:
    assert safe_cell(-3) == -3 and safe_cell(87.5) == 87.5 and safe_cell(True) is True
    assert safe_cell("温州鞋业") == "温州鞋业" and safe_cell("坏\x01字") == "坏字"
    assert safe_cell("第一行\n第二行\t") == "第一行\n第二行\t"  # line breaks and tabs stay
    assert safe_cell("第一行\n第二行\x07") == "第一行\n第二行"


@given(st.text(max_size=60))
def test_guard_keeps_every_character_but_the_control_ones(text: str) -> None:
    kept = "".join(ch for ch in text if ch in "\n\t" or unicodedata.category(ch)[0] != "C")
    guarded = safe_text(text)
    assert guarded.removeprefix("'") == kept or guarded == kept


def test_summary_csv_and_xlsx_guard_company_names_regions_and_file_names(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for n, evil in enumerate(FORMULAS):
        _company(d / f"c{n}.yaml", f"{evil}公司{n}", region=evil)
    _company(d / "=cmd.yaml", "", region="温州")  # no name: the file name is the company's name
    out = tmp_path / "out"
    result = run_batch([d], MINI, out, [Format.json])
    write_batch_outputs(result, MINI, out, [Format.json], RenderOptions())
    with (out / "summary.csv").open(encoding="utf-8-sig", newline="") as fh:
        rows = list(csv.reader(fh))
    cells = [c for row in rows for c in row]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@", "\t", "\r")]
    assert any(c == '\'=HYPERLINK("http://x","y")公司0' for c in cells)
    score = rows[0].index("总分")
    assert all(float(r[score]) >= 0 for r in rows[1:])  # numbers stay numbers
    ws = openpyxl.load_workbook(out / "summary.xlsx").active
    for row in ws.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, str):
                assert cell.data_type == "s" and not cell.value.startswith(("=", "+", "-", "@", "\t", "\r"))
        assert isinstance(row[rows[0].index("总分")].value, float)


# ---------------------------------------------------------------------------------------------
# duplicate keys, dates, format version


@pytest.mark.parametrize(
    ("text", "lines"),
    [
        (
            "hegui_check: 1\nanswers:\n  alpha.red: yes\ncompany: {company_name: 甲}\nanswers:\n  alpha.high: no\n",
            (2, 5),
        ),
        ("hegui_check: 1\nanswers:\n  alpha.red: yes\n  alpha.high: no\n  alpha.red: no\n", (3, 5)),
        ("answers:\n  alpha.red:\n    answer: yes\n    note: a\n    note: b\n", (4, 5)),
    ],
    ids=["second-answers-block", "id-twice", "nested"],
)
def test_a_duplicate_key_is_an_error_naming_both_lines(
    tmp_path: Path, text: str, lines: tuple[int, int]
) -> None:
    path = tmp_path / "dup.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HeguiCheckError) as info:
        load_answers(path, MINI)
    assert info.value.code == "duplicate-key" and info.value.where == f"{path}:{lines[1]}"
    assert f"第 {lines[1]} 行" in str(info.value) and f"第 {lines[0]} 行" in str(info.value)


def test_a_duplicate_key_in_json_names_both_lines(tmp_path: Path) -> None:
    path = tmp_path / "dup.json"
    path.write_text(
        '{"hegui_check": 1,\n "answers": {"alpha.red": "yes",\n   "alpha.red": "no"}}\n', encoding="utf-8"
    )
    with pytest.raises(HeguiCheckError) as info:
        load_answers(path, MINI)
    assert (
        info.value.code == "duplicate-key" and "第 3 行" in str(info.value) and "第 2 行" in str(info.value)
    )


def test_an_impossible_date_is_a_located_chinese_error_not_a_rejected_file(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "hegui_check: 1\nassessor: {date: 2026-02-30}\nanswers: {alpha.red: 'yes'}\n", encoding="utf-8"
    )
    data = load_answers(path, MINI)
    assert "alpha.red" in data.answers
    [problem] = data.errors
    assert problem.where.endswith(":2") and "2026-02-30" in problem.message and problem.code == "bad-value"


def test_true_is_not_a_format_version(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("hegui_check: true\nanswers: {alpha.red: 'yes'}\n", encoding="utf-8")
    [problem] = load_answers(path, MINI).errors
    assert problem.field == "hegui_check" and problem.where.endswith(":1")


def test_a_file_holding_only_answers_is_warned_about(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("answers:\n", encoding="utf-8")
    data = load_answers(path, MINI)
    assert {p.code for p in data.problems} >= {"missing-version", "empty"}


# ---------------------------------------------------------------------------------------------
# bombs and limits: refused within a second, with the line


def _refused(make, code: str = "limit-exceeded") -> DocumentError:
    start = time.perf_counter()
    with pytest.raises(DocumentError) as info:
        make()
    assert time.perf_counter() - start < 2
    assert info.value.code == code and len(str(info.value)) < 400
    return info.value


def test_yaml_alias_bomb_is_refused_at_once() -> None:
    assert "第" in str(_refused(lambda: parse_yaml(BILLION_LAUGHS)))


def test_repeated_string_aliases_are_refused_at_once() -> None:
    text = (
        "s: &s "
        + "x" * 9000
        + "\nanswers:\n  alpha.text: {note: s, evidence: ["
        + ", ".join(["*s"] * 20000)
        + "]}\n"
    )
    _refused(lambda: parse_yaml(text))


def test_an_alias_to_itself_is_refused() -> None:
    _refused(lambda: parse_yaml("a: &a [1, *a]\n"), "malformed")


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 5000, 100_000])
def test_deep_nesting_is_refused_in_yaml_and_json(depth: int) -> None:
    _refused(lambda: parse_yaml("a: " + "[" * depth + "]" * depth))
    _refused(lambda: parse_json('{"a": ' + "[" * depth + "]" * depth + "}"))


def test_huge_integers_stay_text_and_are_refused_as_values(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        f"hegui_check: 1\ncompany: {{company_name: 甲, employees: {'9' * 5000}}}\nanswers: {{alpha.num: {'9' * 30}}}\n",
        encoding="utf-8",
    )
    data = load_answers(path, MINI)
    assert {p.field for p in data.errors} == {"company.employees", "alpha.num"}
    assert all(len(p.message) < 300 and "过大" in p.message for p in data.errors)
    json_path = tmp_path / "a.json"
    json_path.write_text(
        '{"hegui_check": 1, "company": {"company_name": "甲", "employees": ' + "9" * 5000 + "}}",
        encoding="utf-8",
    )
    assert [p.field for p in load_answers(json_path, MINI).errors] == ["company.employees"]


def test_a_long_company_name_is_refused_as_a_value(tmp_path: Path) -> None:
    path = _company(tmp_path / "a.yaml", "甲")
    path.write_text(
        path.read_text(encoding="utf-8").replace("company_name: 甲", "company_name: " + "长" * 250),
        encoding="utf-8",
    )
    [problem] = load_answers(path, MINI).errors
    assert problem.field == "company.company_name" and "250" in problem.message


def test_a_condition_with_a_huge_list_or_deep_nesting_is_refused_quickly() -> None:
    huge = "industry in [" + ", ".join(f'"v{n}"' for n in range(20_000)) + "]"
    with pytest.raises(ConditionError) as info:
        parse_condition(huge)
    assert info.value.code == "limit-exceeded" and str(MAX_CONDITION_CHARS) in str(info.value)
    for deep in ("not " * 5000 + "x", "(" * 5000 + "x" + ")" * 5000):
        with pytest.raises(ConditionError) as info:
            parse_condition(deep)
        assert info.value.code == "limit-exceeded"
    with pytest.raises(ConditionError):
        parse_condition("x in [" + ", ".join(["1"] * 500) + "]")


def test_a_hostile_condition_in_a_library_gives_short_messages(tmp_path: Path) -> None:
    module = tmp_path / "extra.yaml"
    values = ", ".join(f'"v{n}"' for n in range(150))
    module.write_text(
        "module: extra\ntitle: 附加\nitems:\n  - id: extra.one\n    question: 问题？\n    type: boolean\n"
        f"    when: 'industry in [{values}]'\n",
        encoding="utf-8",
    )
    result = _run("validate", str(module), *MINI_ARGS)
    assert result.exit_code == 1
    assert len(result.output) < 3000 and "另有" in result.output


def _xlsx_sheet(path: Path, rows: int, dimension: str | None) -> Path:
    """A workbook whose one sheet holds ``rows`` rows, written straight into the archive (a zip bomb)."""
    head = (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main">' + (f'<dimension ref="{dimension}"/>' if dimension else "") + "<sheetData>"
    )
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>company_name</t></is></c></row>'
    body = "".join(f'<row r="{n}"><c r="A{n}"><v>{n}</v></c></row>' for n in range(2, rows + 1))
    sheet = head + header + body + "</sheetData></worksheet>"
    wb = openpyxl.Workbook()
    buf = io.BytesIO()
    wb.save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(
                item.filename, sheet if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            )
    return path


@pytest.mark.parametrize("dimension", [True, False], ids=["declared", "undeclared"])
def test_a_zip_bomb_spreadsheet_is_refused_before_loading(tmp_path: Path, dimension: bool) -> None:
    rows = MAX_ROWS + 1000
    path = _xlsx_sheet(tmp_path / "bomb.xlsx", rows, f"A1:A{rows}" if dimension else None)
    start = time.perf_counter()
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, MINI)
    assert time.perf_counter() - start < 3
    assert info.value.code == "limit-exceeded" and "行" in str(info.value)


def _xlsx_with_sheet(path: Path, sheet: str, shared_strings: str | None = None) -> Path:
    """An openpyxl workbook whose first sheet (and shared strings) are replaced by the given XML."""
    buf = io.BytesIO()
    openpyxl.Workbook().save(buf)
    with zipfile.ZipFile(buf) as src, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            data = sheet.encode() if item.filename == "xl/worksheets/sheet1.xml" else src.read(item)
            if shared_strings is not None and item.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    b'<Relationship Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                    b'sharedStrings" Target="sharedStrings.xml" Id="rIdS"/></Relationships>',
                )
            if shared_strings is not None and item.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-'
                    b'officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            dst.writestr(item.filename, data)
        if shared_strings is not None:
            dst.writestr("xl/sharedStrings.xml", shared_strings)
    return path


def _far_cell_sheet(cell: str) -> str:
    return (
        '<?xml version="1.0" encoding="UTF-8"?><worksheet xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>company_name</t></is>'
        f'</c></row><row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c>{cell}</row>'
        "</sheetData></worksheet>"
    )


def _moved(path: Path) -> Path:
    """The workbook with its sheet stored outside xl/worksheets/, where only its relationship points."""
    moved = path.with_name("moved-" + path.name)
    with zipfile.ZipFile(path) as src, zipfile.ZipFile(moved, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            name = "data/hidden.xml" if item.filename == "xl/worksheets/sheet1.xml" else item.filename
            dst.writestr(name, src.read(item).replace(b"/xl/worksheets/sheet1.xml", b"/data/hidden.xml"))
    return moved


FAR_CELLS = {  # id: (the far cell, the sheet moved outside xl/worksheets/, what refuses it)
    "within-limits": ('<c r="BXX100000"><v>1</v></c>', False, ""),
    "past-limits": ('<c r="XFD1048576"><v>1</v></c>', False, "行数超过上限"),
    "past-limits-moved": ('<c r="XFD1048576"><v>1</v></c>', True, "列数超过上限"),
    "second-reference": ('<c r="B2" r="XFD1048576"><v>1</v></c>', False, "无法读取"),  # the last r counts
    "unicode-prefix": (
        '<中:c r="XFD1048576" xmlns:中="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        "<中:v>1</中:v></中:c>",
        False,
        "列数超过上限",
    ),
}


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="address-space limit as Linux applies it")
@pytest.mark.parametrize("case", FAR_CELLS)
def test_a_tiny_sheet_with_one_far_away_cell_is_not_held_in_memory(tmp_path: Path, case: str) -> None:
    """Two cells, A1 and one far away, span a range of up to 17 billion cells: a reader that holds the sheet
    as a grid would need terabytes. Run under a 1 GiB address-space limit, the batch must end normally,
    also when the sheet hides outside xl/worksheets/ or its far cell is written unlike Excel writes one."""
    cell, moved, refused = FAR_CELLS[case]
    path = _xlsx_with_sheet(tmp_path / "far.xlsx", _far_cell_sheet(cell))
    path = _moved(path) if moved else path
    assert path.stat().st_size < 20_000
    limit = "import resource; resource.setrlimit(resource.RLIMIT_AS, (1 << 30, 1 << 30)); "
    code = limit + "from hegui_check.cli import main; main()"
    args = ["batch", str(path), "-o", str(tmp_path / "out"), "-f", "json", *MINI_ARGS]
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=False)
    assert time.perf_counter() - start < 10
    assert proc.returncode == (1 if refused else 0), proc.stderr[-2000:]
    assert refused in proc.stdout + proc.stderr


def _billion_laughs() -> str:
    """A DOCTYPE whose entity lol9 expands to 10**9 "lol"s."""
    entities = ['<!ENTITY lol0 "lol">']
    for n in range(1, 10):
        ref = f"&lol{n - 1};"
        entities.append(f'<!ENTITY lol{n} "{ref * 10}">')
    return "<!DOCTYPE lolz [" + "".join(entities) + "]>"


@pytest.mark.parametrize("streamed", [False, True], ids=["whole", "streamed"])
@pytest.mark.parametrize("where", ["sheet", "shared-strings", "external"])
def test_xml_entities_in_a_workbook_are_never_expanded(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, where: str, streamed: bool
) -> None:
    if streamed:  # the reader for sheets too large to read whole
        monkeypatch.setattr(spreadsheet, "WHOLE_SHEET_CELLS", 0)
    secret = tmp_path / "secret.txt"
    secret.write_text("机密内容", encoding="utf-8")
    head = '<?xml version="1.0" encoding="UTF-8"?>'
    ns = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
    entity = "&lol9;"
    if where == "external":
        head += f'<!DOCTYPE w [<!ENTITY x SYSTEM "{secret.as_uri()}">]>'
        entity = "&x;"
    elif where == "sheet":
        head += _billion_laughs()
    cell = (
        '<c r="A2" t="s"><v>0</v></c>'
        if where == "shared-strings"
        else f'<c r="A2" t="inlineStr"><is><t>{entity}</t></is></c>'
    )
    sheet = (
        f'{head}<worksheet {ns}><sheetData><row r="1"><c r="A1" '
        f't="inlineStr"><is><t>company_name</t></is></c></row><row r="2">{cell}</row></sheetData></worksheet>'
    )
    sst = (
        f"{head}{_billion_laughs()}<sst {ns}><si><t>{entity}</t></si></sst>"
        if where == "shared-strings"
        else None
    )
    path = _xlsx_with_sheet(tmp_path / "entities.xlsx", sheet, sst)
    start = time.perf_counter()
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, MINI)
    assert time.perf_counter() - start < 3
    assert str(info.value).startswith(f"{path}: ") and "机密" not in str(info.value)


# ---------------------------------------------------------------------------------------------
# CSV


def test_an_unclosed_csv_quote_names_the_row_where_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('company_name,alpha.red\n甲,yes\n"乙,no\n丙,yes\n丁,no\n', encoding="utf-8")
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, MINI)
    assert "第 3 行" in str(info.value) and "引号" in str(info.value) and info.value.where == str(path)


def test_a_quote_that_swallows_rows_names_the_row_where_it_opened(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('company_name,alpha.red\n甲,yes\n"乙,no\n丙,yes\n丁",no\n戊,yes\n', encoding="utf-8")
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, MINI)
    assert "第 3 行" in str(info.value) and "第 5 行" in str(info.value)


def test_a_quoted_cell_over_several_lines_is_still_fine(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_text('company_name,alpha.red\n"甲\n分公司",yes\n乙,no\n', encoding="utf-8")
    assert len(read_table(path, MINI).rows) == 2


def test_utf16_with_an_odd_byte_count_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "m.csv"
    path.write_bytes("company_name\talpha.red\n甲\tyes\n".encode("utf-16") + b"\x00")
    with pytest.raises(SpreadsheetError) as info:
        read_table(path, MINI)
    assert "UTF-16" in str(info.value)


# ---------------------------------------------------------------------------------------------
# one bad input never costs the others


def _hostile_inputs(d: Path) -> dict[str, str]:
    """Inputs that once ended a whole batch, each beside good companies: file name -> expected text."""
    (d / "huge-int.yaml").write_text(
        f"hegui_check: 1\ncompany: {{company_name: 大数, employees: {'9' * 400}}}\n", encoding="utf-8"
    )
    (d / "utf16.csv").write_bytes("company_name\talpha.red\n甲\tyes\n".encode("utf-16") + b"\x00")
    _company(d / "markup.yaml", "[/red]标记[bold]公司", {"alpha.red": "yes"})
    (d / "markup-bad.yaml").write_text(
        "hegui_check: 1\ncompany: {company_name: 乙}\nanswers: {alpha.red: '[/red]'}\n", encoding="utf-8"
    )
    (d / "bomb.yaml").write_text(BILLION_LAUGHS, encoding="utf-8")
    (d / "deep.json").write_text('{"answers": ' + "[" * 3000 + "]" * 3000 + "}", encoding="utf-8")
    return {
        "huge-int.yaml": "过大",
        "utf16.csv": "UTF-16",
        "markup-bad.yaml": "[/red]",
        "bomb.yaml": "上限",
        "deep.json": "嵌套",
    }


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_hostile_inputs_each_become_their_own_error_row(tmp_path: Path, jobs: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _company(d / "good1.yaml", "好公司一")
    _company(d / "good2.yaml", "好公司二")
    expected = _hostile_inputs(d)
    out = tmp_path / "out"
    result = _run("batch", str(d), "-o", str(out), "-f", "json,docx", "--jobs", jobs, *MINI_ARGS)
    assert result.exit_code == 1
    for name in ("好公司一", "好公司二", "[_red]标记[bold]公司"):
        assert (out / f"{name}.json").exists() and (out / f"{name}.docx").exists(), name
    with (out / "summary.csv").open(encoding="utf-8-sig") as fh:
        rows = list(csv.DictReader(fh))
    problems = "\n".join(r["问题"] for r in rows)
    for file, text in expected.items():
        if file != "utf16.csv":
            assert any(Path(r["来源文件"]).name == file and text in r["问题"] for r in rows), file
    assert "UTF-16" in result.output and "[/red]" in result.output
    assert "内部错误" not in problems


def test_a_long_company_name_with_docx_is_one_error_row(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _company(d / "good.yaml", "好公司")
    (d / "long.yaml").write_text(
        "hegui_check: 1\ncompany: {company_name: " + "长" * 250 + "}\nanswers: {alpha.red: 'no'}\n",
        encoding="utf-8",
    )
    out = tmp_path / "out"
    result = _run("batch", str(d), "-o", str(out), "-f", "docx", "--jobs", "1", *MINI_ARGS)
    assert result.exit_code == 1 and (out / "好公司.docx").exists() and (out / "summary.csv").exists()
    assert "company.company_name" in result.output


@pytest.mark.parametrize("jobs", [1, 2])
def test_a_write_error_in_one_company_does_not_stop_the_batch(tmp_path: Path, jobs: int) -> None:
    d = tmp_path / "in"
    d.mkdir()
    for n in range(3):
        _company(d / f"c{n}.yaml", f"公司{n}")
    out = tmp_path / "out"
    out.mkdir()
    (out / "公司1.docx").mkdir()  # a folder where the report should go, in a folder the batch owns
    (out / MANIFEST).write_text(json.dumps({"files": ["公司1.docx"]}) + "\n", encoding="utf-8")
    result = run_batch(
        [d], MINI, out, [Format.docx], jobs=jobs, questionnaire_dirs=[FIXTURES / "mini"], builtin=False
    )
    assert result.written == 2
    [failed] = [r for r in result.records if r.has_error]
    assert failed.name == "公司1" and failed.problems[-1].code == "write-failed"
    assert "公司1.docx" in failed.problems[-1].message


# ---------------------------------------------------------------------------------------------
# nothing overwritten or deleted that the batch did not write


def test_batch_never_overwrites_or_deletes_files_it_did_not_write(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _company(d / "a.yaml", "甲公司")
    _company(d / "b.yaml", "乙公司")
    out = tmp_path / "out"
    out.mkdir()
    (out / "甲公司.json").write_text("mine", encoding="utf-8")
    (out / ".notes.txt.abc.tmp").write_text("mine too", encoding="utf-8")
    result = _run("batch", str(d), "-o", str(out), "-f", "json", "--jobs", "1", *MINI_ARGS)
    assert result.exit_code == 1 and "甲公司.json" in result.output
    assert (out / "甲公司.json").read_text(encoding="utf-8") == "mine"
    assert (out / ".notes.txt.abc.tmp").exists() and (out / "乙公司.json").exists()
    again = _run(
        "batch", str(d), "-o", str(out), "-f", "json", "--jobs", "1", *MINI_ARGS
    )  # its own outputs: fine
    assert "summary" not in again.output.split("已存在")[0] or again.exit_code == 1
    assert (out / "甲公司.json").read_text(encoding="utf-8") == "mine"
    forced = _run("batch", str(d), "-o", str(out), "-f", "json", "--jobs", "1", "--force", *MINI_ARGS)
    assert forced.exit_code == 0 and (out / "甲公司.json").read_text(encoding="utf-8") != "mine"


def test_batch_stops_before_replacing_a_summary_it_did_not_write(tmp_path: Path) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _company(d / "a.yaml", "甲公司")
    out = tmp_path / "out"
    out.mkdir()
    (out / "summary.csv").write_text("my own table", encoding="utf-8")
    result = _run("batch", str(d), "-o", str(out), "-f", "json", *MINI_ARGS)
    assert result.exit_code == 1 and "summary.csv" in result.output
    assert (out / "summary.csv").read_text(encoding="utf-8") == "my own table"


@pytest.mark.parametrize("name", ["summary", "industry-report", "SUMMARY", "summary.xlsx"])
def test_a_company_named_like_a_batch_output_keeps_its_own_report(tmp_path: Path, name: str) -> None:
    d = tmp_path / "in"
    d.mkdir()
    _company(d / "a.yaml", name)
    out = tmp_path / "out"
    result = _run("batch", str(d), "-o", str(out), "-f", "json,xlsx", *MINI_ARGS)
    assert result.exit_code == 0, result.output
    reports = [p for p in out.glob("*.json") if p.name != "industry-report.json"]
    assert len(reports) == 1 and json.loads(reports[0].read_text(encoding="utf-8"))["company"]
    assert openpyxl.load_workbook(out / "summary.xlsx").active.title == "汇总"


# ---------------------------------------------------------------------------------------------
# the command line: located Chinese problems, user text printed as written


def test_report_validate_and_diff_locate_hostile_files(tmp_path: Path) -> None:
    deep = tmp_path / "deep.json"
    deep.write_text('{"answers": ' + "[" * 5000 + "]" * 5000 + "}", encoding="utf-8")
    huge = tmp_path / "huge.yaml"
    huge.write_text(
        f"hegui_check: 1\ncompany: {{company_name: 甲, employees: {'9' * 5000}}}\n", encoding="utf-8"
    )
    good = _company(tmp_path / "good.yaml", "甲")
    for args in (
        ["report", str(deep), "-f", "json", "-o", str(tmp_path / "r.json")],
        ["validate", str(deep), str(huge)],
        ["diff", str(good), str(deep), "-f", "json", "-o", str(tmp_path / "d.json")],
    ):
        result = _run(*args, *MINI_ARGS)
        assert result.exit_code == 1 and "deep.json" in result.output and "嵌套层数" in result.output
    result = _run("report", str(huge), "-f", "json", "-o", str(tmp_path / "h.json"), *MINI_ARGS)
    assert result.exit_code == 1 and "huge.yaml:2" in result.output and "过大" in result.output


def test_rich_markup_and_ansi_codes_in_values_print_as_plain_text(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        'hegui_check: 1\ncompany: {company_name: 甲}\nanswers: {alpha.red: "[/red]\\e[2J[bold]x"}\n',
        encoding="utf-8",
    )
    result = _run("report", str(path), "-f", "json", "-o", str(tmp_path / "r.json"), *MINI_ARGS)
    assert result.exit_code == 1 and "[/red][bold]x" in result.output and "\x1b" not in result.output


def test_safe_text_strips_control_characters_and_escapes_markup() -> None:
    assert strip_control("a\x1b[2Jb\x1b]0;title\x07c\x9bd\te\nf\u202eg") == "abcd\te\nfg"
    assert terminal_text("[/red]") == "\\[/red]"


def test_an_unwritable_output_path_is_a_located_error(tmp_path: Path) -> None:
    good = _company(tmp_path / "good.yaml", "甲")
    (tmp_path / "blocker").write_text("a file, not a folder", encoding="utf-8")
    target = tmp_path / "blocker" / "r.json"
    result = _run("report", str(good), "-f", "json", "-o", str(target), *MINI_ARGS)
    assert result.exit_code == 1 and str(target) in result.output and "无法写入" in result.output


def test_unexpected_errors_say_how_to_report_them(monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    def broken() -> None:
        raise RuntimeError("x" * 10_000)

    monkeypatch.setattr(cli, "app", broken)
    monkeypatch.delenv("HEGUI_DEBUG", raising=False)
    with pytest.raises(SystemExit) as info:
        cli.main()
    err = capsys.readouterr().err
    assert info.value.code == 1 and "内部错误" in err and "HEGUI_DEBUG=1" in err and len(err) < 600


# ---------------------------------------------------------------------------------------------
# letterheads


def _png(path: Path) -> Path:
    from PIL import Image

    Image.new("RGB", (4, 4), "blue").save(path)
    return path


def test_a_logo_outside_the_letterhead_folder_is_refused(tmp_path: Path) -> None:
    _png(tmp_path / "secret.png")
    head_dir = tmp_path / "head"
    head_dir.mkdir()
    (head_dir / "link.png").symlink_to(tmp_path / "secret.png")
    for logo in ("../secret.png", "link.png", str(tmp_path / "secret.png")):
        path = head_dir / "lh.yaml"
        path.write_text(f"organization: 商会\nlogo: {logo}\n", encoding="utf-8")
        with pytest.raises(HeguiCheckError) as info:
            load_letterhead(path)
        assert "文件夹" in str(info.value), logo


def test_a_logo_that_cannot_be_decoded_is_an_error(tmp_path: Path) -> None:
    (tmp_path / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\nnot really")
    (tmp_path / "logo.svg").write_text('<!DOCTYPE x [<!ENTITY a "aaaa">]><svg>&a;</svg>', encoding="utf-8")
    (tmp_path / "ext.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/x.png"/></svg>', encoding="utf-8"
    )
    for logo in ("logo.png", "logo.svg", "ext.svg"):
        path = tmp_path / "lh.yaml"
        path.write_text(f"organization: 商会\nlogo: {logo}\n", encoding="utf-8")
        with pytest.raises(HeguiCheckError) as info:
            load_letterhead(path)
        assert "logo" in str(info.value) and info.value.code in ("bad-letterhead", "limit-exceeded")
    _png(tmp_path / "ok.png")
    (tmp_path / "lh.yaml").write_text("organization: 商会\nlogo: ok.png\n", encoding="utf-8")
    assert load_letterhead(tmp_path / "lh.yaml").logo_data_uri().startswith("data:image/png;base64,")


# ---------------------------------------------------------------------------------------------
# problems as data


def test_compare_decides_library_changes_by_code(tmp_path: Path) -> None:
    data = parse_answers({"answers": {"alpha.red": "no"}}, MINI, "a.yaml")
    from hegui_check.answers import Problem

    data.problems.extend(
        [
            Problem("warning", "a.yaml:3", "x", "随便什么措辞", "renamed-id"),
            Problem("warning", "a.yaml:4", "y", "该题已改名（但这是别的问题）", "not-applicable"),
        ]
    )
    changes = compare(MINI, data, data).library_changes
    assert [p.field for p in changes] == ["x"]


def test_problem_messages_never_repeat_unbounded_input(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "hegui_check: 1\nanswers:\n  alpha.red: " + "x" * 9000 + "\n  " + "y" * 1000 + ": 1\n",
        encoding="utf-8",
    )
    problems = load_answers(path, MINI).problems
    assert {p.code for p in problems if p.severity == "error"} == {"bad-value", "unknown-id"}
    assert all(len(str(p)) < 2 * MAX_SHOWN_CHARS + 300 for p in problems)


def test_problems_carry_codes_in_json(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text(
        "hegui_check: 1\ncompany: {company_name: 甲}\nanswers: {alpha.nope: 'yes'}\n", encoding="utf-8"
    )
    out = tmp_path / "r.json"
    _run("report", str(path), "-f", "json", "-o", str(out), *MINI_ARGS)
    problems = json.loads(out.read_text(encoding="utf-8"))["problems"]
    assert problems[0]["code"] == "unknown-id" and problems[0]["where"].endswith(":3")


def test_oversized_file_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "big.yaml"
    with path.open("wb") as fh:
        fh.truncate(6 * 1024 * 1024)
    with pytest.raises(HeguiCheckError) as info:
        load_answers(path, MINI)
    assert info.value.code == "limit-exceeded" and os.fspath(path) in str(info.value)


# ---------------------------------------------------------------------------------------------
# end to end: an association's sheet of 200 members, 20 of them hostile


E2E_ROWS = 200
E2E_COLUMNS = [
    "company_name",
    "industry",
    "employees",
    "region",
    "alpha.red",
    "alpha.high",
    "alpha.mid",
    "alpha.text",
    "beta.one",
]
USER_FORMULAS = ['=HYPERLINK("http://x","点我")', "+86 公司", "-减号公司", "@SUM(A1)"]


def _e2e_row(n: int) -> tuple[list[str], str | None]:
    """Sheet row n (1-based among data rows): its cells, and the column of the limit it breaks, if any."""
    row = [
        f"第{n}号鞋业有限公司",
        "footwear",
        str(n % 90 + 1),
        "浙江省温州市",
        "yes",
        "partial",
        "no",
        "",
        "yes",
    ]
    if n % 7 == 0:  # good companies with names and regions that look like formulas
        row[0] = USER_FORMULAS[n % 4] + str(n)
        row[3] = USER_FORMULAS[(n + 1) % 4]
    if n % 11 == 0:
        row[0] = f"[/red]\x1b[2J第{n}号[bold]公司"
    if n % 10 != 0:
        return row, None
    kind = (n // 10) % 4
    row[0] = USER_FORMULAS[kind] + f"[/red]坏{n}"
    if kind == 0:
        row[2] = "9" * 40  # a huge integer
        return row, "C"
    if kind == 1:
        row[0] = "=" + "长" * 250  # a name far too long for a file name
        return row, "A"
    if kind == 2:
        row[7] = "@" + "x" * 20_000  # one enormous cell
        return row, "H"
    row[4] = "yes" * 4000  # an enormous status value
    return row, "E"


@pytest.fixture(scope="module")
def hostile_sheet(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[int, str]]:
    path = tmp_path_factory.mktemp("sheet") / "members.csv"
    bad: dict[int, str] = {}
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(E2E_COLUMNS)
        for n in range(1, E2E_ROWS + 1):
            row, column = _e2e_row(n)
            writer.writerow(row)
            if column:
                bad[n + 1] = column  # sheet row: the header is row 1
    return path, bad


@pytest.mark.timeout(300)
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_two_hundred_rows_with_twenty_hostile_ones(hostile_sheet, tmp_path: Path, jobs: str) -> None:
    sheet, bad = hostile_sheet
    assert len(bad) == 20
    out = tmp_path / "out"
    result = _run("batch", str(sheet), "-o", str(out), "-f", "json", "--jobs", jobs, *MINI_ARGS)
    assert result.exit_code == 1
    reports = [p for p in out.glob("*.json") if p.name != "industry-report.json"]
    assert len(reports) == E2E_ROWS - 20
    text = (out / "summary.csv").read_text(encoding="utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    assert len(rows) == E2E_ROWS
    errors = {int(r["行号"]): r["问题"] for r in rows if "错误" in r["问题"]}
    assert set(errors) == set(bad)
    for row_number, column in bad.items():
        assert f"第{row_number}行 {column}列" in errors[row_number] and "上限" in errors[row_number]
        assert f"第{row_number}行" in result.output
    cells = [c for r in csv.reader(io.StringIO(text, newline="")) for c in r]
    assert not [c for c in cells if c[:1] in ("=", "+", "-", "@")]
    assert any(c.startswith("'=HYPERLINK") for c in cells)
    assert "[/red]" in result.output and "\x1b" not in result.output


def test_every_limit_is_documented_in_the_readme() -> None:
    from hegui_check import limits

    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    names = [n for n in dir(limits) if n.startswith("MAX_")]
    assert names and [n for n in names if f"`{n}`" not in readme] == []


def test_a_lone_surrogate_escape_in_json_is_a_located_error(tmp_path: Path) -> None:
    path = tmp_path / "a.json"
    path.write_text('{"hegui_check": 1,\n "company": {"company_name": "\\ud800"}}', encoding="utf-8")
    with pytest.raises(HeguiCheckError) as info:
        load_answers(path, MINI)
    assert "第 2 行" in str(info.value) and info.value.code == "bad-value"
