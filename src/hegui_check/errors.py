"""The one exception hierarchy of hegui-check; the CLI catches HeguiCheckError once."""

from __future__ import annotations


class HeguiCheckError(Exception):
    """Base class: a problem the user can fix, with a one-line message in Chinese."""


class QuestionnaireError(HeguiCheckError):
    """A questionnaire (checklist) file is malformed or inconsistent."""

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(problems[0] if len(problems) == 1 else f"{len(problems)} 处问题：\n" + "\n".join(problems))


class AnswersError(HeguiCheckError):
    """An answer file could not be read at all, or has errors under --strict."""


class ReportError(HeguiCheckError):
    """A report could not be rendered (missing system library, unwritable path …)."""


class OutputExistsError(HeguiCheckError):
    """An output file exists and --force was not given."""
