"""JSON Schema (draft-07) for lzfk.yaml and the registers, generated from the models."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel

from lianzheng_cli.config import Config
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


def model_schema(model: type[BaseModel], file_name: str) -> dict[str, Any]:
    schema = model.model_json_schema(by_alias=True, mode="validation")
    _translate(schema, model.__name__)
    for name, definition in schema.get("$defs", {}).items():
        _translate(definition, name)
    _accept_numbers_as_text(schema)
    return {"$schema": DRAFT_07, "$id": file_name, **schema}


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
        "$id": "register.schema.json",
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


def all_schemas() -> dict[str, dict[str, Any]]:
    schemas = {name: model_schema(model, name) for name, model in SCHEMA_FILES.items()}
    schemas["register.schema.json"] = register_schema()
    return schemas


def render(schema: dict[str, Any]) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def stale_files(folder: Path) -> list[str]:
    """Names of schema files in folder that are missing or differ from the models."""
    stale = []
    for name, schema in all_schemas().items():
        path = folder / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render(schema):
            stale.append(name)
    return stale


def _translate(schema: dict[str, Any], name: str) -> None:
    if name in _CHINESE:
        schema["title"], schema["description"] = _CHINESE[name]
