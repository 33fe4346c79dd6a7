"""The association's picture of a batch: firms counted once, anonymised text, charts, a usable summary."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hegui_check import cli

from .test_batch import ALL, MINI_ARGS, _company

USCC = "91330302MA2H8K3L7E"


def _batch(tmp_path: Path, inputs: Path, *extra: str) -> tuple[Path, str]:
    out = tmp_path / "out"
    result = CliRunner().invoke(
        cli.app, ["batch", str(inputs), "-o", str(out), "-f", "json", "--jobs", "1", *MINI_ARGS, *extra]
    )
    return out, result.output


@pytest.fixture
def campaign(tmp_path: Path) -> Path:
    d = tmp_path / "in"
    d.mkdir()
    _company(
        d / "01.yaml", "温州市瓯江鞋业有限公司", {**ALL, "alpha.red": "no"}, uscc=USCC, region="温州鹿城"
    )
    _company(
        d / "02.yaml", "温州市瓯江鞋业有限公司", ALL, uscc=USCC, region="浙江省温州市鹿城区"
    )  # same firm again
    _company(
        d / "03.yaml",
        '=HYPERLINK("http://x")',
        {**ALL, "alpha.red": "no", "alpha.high": "no"},
        region="鹿城区",
    )
    _company(
        d / "04.yaml",
        "上虞晴雨伞业有限公司",
        {
            **ALL,
            "alpha.text": "请联系上虞晴雨伞业王经理 13905771234，wang@qingyu.cn，代码 91330604MA2XXXXX0Y",
        },
        industry="umbrella",
        region="绍兴上虞",
    )
    (d / "05.yaml").write_text(
        "company: {company_name: 错值公司}\nanswers: {alpha.red: maybe}\n", encoding="utf-8"
    )
    return d


def test_the_same_firm_twice_is_warned_about_and_counted_once(campaign: Path, tmp_path: Path) -> None:
    out, output = _batch(tmp_path, campaign)
    assert "1 家企业重复出现" in output and "温州市瓯江鞋业有限公司" in output
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    assert industry["duplicates"] == 1 and industry["companies"] == 4  # 5 rows, one firm twice
    assert industry["companies_with_red_lines"] == 1  # 03 only: the later row of the twice-listed firm wins
    regions = {g["name"]: g["companies"] for g in industry["by_region"]}
    assert regions["浙江省温州市鹿城区"] == 2 and regions["浙江省绍兴市上虞区"] == 1
    rows = list(csv.reader((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()))
    assert len(rows) == 1 + 5  # the summary lists both rows


def test_rates_split_no_from_partial_or_unknown(campaign: Path, tmp_path: Path) -> None:
    out, _ = _batch(tmp_path, campaign)
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    red = next(f for f in industry["common_findings"] if f["id"] == "alpha.red")
    assert red["no"] == 1 and red["open"] == 1  # 05.yaml: invalid value, so unanswered (待核实)
    high = next(f for f in industry["common_findings"] if f["id"] == "alpha.high")
    assert high["no"] == 1 and high["no_rate"] == round(1 / 4, 3)


def test_anonymised_industry_report_names_no_one(campaign: Path, tmp_path: Path) -> None:
    out, _ = _batch(tmp_path, campaign, "--anonymize")
    for name in ("industry-report-anonymous.html", "industry-report-anonymous.json"):
        text = (out / name).read_text(encoding="utf-8")
        for planted in (
            "瓯江鞋业",
            "晴雨伞业",
            "13905771234",
            "wang@qingyu.cn",
            "91330604MA2XXXXX0Y",
            USCC,
            "HYPERLINK",
        ):
            assert planted not in text, (name, planted)
    assert not (out / "industry-report.html").exists()  # the named report is a different file


def test_industry_report_has_charts_focus_list_date_and_organisation(campaign: Path, tmp_path: Path) -> None:
    head = tmp_path / "head.yaml"
    head.write_text("organization: 温州市鞋革行业协会\ncontact: 0577-12345678\n", encoding="utf-8")
    out, _ = _batch(tmp_path, campaign, "--letterhead", str(head))
    html = (out / "industry-report.html").read_text(encoding="utf-8")
    assert html.count("<svg") >= 3
    assert "温州市鞋革行业协会" in html and "重点关注企业" in html and "行业合规风险研判" in html
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    assert industry["organization"] == "温州市鞋革行业协会" and industry["date"]
    assert industry["focus"]["count"] == 1  # 03 (red); 05 is unanswered, which is not a finding
    assert industry["focus"]["companies"][0]["red_lines"] == ["红线题"]


def test_summary_xlsx_says_how_many_firms_did_not_fit_the_sheet(
    campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hegui_check.render import summary

    monkeypatch.setattr(summary, "XLSX_MAX_ROWS", 4)  # a header, two firms and the note
    out, _ = _batch(tmp_path, campaign)
    firms = len(list(csv.reader((out / "summary.csv").open(encoding="utf-8-sig")))) - 1
    ws = openpyxl.load_workbook(out / "summary.xlsx").active
    rows = [[c.value for c in r] for r in ws.iter_rows()]
    assert len(rows) == 4 and firms > 2
    assert (
        rows[3][0]
        == f"另有 {firms - 2} 家企业超出 Excel 的行数上限（4 行），未列入本表；summary.csv 列出全部企业"
    )
    assert ws.auto_filter.ref.endswith("4")


def test_summary_xlsx_is_ready_for_staff(campaign: Path, tmp_path: Path) -> None:
    out, _ = _batch(tmp_path, campaign)
    ws = openpyxl.load_workbook(out / "summary.xlsx").active
    header = [c.value for c in ws[1]]
    last = openpyxl.utils.get_column_letter(len(header))
    assert ws.freeze_panes == "B2" and ws.auto_filter.ref == f"A1:{last}{ws.max_row}"
    assert ws["A1"].font.b and ws["A1"].fill.fgColor.rgb.endswith("E3F2FD")
    assert ws.column_dimensions["A"].width >= 25 and ws.column_dimensions["B"].width >= 18
    rows = {r[0].value: r for r in ws.iter_rows(min_row=2)}
    done = rows["上虞晴雨伞业有限公司"][header.index("完整度")]
    assert done.number_format == "0.0%" and 0 < done.value <= 1
    light = rows["上虞晴雨伞业有限公司"][header.index("灯色")]
    assert light.fill.fgColor.rgb.endswith("C8E6C9")  # green
    status = rows["错值公司"][header.index("状态")]
    assert status.value == "有错误" and status.fill.fgColor.rgb.endswith("FFCDD2")
    assert rows["错值公司"][header.index("问题")].alignment.wrap_text
    formula = next(r for name, r in rows.items() if "HYPERLINK" in str(name))
    assert formula[0].data_type == "s" and str(formula[0].value).startswith("'=")


def test_summary_csv_has_no_formula_cells_from_user_text(campaign: Path, tmp_path: Path) -> None:
    out, _ = _batch(tmp_path, campaign)
    for row in csv.reader((out / "summary.csv").read_text(encoding="utf-8-sig").splitlines()):
        for cell in row:
            assert not cell.startswith(("=", "+", "@")), cell


def test_answers_out_hands_one_firm_to_a_lawyer(campaign: Path, tmp_path: Path) -> None:
    from hegui_check.answers import load_answers
    from hegui_check.interview import prepare_review
    from hegui_check.questionnaire import load_questionnaire

    from .test_batch import FIXTURES

    handed = tmp_path / "answers"
    out, output = _batch(tmp_path, campaign, "--answers-out", str(handed))
    files = sorted(p.name for p in handed.glob("*.yaml"))
    assert len(files) == 5 and "上虞晴雨伞业有限公司.yaml" in files  # same names as the reports
    mini = load_questionnaire([FIXTURES / "mini"], builtin=False)
    one = load_answers(handed / "上虞晴雨伞业有限公司.yaml", mini)
    assert one.errors == [] and one.company["company_name"] == "上虞晴雨伞业有限公司"
    review = prepare_review(one)
    assert review.assessor.mode == "lawyer" and set(review.answers) == set(one.answers)
    again = CliRunner().invoke(
        cli.app,
        ["batch", str(campaign), "-o", str(out), "-f", "json", *MINI_ARGS, "--answers-out", str(handed)],
    )
    assert "未覆盖" in again.output  # a reviewer may have worked on them


def test_industry_report_counts_firms_whose_records_can_be_repaired(tmp_path: Path) -> None:
    rows = [
        "company_name,industry,employees,region,credit_record,penalty_authority,penalty_date,penalty_kind,"
        "penalty_fine_wan,serious_list",
        "甲鞋业有限公司,footwear,40,温州鹿城,是,market,2025-03,fine,5,否",
        "乙鞋业有限公司,footwear,25,温州鹿城,是,tax,2024-11,fine,2,否",
        "丙鞋业有限公司,footwear,60,温州鹿城,是,safety,2025-06,serious,,否",
        "丁鞋业有限公司,footwear,12,温州鹿城,否,,,,,",
    ]
    sheet = tmp_path / "members.csv"
    sheet.write_text("\n".join(rows) + "\n", encoding="utf-8")
    out = tmp_path / "out"
    CliRunner().invoke(cli.app, ["batch", str(sheet), "-o", str(out), "-f", "json", "--jobs", "1"])
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    assert industry["credit"] == {"with_record": 3, "repairable": 2, "not_early": 1}
    html = (out / "industry-report.html").read_text(encoding="utf-8")
    assert "信用修复" in html and "3 家企业报告近三年受过行政处罚" in html


def test_streamed_industry_json_is_the_same_text_as_the_whole(campaign: Path, tmp_path: Path) -> None:
    from hegui_check.batch import run_batch
    from hegui_check.render import Format
    from hegui_check.render.industry_report import render_industry_json

    from .test_batch import MINI

    for n in range(3):  # the same firm three times: each later row takes the earlier one's place
        _company(
            campaign / f"x{n}.yaml", "三次公司", {**ALL, "alpha.text": f"需求{n}"}, uscc="91330302MA2H8K3L9X"
        )
    result = run_batch([campaign], MINI, tmp_path / "o", [Format.json])
    for anonymize in (False, True):
        whole = result.industry.summary(anonymize=anonymize)
        streamed = result.industry.summary(anonymize=anonymize, streamed=True)
        assert render_industry_json(streamed) == json.dumps(whole, ensure_ascii=False, indent=2) + "\n"
    whole = result.industry.summary()
    assert whole["duplicates"] == 3 and result.industry.duplicate_names[:2] == [
        "温州市瓯江鞋业有限公司",
        "三次公司",
    ]
    needs = [a["text"] for n in whole["needs"] for a in n["answers"]]
    assert "需求2" in needs and "需求0" not in needs and "需求1" not in needs  # only the last row counts
    listed = [c["name"] for c in whole["company_list"]]
    assert listed.count("三次公司") == 1 and len(listed) == whole["scored"]


@pytest.mark.parametrize(
    "values", [[50.0], [10.0, 90.0], [0.0, 0.0, 100.0, 33.3], [61.7, 84.9, 84.9, 12.1, 99.9, 70.0, 70.0]]
)
def test_score_spread_from_a_histogram_equals_the_spread_of_the_scores(values: list[float]) -> None:
    from collections import Counter

    from hegui_check.industry import _histogram_stats, _stats

    assert _histogram_stats(Counter(values)) == _stats(values)
    assert _histogram_stats(Counter(reversed(values))) == _stats(values)


def test_long_lists_are_cut_in_the_report_to_read_but_whole_in_json(
    campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from hegui_check.render import industry_report

    monkeypatch.setattr(industry_report, "REPORT_COMPANIES_LISTED", 1)
    out, _ = _batch(tmp_path, campaign)
    html = (out / "industry-report.html").read_text(encoding="utf-8")
    industry = json.loads((out / "industry-report.json").read_text(encoding="utf-8"))
    listed = html[html.index("附录、企业名单") :]
    assert len(industry["company_list"]) == 4  # every firm scored, once each
    assert listed.count("<tr><td>") == 1
    assert "另有 3 家未列出" in listed and "summary.xlsx" in listed


_JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=8),
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=4) | st.integers() | st.booleans(), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_the_industry_json_writer_writes_what_json_dumps_writes(value: object) -> None:
    """Plain dicts and lists are written in one piece, the rest piece by piece: the same text either way
    (non-text keys, tuples, empty containers and nesting included)."""
    from hegui_check.render.industry_report import iter_json

    assert "".join(iter_json(value)) == json.dumps(value, ensure_ascii=False, indent=2, default=str)


def test_the_industry_picture_counted_during_a_batch_is_the_one_counted_from_its_records(
    campaign: Path, tmp_path: Path
) -> None:
    from hegui_check.batch import RecordStore, run_batch
    from hegui_check.industry import IndustryAccumulator
    from hegui_check.render import Format

    from .test_batch import MINI

    for n in range(3):  # the same firm three times: each later row takes the earlier one's place
        _company(
            campaign / f"x{n}.yaml", "三次公司", {**ALL, "alpha.text": f"需求{n}"}, uscc="91330302MA2H8K3L9X"
        )
    result = run_batch([campaign], MINI, tmp_path / "o", [Format.json])
    assert result.records.industry is not None  # counted as the companies came, in input order
    recounted = IndustryAccumulator.from_shares(MINI, result.records.shares)
    assert result.industry.duplicates == recounted.duplicates == 3
    for anonymize in (False, True):
        assert result.industry.summary(anonymize=anonymize) == recounted.summary(anonymize=anonymize)

    # not counted on the way: a company out of input order (parallel rendering), or a line reused as it is
    records = result.records
    for add in (
        lambda store: store.append(0, records[0], records.contribution(0)),
        lambda store: store.append_line(2, records.line(2), records[2], up_to_date=True),
    ):
        store = RecordStore()
        store.industry = IndustryAccumulator(MINI)
        store.append(1, records[1], records.contribution(1))
        add(store)
        assert store.industry is None


def test_a_failure_counting_the_industry_picture_during_a_batch_costs_no_report(
    campaign: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A failure while the batch counts (a full disk under SQLite's temporary file, say) leaves the
    picture to be counted again from the records after the batch: every report and output is written."""
    from hegui_check.industry import IndustryAccumulator

    real_add = IndustryAccumulator.add
    calls = []

    def fails_once(self: IndustryAccumulator, *args: object) -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        real_add(self, *args)  # type: ignore[arg-type]

    monkeypatch.setattr(IndustryAccumulator, "add", fails_once)
    whole, _ = _batch(tmp_path / "a", campaign)
    monkeypatch.setattr(IndustryAccumulator, "add", real_add)
    expected, _ = _batch(tmp_path / "b", campaign)
    assert len(calls) > 2  # the batch's count stopped at the failure; the recount went through every firm
    names = sorted(p.name for p in expected.iterdir() if not p.name.startswith("."))
    assert sorted(p.name for p in whole.iterdir() if not p.name.startswith(".")) == names
    for name in ("industry-report.json", "summary.csv"):
        assert (whole / name).read_text(encoding="utf-8").replace(str(whole), "") == (
            expected / name
        ).read_text(encoding="utf-8").replace(str(expected), "")
