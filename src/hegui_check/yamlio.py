"""Reading YAML/JSON with line numbers for error messages, and atomic writing of text files."""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import yaml

try:  # the C loader is several times faster; fall back to pure Python where libyaml is missing
    _Loader: type = yaml.CSafeLoader
except AttributeError:  # pragma: no cover - depends on the PyYAML build
    _Loader = yaml.SafeLoader


class Located:
    """A parsed document plus a way to find the source line of any path inside it."""

    def __init__(self, data: Any, root: yaml.Node | None):
        self.data = data
        self._root = root

    def line(self, loc: Sequence[str | int]) -> int | None:
        """1-based line of the deepest node reachable along ``loc`` (keys and list indexes)."""
        node = self._root
        best = node.start_mark.line + 1 if node is not None else None
        for key in loc:
            if isinstance(node, yaml.MappingNode):
                nxt = None
                for k, v in node.value:
                    if str(k.value) == str(key):
                        nxt = v
                        best = k.start_mark.line + 1
                        break
                node = nxt
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


def parse_yaml(text: str) -> Located:
    """Parse one YAML document safely, keeping the node tree for line lookups.

    Raises ``yaml.YAMLError`` for malformed input (callers turn it into a located message).
    """
    loader = _Loader(text)
    try:
        node = loader.get_single_node()
        data = loader.construct_document(node) if node is not None else None
    finally:
        loader.dispose()
    return Located(data, node)


def yaml_error_message(exc: yaml.YAMLError) -> str:
    """A one-line Chinese description of a YAML syntax error, with its line."""
    mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
    problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
    where = f"第 {mark.line + 1} 行第 {mark.column + 1} 列" if mark is not None else "未知位置"
    return f"YAML 格式错误（{where}）：{problem}"


def read_document(path: Path) -> Located:
    """Read a .yaml/.yml/.json file. Raises OSError, UnicodeDecodeError, ValueError with a message."""
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    if path.suffix.lower() == ".json":
        try:
            return Located(json.loads(text), None)
        except json.JSONDecodeError as exc:
            raise ValueError(f"JSON 格式错误（第 {exc.lineno} 行第 {exc.colno} 列）：{exc.msg}") from None
    try:
        return parse_yaml(text)
    except yaml.YAMLError as exc:
        raise ValueError(yaml_error_message(exc)) from None


def _target_mode(path: Path) -> int:
    """Keep an existing file's permissions; new files get the usual 0666 minus the umask."""
    try:
        return path.stat().st_mode & 0o7777
    except OSError:
        umask = os.umask(0)
        os.umask(umask)
        return 0o666 & ~umask


def atomic_write(path: Path, data: bytes | str) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same folder and an atomic rename.

    A crash or Ctrl-C mid-write leaves either the old file or the new one, never half of one.
    """
    path = Path(path)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, _target_mode(path))
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
