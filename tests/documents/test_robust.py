"""Nothing crashes on text that validated, and nothing is lost on the way into Word."""

from __future__ import annotations

import zipfile
from pathlib import Path

from docx import Document
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from lianzheng_cli.config import Config
from lianzheng_cli.models import PostRegister
from lianzheng_cli.render.context import post_view
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.handbook import form_context
from lianzheng_cli.render.jinja_env import BUILTIN_DIR, environment, md_cell
from lianzheng_cli.render.sanitize import clean, file_name
from tests.documents.docxread import document_text, form_fields

TEMPLATE = FormTemplate(BUILTIN_DIR / "个人岗位廉政风险防控表.docx", environment())
CONFIG = Config.model_validate({"单位": "测试县人民医院 & <分院>", "年度": "2025"})

# Text as the loader lets it through: any printable character, CJK, markup, Jinja-like braces, line breaks.
TEXT = st.text(
    alphabet=st.one_of(
        st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
        st.sampled_from(list("<>&\"'{}%#|*_\\\n\t　廉政风险")),
    ),
    min_size=1,
    max_size=60,
).filter(lambda s: s.strip())


def _post(name: str, risk: str, measure: str) -> PostRegister:
    return PostRegister.model_validate(
        {
            "类型": "岗位",
            "编号": "T-1",
            "名称": name,
            "科室": "领导班子",
            "主要职责": [name],
            "风险点": [
                {
                    "编号": "T-1-01",
                    "名称": risk,
                    "类型": "岗位职责风险",
                    "表现形式": [risk],
                    "等级": "一级",
                    "防控措施": [measure],
                }
            ],
        }
    )


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=TEXT, risk=TEXT, measure=TEXT)
def test_any_valid_text_renders_and_reads_back(name: str, risk: str, measure: str, tmp_path_factory: object) -> None:
    post = _post(name, risk, measure)
    data = TEMPLATE.render(form_context(post_view(post, "领导班子", CONFIG)))
    folder = tmp_path_factory.mktemp("robust")  # type: ignore[attr-defined]
    path = Path(folder) / "form.docx"
    path.write_bytes(data)
    fields = form_fields(path)
    flat = {key: value.replace("\n", "").replace("\t", "") for key, value in fields.items()}
    assert flat["职务"] == post.name.replace("\n", "").replace("\t", "")
    for text, field in ((post.risks[0].name, "存在廉政风险"), (post.risks[0].measures[0].content, "自我防控措施")):
        assert clean(text).replace("\n", "").replace("\t", "") in flat[field]
    assert CONFIG.unit in fields["单位"]


def test_control_characters_are_removed_not_fatal(tmp_path: Path) -> None:
    view = post_view(_post("采购员", "回扣", "公示"), "领导班子", CONFIG)
    view["职务"] = "采购\x0b员\x07\x00\ufffe"
    view["风险点"][0]["名称"] = "回\x1b扣"
    path = tmp_path / "form.docx"
    path.write_bytes(TEMPLATE.render(form_context({**view, "职务": clean(view["职务"])})))
    assert form_fields(path)["职务"] == "采购员"
    Document(str(path))
    with zipfile.ZipFile(path) as package:
        assert b"\x1b" not in package.read("word/document.xml")
    assert "回扣" in document_text(path)


def test_file_names_and_markdown_cells_are_safe() -> None:
    assert file_name('a/b\\c:d*e?"f<g>h|i') == "a_b_c_d_e_f_g_h_i"
    assert file_name("...") == "_"
    assert str(md_cell("a|b*c\n<d>")) == "a\\|b\\*c<br>&lt;d&gt;"
