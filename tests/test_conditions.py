"""The condition language: parsing, evaluation, and refusing anything that is not the language."""

from __future__ import annotations

import pytest

from hegui_check.questionnaire import ConditionError, parse_condition

ENV = {"employees": 45, "industry": "footwear", "sells_online": True, "exports": False, "tax.x": "yes"}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("employees > 0", True),
        ("employees >= 45 and employees < 46", True),
        ("employees == 45", True),
        ('industry == "footwear"', True),
        ("industry == 'umbrella'", False),
        ('industry in ["footwear", "umbrella"]', True),
        ('industry not in ["footwear"]', False),
        ('not (industry in ["software", "games"])', True),
        ("sells_online", True),
        ("exports", False),
        ("not exports", True),
        ("exports or sells_online", True),
        ("exports and sells_online", False),
        ('tax.x == "yes"', True),
        ("sells_online == true", True),
        ("(employees > 100 or sells_online) and not exports", True),
    ],
)
def test_condition_evaluates(text: str, expected: bool) -> None:
    assert parse_condition(text).evaluate(ENV) is expected


@pytest.mark.parametrize(
    "text", ["missing_fact", "missing_fact > 3", 'missing_fact == "a"', "missing_fact != 1"]
)
def test_missing_name_makes_comparisons_false(text: str) -> None:
    assert parse_condition(text).evaluate(ENV) is False


def test_not_of_missing_name_is_true() -> None:
    assert parse_condition("not missing_fact").evaluate({}) is True


def test_comparing_text_with_number_is_false_not_an_error() -> None:
    assert parse_condition("industry > 3").evaluate(ENV) is False


def test_names_lists_every_name_once() -> None:
    cond = parse_condition('employees > 0 and (industry == "x" or employees < 5) and tax.x == "no"')
    assert cond.names == ["employees", "industry", "tax.x"]


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('true')",
        "employees > ",
        "employees >> 3",
        "industry in footwear",
        "(employees > 0",
        "employees; import os",
        "lambda: 1",
        "",
        "employees > 0 employees",
    ],
)
def test_anything_outside_the_language_is_rejected(text: str) -> None:
    with pytest.raises(ConditionError) as excinfo:
        parse_condition(text)
    assert str(excinfo.value)


def test_error_names_the_position() -> None:
    with pytest.raises(ConditionError) as excinfo:
        parse_condition("employees > 0 and and")
    assert "第 19 个字符" in str(excinfo.value)


def test_literal_comparisons_are_listed_for_validation() -> None:
    cond = parse_condition('industry in ["a", "b"] and 3 < employees')
    assert ("industry", ("a", "b")) in cond.literal_comparisons()
    assert ("employees", (3,)) in cond.literal_comparisons()
