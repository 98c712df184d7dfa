"""Pydantic validation errors to located, Chinese findings."""

from __future__ import annotations

import difflib
import re
import types
import typing
from collections.abc import Iterator
from typing import Any

from pydantic import BaseModel, ValidationError
from pydantic_core import ErrorDetails

from lianzheng_cli.findings import Finding
from lianzheng_cli.loader.yamltree import Pos, Tree

_CODE_BY_TYPE = {
    "missing": "LZ102",
    "extra_forbidden": "LZ101",
    "literal_error": "LZ104",
    "string_too_short": "LZ104",
    "too_short": "LZ104",
    "too_long": "LZ104",
    "greater_than_equal": "LZ104",
    "less_than_equal": "LZ104",
    "lz_date_format": "LZ105",
    "lz_date_invalid": "LZ105",
    "lz_bool": "LZ106",
    "int_parsing": "LZ106",
    "int_type": "LZ106",
    "lz_unknown_measure": "LZ223",
}
_KIND_WORDS = {dict: "“键: 值”结构", list: "列表", str: "文本", type(None): "空值"}


def validation_findings(exc: ValidationError, tree: Tree, path: str, model: type[BaseModel]) -> list[Finding]:
    errors = _without_typo_twins(exc.errors(include_url=False))
    findings = [_one(error, tree, path, model) for error in errors]
    return sorted(set(findings))


def _without_typo_twins(errors: list[ErrorDetails]) -> list[ErrorDetails]:
    """A typo like 防空措施 for 防控措施 yields "unknown key" and "missing key" at once;
    the unknown-key finding already names the right key, so the missing one is dropped."""
    unknown: dict[tuple[Any, ...], list[str]] = {}
    for error in errors:
        if error["type"] == "extra_forbidden" and error["loc"]:
            unknown.setdefault(tuple(error["loc"][:-1]), []).append(str(error["loc"][-1]))
    kept = []
    for error in errors:
        loc = tuple(error["loc"])
        if (
            error["type"] == "missing"
            and loc
            and any(difflib.get_close_matches(typo, [str(loc[-1])], n=1, cutoff=0.5) for typo in unknown.get(loc[:-1], []))
        ):
            continue
        kept.append(error)
    return kept


def _one(error: ErrorDetails, tree: Tree, path: str, model: type[BaseModel]) -> Finding:
    loc = tuple(error["loc"])
    kind = error["type"]
    pos, key_path = _position(tree, loc, kind)
    code = _CODE_BY_TYPE.get(kind, "LZ103" if kind.endswith("_type") else "LZ104")
    message, hint = _describe(error, key_path, model)
    return Finding.of(code, path, pos, message, hint)


def _position(tree: Tree, loc: tuple[Any, ...], kind: str) -> tuple[Pos, tuple[Any, ...]]:
    """Walk loc down the tree; skip union/validator labels that are not keys or indexes."""
    node = tree.data
    parent: Any = None
    last: Any = None
    walked: list[Any] = []
    for part in loc:
        if _has(node, part):
            parent, last, node = node, part, node[part]
        elif kind == "missing" and isinstance(node, dict) and isinstance(part, str):
            walked.append(part)
            return _start_of(tree, node), tuple(walked)
        else:
            continue
        walked.append(part)
    return _entry_pos(tree, parent, last, kind), tuple(walked)


def _has(node: Any, part: Any) -> bool:
    if isinstance(node, dict):
        return isinstance(part, str) and part in node
    return isinstance(node, list) and isinstance(part, int) and 0 <= part < len(node)


def _start_of(tree: Tree, node: Any) -> Pos:
    marks = tree.marks_of(node)
    return marks.start if marks else (1, 1)


def _entry_pos(tree: Tree, parent: Any, key: Any, kind: str) -> Pos:
    if parent is None:
        return _start_of(tree, tree.data)
    marks = tree.marks_of(parent)
    if marks is None:
        return (1, 1)
    if kind == "extra_forbidden" and key in marks.keys:
        return marks.keys[key]
    return marks.values.get(key) or marks.keys.get(key) or marks.start


def _describe(error: ErrorDetails, key_path: tuple[Any, ...], model: type[BaseModel]) -> tuple[str, str]:
    kind = error["type"]
    where = _dotted(key_path)
    if kind == "missing":
        key = key_path[-1] if key_path else "?"
        owner = _dotted(key_path[:-1])
        field = _field_at(model, key_path)
        described = f"（{field.description}）" if field is not None and field.description else ""
        return f"{'“' + owner + '”中' if owner else ''}缺少必填的键“{key}”", f"请补上“{key}”{described}"
    if kind == "extra_forbidden":
        return _unknown_key(key_path, model)
    hint = _value_hint(error) or ("对照 docs/configuration.md 修改" if model.__name__ == "Config" else "对照 docs/format.md 修改")
    return f"“{where}”：{_value_message(error)}", hint


def _unknown_key(key_path: tuple[Any, ...], model: type[BaseModel]) -> tuple[str, str]:
    key = str(key_path[-1]) if key_path else "?"
    owner_model = _model_at(model, key_path[:-1])
    allowed = _aliases(owner_model) if owner_model is not None else []
    message = f"未知的键“{key}”"
    guess = difflib.get_close_matches(key.strip().replace("：", ""), allowed, n=1, cutoff=0.5)
    if "\u3000" in key or key != key.strip():
        return message, "键中含有空格或全角空格，请删去" + (f"；是不是“{guess[0]}”？" if guess else "")
    if guess:
        return message, f"是不是“{guess[0]}”？"
    if allowed:
        return message, "这里可用的键：" + "、".join(allowed)
    return message, "请删除这个键"


def _value_message(error: ErrorDetails) -> str:
    kind = error["type"]
    given = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "literal_error" and given is None:
        return f"不能为空，可选：{_expected(ctx)}"
    if kind == "literal_error" and not isinstance(given, str):
        return f"应为一段文本，这里是{_kind_word(given)}；可选：{_expected(ctx)}"
    if kind == "literal_error":
        return f"“{given}”不是允许的值，可选：{_expected(ctx)}"
    if kind in ("string_type", "list_type", "dict_type", "model_type", "model_attributes_type"):
        wanted = {"string_type": "一段文本", "list_type": "列表"}.get(kind, "“键: 值”结构")
        return f"应为{wanted}，这里是{_kind_word(given)}"
    if kind == "string_too_short":
        return "不能为空"
    if kind == "too_short":
        return "至少要有 1 项"
    if kind in ("int_parsing", "int_type"):
        return f"“{given}”不是整数"
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return f"“{given}”超出允许范围"
    message = str(error["msg"]).removeprefix("Value error, ")
    if kind.startswith("lz_") or not _ENGLISH.search(message):
        return message  # lzfk's own validators already speak Chinese
    return _GENERIC.get(kind.split("_")[0], f"值的写法不对（这里是{_kind_word(given)}）")


# pydantic's own messages are English ("Input should be a valid date"): by the type's family.
_ENGLISH = re.compile(r"[A-Za-z]{3,}")
_GENERIC = {
    "date": "应为日期，写成 YYYY-MM-DD",
    "datetime": "应为日期，写成 YYYY-MM-DD",
    "int": "应为整数",
    "float": "应为数字",
    "bool": "应为“是”或“否”",
    "string": "应为一段文本",
    "list": "应为列表",
    "dict": "应为“键: 值”结构",
    "model": "应为“键: 值”结构",
    "enum": "不是允许的值",
    "too": "项数不对",
    "value": "值无效",
}


def _value_hint(error: ErrorDetails) -> str:
    kind = error["type"]
    if kind in ("lz_date_format", "lz_date_invalid"):
        return "日期写成 YYYY-MM-DD，如 2025-03-10"
    if kind == "lz_bool":
        return "写“是”或“否”"
    if kind == "lz_unknown_measure":
        return "在本登记表的“共用措施”中写上这个编号的措施，或改正编号"
    if kind == "list_type":
        return "列表每项以“- ”开头另起一行，或写成 [甲, 乙]"
    if kind == "string_type" and isinstance(error.get("input"), list):
        return "这里只要一项文本；多项内容请合并为一句"
    if kind == "string_type" and isinstance(error.get("input"), dict):
        return "文本中含有“: ”时请用引号把整个值括起来"
    if kind == "string_too_short" or (kind == "string_type" and error.get("input") is None):
        return "请填写内容，或删除这个键"
    if kind == "literal_error":
        return "请从可选值中选一个，注意不要有多余的空格"
    return ""


def _expected(ctx: dict[str, Any]) -> str:
    return str(ctx.get("expected", "")).replace("' or '", "、").replace("', '", "、").replace("'", "")


def _kind_word(value: Any) -> str:
    return _KIND_WORDS.get(type(value), "其他")


def _dotted(parts: tuple[Any, ...]) -> str:
    out = ""
    for part in parts:
        out += f"[{part + 1}]" if isinstance(part, int) else (("." if out else "") + str(part))
    return out


def _aliases(model: type[BaseModel]) -> list[str]:
    return [field.alias or name for name, field in model.model_fields.items()]


def _field_at(model: type[BaseModel], key_path: tuple[Any, ...]) -> Any:
    owner = _model_at(model, key_path[:-1])
    if owner is None or not key_path:
        return None
    for name, field in owner.model_fields.items():
        if (field.alias or name) == key_path[-1]:
            return field
    return None


def _model_at(model: type[BaseModel], key_path: tuple[Any, ...]) -> type[BaseModel] | None:
    current: Any = model
    for part in key_path:
        if isinstance(part, int):
            continue
        field = next((f for n, f in current.model_fields.items() if (f.alias or n) == part), None)
        if field is None:
            return None
        current = _inner_model(field.annotation)
        if current is None:
            return None
    return current if isinstance(current, type) and issubclass(current, BaseModel) else None


def _inner_model(annotation: Any) -> type[BaseModel] | None:
    for candidate in _flatten(annotation):
        if isinstance(candidate, type) and issubclass(candidate, BaseModel):
            return candidate
    return None


def _flatten(annotation: Any) -> Iterator[Any]:
    origin = typing.get_origin(annotation)
    if origin is None:
        yield annotation
        return
    if origin is typing.Annotated:
        yield from _flatten(typing.get_args(annotation)[0])
        return
    if origin in (list, typing.Union, types.UnionType):
        for arg in typing.get_args(annotation):
            yield from _flatten(arg)
