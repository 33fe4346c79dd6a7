"""The XLSX reader: every kind of cell that Excel, WPS and openpyxl write reads into the same Table, whether
the sheet is read whole (calamine) or streamed (openpyxl, for sheets too large or unusual to read whole)."""

from __future__ import annotations

import datetime as dt
import io
import re
import zipfile
from pathlib import Path
from typing import Any

import pytest
from openpyxl import load_workbook
from openpyxl.utils import get_column_letter

from hegui_check import spreadsheet
from hegui_check.cells import put
from hegui_check.questionnaire import Questionnaire, load_questionnaire
from hegui_check.spreadsheet import SpreadsheetError, Table, TableRow, read_table
from hegui_check.template import xlsx_template

from .conftest import FIXTURES

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml"
# cellXfs: 0 General, 1 builtin 14 (date), 2 yyyy"年"m"月"d"日", 3 builtin 22 (date and time), 4 yyyy/m/d as
# WPS writes it, 5 "@" (text), 6 0% (a number, not a date)
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><numFmts count="2">'
    '<numFmt numFmtId="176" formatCode="yyyy&quot;年&quot;m&quot;月&quot;d&quot;日&quot;"/>'
    '<numFmt numFmtId="177" formatCode="yyyy/m/d"/></numFmts>'
    '<fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills><borders count="1"><border/></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="7">'
    '<xf numFmtId="0"/><xf numFmtId="14" applyNumberFormat="1"/><xf numFmtId="176" applyNumberFormat="1"/>'
    '<xf numFmtId="22" applyNumberFormat="1"/><xf numFmtId="177" applyNumberFormat="1"/>'
    '<xf numFmtId="49" applyNumberFormat="1"/><xf numFmtId="9" applyNumberFormat="1"/></cellXfs>'
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>'
)
DATE_SERIAL = 46347  # 2026-11-21


@pytest.fixture(scope="module")
def mq() -> Questionnaire:
    return load_questionnaire([FIXTURES / "mini"], builtin=False)


class Sheet:
    """A worksheet written by hand, cell by cell, the way a given program writes it."""

    def __init__(self, shared: bool) -> None:
        self.shared = shared
        self.index: dict[str, int] = {}
        self.items: list[str] = []  # <si> of the shared-strings table, in order
        self.rows: list[str] = []

    def shared_index(self, value: str, item: str | None = None) -> int:
        if value not in self.index:
            self.index[value] = len(self.items)
            self.items.append(item or f'<si><t xml:space="preserve">{_escape(value)}</t></si>')
        return self.index[value]

    def text(self, ref: str, value: str, style: int | None = None) -> str:
        s = f' s="{style}"' if style is not None else ""
        if self.shared:
            return f'<c r="{ref}"{s} t="s"><v>{self.shared_index(value)}</v></c>'
        return f'<c r="{ref}"{s} t="inlineStr"><is><t xml:space="preserve">{_escape(value)}</t></is></c>'

    def row(self, number: int, *cells: str, attrs: str = "") -> None:
        self.rows.append(f'<row r="{number}"{attrs}>{"".join(cells)}</row>')

    def texts(self, number: int, *values: str) -> None:
        """A row of text cells from column A."""
        self.row(number, *(self.text(f"{_letter(i)}{number}", v) for i, v in enumerate(values)))

    def shared_strings(self) -> str:
        return f'<sst xmlns="{MAIN}" count="{len(self.items)}" uniqueCount="{len(self.items)}">{"".join(self.items)}</sst>'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;")


def _letter(index: int) -> str:
    return get_column_letter(index + 1)


def num(ref: str, value: float | int, style: int | None = None) -> str:
    s = f' s="{style}"' if style is not None else ""
    return f'<c r="{ref}"{s}><v>{value}</v></c>'


def package(path: Path, sheet_xml: str, shared: str | None = None, styles: str = STYLES) -> Path:
    """A minimal workbook as Excel lays it out, around one sheet's XML."""
    sst_rel = (
        f'<Relationship Id="rId3" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>' if shared else ""
    )
    sst_type = (
        f'<Override PartName="/xl/sharedStrings.xml" ContentType="{SHEET_TYPE}.sharedStrings+xml"/>'
        if shared
        else ""
    )
    parts = {
        "[Content_Types].xml": (
            '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            f'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            f'<Override PartName="/xl/workbook.xml" ContentType="{SHEET_TYPE}.sheet.main+xml"/>'
            f'<Override PartName="/xl/worksheets/sheet1.xml" ContentType="{SHEET_TYPE}.worksheet+xml"/>'
            f'<Override PartName="/xl/styles.xml" ContentType="{SHEET_TYPE}.styles+xml"/>{sst_type}</Types>'
        ),
        "_rels/.rels": (
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/officeDocument" '
            'Target="xl/workbook.xml"/></Relationships>'
        ),
        "xl/workbook.xml": (
            f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><sheets>'
            '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>'
        ),
        "xl/_rels/workbook.xml.rels": (
            f'<Relationships xmlns="{PKG_REL}"><Relationship Id="rId1" Type="{REL}/worksheet" '
            f'Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="{REL}/styles" '
            f'Target="styles.xml"/>{sst_rel}</Relationships>'
        ),
        "xl/styles.xml": styles,
        "xl/worksheets/sheet1.xml": sheet_xml,
    }
    if shared:
        parts["xl/sharedStrings.xml"] = shared
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, text in parts.items():
            z.writestr(name, '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n' + text)
    return path


def save(path: Path, sheet: Sheet, tail: str = "", styles: str = STYLES) -> Path:
    xml = f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}"><sheetData>{"".join(sheet.rows)}</sheetData>{tail}</worksheet>'
    return package(path, xml, sheet.shared_strings() if sheet.shared else None, styles)


READERS = {"whole": "_whole_sheet_rows", "streamed": "_streamed_rows"}


def read(path: Path, q: Questionnaire, how: str, monkeypatch: pytest.MonkeyPatch) -> Table:
    """read_table with the sheet read "whole" or "streamed", checking that this reader is the one that ran."""
    ran: list[str] = []
    with monkeypatch.context() as m:
        for name, function in READERS.items():
            real = getattr(spreadsheet, function)

            def spy(p: Path, real: Any = real, name: str = name) -> Any:
                ran.append(name)
                return real(p)

            m.setattr(spreadsheet, function, spy)
        if how == "streamed":
            m.setattr(spreadsheet, "WHOLE_SHEET_CELLS", 0)
        table = read_table(path, q)
    assert ran == [how]
    return table


def essence(table: Table) -> tuple[Any, ...]:
    return (table.key_columns, table.rows, [str(w) for w in table.warnings], table.header_rows)


IDS = ["company_name", "employees", "sells_online", "assessment_date", "alpha.red", "alpha.multi", "alpha.num", "alpha.text"]  # fmt: skip
EXPECTED_ROWS = [
    TableRow(2, {0: "甲鞋业有限公司", 1: 45, 2: "是", 3: dt.date(2026, 11, 21), 4: "符合", 5: "措施甲、措施乙", 6: 12.5, 7: "希望培训"}),
    TableRow(3, {0: "乙商贸", 1: "8", 2: "否", 3: "2026/11/03", 4: "不符合", 6: 0}),
]  # fmt: skip


def _members(sheet: Sheet) -> Sheet:
    sheet.texts(1, *IDS)
    sheet.row(
        2,
        sheet.text("A2", "甲鞋业有限公司"),
        num("B2", 45),
        sheet.text("C2", "是"),
        num("D2", DATE_SERIAL, style=1),
        sheet.text("E2", "符合"),
        sheet.text("F2", "措施甲、措施乙"),
        num("G2", 12.5),
        sheet.text("H2", "  希望培训 "),
    )
    sheet.row(
        3,
        sheet.text("A3", "乙商贸"),
        sheet.text("B3", "8", style=5),  # a number stored as text
        sheet.text("C3", "否"),
        sheet.text("D3", "2026/11/03"),
        sheet.text("E3", "不符合"),
        num("G3", 0),
    )
    return sheet


@pytest.mark.parametrize("how", ["whole", "streamed"])
@pytest.mark.parametrize("shared", [True, False], ids=["shared-strings", "inline-strings"])
def test_shared_and_inline_strings_give_the_same_table(
    mq: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, shared: bool, how: str
) -> None:
    path = save(tmp_path / "m.xlsx", _members(Sheet(shared)))
    table = read(path, mq, how, monkeypatch)
    assert table.rows == EXPECTED_ROWS
    assert [c.key for c in table.columns] == IDS and table.header_rows == (1,) and table.warnings == []
    (_n, a), (_m, b) = table.answer_sets()
    assert a.errors == [] and b.errors == []
    assert a.assessor.date == dt.date(2026, 11, 21) and b.assessor.date == dt.date(2026, 11, 3)
    assert a.company["employees"] == 45 and b.company["employees"] == 8 and b.answers["alpha.num"].value == 0


@pytest.mark.parametrize("how", ["whole", "streamed"])
def test_every_kind_of_cell_reads_as_before(
    mq: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    sheet = Sheet(shared=True)
    sheet.texts(
        1, "company_name", "assessment_date", "alpha.text", "alpha.num", "sells_online", "alpha.gate", "uscc"
    )
    rich = sheet.shared_index(
        "富文本", '<si><r><t>富</t></r><r><rPr><b/></rPr><t xml:space="preserve">文本 </t></r></si>'
    )
    cells = [
        ("甲", num("B2", DATE_SERIAL, 2), '<c r="C2" t="str"><f>A2&amp;"x"</f><v>公式结果</v></c>'),
        ("乙", num("B3", DATE_SERIAL + 0.4375, 3), f'<c r="C3" t="s"><v>{rich}</v></c>'),
        ("丙", '<c r="B4" t="d"><v>2026-11-21T00:00:00</v></c>', num("C4", 0.25, 6)),
        ("丁", sheet.text("B5", "2026年11月5日"), sheet.text("C5", "'=1+1")),
    ]
    for n, (name, date, text) in enumerate(cells, 2):
        flags = [f'<c r="E{n}" t="b"><v>1</v></c>', f'<c r="F{n}" t="b"><v>0</v></c>']
        sheet.row(n, sheet.text(f"A{n}", name), date, text, num(f"D{n}", 3), *flags)
    sheet.row(6, sheet.text("A6", "戊"), num("D6", 1e3), sheet.text("G6", "913303001234567890", style=5))
    table = read(save(tmp_path / "kinds.xlsx", sheet), mq, how, monkeypatch)
    assert [r.values for r in table.rows] == [
        {0: "甲", 1: dt.date(2026, 11, 21), 2: "公式结果", 3: 3, 4: True, 5: False},
        {0: "乙", 1: "2026-11-21 10:30:00", 2: "富文本", 3: 3, 4: True, 5: False},
        {0: "丙", 1: dt.date(2026, 11, 21), 2: 0.25, 3: 3, 4: True, 5: False},
        {0: "丁", 1: "2026年11月5日", 2: "=1+1", 3: 3, 4: True, 5: False},
        {0: "戊", 3: 1000, 6: "913303001234567890"},
    ]


@pytest.mark.parametrize("how", ["whole", "streamed"])
def test_sparse_rows_blank_rows_and_merged_cells(
    mq: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    sheet = Sheet(shared=False)
    # row 1 absent; a title over B2:E2, merged; a header of labels without one for D
    sheet.row(2, sheet.text("B2", "某某商会会员企业合规体检信息表"))
    header = [
        sheet.text("B3", "企业名称"),
        sheet.text("C3", "红线问题是否符合？"),
        sheet.text("E3", "alpha.num"),
    ]
    sheet.row(3, *header)
    sheet.row(4, sheet.text("B4", "甲"), sheet.text("E4", "很多"))  # C4, D4 missing
    sheet.row(5, '<c r="B5" s="1"/><c r="C5" s="1"/>', attrs=' spans="2:3" customFormat="1"')
    sheet.row(6, sheet.text("B6", "   "), sheet.text("C6", "（跳过）"))  # only blank answers
    sheet.row(9, sheet.text("C9", "符合"), num("E9", 7))  # rows 7 and 8 absent, no name
    path = save(
        tmp_path / "sparse.xlsx", sheet, tail='<mergeCells count="1"><mergeCell ref="B2:E2"/></mergeCells>'
    )
    table = read(path, mq, how, monkeypatch)
    assert table.header_rows == (3,)
    assert [(c.letter, c.key) for c in table.key_columns] == [
        ("B", "company_name"),
        ("C", "alpha.red"),
        ("E", "alpha.num"),
    ]
    assert table.rows == [TableRow(4, {1: "甲", 4: "很多"}), TableRow(9, {2: "符合", 4: 7})]
    (_n, a), (_m, b) = table.answer_sets()
    assert [p.where for p in a.errors] == [f"{path} 第4行 E列（alpha.num）"]
    assert [p.where for p in b.errors] == [f"{path} 第9行 B列（company_name）"]


def wps_sheet() -> tuple[str, str]:
    """A sheet as WPS 表格 saves it: shared strings, a style on every cell, spans, x14ac and etc namespaces,
    a title row merged across the top, dates as yyyy/m/d, a blank formatted row at the end."""
    sheet = Sheet(shared=True)
    labels = ["企业名称", "所属行业", "员工人数", "是否网上销售", "评估日期", "红线问题是否符合？", "有哪些措施？(多选题)"]  # fmt: skip
    attrs = ' spans="1:7" ht="20" customHeight="1" x14ac:dyDescent="0.15"'
    sheet.row(1, sheet.text("A1", "某某商会会员企业合规体检信息表", 0), attrs=attrs)
    sheet.row(2, *(sheet.text(f"{_letter(i)}2", v, 0) for i, v in enumerate(labels)), attrs=attrs)
    data = [
        ("温州甲鞋业有限公司", "鞋革", 120, "是", "符合", "措施甲、措施乙"),
        ("乙商贸", "零售", 3, "否", "部分符合", None),
    ]
    for n, (name, industry, staff, online, red, multi) in enumerate(data, 3):
        cells = [
            sheet.text(f"A{n}", name, 0),
            sheet.text(f"B{n}", industry, 0),
            num(f"C{n}", staff, 0),
            sheet.text(f"D{n}", online, 0),
            num(f"E{n}", DATE_SERIAL - n, 4),
            sheet.text(f"F{n}", red, 0),
            sheet.text(f"G{n}", multi, 0) if multi else f'<c r="G{n}" s="0"/>',
        ]
        sheet.row(n, *cells, attrs=attrs)
    sheet.row(5, *(f'<c r="{_letter(i)}5" s="0"/>' for i in range(7)), attrs=attrs)
    head = (
        '<sheetPr/><dimension ref="A1:G5"/><sheetViews><sheetView tabSelected="1" workbookViewId="0">'
        '<selection activeCell="A3" sqref="A3"/></sheetView></sheetViews>'
        '<sheetFormatPr defaultColWidth="9" defaultRowHeight="13.5" outlineLevelCol="6"/>'
        '<cols><col min="1" max="1" width="24.625" customWidth="1"/><col min="2" max="7" width="12"/></cols>'
    )
    tail = (
        '<mergeCells count="1"><mergeCell ref="A1:G1"/></mergeCells>'
        '<pageMargins left="0.75" right="0.75" top="1" bottom="1" header="0.5" footer="0.5"/><headerFooter/>'
    )
    root = (
        f'<worksheet xmlns="{MAIN}" xmlns:r="{REL}" '
        'xmlns:xdr="http://schemas.openxmlformats.org/drawingml/2006/spreadsheetDrawing" '
        'xmlns:x14="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" '
        'xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006" '
        'xmlns:x14ac="http://schemas.microsoft.com/office/spreadsheetml/2009/9/ac" '
        'xmlns:etc="http://www.wps.cn/officeDocument/2017/etCustomData">'
    )
    xml = root + head + f"<sheetData>{''.join(sheet.rows)}</sheetData>" + tail + "</worksheet>"
    return xml, sheet.shared_strings()


@pytest.mark.parametrize("how", ["whole", "streamed"])
def test_a_wps_sheet_with_a_title_row_reads_from_its_label_header(
    mq: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, how: str
) -> None:
    xml, sst = wps_sheet()
    table = read(package(tmp_path / "wps.xlsx", xml, sst), mq, how, monkeypatch)
    assert table.header_rows == (2,) and table.warnings == []
    assert table.rows == [
        TableRow(3, {0: "温州甲鞋业有限公司", 1: "鞋革", 2: 120, 3: "是", 4: dt.date(2026, 11, 18), 5: "符合", 6: "措施甲、措施乙"}),
        TableRow(4, {0: "乙商贸", 1: "零售", 2: 3, 3: "否", 4: dt.date(2026, 11, 17), 5: "部分符合"}),
    ]  # fmt: skip
    (_n, a), (_m, b) = table.answer_sets()
    assert a.errors == [] and b.errors == []
    assert a.company == {"company_name": "温州甲鞋业有限公司", "industry": "footwear", "employees": 120}
    assert a.answers["alpha.multi"].value == ["a", "b"] and b.answers["alpha.red"].value == "partial"


def _to_shared_strings(src: Path, dst: Path) -> None:
    """The openpyxl workbook with its inline strings moved into a shared-strings table, as Excel saves it."""
    strings: dict[bytes, int] = {}

    def shared(m: re.Match[bytes]) -> bytes:
        index = strings.setdefault(m.group(3), len(strings))
        return b"<c " + m.group(1) + b't="s"' + m.group(2) + b"><v>%d</v></c>" % index

    inline = re.compile(rb'<c ([^>]*?)t="inlineStr"([^>]*)><is><t(?: [^>]*)?>(.*?)</t></is></c>', re.S)
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w") as zout:
        for info in zin.infolist():
            data = zin.read(info)
            if info.filename.startswith("xl/worksheets/"):
                data = inline.sub(shared, data)
            elif info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="'
                    + SHEET_TYPE.encode()
                    + b'.sharedStrings+xml"/></Types>',
                )
            elif info.filename == "xl/_rels/workbook.xml.rels":
                data = data.replace(
                    b"</Relationships>",
                    f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'.encode()
                    + b"</Relationships>",
                )
            zout.writestr(info, data)
        items = b"".join(b"<si><t>" + s + b"</t></si>" for s in strings)
        zout.writestr("xl/sharedStrings.xml", b'<sst xmlns="' + MAIN.encode() + b'">' + items + b"</sst>")


def test_the_filled_template_reads_the_same_whole_or_streamed(
    mq: Questionnaire, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    wb = load_workbook(io.BytesIO(xlsx_template(mq)))
    ws = wb.worksheets[0]
    col = {c.value: c.column for c in ws[1]}
    rows: list[dict[str, Any]] = [
        {"company_name": "甲鞋业有限公司", "uscc": "91330300MA2H8K3L0X", "industry": "鞋革", "employees": 45.0,
         "sells_online": "是", "assessment_date": dt.datetime(2026, 11, 21), "alpha.red": "符合",
         "alpha.multi": "措施甲、措施乙", "alpha.num": 12, "alpha.text": "=SUM(1)", "pack.glue": "不清楚"},
        {"company_name": "乙商贸", "employees": "8", "sells_online": False, "assessment_date": "2026/11/03",
         "alpha.red": "不符合", "alpha.num": 2.5},
        {},
        {"company_name": "丙", "assessment_date": dt.datetime(2026, 11, 21, 9, 30), "alpha.gate": True},
    ]  # fmt: skip
    for n, row in enumerate(rows, 3):
        for key, value in row.items():
            put(ws, n, col[key], value)
    inline = tmp_path / "inline.xlsx"
    wb.save(inline)
    _to_shared_strings(inline, tmp_path / "shared.xlsx")
    tables = [read(tmp_path / f"{kind}.xlsx", mq, how, monkeypatch) for kind in ("inline", "shared") for how in ("whole", "streamed")]  # fmt: skip
    assert all(t.columns == tables[0].columns and essence(t) == essence(tables[0]) for t in tables)
    assert [r.row_number for r in tables[0].rows] == [3, 4, 6] and tables[0].header_rows == (1, 2)
    assert tables[0].rows[0].values[col["alpha.text"] - 1] == "=SUM(1)"  # unguarded
    assert tables[0].rows[2].values[col["assessment_date"] - 1] == "2026-11-21 09:30:00"


ODD_ROWS = {
    "no-references": '<row><c t="inlineStr"><is><t>甲</t></is></c><c t="inlineStr"><is><t>符合</t></is></c></row>',
    "reference-not-first": '<row r="2"><c t="inlineStr" r="A2"><is><t>甲</t></is></c><c r="B2" t="inlineStr"><is><t>符合</t></is></c></row>',
    "formula-error": '<row r="2"><c r="A2" t="inlineStr"><is><t>甲</t></is></c><c r="B2" t="inlineStr"><is><t>符合</t></is></c><c r="C2" t="e"><v>#N/A</v></c></row>',
}  # fmt: skip


@pytest.mark.parametrize("name", ODD_ROWS)
def test_sheets_the_scan_cannot_vouch_for_are_streamed(mq: Questionnaire, tmp_path: Path, name: str) -> None:
    header = '<row r="1"><c r="A1" t="inlineStr"><is><t>company_name</t></is></c><c r="B1" t="inlineStr"><is><t>alpha.red</t></is></c><c r="C1" t="inlineStr"><is><t>alpha.high</t></is></c></row>'  # fmt: skip
    path = package(
        tmp_path / "odd.xlsx",
        f'<worksheet xmlns="{MAIN}"><sheetData>{header}{ODD_ROWS[name]}</sheetData></worksheet>',
    )
    assert spreadsheet._check_xlsx_archive(path) is False
    ((row, a),) = read_table(path, mq).answer_sets()
    assert row == 2 and a.company == {"company_name": "甲"} and a.answers["alpha.red"].value == "yes"
    if name == "formula-error":  # reported as the text the cell shows, as before
        assert "#N/A" in str(a.errors[0]) and a.errors[0].where.endswith("第2行 C列（alpha.high）")


def test_a_sheet_with_a_namespace_prefix_is_streamed_and_read(mq: Questionnaire, tmp_path: Path) -> None:
    xml = (
        f'<x:worksheet xmlns:x="{MAIN}"><x:sheetData><x:row r="1"><x:c r="A1" t="inlineStr"><x:is><x:t>company_name'
        '</x:t></x:is></x:c><x:c r="B1" t="inlineStr"><x:is><x:t>alpha.red</x:t></x:is></x:c></x:row><x:row r="2">'
        '<x:c r="A2" t="inlineStr"><x:is><x:t>甲</x:t></x:is></x:c><x:c r="B2" t="inlineStr"><x:is><x:t>符合'
        "</x:t></x:is></x:c></x:row></x:sheetData></x:worksheet>"
    )
    path = package(tmp_path / "prefixed.xlsx", xml)
    assert spreadsheet._check_xlsx_archive(path) is False
    assert read_table(path, mq).rows == [TableRow(2, {0: "甲", 1: "符合"})]


def test_chinese_date_formats_are_dates_when_read_whole(mq: Questionnaire, tmp_path: Path) -> None:
    """Excel's built-in formats 27-36 and 50-58 are the dates of a Chinese Excel or WPS (2026年11月21日):
    calamine knows them; openpyxl read the bare serial number, which only the date column turned into a date."""
    sheet = Sheet(shared=False)
    sheet.texts(1, "company_name", "assessment_date", "alpha.text")
    sheet.row(2, sheet.text("A2", "甲"), num("B2", DATE_SERIAL, 7), num("C2", DATE_SERIAL, 8))
    styles = STYLES.replace('count="7">', 'count="9">').replace(
        "</cellXfs>",
        '<xf numFmtId="31" applyNumberFormat="1"/><xf numFmtId="58" applyNumberFormat="1"/></cellXfs>',
    )
    table = read_table(save(tmp_path / "cn.xlsx", sheet, styles=styles), mq)
    assert table.rows == [TableRow(2, {0: "甲", 1: dt.date(2026, 11, 21), 2: dt.date(2026, 11, 21)})]
    assert table.to_answer_sets()[0].assessor.date == dt.date(2026, 11, 21)


SCAN_SAMPLE = (
    b'<?xml version="1.0"?><worksheet xmlns="x"><dimension ref="A1:C3"/><sheetData>'
    b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="AB1"><v>1</v></c></row><row r="2" spans="1:3">'
    b'<c r="C2" s="1"/><c r="ZZ2"><v>2</v></c></row><row r="3"><c r="B300"><is><t>x &lt;c r="XFD9"</t></is></c>'
    b"</row></sheetData><rowBreaks/></worksheet>"
)


@pytest.mark.parametrize("chunk_size", [1, 2, 3, 5, 8, 13, 63, 64, 65, 100, 1 << 20])
def test_the_scan_finds_the_same_whatever_the_chunks(tmp_path: Path, chunk_size: int) -> None:
    scan = spreadsheet._scan_sheet(tmp_path / "x.xlsx", io.BytesIO(SCAN_SAMPLE), chunk_size)
    assert (scan.rows, scan.last_row, scan.last_column, scan.cells, scan.plain) == (4, 300, 702, 5, 5)
    assert not scan.unusual and not scan.errors and scan.readable_whole


@pytest.mark.parametrize("chunk_size", [1, 2, 7, 64, 99, 100, 101, 150, 1 << 20])
def test_a_cell_behind_a_long_prefix_is_found_whatever_the_chunks(tmp_path: Path, chunk_size: int) -> None:
    """calamine knows a cell by its local name under any prefix, so a prefix cut by a chunk's end must not
    hide one."""
    sheet = b'<x:worksheet><x:sheetData><row r="1"><' + b"p" * 100 + b':c r="XFD1048576"><v>1</v></c></row>'
    scan = spreadsheet._scan_sheet(tmp_path / "x.xlsx", io.BytesIO(sheet), chunk_size)
    assert scan.unusual and not scan.readable_whole


def test_a_tag_too_long_to_carry_over_sends_the_sheet_to_the_streaming_reader(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(spreadsheet, "_LONGEST_TAG", 10)
    sheet = b'<worksheet><sheetData><row r="1"><c r="A1" s="1234567890123"><v>1</v></c></row>'
    assert spreadsheet._scan_sheet(tmp_path / "x.xlsx", io.BytesIO(sheet), 1 << 20).readable_whole
    assert not spreadsheet._scan_sheet(tmp_path / "x.xlsx", io.BytesIO(sheet), 3).readable_whole


def test_a_utf16_sheet_is_streamed_and_read(mq: Questionnaire, tmp_path: Path) -> None:
    """The scan's patterns are ASCII bytes, blind to UTF-16: such a sheet goes to openpyxl, which reads it."""
    sheet = Sheet(shared=False)
    sheet.texts(1, "company_name", "alpha.red")
    sheet.texts(2, "甲", "符合")
    xml = f'<?xml version="1.0" encoding="UTF-16"?><worksheet xmlns="{MAIN}"><sheetData>{"".join(sheet.rows)}</sheetData></worksheet>'
    path = package(tmp_path / "utf16.xlsx", "")
    with zipfile.ZipFile(path) as z:
        parts = {i.filename: z.read(i) for i in z.infolist()}
    parts["xl/worksheets/sheet1.xml"] = xml.encode("utf-16")
    with zipfile.ZipFile(path, "w") as z:
        for name, data in parts.items():
            z.writestr(name, data)
    assert spreadsheet._check_xlsx_archive(path) is False
    assert read_table(path, mq).rows == [TableRow(2, {0: "甲", 1: "符合"})]


def test_pictures_and_printer_settings_do_not_stop_a_whole_read(mq: Questionnaire, tmp_path: Path) -> None:
    path = save(tmp_path / "m.xlsx", _members(Sheet(shared=True)))
    with zipfile.ZipFile(path, "a") as z:
        z.writestr("xl/media/image1.png", b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR" + bytes(range(256)))
        z.writestr(
            "xl/printerSettings/printerSettings1.bin", "HP LaserJet<c ".encode("utf-16-le") + b"\0" * 64
        )
        z.writestr("xl/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 512)
    assert spreadsheet._check_xlsx_archive(path) is True
    assert read_table(path, mq).rows == EXPECTED_ROWS


@pytest.mark.parametrize("damage", ["deflate", "method"])
def test_a_damaged_archive_member_is_a_clear_error(mq: Questionnaire, tmp_path: Path, damage: str) -> None:
    path = save(tmp_path / "m.xlsx", _members(Sheet(shared=False)))
    with zipfile.ZipFile(path) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    raw = bytearray(path.read_bytes())
    if damage == "deflate":  # the compressed bytes of the sheet garbled
        start = info.header_offset + 30 + len(info.filename) + len(info.extra)
        raw[start : start + 40] = bytes(b ^ 0x5A for b in raw[start : start + 40])
    else:  # a compression method Python's zipfile does not know (deflate64) in the central directory
        central = raw.rindex(info.filename.encode()) - 46  # the name ends the fixed part of its entry
        for method_at in (info.header_offset + 8, central + 10):
            raw[method_at : method_at + 2] = (9).to_bytes(2, "little")
    path.write_bytes(bytes(raw))
    with pytest.raises(SpreadsheetError) as info_:
        read_table(path, mq)
    assert str(info_.value).startswith(f"{path}: ") and ".xlsx" in str(info_.value)
