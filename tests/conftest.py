"""Shared fixtures. Every test runs with HOME in a temp dir; files go to tmp_path."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from hegui_check.answers import AnswerSet, parse_answers
from hegui_check.questionnaire import Questionnaire, load_questionnaire
from hegui_check.resources import data_dir

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
SHARED = ROOT.parent / "shared"


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("USERPROFILE", str(home))


@pytest.fixture(scope="session")
def q() -> Questionnaire:
    return load_questionnaire()


@pytest.fixture
def demo_path() -> Path:
    return data_dir() / "demo-answers.yaml"


def shared_path(name: str) -> Path:
    """A folder of ../shared, or skip (a user's machine) — but fail under CI, where it must exist."""
    path = SHARED / name
    if not path.is_dir():
        if os.environ.get("CI", "").lower() in ("1", "true", "yes"):
            pytest.fail(f"{path} is missing, but CI=true: CI must run with ../shared beside the checkout")
        pytest.skip(
            f"{path} not found: the statute texts live in ../shared, which only development checkouts have"
        )
    return path


def answers_from(q: Questionnaire, answers: dict, **company_facts) -> AnswerSet:
    """An AnswerSet from plain data: company fields and facts by keyword, item answers by id."""
    company = {k: v for k, v in company_facts.items() if q.profile_by_id[k].group == "company"}
    facts = {k: v for k, v in company_facts.items() if q.profile_by_id[k].group == "facts"}
    raw = {
        "hegui_check": 1,
        "company": {"company_name": "测试企业", **company},
        "facts": facts,
        "assessor": {"date": "2026-11-21"},
        "answers": answers,
    }
    return parse_answers(raw, q, "test.yaml")


def layout(html: str):  # type: ignore[no-untyped-def]
    """WeasyPrint's laid-out pages of a report's HTML (with the packaged CJK font), for layout tests."""
    import weasyprint
    from weasyprint.text.fonts import FontConfiguration

    from hegui_check.render.pdf import font_css
    from hegui_check.resources import cjk_font, templates_dir

    found = cjk_font()
    if found is None:
        pytest.skip("no CJK font")
    fonts = FontConfiguration()
    return weasyprint.HTML(string=html, base_url=templates_dir().as_uri() + "/").render(
        stylesheets=[weasyprint.CSS(string=font_css(found[0]), font_config=fonts)], font_config=fonts
    )


def walk(box):  # type: ignore[no-untyped-def]
    """Every box below ``box`` (itself included), depth first."""
    yield box
    for child in getattr(box, "children", None) or []:
        yield from walk(child)


# The best answer to every item of the mini library's core modules (its packs and gated items aside).
MINI_BEST = {
    "alpha.red": "yes",
    "alpha.high": "yes",
    "alpha.mid": "yes",
    "alpha.low": "yes",
    "alpha.choice": "all",
    "alpha.multi": ["a", "b"],
    "alpha.num": 0,
    "alpha.gate": False,
    "beta.one": "yes",
}


# the headings every report has, in every format that has headings
REPORT_SECTIONS = (
    "一、总体结论",
    "二、分领域得分",
    "三、主要风险与整改建议",
    "四、整改台账",
    "附录一、全部答案",
    "附录三、评分方法",
    "附录四、引用的法律法规",
    "声明",
)
