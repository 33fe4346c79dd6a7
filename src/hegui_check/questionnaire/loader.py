"""Loading and validating a checklist library (bundled and/or an association's own) into a Questionnaire."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from ..errors import QuestionnaireError
from ..limits import shorten
from ..resources import questionnaires_dir
from ..yamlio import Located, read_document, read_error
from .conditions import Condition, ConditionError, parse_condition
from .models import Item, ItemType, LibraryInfo, Module, Profile, ProfileQuestion

STATUS_VALUES = ("yes", "partial", "no", "unknown", "na")
T = TypeVar("T")


@dataclass
class Questionnaire:
    """A validated library: profile questions, modules in interview order, items by id."""

    info: LibraryInfo
    profile: list[ProfileQuestion]
    modules: list[Module]
    sources: list[Path]
    items: dict[str, Item] = field(init=False)
    module_of: dict[str, Module] = field(init=False)
    position: dict[str, int] = field(init=False)
    _derived: dict[str, Any] = field(default_factory=dict, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        self.items = {i.id: i for m in self.modules for i in m.items}
        self.module_of = {i.id: m for m in self.modules for i in m.items}
        self.position = {item_id: n for n, item_id in enumerate(self.items)}

    def derived(self, name: str, build: Callable[[], T]) -> T:
        """What scoring and rendering work out from the library once and reuse for every company
        (compiled conditions, texts that are the same for every firm), built on first use. A loaded
        library does not change."""
        found = self._derived.get(name)
        if found is None:
            found = self._derived[name] = build()
        return found

    @property
    def version(self) -> str:
        return self.info.version

    @property
    def profile_by_id(self) -> dict[str, ProfileQuestion]:
        return {p.id: p for p in self.profile}

    def module(self, module_id: str) -> Module:
        for m in self.modules:
            if m.module == module_id:
                return m
        raise KeyError(module_id)

    @property
    def scored_items(self) -> list[Item]:
        return [i for i in self.items.values() if i.scored]


def _pydantic_problems(exc: ValidationError, doc: Located, file: str, model: type[BaseModel]) -> list[str]:
    """Turn pydantic errors into "file:line: item id: field: message" lines in Chinese."""
    problems = []
    data = doc.data if isinstance(doc.data, dict) else {}
    for err in exc.errors(include_url=False):
        loc = list(err["loc"])
        item_id = None
        if len(loc) >= 2 and loc[0] == "items" and isinstance(loc[1], int):
            items = data.get("items") or []
            if loc[1] < len(items) and isinstance(items[loc[1]], dict):
                item_id = items[loc[1]].get("id")
            item_id = item_id or f"第 {loc[1] + 1} 题"
            field_path = [str(p) for p in loc[2:]]
        else:
            field_path = [str(p) for p in loc]
        line = doc.line(loc)
        where = f"{file}:{line}" if line else file
        fld = ".".join(field_path) or "（整题）"
        msg = _translate(err, fld)
        problems.append(f"{where}: {item_id + ': ' if item_id else ''}{fld}: {msg}")
    return problems


def _translate(err: Any, fld: str) -> str:
    kind = err["type"]
    ctx = err.get("ctx") or {}
    if kind == "missing":
        return "缺少必填字段"
    if kind == "extra_forbidden":
        return "不认识的字段（拼写错误？允许的字段见 docs/questionnaire-format.md）"
    if kind in ("literal_error", "enum"):
        return f"取值“{shorten(err.get('input'))}”不允许，应为 {ctx.get('expected', '')}"
    if kind == "string_type":
        return f"应为文本，实际是 {type(err.get('input')).__name__}（版本号等请加引号）"
    if kind in ("int_type", "int_parsing", "int_from_float"):
        return "应为整数"
    if kind in ("float_type", "float_parsing"):
        return "应为数字"
    if kind in ("bool_type", "bool_parsing"):
        return "应为 true 或 false"
    if kind in ("list_type",):
        return "应为列表"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return "应为键值映射"
    if kind == "too_short":
        return "不能为空"
    if kind == "string_pattern_mismatch":
        return f"格式不对（应匹配 {ctx.get('pattern')}）"
    if kind in ("greater_than_equal", "less_than_equal"):
        return f"超出允许范围：{err.get('msg')}"
    if kind == "value_error":
        return shorten(str(err.get("msg", "")).removeprefix("Value error, "), 300)
    return shorten(str(err.get("msg")), 300)


def _load_model(path: Path, model: type[BaseModel], problems: list[str]) -> tuple[Any, Located] | None:
    try:
        doc = read_document(path)
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        problems.append(f"{path}: {read_error(exc, '检查清单文件')}")
        return None
    if not isinstance(doc.data, dict):
        problems.append(f"{path}:1: 文件内容应为 YAML 映射（键: 值），实际为 {type(doc.data).__name__}")
        return None
    try:
        return model.model_validate(doc.data), doc
    except ValidationError as exc:
        problems.extend(_pydantic_problems(exc, doc, str(path), model))
        return None


def _module_files(root: Path) -> list[tuple[Path, str]]:
    files: list[tuple[Path, str]] = []
    for sub, kind in (("core", "core"), ("industries", "industry")):
        files += [(p, kind) for p in sorted((root / sub).glob("*.y*ml"))]
    files += [(p, "extra") for p in sorted(root.glob("*.y*ml")) if p.stem not in ("library", "profile")]
    return files


def load_questionnaire(
    extra_dirs: Sequence[Path] = (), builtin: bool = True, extra_files: Sequence[Path] = ()
) -> Questionnaire:
    """Load the bundled library and/or extra libraries (folders, or single module files), validate
    everything, or raise QuestionnaireError listing every problem with file, line, item and field."""
    roots = ([questionnaires_dir()] if builtin else []) + [Path(d) for d in extra_dirs]
    if not roots and not extra_files:
        raise QuestionnaireError(["没有可用的检查清单：使用 --no-builtin 时必须给出 --questionnaires 目录"])
    problems: list[str] = []
    infos: list[LibraryInfo] = []
    profile: list[ProfileQuestion] = []
    modules: list[tuple[Module, Path]] = []
    for root in roots:
        if not root.is_dir():
            problems.append(f"{root}: 检查清单目录不存在")
            continue
        lib_path = root / "library.yaml"
        if lib_path.exists():
            loaded = _load_model(lib_path, LibraryInfo, problems)
            if loaded:
                infos.append(loaded[0])
        elif root == roots[0]:
            problems.append(f"{lib_path}: 缺少 library.yaml（版本号和法规截至日期）")
        prof_path = root / "profile.yaml"
        if prof_path.exists():
            loaded = _load_model(prof_path, Profile, problems)
            if loaded:
                profile.extend(loaded[0].items)
        elif root == roots[0]:
            problems.append(f"{prof_path}: 缺少 profile.yaml（企业画像题）")
        for path, kind in _module_files(root):
            loaded = _load_model(path, Module, problems)
            if loaded:
                module = loaded[0]
                module._kind = kind
                module._source = str(path)
                modules.append((module, path))
    for path in extra_files:
        loaded = _load_model(Path(path), Module, problems)
        if loaded:
            loaded[0]._kind = "extra"
            loaded[0]._source = str(path)
            modules.append((loaded[0], Path(path)))
    if not infos and not problems:
        problems.append("没有 library.yaml：检查清单需要版本号和法规截至日期")
    if problems:
        raise QuestionnaireError(problems)

    info = _merge_infos(infos)
    ordered = _order_modules([m for m, _ in modules], info.modules)
    problems += _check_library(info, profile, ordered, {m.module: p for m, p in modules}, infos)
    if problems:
        raise QuestionnaireError(problems)
    return Questionnaire(info=info, profile=profile, modules=ordered, sources=roots)


def _merge_infos(infos: list[LibraryInfo]) -> LibraryInfo:
    base = infos[0]
    if len(infos) == 1:
        return base
    renamed = {k: v for i in infos for k, v in i.renamed.items()}
    retired = {k: v for i in infos for k, v in i.retired.items()}
    version = "+".join(i.version for i in infos)
    order = [m for i in infos for m in i.modules]
    return base.model_copy(
        update={"version": version, "renamed": renamed, "retired": retired, "modules": order}
    )


def _order_modules(modules: list[Module], order: list[str]) -> list[Module]:
    rank = {m: n for n, m in enumerate(order)}
    indexed = list(enumerate(modules))
    indexed.sort(key=lambda p: (rank.get(p[1].module, len(rank)), p[0]))
    return [m for _, m in indexed]


MAX_PROBLEMS_PER_CONDITION = 5  # a long list of wrong literals is summarised, not listed in full


def _compile(text: str | None, where: str, known: dict[str, Any], problems: list[str]) -> Condition | None:
    """Parse a condition and check its names and the literals it compares them with.

    Messages quote the condition shortened: a hostile condition never multiplies into huge messages."""
    if text is None:
        return None
    shown = shorten(text)
    try:
        cond = parse_condition(text)
    except ConditionError as exc:
        problems.append(f"{where}: 条件“{shown}”有语法错误：{exc}")
        return None
    found: list[str] = []
    for name in cond.names:
        if name not in known:
            hint = "（条件只能使用企业画像中的名称和本题之前的题目 id）"
            found.append(f"{where}: 条件“{shown}”中的名称“{shorten(name, 40)}”未定义{hint}")
    for name, literals in cond.literal_comparisons():
        allowed = known.get(name)
        if allowed is None:
            continue
        for lit in literals:
            if allowed == "number":
                ok = isinstance(lit, (int, float)) and not isinstance(lit, bool)
            elif allowed == "boolean":
                ok = isinstance(lit, bool)
            elif allowed == "text":
                ok = isinstance(lit, str)
            else:
                ok = lit in allowed
            if not ok:
                allowed_text = (
                    shorten("、".join(map(str, allowed)), 200) if isinstance(allowed, tuple) else allowed
                )
                found.append(
                    f"{where}: 条件“{shown}”把“{name}”与 {shorten(repr(lit), 40)} 比较，但它的取值应为 {allowed_text}"
                )
    if len(found) > MAX_PROBLEMS_PER_CONDITION:
        rest = len(found) - MAX_PROBLEMS_PER_CONDITION
        found = [*found[:MAX_PROBLEMS_PER_CONDITION], f"{where}: 条件“{shown}”另有 {rest} 处同类问题"]
    problems.extend(found)
    return cond


def _kind_of(item: Item | ProfileQuestion) -> Any:
    if item.type in ("choice", ItemType.choice, ItemType.multi):
        return tuple(o.value for o in item.options)
    if item.type == ItemType.status:
        return STATUS_VALUES
    t = item.type.value if isinstance(item.type, ItemType) else item.type
    return t


def _check_library(
    info: LibraryInfo,
    profile: list[ProfileQuestion],
    modules: list[Module],
    paths: dict[str, Path],
    infos: Iterable[LibraryInfo],
) -> list[str]:
    problems: list[str] = []
    known: dict[str, Any] = {}
    for pq in profile:
        where = f"profile.yaml: {pq.id}"
        if pq.id in known:
            problems.append(f"{where}: 画像题 id 重复")
        pq._when = _compile(pq.when, f"{where}: when", known, problems)
        known[pq.id] = _kind_of(pq)
    seen_modules: dict[str, str] = {}
    versions = {i.version for i in infos}
    for module in modules:
        src = module.source
        if module.module in seen_modules:
            problems.append(f"{src}: 模块 id “{module.module}” 与 {seen_modules[module.module]} 重复")
        seen_modules[module.module] = src
        if module.version and module.version not in versions:
            problems.append(f"{src}: version “{module.version}” 与 library.yaml 的版本不一致")
        module._applies = _compile(module.applies_when, f"{src}: applies_when", known, problems)
        for item in module.items:
            where = f"{src}: {item.id}"
            if item.module_id != module.module:
                problems.append(f"{where}: id 应以本模块名“{module.module}.”开头")
            if item.id in known:
                problems.append(f"{where}: 题目 id 重复")
            if item.id in info.retired or item.id in info.renamed:
                problems.append(f"{where}: 该 id 已在 library.yaml 中列为删除或改名，不能再使用")
            item._when = _compile(item.when, f"{where}: when", known, problems)
            known[item.id] = _kind_of(item)
    for old, new in info.renamed.items():
        if new not in known:
            problems.append(f"library.yaml: renamed: {old} → {new}：新 id 不存在")
    return problems
