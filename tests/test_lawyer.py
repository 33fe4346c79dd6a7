"""Lawyer's on-site check, overrides, re-check (复检) and the comparison report, letterheads."""

from __future__ import annotations

import datetime as dt
import io
import json
from pathlib import Path

import docx
import openpyxl
import pypdf
import pytest
from prompt_toolkit.input import create_pipe_input
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import load_answers, parse_answers, save_answers
from hegui_check.compare import compare
from hegui_check.errors import HeguiCheckError
from hegui_check.interview import EVIDENCE, Interview, prepare_recheck, prepare_review
from hegui_check.letterhead import load_letterhead
from hegui_check.questionnaire import load_questionnaire
from hegui_check.render import Format, RenderOptions, render
from hegui_check.render.pdf import _make_fetcher
from hegui_check.resources import templates_dir
from hegui_check.scoring import assess

from .conftest import FIXTURES
from .test_interview import BACK, HELP, PipeAsker

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
MINI_ARGS = ["--no-builtin", "--questionnaires", str(FIXTURES / "mini")]
COMPANY = {
    "company_name": "瓯江鞋业有限公司",
    "uscc": "",
    "entity_type": "company",
    "industry": "footwear",
    "employees": 12,
    "region": "浙江省温州市鹿城区",
}
SELF = {
    "alpha.red": "yes",
    "alpha.high": "yes",
    "alpha.mid": "partial",
    "alpha.low": "no",
    "alpha.choice": "all",
    "alpha.multi": ["a", "b"],
    "alpha.num": 0,
    "alpha.gate": False,
    "alpha.text": "",
    "beta.one": "yes",
    "pack.glue": "yes",
}


def _answers(answers: dict, date: str = "2026-08-01", **assessor) -> object:
    raw = {
        "company": COMPANY,
        "facts": {"sells_online": False},
        "assessor": {"date": date, **assessor},
        "answers": answers,
    }
    return parse_answers(raw, MINI, "x.yaml")


def _policy(choose: dict[str, object]):
    """Answer by question text fragment; default: keep the offered default / first value."""

    def policy(message, choices):
        values = [v for v, _ in choices]
        for fragment, value in choose.items():
            if fragment in message and value in values:
                return value
        return "false" if "false" in values else values[0] if values[0] not in (BACK, HELP) else values[1]

    return policy


def _run(answers, policy, path: Path, texts=None, defaults=None, stop_after=None):
    with create_pipe_input() as inp:
        asker = PipeAsker(inp, policy, texts=texts, stop_after=stop_after)
        interview = Interview(MINI, asker, path, answers, defaults=defaults)
        interview.run()
    return interview.answers, asker


@pytest.mark.timeout(120)
def test_lawyer_review_records_evidence_overrides_and_signs(tmp_path: Path) -> None:
    owner = _answers(SELF, name="陈经理")
    review = prepare_review(owner, today=dt.date(2026, 11, 21))
    review = review.__class__(
        **{
            **review.__dict__,
            "assessor": review.assessor.__class__(
                mode="lawyer",
                name="李律师",
                org="浙江瓯越律师事务所",
                license_no="13303201510000000",
                date=dt.date(2026, 11, 21),
            ),
        }
    )
    finding = _policy({"高风险问题": "no"})  # the owner said yes; the lawyer finds otherwise

    def policy(message, choices):  # evidence is an optional step, offered beside the answers
        values = [v for v, _ in choices]
        return EVIDENCE if "高风险问题" in message and EVIDENCE in values else finding(message, choices)

    texts = {
        "改判理由": "现场抽查 5 份劳动合同，2 份未签",
        "其他查见材料": "考勤表；工资条",
        "备注": "人事主管在场",
    }
    result, asker = _run(review, policy, tmp_path / "lawyer.yaml", texts=texts)
    high = result.answers["alpha.high"]
    assert high.value == "no" and high.self_answer == "yes"
    assert high.override_reason == "现场抽查 5 份劳动合同，2 份未签"
    assert "考勤表" in high.evidence and "工资条" in high.evidence
    assert result.answers["alpha.red"].self_answer is None  # agreed with the owner: no override recorded
    assert any("企业自评" in s for s in asker.said)

    saved = load_answers(tmp_path / "lawyer.yaml", MINI)
    assert saved.errors == [] and saved.assessor.mode == "lawyer"
    a = assess(MINI, saved)
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render(a, Format.pdf))).pages)
    for needle in (
        "律师法治体检",
        "李律师",
        "浙江瓯越律师事务所",
        "13303201510000000",
        "企业代表（签字）",
        "现场抽查 5 份劳动合同",
        "考勤表",
        "企业自评：符合",
    ):
        assert needle in pdf_text.replace("\n", ""), needle
    document = docx.Document(io.BytesIO(render(a, Format.docx)))
    body = "\n".join(p.text for p in document.paragraphs) + "\n".join(
        c.text for t in document.tables for row in t.rows for c in row.cells
    )
    for needle in ("律师法治体检", "李律师", "浙江瓯越律师事务所", "考勤表", "企业代表"):
        assert needle in body, needle
    assert any(p.style.name.startswith("Heading") for p in document.paragraphs)
    assert len(document.tables) >= 4


def test_xlsx_ledger_from_the_cli_has_one_row_per_finding_in_risk_order(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    save_answers(path, _answers({**SELF, "alpha.red": "partial", "alpha.high": "no"}), MINI)
    result = CliRunner().invoke(cli.app, ["report", str(path), "-f", "xlsx", *MINI_ARGS])
    assert result.exit_code == 0, result.output
    sheet = openpyxl.load_workbook(tmp_path / "a.xlsx").worksheets[0]
    rows = [r for r in sheet.iter_rows(min_row=4, values_only=True) if r[0] is not None]
    a = assess(MINI, load_answers(path, MINI))
    assert [r[1] for r in rows] == [f.item.id for f in a.findings]
    assert [r[4] for r in rows][:2] == ["红线", "高"]
    deadlines = [r[11] for r in rows]
    assert deadlines[0].date() == dt.date(2026, 8, 8)


@pytest.mark.timeout(120)
def test_recheck_asks_only_findings_and_diff_lists_them_as_resolved(tmp_path: Path) -> None:
    before = _answers({**SELF, "alpha.high": {"answer": "partial", "note": "2 人未签"}})
    before_path = tmp_path / "before.yaml"
    save_answers(before_path, before, MINI)
    open_before = [f.item.id for f in assess(MINI, before).findings]
    assert set(open_before) == {"alpha.high", "alpha.mid", "alpha.low"}

    data, defaults = prepare_recheck(MINI, load_answers(before_path, MINI), today=dt.date(2026, 11, 21))
    assert set(defaults) == set(open_before)
    after, asker = _run(data, _policy({"": "yes"}), tmp_path / "after.yaml", defaults=defaults)
    asked = {m.split("] ", 1)[-1] for m in asker.messages if "]" in m}
    assert asked == {MINI.items[i].question for i in open_before}
    assert after.answers["alpha.choice"].value == "all"  # carried over
    result = assess(MINI, after)
    assert result.light == "green" and result.findings == ()

    comparison = compare(MINI, load_answers(before_path, MINI), load_answers(tmp_path / "after.yaml", MINI))
    assert [r.item.id for r in comparison.resolved] == [f.item.id for f in assess(MINI, before).findings]
    assert comparison.still_open == () and comparison.new == ()
    run = CliRunner().invoke(
        cli.app,
        [
            "diff",
            str(before_path),
            str(tmp_path / "after.yaml"),
            "-o",
            str(tmp_path / "cmp"),
            "-f",
            "pdf,md,json",
            *MINI_ARGS,
        ],
    )
    assert run.exit_code == 0, run.output
    data = json.loads((tmp_path / "cmp.json").read_text(encoding="utf-8"))
    assert data["resolved"] == open_before and data["after"]["light"] == "green"
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "cmp.pdf").pages)
    assert "合规复检对比报告" in pdf_text and "已整改" in pdf_text
    assert MINI.items["alpha.high"].short_title in (tmp_path / "cmp.md").read_text(encoding="utf-8")


def test_recheck_report_carries_proof_assessor_letterhead_and_signature(tmp_path: Path) -> None:
    import docx

    before = tmp_path / "before.yaml"
    save_answers(before, _answers({**SELF, "alpha.high": "no"}, date="2026-08-01"), MINI)
    after = tmp_path / "after.yaml"
    fixed = {
        "answer": "yes",
        "note": "已补签 2 份劳动合同",
        "evidence": ["劳动合同台账（2026-11）", "补签合同扫描件"],
    }
    save_answers(
        after,
        _answers(
            {**SELF, "alpha.high": fixed, "alpha.mid": "yes", "alpha.low": "yes"},
            date="2026-11-21",
            mode="lawyer",
            name="李律师",
            org="浙江瓯越律师事务所",
            license_no="13303201510012345",
        ),
        MINI,
    )
    head = tmp_path / "head.yaml"
    head.write_text("organization: 鹿城区法律服务中心\ncontact: 0577-88880000\n", encoding="utf-8")
    run = CliRunner().invoke(
        cli.app,
        [
            "diff",
            str(before),
            str(after),
            "-o",
            str(tmp_path / "cmp"),
            "-f",
            "pdf,docx,md",
            "--letterhead",
            str(head),
            *MINI_ARGS,
        ],
    )
    assert run.exit_code == 0, run.output
    pdf_text = "".join(p.extract_text() for p in pypdf.PdfReader(tmp_path / "cmp.pdf").pages).replace(
        "\n", ""
    )
    word = docx.Document(str(tmp_path / "cmp.docx"))
    docx_text = "\n".join(
        [p.text for p in word.paragraphs]
        + [c.text for t in word.tables for r in t.rows for c in r.cells]
        + [p.text for p in word.sections[0].header.paragraphs]
    )
    md = (tmp_path / "cmp.md").read_text(encoding="utf-8")
    for text in (pdf_text, docx_text, md):
        for expected in (
            "已补签 2 份劳动合同",
            "劳动合同台账（2026-11）",
            "李律师",
            "浙江瓯越律师事务所",
            "鹿城区法律服务中心",
            "2026-08-01",
            "2026-11-21",
            "企业代表（签字）",
        ):
            assert expected in text, expected


def test_diff_reports_open_overdue_and_new_items() -> None:
    before = _answers({**SELF, "alpha.high": "no"}, date="2026-08-01")
    after = _answers(
        {**SELF, "alpha.high": "partial", "alpha.mid": "yes", "alpha.low": "yes", "beta.one": "no"},
        date="2026-11-21",
    )
    c = compare(MINI, before, after)
    assert [old.item.id for old, _ in c.still_open] == ["alpha.high"]
    assert [old.item.id for old, _ in c.overdue] == ["alpha.high"]  # 高: 30 days from 2026-08-01
    assert [r.item.id for r in c.new] == ["beta.one"]
    assert {r.item.id for r in c.resolved} == {"alpha.mid", "alpha.low"}
    assert next(m for m in c.modules if m.module_id == "beta").delta == -100.0


def test_older_library_version_loads_with_a_list_of_changes(tmp_path: Path) -> None:
    old = tmp_path / "old.yaml"
    old.write_text(
        'hegui_check: 1\nquestionnaire_version: "0.9"\ncompany: {company_name: 老文件公司}\n'
        "answers:\n  alpha.old_mid: no\n  alpha.gone: yes\n  alpha.red: yes\n",
        encoding="utf-8",
    )
    data = load_answers(old, MINI)
    assert data.errors == []
    messages = [str(p) for p in data.problems]
    assert any("alpha.gone" in m and "删除" in m for m in messages)
    assert any("alpha.old_mid" in m and "alpha.mid" in m for m in messages)
    assert any("0.9" in m for m in messages)
    c = compare(MINI, data, _answers(SELF))
    assert len(c.library_changes) == 3
    result = CliRunner().invoke(cli.app, ["report", str(old), "-f", "json", *MINI_ARGS])
    assert result.exit_code == 0 and "alpha.gone" in result.output


def test_letterhead_on_cover_and_footer(tmp_path: Path) -> None:
    logo = tmp_path / "logo.svg"
    logo.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="60" height="20"><rect width="60" height="20" '
        'fill="#0d47a1"/></svg>',
        encoding="utf-8",
    )
    head = tmp_path / "lh.yaml"
    head.write_text(
        "organization: 上虞区伞业商会合规服务中心\nlogo: logo.svg\ncontact: 电话 0575-0000000\n",
        encoding="utf-8",
    )
    letterhead = load_letterhead(head)
    a = assess(MINI, _answers(SELF))
    options = RenderOptions(letterhead=letterhead)
    html = render(a, Format.html, options).decode("utf-8")
    assert "data:image/svg+xml;base64," in html and "上虞区伞业商会合规服务中心" in html
    reader = pypdf.PdfReader(io.BytesIO(render(a, Format.pdf, options)))
    assert "上虞区伞业商会合规服务中心" in reader.pages[0].extract_text()
    assert "电话 0575-0000000" in reader.pages[-1].extract_text()  # footer on every page


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("contact: x\n", "organization"),
        ("organization: 商会\nlogo: logo.gif\n", "PNG、JPG 或 SVG"),
        ("organization: 商会\nlogo: missing.png\n", "不存在"),
        ("organization: 商会\ncolour: red\n", "colour"),
        ("- a\n", "键值映射"),
    ],
)
def test_bad_letterheads_get_a_clear_message(tmp_path: Path, text: str, needle: str) -> None:
    (tmp_path / "logo.gif").write_bytes(b"GIF89a")
    path = tmp_path / "lh.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(HeguiCheckError) as excinfo:
        load_letterhead(path)
    assert str(path) in str(excinfo.value) and needle in str(excinfo.value)


def test_fetcher_accepts_embedded_images_only() -> None:
    fetcher = _make_fetcher([templates_dir()])
    assert fetcher.fetch("data:image/png;base64,iVBORw0KGgo=").read().startswith(b"\x89PNG")
    for url in ("data:text/html;base64,PGI+", "data:image/png,raw", "data:application/pdf;base64,JVBER"):
        with pytest.raises(ValueError, match="外部资源已忽略"):
            fetcher.fetch(url)


@pytest.mark.timeout(120)
def test_check_recheck_and_lawyer_review_from_the_cli(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    before = tmp_path / "self.yaml"
    save_answers(before, _answers({**SELF, "alpha.high": "no"}), MINI)
    with create_pipe_input() as inp:
        monkeypatch.setattr(
            cli,
            "make_asker",
            lambda: PipeAsker(inp, _policy({"生成 PDF": "no", "": "yes"}), texts={"律师姓名": "李律师"}),
        )
        result = CliRunner().invoke(
            cli.app, ["check", "--resume", str(before), "--mode", "lawyer", *MINI_ARGS]
        )
    assert result.exit_code == 0, result.output
    reviewed = load_answers(tmp_path / "self-律师体检.yaml", MINI)
    assert reviewed.assessor.mode == "lawyer" and reviewed.assessor.name == "李律师"
    assert reviewed.answers["alpha.high"].self_answer == "no"  # overridden to yes, with the reason asked
    with create_pipe_input() as inp:
        monkeypatch.setattr(cli, "make_asker", lambda: PipeAsker(inp, _policy({"生成 PDF": "no", "": "yes"})))
        result = CliRunner().invoke(cli.app, ["check", "--recheck", str(before), *MINI_ARGS])
    assert result.exit_code == 0, result.output
    assert "hegui-check diff" in result.output
    assert assess(MINI, load_answers(tmp_path / "self-复检.yaml", MINI)).light == "green"


# ---------------------------------------------------------------------------------------------
# review state: a lawyer's review keeps the owner's answers until each is confirmed or corrected

from .scripted import CTRL_C as INTERRUPT  # noqa: E402
from .scripted import ENTER as KEEP  # noqa: E402
from .scripted import ScriptedAsker  # noqa: E402


def _signed(a):
    return a.__class__(
        **{
            **a.__dict__,
            "assessor": a.assessor.__class__(mode="lawyer", name="李律师", date=dt.date(2026, 11, 21)),
        }
    )


def test_reviewing_one_module_scores_like_the_owner_except_the_reviewed_items(tmp_path: Path) -> None:
    owner = _answers(SELF, name="陈经理")
    review = _signed(prepare_review(owner, today=dt.date(2026, 11, 21)))
    assert assess(MINI, review).overall == assess(MINI, owner).overall  # nothing reviewed yet
    path = tmp_path / "lawyer.yaml"

    def reply(kind, message, values, default):
        if "高风险问题" in message:
            return "no"
        return "两名员工未签合同" if "改判理由" in message else KEEP

    asker = ScriptedAsker(fallback=reply)
    Interview(MINI, asker, path, review, modules={"alpha"}).run()
    alpha = [i for i in MINI.module("alpha").items if i.id != "alpha.gated"]  # its gate is 否
    assert len(asker.prompts) == len(alpha) + 1  # one keystroke per confirmed item, plus the reason
    saved = load_answers(path, MINI)
    assert saved.errors == []
    assert "reviewed: false" in path.read_text(encoding="utf-8")
    before, after = assess(MINI, owner), assess(MINI, saved)
    changed = {
        r.item.id for r, s in zip(before.items, after.items) if (r.state, r.value) != (s.state, s.value)
    }
    assert changed == {"alpha.high"}
    assert saved.answers["alpha.high"].self_answer == "yes" and saved.answers["beta.one"].value == "yes"
    progress = after.review
    assert progress is not None and progress.total == progress.reviewed + len(progress.not_reviewed)
    assert {r.item.id for r in progress.not_reviewed} == {"beta.one", "pack.glue"}
    assert progress.reviewed == len(alpha)
    assert set(saved.not_reviewed_ids) == {"beta.one", "pack.glue"}
    assert assess(MINI, owner).review is None  # a self-assessment has no review
    pdf = render(after, Format.pdf)
    text = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(pdf)).pages).replace("\n", "")
    assert f"律师复核 {len(alpha)}/{progress.total} 项" in text
    assert "尚未复核" in text and MINI.items["beta.one"].short_title in text
    data = json.loads(render(after, Format.json))
    assert data["review"]["reviewed"] == len(alpha) and set(data["review"]["not_reviewed"]) == {
        "beta.one",
        "pack.glue",
    }


def test_old_files_without_review_marks_load_as_reviewed(tmp_path: Path) -> None:
    path = tmp_path / "old.yaml"
    save_answers(path, _answers(SELF), MINI)
    text = path.read_text(encoding="utf-8")
    assert "reviewed" not in text
    data = load_answers(path, MINI)
    assert all(a.reviewed for a in data.answers.values()) and data.errors == []
    bad = parse_answers(
        {
            "company": COMPANY,
            "facts": {"sells_online": False},
            "answers": {"alpha.red": {"answer": "yes", "reviewed": "也许"}},
        },
        MINI,
        "x.yaml",
    )
    assert [p.field for p in bad.errors] == ["alpha.red.reviewed"]


def test_the_lawyer_may_correct_the_profile_and_reopen_one_item(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    before = tmp_path / "self.yaml"
    save_answers(before, _answers(SELF), MINI)

    def reply(kind, message, values, default):
        if "企业画像是否需要修改" in message:
            return "edit"
        if "用工人数" in message:
            return "30"
        return "no" if "生成 PDF" in message else KEEP

    asker = ScriptedAsker(["李律师", "瓯越律师事务所", ""], fallback=reply)
    monkeypatch.setattr(cli, "make_asker", lambda: asker)
    result = CliRunner().invoke(
        cli.app, ["check", "--resume", str(before), "--mode", "lawyer", "--date", "2026-11-20", *MINI_ARGS]
    )
    assert result.exit_code == 0, result.output
    reviewed_path = tmp_path / "self-律师体检.yaml"
    data = load_answers(reviewed_path, MINI)
    assert data.company["employees"] == 30 and data.assessor.date == dt.date(2026, 11, 20)
    assert (
        data.not_reviewed_ids == [] and assess(MINI, data).review.reviewed == assess(MINI, data).review.total
    )

    # months later: reopen the finished review at one item; the same edit menu as a self-assessment
    asker = ScriptedAsker(["edit", "alpha", "alpha.mid", "no", "quit"])
    monkeypatch.setattr(cli, "make_asker", lambda: asker)
    result = CliRunner().invoke(
        cli.app, ["check", "--resume", str(reviewed_path), "--mode", "lawyer", *MINI_ARGS]
    )
    assert result.exit_code == 0, result.output
    mid = load_answers(reviewed_path, MINI).answers["alpha.mid"]
    assert (mid.value, mid.reviewed) == ("no", True)
    assert asker.replies == []


def test_lawyer_ctrl_c_at_the_first_prompt_writes_nothing(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(cli, "_stdin_is_tty", lambda: True)
    before = tmp_path / "self.yaml"
    save_answers(before, _answers(SELF), MINI)
    text = before.read_text(encoding="utf-8")
    monkeypatch.setattr(cli, "make_asker", lambda: ScriptedAsker([INTERRUPT]))
    result = CliRunner().invoke(cli.app, ["check", "--resume", str(before), "--mode", "lawyer", *MINI_ARGS])
    assert result.exit_code == 130
    assert "没有保存" in result.output and "已保存" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["self.yaml"]
    assert before.read_text(encoding="utf-8") == text


def test_lawyer_date_must_be_a_date(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        cli.app,
        ["check", "--mode", "lawyer", "--date", "2026-13-01", "-o", str(tmp_path / "a.yaml"), *MINI_ARGS],
    )
    assert result.exit_code == 2
    assert "无法识别" in result.output and "YYYY-MM-DD" in result.output


def test_evidence_of_a_compliant_item_reaches_pdf_and_docx(tmp_path: Path) -> None:
    seen = {"answer": "yes", "evidence": ["消防验收意见书（2025-06）", "灭火器检查记录"], "note": "现场查看"}
    a = assess(MINI, _answers({**SELF, "alpha.red": seen}, mode="lawyer", name="李律师"))
    assert "alpha.red" not in {r.item.id for r in a.findings}  # compliant: no finding card to carry it
    pdf = "".join(p.extract_text() for p in pypdf.PdfReader(io.BytesIO(render(a, Format.pdf))).pages)
    word = docx.Document(io.BytesIO(render(a, Format.docx)))
    text = "\n".join(
        [p.text for p in word.paragraphs] + [c.text for t in word.tables for r in t.rows for c in r.cells]
    )
    for out in (pdf.replace("\n", ""), text):
        assert "消防验收意见书（2025-06）" in out and "灭火器检查记录" in out and "现场查看" in out
