"""The command line in Chinese: help boilerplate, metavars and usage errors of typer/click.

typer vendors click with its English strings written into the code, so they are replaced here, once,
when the CLI module is imported: panel titles and the --help text, the usage prefix, the type names
shown as metavars, and the error printer (which rewrites click's usage errors in Chinese). Help text
is wrapped, never cut with "…", at any terminal width.
"""

from __future__ import annotations

import re
from typing import Any

_TYPE_NAMES = {
    "bool": None,
    "path": "路径",
    "file": "文件",
    "directory": "目录",
    "str": "文字",
    "int": "整数",
    "float": "数字",
    "int range": "整数",
    "float range": "数字",
    "datetime": "日期",
}

_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"^'?(.*?)'? is not a valid (integer|int)\.?$"), "“{0}”不是整数"),
    (re.compile(r"^'?(.*?)'? is not a valid (float|number)\.?$"), "“{0}”不是数字"),
    (re.compile(r"^Value '?(.*?)'? is not a valid (\w+)\.?$"), "“{0}”不是有效的值"),
    (re.compile(r"^'?(.*?)'? is not in the range (.*?)\.?$"), "“{0}”不在允许的范围（{1}）内"),
    (re.compile(r"^'?(.*?)'? is not one of (.*?)\.?$"), "“{0}”不在可选值 {1} 之中"),
    (re.compile(r"^(?:File|Path|Directory) '(.*?)' does not exist\.?$"), "“{0}”不存在"),
    (re.compile(r"^(?:File|Path) '(.*?)' is a directory\.?$"), "“{0}”是目录，这里需要一个文件"),
    (re.compile(r"^(?:Directory|Path) '(.*?)' is a file\.?$"), "“{0}”是文件，这里需要一个目录"),
    (re.compile(r"^Got unexpected extra arguments? \((.*)\)$"), "多余的参数：{0}"),
    (re.compile(r"^Option '?(.*?)'? requires an argument\.?$"), "选项 {0} 后面要跟一个值"),
    (re.compile(r"^Option '?(.*?)'? does not take a value\.?$"), "选项 {0} 后面不能跟值"),
    (re.compile(r"^No such command '?(.*?)'?\.?$"), "没有命令“{0}”"),
    (re.compile(r"^Missing command\.?$"), "缺少命令"),
    (re.compile(r"^Input should be a valid integer.*$"), "应为整数"),
    (re.compile(r"^Input should be a valid number.*$"), "应为数字"),
    (re.compile(r"^Input should be greater than or equal to (\S+).*$"), "应不小于 {0}"),
]


def _chinese(message: str) -> str:
    for pattern, template in _PATTERNS:
        m = pattern.match(message.strip())
        if m:
            return template.format(*m.groups())
    return message


def _param_hint(exc: Any) -> str | None:
    """How the error names its parameter: the hint click gives, else the option names or metavar."""
    if isinstance(exc.param_hint, str):
        return exc.param_hint
    if exc.param is None:
        return None
    if exc.param.param_type_name == "option":
        return " / ".join(exc.param.opts)
    return str(exc.param.metavar or (exc.param.name or "").upper())


def usage_error_text(exc: Any) -> str:
    """A click usage error in one Chinese sentence (pure, for the error printer and tests)."""
    from typer._click import exceptions as ex

    if isinstance(exc, ex.NoSuchOption):
        text = f"没有选项 {exc.option_name}"
        if exc.possibilities:
            text += "，您是不是要用：" + "、".join(sorted(exc.possibilities))
        return text
    if isinstance(exc, ex.MissingParameter):
        hint = _param_hint(exc)
        kind = "参数" if exc.param is not None and exc.param.param_type_name == "argument" else "选项"
        return f"缺少{kind} {hint or ''}".rstrip()
    if isinstance(exc, ex.BadParameter):
        hint = _param_hint(exc)
        detail = _chinese(exc.message)
        return f"{hint} 的值不对：{detail}" if hint else f"参数的值不对：{detail}"
    return _chinese(exc.format_message() if hasattr(exc, "format_message") else str(exc))


_BRACED = re.compile(r"\{([^{}]+)\}(\.\.\.)?")


def _usage(text: str) -> str:
    """click's usage line in Chinese: [选项], 命令 [参数]..., and argument names without braces."""
    text = (
        text.replace("Usage: ", "用法：")
        .replace("[OPTIONS]", "[选项]")
        .replace("COMMAND [ARGS]...", "命令 [参数]...")
    )
    return _BRACED.sub(lambda m: m.group(1), text)


def _print_error(exc: Any) -> None:
    from rich.console import Console
    from rich.markup import escape

    from .terminal import safe_text

    if exc.__class__.__name__ == "NoArgsIsHelpError":
        return
    console = Console(stderr=True, highlight=False)
    ctx = getattr(exc, "ctx", None)
    if ctx is not None:
        console.print(escape(_usage(ctx.get_usage())), soft_wrap=True)
    console.print(f"[red]错误：[/red]{safe_text(usage_error_text(exc))}", soft_wrap=True)
    if ctx is not None and ctx.command.get_help_option(ctx) is not None:
        console.print(
            escape(f"查看帮助：{ctx.command_path} {ctx.help_option_names[0]}"), style="dim", soft_wrap=True
        )


def _display_type(original: Any) -> Any:
    def display(self: Any, ctx: Any) -> str | None:
        if getattr(self, "metavar", None) is not None:
            return str(self.metavar)
        shown = original(self, ctx)
        if shown is None:
            return None
        text = str(shown)
        many = text.endswith("...")
        inner = text.removesuffix("...").strip("<>")
        if inner.startswith("list[") and inner.endswith("]"):
            inner, many = inner[5:-1].lower(), True
        if inner.lower() in _TYPE_NAMES:
            name = _TYPE_NAMES[inner.lower()]
            if name is None:
                return None
            return name + ("…" if many else "")
        return text

    return display


def _help_columns(original: Any) -> Any:
    def build(**kwargs: Any) -> Any:
        from rich.text import Text

        columns = original(**kwargs)
        parts = [r for r in getattr(columns, "renderables", []) if isinstance(r, Text)]
        if not parts or len(parts) != len(columns.renderables):
            return columns
        text = Text(overflow="fold", no_wrap=False)
        for n, part in enumerate(parts):
            if n:
                text.append(" ")
            text.append_text(part)
        return text

    return build


def _folding(original: Any) -> Any:
    def build(**kwargs: Any) -> Any:
        from rich.text import Text

        out = original(**kwargs)
        if isinstance(out, Text):
            out.overflow = "fold"
        return out

    return build


def _short_help(help: str, max_length: int = 45) -> str:
    """The first sentence of a command's help, whole (click would cut Chinese text with "…")."""
    first = help.split("\n\n", 1)[0].replace("\b", "").strip()
    for end in ("。", "；", ". "):
        if end in first:
            return first.split(end, 1)[0] + ("。" if end != ". " else ".")
    return " ".join(first.split())


def install() -> None:
    """Replace typer's English boilerplate with Chinese; safe to call more than once."""
    import typer.core as tcore
    import typer.rich_utils as ru
    from typer._click import core as click_core
    from typer._click import decorators, formatting

    if getattr(ru, "_hegui_installed", False):
        return
    ru._hegui_installed = True  # type: ignore[attr-defined]
    ru.ARGUMENTS_PANEL_TITLE = "参数"
    ru.OPTIONS_PANEL_TITLE = "选项"
    ru.COMMANDS_PANEL_TITLE = "命令"
    ru.ERRORS_PANEL_TITLE = "错误"
    ru.ABORTED_TEXT = "已中止。"
    ru.DEFAULT_STRING = "[默认：{}]"
    ru.REQUIRED_LONG_STRING = "[必填]"
    ru.ENVVAR_STRING = "[环境变量：{}]"
    ru.DEPRECATED_STRING = "（已停用）"
    ru.RICH_HELP = "查看帮助：{command_path} {help_option}"
    ru.rich_format_error = _print_error  # type: ignore[assignment]
    ru._get_parameter_help = _help_columns(ru._get_parameter_help)
    ru._make_command_help = _folding(ru._make_command_help)

    original_help_option = decorators.help_option

    def help_option(param_decls: list[str]) -> Any:
        decorate = original_help_option(param_decls)

        def apply(cmd: Any) -> Any:
            out = decorate(cmd)
            cmd.params[-1].help = "显示本帮助并退出"
            return out

        return apply

    decorators.help_option = help_option

    original_usage = formatting.HelpFormatter.write_usage

    def write_usage(self: Any, prog: str, args: str = "", prefix: str | None = None) -> None:
        original_usage(self, prog, _usage(args), "用法：" if prefix is None else prefix)

    formatting.HelpFormatter.write_usage = write_usage  # type: ignore[method-assign]
    setattr(click_core, "make_default_short_help", _short_help)  # noqa: B010 - not re-exported by typer's stubs
    for cls in (tcore.TyperOption, tcore.TyperArgument):
        cls.display_type_rich = _display_type(cls.display_type_rich)  # type: ignore[method-assign]
