"""Refusing a .docx template that is not a safe, well-formed package, before anything parses it.

A unit's ``templates/`` may come from a pull request: a file that is not a zip, a zip bomb,
ill-formed XML or XML with entity declarations (the "billion laughs") is a located template
error here, never a crash or a hang inside docxtpl or lxml. Rendered documents are checked
with the same parser, so a template whose output is not XML never becomes a corrupt .docx.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

from lxml import etree  # type: ignore[import-untyped]

from lianzheng_cli.render.jinja_env import TemplateError

MAX_PART_BYTES = 64 * 1024 * 1024
MAX_PACKAGE_BYTES = 256 * 1024 * 1024
MAX_PARTS = 2000
_DECLARATION = re.compile(rb"<!(?:DOCTYPE|ENTITY)", re.IGNORECASE)
OUTPUT_HINT = "模板中的某个 {{ }} 输出了 Word 的 XML 标记（例如用了 |safe）；去掉它，或用 lzfk templates check 逐个检查"
_HINT = "在 Word/WPS 中打开该模板并重新“另存为 .docx”，或删除 templates/ 中的该文件以恢复内置模板"


def read_package(path: Path, name: str) -> dict[str, bytes]:
    """The template's parts, after checking the zip and every XML part in it."""
    try:
        with zipfile.ZipFile(path) as package:
            infos = package.infolist()
            _check_sizes(infos, name)
            parts = {info.filename: package.read(info.filename) for info in infos}
    except (OSError, zipfile.BadZipFile, zipfile.LargeZipFile, RuntimeError, ValueError, EOFError) as exc:
        raise TemplateError(f"模板 {name} 不是有效的 .docx 文件（无法按 zip 打开：{exc}）", hint=_HINT) from None
    if "word/document.xml" not in parts:
        raise TemplateError(f"模板 {name} 不是有效的 .docx 文件（缺少 word/document.xml）", hint=_HINT)
    for part, data in parts.items():
        if part.endswith((".xml", ".rels")):
            check_xml(data, f"模板 {name} 的 {part}")
    return parts


def _check_sizes(infos: list[zipfile.ZipInfo], name: str) -> None:
    if len(infos) > MAX_PARTS:
        raise TemplateError(f"模板 {name} 含有 {len(infos)} 个部件，不像是 Word 文件", hint=_HINT)
    total = 0
    for info in infos:
        total += info.file_size
        if info.file_size > MAX_PART_BYTES or total > MAX_PACKAGE_BYTES:
            raise TemplateError(f"模板 {name} 解压后过大（{info.filename}），不像是 Word 文件", hint=_HINT)


def check_xml(data: bytes | str, where: str, hint: str = _HINT) -> None:
    """Raise a TemplateError naming where, line and column unless data is well-formed XML without DTD."""
    raw = data.encode("utf-8") if isinstance(data, str) else data
    if _DECLARATION.search(raw):
        raise TemplateError(f"{where} 含有 DOCTYPE/ENTITY 声明，为安全起见不予读取", hint=hint)
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, load_dtd=False)
    try:
        etree.fromstring(raw, parser)
    except etree.XMLSyntaxError as exc:
        line, column = exc.position if exc.position else (0, 0)
        raise TemplateError(f"{where} 第 {line} 行第 {column} 列：XML 格式有误（{_reason(exc)}）", hint=hint) from None


def _reason(exc: etree.XMLSyntaxError) -> str:
    message = str(exc.msg or exc)
    known = (
        ("Opening and ending tag mismatch", "开始标记与结束标记不配对"),
        ("Premature end of data", "内容提前结束"),
        ("not well-formed", "有不允许的字符"),
        ("StartTag: invalid element name", "标记名称无效"),
        ("Extra content at the end of the document", "文档末尾有多余的内容"),
        ("Document is empty", "内容为空"),
        ("EntityRef", "有未定义的实体引用（& 后面的名称）"),
    )
    for english, chinese in known:
        if english in message:
            return chinese
    return message
