"""Corrupt or hostile .docx templates are located template errors, in build and templates check."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from lianzheng_cli.render.docx_package import ReferenceDocument
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.jinja_env import BUILTIN_DIR, TemplateError, environment
from tests.conftest import Invoke
from tests.documents.conftest import copy_sample

POST = "个人岗位廉政风险防控表.docx"
BOMB = b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'


def _patched(name: str, change: bytes | None = None, *, prolog: bytes = b"", body: str = "") -> bytes:
    """A built-in template with word/document.xml changed."""
    out = io.BytesIO()
    with zipfile.ZipFile(BUILTIN_DIR / name) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                if change is not None:
                    data = data.replace(b"</w:body>", change + b"</w:body>")
                if prolog:
                    end = data.index(b"?>") + 2
                    data = data[:end] + prolog + data[end:]
                if body:
                    start = data.index(b"<w:body>") + len(b"<w:body>")
                    data = data[:start] + body.encode() + data[start:]
            zout.writestr(item, data)
    return out.getvalue()


CASES = {
    "not-a-zip": (b"PK\x03\x04 this is not really a zip", "不是有效的 .docx 文件"),
    "empty": (b"", "不是有效的 .docx 文件"),
    "ill-formed": (_patched(POST, b"<w:p><w:r>"), "XML 格式有误（开始标记与结束标记不配对）"),
    "entities": (_patched(POST, prolog=BOMB), "DOCTYPE/ENTITY 声明"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_a_corrupt_form_template_is_a_template_error_naming_it(tmp_path: Path, case: str) -> None:
    data, message = CASES[case]
    (tmp_path / POST).write_bytes(data)
    with pytest.raises(TemplateError) as caught:
        FormTemplate(tmp_path / POST, environment())
    assert caught.value.message.startswith(f"模板 {POST}")
    assert message in caught.value.message


def test_a_corrupt_style_template_is_a_template_error(tmp_path: Path) -> None:
    (tmp_path / "文档样式.docx").write_bytes(_patched("文档样式.docx", prolog=BOMB))
    with pytest.raises(TemplateError, match="DOCTYPE/ENTITY"):
        ReferenceDocument(tmp_path / "文档样式.docx")


def test_a_zip_bomb_is_refused_before_it_is_inflated(tmp_path: Path) -> None:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        package.writestr("word/document.xml", b"<a/>")
        package.writestr("word/huge.bin", b"\0" * (65 * 1024 * 1024))
    (tmp_path / POST).write_bytes(out.getvalue())
    with pytest.raises(TemplateError, match="解压后过大"):
        FormTemplate(tmp_path / POST, environment())


OUTPUT_NOT_XML = '<w:p><w:r><w:t>{{ "%c/w:t%c"|format(60, 62)|safe }}</w:t></w:r></w:p>'


def test_templates_check_fails_when_the_output_is_not_well_formed_xml(tmp_path: Path, invoke: Invoke) -> None:
    root = copy_sample(tmp_path / "unit")
    (root / "templates").mkdir()
    (root / "templates" / POST).write_bytes(_patched(POST, body=OUTPUT_NOT_XML))
    result = invoke("templates", "check", cwd=root)
    assert result.exit_code == 1
    assert f"模板 {POST} 生成的正文" in result.output and "XML 格式有误" in result.output


def test_build_stops_with_a_template_error_on_a_file_that_is_no_docx(tmp_path: Path, invoke: Invoke) -> None:
    root = copy_sample(tmp_path / "unit")
    (root / "templates").mkdir()
    (root / "templates" / POST).write_bytes(b"not a zip")
    result = invoke("build", "--only", "forms", "-f", "docx", "--out", str(tmp_path / "out"), cwd=root)
    assert result.exit_code == 2
    assert f"模板 {POST} 不是有效的 .docx 文件" in result.output
    assert not list((tmp_path / "out").rglob("*岗位*.docx"))
