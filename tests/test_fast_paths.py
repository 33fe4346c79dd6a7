"""The fast paths of a batch give exactly what the careful paths give.

- the block reader (answer files as they are written) reads the same data and lines as libyaml;
- an answer file reads to the same answers and problems (with their lines) with or without it;
- what a library remembers between companies (shared answers and results, report rows, the texts cited
  on a date) never changes a report: the thousandth company's reports are those it gets on its own;
- the JSON report written from its row templates is the JSON of its result, one line per row;
- the JSON encoders made once write what json.dumps writes.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import math
import re
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from hegui_check import yamlio
from hegui_check.answers import AnswerSet, load_answers, to_document
from hegui_check.errors import HeguiCheckError
from hegui_check.questionnaire import Questionnaire, load_questionnaire
from hegui_check.questionnaire import conditions as C
from hegui_check.render import Format, render
from hegui_check.render.json_result import result_dict
from hegui_check.resources import data_dir
from hegui_check.scoring import assess, report_number

from .conftest import FIXTURES

DEMO = (data_dir() / "demo-answers.yaml").read_text(encoding="utf-8")


def _note_and_evidence(t: str) -> str:
    return re.sub(
        r"\n  (\S+): 'no'",
        r"\n  \1:\n    answer: 'no'\n    note: 已在整改, see A, B\n    evidence:\n    - 合同台账\n    - '花名册'",
        t,
        count=2,
    )


def _lawyer(t: str) -> str:
    t = t.replace("mode: self", "mode: lawyer").replace("  org: null", "  org: 某律师事务所")
    return re.sub(
        r"\n  (\S+): 'yes'",
        r"\n  \1:\n    answer: 'no'\n    self_answer: 'yes'\n    override_reason: 现场抽查未签\n    reviewed: false",
        t,
        count=2,
    )


# name -> how the demo answer file is changed; those marked * still read with the block reader
VARIANTS: dict[str, Callable[[str], str]] = {
    "demo*": lambda t: t,
    "comments-and-blank-lines*": lambda t: t.replace("answers:\n", "answers:\n\n    # 以下为答案\n", 1),
    "crlf*": lambda t: t.replace("\n", "\r\n"),
    "notes-and-evidence*": _note_and_evidence,
    "lawyer-review*": _lawyer,
    "plain-and-chinese-values*": lambda t: t.replace("'yes'", "yes").replace("'no'", "不符合"),
    "quick-depth*": lambda t: t.replace("answers:\n", "depth: quick\nanswers:\n", 1),
    "no-industry*": lambda t: re.sub(r"\n  industry: \S+", "", t),
    "employees-unanswered*": lambda t: re.sub(r"\n  employees: \S+", "\n  employees:", t),
    "assessed-2027*": lambda t: re.sub(r"  date: \S+", "  date: 2027-01-01", t),
    "no-date*": lambda t: re.sub(r"\n  date: \S+", "\n  date: null", t),
    "unknown-item*": lambda t: t.replace("answers:\n", "answers:\n  nope.item: 'yes'\n", 1),
    "bad-values*": lambda t: re.sub(r"(\n  \S+: )'yes'", r"\1maybe", t, count=3),
    "impossible-date*": lambda t: re.sub(r"  date: \S+", "  date: 2026-02-30", t),
    "huge-integer*": lambda t: re.sub(r"employees: \S+", "employees: " + "9" * 30, t),
    "unknown-field*": lambda t: t + "extra: 1\n",
    "empty-text-answer*": lambda t: re.sub(r"needs.issues: .*", "needs.issues: ''", t),
    "duplicate-key": lambda t: t.replace("answers:\n", "answers:\n  tax.bookkeeping: 'no'\n  tax.bookkeeping: 'yes'\n", 1),
    "flow-style": lambda t: t.replace("facts:\n", "facts: {sells_online: true}\nfacts_:\n", 1),
    "trailing-comment": lambda t: t.replace("answers:\n", "answers:  # 答案\n", 1),
    "tabs": lambda t: t.replace("answers:\n", "answers:\n\t\n", 1),
    "anchors": lambda t: t.replace("mode: self", "mode: &m self").replace("  org: null", "  org: *m"),
    "multi-line-value": lambda t: re.sub(r"needs.issues: .*", "needs.issues: 第一行\n    第二行", t),
    "long-note": lambda t: t.replace("tax.bookkeeping: 'yes'", "tax.bookkeeping:\n    note: " + "长" * 10_001),
    "nested-too-deep": lambda t: t.replace("answers:\n", "answers:\n  x:\n" + "".join(f"{'  ' * (n + 2)}k{n}:\n" for n in range(22)), 1),
    "escaped-string": lambda t: t.replace("depth: full", 'depth: "fu\\u006cl"') if "depth:" in t else t.replace("answers:\n", 'depth: "fu\\u006cl"\nanswers:\n', 1),
}  # fmt: skip


@pytest.fixture(scope="module")
def answer_files(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    folder = tmp_path_factory.mktemp("variants")
    paths = []
    for name, change in VARIANTS.items():
        path = folder / f"{name.rstrip('*')}.yaml"
        path.write_bytes(change(DEMO).encode("utf-8"))
        paths.append(path)
    return [*paths, *sorted((FIXTURES / "profiles").glob("*.yaml"))]


@pytest.mark.parametrize("name", VARIANTS)
def test_the_block_reader_reads_the_files_it_is_meant_for(name: str) -> None:
    text = VARIANTS[name](DEMO).replace("\r\n", "\n")
    assert (yamlio._read_block(text) is not None) == name.endswith("*")


def _answer_set(a: AnswerSet) -> tuple[Any, ...]:
    return (a.company, a.facts, a.assessor, a.answers, a.depth, a.questionnaire_version, a.problems)


def _read(path: Path, q: Questionnaire) -> Any:
    try:
        return _answer_set(load_answers(path, q))
    except HeguiCheckError as exc:
        return (exc.code, str(exc), exc.where)


def test_an_answer_file_reads_the_same_with_or_without_the_block_reader(
    answer_files: list[Path], q: Questionnaire, monkeypatch: pytest.MonkeyPatch
) -> None:
    fast = [_read(p, q) for p in answer_files]
    monkeypatch.setattr(yamlio, "_read_block", lambda text: None)
    careful = [_read(p, q) for p in answer_files]
    for path, one, other in zip(answer_files, fast, careful):
        assert one == other, path.name
    assert any(isinstance(r, tuple) and len(r) == 3 for r in careful)  # refused files are compared too
    assert any(r[-1] for r in careful if len(r) == 7)  # and files with located problems


def _reports(path: Path, q: Questionnaire) -> Any:
    try:
        a = assess(q, load_answers(path, q), {"中": 30})
    except HeguiCheckError as exc:
        return exc.code
    return render(a, Format.json), render(a, Format.md), [(r.item.id, r.state, r.value) for r in a.items]


def test_what_a_library_remembers_between_companies_never_changes_a_report(
    answer_files: list[Path], q: Questionnaire
) -> None:
    warm = q if q._derived else dataclasses.replace(q)
    for path in [*answer_files, *answer_files]:  # each file once more after all the others
        cold = dataclasses.replace(q)  # the same library, nothing remembered yet
        assert _reports(path, warm) == _reports(path, cold), path.name
    assert warm._derived


def _json_one_line_per_row(result: dict[str, Any]) -> str:
    """The JSON report as json.dumps writes each top-level value and each list element."""

    def compact(value: Any) -> str:
        return json.dumps(value, ensure_ascii=False, default=str)

    lines = []
    for key, value in result.items():
        if isinstance(value, list) and value:
            body = ",\n".join(f"    {compact(v)}" for v in value)
            lines.append(f"  {compact(key)}: [\n{body}\n  ]")
        else:
            lines.append(f"  {compact(key)}: {compact(value)}")
    return "{\n" + ",\n".join(lines) + "\n}\n"


def test_the_json_report_is_its_result_one_row_per_line(answer_files: list[Path], q: Questionnaire) -> None:
    seen = 0
    for path in answer_files:
        try:
            a = assess(q, load_answers(path, q))
        except HeguiCheckError:
            continue
        text = render(a, Format.json).decode("utf-8")
        assert text == _json_one_line_per_row(result_dict(a)), path.name
        assert json.loads(text)["findings"]
        seen += 1
    assert seen > 10


def test_the_report_number_is_the_hash_of_the_answer_document(
    answer_files: list[Path], q: Questionnaire
) -> None:
    for path in answer_files:
        try:
            answers = load_answers(path, q)
        except HeguiCheckError:
            continue
        blob = json.dumps(to_document(answers, q), sort_keys=True, ensure_ascii=False, default=str)
        expected = "HG-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10].upper()
        assert report_number(answers, q) == report_number(answers, q) == expected, path.name


def test_the_report_number_of_one_answer_object_under_two_items(q: Questionnaire, tmp_path: Path) -> None:
    """Report numbers remember the text of a shared answer by the answer object; the same object under
    another item still gives that item's text."""
    path = tmp_path / "demo.yaml"
    path.write_text(DEMO, encoding="utf-8")
    answers = load_answers(path, q)
    ids = [i for i, a in answers.answers.items() if a.value == "yes" and a.note is None][:2]
    shared = answers.answers[ids[0]]
    report_number(answers, q)  # remembers the shared answer under its first item
    answers.answers[ids[1]] = shared
    blob = json.dumps(to_document(answers, q), sort_keys=True, ensure_ascii=False, default=str)
    assert report_number(answers, q) == "HG-" + hashlib.sha256(blob.encode("utf-8")).hexdigest()[:10].upper()


@pytest.mark.parametrize("library", ["trademark-versions", "trademark-one-version"])
def test_dates_around_a_new_text_get_their_own_citations_and_warnings(tmp_path: Path, library: str) -> None:
    lib = load_questionnaire([FIXTURES / library], builtin=False)
    reports = {}
    text = (FIXTURES / "trademark-answers-2027-01-05.yaml").read_text(encoding="utf-8")
    for date in ("2026-12-31", "2027-01-01", "2027-01-02", "2026-12-31", "2027-01-01"):
        path = tmp_path / f"{date}.yaml"
        path.write_text(text.replace("2027-01-05", date), encoding="utf-8")
        warm = render(assess(lib, load_answers(path, lib)), Format.json)
        cold = dataclasses.replace(lib)
        assert warm == render(assess(cold, load_answers(path, cold)), Format.json), date
        reports[date] = json.loads(warm)
    cited = {d: [f["basis_detail"] for f in r["findings"]] for d, r in reports.items()}
    warned = {d: [w["message"] for w in r["law_currency_warnings"]] for d, r in reports.items()}
    if library == "trademark-versions":
        assert cited["2026-12-31"] != cited["2027-01-01"] == cited["2027-01-02"]
        assert not any(warned.values())
    else:
        assert not warned["2026-12-31"] and warned["2027-01-01"] and warned["2027-01-02"]
        assert (
            "即为" in warned["2027-01-01"][0] and "晚于" in warned["2027-01-02"][0]
        )  # the day itself, or after


# ---------------------------------------------------------------------------------------------
# the block reader against libyaml, on generated block documents


def _typed(value: Any) -> Any:
    """``value`` with the type of every part, so that True and 1, or 1 and 1.0, differ."""
    if isinstance(value, dict):
        return ("map", [(_typed(k), _typed(v)) for k, v in value.items()])
    if isinstance(value, list):
        return ("list", [_typed(v) for v in value])
    if isinstance(value, float) and math.isnan(value):
        return ("nan",)
    return (type(value).__name__, value)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every path into ``value``, and some that lead nowhere."""
    yield prefix
    yield (*prefix, "nowhere", 0)
    if isinstance(value, dict):
        for k, v in value.items():
            yield from _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for n, v in enumerate(value):
            yield from _paths(v, (*prefix, n))
        yield (*prefix, len(value))
        yield (*prefix, True)


def _libyaml(text: str) -> yamlio.Located:
    loader = yamlio._Loader(text)
    try:
        node = loader.get_single_node()
        return yamlio.Located(loader.construct_document(node), node)
    finally:
        loader.dispose()


KEYS = st.sampled_from(
    ["a", "b", "answer", "x.y", "tax.vat", "a-b", "_", "yes", "no", "on", "null", "y", "Off"]
)
SCALARS = st.one_of(
    st.sampled_from(["'yes'", "'no'", "true", "false", "12", "abc", "长文字 说明", "2026-09-10", "1.5"]),
    st.sampled_from(
        ["'yes'", "yes", "No", "true", "~", "null", "1", "-1", "+1", "01", "0x1F", "0o7", "1_000", "1.5", ".inf",
         ".NaN", "1e5", "1.0e+5", "2026-09-10", "2026-02-30", "2026-9-1", "9" * 20, "=", "<<", "'it''s'", "''",
         '""', '"a b"', '"a\\"b"', "'a", "a b", "a  b  ", "a, b", "a [b]", "a{b}", "a: b", "a #c", "a#c", "&a",
         "*a", "!x", "|", ">", "%", "@", "`", "?x", "-x", "- x", "长文字", "全角　空格", "'a' b", "{}", "[a]",
         "1:30", "2001-12-14t21:59:43.10-05:00"]
    ),
    st.text(alphabet="ab c'\"#:-,[]{}&*!|>%@`?.0123456789长", min_size=1, max_size=8),
)  # fmt: skip


@st.composite
def block_lines(draw: st.DrawFn, depth: int = 0, indent: int = 0) -> list[str]:
    lines = []
    kinds = ["scalar", "scalar", "empty", "comment", "blank"] + (["map", "list"] if depth < 3 else [])
    for _ in range(draw(st.integers(1, 4))):
        pad, key, kind = " " * indent, draw(KEYS), draw(st.sampled_from(kinds))
        if kind == "scalar":
            lines.append(f"{pad}{key}: {draw(SCALARS)}{draw(st.sampled_from(['', ' ']))}")
        elif kind == "empty":
            lines.append(f"{pad}{key}:{draw(st.sampled_from(['', ' ']))}")
        elif kind == "comment":
            lines.append(f"{' ' * draw(st.integers(0, 6))}# {draw(SCALARS)}")
        elif kind == "blank":
            lines.append(" " * draw(st.integers(0, 3)))
        elif kind == "map":
            lines += [f"{pad}{key}:", *draw(block_lines(depth + 1, indent + draw(st.integers(1, 3))))]
        else:
            lines.append(f"{pad}{key}:")
            at = " " * (indent + draw(st.integers(0, 2)))
            lines += [
                f"{at}-{draw(st.sampled_from([' ', '  ']))}{draw(SCALARS)}"
                for _ in range(draw(st.integers(1, 3)))
            ]
    if depth and draw(st.booleans()):  # a stray line
        stray = " " * draw(st.integers(0, 6)) + draw(
            st.sampled_from(["z: 1", "- q", "w", "# c", "k:", "z: 2"])
        )
        lines.insert(draw(st.integers(0, len(lines))), stray)
    return lines


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(lines=block_lines(), newline=st.sampled_from(["\n", "\r\n"]), end=st.booleans())
def test_the_block_reader_reads_what_libyaml_reads(lines: list[str], newline: str, end: bool) -> None:
    text = newline.join(lines) + (newline if end else "")
    block = yamlio._read_block(text)
    if block is None:
        return  # left to libyaml's path
    try:
        careful = _libyaml(text)
    except yaml.YAMLError as exc:  # pragma: no cover - a failure to report
        raise AssertionError(f"the block reader took a document libyaml refuses: {exc}") from None
    assert _typed(block.data) == _typed(careful.data)
    for path in _paths(careful.data):
        assert block.line(list(path)) == careful.line(list(path)), path


PLAIN_TEXT = st.sampled_from(
    [
        "yes",
        "no",
        "on",
        "null",
        "~",
        "1",
        "1.5",
        "2026-09-10",
        "a: b",
        "#x",
        "- x",
        "'q'",
        "长文字",
        "说明 see A, B",
    ]
    + ["", " lead", "trail ", "多  空格", "a:b", "x.y", "全角：冒号", "unknown", "partial", "na", "0.5", "12"]
)
DUMPED_TEXT = st.one_of(  # mostly what answer files hold, sometimes anything
    PLAIN_TEXT,
    PLAIN_TEXT,
    PLAIN_TEXT,
    st.text(alphabet="ab 长文字,.-:#'\"[]{}&*!|>%@`?0123456789", max_size=12),
    st.text(max_size=8),
)
ITEM_IDS = st.from_regex(r"[a-z_][a-z0-9_.]{0,12}", fullmatch=True)
DUMPED_KEYS = st.one_of(  # ids as answer files have them, and keys YAML reads as something else
    ITEM_IDS, ITEM_IDS, ITEM_IDS, st.sampled_from(["yes", "No", "null", "on", "y", "1", "true"]), DUMPED_TEXT
)
DUMPED = st.recursive(
    st.one_of(DUMPED_TEXT, st.integers(), st.floats(allow_nan=False), st.booleans(), st.none(), st.dates()),
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(DUMPED_KEYS, inner, max_size=4)),
    max_leaves=10,
)


@settings(max_examples=300, deadline=None, suppress_health_check=list(HealthCheck))
@given(doc=st.dictionaries(DUMPED_KEYS, DUMPED, min_size=1, max_size=5))
def test_the_block_reader_reads_what_our_writer_writes_as_libyaml_does(doc: dict[str, Any]) -> None:
    text = yaml.safe_dump(doc, allow_unicode=True, sort_keys=False, width=100)  # as dump_answers writes
    block = yamlio._read_block(text)
    if block is None:
        return
    careful = _libyaml(text)
    assert _typed(block.data) == _typed(careful.data)
    for path in _paths(careful.data):
        assert block.line(list(path)) == careful.line(list(path)), path


# ---------------------------------------------------------------------------------------------
# compiled conditions against the tree walker


NAMES = ["employees", "industry", "sells_online", "alpha.gate", "missing"]
LITERAL_VALUES = st.one_of(
    st.integers(-3, 30), st.sampled_from([0.5, 10.0, "footwear", "games", "", "10", True, False])
)
ENV_VALUES = st.one_of(
    LITERAL_VALUES, st.none(), st.sampled_from([[1], ["footwear"], {"a": 1}, float("nan"), 10**20])
)
LEAF = st.one_of(
    st.sampled_from(NAMES).map(C.Name),
    LITERAL_VALUES.map(C.Literal),
    st.lists(LITERAL_VALUES, max_size=3).map(lambda v: C.ListLit(tuple(v))),
)
TREE = st.recursive(
    LEAF,
    lambda inner: st.one_of(
        inner.map(C.Not),
        st.builds(
            C.BoolOp, st.sampled_from(["and", "or"]), st.lists(inner, min_size=2, max_size=4).map(tuple)
        ),
        st.builds(
            C.Compare, st.sampled_from(["==", "!=", ">", ">=", "<", "<=", "in", "notin"]), inner, inner
        ),
    ),
    max_leaves=8,
)


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(tree=TREE, env=st.dictionaries(st.sampled_from(NAMES), ENV_VALUES))
def test_a_compiled_condition_means_what_the_tree_says(tree: C.Node, env: dict[str, Any]) -> None:
    assert C.Condition("", tree).evaluate(env) is C._truthy(C._eval(tree, env))


def _generated(tree: C.Node) -> Callable[[dict[str, Any]], Any]:
    """``python_expression`` of ``tree`` as a function of env, as scoring's generated walk holds it."""
    constants: dict[str, Any] = {}

    def constant(value: Any) -> str:
        constants[f"K{len(constants)}"] = value
        return f"K{len(constants) - 1}"

    source = f"def f(env):\n    g = env.get\n    return {C.python_expression(tree, constant)}\n"
    namespace = dict(constants)
    exec(compile(source, "<test>", "exec"), namespace)  # noqa: S102 - the code under test makes this source
    return namespace["f"]  # type: ignore[no-any-return]


@settings(max_examples=500, deadline=None, suppress_health_check=list(HealthCheck))
@given(tree=TREE, env=st.dictionaries(st.sampled_from(NAMES), ENV_VALUES))
def test_a_generated_condition_means_what_the_tree_says(tree: C.Node, env: dict[str, Any]) -> None:
    assert _generated(tree)(env) is C._truthy(C._eval(tree, env))


@pytest.mark.parametrize(
    "text",
    [
        "employees == 10",
        "employees != 10",
        "industry in ['footwear', 'games']",
        "industry not in ['footwear']",
        "employees >= 10 and not sells_online",
        "(industry == 'games' or employees > 5) and alpha.gate",
        "sells_online == true",
        "employees < true",
    ],
)
@pytest.mark.parametrize("value", [None, 10, 10.0, 3, True, False, "footwear", "10", [10], float("nan")])
def test_the_common_forms_of_a_generated_condition(text: str, value: Any) -> None:
    cond = C.parse_condition(text)
    for env in ({}, {"employees": value, "industry": value, "sells_online": value, "alpha.gate": value}):
        assert _generated(cond.tree)(env) is cond.evaluate(env), (text, env)


def _walked_by_conditions(q: Questionnaire, answers: AnswerSet) -> tuple[Any, ...]:
    """Applicability as a plain loop over each module's items and their conditions (SPEC §3)."""
    from hegui_check import scoring as S

    env = answers.profile_env()
    quick = answers.depth.value == "quick"
    items: dict[str, bool] = {}
    asked: list[str] = []
    for module in q.modules:
        if module.condition is not None and not module.condition.evaluate(env):
            continue
        in_depth = {i.id for i in S.quick_items(module)} if quick else {i.id for i in module.items}
        for item in module.items:
            on = item.condition is None or item.condition.evaluate(env)
            items[item.id] = on
            if on:
                if item.id in in_depth:
                    asked.append(item.id)
                ans = answers.answers.get(item.id)
                if ans is not None and ans.value is not None:
                    env[item.id] = S._env_value(item, ans.value)
    return items, frozenset(asked)


def test_the_generated_walk_of_a_module_is_the_loop_over_its_conditions(
    answer_files: list[Path], q: Questionnaire
) -> None:
    from hegui_check.scoring import applicability

    compared = 0
    for path in answer_files:
        try:
            answers = load_answers(path, q)
        except HeguiCheckError:
            continue
        plan = applicability(q, answers)
        items, asked = _walked_by_conditions(q, answers)
        assert {k: v for k, v in plan.items.items() if k in items} == items, path.name
        assert not any(v for k, v in plan.items.items() if k not in items), path.name
        assert plan.asked == asked, path.name
        compared += 1
    assert compared > 20


_JSON_SCALARS = (
    st.none()
    | st.booleans()
    | st.integers()
    | st.floats(allow_nan=False)
    | st.text()
    | st.dates()  # not JSON: written as its text (default=str)
)
_JSON_VALUES = st.recursive(
    _JSON_SCALARS,
    lambda inner: (
        st.lists(inner, max_size=4)
        | st.tuples(inner, inner)
        | st.dictionaries(st.text(max_size=6), inner, max_size=4)
    ),
    max_leaves=20,
)


@settings(max_examples=300, deadline=None)
@given(_JSON_VALUES)
def test_the_json_encoders_made_once_write_what_json_dumps_writes(value: Any) -> None:
    assert yamlio.compact_json(value) == json.dumps(value, ensure_ascii=False, default=str)
    assert yamlio.sorted_json(value) == json.dumps(value, ensure_ascii=False, default=str, sort_keys=True)


def test_the_json_encoders_refuse_what_json_dumps_refuses() -> None:
    for value in ({1: "a", "b": 2}, {None: 1, 2.5: 2}):
        with pytest.raises(TypeError):
            json.dumps(value, sort_keys=True)
        with pytest.raises(TypeError):
            yamlio.sorted_json(value)
    assert yamlio.compact_json({1: "a", "b": 2}) == '{"1": "a", "b": 2}'
    assert yamlio.compact_json(float("inf")) == "Infinity"  # as json.dumps writes it
