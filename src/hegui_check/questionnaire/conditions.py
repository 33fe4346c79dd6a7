"""The small, safe condition language of `applies_when` and `when` (no eval).

    expr    := or
    or      := and ("or" and)*
    and     := not ("and" not)*
    not     := "not" not | compare
    compare := value (("==" | "!=" | ">" | ">=" | "<" | "<=") value | "not"? "in" list)?
    value   := NAME | NUMBER | STRING | "true" | "false" | "(" expr ")"
    list    := "[" (literal ("," literal)*)? "]"

Names are profile facts (``employees``) or earlier item ids (``tax.uses_affiliation``). A name without
a value is ``None``; every comparison involving ``None`` is false, and a bare ``None`` is false.

A condition's text is parsed, never evaluated as Python; ``python_expression`` writes Python source from
the parsed tree (names as string literals, literals as bound constants) for scoring's generated walk.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

from ..limits import MAX_CONDITION_CHARS, MAX_CONDITION_DEPTH, MAX_CONDITION_LIST, limit_text, shorten

__all__ = ["Condition", "ConditionError", "parse_condition", "python_expression"]


class ConditionError(ValueError):
    """A condition that cannot be parsed; the message says where and what was expected.

    ``code`` is "limit-exceeded" for a condition past MAX_CONDITION_CHARS, _DEPTH or _LIST, else
    "bad-condition"."""

    def __init__(self, message: str, code: str = "bad-condition"):
        super().__init__(message)
        self.code = code


@dataclass(frozen=True)
class Name:
    name: str


@dataclass(frozen=True)
class Literal:
    value: Any


@dataclass(frozen=True)
class ListLit:
    values: tuple[Any, ...]


@dataclass(frozen=True)
class Not:
    operand: Node


@dataclass(frozen=True)
class BoolOp:
    op: str  # "and" | "or"
    operands: tuple[Node, ...]


@dataclass(frozen=True)
class Compare:
    op: str  # == != > >= < <= in notin
    left: Node
    right: Node


Node = Union[Name, Literal, ListLit, Not, BoolOp, Compare]

_TOKEN = re.compile(
    r"""\s*(?:
        (?P<num>-?\d+(?:\.\d+)?)
      | (?P<str>"[^"\\]*"|'[^'\\]*')
      | (?P<op>==|!=|>=|<=|>|<|\(|\)|\[|\]|,)
      | (?P<name>[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z0-9_]+)?)
    )""",
    re.VERBOSE,
)
_KEYWORDS = {"and", "or", "not", "in", "true", "false"}


def _tokenize(text: str) -> list[tuple[str, Any, int]]:
    tokens: list[tuple[str, Any, int]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            bad = shorten(text[pos:].strip()[:1] or text[pos : pos + 1])
            raise ConditionError(f"第 {pos + 1} 个字符处无法识别“{bad}”")
        kind = m.lastgroup or ""
        raw = m.group(kind)
        start = m.start(kind)
        if kind == "num":
            tokens.append(("lit", float(raw) if "." in raw else int(raw), start))
        elif kind == "str":
            tokens.append(("lit", raw[1:-1], start))
        elif kind == "name" and raw in _KEYWORDS:
            if raw in ("true", "false"):
                tokens.append(("lit", raw == "true", start))
            else:
                tokens.append((raw, raw, start))
        else:
            tokens.append((kind if kind == "name" else raw, raw, start))
        pos = m.end()
    tokens.append(("end", None, len(text)))
    return tokens


class _Parser:
    def __init__(self, text: str):
        self.tokens = _tokenize(text)
        self.i = 0
        self.depth = 0

    def nested(self) -> None:
        self.depth += 1
        if self.depth > MAX_CONDITION_DEPTH:
            pos = self.tokens[self.i][2]
            raise ConditionError(
                f"第 {pos + 1} 个字符处：括号和 not 的{limit_text('嵌套层数', MAX_CONDITION_DEPTH, ' 层')}",
                "limit-exceeded",
            )

    def peek(self) -> str:
        return self.tokens[self.i][0]

    def take(self, kind: str | None = None) -> tuple[str, Any, int]:
        tok = self.tokens[self.i]
        if kind is not None and tok[0] != kind:
            self.fail(f"应为“{kind}”")
        self.i += 1
        return tok

    def fail(self, expected: str) -> None:
        kind, raw, pos = self.tokens[self.i]
        got = "结尾" if kind == "end" else f"“{shorten(raw, 40)}”"
        raise ConditionError(f"第 {pos + 1} 个字符处{expected}，实际是{got}")

    def parse(self) -> Node:
        node = self.or_()
        if self.peek() != "end":
            self.fail("应为 and / or 或结尾")
        return node

    def or_(self) -> Node:
        parts = [self.and_()]
        while self.peek() == "or":
            self.take()
            parts.append(self.and_())
        return parts[0] if len(parts) == 1 else BoolOp("or", tuple(parts))

    def and_(self) -> Node:
        parts = [self.not_()]
        while self.peek() == "and":
            self.take()
            parts.append(self.not_())
        return parts[0] if len(parts) == 1 else BoolOp("and", tuple(parts))

    def not_(self) -> Node:
        if self.peek() == "not":
            self.take()
            self.nested()
            node = Not(self.not_())
            self.depth -= 1
            return node
        return self.compare()

    def compare(self) -> Node:
        left = self.value()
        kind = self.peek()
        if kind in ("==", "!=", ">", ">=", "<", "<="):
            self.take()
            return Compare(kind, left, self.value())
        if kind == "in":
            self.take()
            return Compare("in", left, self.list_())
        if kind == "not" and self.tokens[self.i + 1][0] == "in":
            self.take()
            self.take()
            return Compare("notin", left, self.list_())
        return left

    def value(self) -> Node:
        kind, raw, _ = self.tokens[self.i]
        if kind == "name":
            self.take()
            return Name(raw)
        if kind == "lit":
            self.take()
            return Literal(raw)
        if kind == "(":
            self.take()
            self.nested()
            node = self.or_()
            self.take(")")
            self.depth -= 1
            return node
        if kind == "[":
            return self.list_()
        self.fail("应为名称、数字、带引号的文字或括号")
        raise AssertionError  # unreachable

    def list_(self) -> ListLit:
        self.take("[")
        values: list[Any] = []
        if self.peek() != "]":
            while True:
                if self.peek() != "lit":
                    self.fail("列表中应为数字或带引号的文字")
                values.append(self.take()[1])
                if len(values) > MAX_CONDITION_LIST:
                    raise ConditionError(
                        f"in [...] 列表的{limit_text('元素个数', MAX_CONDITION_LIST, ' 个')}",
                        "limit-exceeded",
                    )
                if self.peek() != ",":
                    break
                self.take()
        self.take("]")
        return ListLit(tuple(values))


def _truthy(value: Any) -> bool:
    return bool(value) if value is not None else False


def _eval(node: Node, env: Mapping[str, Any]) -> Any:
    if isinstance(node, Name):
        return env.get(node.name)
    if isinstance(node, Literal):
        return node.value
    if isinstance(node, ListLit):
        return node.values
    if isinstance(node, Not):
        return not _truthy(_eval(node.operand, env))
    if isinstance(node, BoolOp):
        if node.op == "and":
            return all(_truthy(_eval(n, env)) for n in node.operands)
        return any(_truthy(_eval(n, env)) for n in node.operands)
    return _compare(node.op, _eval(node.left, env), _eval(node.right, env))


def _compare(op: str, left: Any, right: Any) -> bool:
    if left is None or right is None:
        return False
    try:
        if op == "in":
            return left in right
        if op == "notin":
            return left not in right
        if op == "==":
            return bool(left == right)
        if op == "!=":
            return bool(left != right)
        if isinstance(left, bool) or isinstance(right, bool):
            return False
        if op == ">":
            return bool(left > right)
        if op == ">=":
            return bool(left >= right)
        if op == "<":
            return bool(left < right)
        return bool(left <= right)
    except TypeError:  # e.g. a text answer compared with a number
        return False


Compiled = Callable[[Mapping[str, Any]], Any]


def _compile(node: Node) -> Compiled:
    """The tree as nested closures with the meaning of ``_eval``: conditions are evaluated for every
    item of every company, and walking the tree with isinstance checks each time cost more than scoring."""
    if isinstance(node, Name):
        name = node.name
        return lambda env: env.get(name)
    if isinstance(node, (Literal, ListLit)):
        value = node.value if isinstance(node, Literal) else node.values
        return lambda _env: value
    if isinstance(node, Not):
        operand = _compile(node.operand)
        return lambda env: not _truthy(operand(env))
    if isinstance(node, BoolOp):
        parts = tuple(_compile(n) for n in node.operands)
        if node.op == "and":

            def all_of(env: Mapping[str, Any]) -> bool:
                for part in parts:  # noqa: SIM110 - a loop: no generator per evaluation
                    if not _truthy(part(env)):
                        return False
                return True

            return all_of

        def any_of(env: Mapping[str, Any]) -> bool:
            for part in parts:  # noqa: SIM110 - a loop: no generator per evaluation
                if _truthy(part(env)):
                    return True
            return False

        return any_of
    left, right, op = _compile(node.left), _compile(node.right), node.op
    return lambda env: _compare(op, left(env), right(env))


Predicate = Callable[[Mapping[str, Any]], bool]
_ORDER = {">": operator.gt, ">=": operator.ge, "<": operator.lt, "<=": operator.le}


def _compare_name(op: str, name: str, literal: Any) -> Predicate:
    """``name op literal`` with the meaning of ``_compare``, in one closure: the form most conditions take."""
    if op in ("in", "notin"):
        return lambda env: _compare(op, env.get(name), literal)
    ordering = op in _ORDER
    if ordering and isinstance(literal, bool):
        return lambda _env: False  # booleans are not ordered
    compare = _ORDER[op] if ordering else operator.eq if op == "==" else operator.ne

    def compared(env: Mapping[str, Any]) -> bool:
        v = env.get(name)
        if v is None or (ordering and isinstance(v, bool)):
            return False
        try:
            return bool(compare(v, literal))
        except TypeError:  # e.g. a text answer compared with a number
            return False

    return compared


def _predicate(node: Node) -> Predicate:
    """The tree as nested closures that give ``_truthy(_eval(node, env))``: conditions are evaluated for
    every item of every company."""
    if isinstance(node, Name):
        name = node.name
        return lambda env: bool(env.get(name))  # _truthy: None is false like any false value
    if isinstance(node, (Literal, ListLit)):
        constant = _truthy(node.value if isinstance(node, Literal) else node.values)
        return lambda _env: constant
    if isinstance(node, Not):
        operand = _predicate(node.operand)
        return lambda env: not operand(env)
    if isinstance(node, BoolOp):
        parts = tuple(_predicate(n) for n in node.operands)
        if len(parts) == 2:
            first, second = parts
            if node.op == "and":
                return lambda env: first(env) and second(env)
            return lambda env: first(env) or second(env)
        if node.op == "and":
            return lambda env: all(part(env) for part in parts)
        return lambda env: any(part(env) for part in parts)
    if isinstance(node.left, Name) and isinstance(node.right, (Literal, ListLit)) and node.op in _OPS:
        return _compare_name(node.op, node.left.name, _eval(node.right, {}))
    left, right, op = _compile(node.left), _compile(node.right), node.op
    return lambda env: _compare(op, left(env), right(env))


_OPS = frozenset({"==", "!=", "in", "notin", *_ORDER})


def python_expression(node: Node, constant: Callable[[Any], str]) -> str:
    """Python source of an expression with the value of ``_predicate(node)(env)`` (a bool), for code
    generated once per library and run for every item of every company (scoring's applicability).

    The expression reads names with ``g`` (``env.get``), may call the closures of ``_predicate`` with
    ``env`` and assigns the local ``v``; ``constant(value)`` gives the source of a name bound to
    ``value``. Names and literals never become source text of their own (``repr`` of a name is a string
    literal), so no condition can inject code."""
    if isinstance(node, Name):
        return f"(not not g({node.name!r}))"  # _truthy: None is false like any false value
    if isinstance(node, (Literal, ListLit)):
        return "True" if _truthy(node.value if isinstance(node, Literal) else node.values) else "False"
    if isinstance(node, Not):
        return f"(not {python_expression(node.operand, constant)})"
    if isinstance(node, BoolOp):
        joined = f" {node.op} ".join(python_expression(n, constant) for n in node.operands)
        return f"({joined})"
    if isinstance(node.left, Name) and isinstance(node.right, (Literal, ListLit)):
        name, literal = node.left.name, _eval(node.right, {})
        if literal is not None and not isinstance(literal, (list, dict, set)):
            if node.op == "==":  # None == literal is false, as _compare has it
                return f"(g({name!r}) == {constant(literal)})"
            if node.op == "!=":
                return f"((v := g({name!r})) is not None and v != {constant(literal)})"
        if node.op in ("in", "notin") and isinstance(node.right, ListLit):  # `in` a tuple never raises
            test = "in" if node.op == "in" else "not in"
            return f"((v := g({name!r})) is not None and v {test} {constant(literal)})"
    return f"{constant(_predicate(node))}(env)"


def _names(node: Node) -> list[str]:
    if isinstance(node, Name):
        return [node.name]
    if isinstance(node, Not):
        return _names(node.operand)
    if isinstance(node, BoolOp):
        return [n for child in node.operands for n in _names(child)]
    if isinstance(node, Compare):
        return _names(node.left) + _names(node.right)
    return []


def _comparisons(node: Node) -> list[Compare]:
    if isinstance(node, Compare):
        return [node]
    if isinstance(node, Not):
        return _comparisons(node.operand)
    if isinstance(node, BoolOp):
        return [c for child in node.operands for c in _comparisons(child)]
    return []


@dataclass(frozen=True)
class Condition:
    """A parsed condition: evaluate it against facts and answers, or list the names it uses."""

    source: str
    tree: Node

    def evaluate(self, env: Mapping[str, Any]) -> bool:
        return self.predicate(env)

    @functools.cached_property
    def predicate(self) -> Predicate:
        """``evaluate`` as one plain function, for loops that evaluate it for every company."""
        return _predicate(self.tree)

    def __getstate__(self) -> dict[str, Any]:  # closures do not pickle; they are rebuilt on first use
        return {k: v for k, v in self.__dict__.items() if k != "predicate"}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)

    @property
    def names(self) -> list[str]:
        return list(self._names)

    @functools.cached_property
    def _names(self) -> tuple[str, ...]:
        return tuple(dict.fromkeys(_names(self.tree)))

    def literal_comparisons(self) -> list[tuple[str, tuple[Any, ...]]]:
        """(name, literals it is compared with) pairs, for checking values against allowed options."""
        pairs: list[tuple[str, tuple[Any, ...]]] = []
        for c in _comparisons(self.tree):
            for a, b in ((c.left, c.right), (c.right, c.left)):
                if isinstance(a, Name) and isinstance(b, Literal):
                    pairs.append((a.name, (b.value,)))
                elif isinstance(a, Name) and isinstance(b, ListLit):
                    pairs.append((a.name, b.values))
        return pairs


def parse_condition(text: str) -> Condition:
    """Parse ``text``; raises ConditionError with the position of the first problem."""
    if not isinstance(text, str) or not text.strip():
        raise ConditionError("条件为空")
    if len(text) > MAX_CONDITION_CHARS:
        raise ConditionError(
            f"条件长 {len(text)} 个字符，{limit_text('', MAX_CONDITION_CHARS, ' 个字符')}", "limit-exceeded"
        )
    return Condition(text, _Parser(text).parse())
