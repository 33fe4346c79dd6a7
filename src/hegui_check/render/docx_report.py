"""Word (.docx) report: the same content and order as the PDF, editable by a lawyer.

Built with python-docx from ``report_context(a)`` (nothing is re-derived here). A4, 2 cm margins; the
sections use Word's own heading styles (the cover title ``Heading 1``, the report sections ``Heading 2``,
findings and sub-sections ``Heading 3``, as h1/h2/h3 in the HTML report) so the navigation pane and a
table of contents work, and every table uses the built-in "Table Grid" style.

Fonts: a .docx stores only font *names*. Every style gets explicit ``w:rFonts`` (theme fonts removed):
body text East Asian ``SimSun`` (宋体) with ``Times New Roman`` for Latin, headings East Asian
``Microsoft YaHei`` (微软雅黑) with ``Arial``. Both are installed on Chinese Windows, WPS knows them, and
fontconfig's stock aliases map them to Noto CJK / other Chinese fonts for LibreOffice on Linux and macOS.
The document language is zh-CN.

Every piece of user text goes in as a plain run (python-docx escapes it); characters XML cannot hold are
dropped. The only XML built by hand is fixed markup (shading, header rows, the PAGE field).
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from docx import Document
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Mm, Pt, RGBColor

from ..vocabulary import LIGHT_COLOURS, RISK_COLOURS
from .context import report_context

if TYPE_CHECKING:
    from docx.document import Document as DocumentObject
    from docx.table import Table, _Cell
    from docx.text.paragraph import Paragraph

    from ..scoring import Assessment
    from . import RenderOptions

BODY_FONT_EA = "SimSun"  # 宋体
BODY_FONT_LATIN = "Times New Roman"
HEADING_FONT_EA = "Microsoft YaHei"  # 微软雅黑
HEADING_FONT_LATIN = "Arial"
HEADER_TEXT = "企业合规体检报告 · 保密"

LIGHT_COLORS = {
    light: RGBColor.from_string(colour.lstrip("#").upper()) for light, colour in LIGHT_COLOURS.items()
}
RISK_COLORS = {
    risk: RGBColor.from_string(colour.lstrip("#").upper()) for risk, colour in RISK_COLOURS.items()
}
MUTED = RGBColor(0x60, 0x60, 0x60)
HEADING_COLOR = RGBColor(0x1F, 0x3A, 0x5F)
TH_FILL = "E8EDF3"  # header-cell shading (fixed value)
SMALL = Pt(9)

_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def _clean(value: Any) -> str:
    """User text as a string XML can hold (control characters other than tab/newline dropped)."""
    return _XML_INVALID.sub("", "" if value is None else str(value))


# --- styles -------------------------------------------------------------------------------------------


def _set_fonts(rpr: Any, latin: str, east_asian: str) -> None:
    """Explicit fonts on an rPr element; theme font attributes (which would win) are removed."""
    rfonts = rpr.find(qn("w:rFonts"))
    if rfonts is None:
        rfonts = OxmlElement("w:rFonts")
        rpr.insert(0, rfonts)
    for attr in ("w:asciiTheme", "w:hAnsiTheme", "w:eastAsiaTheme", "w:cstheme"):
        rfonts.attrib.pop(qn(attr), None)
    rfonts.set(qn("w:ascii"), latin)
    rfonts.set(qn("w:hAnsi"), latin)
    rfonts.set(qn("w:cs"), latin)
    rfonts.set(qn("w:eastAsia"), east_asian)


def _setup_styles(doc: DocumentObject) -> None:
    styles_el = doc.styles.element
    defaults = styles_el.find(qn("w:docDefaults"))
    rpr_default = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr")) if defaults is not None else None
    if rpr_default is not None:
        _set_fonts(rpr_default, BODY_FONT_LATIN, BODY_FONT_EA)
        lang = rpr_default.find(qn("w:lang"))
        if lang is None:
            lang = OxmlElement("w:lang")
            rpr_default.append(lang)
        lang.set(qn("w:eastAsia"), "zh-CN")

    normal = doc.styles["Normal"]
    normal.font.size = Pt(10.5)  # 五号
    _set_fonts(normal.element.get_or_add_rPr(), BODY_FONT_LATIN, BODY_FONT_EA)
    normal.paragraph_format.space_after = Pt(4)
    normal.paragraph_format.line_spacing = 1.25

    headings = {"Title": 22, "Heading 1": 20, "Heading 2": 15, "Heading 3": 12}
    for style in doc.styles:
        rpr = style.element.rPr
        if style.name in headings:
            _set_fonts(style.element.get_or_add_rPr(), HEADING_FONT_LATIN, HEADING_FONT_EA)
        elif rpr is not None and rpr.find(qn("w:rFonts")) is not None:
            # other styles of the template (list, char, caption …) must not fall back to theme fonts either
            heading_like = (style.name or "").startswith(("Heading", "Title", "Subtitle"))
            _set_fonts(
                rpr,
                HEADING_FONT_LATIN if heading_like else BODY_FONT_LATIN,
                HEADING_FONT_EA if heading_like else BODY_FONT_EA,
            )
    for name, size in headings.items():
        font = doc.styles[name].font
        font.size = Pt(size)
        font.bold = True
        font.color.rgb = HEADING_COLOR
    doc.styles["Heading 2"].paragraph_format.space_before = Pt(14)
    doc.styles["Heading 2"].paragraph_format.space_after = Pt(6)
    doc.styles["Heading 3"].paragraph_format.space_before = Pt(10)
    doc.styles["Heading 3"].paragraph_format.space_after = Pt(4)
    doc.styles["Heading 3"].font.italic = False


def _letterhead_header(section: Any, letterhead: dict[str, Any], logo: bytes | None) -> None:
    """The service team's letterhead on every page: logo (PNG/JPEG), organisation and contact line."""
    paragraph = section.header.paragraphs[0]
    paragraph.alignment = WD_ALIGN_PARAGRAPH.LEFT
    if logo is not None:
        try:
            paragraph.add_run().add_picture(io.BytesIO(logo), height=Cm(0.9))
            _run(paragraph, "　")
        except Exception:  # noqa: BLE001 - a logo Word cannot read must not stop the report
            pass
    _run(paragraph, letterhead["organization"], size=Pt(10), color=HEADING_COLOR)
    if letterhead["contact"]:
        _run(paragraph, "　" + letterhead["contact"], size=SMALL, color=MUTED)
    right = section.header.add_paragraph()
    right.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _run(right, HEADER_TEXT, size=SMALL, color=MUTED)


def _setup_page(
    doc: DocumentObject,
    report_number: str,
    letterhead: dict[str, Any] | None = None,
    logo: bytes | None = None,
) -> None:
    section = doc.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Mm(210), Mm(297)
    section.left_margin = section.right_margin = Cm(2)
    section.top_margin = section.bottom_margin = Cm(2)
    section.header_distance = section.footer_distance = Cm(1)

    if letterhead is not None:
        _letterhead_header(section, letterhead, logo)
    else:
        header = section.header.paragraphs[0]
        header.alignment = WD_ALIGN_PARAGRAPH.RIGHT
        _run(header, HEADER_TEXT, size=SMALL, color=MUTED)

    footer = section.footer.paragraphs[0]
    footer.alignment = WD_ALIGN_PARAGRAPH.CENTER
    _run(footer, f"报告编号 {report_number}　第 ", size=SMALL, color=MUTED)
    _page_field(footer)
    _run(footer, " 页", size=SMALL, color=MUTED)


def _page_field(paragraph: Paragraph) -> None:
    """A PAGE field (w:fldSimple) with a placeholder result that Word/LibreOffice update."""
    field = OxmlElement("w:fldSimple")
    field.set(qn("w:instr"), "PAGE")
    run = OxmlElement("w:r")
    rpr = OxmlElement("w:rPr")
    color = OxmlElement("w:color")
    color.set(qn("w:val"), "606060")
    rpr.append(color)
    size = OxmlElement("w:sz")
    size.set(qn("w:val"), "18")
    rpr.append(size)
    run.append(rpr)
    text = OxmlElement("w:t")
    text.text = "1"
    run.append(text)
    field.append(run)
    paragraph._p.append(field)


# --- building blocks ----------------------------------------------------------------------------------


def _run(
    paragraph: Paragraph,
    text: Any,
    *,
    bold: bool = False,
    size: Pt | None = None,
    color: RGBColor | None = None,
) -> None:
    run = paragraph.add_run(_clean(text))
    if bold:
        run.bold = True
    if size is not None:
        run.font.size = size
    if color is not None:
        run.font.color.rgb = color


def _para(
    doc: DocumentObject | _Cell,
    text: Any = "",
    *,
    style: str | None = None,
    bold: bool = False,
    size: Pt | None = None,
    color: RGBColor | None = None,
) -> Paragraph:
    paragraph = doc.add_paragraph(style=style)
    if text != "":
        _run(paragraph, text, bold=bold, size=size, color=color)
    return paragraph


def _heading(doc: DocumentObject, text: Any, level: int) -> Paragraph:
    return doc.add_paragraph(_clean(text), style=f"Heading {level}")


def _shade(cell: _Cell, fill: str = TH_FILL) -> None:
    shd = OxmlElement("w:shd")
    shd.set(qn("w:val"), "clear")
    shd.set(qn("w:color"), "auto")
    shd.set(qn("w:fill"), fill)
    cell._tc.get_or_add_tcPr().append(shd)


def _repeat_header(table: Table) -> None:
    tr_pr = table.rows[0]._tr.get_or_add_trPr()
    flag = OxmlElement("w:tblHeader")
    flag.set(qn("w:val"), "true")
    tr_pr.append(flag)


def _cell(
    cell: _Cell,
    text: Any = "",
    *,
    bold: bool = False,
    size: Pt | None = None,
    color: RGBColor | None = None,
    header: bool = False,
) -> Paragraph:
    """Write text into the (empty) first paragraph of a cell."""
    paragraph: Paragraph = cell.paragraphs[0]
    paragraph.paragraph_format.space_after = Pt(0)
    if text != "":
        _run(paragraph, text, bold=bold or header, size=size, color=color)
    if header:
        _shade(cell)
    return paragraph


def _cell_line(cell: _Cell, text: Any, *, size: Pt | None = None, color: RGBColor | None = None) -> Paragraph:
    """One more paragraph (line) inside a cell."""
    paragraph: Paragraph = cell.add_paragraph()
    paragraph.paragraph_format.space_after = Pt(0)
    _run(paragraph, text, size=size, color=color)
    return paragraph


def _table(doc: DocumentObject, rows: int, cols: int, widths: list[float] | None = None) -> Table:
    table: Table = doc.add_table(rows=rows, cols=cols)
    table.style = doc.styles["Table Grid"]
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    if widths:
        table.autofit = False
        for column, width in zip(table.columns, widths):
            column.width = Cm(width)  # w:gridCol, which LibreOffice follows
        for row in table.rows:
            for cell, width in zip(row.cells, widths):
                cell.width = Cm(width)
    return table


def _header_row(table: Table, labels: list[str], size: Pt | None = None) -> None:
    for cell, label in zip(table.rows[0].cells, labels):
        _cell(cell, label, header=True, size=size)
    _repeat_header(table)


def _kv_table(doc: DocumentObject, rows: list[tuple[str, Any]], key_width: float = 3.6) -> Table:
    table = _table(doc, len(rows), 2, [key_width, 17 - key_width])
    for row, (key, value) in zip(table.rows, rows):
        _cell(row.cells[0], key, header=True)
        _cell(row.cells[1], value)
    return table


# --- sections -----------------------------------------------------------------------------------------


def _cover(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    company, assessor, overall = ctx["company"], ctx["assessor"], ctx["overall"]
    confidential = _para(doc, "保　密", bold=True, size=Pt(14), color=LIGHT_COLORS["red"])
    confidential.alignment = WD_ALIGN_PARAGRAPH.RIGHT
    if ctx["letterhead"]:
        _para(doc, ctx["letterhead"]["organization"], size=Pt(12), color=HEADING_COLOR)
        if ctx["letterhead"]["contact"]:
            _para(doc, ctx["letterhead"]["contact"], size=SMALL, color=MUTED)

    for _ in range(2):
        _para(doc)
    title = _heading(doc, ctx["title"], 1)
    title.alignment = WD_ALIGN_PARAGRAPH.CENTER
    subtitle = _para(
        doc,
        ("律师法治体检" if assessor["lawyer"] else assessor["mode"]) + " · " + ctx["depth"]["label"],
        size=Pt(14),
        color=MUTED,
    )
    subtitle.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name = _para(doc, company["name"], bold=True, size=Pt(16))
    name.alignment = WD_ALIGN_PARAGRAPH.CENTER
    name.paragraph_format.space_before = Pt(18)
    name.paragraph_format.space_after = Pt(18)

    evaluator = assessor["name"] + (f"（{assessor['org']}）" if assessor["org"] != "—" else "")
    rows: list[tuple[str, Any]] = [
        ("统一社会信用代码", company["uscc"]),
        ("主体类型", company["entity_type"]),
        ("所属行业", company["industry"]),
        ("所在地区", company["region"]),
        ("评估日期", ctx["date"]),
        ("体检方式", f"{assessor['mode']} · {ctx['depth']['label']}"),
        ("评估人", evaluator),
    ]
    if assessor["lawyer"]:
        rows.append(("执业证号", assessor["license_no"]))
    if ctx["review"]:
        rows.append((ctx["L"]["review"], ctx["review"]))
    rows += [
        ("检查清单版本", f"{ctx['version']}（法规截至 {ctx['laws_as_of']}）"),
        ("报告编号", ctx["report_number"]),
        ("总体结论", ""),
    ]
    table = _kv_table(doc, rows)
    verdict = table.rows[-1].cells[1].paragraphs[0]
    _run(verdict, overall["light_label"], bold=True, color=LIGHT_COLORS.get(overall["light"]))
    _run(verdict, f"　总分 {overall['score']}")

    for text in ([ctx["age_warning"]] if ctx["age_warning"] else []) + ctx["law_warnings"]:
        warning = _para(doc, text, bold=True, color=LIGHT_COLORS["yellow"])
        warning.paragraph_format.space_before = Pt(12)
    doc.add_page_break()  # type: ignore[no-untyped-call]


# long: the conclusion section in document order (verdict table, reason, red lines, scope)
def _conclusion(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    overall, L = ctx["overall"], ctx["L"]
    _heading(doc, "一、总体结论", 2)
    _para(doc, f"体检深度：{ctx['depth']['label']}", size=SMALL, color=MUTED)
    if overall["grey"]:
        _para(doc, overall["light_meaning"], bold=True, color=LIGHT_COLORS["grey"])
    table = _table(doc, 2, 6, [2.4, 3.4, 2.4, 2.0, 2.2, 4.6])
    top, bottom = table.rows[0].cells, table.rows[1].cells
    _cell(top[0], "总体评价", header=True)
    _cell(top[1], overall["light_label"], bold=True, color=LIGHT_COLORS.get(overall["light"]))
    _cell(top[2], "总分", header=True)
    _cell(top[3], overall["score"])
    _cell(top[4], "完整度", header=True)
    _cell(top[5], overall["completeness"])
    _cell(bottom[0], "问题项", header=True)
    _cell(bottom[1], overall["total_findings"])
    _cell(bottom[2], f"其中{L['to_verify']}", header=True)
    _cell(bottom[3], overall["to_verify"])
    _cell(bottom[4], "风险分布", header=True)
    _cell(bottom[5], "　".join(f"{r} {overall['counts'][r]}" for r in ctx["risks"]))

    reason = _para(doc, overall["reason"], bold=True, color=LIGHT_COLORS.get(overall["light"]))
    reason.paragraph_format.space_before = Pt(8)
    if not overall["grey"]:
        _para(doc, overall["light_meaning"])
    if ctx["review"]:
        pending = "、".join(r["title"] for r in ctx["review_pending"])
        _para(
            doc,
            ctx["review"]
            + "。"
            + (f"以下 {len(ctx['review_pending'])} 项尚未复核，沿用企业自评：{pending}。" if pending else ""),
        )
    if ctx["switched_off"]:
        _para(
            doc,
            f"以下领域因{L['profile']}缺少或无效的答案而未检查："
            + "；".join(f"{s['module']}（缺少：{'、'.join(s['missing'])}）" for s in ctx["switched_off"])
            + "。补答后重新生成报告即可纳入。",
        )
    if ctx["deep_check_hint"]:
        _para(
            doc,
            ctx["deep_check_hint"]
            + (
                f"本次未检查 {ctx['not_examined_count']} 项，清单见“检查范围”。"
                if ctx["not_examined_count"]
                else ""
            ),
        )
    if ctx["red_lines"]:
        _heading(doc, "红线问题（须立即整改）", 3)
        for f in ctx["red_lines"]:
            _para(
                doc,
                f"{f['title']}：{f['verdict']}，建议 {f['deadline']} 前整改完毕（见第 {f['n']} 项）",
                style="List Bullet",
            )
    if ctx["red_verify"]:
        _heading(doc, f"红线项目{L['to_verify']}", 3)
        _para(
            doc,
            "以下红线项目尚未回答或答“不清楚”，须尽快核实；这并不表示存在违法行为。",
            size=SMALL,
            color=MUTED,
        )
        for f in ctx["red_verify"]:
            _para(
                doc,
                f"{f['title']}：{f['verdict']}，建议 {f['deadline']} 前核实（见第 {f['n']} 项）",
                style="List Bullet",
            )
    if ctx["incentives"]:
        _para(doc, ctx["incentives"])
    if ctx["problems"]:
        _heading(doc, L["problems"], 3)
        for p in ctx["problems"]:
            _para(doc, p, style="List Bullet", size=SMALL)

    _heading(doc, f"{L['profile']}与检查范围", 3)
    _para(doc, f"下列{L['profile']}答案决定了哪些领域和题目适用于本企业。", size=SMALL, color=MUTED)
    if ctx["profile"]:
        table = _table(doc, len(ctx["profile"]) + 1, 2, [12.0, 5.0])
        _header_row(table, [L["profile"], L["answer"]], size=SMALL)
        for row, p in zip(table.rows[1:], ctx["profile"]):
            _cell(row.cells[0], p["question"], size=SMALL)
            _cell(row.cells[1], p["answer"], size=SMALL)
    if ctx["skipped_modules"]:
        _para(doc, f"按{L['profile']}不适用的领域：" + "、".join(ctx["skipped_modules"]), size=SMALL)
    if ctx["not_examined"]:
        _para(doc, "快速体检未检查的项目（不代表合规）：", size=SMALL)
        for g in ctx["not_examined"]:
            _para(doc, f"{g['module']}：" + "、".join(g["titles"]), style="List Bullet", size=SMALL)


def _modules(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    _heading(doc, "二、分领域得分", 2)
    risks = ctx["risks"]
    labels = [ctx["L"]["module"], "类别", "得分", "适用题数", "问题项", *risks]
    table = _table(
        doc,
        len(ctx["modules"]) + 1,
        len(labels),
        [4.6, 1.8, 1.6, 1.8, 1.6] + [5.6 / max(len(risks), 1)] * len(risks),
    )
    _header_row(table, labels, size=SMALL)
    for row, m in zip(table.rows[1:], ctx["modules"]):
        values = [
            m["title"],
            m["kind"],
            m["score"],
            m["n_items"],
            m["findings"],
            *(m["counts"][r] or "" for r in risks),
        ]
        for cell, value in zip(row.cells, values):
            _cell(cell, value, size=SMALL)


# long: one finding card in document order (check, answer, violation, basis, liability, remedy)
def _findings(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    L = ctx["L"]
    _heading(doc, "三、主要风险与整改建议", 2)
    if not ctx["findings"]:
        _para(doc, "本次体检没有发现问题项。")
    for f in ctx["finding_cards"]:
        heading = _heading(doc, f"{f['n']}. {f['title']}　", 3)
        _run(heading, f["risk"], color=RISK_COLORS.get(f["risk"]))
        if f["to_verify"]:
            _run(heading, "　" + L["to_verify"], color=MUTED)
        if f["practice"]:
            _run(heading, "　良好实践", color=LIGHT_COLORS["green"])
        _run(heading, f"　{f['module']}", size=SMALL, color=MUTED)

        answer = f["answer"]
        remedy = ("先核实实际情况；如不符合：" if f["to_verify"] else "") + (f["remedy"] or "")
        rows: list[tuple[str, Any]] = [
            (L["question"], f["question"]),
            (ctx["answer_label"], ""),
            (L["violation"], f["violation"]),
            (L["basis"], ""),
            (L["liability"], f["liability"]),
            (L["remedy"], remedy),
        ]
        if f["lenient"]:
            rows.append((L["lenient"], ""))
        rows.append((L["deadline"], f["deadline"]))
        table = _kv_table(doc, rows, key_width=2.8)
        cells = {key: row.cells[1] for row, (key, _) in zip(table.rows, rows)}

        reply = cells[ctx["answer_label"]]
        _run(
            reply.paragraphs[0],
            answer["label"] + (f"；{L['note']}：{answer['note']}" if answer["note"] else ""),
        )
        if answer["self_answer"]:
            _cell_line(
                reply,
                f"{L['self_answer']}：{answer['self_answer']}；{L['override_reason']}："
                f"{answer['override_reason'] or '—'}",
                color=LIGHT_COLORS["yellow"],
            )
        if answer["evidence"]:
            _cell_line(reply, f"{L['evidence']}：" + "；".join(answer["evidence"]), size=SMALL)

        basis = cells[L["basis"]]
        if not f["basis_detail"]:
            _run(basis.paragraphs[0], "—")
        for i, line in enumerate(f["basis_detail"]):
            paragraph = basis.paragraphs[0] if i == 0 else _cell_line(basis, "")
            _run(paragraph, line["citation"])
            if line["quotes"]:
                _run(paragraph, "：" + "；".join(f"“{q}”" for q in line["quotes"]), color=MUTED)

        if f["evidence_hints"]:
            _cell_line(
                cells[L["remedy"]],
                f"{L['evidence_hints']}：" + "、".join(f["evidence_hints"]),
                size=SMALL,
                color=MUTED,
            )
        if f["lenient"]:
            _run(cells[L["lenient"]].paragraphs[0], f["lenient"])
            _cell_line(cells[L["lenient"]], f["lenient_rule"], size=SMALL, color=MUTED)


def _unanswered(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    """Applicable items left unanswered: one list to verify, not a card each."""
    if not ctx["unanswered"]:
        return
    L = ctx["L"]
    _heading(doc, f"未回答的项目（{L['to_verify']}）", 3)
    _para(
        doc,
        "以下适用项目尚未回答，按“不清楚”计分，须先核实；这并不表示存在违法行为。",
        size=SMALL,
        color=MUTED,
    )
    table = _table(doc, len(ctx["unanswered"]) + 1, 5, [1.2, 7.6, 4.0, 1.6, 2.6])
    _header_row(table, ["序号", L["question"], L["module"], L["risk"], "核实期限"], size=SMALL)
    for row, f in zip(table.rows[1:], ctx["unanswered"]):
        for cell, value in zip(row.cells, (f["n"], f["title"], f["module"], f["risk"], f["deadline"])):
            _cell(cell, value, size=SMALL)
        _cell_line(row.cells[1], f"{L['basis']}：" + "；".join(f["basis"]), size=Pt(8), color=MUTED)


def _ledger(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    L = ctx["L"]
    _heading(doc, f"四、{L['ledger']}", 2)
    days = ctx["deadline_days"]
    _para(
        doc,
        f"{L['deadline']}自评估日期起算：红线 {days.get('红线')} 天（不符合的，相关行为须立即停止；{L['to_verify']}的，先核实），"
        f"高 {days.get('高')} 天，中 {days.get('中')} 天，低 {days.get('低')} 天。",
        size=SMALL,
        color=MUTED,
    )
    labels = ["序号", L["question"], L["risk"], L["measure"], L["owner"], "整改期限", L["status"]]
    table = _table(doc, len(ctx["ledger"]) + 1, len(labels), [1.0, 3.6, 1.2, 6.2, 1.6, 2.2, 1.2])
    _header_row(table, labels, size=SMALL)
    for row, item in zip(table.rows[1:], ctx["ledger"]):
        cells = row.cells
        _cell(cells[0], item["n"], size=SMALL)
        _cell(cells[1], item["title"], size=SMALL)
        _cell(cells[2], item["risk"], size=SMALL, color=RISK_COLORS.get(item["risk"]))
        _cell(cells[3], item["measure"], size=SMALL)
        _cell(cells[4], "", size=SMALL)  # 责任人: left blank for the company to fill in
        _cell(cells[5], item["deadline"], size=SMALL)
        _cell(cells[6], item["status"], size=SMALL)


def _credit(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    if not ctx["credit_repair"]:
        return
    _heading(doc, f"五、{ctx['L']['credit_repair']}", 2)
    _para(
        doc,
        f"根据{ctx['L']['profile']}中填写的信用记录整理；日期按处罚决定日期推算，实际以公示系统所载公示之日为准。",
        size=SMALL,
        color=MUTED,
    )
    for rec in ctx["credit_repair"]:
        _heading(doc, rec["title"], 3)
        rows = [(p["label"], "") for p in rec["points"]] + [
            (m["label"], m["when"] + ("（已届满）" if m["reached"] else "")) for m in rec["milestones"]
        ]
        table = _kv_table(doc, rows, key_width=3.6)
        for row, p in zip(table.rows, rec["points"]):
            _run(row.cells[1].paragraphs[0], p["text"])
            if p["basis"]:
                _cell_line(row.cells[1], "依据：" + "；".join(p["basis"]), size=SMALL, color=MUTED)


def _evidence(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    if not ctx["evidence"]:
        return
    L = ctx["L"]
    _heading(doc, f"{'六' if ctx['credit_repair'] else '五'}、{L['evidence']}", 2)
    table = _table(doc, len(ctx["evidence"]) + 1, 3, [4.6, 2.4, 10.0])
    _header_row(table, [L["question"], L["answer"], f"{L['evidence']} / {L['note']}"], size=SMALL)
    for row, e in zip(table.rows[1:], ctx["evidence"]):
        _cell(row.cells[0], e["title"] + (f"（第 {e['finding']} 项）" if e["finding"] else ""), size=SMALL)
        _cell(row.cells[1], e["label"], size=SMALL)
        lines = []
        if e["evidence"]:
            lines.append(f"{L['evidence']}：" + "；".join(e["evidence"]))
        if e["note"]:
            lines.append(f"{L['note']}：{e['note']}")
        if e["self_answer"]:
            lines.append(
                f"{L['self_answer']}：{e['self_answer']}；{L['override_reason']}：{e['override_reason'] or '—'}"
            )
        _cell(row.cells[2], lines[0] if lines else "", size=SMALL)
        for line in lines[1:]:
            _cell_line(row.cells[2], line, size=SMALL)


def _appendix(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    L = ctx["L"]
    _heading(doc, "附录一、全部答案", 2)
    _para(
        doc, "问题项的详情见第三部分（括号内为问题序号）；题目编号供对照答题文件。", size=SMALL, color=MUTED
    )
    for m in ctx["appendix"]:
        _heading(doc, m["title"], 3)
        table = _table(doc, len(m["rows"]) + 1, 3, [10.6, 1.4, 5.0])
        _header_row(table, ["题目", L["risk"], L["answer"]], size=SMALL)
        for row, r in zip(table.rows[1:], m["rows"]):
            cells = row.cells
            _cell(cells[0], r["title"], size=SMALL)
            _cell_line(cells[0], r["id"], size=Pt(7.5), color=MUTED)
            _cell(cells[1], r["risk"], size=SMALL)
            _cell(
                cells[2],
                r["label"] + (f"（第 {r['finding']} 项）" if r["finding"] else ""),
                size=SMALL,
                bold=True,
            )

    if ctx["needs"]:
        _heading(doc, "附录二、企业需求", 2)
        for need in ctx["needs"]:
            _para(doc, need["question"], size=SMALL, color=MUTED).paragraph_format.space_after = Pt(0)
            _para(doc, need["answer"])

    _heading(doc, "附录三、评分方法", 2)
    for n, line in enumerate(ctx["scoring_method"], 1):
        paragraph = _para(doc, f"{n}. {line}", size=SMALL)
        paragraph.paragraph_format.left_indent = Cm(0.6)
        paragraph.paragraph_format.first_line_indent = Cm(-0.6)

    _heading(doc, "附录四、引用的法律法规", 2)
    table = _table(doc, len(ctx["laws"]) + 1, 2, [10.0, 7.0])
    _header_row(table, ["法律法规", "所依据的版本"], size=SMALL)
    for row, law in zip(table.rows[1:], ctx["laws"]):
        _cell(row.cells[0], f"《{law['title']}》", size=SMALL)
        _cell(row.cells[1], law["version"], size=SMALL)
    _para(
        doc,
        f"检查清单版本 {ctx['version']}，发布于 {ctx['released']}，法规截至 {ctx['laws_as_of']}。",
        size=SMALL,
        color=MUTED,
    ).paragraph_format.space_before = Pt(6)

    _heading(doc, "声明", 2)
    _para(doc, ctx["disclaimer"])
    if ctx["assessor"]["lawyer"]:
        _signature(doc, ctx)


def _signature(doc: DocumentObject, ctx: dict[str, Any]) -> None:
    assessor = ctx["assessor"]
    _para(doc)
    table = _table(doc, 1, 2, [8.5, 8.5])
    lawyer, company = table.rows[0].cells
    _cell(lawyer, f"评估人（律师）：{assessor['name']}")
    for line in (
        f"执业证号：{assessor['license_no']}",
        f"律师事务所：{assessor['org']}",
        "",
        "签字：",
        "",
        "日期：",
    ):
        _cell_line(lawyer, line)
    _cell(company, f"企业：{ctx['company']['name']}")
    for line in ("企业代表（姓名、职务）：", "", "", "企业代表（签字）：", "", "日期："):
        _cell_line(company, line)


def _logo_bytes(options: RenderOptions | None) -> bytes | None:
    head = options.letterhead if options is not None else None
    if head is None or head.logo is None or head.logo.suffix.lower() not in (".png", ".jpg", ".jpeg"):
        return None  # Word cannot embed SVG through python-docx: the organisation name stands alone
    return head.logo.read_bytes()


def render_docx(a: Assessment, options: RenderOptions | None = None) -> bytes:
    """The report as an editable Word document (.docx bytes)."""
    ctx = report_context(a, options)
    doc = Document()
    _setup_styles(doc)
    _setup_page(doc, _clean(ctx["report_number"]), ctx["letterhead"], _logo_bytes(options))
    props = doc.core_properties
    props.title = _clean(f"{ctx['title']} · {ctx['company']['name']}")
    props.subject = "企业合规体检报告"
    props.author = _clean(ctx["assessor"]["name"] if ctx["assessor"]["name"] != "—" else "hegui-check")
    props.language = "zh-CN"

    _cover(doc, ctx)
    _conclusion(doc, ctx)
    _modules(doc, ctx)
    _findings(doc, ctx)
    _unanswered(doc, ctx)
    _ledger(doc, ctx)
    _credit(doc, ctx)
    _evidence(doc, ctx)
    _appendix(doc, ctx)

    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()
