"""Answer files: aliases, located problems, USCC check, renamed/retired ids, atomic round trips."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from hegui_check.answers import (
    Answer,
    dump_answers,
    entity_type_from_uscc,
    load_answers,
    parse_answers,
    save_answers,
    uscc_problem,
    uscc_with_check,
)
from hegui_check.errors import AnswersError
from hegui_check.questionnaire import load_questionnaire
from hegui_check.yamlio import atomic_write

from .conftest import FIXTURES


@pytest.fixture(scope="module")
def mini():
    return load_questionnaire([FIXTURES / "mini"], builtin=False)


PROFILE = {"company_name": "甲", "employees": 5, "industry": "retail"}  # every module-gating fact given


def _write(tmp_path: Path, text: str, name: str = "answers.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("raw", "value"),
    [
        ("yes", "yes"),
        (True, "yes"),
        ("符合", "yes"),
        ("是", "yes"),
        ("部分符合", "partial"),
        ("部分", "partial"),
        (False, "no"),
        ("不符合", "no"),
        ("否", "no"),
        ("不清楚", "unknown"),
        ("不适用", "na"),
        ("NA", "na"),
    ],
)
def test_status_aliases(mini, raw, value) -> None:
    a = parse_answers({"company": PROFILE, "answers": {"alpha.high": raw}}, mini, "f.yaml")
    assert a.problems == []
    assert a.answers["alpha.high"].value == value


def test_bare_yes_and_no_in_yaml_are_read_as_status_values(mini, tmp_path: Path) -> None:
    a = load_answers(_write(tmp_path, "answers:\n  alpha.high: yes\n  alpha.mid: no\n"), mini)
    assert a.answers["alpha.high"].value == "yes" and a.answers["alpha.mid"].value == "no"


def test_unknown_id_is_an_error_with_its_line(mini, tmp_path: Path) -> None:
    path = _write(tmp_path, "hegui_check: 1\nanswers:\n  alpha.high: yes\n  alpha.nonsense: yes\n")
    a = load_answers(path, mini)
    assert len(a.errors) == 1
    assert str(a.errors[0]).startswith(f"{path}:4: alpha.nonsense")
    assert a.answers["alpha.high"].value == "yes"  # the valid part is kept


def test_wrong_value_names_what_is_allowed(mini, tmp_path: Path) -> None:
    a = load_answers(_write(tmp_path, "answers:\n  alpha.high:\n    answer: maybe\n    note: x\n"), mini)
    (err,) = a.errors
    assert err.where.endswith(":3") and "maybe" in err.message and "yes（符合）" in err.message


def test_wrong_types_are_reported(mini, tmp_path: Path) -> None:
    text = (
        "company:\n  employees: many\n  industry: shoes\nfacts:\n  sells_online: perhaps\n"
        "answers:\n  alpha.num: lots\n  alpha.choice: [all]\n  alpha.multi: 措施甲、措施丙\n"
    )
    a = load_answers(_write(tmp_path, text), mini)
    fields = {p.field for p in a.errors}
    assert fields == {
        "company.employees",
        "company.industry",
        "facts.sells_online",
        "alpha.num",
        "alpha.choice",
        "alpha.multi",
    }
    assert all(p.where.startswith(str(tmp_path)) and ":" in p.where for p in a.errors)


def test_options_accept_labels_and_multi_separators(mini) -> None:
    raw = {
        "company": {"industry": "鞋革", "employees": "1,200"},
        "answers": {"alpha.choice": "大部分", "alpha.multi": "措施甲┋b", "alpha.num": "3"},
    }
    a = parse_answers(raw, mini, "f")
    assert a.problems == []
    assert a.company == {"industry": "footwear", "employees": 1200}
    assert a.answers["alpha.multi"].value == ["a", "b"] and a.answers["alpha.num"].value == 3


def test_unknown_top_level_and_entry_keys_are_errors(mini) -> None:
    a = parse_answers({"answerz": {}, "answers": {"alpha.high": {"answer": "yes", "notes": "x"}}}, mini, "f")
    assert {p.field for p in a.errors} == {"answerz", "alpha.high.notes"}


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        ("answers: [unclosed\n", "YAML 格式错误"),
        ("\tanswers:\n", "YAML 格式错误"),
        ("", None),
        ("- a\n- b\n", None),
    ],
)
def test_malformed_files(mini, tmp_path: Path, text: str, needle: str | None) -> None:
    path = _write(tmp_path, text)
    if needle:
        with pytest.raises(AnswersError) as excinfo:
            load_answers(path, mini)
        assert str(path) in str(excinfo.value) and needle in str(excinfo.value) and "行" in str(excinfo.value)
    else:
        a = load_answers(path, mini)
        assert a.errors and "映射" in a.errors[0].message


def test_binary_and_missing_files(mini, tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_bytes(b"\xff\xfe\x00garbage")
    with pytest.raises(AnswersError, match="UTF-8"):
        load_answers(path, mini)
    with pytest.raises(AnswersError, match="不存在"):
        load_answers(tmp_path / "nope.yaml", mini)


def test_json_answer_files_load(mini, tmp_path: Path) -> None:
    path = _write(tmp_path, json.dumps({"hegui_check": 1, "answers": {"alpha.high": "partial"}}), "a.json")
    assert load_answers(path, mini).answers["alpha.high"].value == "partial"
    bad = _write(tmp_path, '{"answers": {', "b.json")
    with pytest.raises(AnswersError, match="JSON"):
        load_answers(bad, mini)


def test_renamed_ids_are_mapped_and_retired_ids_dropped_with_a_warning(mini) -> None:
    a = parse_answers(
        {"company": PROFILE, "answers": {"alpha.old_mid": "no", "alpha.gone": "yes"}}, mini, "old.yaml"
    )
    assert a.answers["alpha.mid"].value == "no"
    assert "alpha.gone" not in a.answers
    assert [p.severity for p in a.problems] == ["warning", "warning"]
    assert a.errors == []


def test_answers_read_again_give_the_same_answers_and_problems(mini) -> None:
    """Bare values already read for a library are taken from its memory on the next file; every rule still
    applies: renamed and retired ids, a second answer to the same item, values not allowed, unknown ids."""
    block = {
        "alpha.red": "yes",
        "alpha.high": "否",
        "alpha.old_mid": "no",
        "alpha.mid": "yes",  # the renamed item answered twice
        "alpha.gone": "yes",
        "alpha.num": 2.5,
        "alpha.low": "perhaps",  # not an allowed value
        "alpha.nope": "yes",
        "alpha.multi": "a",
        "alpha.text": "自填",
        5: "yes",
    }
    mini.derived("answers.bare", dict).clear()
    first = parse_answers({"company": PROFILE, "answers": dict(block)}, mini, "a.yaml")
    for _ in range(2):  # now from the library's memory
        again = parse_answers({"company": PROFILE, "answers": dict(block)}, mini, "a.yaml")
        assert again.answers == first.answers
        assert again.problems == first.problems
    codes = sorted(p.code for p in first.problems)
    assert codes.count("duplicate-answer") == 1 and "retired-id" in codes and "renamed-id" in codes
    assert codes.count("unknown-id") == 2 and "bad-value" in codes
    assert first.answers["alpha.mid"].value == "no"  # the first of the two answers counts
    # the order of the keys decides which of two answers counts, from memory as the first time
    swapped = {"alpha.mid": "yes", "alpha.old_mid": "no"}
    assert parse_answers({"answers": swapped}, mini, "b.yaml").answers["alpha.mid"].value == "yes"


def test_questionnaire_version_mismatch_is_a_warning(mini, tmp_path: Path) -> None:
    a = load_answers(_write(tmp_path, 'questionnaire_version: "0.9"\nanswers: {}\n'), mini)
    assert a.errors == [] and any("0.9" in p.message for p in a.problems)


def test_uscc_check_character() -> None:
    good = uscc_with_check("91330302MA2H8K3L7")
    assert uscc_problem(good) is None
    assert "校验位" in (uscc_problem(good[:-1] + ("0" if good[-1] != "0" else "1")) or "")
    assert "18 位" in (uscc_problem("9133") or "")
    assert "不允许的字符" in (uscc_problem("91330302MA2H8K3LIO") or "")
    for published in (
        "9144030071526726XG",
        "91330100716105852F",
        "91110108551385082Q",
    ):  # from business licences
        assert uscc_problem(published) is None
    assert entity_type_from_uscc(good) == "company"
    assert entity_type_from_uscc("92" + good[2:]) == "individual"


def test_bad_uscc_is_a_warning_and_entity_type_is_suggested(mini) -> None:
    a = parse_answers({"company": {"uscc": "91330302MA2H8K3L7X"}}, mini, "f")
    assert a.errors == [] and a.problems[0].field == "company.uscc"
    good = uscc_with_check("92330302MA2H8K3L7")
    assert parse_answers({"company": {"uscc": good}}, mini, "f").company["entity_type"] == "individual"


def test_dump_and_load_round_trip(mini, tmp_path: Path) -> None:
    raw = {
        "company": {"company_name": "瓯江<鞋业>", "employees": 3, "industry": "retail"},
        "facts": {"sells_online": True},
        "assessor": {"mode": "lawyer", "name": "李律师", "date": "2026-11-21"},
        "answers": {
            "alpha.high": {"answer": "no", "note": "备注：含冒号", "evidence": "台账"},
            "alpha.red": "yes",
            "alpha.multi": ["a"],
            "alpha.num": 2.5,
            "alpha.text": "",
            "alpha.mid": {"answer": "yes", "self_answer": "no", "override_reason": "现场查见"},
        },
    }
    a = parse_answers(raw, mini, "f")
    path = tmp_path / "out.yaml"
    save_answers(path, a, mini)
    text = path.read_text(encoding="utf-8")
    assert "alpha.red: 'yes'" in text  # quoted, so YAML 1.1 keeps it a string
    b = load_answers(path, mini)
    assert b.problems == []
    assert b.answers == a.answers and b.company == a.company and b.assessor == a.assessor
    assert dump_answers(b, mini) == text


def test_atomic_write_keeps_the_old_file_when_writing_fails(tmp_path: Path) -> None:
    path = tmp_path / "a.yaml"
    path.write_text("old", encoding="utf-8")

    with pytest.raises(TypeError):
        atomic_write(path, 12345)  # type: ignore[arg-type]
    assert path.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["a.yaml"]  # no temp file left behind


def test_atomic_write_writes_everything_through_short_writes_and_keeps_the_old_file_when_the_disk_fills(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real_write = os.write
    calls = []

    def short_write(fd: int, data: bytes) -> int:  # as a pipe or a full disk may: a few bytes at a time
        calls.append(len(data))
        return real_write(fd, bytes(data[:7]))

    path = tmp_path / "report.json"
    text = "合规体检" * 100
    monkeypatch.setattr(os, "write", short_write)
    atomic_write(path, text)
    assert path.read_text(encoding="utf-8") == text and len(calls) > 100

    def disk_full(fd: int, data: bytes) -> int:
        if len(calls) > 103:
            raise OSError(28, "No space left on device")
        return short_write(fd, data)

    monkeypatch.setattr(os, "write", disk_full)
    with pytest.raises(OSError, match="No space left") as failed:
        atomic_write(path, "新内容" * 100)
    assert failed.value.filename == str(path)  # the file asked for, not the temporary file
    assert path.read_text(encoding="utf-8") == text
    assert [p.name for p in tmp_path.iterdir()] == ["report.json"]  # no temp file left behind


def test_atomic_write_uses_normal_permissions(tmp_path: Path) -> None:
    path = tmp_path / "new.yaml"
    atomic_write(path, "x")
    umask = os.umask(0)
    os.umask(umask)
    assert path.stat().st_mode & 0o777 == 0o666 & ~umask


def test_atomic_write_creates_new_files_with_the_umask_and_keeps_an_existing_mode(tmp_path: Path) -> None:
    old = os.umask(0o027)
    try:
        atomic_write(tmp_path / "new.json", "x")
        kept = tmp_path / "kept.json"
        kept.write_text("old", encoding="utf-8")
        kept.chmod(0o604)
        atomic_write(kept, "new")
    finally:
        os.umask(old)
    assert (tmp_path / "new.json").stat().st_mode & 0o777 == 0o640
    assert kept.stat().st_mode & 0o777 == 0o604 and kept.read_text(encoding="utf-8") == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.json", "new.json"]


def test_evidence_and_overrides_are_kept(mini) -> None:
    raw = {
        "answers": {
            "alpha.high": {
                "answer": "no",
                "evidence": ["合同台账", "花名册"],
                "self_answer": "是",
                "override_reason": "现场抽查 3 份未签",
            }
        }
    }
    ans = parse_answers(raw, mini, "f").answers["alpha.high"]
    assert ans == Answer("no", None, ("合同台账", "花名册"), "yes", "现场抽查 3 份未签")


def test_depth_is_read_validated_and_written(mini, tmp_path: Path) -> None:
    from hegui_check.vocabulary import Depth

    assert parse_answers({"company": PROFILE}, mini, "f.yaml").depth is Depth.full  # absent: a full check
    for raw, depth in (("quick", Depth.quick), ("快速体检", Depth.quick), ("full", Depth.full)):
        assert parse_answers({"company": PROFILE, "depth": raw}, mini, "f.yaml").depth is depth
    path = _write(
        tmp_path, "hegui_check: 1\ndepth: deep\ncompany: {company_name: 甲, employees: 5, industry: retail}\n"
    )
    a = load_answers(path, mini)
    assert [str(p) for p in a.errors] == [
        f"{path}:2: depth: 错误：取值“deep”不允许，可选：quick（快速体检）、full（深度体检）"
    ]
    save_answers(tmp_path / "out.yaml", a, mini)
    assert "depth: full" in (tmp_path / "out.yaml").read_text(encoding="utf-8")


def test_a_profile_value_that_does_not_parse_names_the_modules_it_switches_off(mini, tmp_path: Path) -> None:
    path = _write(
        tmp_path, "hegui_check: 1\ncompany: {company_name: 甲, industry: retail, employees: 三十}\n"
    )
    a = load_answers(path, mini)
    (error,) = a.errors
    assert (
        error.where == f"{path}:2" and error.field == "company.employees" and error.code == "profile-invalid"
    )
    assert "三十" in error.message and "阿拉伯数字" in error.message and "乙模块" in error.message


def test_a_missing_profile_value_that_gates_a_module_is_a_warning(mini) -> None:
    from hegui_check.scoring import assess

    a = parse_answers(
        {"company": {"company_name": "甲", "industry": "retail"}, "answers": {"alpha.red": "yes"}},
        mini,
        "f.yaml",
    )
    assert a.errors == []
    (warning,) = [p for p in a.problems if p.code == "profile-missing"]
    assert warning.field == "company.employees" and "乙模块" in warning.message
    result = assess(mini, a)
    assert result.switched_off == {"beta": ("employees",)}
    answered = sum(1 for r in result.items if r.state == "scored" and r.answered)
    scored = sum(1 for r in result.items if r.state == "scored")
    assert result.completeness == answered / (scored + 1)  # beta.one would have been asked


def test_month_or_date_profile_answers(q) -> None:
    base = {"company": {"company_name": "甲", "industry": "retail", "employees": 3}}
    ok = parse_answers({**base, "facts": {"credit_record": True, "penalty_date": "2025年3月"}}, q, "f")
    assert ok.facts["penalty_date"] == "2025-03" and ok.errors == []
    bad = parse_answers({**base, "facts": {"credit_record": True, "penalty_date": "去年"}}, q, "f")
    assert [p.field for p in bad.errors] == ["facts.penalty_date"] and "2025-03" in bad.errors[0].message
