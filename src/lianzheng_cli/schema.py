"""JSON Schema (draft-07) for lzfk.yaml and the registers, generated from the models and the unit's lzfk.yaml.

Editors (yaml-language-server) complete from these files, so they carry the unit's own
vocabularies as enums with Chinese descriptions (grades with their aliases, risk types,
stages, power categories), and no ``null`` branches or ``null`` defaults, which would
show up as noise in completions and snippets. The files carry no ``$id``: a ``$ref`` to
a sibling file then resolves against the file's own location, from any working directory.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from lianzheng_cli.config import VOCABULARIES, Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.models import DepartmentRegister, PostRegister, UnitRegister

DRAFT_07 = "http://json-schema.org/draft-07/schema#"

_CHINESE: dict[str, tuple[str, str]] = {
    "Config": ("lzfk.yaml 单位配置", "单位名称、年度、等级名称、评级规则、风险类型等；除单位和年度外都有默认值"),
    "RiskCountRange": ("每岗风险点", "每个岗位风险点数量的建议范围"),
    "PostRegister": ("个人岗位廉政风险防控登记表", "类型: 岗位"),
    "DepartmentRegister": ("科室廉政风险防控登记表", "类型: 科室"),
    "UnitRegister": ("单位廉政风险防控登记表", "类型: 单位"),
    "RiskPoint": ("风险点", "一个廉政风险点：名称、类型、表现形式、等级和防控措施"),
    "Measure": ("防控措施", "一条防控措施：阶段、内容、责任人、期限、制度"),
    "Review": ("审核/审定", "意见、签字、日期"),
    "Power": ("权力事项", "权力清单中的一项"),
    "Step": ("流程环节", "权力运行流程中的一个环节"),
    "LeadershipGroup": ("领导小组", "廉政风险防控工作领导小组"),
    "Withdrawal": ("已撤销", "撤销的风险点（或整张登记表）及理由"),
}

SCHEMA_FILES: dict[str, type[BaseModel]] = {
    "lzfk.schema.json": Config,
    "post.schema.json": PostRegister,
    "department.schema.json": DepartmentRegister,
    "unit.schema.json": UnitRegister,
}
KIND_FILES = {"岗位": "post.schema.json", "科室": "department.schema.json", "单位": "unit.schema.json"}


SCHEMA_DIR = "schemas"
Choices = list[tuple[str, str]]  # (value, Chinese description)


def vocabularies(config: Config) -> dict[tuple[str, str], Choices]:
    """(definition, property) → the values lzfk.yaml allows there, each with a description."""
    ranks = ("最严重的等级", "居中的等级", "最轻的等级")
    grades = [(grade, ranks[i] if i < len(ranks) else "风险等级") for i, grade in enumerate(config.grades)]
    grades += [(spelling, f"别名，即“{grade}”") for spelling, grade in config.grade_aliases.items()]
    stages = [(stage, f"防控阶段（第 {i + 1} 道防线）") for i, stage in enumerate(config.stages)]
    return {
        ("RiskPoint", "等级"): grades,
        ("RiskPoint", "类型"): _with_aliases(config, "风险类型", [(kind, "本单位的风险类型") for kind in config.risk_types]),
        ("Measure", "阶段"): _with_aliases(config, "防控阶段", stages),
        ("SharedMeasure", "阶段"): _with_aliases(config, "防控阶段", stages),
        ("RiskPoint", "发生概率"): _tiers(config, "发生概率", ("最高", "居中", "最低")),
        ("RiskPoint", "危害程度"): _tiers(config, "危害程度", ("最严重", "居中", "最轻")),
        ("PostRegister", "层级"): _tiers(config, "层级", ("一般岗位", "中层岗位", "领导岗位")),
        ("Power", "类别"): [(category, "权力类别") for category in config.power_categories],
    }


def _with_aliases(config: Config, name: str, choices: Choices) -> Choices:
    """The choices, then each alias lzfk.yaml gives for them (``等级别名`` and its kind)."""
    return [*choices, *((spelling, f"别名，即“{word}”") for spelling, word in getattr(config, VOCABULARIES[name][1]).items())]


def _tiers(config: Config, name: str, ranks: tuple[str, str, str]) -> Choices:
    """A three-tier vocabulary (发生概率, 危害程度, 层级): the unit's words, their aliases, and the
    default words, which lzfk still reads as the unit's word of the same tier."""
    words = config.vocabulary(name)
    choices = _with_aliases(config, name, [(word, f"本单位的{name}（{ranks[i]}）") for i, word in enumerate(words)])
    defaults = VOCABULARIES[name][2] or []
    seen = {value for value, _ in choices}
    return choices + [(word, f"默认写法，即“{words[i]}”") for i, word in enumerate(defaults) if word not in seen]


def model_schema(model: type[BaseModel], config: Config | None = None) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    _translate(schema, model.__name__)
    for name, definition in schema.get("$defs", {}).items():
        _translate(definition, name)
    _accept_numbers_as_text(schema)
    _compact_nulls(schema)
    if config is not None:
        _apply_vocabularies(schema, model.__name__, config)
    return {"$schema": DRAFT_07, **schema}


def _compact_nulls(node: Any) -> None:
    """``X | None`` becomes one node whose type list ends in "null", and ``default: null`` goes:
    an empty key stays valid, but no snippet or hover offers ``null`` as the default."""
    if isinstance(node, dict):
        branches = node.get("anyOf")
        if isinstance(branches, list) and {"type": "null"} in branches:
            rest = [b for b in branches if b != {"type": "null"}]
            if len(rest) == 1 and "type" in rest[0] and "enum" not in rest[0]:
                del node["anyOf"]
                merged = {k: v for k, v in rest[0].items() if k not in node}
                types = merged["type"] if isinstance(merged["type"], list) else [merged["type"]]
                node.update({**merged, "type": [*types, "null"]})
        if "default" in node and node["default"] is None:
            del node["default"]
        for value in node.values():
            _compact_nulls(value)
    elif isinstance(node, list):
        for value in node:
            _compact_nulls(value)


def _apply_vocabularies(schema: dict[str, Any], model_name: str, config: Config) -> None:
    definitions = {model_name: schema, **schema.get("$defs", {})}
    for (definition, prop), choices in vocabularies(config).items():
        node = definitions.get(definition, {}).get("properties", {}).get(prop)
        if node is not None:
            _enum_node(node, choices)
    aliases = schema.get("properties", {}).get("等级别名") if model_name == "Config" else None
    if aliases is not None:  # {spelling: grade}: an alias names one of the unit's grades
        aliases["additionalProperties"] = _enum_node({}, [(grade, "本单位的等级") for grade in config.grades])


def _enum_node(node: dict[str, Any], choices: Choices) -> dict[str, Any]:
    """The node allows only the choices (and stays nullable if it was), each with its description."""
    nullable = "null" in node.get("type", ())
    for key in ("type", "minLength", "anyOf", "examples"):  # examples would show the default words
        node.pop(key, None)
    values = {
        "type": "string",
        "enum": [value for value, _ in choices],
        "enumDescriptions": [description for _, description in choices],  # read by yaml-language-server
    }
    if nullable:
        node["anyOf"] = [values, {"type": "null"}]
    else:
        node.update(values)
    return node


def _accept_numbers_as_text(node: Any) -> None:
    """Editors read ``编号: 001`` as a number; lzfk keeps it as the text "001", so a text
    field must accept what an editor sees as a number too."""
    if isinstance(node, dict):
        if node.get("type") == "string" and "format" not in node and "enum" not in node and "const" not in node:
            node["type"] = ["string", "number"]
        for value in node.values():
            _accept_numbers_as_text(value)
    elif isinstance(node, list):
        for value in node:
            _accept_numbers_as_text(value)


def register_schema() -> dict[str, Any]:
    """One schema for any register file, dispatching on 类型 with if/then (draft-07)."""
    return {
        "$schema": DRAFT_07,
        "title": "廉政风险防控登记表",
        "description": "类型为 岗位、科室 或 单位 的登记表",
        "type": "object",
        "required": ["类型"],
        "properties": {"类型": {"title": "类型", "enum": list(KIND_FILES)}},
        "allOf": [
            {"if": {"properties": {"类型": {"const": kind}}, "required": ["类型"]}, "then": {"$ref": file_name}}
            for kind, file_name in KIND_FILES.items()
        ],
    }


def all_schemas(config: Config | None = None) -> dict[str, dict[str, Any]]:
    """Every schema file; with the unit's config, its vocabularies as enums."""
    schemas = {name: model_schema(model, config) for name, model in SCHEMA_FILES.items()}
    schemas["register.schema.json"] = register_schema()
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def stale_files(folder: Path, config: Config | None = None) -> list[str]:
    """Names of schema files in folder that are missing or differ from the models and config."""
    stale = []
    for name, schema in all_schemas(config).items():
        path = folder / name
        try:
            current = path.read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError):
            current = None
        if current != render(schema):
            stale.append(name)
    return stale


def freshness_findings(root: Path, config: Config) -> list[Finding]:
    """LZ050 for each out-of-date file, when the repository keeps a schemas/ folder."""
    folder = root / SCHEMA_DIR
    if not folder.is_dir():
        return []
    return [
        Finding.of(
            "LZ050",
            f"{SCHEMA_DIR}/{name}",
            (0, 0),
            f"编辑器用的 JSON Schema {SCHEMA_DIR}/{name} 已过期（与 lzfk.yaml 或 lzfk 版本不一致）",
            "运行 lzfk schema 重新生成，并提交 schemas/ 的改动",
        )
        for name in stale_files(folder, config)
    ]


def schema_paths(root: Path) -> list[Path]:
    """The schema files that exist, for the run cache: changing one must not replay a stale warning."""
    return [path for name in (*SCHEMA_FILES, "register.schema.json") if (path := root / SCHEMA_DIR / name).is_file()]


def _translate(schema: dict[str, Any], name: str) -> None:
    if name in _CHINESE:
        schema["title"], schema["description"] = _CHINESE[name]
