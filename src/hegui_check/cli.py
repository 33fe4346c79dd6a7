"""Command-line interface: parse options, call one library function, print, map errors to exit codes.

Exit codes: 0 success (warnings allowed); 1 an error in the input or a failed check; 2 usage error;
130 interrupted with Ctrl-C (answers saved).
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
import sys
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any, Optional, TypeVar

import typer

from .cli_text import install as _install_chinese_cli
from .errors import HeguiCheckError, OutputExistsError
from .terminal import safe_text

_install_chinese_cli()

app = typer.Typer(
    name="hegui-check",
    help="企业合规体检：回答问卷，得到带法律依据和整改建议的中文 PDF 体检报告。全程离线。",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_show_locals=False,
    rich_markup_mode="rich",
)

F = TypeVar("F", bound=Callable[..., Any])
# a batch moves its progress bar at most this often (rich draws it 10 times a second)
PROGRESS_INTERVAL_S = 0.05

QuestionnairesOpt = typer.Option(
    None, "--questionnaires", help="另外加载的检查清单目录（如协会自编的行业包），可重复", metavar="目录"
)
NoBuiltinOpt = typer.Option(False, "--no-builtin", help="不加载内置检查清单，只用 --questionnaires 给出的")
ForceOpt = typer.Option(False, "--force", help="覆盖已存在的输出文件")


def _console(stderr: bool = False) -> Any:
    from rich.console import Console

    return Console(stderr=stderr, highlight=False, soft_wrap=True)


def handle_errors(fn: F) -> F:
    """Turn library errors — and the OS refusing a file the user named — into a one-line 错误 message
    and exit code 1 (never a traceback)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return fn(*args, **kwargs)
        except HeguiCheckError as exc:
            _console(stderr=True).print(f"[red]错误：[/red]{safe_text(exc)}", markup=True)
            raise typer.Exit(1) from None
        except OSError as exc:  # an output path that cannot be written: a folder, no permission, disk full
            target = f"{exc.filename}: " if exc.filename else ""
            _console(stderr=True).print(
                f"[red]错误：[/red]{safe_text(target)}无法写入或读取（{safe_text(exc.strerror or type(exc).__name__)}）；"
                "请检查路径、权限和磁盘空间，或用 -o 换一个位置",
                markup=True,
            )
            raise typer.Exit(1) from None

    return wrapper  # type: ignore[return-value]


def _load(questionnaires: Optional[list[Path]], no_builtin: bool) -> Any:
    from .questionnaire import load_questionnaire

    return load_questionnaire(questionnaires or [], builtin=not no_builtin)


def _parse_shard(value: str | None) -> tuple[int, int] | None:
    """``K/N`` (1 ≤ K ≤ N): this run checks the K-th of N shares of the companies."""
    if value is None:
        return None
    match = re.fullmatch(r"\s*(\d{1,6})\s*/\s*(\d{1,6})\s*", value)
    if not match:
        raise typer.BadParameter(
            f"“{value}”格式不对，应写成 K/N，如 1/4（共 4 片中的第 1 片）", param_hint="--shard"
        )
    k, n = int(match.group(1)), int(match.group(2))
    if n < 1 or not 1 <= k <= n:
        raise typer.BadParameter(
            f"“{value}”不对：分片数 N 至少为 1，序号 K 应在 1 到 N 之间（如 1/{max(n, 2)}）",
            param_hint="--shard",
        )
    return k, n


def _parse_formats(value: str, kind: str = "report") -> list[Any]:
    """--format through the renderers' registry: a usage error (exit 2) names what the command can make."""
    from .render import FormatError, parse_formats

    try:
        return parse_formats(value, kind)
    except FormatError as exc:
        raise typer.BadParameter(str(exc), param_hint="--format") from None


def _output_paths(base: Path, formats: list[Any], explicit: bool) -> dict[Any, Path]:
    """One format: OUT is the file (its extension added when OUT has none). Several: OUT is a path
    without extension, each format adds its own. ``formats`` are Format members or extension strings."""
    known = {".pdf", ".html", ".json", ".md", ".xlsx", ".docx", ".yaml", ".yml", ".csv"}
    if len(formats) == 1 and explicit and base.suffix.lower() in known:
        return {formats[0]: base}
    stem = base.with_suffix("") if base.suffix.lower() in known else base
    return {f: stem.with_name(stem.name + "." + getattr(f, "value", f)) for f in formats}


def _check_free(paths: list[Path], force: bool) -> None:
    existing = [str(p) for p in paths if p.exists()]
    if existing and not force:
        raise OutputExistsError(
            f"输出文件已存在：{'、'.join(existing)}（加 --force 覆盖，或用 -o 换一个文件名）"
        )


def _write_reports(assessment: Any, outputs: dict[Any, Path], options: Any = None) -> list[Path]:
    from .render import render
    from .yamlio import atomic_write

    written = []
    for fmt, path in outputs.items():
        atomic_write(path, render(assessment, fmt, options))
        written.append(path)
    return written


def _print_problems(problems: list[Any]) -> None:
    if not problems:
        return
    err = _console(stderr=True)
    for p in problems:
        colour = "red" if p.severity == "error" else "yellow"
        err.print(f"[{colour}]{safe_text(p)}[/{colour}]", markup=True)


def _print_result(a: Any) -> None:
    from .render.wording import light_reason
    from .vocabulary import LIGHT_LABELS

    colour = {"green": "green", "yellow": "yellow", "red": "red", "grey": "bright_black"}[a.light]
    score = "—" if a.overall_rounded is None else f"{a.overall_rounded:.1f}"
    counts = a.finding_counts()
    out = _console()
    out.print(
        f"[{colour}]{LIGHT_LABELS[a.light]}[/{colour}]  总分 {score}  完整度 {a.completeness * 100:.0f}%  "
        f"问题项 {len(a.findings)}（红线 {counts['红线']}，高 {counts['高']}，中 {counts['中']}，低 {counts['低']}）"
    )
    out.print(light_reason(a), markup=False)
    from .render.context import currency_warnings

    for warning in currency_warnings(a):
        out.print(f"[yellow]{safe_text(warning.message)}[/yellow]")


def _parse_date(value: str, option: str) -> dt.date:
    """A YYYY-MM-DD option value, or a Chinese usage error (exit 2)."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value.strip()):
            raise ValueError(value)
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"“{value}”不是有效日期，应写成 YYYY-MM-DD，如 2027-01-05", param_hint=option
        ) from None


def _parse_depth(value: Optional[str]) -> Any:
    from .answers import normalize_depth

    if value is None:
        return None
    depth, msg = normalize_depth(value)
    if msg:
        raise typer.BadParameter(msg, param_hint="--depth")
    return depth


def _parse_deadlines(value: Optional[str]) -> dict[str, int]:
    from .vocabulary import RISKS

    if not value:
        return {}
    days: dict[str, int] = {}
    for part in value.split(","):
        key, sep, num = part.partition("=")
        key = key.strip()
        if not sep or key not in RISKS or not num.strip().isdigit():
            raise typer.BadParameter("格式应为 红线=7,高=30,中=90,低=180", param_hint="--deadline-days")
        days[key] = int(num)
    return days


@app.command()
@handle_errors
def report(
    answers: Path = typer.Argument(..., help="答题文件（YAML 或 JSON）", metavar="答题文件"),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="输出文件；多种格式时为不带扩展名的路径"
    ),
    format: str = typer.Option(
        "pdf",
        "--format",
        "-f",
        help="输出格式，逗号分隔：pdf,html,json,md,xlsx（整改台账）,docx（可编辑 Word）",
    ),
    strict: bool = typer.Option(False, "--strict", help="答题文件有任何错误时不生成报告"),
    letterhead: Optional[Path] = typer.Option(
        None,
        "--letterhead",
        help="信头文件（YAML：organization、logo、contact），印在封面和页脚",
        metavar="文件",
    ),
    deadline_days: Optional[str] = typer.Option(
        None, "--deadline-days", help="整改期限天数，如 红线=7,高=30,中=90,低=180（可只给一部分）"
    ),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
    force: bool = ForceOpt,
) -> None:
    """根据答题文件评分并生成体检报告（PDF、HTML、JSON、Markdown）。"""
    from .answers import load_answers
    from .letterhead import load_letterhead
    from .render import RenderOptions
    from .scoring import assess

    formats = _parse_formats(format)
    days = _parse_deadlines(deadline_days)
    options = RenderOptions(letterhead=load_letterhead(letterhead) if letterhead else None)
    q = _load(questionnaires, no_builtin)
    data = load_answers(answers, q)
    outputs = _output_paths(output or answers, formats, explicit=output is not None)
    if data.errors and strict:
        _print_problems(data.problems)
        raise HeguiCheckError(f"{answers}: 有 {len(data.errors)} 个错误，--strict 模式下未生成报告")
    _check_free(list(outputs.values()), force)
    assessment = assess(q, data, days)
    written = _write_reports(assessment, outputs, options)
    _print_problems(list(assessment.problems))
    _print_result(assessment)
    for path in written:
        _console().print(f"已生成：{safe_text(path)}")
    if data.errors:
        raise typer.Exit(1)


# long: typer declares each option in the signature; the body delegates to session.py
@app.command()
@handle_errors
def check(
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="答题文件保存位置（默认 hegui-answers.yaml）"
    ),
    resume: Optional[Path] = typer.Option(
        None, "--resume", help="继续填写已有的答题文件；已完成的文件可修改答案或复查"
    ),
    depth: Optional[str] = typer.Option(
        None,
        "--depth",
        help="quick（快速体检，约 20 分钟）或 full（深度体检）；不给时自评开始前询问；--resume 加 full 补成深度体检",
    ),
    modules: Optional[str] = typer.Option(None, "--modules", help="只检查这些模块，逗号分隔，如 labor,tax"),
    mode: Optional[str] = typer.Option(
        None,
        "--mode",
        help="self（自评，默认）、lawyer（律师体检：逐题复核企业自评，可记录查见材料）或 association",
    ),
    date: Optional[str] = typer.Option(
        None, "--date", help="评估日期（如律师上门体检的日期），格式 YYYY-MM-DD；默认今天", metavar="日期"
    ),
    recheck: Optional[Path] = typer.Option(
        None, "--recheck", help="复检：只重新询问上次体检的问题项，其余沿用", metavar="上次答题文件"
    ),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
    force: bool = ForceOpt,
) -> None:
    """交互式问卷：先填企业画像，再逐个模块回答；每答一题自动保存，可随时 Ctrl-C 中断、--resume 继续。"""
    from .answers import MODES
    from .session import CheckOptions, conduct, interrupted_message, plan_check, start_interview

    if mode is not None and mode not in MODES:
        raise typer.BadParameter("可选：self、lawyer、association", param_hint="--mode")
    if resume is not None and recheck is not None:
        raise typer.BadParameter("--resume 和 --recheck 只能用一个", param_hint="--recheck")
    opts = CheckOptions(
        output=output,
        resume=resume,
        recheck=recheck,
        mode=mode,
        depth=_parse_depth(depth),
        date=_parse_date_option(date),
        force=force,
    )
    if not _stdin_is_tty():
        raise HeguiCheckError(
            "问卷需要在终端中交互运行（当前输入不是终端）。没有终端时可以：用 hegui-check template 生成空白答题文件，"
            "填写后用 hegui-check report 生成报告"
        )
    q = _load(questionnaires, no_builtin)
    opts = replace(opts, modules=_parse_modules(q, modules))
    plan = plan_check(q, opts)
    _print_problems(plan.problems)
    for message in plan.messages:
        _console().print(message, markup=False)
    asker = make_asker()
    interview = start_interview(q, plan, asker)
    try:
        wants_report = conduct(interview, plan, _console().print)
    except KeyboardInterrupt:
        _console(stderr=True).print(interrupted_message(interview, plan, q), markup=False)
        raise typer.Exit(130) from None
    if wants_report:
        _report_after_check(q, interview.answers, plan.path, asker, force)
    else:
        _console().print(f"以后可以运行：hegui-check report {plan.path}")


def _parse_modules(q: Any, value: Optional[str]) -> Optional[set[str]]:
    if not value:
        return None
    selected = {m.strip() for m in value.split(",") if m.strip()}
    unknown = selected - {m.module for m in q.modules}
    if unknown:
        raise typer.BadParameter(
            f"没有模块 {'、'.join(sorted(unknown))}；hegui-check list 可查看全部模块", param_hint="--modules"
        )
    return selected


def _parse_date_option(value: Optional[str]) -> Any:
    import datetime as dt

    if value is None:
        return None
    try:
        return dt.date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            f"日期“{value}”无法识别，应为 YYYY-MM-DD，如 2026-11-21", param_hint="--date"
        ) from None


def _report_after_check(q: Any, answers: Any, path: Path, asker: Any, force: bool) -> None:
    from .render import Format
    from .scoring import assess
    from .session import confirm_replace

    pdf = path.with_suffix(".pdf")
    try:
        if pdf.exists() and not force and not confirm_replace(asker, pdf):
            _console().print(f"未替换 {pdf}；可以运行 hegui-check report {path} -o 新文件名.pdf")
            return
    except KeyboardInterrupt:
        return
    assessment = assess(q, answers)
    _write_reports(assessment, {Format.pdf: pdf})
    _print_result(assessment)
    _console().print(f"已生成：{safe_text(pdf)}")


def _stdin_is_tty() -> bool:
    return sys.stdin is not None and sys.stdin.isatty()


def make_asker() -> Any:
    """The prompt backend (tests replace this with one driven by pipe input)."""
    from .interview import QuestionaryAsker

    return QuestionaryAsker()


@app.command()
@handle_errors
def validate(
    paths: Optional[list[Path]] = typer.Argument(
        None, help="检查清单目录、模块文件或答题文件；不给则检查内置清单", metavar="路径…"
    ),
    laws: Optional[Path] = typer.Option(
        None, "--laws", help="法规文本目录（如 ../shared/laws），逐条核对法律依据（含各版本）"
    ),
    as_of: Optional[str] = typer.Option(
        None, "--as-of", help="列出在该日期（YYYY-MM-DD）会引用到尚未施行或已失效文本的题目", metavar="日期"
    ),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
) -> None:
    """检查检查清单文件和/或答题文件，列出每个问题的文件、行号和修改建议。"""
    from .errors import QuestionnaireError
    from .questionnaire import load_questionnaire
    from .validation import classify_paths

    date = _parse_date(as_of, "--as-of") if as_of is not None else None
    out = _console()
    dirs, modules, answer_files = classify_paths(paths or [])
    failed = False
    try:
        q = load_questionnaire([*(questionnaires or []), *dirs], builtin=not no_builtin, extra_files=modules)
    except QuestionnaireError as exc:
        for line in exc.problems:
            _console(stderr=True).print(f"[red]{safe_text(line)}[/red]", markup=True)
        raise HeguiCheckError(f"检查清单有 {len(exc.problems)} 个问题") from None
    n_items = sum(len(m.items) for m in q.modules)
    out.print(f"检查清单 {safe_text(q.version)}：{len(q.modules)} 个模块，{n_items} 道题，格式和条件检查通过")
    if laws is not None:
        failed |= _validate_laws(q, laws)
    if date is not None:
        failed |= _validate_as_of(q, date)
    failed |= _validate_answer_files(q, answer_files)
    if failed:
        raise typer.Exit(1)


def _validate_laws(q: Any, laws: Path) -> bool:
    """Every citation (each version) against the statute texts in ``laws``; True when any problem."""
    from .questionnaire.citations import check_citations, load_laws

    try:
        library = load_laws(laws)
    except OSError as exc:
        raise HeguiCheckError(f"{laws}: 无法读取法规目录（需要 INDEX.tsv）：{exc.strerror or exc}") from None
    problems, count = check_citations(q, library)
    for line in problems:
        _console(stderr=True).print(f"[red]{safe_text(line)}[/red]", markup=True)
    _console().print(f"法律依据：{count} 条引用（各版本分别计），{len(problems)} 个问题")
    return bool(problems)


def _validate_as_of(q: Any, date: Any) -> bool:
    """Citations that would point at a text not (yet) in force on ``date``; True when any."""
    from .questionnaire.citations import check_as_of

    found, count = check_as_of(q, date)
    for hit in found:
        _console(stderr=True).print(f"[red]{safe_text(hit.message(date))}[/red]", markup=True)
    if found:
        items = len({hit.item_id for hit in found})
        _console().print(
            f"按 {date} 施行的法律核对：{count} 条引用中有 {len(found)} 条指向当日尚未施行或已失效的文本"
            f"（{items} 道题）"
        )
    else:
        _console().print(f"按 {date} 施行的法律核对：{count} 条引用都指向当日施行的文本")
    return bool(found)


def _validate_answer_files(q: Any, answer_files: list[Path]) -> bool:
    """Each answer file's problems; one unreadable file is reported and the others still checked."""
    from .answers import load_answers

    failed = False
    for path in answer_files:
        try:
            data = load_answers(path, q)
        except HeguiCheckError as exc:
            _console(stderr=True).print(f"[red]错误：[/red]{safe_text(exc)}", markup=True)
            failed = True
            continue
        _print_problems(data.problems)
        errors = len(data.errors)
        _console().print(
            f"{safe_text(path)}: {len(data.answers)} 个答案，{errors} 个错误，"
            f"{len(data.problems) - errors} 个警告"
        )
        failed |= bool(errors)
    return failed


# long: typer declares each option in the signature; the body delegates to run_batch and batch_outputs
@app.command()
@handle_errors
def batch(
    inputs: list[Path] = typer.Argument(
        ..., help="答题文件（YAML/JSON）、目录、XLSX 或 CSV 表格（一行一家企业）", metavar="输入…"
    ),
    output: Path = typer.Option(..., "-o", "--output", help="输出目录"),
    jobs: Optional[int] = typer.Option(
        None, "--jobs", "-j", min=1, help="并行生成报告的进程数（默认：可用的 CPU 核数）"
    ),
    format: str = typer.Option(
        "pdf", "--format", "-f", help="每家企业的报告格式，逗号分隔：pdf,html,json,md,xlsx,docx"
    ),
    anonymize: bool = typer.Option(False, "--anonymize", help="行业报告中不出现企业名称和统一社会信用代码"),
    deadline_days: Optional[str] = typer.Option(None, "--deadline-days", help="整改期限天数，如 中=120"),
    letterhead: Optional[Path] = typer.Option(None, "--letterhead", help="信头文件（YAML）", metavar="文件"),
    answers_out: Optional[Path] = typer.Option(
        None,
        "--answers-out",
        help="另把每家企业的答题文件写到这个目录（可交给律师：check --resume 文件 --mode lawyer）",
        metavar="目录",
    ),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
    force: bool = typer.Option(False, "--force", help="重新生成所有报告（默认跳过已是最新的企业）"),
    shard: Optional[str] = typer.Option(
        None,
        "--shard",
        help="只处理 N 份中的第 K 份企业（按企业键的哈希划分），如 1/4；各份用 merge 汇总",
        metavar="K/N",
    ),
) -> None:
    """批量体检：每家企业一份报告，另生成 summary.xlsx / summary.csv 汇总表和行业合规画像报告。

    单个文件或单行出错不会中断批处理；重新运行时跳过报告已是最新的企业。
    加 --shard K/N 时只处理其中一份，汇总和行业报告由 hegui-check merge 生成。"""
    from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

    from .batch import run_batch, usable_cores
    from .batch_outputs import write_batch_outputs, write_records
    from .heap import BATCH_YOUNG_OBJECTS, fewer_collections
    from .letterhead import load_letterhead
    from .render import RenderOptions

    formats = _parse_formats(format)
    days = _parse_deadlines(deadline_days)
    part = _parse_shard(shard)
    options = RenderOptions(letterhead=load_letterhead(letterhead) if letterhead else None)
    q = _load(questionnaires, no_builtin)
    workers = jobs or usable_cores()
    err = _console(stderr=True)
    with fewer_collections(BATCH_YOUNG_OBJECTS, freeze=True):  # the library apart from the collector
        with Progress(
            TextColumn("[bold]生成报告"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("剩余"),
            TimeRemainingColumn(),
            TextColumn("{task.description}"),
            console=err,
            transient=False,
        ) as bar:
            task = bar.add_task("", total=None)
            latest: list[Any] = [0.0, None]  # when the bar was last moved; the newest (done, total, name)

            def show(done: int, total: int, name: str) -> None:
                bar.update(task, completed=done, total=total or None, description=safe_text(name[:30]))

            def progress(done: int, total: int, name: str) -> None:
                latest[1] = (done, total, name)
                now = time.monotonic()
                if now - latest[0] >= PROGRESS_INTERVAL_S:
                    latest[0] = now
                    show(done, total, name)

            result = run_batch(
                inputs,
                q,
                output,
                formats,
                jobs=workers,
                force=force,
                options=options,
                deadline_days=days,
                questionnaire_dirs=questionnaires or [],
                builtin=not no_builtin,
                progress=progress,
                shard=part,
            )
            if latest[1] is not None:
                show(*latest[1])
        records = write_records(result, q, output, formats)
        if part is None:
            written, notes = write_batch_outputs(
                result, q, output, formats, replace(options, anonymize=anonymize)
            )
        else:
            written = [records] if records else []
            notes = [
                f"分片 {part[0]}/{part[1]}：汇总表和行业报告请在所有分片完成后用 hegui-check merge 汇总目录 各分片目录… 生成"
            ]
        if answers_out is not None:
            from .batch_outputs import write_answer_files

            answer_files, more = write_answer_files(inputs, q, answers_out, force=force)
            notes += more
            if answer_files:
                notes.append(f"已把 {len(answer_files)} 家企业的答题文件写到 {answer_files[0].parent}")
    _finish_batch(result, written, notes, output)


def _finish_batch(result: Any, written: list[Path], notes: list[str], output: Path, what: str = "") -> None:
    """What batch and merge print at the end: notes, file problems, each company's errors (warnings only
    counted — listed they would drown the errors of a large batch), a summary line; exit 1 on errors."""
    err = _console(stderr=True)
    for note in notes:
        err.print(f"[yellow]{safe_text(note)}[/yellow]")
    _print_problems(result.file_problems)
    errors = 0
    for record in result.records.with_errors():  # only these are read back from disk
        errors += 1
        name = str(record.company.get("company_name") or record.name)[:60]
        err.print(f"[bold]{safe_text(record.where)}（{safe_text(name)}）[/bold]")
        for line in record.problem_lines("error"):
            err.print(f"  [red]{safe_text(line)}[/red]")
    warnings = result.records.warning_count()
    if warnings:
        err.print(f"[yellow]另有 {warnings} 条警告，见 summary.xlsx 的“问题”列。[/yellow]")
    _console().print(
        f"共 {len(result.records)} 家企业{what}：新生成 {result.written}，已是最新 {result.skipped}，"
        f"有错误 {errors}；汇总和行业报告：{'、'.join(p.name for p in written)}（在 {safe_text(output)}）"
    )
    if result.has_errors:
        raise typer.Exit(1)


@app.command()
@handle_errors
def merge(
    output: Path = typer.Argument(..., help="汇总输出目录", metavar="输出目录"),
    shards: list[Path] = typer.Argument(..., help="各 batch --shard K/N 的输出目录", metavar="分片目录…"),
    anonymize: bool = typer.Option(False, "--anonymize", help="行业报告中不出现企业名称和统一社会信用代码"),
    letterhead: Optional[Path] = typer.Option(None, "--letterhead", help="信头文件（YAML）", metavar="文件"),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
    force: bool = ForceOpt,
) -> None:
    """汇总分片：由各 batch --shard 输出目录中的记录生成 summary.xlsx / summary.csv 和行业合规画像报告，
    与对全部输入运行一次 batch 的结果相同。"""
    from .batch import prepare_outdir
    from .batch_outputs import merge_shards, write_batch_outputs
    from .letterhead import load_letterhead
    from .render import RenderOptions

    options = RenderOptions(letterhead=load_letterhead(letterhead) if letterhead else None)
    q = _load(questionnaires, no_builtin)
    result, formats, date, notes = merge_shards(shards, q)
    prepare_outdir(output, force)
    written, more = write_batch_outputs(
        result, q, output, formats, replace(options, anonymize=anonymize, date=date)
    )
    _finish_batch(result, written, notes + more, output, f"（{len(shards)} 个分片）")


@app.command()
@handle_errors
def diff(
    before: Path = typer.Argument(..., help="上次体检的答题文件", metavar="上次答题文件"),
    after: Path = typer.Argument(..., help="复检的答题文件", metavar="复检答题文件"),
    output: Optional[Path] = typer.Option(
        None, "-o", "--output", help="输出文件；多种格式时为不带扩展名的路径"
    ),
    format: str = typer.Option(
        "pdf,md,json", "--format", "-f", help="输出格式，逗号分隔：pdf,html,docx,md,json"
    ),
    letterhead: Optional[Path] = typer.Option(
        None,
        "--letterhead",
        help="信头文件（YAML：organization、logo、contact），印在报告抬头",
        metavar="文件",
    ),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
    force: bool = ForceOpt,
) -> None:
    """复检对比报告：已整改（附复检说明和查见材料）、仍未整改（含逾期）、新发现的问题，以及得分变化。"""
    from .answers import load_answers
    from .compare import compare
    from .letterhead import load_letterhead
    from .render import DIFF, RenderOptions, render_as
    from .yamlio import atomic_write

    formats = [str(getattr(f, "value", f)) for f in _parse_formats(format, DIFF)]
    options = RenderOptions(letterhead=load_letterhead(letterhead) if letterhead else None)
    q = _load(questionnaires, no_builtin)
    old, new = load_answers(before, q), load_answers(after, q)
    _print_problems(old.problems + new.problems)
    outputs = _output_paths(
        output or after.with_name(after.stem + "-复检对比"), formats, explicit=output is not None
    )
    _check_free(list(outputs.values()), force)
    comparison = compare(q, old, new)
    out = _console()
    out.print(
        f"已整改 {len(comparison.resolved)} 项，仍未整改 {len(comparison.still_open)} 项"
        f"（逾期 {len(comparison.overdue)} 项），新发现 {len(comparison.new)} 项；"
        f"总分 {comparison.before.overall_rounded} → {comparison.after.overall_rounded}"
    )
    for fmt, path in outputs.items():
        atomic_write(path, render_as(DIFF, comparison, fmt, options))
        out.print(f"已生成：{safe_text(path)}")
    if old.errors or new.errors:
        raise typer.Exit(1)


@app.command("list")
@handle_errors
def list_modules(
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
) -> None:
    """列出检查模块、题目数量、风险分布和版本。"""
    from rich import box
    from rich.table import Table

    from .scoring import quick_items
    from .vocabulary import RISKS

    q = _load(questionnaires, no_builtin)
    table = Table(
        title=f"检查清单 {q.version}（法规截至 {q.info.laws_as_of}）", box=box.SIMPLE_HEAD, padding=(0, 1)
    )
    table.add_column("模块", no_wrap=True)
    table.add_column("名称", overflow="fold", max_width=20)
    for col in ("快速", "深度", *RISKS):
        table.add_column(col, justify="right", no_wrap=True)
    totals = [0] * 6
    for m in q.modules:
        counts = [sum(1 for i in quick_items(m) if i.scored), len(m.scored_items)]
        counts += [sum(1 for i in m.items if i.risk == r) for r in RISKS]
        totals = [t + c for t, c in zip(totals, counts)]
        suffix = "（自编）" if m.kind == "extra" else ""
        table.add_row(m.module, safe_text(m.title) + suffix, *map(str, counts))
    table.add_row("合计", "", *map(str, totals))
    out = _console()
    out.print(table)
    out.print("快速：快速体检的计分题（红线和重点题）；深度：深度体检的全部计分题。实际题数按企业画像减少。")
    out.print("适用条件：" + "；".join(f"{m.module}：{m.applies_when}" for m in q.modules if m.applies_when))


@app.command()
@handle_errors
def demo(
    output: Path = typer.Option(Path("hegui-demo"), "-o", "--output", help="输出目录"),
    format: str = typer.Option("pdf,md,json", "--format", "-f", help="输出格式，逗号分隔"),
    force: bool = ForceOpt,
) -> None:
    """用内置的示例企业（温州一家 45 人、做直播带货的鞋企）生成一份体检报告，不需要答题。"""
    from .answers import load_answers
    from .questionnaire import load_questionnaire
    from .resources import data_dir
    from .scoring import assess

    formats = _parse_formats(format)
    q = load_questionnaire()
    source = data_dir() / "demo-answers.yaml"
    answers_copy = output / "demo-answers.yaml"
    outputs = _output_paths(output / "demo-report", formats, explicit=False)
    _check_free([answers_copy, *outputs.values()], force)
    data = load_answers(source, q)
    assessment = assess(q, data)
    from .yamlio import atomic_write

    atomic_write(answers_copy, source.read_bytes())
    written = _write_reports(assessment, outputs)
    _print_result(assessment)
    for path in [answers_copy, *written]:
        _console().print(f"已生成：{safe_text(path)}")


@app.command()
@handle_errors
def template(
    output: Path = typer.Option(..., "-o", "--output", help="输出文件；多种格式时为不带扩展名的路径"),
    format: str = typer.Option(
        "yaml",
        "--format",
        "-f",
        help="yaml（空白答题文件）、xlsx（一行一家企业，带下拉选项）、csv，可逗号分隔多种",
    ),
    industry: Optional[str] = typer.Option(
        None, "--industry", help="只包含适用于该行业的行业专项，如 footwear"
    ),
    depth: str = typer.Option(
        "full", "--depth", help="quick（快速体检：只含红线和重点题，表格更短）或 full（深度体检，默认）"
    ),
    questionnaires: Optional[list[Path]] = QuestionnairesOpt,
    no_builtin: bool = NoBuiltinOpt,
    force: bool = ForceOpt,
) -> None:
    """生成空白答题文件或收集表：列出每道题、它的 id 和允许的答案，填好后交给 report 或 batch。"""
    from .template import csv_template, xlsx_template, yaml_template
    from .yamlio import atomic_write

    makers: dict[str, Callable[..., bytes | str]] = {
        "yaml": yaml_template,
        "xlsx": xlsx_template,
        "csv": csv_template,
    }
    formats = list(dict.fromkeys(f.strip().lower() for f in format.split(",") if f.strip()))
    bad = [f for f in formats if f not in makers]
    if bad or not formats:
        raise typer.BadParameter(
            f"不支持的格式“{'、'.join(bad)}”，可选：yaml, xlsx, csv", param_hint="--format"
        )
    chosen = _parse_depth(depth)
    q = _load(questionnaires, no_builtin)
    if industry is not None:
        allowed = [o.value for o in q.profile_by_id["industry"].options]
        if industry not in allowed:
            raise typer.BadParameter(f"可选：{', '.join(allowed)}", param_hint="--industry")
    outputs = _output_paths(output, formats, explicit=True)
    _check_free(list(outputs.values()), force)
    for fmt, path in outputs.items():
        atomic_write(path, makers[fmt](q, industry, chosen))
        follow = f"hegui-check report {path}" if fmt == "yaml" else f"hegui-check batch {path} -o 输出目录"
        _console().print(f"已生成：{safe_text(path)}（填写后运行 {safe_text(follow)}）")


@app.command()
def doctor() -> None:
    """检查运行环境：WeasyPrint 及其系统库、中文字体、写入权限，并说明如何修复。"""
    from .doctor import run_checks

    out = _console()
    ok = True
    for check_result in run_checks():
        mark = (
            "[green]✓[/green]"
            if check_result.ok
            else ("[yellow]![/yellow]" if check_result.optional else "[red]✗[/red]")
        )
        out.print(f"{mark} {check_result.name}：{check_result.detail}")
        if not check_result.ok and check_result.fix:
            out.print(f"    [cyan]修复方法：{check_result.fix}[/cyan]")
        ok &= check_result.ok or check_result.optional
    if not ok:
        raise typer.Exit(1)


def main() -> None:
    """Console-script entry point: last-resort guard so users never see a traceback."""
    try:
        app()
    except KeyboardInterrupt:
        sys.stderr.write("\n已中断。\n")
        sys.exit(130)
    except Exception as exc:  # noqa: BLE001 - the CLI boundary
        if os.environ.get("HEGUI_DEBUG"):
            raise
        from .limits import shorten
        from .terminal import strip_control

        sys.stderr.write(
            f"内部错误：{type(exc).__name__}: {strip_control(shorten(str(exc), 200))}\n"
            "这是 hegui-check 自身的问题，不是您的输入有误。请设置环境变量 HEGUI_DEBUG=1 重新运行，"
            "把显示的详情（可删去企业名称等敏感内容）连同所用的命令报告给维护者。\n"
        )
        sys.exit(1)
