"""One `check` session: which answers to start from, where they are saved, which depth and mode, the
prompts before the first question, and what to do when the answer file is already complete."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from .answers import AnswerSet, Problem, load_answers
from .errors import OutputExistsError
from .interview import (
    Asker,
    Interview,
    choose_depth,
    edit_menu,
    is_answered,
    pending_steps,
    prepare_recheck,
    prepare_review,
    progress_summary,
    review_profile,
    set_assessor,
    start_answers,
)
from .questionnaire import Questionnaire
from .vocabulary import Depth

DEFAULT_ANSWERS = Path("hegui-answers.yaml")


@dataclass(frozen=True)
class CheckOptions:
    """The `check` command's options, parsed and validated by the CLI."""

    output: Path | None = None
    resume: Path | None = None
    recheck: Path | None = None
    mode: str | None = None
    depth: Depth | None = None
    date: dt.date | None = None
    modules: set[str] | None = None
    force: bool = False


@dataclass
class CheckPlan:
    """Where a session starts: the answers, the file they are saved to, and what to ask first."""

    answers: AnswerSet
    path: Path
    defaults: dict[str, Any] = field(default_factory=dict)
    messages: list[str] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    ask_depth: bool = False  # an owner starting a new check chooses quick or full
    ask_assessor: bool = False  # a lawyer signs: name, firm, licence number
    review: bool = False  # a lawyer starts reviewing an owner's file: show the profile first
    dirty: bool = False  # the answers differ from the file on disk (e.g. deepened, re-dated)
    modules: set[str] | None = None


def _free(path: Path, force: bool) -> None:
    if path.exists() and not force:
        raise OutputExistsError(f"输出文件已存在：{path}（加 --force 覆盖，或用 -o 换一个文件名）")


def _dated(a: AnswerSet, date: dt.date | None) -> AnswerSet:
    return set_assessor(a, date=date) if date is not None else a


def plan_check(q: Questionnaire, opts: CheckOptions) -> CheckPlan:
    """Decide how a `check` session starts. Raises OutputExistsError rather than overwrite a file."""
    if opts.recheck is not None:
        plan = _plan_recheck(q, opts, opts.recheck)
    elif opts.resume is not None:
        plan = _plan_resume(q, opts, opts.resume)
    else:
        path = opts.output or DEFAULT_ANSWERS
        if path.exists() and not opts.force:
            raise OutputExistsError(
                f"{path} 已存在。继续填写请用 hegui-check check --resume {path}；重新开始请加 --force 或换 -o 文件名"
            )
        mode = opts.mode or "self"
        answers = start_answers(q, mode=mode, today=opts.date, depth=opts.depth or Depth.full)
        plan = CheckPlan(answers, path, ask_depth=opts.depth is None and mode == "self", dirty=True)
    plan.modules = opts.modules
    plan.ask_assessor = plan.answers.assessor.mode == "lawyer" and not plan.answers.assessor.name
    return plan


def _plan_recheck(q: Questionnaire, opts: CheckOptions, before_path: Path) -> CheckPlan:
    before = load_answers(before_path, q)
    answers, defaults = prepare_recheck(q, before, today=opts.date)
    answers = replace(answers, depth=opts.depth or Depth.full)
    path = opts.output or before_path.with_name(before_path.stem + "-复检.yaml")
    _free(path, opts.force)
    if opts.mode is not None:
        answers = set_assessor(answers, mode=opts.mode)
    message = (
        f"复检 {before_path}：上次的 {len(defaults)} 个问题项将重新询问，其余 {len(answers.answers)} 个答案沿用；"
        f"结果保存到 {path}。之后可用 hegui-check diff {before_path} {path} 生成对比报告。"
    )
    return CheckPlan(answers, path, defaults, [message], list(before.problems), dirty=True)


def _plan_resume(q: Questionnaire, opts: CheckOptions, source: Path) -> CheckPlan:
    answers = load_answers(source, q)
    problems = [p for p in answers.problems if p.code != "profile-missing"]  # the interview asks them
    path, messages, review, dirty = opts.output or source, [], False, opts.output is not None
    if opts.mode == "lawyer" and answers.assessor.mode != "lawyer":
        answers, review, dirty = prepare_review(answers, today=opts.date), True, True
        path = opts.output or source.with_name(source.stem + "-律师体检.yaml")
        messages.append(
            f"律师复核企业自评：逐题确认企业的答案（回车即确认，未复核的题保留企业的答案），"
            f"改判须写明理由；保存到 {path}"
        )
    elif opts.date is not None and opts.date != answers.assessor.date:
        answers, dirty = _dated(answers, opts.date), True
    if opts.depth is not None and opts.depth != answers.depth:
        if opts.depth is Depth.full:
            messages.append("由快速体检转为深度体检：只询问尚未回答的题目。")
        answers, dirty = replace(answers, depth=opts.depth), True
    if path != source:
        _free(path, opts.force)
    done, total = progress_summary(q, answers, opts.modules)
    messages.append(f"继续填写 {source}：已回答 {done} 题（按目前的画像共 {total} 题）")
    return CheckPlan(answers, path, messages=messages, problems=problems, review=review, dirty=dirty)


def start_interview(q: Questionnaire, plan: CheckPlan, asker: Asker) -> Interview:
    return Interview(q, asker, plan.path, plan.answers, plan.modules, dict(plan.defaults), dirty=plan.dirty)


def _ask_assessor(interview: Interview) -> None:
    ask = interview.asker.text
    interview.answers = set_assessor(
        interview.answers,
        name=ask("评估律师姓名", validate=lambda t: bool(t.strip()) or "此项必填").strip(),
        org=ask("律师事务所").strip() or None,
        license_no=ask("律师执业证号").strip() or None,
    )


def conduct(interview: Interview, plan: CheckPlan, say: Callable[[str], None] | None = None) -> bool:
    """The prompts of a session, in order; True when the user wants the report now. A complete file
    opens the edit menu instead. KeyboardInterrupt propagates (answers already saved)."""
    say = say or interview.asker.say
    if plan.ask_depth:
        interview.answers = replace(interview.answers, depth=choose_depth(interview.asker))
    if plan.ask_assessor:
        _ask_assessor(interview)
        interview.dirty = True
    if plan.review:
        review_profile(interview)
    steps = pending_steps(interview.q, interview.answers, interview.modules)
    if interview.redo or any(not is_answered(interview.answers, s) for s in steps):
        interview.run()
        say(f"\n[green]问卷已完成[/green]，答案保存在 {interview.path}。")
        try:
            pdf = interview.path.with_suffix(".pdf")
            return (
                interview.asker.select(
                    f"现在生成 PDF 报告（{pdf}）吗？", [("yes", "是"), ("no", "否，以后再生成")], "yes"
                )
                == "yes"
            )
        except KeyboardInterrupt:
            return False
    if interview.dirty:
        interview.run()  # nothing to ask: saves the changed file (e.g. a new date)
    return edit_menu(interview)


def interrupted_message(interview: Interview, plan: CheckPlan, q: Questionnaire) -> str:
    """What Ctrl-C leaves behind, said plainly: never claims a save that did not happen."""
    if not interview.saved:
        if plan.path.exists():
            return f"\n已中断。{plan.path} 未改动。"
        return "\n已中断。尚未回答任何问题，没有保存任何文件。"
    done, total = progress_summary(q, interview.answers, plan.modules)
    return (
        f"\n已中断。已保存的答案（{done}/{total} 题）在 {plan.path}。\n"
        f"继续填写：hegui-check check --resume {plan.path}"
    )


def confirm_replace(asker: Asker, path: Path) -> bool:
    """Ask before replacing an existing report."""
    return (
        asker.select(f"{path} 已存在，要替换吗？", [("yes", "替换为新的报告"), ("no", "不替换")], "no")
        == "yes"
    )
