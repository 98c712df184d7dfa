"""One file to a validated model (or findings): the per-file half of every command."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ValidationError

from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.loader import whitespace
from lianzheng_cli.loader.decode import SourceText, decode_source
from lianzheng_cli.loader.locate import validation_findings
from lianzheng_cli.loader.markdown import (
    BODY_LIST_KEYS,
    BODY_TEXT_KEYS,
    MarkdownSplit,
    Section,
    mistyped_fence,
    split_markdown,
)
from lianzheng_cli.loader.raw import RefusedFile, read_bytes
from lianzheng_cli.loader.yamltree import Marks, Tree, parse_tree
from lianzheng_cli.models import KINDS, MODEL_BY_KIND, Register
from lianzheng_cli.paths import MARKDOWN_SUFFIX
from lianzheng_cli.printable import is_safe, visible


@dataclass
class ParsedFile:
    """What one file yielded. ``register`` is None when the file has errors or is no register."""

    path: str
    is_register: bool
    register: Register | None = None
    tree: Tree | None = None
    findings: list[Finding] = field(default_factory=list)
    body: str = ""


def read_source(path: Path, display: str, root: Path | None = None) -> SourceText | Finding:
    """A file's text by the encoding policy (loader/decode.py), or why it cannot be read.

    With root, only a regular file inside root is read (see loader/raw.py).
    """
    if not is_safe(display):
        return unsafe_name(display)
    try:
        data, _ = read_bytes(path, root)
    except OSError as exc:
        return unreadable(display, exc)
    return decode_source(data, display)


def read_text(path: Path, display: str, root: Path | None = None) -> str | Finding:
    source = read_source(path, display, root)
    return source if isinstance(source, Finding) else source.text


def unreadable(display: str, exc: OSError | None = None) -> Finding:
    if isinstance(exc, RefusedFile):
        return refused(display, exc.reason)
    message = f"无法读取文件：{exc.strerror or exc}" if exc is not None else "无法读取文件"
    return Finding.of("LZ015", display, (0, 0), message, "检查文件是否存在、是否有读取权限")


def refused(display: str, reason: str) -> Finding:
    """LZ017: a path lzfk does not read (a link out of the repository, a FIFO, a device, a folder)."""
    return Finding.of(
        "LZ017",
        display,
        (0, 0),
        f"未读取：{reason}",
        "登记库中只放普通文件：把链接换成文件本身，删除管道、设备文件或改名以 .yaml 结尾的目录",
    )


def unsafe_name(display: str) -> Finding:
    """LZ019: a file name that is not valid UTF-8 or holds control characters (shown escaped)."""
    return Finding.of(
        "LZ019",
        visible(display),
        (0, 0),
        "文件名含有控制字符、换行或无效的编码（已用 \\x.. 显示），未读取",
        "给文件改一个只含正常文字的名称（UTF-8 编码，不含换行和控制字符）",
    )


def parse_register_bytes(data: bytes, display: str, *, markdown: bool) -> ParsedFile:
    source = decode_source(data, display)
    if isinstance(source, Finding):
        return ParsedFile(display, True, findings=[source])
    return parse_register_text(source.text, display, markdown=markdown)


def config_from_bytes(data: bytes, display: str) -> tuple[Config | None, Tree | None, list[Finding]]:
    """lzfk.yaml's bytes to the configuration, with its tree (for positions) or the findings."""
    source = decode_source(data, display)
    if isinstance(source, Finding):
        return None, None, [source]
    tree = parse_tree(source.text, display)
    if isinstance(tree, Finding):
        return None, None, [tree]
    config = validate_model(tree, display, Config)
    if isinstance(config, list):
        return None, tree, config
    assert isinstance(config, Config)
    return config, tree, []


def parse_register_file(path: Path, display: str, root: Path | None = None) -> ParsedFile:
    text = read_text(path, display, root)
    if isinstance(text, Finding):
        return ParsedFile(text.path, True, findings=[text])
    return parse_register_text(text, display, markdown=path.suffix.lower() == MARKDOWN_SUFFIX)


def parse_register_text(text: str, display: str, *, markdown: bool) -> ParsedFile:
    if markdown:
        return _parse_markdown(text, display)
    tree = _parse_yaml(text, display)
    if isinstance(tree, list):
        return ParsedFile(display, True, findings=tree)
    parsed = validate_register_tree(tree, display)
    parsed.findings = sorted(parsed.findings + whitespace.comment_findings(text, display))
    return parsed


def _parse_yaml(text: str, display: str) -> Tree | list[Finding]:
    """The tree, or every finding that stops it (all odd spaces, all tab-indented lines)."""
    odd = whitespace.odd_space_findings(text, display)
    if odd:  # YAML would stop at the first of them: the tabs are listed in the same run
        return sorted(odd + whitespace.tab_findings(text, display))
    tree = parse_tree(text, display)
    if not isinstance(tree, Finding):
        return tree
    if tree.code == "LZ004":
        return sorted([tree, *whitespace.tab_findings(text, display, tree)])
    return [tree]


def _parse_markdown(text: str, display: str) -> ParsedFile:
    mistyped = mistyped_fence(text)
    if mistyped is not None:
        line, typed = mistyped
        finding = Finding.of(
            "LZ014",
            display,
            (line, 1),
            f"文件头的分隔行写成了“{typed}”，应为顶格的三个减号 ---",
            "文件头的第一行和最后一行都只写 ---（英文减号，顶格，不多不少），否则整个文件头会被当作正文",
        )
        return ParsedFile(display, True, findings=[finding])
    split = split_markdown(text)
    if split.unclosed:
        finding = Finding.of(
            "LZ014", display, (1, 1), "文件头以 --- 开始，但没有结束的 --- 行", "在文件头的 YAML 内容之后加一行 ---"
        )
        return ParsedFile(display, True, findings=[finding])
    if split.front_yaml is None or not split.front_yaml.strip():
        return ParsedFile(display, False, body=split.body)
    tree = _parse_yaml(split.front_yaml, display)
    if isinstance(tree, list):
        return ParsedFile(display, True, findings=tree, body=split.body)
    if not isinstance(tree.data, dict) or "类型" not in tree.data:
        return ParsedFile(display, False, tree=tree, body=split.body)
    conflicts = _merge_sections(tree, split, display)
    parsed = validate_register_tree(tree, display)
    parsed.findings = sorted(parsed.findings + conflicts + whitespace.comment_findings(split.front_yaml, display))
    parsed.body = split.body
    return parsed


def _merge_sections(tree: Tree, split: MarkdownSplit, display: str) -> list[Finding]:
    data: dict[str, Any] = tree.data
    marks = tree.marks_of(data)
    findings = []
    for section in split.sections:
        if section.title not in BODY_LIST_KEYS | BODY_TEXT_KEYS:
            continue
        if section.title in data:
            findings.append(
                Finding.of(
                    "LZ014",
                    display,
                    (section.line, 1),
                    f"“{section.title}”在文件头和正文中都写了",
                    "只保留一处：删除文件头中的这个键，或删除正文中的这一节",
                )
            )
            continue
        data[section.title] = _section_value(tree, section)
        if marks is not None:
            marks.keys[section.title] = (section.line, 1)
            marks.values[section.title] = (section.line, 1)
    return findings


def _section_value(tree: Tree, section: Section) -> Any:
    if section.title in BODY_TEXT_KEYS:
        return section.text() or None
    items = section.items()
    values = [text for _, text in items]
    tree.marks[id(values)] = Marks((section.line, 1), values={i: (line, 1) for i, (line, _) in enumerate(items)})
    return values


def validate_register_tree(tree: Tree, display: str) -> ParsedFile:
    data = tree.data
    if not isinstance(data, dict):
        return ParsedFile(display, True, tree=tree, findings=[_not_mapping(data, display, tree)])
    kind = data.get("类型")
    model = MODEL_BY_KIND.get(kind) if isinstance(kind, str) else None
    if model is None:
        return ParsedFile(display, True, tree=tree, findings=[_bad_kind(kind, display, tree)])
    try:
        register = model.model_validate(data)
    except ValidationError as exc:
        return ParsedFile(display, True, tree=tree, findings=validation_findings(exc, tree, display, model))
    return ParsedFile(display, True, register=register, tree=tree)  # type: ignore[arg-type]


def validate_model(tree: Tree, display: str, model: type[BaseModel]) -> BaseModel | list[Finding]:
    if not isinstance(tree.data, dict):
        return [_not_mapping(tree.data, display, tree)]
    try:
        return model.model_validate(tree.data)
    except ValidationError as exc:
        return validation_findings(exc, tree, display, model)


def _not_mapping(data: Any, display: str, tree: Tree) -> Finding:
    line, column = tree.pos(())
    hint = "文件应由“键: 值”组成，如 名称: 药品采购员"
    if isinstance(data, str) and "：" in data:
        hint = "键后面用了全角冒号“：”，请改成英文冒号“:”并在后面加一个空格"
    elif isinstance(data, list):
        hint = "文件不应以“- ”列表开头；登记表的第一层是 类型、编号、名称 等键"
    return Finding.of("LZ010", display, (line, column), "文件内容不是“键: 值”结构", hint)


def _bad_kind(kind: Any, display: str, tree: Tree) -> Finding:
    allowed = "、".join(KINDS)
    if kind is None and "类型" not in tree.data:
        line, column = tree.pos(())
        return Finding.of("LZ102", display, (line, column), "缺少必填的键“类型”", f"在文件开头写 类型: 岗位（可选：{allowed}）")
    line, column = tree.pos(("类型",))
    if kind is None:
        return Finding.of("LZ104", display, (line, column), "“类型”没有填写", f"可选：{allowed}")
    return Finding.of("LZ104", display, (line, column), f"“类型”的值“{kind}”无效", f"可选：{allowed}")
