"""Fuzzing the input boundary: answer files, spreadsheet rows, letterheads and conditions.

Every input either loads or is refused with a located HeguiCheckError — never another exception, never
the catch-all 内部错误 — within bounded time and memory, and an accepted input never silently changes
another answer. A few dozen examples per test in CI; set HEGUI_FUZZ_EXAMPLES=5000 for a long run.
"""

from __future__ import annotations

import os
import string
import time
import tracemalloc
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from hegui_check import cli
from hegui_check.answers import load_answers, normalize_value
from hegui_check.errors import HeguiCheckError
from hegui_check.letterhead import load_letterhead
from hegui_check.questionnaire import ConditionError, load_questionnaire, parse_condition
from hegui_check.spreadsheet import SpreadsheetError, read_table

from .conftest import FIXTURES

MINI = load_questionnaire([FIXTURES / "mini"], builtin=False)
MINI_ARGS = ["--no-builtin", "--questionnaires", str(FIXTURES / "mini")]
EXAMPLES = int(os.environ.get("HEGUI_FUZZ_EXAMPLES", "40"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=EXAMPLES <= 40,
    suppress_health_check=[
        HealthCheck.too_slow,
        HealthCheck.function_scoped_fixture,
        HealthCheck.data_too_large,
        HealthCheck.filter_too_much,
    ],
)
MAX_SECONDS = 2.0
MAX_PEAK_BYTES = 64 * 1024 * 1024
ITEMS = list(MINI.items)
PROFILE = [p.id for p in MINI.profile]

# ---------------------------------------------------------------------------------------------
# building blocks of hostile text

HOSTILE_TEXT = st.sampled_from(
    [
        '=HYPERLINK("http://x","y")',
        "+1",
        "-1",
        "@SUM(A1)",
        "\t=1",
        "\r=1",
        "[/red]",
        "[bold]x[/bold",
        "\x1b[2J",
        "\x1b]0;t\x07",
        "\x00",
        "\u202e",
        "'",
        '"',
        "\\",
        "---",
        "...",
        "&a",
        "*a",
        "!!python/object:os.system",
        "2026-02-30",
        "9" * 40,
        "1e999",
        "-0",
        "NaN",
        "yes",
        "no",
        "是",
        "否",
        "不适用",
        "~",
        "null",
        "{",
        "[",
        ":",
        "#",
        "长" * 120,
        "x" * 10_001,
    ]
)
TEXT = st.one_of(HOSTILE_TEXT, st.text(max_size=30), st.text(alphabet=string.printable, max_size=30))
SCALAR = st.one_of(
    TEXT,
    st.integers(),
    st.integers(min_value=10**14, max_value=10**60),
    st.floats(),
    st.booleans(),
    st.none(),
)
VALUE = st.recursive(
    SCALAR,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(TEXT, inner, max_size=4)),
    max_leaves=12,
)
KEY = st.one_of(st.sampled_from(ITEMS + PROFILE + ["answer", "note", "evidence", "answers", "company"]), TEXT)


def _bounded(call: Callable[[], Any]) -> Any:
    """Run ``call``; assert it finished in MAX_SECONDS with at most MAX_PEAK_BYTES allocated."""
    tracemalloc.start()
    start = time.perf_counter()
    try:
        return call()
    finally:
        elapsed = time.perf_counter() - start
        _size, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
        assert elapsed < MAX_SECONDS, f"took {elapsed:.1f} s"
        assert peak < MAX_PEAK_BYTES, f"peak {peak / 1e6:.0f} MB"


def _load(path: Path) -> Any:
    """The answer file, or the HeguiCheckError that refused it (any other exception fails the test)."""
    try:
        return load_answers(path, MINI)
    except HeguiCheckError as exc:
        refused = exc
    assert refused.code != "failed" and str(path) in str(refused)
    return refused


def _dump(doc: Any) -> str:
    return yaml.safe_dump(doc, allow_unicode=True, sort_keys=False)


def _baseline(answers: dict[str, Any]) -> dict[str, Any]:
    expected = {}
    for item_id, raw in answers.items():
        value, msg = normalize_value(MINI.items[item_id], raw)
        if msg is None:
            expected[item_id] = value
    return expected


GOOD_ANSWERS = st.dictionaries(
    st.sampled_from([i for i in ITEMS if MINI.items[i].type.value == "status"]),
    st.sampled_from(["yes", "no", "partial", "unknown", "na", "符合", "不符合"]),
    min_size=1,
    max_size=4,
)


# ---------------------------------------------------------------------------------------------
# answer files


@FUZZ
@given(good=GOOD_ANSWERS, key=KEY, value=VALUE, where=st.sampled_from(["answers", "company", "top", "entry"]))
def test_one_hostile_entry_never_silently_changes_another_answer(
    tmp_path_factory, good, key, value, where
) -> None:
    doc: dict[str, Any] = {"hegui_check": 1, "company": {"company_name": "甲"}, "answers": dict(good)}
    if where == "answers":
        doc["answers"][key] = value
    elif where == "company":
        doc["company"][key] = value
    elif where == "entry":
        first = next(iter(good))
        doc["answers"][first] = {"answer": good[first], str(key): value}
    elif str(key) in doc:
        return  # would replace a block of the document itself, not add an entry
    else:
        doc[str(key)] = value
    path = tmp_path_factory.mktemp("f") / "a.yaml"
    try:
        path.write_text(_dump(doc), encoding="utf-8")
    except (yaml.YAMLError, UnicodeEncodeError, ValueError):
        return  # not representable as YAML: nothing to load
    result = _bounded(lambda: _load(path))
    if isinstance(result, HeguiCheckError):
        return  # refused as a whole, with its location: nothing accepted, nothing changed silently
    expected = _baseline(good)
    if where == "answers" or (where == "entry" and key == "answer"):
        expected.pop(str(key) if where == "answers" else next(iter(good)), None)  # the entry itself
    for item_id, value_expected in expected.items():
        got = result.answers.get(item_id)
        located = [p for p in result.problems if p.field.startswith(item_id) or item_id in p.message]
        assert (got is not None and got.value == value_expected) or located, (item_id, got, result.problems)


@FUZZ
@given(good=GOOD_ANSWERS, twice=st.sampled_from(["answers", "company", "hegui_check", "item", "note"]))
def test_a_key_written_twice_is_never_accepted_silently(tmp_path_factory, good, twice) -> None:
    lines = ["hegui_check: 1", "company: {company_name: 甲}", "answers:"]
    lines += [f"  {k}: {{answer: '{v}', note: 备注}}" for k, v in good.items()]
    first = next(iter(good))
    if twice == "item":
        lines.append(f"  {first}: 'no'")
    elif twice == "note":
        lines[3] = f"  {first}: {{answer: '{good[first]}', note: 备注, note: 另一个}}"
    else:
        lines.append(
            {
                "answers": "answers:\n  alpha.low: 'no'",
                "company": "company: {company_name: 乙}",
                "hegui_check": "hegui_check: 1",
            }[twice]
        )
    path = tmp_path_factory.mktemp("f") / "a.yaml"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    result = _bounded(lambda: _load(path))
    assert isinstance(result, HeguiCheckError) and result.code == "duplicate-key"


RAW_YAML = st.one_of(
    st.text(max_size=300),
    st.lists(
        st.sampled_from(
            [
                "answers:",
                "  alpha.red: yes",
                "a: &a [1, 2]",
                "b: [*a, *a, *a]",
                "- x",
                "{",
                "]",
                "company: {company_name: 甲}",
                "hegui_check: true",
                "date: 2026-02-30",
                "  - *a",
                "? [a]",
                ": x",
                "!!binary AAAA",
                '{"a": "\\ud800"}',
                '"\\udfff"',
                "\t",
                "'",
                "%YAML 1.1",
                "---",
                "...",
                "a: " + "[" * 30,
            ]
        ),
        max_size=20,
    ).map("\n".join),
)


@FUZZ
@given(text=RAW_YAML, suffix=st.sampled_from([".yaml", ".json"]))
def test_any_text_as_an_answer_file_loads_or_is_refused_with_its_location(
    tmp_path_factory, text, suffix
) -> None:
    path = tmp_path_factory.mktemp("f") / f"a{suffix}"
    path.write_text(
        text, encoding="utf-8", errors="surrogatepass"
    ) if "\ud800" not in text else path.write_bytes(b"\xff")
    _bounded(lambda: _load(path))


@FUZZ
@given(text=RAW_YAML)
def test_report_exits_0_1_or_2_and_never_with_an_internal_error(tmp_path_factory, text) -> None:
    d = tmp_path_factory.mktemp("cli")
    path = d / "a.yaml"
    try:
        path.write_text(text, encoding="utf-8")
    except UnicodeEncodeError:
        return
    result = CliRunner().invoke(
        cli.app, ["report", str(path), "-f", "json", "-o", str(d / "r.json"), *MINI_ARGS]
    )
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)
    assert result.exit_code in (0, 1, 2) and "内部错误" not in result.output


# ---------------------------------------------------------------------------------------------
# spreadsheet rows

CELL = st.one_of(
    TEXT, st.sampled_from(["yes", "no", "是", "否", "符合", "12", "-5", "1e308", '"', '""', "a\nb", "'=1"])
)


@FUZZ
@given(
    rows=st.lists(st.lists(CELL, min_size=1, max_size=6), max_size=8),
    delimiter=st.sampled_from([",", "\t"]),
    encoding=st.sampled_from(["utf-8", "utf-8-sig", "gb18030", "utf-16"]),
)
def test_any_spreadsheet_reads_or_is_refused_and_every_row_is_located(
    tmp_path_factory, rows, delimiter, encoding
) -> None:
    header = ["company_name", "employees", "alpha.red", "alpha.multi", "alpha.text", "sells_online"]
    text = "\n".join(delimiter.join(r) for r in [header, *rows]) + "\n"
    path = tmp_path_factory.mktemp("s") / "m.csv"
    try:
        path.write_bytes(text.encode(encoding))
    except UnicodeEncodeError:
        return

    def read() -> Any:
        try:
            table = read_table(path, MINI)
        except SpreadsheetError as exc:
            refused = exc
        else:
            for _row, answers in table.answer_sets():
                assert all(p.where.startswith(f"{path} 第") for p in answers.problems)
            return table
        assert str(path) in str(refused) and refused.code != "failed"
        return refused

    _bounded(read)


# ---------------------------------------------------------------------------------------------
# letterheads

LOGO_BYTES = st.one_of(
    st.binary(max_size=200),
    st.sampled_from(
        [
            b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
            b"\xff\xd8\xff\xe0garbage",
            b"<svg xmlns='http://www.w3.org/2000/svg'/>",
            b"<!DOCTYPE s [<!ENTITY a 'x'>]><svg>&a;</svg>",
            b"<svg><image href='file:///etc/passwd'/></svg>",
        ]
    ),
)


@FUZZ
@given(
    org=VALUE,
    contact=VALUE,
    logo=st.sampled_from(
        ["logo.png", "logo.svg", "../logo.png", "/etc/passwd", "sub/../logo.jpg", "logo.gif", ""]
    ),
    data=LOGO_BYTES,
    extra=st.booleans(),
)
def test_any_letterhead_loads_or_is_refused_with_its_file(
    tmp_path_factory, org, contact, logo, data, extra
) -> None:
    d = tmp_path_factory.mktemp("lh")
    (d / "logo.png").write_bytes(data)
    (d / "logo.svg").write_bytes(data)
    doc: dict[str, Any] = {"organization": org, "contact": contact, "logo": logo or None}
    if extra:
        doc["colour"] = "red"
    path = d / "lh.yaml"
    try:
        path.write_text(_dump(doc), encoding="utf-8")
    except (yaml.YAMLError, UnicodeEncodeError):
        return

    def load() -> Any:
        try:
            head = load_letterhead(path)
        except HeguiCheckError as exc:
            refused = exc
        else:
            if head.logo is not None:
                assert head.logo.is_relative_to(d.resolve())
            return head
        assert str(path) in str(refused)
        return refused

    _bounded(load)


# ---------------------------------------------------------------------------------------------
# conditions

TOKENS = st.sampled_from(
    [
        "employees",
        "industry",
        "sells_online",
        "alpha.gate",
        "==",
        "!=",
        ">",
        ">=",
        "<",
        "<=",
        "and",
        "or",
        "not",
        "in",
        "(",
        ")",
        "[",
        "]",
        ",",
        "1",
        "-2",
        "3.5",
        '"footwear"',
        "'x'",
        "true",
        "false",
        "$",
        '"unterminated',
    ]
)
CONDITION = st.one_of(
    st.lists(TOKENS, max_size=40).map(" ".join),
    st.text(max_size=60),
    st.integers(min_value=1, max_value=6000).map(lambda n: "not " * n + "x"),
    st.integers(min_value=1, max_value=6000).map(lambda n: "(" * n + "x" + ")" * n),
    st.integers(min_value=1, max_value=30_000).map(lambda n: "industry in [" + ", ".join(['"a"'] * n) + "]"),
)
ENV = st.dictionaries(
    st.sampled_from(["employees", "industry", "sells_online", "alpha.gate", "x"]), SCALAR, max_size=5
)


@FUZZ
@given(text=CONDITION, env=ENV)
def test_any_condition_parses_or_is_refused_and_evaluates_without_error(text, env) -> None:
    def run() -> Any:
        try:
            cond = parse_condition(text)
        except ConditionError as exc:
            refused = exc
        else:
            return cond.evaluate(env)
        assert len(str(refused)) < 400
        return refused

    _bounded(run)


def test_the_fuzz_budget_is_what_the_environment_asks() -> None:
    assert FUZZ.max_examples == EXAMPLES
