"""Sorting `validate` arguments into checklist folders, single module files and answer files."""

from __future__ import annotations

from pathlib import Path

from .errors import HeguiCheckError
from .yamlio import read_document


def classify_paths(paths: list[Path]) -> tuple[list[Path], list[Path], list[Path]]:
    """(library folders, module files, answer files). A file with a top-level `module:` is a module."""
    dirs: list[Path] = []
    modules: list[Path] = []
    answers: list[Path] = []
    for path in paths:
        if path.is_dir():
            dirs.append(path)
        elif not path.exists():
            raise HeguiCheckError(f"{path}: 文件或目录不存在")
        else:
            try:
                data = read_document(path).data
            except (OSError, UnicodeDecodeError, ValueError):
                answers.append(path)  # load_answers reports the exact problem
                continue
            (modules if isinstance(data, dict) and "module" in data else answers).append(path)
    return dirs, modules, answers
