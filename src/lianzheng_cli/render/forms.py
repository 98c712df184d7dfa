"""Word forms from docxtpl templates a clerk can edit in Word.

A template is prepared once (docxtpl turns its XML into Jinja source, which our one
environment compiles) and then rendered for every post: the Jinja output goes back
through docxtpl's own post-processing and is written into a copy of the template's
package. That renders thousands of forms in seconds, where a fresh ``DocxTemplate`` per
form would take minutes. Templates that use what this path does not cover (tags in
headers, footers or document properties) are rendered by docxtpl in full instead.
"""

from __future__ import annotations

import io
import re
import traceback
import zipfile
from pathlib import Path
from typing import Any

import jinja2
from docxtpl import DocxTemplate

from lianzheng_cli.render.context import View
from lianzheng_cli.render.docx_check import OUTPUT_HINT, check_xml, read_package
from lianzheng_cli.render.docx_package import part as docx_part
from lianzheng_cli.render.jinja_env import TemplateError, guarded, reason, render_bounded

_BODY_OPEN = re.compile(r"<w:body[^>]*>")
_FINAL_SECT = re.compile(r"<w:sectPr[ >](?:(?!<w:sectPr[ >]).)*</w:sectPr>\s*$", re.DOTALL)
_NS_DECL = re.compile(r'xmlns:(\w+)="([^"]+)"')
_TABLE_TAGS = re.compile(r"\{%-?\s*(?:tc|colspan|hm|cellbg)\b")
_TAG_OUTSIDE_BODY = re.compile(rb"\{[{%]")
_DOCUMENT = "word/document.xml"
_SLOW_PARTS = re.compile(r"^word/(header|footer|footnotes)\d*\.xml$|^docProps/core\.xml$")
_LISTING_CHARS = ("\n", "\t", "\a", "\f")


def _literal_braces(source: str) -> str:
    """docxtpl's escapes for a literal {{ … %} typed in a template, as Jinja expressions.

    docxtpl swaps them back after rendering, over the whole output, which also changes a
    register's own text ("{_{" became "{{"); compiled into the template they touch nothing else.
    """
    for escaped, literal in (("{_{", "{{"), ("}_}", "}}"), ("{_%", "{%"), ("%_}", "%}")):
        source = source.replace(escaped, "{{ '" + literal + "' }}")
    return source


class FormTemplate:
    """A docxtpl template compiled once and rendered many times."""

    def __init__(self, path: Path, env: jinja2.Environment, name: str | None = None) -> None:
        self.path = path
        self.name = name or path.name
        self.env = env
        self._parts = read_package(path, self.name)
        try:
            self._docx = DocxTemplate(str(path))
            self._docx.render_init()
            raw_body = self._docx.get_xml()
        except Exception as exc:  # noqa: BLE001 — docxtpl and python-docx raise whatever their parsers raise
            raise TemplateError(
                f"模板 {self.name} 无法打开：{type(exc).__name__}", hint="确认它是用 Word/WPS 另存的 .docx 文件"
            ) from None
        self.fast = not any(_SLOW_PARTS.match(part) and _TAG_OUTSIDE_BODY.search(data) for part, data in self._parts.items())
        self.namespaces = dict(_NS_DECL.findall(raw_body[: raw_body.find(">")]))
        self._fix_tables = bool(_TABLE_TAGS.search(raw_body))
        source = _literal_braces(re.sub(r"<w:p([ >])", r"\n<w:p\1", self._docx.patch_xml(raw_body)))
        self._source_lines = source.splitlines()
        try:
            self._template = env.from_string(source)
        except jinja2.TemplateError as exc:
            raise self._error(exc) from exc
        document = self._parts[_DOCUMENT].decode("utf-8")
        start = document.find("<w:body")
        end = document.rfind("</w:body>") + len("</w:body>")
        self._prefix, self._suffix = document[:start], document[end:]
        self._base = self._package_without_document()

    def _package_without_document(self) -> bytes:
        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
            for part, data in self._parts.items():
                if part != _DOCUMENT:
                    package.writestr(docx_part(part), data)
        return buffer.getvalue()

    def body(self, context: View) -> str:
        """The rendered <w:body> element, as XML text."""
        xml = render_bounded(self._template, context, self.name, self._located)
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if any(char in xml for char in _LISTING_CHARS):
            xml = self._docx.resolve_listing(xml)
        if self._fix_tables or "<wp:docPr" in xml:
            tree = self._docx.fix_tables(xml)
            self._docx.docx_ids_index = 1000
            self._docx.fix_docpr_ids(tree)
            xml = self._docx.xml_to_string(tree)
        check_xml(f"{self._prefix}{xml}{self._suffix}", f"模板 {self.name} 生成的正文", OUTPUT_HINT)
        return str(xml)

    def render(self, context: View) -> bytes:
        """A complete .docx for one form."""
        if not self.fast:
            return self._render_slow(context)
        return self._package(self.body(context))

    def fragment(self, context: View) -> str:
        """The form's content for embedding in a longer document: no body wrapper, no final section."""
        return _inner(self.body(context) if self.fast else self._slow_body(context))

    def render_with_fragment(self, context: View) -> tuple[bytes, str]:
        """The complete .docx and the fragment (see fragment) from one rendering of the body."""
        if not self.fast:
            return self._render_slow(context), _inner(self._slow_body(context))
        body = self.body(context)
        return self._package(body), _inner(body)

    def _package(self, body: str) -> bytes:
        document = f"{self._prefix}{body}{self._suffix}".encode()
        buffer = io.BytesIO(self._base)
        with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as package:
            package.writestr(docx_part(_DOCUMENT), document)
        return buffer.getvalue()

    def _render_slow(self, context: View) -> bytes:
        template = self._full_render(context)
        buffer = io.BytesIO()
        template.save(buffer)
        return buffer.getvalue()

    def _slow_body(self, context: View) -> str:
        return str(self._full_render(context).get_xml())

    def _full_render(self, context: View) -> Any:
        template = DocxTemplate(str(self.path))
        guarded(lambda: template.render(context, jinja_env=self.env, autoescape=True), self.name, self._located)
        return template

    def _located(self, exc: Exception, name: str) -> TemplateError:
        return self._error(exc)

    def _error(self, exc: Exception) -> TemplateError:
        line = getattr(exc, "lineno", None) if isinstance(exc, jinja2.TemplateSyntaxError) else None
        for frame in traceback.extract_tb(exc.__traceback__):
            if frame.filename == "<template>":
                line = frame.lineno
        near = ""
        if line and 0 < line <= len(getattr(self, "_source_lines", [])):
            text = re.sub(r"<[^>]+>", "", self._source_lines[line - 1]).strip()
            near = f"（附近的文字：“{text[:40]}”）" if text else ""
        where = f"第 {line - 1} 段{near}" if line and line > 1 else "正文"
        return TemplateError(
            f"Word 模板 {self.name} {where}：{reason(exc)}",
            hint="在 Word 中打开该模板修改；可用的字段见 docs/documents.md 的“模板中可用的字段”",
        )


def _inner(xml: str) -> str:
    """The children of a rendered <w:body>, without its final section properties."""
    opening = _BODY_OPEN.match(xml)
    inner = xml[opening.end() if opening else 0 : xml.rfind("</w:body>")]
    return _FINAL_SECT.sub("", inner)
