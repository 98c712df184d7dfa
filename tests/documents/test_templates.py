"""Templates the unit owns: overriding, exporting, checking; broken templates named with their line."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path

import pytest
from docxtpl import DocxTemplate

from lianzheng_cli.render.context import post_view
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.handbook import form_context
from lianzheng_cli.render.jinja_env import BUILTIN_DIR, TemplateError, environment
from lianzheng_cli.render.templates import builtin_names, export, listing
from tests.documents.conftest import Built, build_sample
from tests.documents.docxread import document_text

POST_TEMPLATE = "个人岗位廉政风险防控表.docx"


def _post(built: Built) -> dict[str, object]:
    department, post = next((d, p) for d, p in built.unit.posts if p.id == "YJK-CG")
    return form_context(post_view(post, department.name, built.unit.config))


def _docx_with(text: str) -> bytes:
    """The built-in post template with its first paragraph's text replaced."""
    source = (BUILTIN_DIR / POST_TEMPLATE).read_bytes()
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(source)) as zin, zipfile.ZipFile(out, "w") as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "word/document.xml":
                data = data.replace("个人岗位廉政风险防控表".encode(), text.encode(), 1)
            zout.writestr(item, data)
    return out.getvalue()


def test_fast_path_renders_what_docxtpl_renders(built: Built) -> None:
    from lianzheng_cli.render.context import department_view

    env = environment()
    department = next(d.register for d in built.unit.departments if d.register is not None)
    department_context = form_context(department_view(department, built.unit.config))
    cases = [
        ("个人岗位廉政风险防控表.docx", _post(built)),
        ("廉政风险提示书.docx", _post(built)),
        ("科室廉政风险防控表.docx", department_context),
    ]
    for name, context in cases:
        template = FormTemplate(BUILTIN_DIR / name, env)
        assert template.fast
        reference = DocxTemplate(str(BUILTIN_DIR / name))
        reference.render(context, jinja_env=env, autoescape=True)
        expected = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", reference.get_xml()))
        actual = re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", template.body(context)))
        assert actual == expected


def test_repository_template_overrides_the_builtin(sample: Path) -> None:
    (sample / "templates").mkdir()
    (sample / "templates" / POST_TEMPLATE).write_bytes(_docx_with("本院岗位廉政风险登记表"))
    (sample / "templates" / "进展情况表.md.j2").write_text("# 本院进展 {{ 单位 }} {{ 项目|length }}\n", encoding="utf-8")
    built = build_sample(sample, sample / "out", documents=frozenset({"forms", "tables"}))
    form = next((built.out / "科室").glob("*/个人岗位廉政风险防控表/*.docx"))
    assert "本院岗位廉政风险登记表" in document_text(form)
    assert (built.out / "进展情况表.md").read_text(encoding="utf-8") == "# 本院进展 青川县人民医院 29\n"
    assert ("进展情况表.md.j2", True) in listing(sample)


def test_broken_jinja_template_is_named_with_its_line(sample: Path) -> None:
    (sample / "templates").mkdir()
    (sample / "templates" / "进展情况表.md.j2").write_text("# 进展\n\n{% for 项 in 项目 %}\n{{ 项.序号 }\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        build_sample(sample, sample / "out", documents=frozenset({"tables"}))
    assert "进展情况表.md.j2 第 4 行" in caught.value.message


def test_misspelt_field_is_named_with_template_and_line(sample: Path) -> None:
    (sample / "templates").mkdir()
    (sample / "templates" / "进展情况表.md.j2").write_text("# 进展\n{{ 单位 }}\n{{ 截至日期 }}\n", encoding="utf-8")
    with pytest.raises(TemplateError) as caught:
        build_sample(sample, sample / "out", documents=frozenset({"tables"}))
    assert "进展情况表.md.j2 第 3 行" in caught.value.message
    assert "未定义的名称“截至日期”" in caught.value.message


def test_broken_word_template_names_its_paragraph(built: Built, tmp_path: Path) -> None:
    broken = tmp_path / POST_TEMPLATE
    broken.write_bytes(_docx_with("{{ 职务 "))
    with pytest.raises(TemplateError) as caught:
        FormTemplate(broken, environment())
    assert "Word 模板 个人岗位廉政风险防控表.docx" in caught.value.message
    misspelt = tmp_path / "错字.docx"
    misspelt.write_bytes(_docx_with("{{ 岗位.职务名称 }}"))
    template = FormTemplate(misspelt, environment())
    with pytest.raises(TemplateError) as caught:
        template.render(_post(built))
    assert "第 1 段" in caught.value.message and "岗位" in caught.value.message


def test_templates_are_sandboxed(built: Built, tmp_path: Path) -> None:
    (tmp_path / "进展情况表.md.j2").write_text("{{ 单位.__class__.__mro__[1].__subclasses__() }}\n", encoding="utf-8")
    env = environment([tmp_path, BUILTIN_DIR])
    with pytest.raises(Exception) as caught:
        env.get_template("进展情况表.md.j2").render({"单位": "x"})
    assert "unsafe" in str(caught.value) or "SecurityError" in type(caught.value).__name__


def test_values_are_escaped_in_every_format(built: Built) -> None:
    env = environment()
    context = _post(built)
    context["职务"] = "采购员<script>&amp;</script>"
    template = FormTemplate(BUILTIN_DIR / POST_TEMPLATE, env)
    xml = template.body(context)
    assert "采购员&lt;script&gt;&amp;amp;&lt;/script&gt;" in xml
    html = env.get_template("个人岗位廉政风险防控表.html.j2").render({**context, "表": context})
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_export_copies_defaults_and_keeps_existing(tmp_path: Path) -> None:
    first = export(tmp_path, None, force=False)
    assert sorted(p.name for p in first.written) == builtin_names()
    assert POST_TEMPLATE in builtin_names() and "廉政风险防控机制工作手册.html.j2" in builtin_names()
    (tmp_path / POST_TEMPLATE).write_bytes(b"mine")
    again = export(tmp_path, [POST_TEMPLATE, "没有这个.docx"], force=False)
    assert again.skipped == [tmp_path / POST_TEMPLATE] and again.unknown == ["没有这个.docx"]
    assert (tmp_path / POST_TEMPLATE).read_bytes() == b"mine"
    assert export(tmp_path, [POST_TEMPLATE], force=True).written == [tmp_path / POST_TEMPLATE]


def test_builtin_word_templates_name_east_asian_fonts() -> None:
    for name in builtin_names():
        if not name.endswith(".docx"):
            continue
        with zipfile.ZipFile(BUILTIN_DIR / name) as package:
            document = package.read("word/document.xml").decode()
            styles = package.read("word/styles.xml").decode()
            fonts = package.read("word/fontTable.xml").decode()
        runs = [r for r in re.findall(r"<w:r>(.*?)</w:r>", document, re.DOTALL) if "<w:t" in r]
        assert runs and all("w:eastAsia=" in r for r in runs), name
        assert "eastAsiaTheme" not in styles and 'w:eastAsia="zh-CN"' in styles
        assert '<w:font w:name="仿宋_GB2312"><w:altName w:val="仿宋"/>' in fonts
        assert '<w:font w:name="方正小标宋简体"><w:altName w:val="宋体"/>' in fonts


def test_style_template_resaved_by_word_keeps_its_page_number_footers(tmp_path: Path) -> None:
    from lianzheng_cli.render.docx_package import ReferenceDocument
    from lianzheng_cli.render.jinja_env import BUILTIN_DIR

    source = BUILTIN_DIR / "文档样式.docx"
    original = ReferenceDocument(source).footers
    assert original is not None
    resaved = tmp_path / "文档样式.docx"
    with zipfile.ZipFile(source) as package, zipfile.ZipFile(resaved, "w") as out:
        for info in package.infolist():
            data = package.read(info.filename)
            if info.filename == "word/document.xml":
                # Word writes the attributes in its own order, with its own spacing.
                text = data.decode("utf-8")
                text = re.sub(
                    r'<w:footerReference w:type="(\w+)" r:id="(\w+)"/>', r'<w:footerReference  r:id="\2" w:type="\1" />', text
                )
                assert 'r:id="' in text and "footerReference  r:id" in text
                data = text.encode("utf-8")
            out.writestr(info, data)
    assert ReferenceDocument(resaved).footers == original
