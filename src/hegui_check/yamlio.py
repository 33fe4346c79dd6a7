"""Reading YAML/JSON with line numbers for error messages, and atomic writing of text files."""

from __future__ import annotations

import contextlib
import errno
import io
import json
import os
import random
import re
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import yaml

from .limits import (
    MAX_DEPTH,
    MAX_FILE_BYTES,
    MAX_INT_DIGITS,
    MAX_STRING_CHARS,
    MAX_YAML_ALIASES,
    MAX_YAML_EXPANDED,
    limit_text,
    shorten,
)

try:  # the C parser is several times faster; fall back to pure Python where libyaml is missing
    _Base: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Base = yaml.SafeLoader


class DocumentError(ValueError):
    """A document that breaks a rule before its content can be used (syntax, a limit, a duplicate key).

    The message is Chinese and names the line; ``code`` is one of errors.CODES."""

    def __init__(self, message: str, code: str = "malformed", line: int | None = None):
        super().__init__(message)
        self.code = code
        self.line = line


class _Loader(_Base):  # type: ignore[misc]
    """safe_load's loader, except that values it cannot represent stay text for the caller to judge:
    an impossible date such as 2026-02-30, or an integer with more digits than MAX_INT_DIGITS."""

    def construct_yaml_int(self, node: yaml.ScalarNode) -> Any:
        digits = sum(ch.isdigit() for ch in str(node.value))
        if digits > MAX_INT_DIGITS:
            return str(node.value)
        return super().construct_yaml_int(node)

    def construct_yaml_timestamp(self, node: yaml.ScalarNode) -> Any:
        try:
            return super().construct_yaml_timestamp(node)
        except (ValueError, OverflowError):
            return str(node.value)


_Loader.add_constructor("tag:yaml.org,2002:int", _Loader.construct_yaml_int)
_Loader.add_constructor("tag:yaml.org,2002:timestamp", _Loader.construct_yaml_timestamp)


class Located:
    """A parsed document plus a way to find the source line of any path inside it.

    The node tree that holds the lines is built only when a line is first asked for (a problem to
    report): a clean file is parsed once and never composed twice. A document read by the block reader
    comes with its lines already (``index``), so a lookup composes nothing."""

    def __init__(
        self, data: Any, root: yaml.Node | None, text: str | None = None, index: _LineIndex | None = None
    ):
        self.data = data
        self._root = root
        self._text = text  # YAML source whose node tree is composed on the first line lookup
        self._index = index
        self._keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}  # per mapping: key -> (key, value)

    def _tree(self) -> yaml.Node | None:
        if self._root is None and self._text is not None:
            text, self._text = self._text, None
            loader = _Loader(text)
            try:
                self._root = loader.get_single_node()
            except yaml.YAMLError:  # pragma: no cover - the same text parsed a moment ago
                self._root = None
            finally:
                loader.dispose()
        return self._root

    def _entries(self, node: yaml.MappingNode) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        entries = self._keys.get(id(node))
        if entries is None:  # built once per mapping, so thousands of problems stay linear
            entries = {}
            for k, v in node.value:
                entries.setdefault(str(k.value), (k, v))
            self._keys[id(node)] = entries
        return entries

    def line(self, loc: Sequence[str | int]) -> int | None:
        """1-based line of the deepest node reachable along ``loc`` (keys and list indexes)."""
        if self._index is not None:
            return self._index.line(loc)
        node = self._tree()
        best = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                found = self._entries(node).get(str(key))
                if found is not None:
                    best = found[0].start_mark.line + 1
                node = found[1] if found is not None else None
            elif isinstance(node, yaml.SequenceNode) and isinstance(key, int) and 0 <= key < len(node.value):
                node = node.value[key]
                best = node.start_mark.line + 1
            else:
                break
            if node is None:
                break
        return best


def read_error(exc: BaseException, kind: str = "文件") -> str:
    """Why a file could not be read, in one line (``kind`` names what was expected, e.g. 答题文件)."""
    if isinstance(exc, FileNotFoundError):
        return "文件不存在"
    if isinstance(exc, IsADirectoryError):
        return f"这是一个目录，不是{kind}"
    if isinstance(exc, PermissionError):
        return "没有读取权限"
    if isinstance(exc, UnicodeDecodeError):
        return f"不是 UTF-8 编码的文本文件（{kind}应为 YAML 或 JSON）"
    if isinstance(exc, OSError):
        return f"无法读取（{exc.strerror or exc}）"
    return str(exc)


def _line(event: Any) -> int:
    return int(event.start_mark.line) + 1


# long: one pass over the event stream that enforces every limit before the document is built
def check_yaml_events(text: str) -> None:
    """Walk the YAML event stream once and refuse, with the line, what would be dangerous or lossy to
    build: nesting deeper than MAX_DEPTH, more than MAX_YAML_ALIASES aliases, an alias to itself, a
    document larger than MAX_YAML_EXPANDED with aliases expanded, a text longer than MAX_STRING_CHARS,
    and a key that appears twice in one mapping (YAML would keep only the last silently).

    Memory is bounded by the nesting depth and the number of keys; nothing is expanded."""
    parser = _Base(text)
    anchors: dict[str, int] = {}  # anchor -> expanded size of its node
    # open collections: [anchor, expanded size so far, keys seen (mapping) or None, child count]
    stack: list[list[Any]] = []
    aliases = 0
    expanded = 0
    try:
        while True:
            event = parser.get_event()
            if isinstance(event, (yaml.StreamEndEvent)):
                return
            if isinstance(event, (yaml.StreamStartEvent, yaml.DocumentStartEvent, yaml.DocumentEndEvent)):
                continue
            if isinstance(event, (yaml.MappingEndEvent, yaml.SequenceEndEvent)):
                anchor, size, _keys, _n = stack.pop()
                if anchor is not None:
                    anchors[anchor] = size
                if stack:
                    stack[-1][1] += size
                    stack[-1][3] += 1
                continue
            is_key = bool(stack) and stack[-1][2] is not None and stack[-1][3] % 2 == 0
            if isinstance(event, yaml.AliasEvent):
                aliases += 1
                if aliases > MAX_YAML_ALIASES:
                    raise DocumentError(
                        f"第 {_line(event)} 行：YAML 别名（*引用）的数量{limit_text('', MAX_YAML_ALIASES, ' 个')}",
                        "limit-exceeded",
                        _line(event),
                    )
                if any(frame[0] == event.anchor for frame in stack):
                    raise DocumentError(
                        f"第 {_line(event)} 行：YAML 别名 *{shorten(event.anchor, 40)} 引用了包含它自己的内容",
                        "malformed",
                        _line(event),
                    )
                size = anchors.get(event.anchor or "", 0)
            elif isinstance(event, yaml.ScalarEvent):
                value = event.value
                if len(value) > MAX_STRING_CHARS:
                    raise DocumentError(
                        f"第 {_line(event)} 行：一段文字长 {len(value)} 个字符，"
                        f"{limit_text('单个取值的长度', MAX_STRING_CHARS, ' 个字符')}",
                        "limit-exceeded",
                        _line(event),
                    )
                size = len(value) + 1
                if is_key:
                    seen = stack[-1][2]
                    if value in seen:
                        raise DocumentError(
                            f"第 {_line(event)} 行：键“{shorten(value, 40)}”重复出现（第一次在第 {seen[value]} 行）；"
                            "同一层级的键只能出现一次，否则前面的内容会被悄悄丢掉。请合并或删除其中一处",
                            "duplicate-key",
                            _line(event),
                        )
                    seen[value] = _line(event)
                if event.anchor is not None:
                    anchors[event.anchor] = size
            else:  # a mapping or sequence starts
                if len(stack) >= MAX_DEPTH:
                    raise DocumentError(
                        f"第 {_line(event)} 行：{limit_text('嵌套层数', MAX_DEPTH, ' 层')}",
                        "limit-exceeded",
                        _line(event),
                    )
                expanded += 1
                stack.append([event.anchor, 1, {} if isinstance(event, yaml.MappingStartEvent) else None, 0])
                continue
            expanded += size
            if expanded > MAX_YAML_EXPANDED:
                raise DocumentError(
                    f"第 {_line(event)} 行：展开别名后的文档大小{limit_text('', MAX_YAML_EXPANDED, ' 个字符')}",
                    "limit-exceeded",
                    _line(event),
                )
            if stack:
                stack[-1][1] += size
                stack[-1][3] += 1
    finally:
        with contextlib.suppress(Exception):
            parser.dispose()


class _CheckedLoader(_Loader):
    """The loader of the fast path: while it builds the document it notices, cheaply, what the event
    walk would refuse — a text past MAX_STRING_CHARS, a key twice in one mapping (a mapping whose
    entries did not all become keys) — and hands the document to the event walk, which names the line."""

    def construct_scalar(self, node: yaml.ScalarNode) -> Any:
        if len(node.value) > MAX_STRING_CHARS:
            raise _Recheck
        return super().construct_scalar(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> Any:
        mapping = super().construct_mapping(node, deep=deep)
        if len(mapping) != len(node.value):
            raise _Recheck
        return mapping


class _Recheck(Exception):
    """The fast path found something the event walk must judge and locate."""


def _deeper_than(data: Any, limit: int) -> bool:
    """Whether mappings and lists nest more than ``limit`` deep (only containers are visited)."""
    stack = [(data, 1)]
    while stack:
        value, depth = stack.pop()
        if depth > limit:
            return True
        children = value.values() if isinstance(value, dict) else value
        stack.extend((v, depth + 1) for v in children if isinstance(v, (dict, list)))
    return False


_STR, _MAP, _SEQ = "tag:yaml.org,2002:str", "tag:yaml.org,2002:map", "tag:yaml.org,2002:seq"
_PLAIN_SCALARS = {f"tag:yaml.org,2002:{t}" for t in ("int", "float", "bool", "null", "timestamp")}


class _Unusual(Exception):
    """A node the fast builder leaves to PyYAML's constructor (merge keys, other tags, unhashable keys)."""


def _build(node: yaml.Node, loader: _Loader, depth: int) -> Any:
    """The value of a composed node, as safe_load (our _Loader) would build it, for plain documents:
    text, numbers, booleans, null, dates, mappings and lists. Deeper than MAX_DEPTH, a text past
    MAX_STRING_CHARS or a key twice raise _Recheck (the event walk locates them); anything else
    unusual raises _Unusual."""
    tag = node.tag
    if tag == _STR:
        if len(node.value) > MAX_STRING_CHARS:
            raise _Recheck
        return node.value
    if tag in _PLAIN_SCALARS:
        if len(node.value) > MAX_STRING_CHARS:
            raise _Recheck
        return loader.yaml_constructors[tag](loader, node)
    if depth >= MAX_DEPTH:
        raise _Recheck
    if tag == _MAP:
        mapping: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            key = _build(key_node, loader, depth + 1)
            if isinstance(key, (dict, list)) or key_node.tag not in _PLAIN_SCALARS and key_node.tag != _STR:
                raise _Unusual
            if key in mapping:
                raise _Recheck
            mapping[key] = _build(value_node, loader, depth + 1)
        return mapping
    if tag == _SEQ:
        return [_build(item, loader, depth + 1) for item in node.value]
    raise _Unusual


def _fast_parse(text: str) -> Located | None:
    """The document composed by libyaml and built in one plain pass, when it cannot hold what the event
    walk guards against; None when the event walk must run. Without an anchor (``&``) no alias can
    expand, so the document is a tree no larger than the text; its strings, keys and depth are checked
    while it is built."""
    if "&" in text or 2 * len(text) > MAX_YAML_EXPANDED:
        return None
    loader = _CheckedLoader(text)
    try:
        node = loader.get_single_node()
        if node is None:
            return Located(None, None, text)
        try:
            data = _build(node, loader, 1)
        except _Unusual:
            data = loader.construct_document(node)
    except _Recheck:
        return None
    finally:
        loader.dispose()
    if isinstance(data, (dict, list)) and _deeper_than(data, MAX_DEPTH):
        return None
    return Located(data, None, text)


# ---------------------------------------------------------------------------------------------
# the block reader: answer files as they are written and edited, read without libyaml


class _LineIndex:
    """The lines of a document read by the block reader, shaped like the document: a mapping's keys with
    (line of the key, index of its value), a list's items with (line, index); None for a scalar."""

    def __init__(self, root_line: int, root: dict[str, tuple[int, Any]]):
        self.root_line = root_line
        self.root = root

    def line(self, loc: Sequence[str | int]) -> int:
        """As Located.line walks the node tree: the line of the deepest key or item reachable."""
        best, node = self.root_line, self.root
        for key in loc:
            if isinstance(node, dict):
                found = node.get(str(key))
                if found is None:
                    break
                best, node = found
            elif isinstance(node, list) and isinstance(key, int) and 0 <= key < len(node):
                best, node = node[key]
            else:
                break
        return best


class _NotBlock(Exception):
    """Outside what the block reader reads; the document goes to libyaml."""


# Characters the block reader takes: spaces and what YAML calls printable, except tabs, carriage returns,
# other line breaks (NEL, LS, PS) and the byte order mark; a line with anything else goes to libyaml.
_OUTSIDE_BLOCK = re.compile(
    "[^\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]"
)
# One line: indentation, then a comment, or an optional "- ", an optional "key:" and an optional one-line
# scalar (quoted without escapes, or plain without ":" or "#", which could start a mapping or a comment).
# Whatever is left over ("junk") is not for the block reader.
_BLOCK_LINE = re.compile(
    r"""(\ *)(?:
        (\#.*)
      | (-(?:\ +|$))?
        (?:([A-Za-z_][A-Za-z0-9_.\-]*):(?:\ +|$))?
        (?:('[^']*(?:''[^']*)*') | ("[^"\\]*") | ([^\s\-?:,\[\]{}\#&*!|>'"%@`][^:\#]*))?
        \ *(.*)
    )""",
    re.VERBOSE,
)
_SCALARS: dict[str, Any] = {}  # plain text -> its value, for the short texts answer files repeat
_SCALARS_MAX = 4096
_RESOLVING: list[_Loader] = []  # one loader whose resolver and constructors type plain scalars
_RESOLVED_FIRST = frozenset(_Loader.yaml_implicit_resolvers)  # the first characters of typed scalars


def _plain(text: str) -> Any:
    """The value of a plain (unquoted) scalar as our loader builds it: text, or the int, float, bool,
    null or date its resolver reads it as. Other tags (``=``, ``<<``) raise _NotBlock."""
    if text[0] not in _RESOLVED_FIRST:
        return text  # no implicit type starts with this character: text, as the resolver would say
    found = _SCALARS.get(text)
    if found is not None or text in _SCALARS:
        return found
    if not _RESOLVING:
        _RESOLVING.append(_Loader(""))
    loader = _RESOLVING[0]
    tag = loader.resolve(yaml.ScalarNode, text, (True, False))
    if tag == _STR:
        value: Any = text
    elif tag in _PLAIN_SCALARS:
        value = loader.yaml_constructors[tag](loader, yaml.ScalarNode(tag, text))
    else:
        raise _NotBlock
    if len(text) <= 64:
        if len(_SCALARS) >= _SCALARS_MAX:
            _SCALARS.clear()
        _SCALARS[text] = value
    return value


_SKIP = (-1, False, "", False, None)  # a blank line or a comment
# a line as the block reader reads it: (indent, a "- " item, key or "", a value on the line, the value);
# lines answer files repeat ("  tax.bookkeeping: 'yes'") are read once
_LINES: dict[str, tuple[int, bool, str, bool, Any]] = {}
# lines read once so far: a line is remembered in _LINES when it comes again, so that the lines only one
# company has (its name, code, notes) do not fill _LINES and push out the ones every company has
_SEEN_ONCE: set[str] = set()
_LINES_MAX = 4096
_LINE_CHARS = 100  # longer lines (notes) are rarely the same twice
_BLOCK_MAX_CHARS = 512 * 1024  # an answer file with long notes on every item is a fraction of this


def _read_line(line: str) -> tuple[int, bool, str, bool, Any] | None:
    """One line of a block document, or None when it is not for the block reader."""
    if _OUTSIDE_BLOCK.search(line):
        return None
    m = _BLOCK_LINE.fullmatch(line)
    if m is None:  # pragma: no cover - the pattern takes any line of the characters above
        return None
    spaces, comment, dash, key, single, double, plain, junk = m.groups("")
    if junk or (dash and key):
        return None
    if comment or not (dash or key):
        return None if (single or double or plain) else _SKIP  # a scalar on a line of its own: continued
    raw = single or double or plain
    if len(raw) > MAX_STRING_CHARS:
        return None  # perhaps a text past the limit: libyaml's path names its line
    try:
        if key and not isinstance(_plain(key), str):
            return None  # a key read as true, null …
        if single:
            value: Any = single[1:-1].replace("''", "'")
        elif double:
            value = double[1:-1]
        elif plain:
            value = _plain(plain.rstrip(" "))
        elif dash:
            return None  # "-" alone: a null item or a block below it
        else:
            value = None
    except _NotBlock:
        return None
    return len(spaces), bool(dash), key, bool(raw), value


# long: one pass over the lines with a stack of the open mappings and lists
def _read_block(text: str) -> Located | None:  # noqa: C901 - see the comment above
    """Read a document in the block style answer files are written in — nested ``key: value`` lines,
    ``- item`` lists, quoted or plain one-line scalars, comments and blank lines — with the data and
    lines our loader would give. None for anything else (flow style, anchors, tags, multi-line or escaped
    scalars, duplicate keys, limits): libyaml's path reads it, or refuses it naming the line.

    Without anchors the document is no larger than its text; depth and text length are checked here.
    A text larger than any answer file goes straight to libyaml, which would read it again after a late
    refusal here."""
    if len(text) > _BLOCK_MAX_CHARS:
        return None
    if "\r" in text:
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    root: dict[Any, Any] = {}
    root_lines: dict[str, tuple[int, Any]] = {}
    # the open collections, innermost last: (indent, container, its line index, is a list)
    stack: list[tuple[int, Any, Any, bool]] = [(0, root, root_lines, False)]
    at, container, lines, in_list = stack[-1]
    pending: tuple[int, dict[Any, Any], str, dict[str, tuple[int, Any]], int] | None = None
    root_line = 0
    known = _LINES
    for number, line in enumerate(text.split("\n"), 1):
        parts = known.get(line)
        if parts is None:
            parts = _read_line(line)
            if parts is None:
                return None
            if len(line) <= _LINE_CHARS:
                if line in _SEEN_ONCE:  # kept from its second time on: a company's own lines are not
                    if len(known) >= _LINES_MAX:
                        known.clear()
                    known[line] = parts
                else:
                    if len(_SEEN_ONCE) >= _LINES_MAX:
                        _SEEN_ONCE.clear()
                    _SEEN_ONCE.add(line)
        indent, entry, key, valued, value = parts
        if indent < 0:
            continue
        if not root_line:
            if indent or entry:
                return None
            root_line = number
        if pending is not None:  # a key without a value on its line: a block below it, or null
            parent_at, parent, name, parent_lines, key_line = pending
            pending = None
            if indent > parent_at or (entry and indent == parent_at):
                if len(stack) >= MAX_DEPTH:
                    return None
                at, in_list = indent, entry
                container, lines = ([], []) if entry else ({}, {})
                parent[name] = container
                parent_lines[name] = (key_line, lines)
                stack.append((at, container, lines, in_list))
        if at != indent or in_list != entry:  # back out to the collection this line belongs to
            while stack[-1][0] > indent or (stack[-1][0] == indent and stack[-1][3] and not entry):
                stack.pop()
                if not stack:
                    return None
            at, container, lines, in_list = stack[-1]
            if at != indent or in_list != entry:
                return None
        if entry:
            container.append(value)
            lines.append((number, None))
            continue
        if key in container:
            return None  # a key twice: libyaml's path names both lines
        container[key] = value
        lines[key] = (number, None)
        if not valued:
            pending = (indent, container, key, lines, number)
    if not root_line:
        return None
    return Located(root, None, None, _LineIndex(root_line, root_lines))


def parse_yaml(text: str) -> Located:
    """Parse one YAML document safely within the limits; line numbers are looked up on demand.

    Raises ``DocumentError`` (syntax, a limit, a duplicate key), its message in Chinese with the line."""
    block = _read_block(text)
    if block is not None:
        return block
    try:
        fast = _fast_parse(text)
        if fast is not None:
            return fast
        check_yaml_events(text)
        loader = _Loader(text)
        try:
            node = loader.get_single_node()
            data = loader.construct_document(node) if node is not None else None
        finally:
            loader.dispose()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line = mark.line + 1 if mark is not None else None
        if "nesting depth" in str(
            getattr(exc, "problem", "")
        ):  # libyaml's own cap, reached while scanning ahead
            raise DocumentError(
                f"第 {line} 行：{limit_text('嵌套层数', MAX_DEPTH, ' 层')}", "limit-exceeded", line
            ) from None
        raise DocumentError(yaml_error_message(exc), "malformed", line) from None
    return Located(data, node)


def yaml_error_message(exc: yaml.YAMLError) -> str:
    """A one-line Chinese description of a YAML syntax error, with its line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else "未知位置"
    return f"YAML 格式错误（{where}）：{shorten(problem)}"


_JSON_STRING = re.compile(r'"(?:[^"\\\n]|\\.)*"')
_JSON_BRACKET = re.compile(r"[\[\]{}]")


class _DuplicateKey(Exception):
    def __init__(self, key: str):
        self.key = key


def _json_pairs(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    result: dict[str, Any] = {}
    for key, value in pairs:
        if key in result:
            raise _DuplicateKey(key)
        result[key] = value
    return result


def _json_int(text: str) -> Any:
    return text if len(text.lstrip("-")) > MAX_INT_DIGITS else int(text)


_SURROGATE = re.compile("[\ud800-\udfff]")


def _has_surrogate(data: Any) -> bool:
    stack = [data]
    while stack:
        value = stack.pop()
        if isinstance(value, str):
            if _SURROGATE.search(value):
                return True
        elif isinstance(value, dict):
            stack.extend(value.keys())
            stack.extend(value.values())
        elif isinstance(value, list):
            stack.extend(value)
    return False


def parse_json(text: str) -> Located:
    """Parse JSON within the limits: nesting depth checked before parsing, a key twice in one object is an
    error naming both lines, integers longer than MAX_INT_DIGITS stay text for the caller to judge."""
    skeleton = _JSON_STRING.sub(lambda m: '""' + "\n" * m.group(0).count("\n"), text)
    depth = 0
    for m in _JSON_BRACKET.finditer(skeleton):
        depth += 1 if m.group(0) in "[{" else -1
        if depth > MAX_DEPTH:
            line = skeleton.count("\n", 0, m.start()) + 1
            raise DocumentError(
                f"第 {line} 行：{limit_text('嵌套层数', MAX_DEPTH, ' 层')}", "limit-exceeded", line
            )
    try:
        data = json.loads(text, object_pairs_hook=_json_pairs, parse_int=_json_int)
    except _DuplicateKey as exc:
        try:  # JSON is YAML: the event walk names both lines
            check_yaml_events(text)
        except DocumentError as located:
            if located.code == "duplicate-key":
                raise located from None
        except yaml.YAMLError:
            pass
        raise DocumentError(
            f"键“{shorten(exc.key, 40)}”在同一个对象中重复出现；同一层级的键只能出现一次，"
            "否则前面的内容会被悄悄丢掉",
            "duplicate-key",
        ) from None
    except json.JSONDecodeError as exc:
        raise DocumentError(
            f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}", "malformed", exc.lineno
        ) from None
    except (ValueError, RecursionError) as exc:
        raise DocumentError(f"JSON 格式错误：{shorten(str(exc))}", "malformed") from None
    if _has_surrogate(data):  # "\ud800" is valid JSON but no text: nothing could write it out again
        found = re.search(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}", text)
        at = text.count("\n", 0, found.start()) + 1 if found else 1
        raise DocumentError(
            f"第 {at} 行：文字中有不成对的 UTF-16 代理字符（\\ud800–\\udfff），不是有效的文字",
            "bad-value",
            at,
        )
    for m in _JSON_STRING.finditer(text):
        if len(m.group(0)) > MAX_STRING_CHARS + 2:
            line = text.count("\n", 0, m.start()) + 1
            raise DocumentError(
                f"第 {line} 行：一段文字长 {len(m.group(0)) - 2} 个字符，"
                f"{limit_text('单个取值的长度', MAX_STRING_CHARS, ' 个字符')}",
                "limit-exceeded",
                line,
            )
    return Located(data, None)


def _json_encoder(sort_keys: bool) -> Callable[[Any], str]:
    """``json.dumps(value, ensure_ascii=False, default=str, sort_keys=sort_keys)``, the same text, with the
    encoder made once: json.dumps makes a new encoder on every call with options, and that encoder its C
    encoder on every call. Our values are trees (no check for circular references is needed); without
    json's C accelerator the pure-Python encoder is used."""
    encoder = json.JSONEncoder(ensure_ascii=False, default=str, sort_keys=sort_keys)
    make = getattr(json.encoder, "c_make_encoder", None)
    text = json.encoder.encode_basestring  # what the encoder writes a str with (the C one when there is)
    try:
        fast = make(  # type: ignore[misc]
            None, encoder.default, text, None, ": ", ", ", sort_keys, False, True
        )
    except TypeError:  # no C encoder, or another signature
        return encoder.encode

    def encode(value: Any) -> str:
        if value.__class__ is str:
            return text(value)
        return "".join(fast(value, 0))

    return encode


# json.dumps(value, ensure_ascii=False, default=str): results, records and manifest lines, the industry JSON
compact_json = _json_encoder(sort_keys=False)
# the same with sort_keys=True: what report numbers hash
sorted_json = _json_encoder(sort_keys=True)


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_BINARY", 0) | getattr(os, "O_CLOEXEC", 0)


def read_text(path: str | Path) -> tuple[str, os.stat_result]:
    """The text of a file of at most MAX_FILE_BYTES and its status as it was read (size, modification
    time). Raises OSError, UnicodeDecodeError, or DocumentError for a file past the limit."""
    fd = os.open(path, _READ_FLAGS)
    try:
        st = os.fstat(fd)
        chunks: list[bytes] = []
        want = min(st.st_size, MAX_FILE_BYTES) + 1  # one byte more than it holds: the end is seen at once
        total = 0
        while total <= MAX_FILE_BYTES:
            chunk = os.read(fd, want)
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
            want = MAX_FILE_BYTES + 1 - total
    finally:
        os.close(fd)
    if total > MAX_FILE_BYTES:
        raise DocumentError(
            f"文件{limit_text('大小', MAX_FILE_BYTES // (1024 * 1024), ' MB')}", "limit-exceeded"
        )
    return b"".join(chunks).decode("utf-8-sig"), st


def parse_document(text: str, path: str | Path) -> Located:
    """A .json file's text as JSON, any other as YAML, within the limits (see parse_json, parse_yaml)."""
    if os.path.splitext(path)[1].lower() == ".json":
        return parse_json(text)
    return parse_yaml(text)


def read_document(path: Path) -> Located:
    """Read a .yaml/.yml/.json file within the limits. Raises OSError, UnicodeDecodeError, or
    DocumentError (a ValueError) whose Chinese message names the line."""
    return parse_document(read_text(path)[0], path)


def _target_mode(path: str | Path) -> int | None:
    """An existing file's permissions, to keep; None for a new file (it gets the usual 0666 minus the
    umask, as open gives it)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return None


# as tempfile.mkstemp opens its files: new (never an existing file or link), binary on Windows
_TEMP_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_EXCL
for _flag in ("O_NOFOLLOW", "O_BINARY", "O_CLOEXEC"):
    _TEMP_FLAGS |= getattr(os, _flag, 0)


_WRITE_BUFFER = io.DEFAULT_BUFFER_SIZE  # given, so opening does not ask if the file is a terminal


def _open_temp(path: str | Path, mode: int = 0o600) -> tuple[int, str]:
    """A new, empty file beside ``path`` named ``.<name>.<random>.tmp`` (so a killed run's leftovers are
    recognised), created with ``mode`` less the umask (private unless told), creating the folder when it
    is missing."""
    folder, name = os.path.split(path)
    for attempt in range(100):
        tmp = os.path.join(folder, f".{name}.{random.getrandbits(40):010x}.tmp")
        try:
            return os.open(tmp, _TEMP_FLAGS, mode), tmp
        except FileExistsError:
            continue
        except FileNotFoundError:
            if attempt:
                raise
            os.makedirs(folder or ".", exist_ok=True)
    raise FileExistsError(errno.EEXIST, "无法创建临时文件", str(path))  # pragma: no cover - 100 name clashes


def atomic_write(path: str | Path, data: bytes | str, *, durable: bool = True) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    A crash or Ctrl-C mid-write leaves either the old file or the new one, never half of one. With
    ``durable`` False the data is not forced to disk before the rename: for callers that sync many
    files at once (a batch syncs once a second), which survives a killed process but not a power cut
    in that second.
    """
    atomic_write_stream(path, data.encode("utf-8") if isinstance(data, str) else data, durable=durable)


def atomic_write_stream(
    path: str | Path,
    write: Callable[[BinaryIO], object] | bytes,
    *,
    keep_mode: bool = True,
    durable: bool = True,
) -> None:
    """The one way files are written: piece by piece through ``write(file)`` (or ``write`` itself, bytes
    in one piece, straight to the file descriptor) into a new temporary file beside ``path``, forced to disk
    (unless not ``durable``), then renamed over it. ``keep_mode`` False leaves the temporary file's private
    mode (a batch's records file). A new file is created with the mode it will have; an existing one's
    mode is set on the temporary file before the rename."""
    mode = _target_mode(path) if keep_mode else None
    try:
        fd, tmp = _open_temp(path, 0o666 if keep_mode and mode is None else 0o600)
    except OSError as exc:  # name the file the user asked for, not our temp file
        raise OSError(exc.errno, exc.strerror, str(path)) from None
    try:
        if isinstance(write, bytes):
            payload = memoryview(write)
            try:
                while payload:  # os.write may write less than it is given
                    payload = payload[os.write(fd, payload) :]
                if durable:
                    os.fsync(fd)
            finally:
                os.close(fd)
        else:
            with os.fdopen(fd, "wb", buffering=_WRITE_BUFFER) as fh:  # a size given: no terminal check
                write(fh)
                fh.flush()
                if durable:
                    os.fsync(fh.fileno())
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise OSError(exc.errno, exc.strerror, str(path)) from None
        raise
