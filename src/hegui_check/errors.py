"""The one exception hierarchy of hegui-check and the problem codes; the CLI catches HeguiCheckError once.

Every error carries a ``code`` (a short stable string from ``CODES``) so that callers decide by code,
never by parsing the Chinese message.
"""

from __future__ import annotations

CODES = {
    "unreadable": "文件无法读取（不存在、没有权限、编码不对）",
    "malformed": "文件格式错误（YAML/JSON/CSV/XLSX 语法）",
    "duplicate-key": "同一个键出现了两次",
    "limit-exceeded": "超过输入限制（大小、嵌套、别名、行列数等）",
    "bad-value": "取值不允许或类型不对",
    "unknown-field": "不认识的字段",
    "unknown-id": "检查清单中没有这道题",
    "duplicate-answer": "同一道题有两个答案",
    "renamed-id": "题目已改名，按新 id 读取",
    "retired-id": "题目已删除，答案不计分",
    "version-mismatch": "答题文件与检查清单版本不同",
    "missing-version": "答题文件缺少格式版本",
    "not-applicable": "回答了不适用的题目",
    "bad-uscc": "统一社会信用代码有误",
    "profile-invalid": "画像取值无法识别，相关模块未检查",
    "profile-missing": "画像缺少决定模块是否适用的取值",
    "missing-name": "缺少企业名称",
    "unknown-column": "表格中有无法对应的列",
    "empty": "没有内容",
    "unsupported-format": "不支持的文件格式",
    "output-exists": "输出文件已存在",
    "write-failed": "输出文件无法写入",
    "render-failed": "报告生成失败",
    "bad-questionnaire": "检查清单有误",
    "bad-condition": "条件有误",
    "bad-letterhead": "信头文件有误",
    "overlap": "合并的分片目录重叠",
    "mismatch": "合并的分片不是同一次分片运行",
    "failed": "其他错误",
}


class HeguiCheckError(Exception):
    """Base class: a problem the user can fix, with a one-line message in Chinese (the reason, naming the
    place), a stable ``code`` and, where known, the place alone in ``where`` ("file:line", "file 第N行")."""

    code = "failed"
    where: str | None = None

    def __init__(self, message: str, *, code: str | None = None, where: str | None = None):
        super().__init__(message)
        if code is not None:
            self.code = code
        if where is not None:
            self.where = where


class QuestionnaireError(HeguiCheckError):
    """A questionnaire (checklist) file is malformed or inconsistent."""

    code = "bad-questionnaire"

    def __init__(self, problems: list[str]):
        self.problems = problems
        super().__init__(
            problems[0] if len(problems) == 1 else f"{len(problems)} 处问题：\n" + "\n".join(problems)
        )


class AnswersError(HeguiCheckError):
    """An answer file could not be read at all, or has errors under --strict."""

    code = "unreadable"


class ReportError(HeguiCheckError):
    """A report could not be rendered (missing system library, unwritable path …)."""

    code = "render-failed"


class OutputExistsError(HeguiCheckError):
    """An output file exists and --force was not given."""

    code = "output-exists"
