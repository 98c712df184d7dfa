"""Rule sets: loading (presets by name or a unit's file), extending, compiling.

Every mistake in a rule file is found here, at load time, with file:line:col, before a
single risk point is graded.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from importlib import resources
from pathlib import Path
from typing import Any, Literal

from pydantic import Field

from lianzheng_cli.config import TIERS, Config, ConfigModel
from lianzheng_cli.errors import ConfigError
from lianzheng_cli.findings import Finding, display_path
from lianzheng_cli.grading.conditions import ConditionError, Predicate, compile_condition
from lianzheng_cli.grading.risk_facts import FIELDS, REGISTER, RISK_POINT
from lianzheng_cli.loader.files import read_text, validate_model
from lianzheng_cli.loader.yamltree import Tree, parse_tree
from lianzheng_cli.paths import inside_root
from lianzheng_cli.printable import visible
from lianzheng_cli.types import Text, TextList

PRESETS: dict[str, str] = {
    "概率或后果": "probability-or-consequence.yaml",
    "可能性后果矩阵": "likelihood-consequence-matrix.yaml",
    "三重一大": "major-matters.yaml",
    "基本风险位置": "basic-risk-positions.yaml",
    "职能类别": "function-category.yaml",
    "风险点数量": "risk-count.yaml",
}
BOTH = "两者"
Subject = Literal["风险点", "登记表", "两者"]
MAX_EXTENDS = 5


class RuleSpec(ConfigModel):
    id: Text = Field(alias="编号", title="编号", description="规则编号，如 G1")
    description: Text = Field(alias="说明", title="说明", description="规则的含义，会出现在评级解释中")
    condition: dict[str, Any] | None = Field(None, alias="条件", title="条件", description="满足时适用本规则；省略表示总是适用")
    grade: Text = Field(alias="等级", title="等级", description="本规则给出的等级")
    subject: Subject | None = Field(
        None, alias="对象", title="对象", description="本规则评定什么：风险点、登记表或两者；省略时取规则集的“评级对象”"
    )


class RuleSetSpec(ConfigModel):
    name: Text = Field(alias="名称", title="名称")
    description: Text | None = Field(None, alias="说明", title="说明")
    source: Text | None = Field(None, alias="来源", title="来源", description="评级标准的出处")
    combine: Literal["最严重", "首条"] | None = Field(None, alias="合并方式", title="合并方式")
    subject: Subject | None = Field(
        None,
        alias="评级对象",
        title="评级对象",
        description="规则评定什么：风险点（默认）、登记表（岗位、科室、单位，汇总其风险点的事实）或两者",
    )
    inputs: TextList | None = Field(None, alias="依据", title="依据", description="评级需要的风险点字段")
    unmatched: Text | None = Field(None, alias="未匹配", title="未匹配", description="没有规则适用时的等级")
    extends: Text | None = Field(None, alias="继承", title="继承", description="在哪个规则集的基础上修改")
    removed: TextList = Field(default_factory=list, alias="删除规则", title="删除规则")
    rules: list[RuleSpec] = Field(default_factory=list, alias="规则", title="规则")


@dataclass(frozen=True)
class Rule:
    id: str
    description: str
    predicate: Predicate | None
    rank: int
    subjects: frozenset[str] = frozenset((RISK_POINT,))

    def grades(self, subject: str) -> bool:
        return subject in self.subjects


@dataclass(frozen=True)
class RuleSet:
    name: str
    combine: str
    inputs: tuple[str, ...]
    unmatched_rank: int | None
    rules: tuple[Rule, ...]
    source: str
    fingerprint: str
    files: tuple[Path, ...] = ()  # the unit's rule files this set was read from (not presets)
    subject: str = RISK_POINT  # the set's 评级对象: 风险点, 登记表 or 两者

    def rules_for(self, subject: str) -> tuple[Rule, ...]:
        return tuple(rule for rule in self.rules if rule.grades(subject))

    def grades(self, subject: str) -> bool:
        """Whether this set grades risk points (or registers) at all."""
        return self.subject in (subject, BOTH) or bool(self.rules_for(subject))


class RuleSetError(ConfigError):
    """A rule file could not be loaded; its findings say where and why."""

    def __init__(self, findings: list[Finding]) -> None:
        first = findings[0]
        super().__init__(f"评级规则有误：{first.path}:{first.line}:{first.column}: {first.message}", hint=first.hint)
        self.findings = findings


@dataclass
class _Layer:
    spec: RuleSetSpec
    tree: Tree
    display: str
    text: str
    path: Path | None


def load_ruleset(config: Config, root: Path) -> RuleSet:
    layers = _layers(config.rules, root, depth=0)
    return _compile(layers, config)


def _layers(name: str, root: Path, depth: int) -> list[_Layer]:
    if depth > MAX_EXTENDS:
        raise RuleSetError([Finding.of("LZ310", name, (1, 1), "继承层数过多（可能形成了循环）", "检查“继承”是否互相引用")])
    text, display, path = _read(name, root)
    tree = parse_tree(text, display)
    if isinstance(tree, Finding):
        raise RuleSetError([tree])
    spec = validate_model(tree, display, RuleSetSpec)
    if isinstance(spec, list):
        raise RuleSetError(spec)
    assert isinstance(spec, RuleSetSpec)
    layer = _Layer(spec, tree, display, text, path)
    if spec.extends is None:
        return [layer]
    if spec.extends not in PRESETS and not inside_root(root, spec.extends):
        raise RuleSetError([_outside(display, tree.pos(("继承",)), "继承", spec.extends)])
    return [*_layers(spec.extends, root, depth + 1), layer]


def _read(name: str, root: Path) -> tuple[str, str, Path | None]:
    if name in PRESETS:
        text = (resources.files("lianzheng_cli") / "grading" / "presets" / PRESETS[name]).read_text(encoding="utf-8")
        return text, f"<内置规则:{name}>", None
    if not inside_root(root, name):
        raise RuleSetError([_outside("lzfk.yaml", (1, 1), "评级规则", name)])
    path = (root / name).resolve()
    display = display_path(path, root)
    if not path.is_file():
        raise ConfigError(
            f"评级规则“{name}”既不是内置规则，也找不到文件 {display}",
            hint=f"内置规则：{'、'.join(PRESETS)}；或写规则文件相对于 lzfk.yaml 的路径",
        )
    loaded = read_text(path, display, root)
    if isinstance(loaded, Finding):
        raise RuleSetError([loaded])
    return loaded, display, path


def _outside(display: str, pos: tuple[int, int], key: str, value: str) -> Finding:
    return Finding.of(
        "LZ018",
        display,
        pos,
        f"“{key}”的路径 {visible(value)} 指向登记库之外，未读取",
        "规则文件要放在登记库中，路径写成相对于 lzfk.yaml 的位置（不能用 ../ 或绝对路径）",
    )


def _compile(layers: list[_Layer], config: Config) -> RuleSet:
    findings: list[Finding] = []
    rules: dict[str, Rule] = {}
    settings: dict[str, Any] = {"combine": "最严重", "inputs": (), "unmatched": None, "name": "", "subject": RISK_POINT}
    explicit: dict[str, str | None] = {}
    for layer in layers:
        spec = layer.spec
        for removed in spec.removed:
            rules.pop(removed, None)
        for index, rule in enumerate(spec.rules):
            compiled = _compile_rule(rule, index, layer, config, findings)
            if compiled is not None:
                rules[compiled.id] = compiled
                explicit[compiled.id] = rule.subject
        settings["name"] = spec.name
        settings["combine"] = spec.combine or settings["combine"]
        settings["subject"] = spec.subject or settings["subject"]
        settings["inputs"] = tuple(spec.inputs) if spec.inputs is not None else settings["inputs"]
        if spec.unmatched is not None:
            settings["unmatched"] = _rank(spec.unmatched, config, layer, ("未匹配",), findings)
        findings.extend(_unknown_inputs(layer, config))
    if findings:
        raise RuleSetError(sorted(findings))
    return RuleSet(
        name=settings["name"],
        combine=settings["combine"],
        inputs=settings["inputs"],
        unmatched_rank=settings["unmatched"],
        rules=tuple(replace(rule, subjects=_subjects(explicit[rule.id] or settings["subject"])) for rule in rules.values()),
        source=layers[-1].display,
        fingerprint="\n---\n".join(layer.text for layer in layers),
        files=tuple(layer.path for layer in layers if layer.path is not None),
        subject=settings["subject"],
    )


def _subjects(subject: str) -> frozenset[str]:
    return frozenset((RISK_POINT, REGISTER)) if subject == BOTH else frozenset((subject,))


def _compile_rule(rule: RuleSpec, index: int, layer: _Layer, config: Config, findings: list[Finding]) -> Rule | None:
    rank = _rank(rule.grade, config, layer, ("规则", index, "等级"), findings)
    predicate = None
    if rule.condition is not None:
        try:
            predicate = compile_condition(in_unit_words(rule.condition, config), ())
        except ConditionError as exc:
            pos = layer.tree.pos(("规则", index, "条件", *exc.path), key=True)
            findings.append(Finding.of("LZ310", layer.display, pos, f"规则 {rule.id}：{exc.message}", exc.hint))
            return None
    return None if rank is None else Rule(rule.id, rule.description, predicate, rank)


_VOCABULARY_KEYS = {"发生概率": "发生概率", "危害程度": "危害程度", "层级": "层级", "类型": "风险类型"}


def in_unit_words(condition: Any, config: Config) -> Any:
    """A condition with its vocabulary values in the unit's words, so that the presets (written
    with the default words) and a unit's file (written with its own words or aliases) both
    compare with the registers' facts, which are in the unit's words."""
    if isinstance(condition, list):
        return [in_unit_words(item, config) for item in condition]
    if not isinstance(condition, dict):
        return condition
    translated: dict[str, Any] = {}
    for key, value in condition.items():
        vocabulary = _VOCABULARY_KEYS.get(key)
        if vocabulary is None:
            translated[key] = in_unit_words(value, config) if key in ("任一", "全部", "非") else value
        elif isinstance(value, list):
            translated[key] = [_unit_word(config, vocabulary, item) for item in value]
        else:
            translated[key] = _unit_word(config, vocabulary, value)
    return translated


def _unit_word(config: Config, vocabulary: str, value: Any) -> Any:
    return (config.canonical(vocabulary, value) or value) if isinstance(value, str) else value


def _rank(grade: str, config: Config, layer: _Layer, path: tuple[str | int, ...], findings: list[Finding]) -> int | None:
    """Rule files may name the unit's grades, their aliases, or the tiers 一级/二级/三级."""
    found = config.grade(grade)
    rank = found.rank if found else None
    if rank is None and grade in TIERS:
        rank = TIERS.index(grade)
    if rank is None:
        findings.append(
            Finding.of(
                "LZ310",
                layer.display,
                layer.tree.pos(path),
                f"等级“{grade}”不是本单位的等级",
                f"可选：{'、'.join(config.grades)}",
            )
        )
    return rank


def _unknown_inputs(layer: _Layer, config: Config) -> list[Finding]:
    return [
        Finding.of(
            "LZ310", layer.display, layer.tree.pos(("依据", i)), f"依据中的“{name}”不是风险点字段", f"可用：{'、'.join(FIELDS)}"
        )
        for i, name in enumerate(layer.spec.inputs or [])
        if name not in FIELDS
    ]
