"""Loading and validating checklist libraries: the bundled one, and broken ones with clear errors."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pytest
import yaml

from hegui_check.errors import QuestionnaireError
from hegui_check.questionnaire import ItemType, load_questionnaire
from hegui_check.resources import questionnaires_dir

from .conftest import FIXTURES

MODULE_FILES = sorted(questionnaires_dir().glob("*/*.yaml"))


def _items():
    for path in MODULE_FILES:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for item in data["items"]:
            yield pytest.param(path, item, id=f"{path.name}:{item['id']}")


def test_bundled_library_loads(q) -> None:
    assert q.version == "2026.12"
    assert {"contract", "tax", "ip", "labor", "safety", "live_streaming"} <= {m.module for m in q.modules}
    assert len(q.profile) >= 20


@pytest.mark.parametrize(("path", "raw"), list(_items()))
def test_every_bundled_item_is_complete(q, path: Path, raw: dict) -> None:
    item = q.items[raw["id"]]
    assert item.id.startswith(path.stem + ".")
    if item.scored:
        assert item.risk in ("红线", "高", "中", "低")
        assert item.violation and item.liability and item.remedy
        assert item.basis, "scored items cite at least one article"
        assert all(c.quote for c in item.basis)
        assert item.title and len(item.title) <= 16
    assert item.question.endswith(("？", "?", "）", ")")) or item.type is ItemType.text


@pytest.mark.parametrize("path", MODULE_FILES, ids=lambda p: p.name)
def test_core_modules_have_enough_items(q, path: Path) -> None:
    module = q.module(yaml.safe_load(path.read_text(encoding="utf-8"))["module"])
    if module.module == "needs":
        return
    low = 8 if module.kind == "core" else 6
    assert low <= len(module.scored_items) <= 35  # one duty per question; gates keep the interview short


def test_red_line_items_cite_a_crime_or_a_grave_penalty(q) -> None:
    grave = ("停产", "停业", "吊销", "关闭", "取缔", "责令停止", "刑")
    for item in q.scored_items:
        if item.risk == "红线":
            cites_criminal_law = any(c.law == "刑法" for c in item.basis)
            assert cites_criminal_law or any(w in item.liability for w in grave), item.id


def test_renamed_and_retired_ids_are_consistent_with_the_library(q) -> None:
    live = set(q.items)
    assert not live & set(q.info.retired), "a retired id is still a live item"
    assert not live & set(q.info.renamed), "a renamed (old) id is still a live item"
    assert all(new in live for new in q.info.renamed.values()), "a rename points at an id that does not exist"
    assert not set(q.info.renamed) & set(q.info.retired)
    assert all(reason.strip() for reason in q.info.retired.values()), "every retired id says why"
    assert q.info.laws_as_of


def _copy_mini(tmp_path: Path) -> Path:
    target = tmp_path / "lib"
    shutil.copytree(FIXTURES / "mini", target)
    return target


def _load_error(tmp_path: Path, relpath: str, text: str) -> QuestionnaireError:
    lib = _copy_mini(tmp_path)
    (lib / relpath).write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as excinfo:
        load_questionnaire([lib], builtin=False)
    return excinfo.value


GOOD_ITEM = """
  - id: alpha.extra
    question: 额外的问题？
    type: status
    risk: 中
    violation: v
    basis: [{law: 劳动合同法, article: 10, quote: 应当订立书面劳动合同}]
    liability: l
    remedy: r
"""


def _module(extra: str) -> str:
    return "module: gamma\ntitle: 丙\nitems:\n" + GOOD_ITEM.replace("alpha.", "gamma.") + extra


def test_unknown_key_is_named_with_file_line_item_and_field(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", _module("    remedyy: typo\n"))
    message = str(err)
    assert "gamma.yaml:" in message and "gamma.extra" in message and "remedyy" in message
    assert "不认识的字段" in message


def test_missing_required_field_is_reported(tmp_path: Path) -> None:
    text = "module: gamma\ntitle: 丙\nitems:\n  - {id: gamma.a, question: 问题？, type: status, risk: 高}\n"
    err = _load_error(tmp_path, "core/gamma.yaml", text)
    assert "gamma.a" in str(err) and "violation" in str(err) and "basis" in str(err)


def test_bad_risk_value_lists_what_is_allowed(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", _module("").replace("risk: 中", "risk: 严重"))
    assert "risk" in str(err) and "严重" in str(err) and "红线" in str(err)


def test_unknown_name_in_condition_is_rejected(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", _module('    when: "has_robots > 0"\n'))
    assert "has_robots" in str(err) and "未定义" in str(err)


def test_condition_using_a_later_item_is_rejected(tmp_path: Path) -> None:
    later = GOOD_ITEM.replace("alpha.extra", "gamma.later")
    err = _load_error(tmp_path, "core/gamma.yaml", _module('    when: "gamma.later == \\"yes\\""\n' + later))
    assert "gamma.later" in str(err) and "之前" in str(err)


def test_condition_comparing_with_an_unknown_option_is_rejected(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", _module('    when: "industry == \\"shoes\\""\n'))
    assert "shoes" in str(err) and "footwear" in str(err)


def test_condition_syntax_error_is_reported(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", _module('    when: "employees >"\n'))
    assert "语法错误" in str(err) and "gamma.extra" in str(err)


def test_duplicate_item_id_is_rejected(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", _module(GOOD_ITEM.replace("alpha.", "gamma.")))
    assert "重复" in str(err)


def test_item_id_must_carry_its_module_name(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", "module: gamma\ntitle: 丙\nitems:\n" + GOOD_ITEM)
    assert "gamma." in str(err) and "alpha.extra" in str(err)


def test_malformed_yaml_names_the_line(tmp_path: Path) -> None:
    err = _load_error(tmp_path, "core/gamma.yaml", "module: gamma\ntitle: [unclosed\nitems: []\n")
    assert "gamma.yaml" in str(err) and "YAML" in str(err) and "行" in str(err)


def test_unquoted_version_is_explained(tmp_path: Path) -> None:
    lib = _copy_mini(tmp_path)
    text = (lib / "library.yaml").read_text(encoding="utf-8").replace('version: "1.0"', "version: 1.0")
    err = _load_error(tmp_path / "x", "library.yaml", text)
    assert "version" in str(err) and "加引号" in str(err)


def test_retired_id_cannot_be_reused(tmp_path: Path) -> None:
    lib = _copy_mini(tmp_path)
    text = (lib / "core/alpha.yaml").read_text(encoding="utf-8").replace("id: alpha.gated", "id: alpha.gone")
    (lib / "core/alpha.yaml").write_text(text, encoding="utf-8")
    with pytest.raises(QuestionnaireError) as excinfo:
        load_questionnaire([lib], builtin=False)
    assert "alpha.gone" in str(excinfo.value) and "删除或改名" in str(excinfo.value)


def test_extra_library_adds_to_the_bundled_one(tmp_path: Path, q) -> None:
    extra = tmp_path / "assoc"
    (extra / "industries").mkdir(parents=True)
    (extra / "library.yaml").write_text('version: "assoc-1"\nlaws_as_of: "2026-11"\n', encoding="utf-8")
    (extra / "industries" / "gamma.yaml").write_text(_module(""), encoding="utf-8")
    combined = load_questionnaire([extra])
    assert "gamma.extra" in combined.items
    assert len(combined.items) == len(q.items) + 1
    assert combined.version == "2026.12+assoc-1"


def test_no_builtin_without_a_library_is_an_error() -> None:
    with pytest.raises(QuestionnaireError):
        load_questionnaire([], builtin=False)


INTERNAL_NOTES = ("未收录", "条号未核", "TODO", "待补", "FIXME", "XXX")


def _user_texts(q):
    """(where, text) for every field of the library that an owner reads."""
    for pq in q.profile:
        yield f"profile.{pq.id}", " ".join([pq.question, pq.help or "", *(o.label for o in pq.options)])
    for item in q.items.values():
        liability = (
            item.liability
            if isinstance(item.liability, str)
            else " ".join(v.text for v in item.liability or ())
        )
        texts = [
            item.question,
            item.title or "",
            item.help or "",
            item.violation or "",
            liability,
            item.remedy or "",
            item.lenient or "",
            *item.evidence,
            *(o.label for o in item.options),
        ]
        yield item.id, " ".join(texts)


def test_no_internal_notes_reach_user_text(q) -> None:
    leaks = [(where, word) for where, text in _user_texts(q) for word in INTERNAL_NOTES if word in text]
    assert leaks == []


def test_questions_ask_positively(q) -> None:
    double_negatives = [i.id for i in q.items.values() if re.search(r"是否(从不|从未|没有|未曾)", i.question)]
    assert double_negatives == []


def test_good_practice_items_are_low_risk(q) -> None:
    assert [i.id for i in q.scored_items if i.practice and i.risk != "低"] == []


def test_every_module_marks_its_key_items(q) -> None:
    for module in q.modules:
        if not module.scored_items:
            continue
        keys = [i.id for i in module.items if i.key]
        assert 2 <= len(keys) <= 5, (module.module, keys)
        assert all(q.items[k].scored for k in keys)


def test_red_line_liability_names_the_criminal_exposure(q) -> None:
    for item in q.scored_items:
        if item.risk == "红线" and any(c.law == "刑法" for c in item.basis):
            texts = (
                [item.liability]
                if isinstance(item.liability, str)
                else [v.text for v in item.liability or ()]
            )
            assert all("刑" in t or "犯罪" in t for t in texts), item.id
