"""Every produced form, reopened with python-docx, holds exactly what its register says."""

from __future__ import annotations

import re

from lianzheng_cli.config import Config
from lianzheng_cli.models import DepartmentRegister, PostRegister, Register, UnitRegister
from lianzheng_cli.render.sanitize import file_name
from tests.documents.conftest import Built
from tests.documents.docxread import document_text, form_fields


def _date(register_review: object) -> str:
    date = getattr(register_review, "date", None)
    return f"{date.year}年{date.month}月{date.day}日" if date else "年"


def _check_common(fields: dict[str, str], register: Register, built: Built) -> None:
    config = built.unit.config
    assert fields["风险等级"] == built.unit.grades[register.id]
    declared = _most_serious_declared(register, config)
    # Rolled up, a form's grade is never less serious than its own most serious risk point.
    assert declared is None or config.grades.index(fields["风险等级"]) <= config.grades.index(declared)
    for duty in register.duties:
        assert duty in fields["主要职责"]
    for risk in register.risks:
        assert risk.name in fields["存在廉政风险"]
        for manifestation in risk.manifestations:
            assert manifestation in fields["存在廉政风险"]
        for measure in risk.measures:
            assert measure.content in fields["自我防控措施"]
            if measure.stage:
                assert f"【{measure.stage}】{measure.content}" in fields["自我防控措施"]
    for key, review in (("审核意见", register.review), ("审定意见", register.approval)):
        if review is not None:
            assert review.opinion in fields[key]
            assert _date(review) in fields[key]
            if review.signer:
                assert f"签字：{review.signer}" in fields[key]


def test_every_post_form_matches_its_register(built: Built) -> None:
    checked = 0
    for department, post in built.unit.posts:
        path = built.out / "科室" / department.folder / "个人岗位廉政风险防控表" / f"{file_name(f'{post.id}_{post.name}')}.docx"
        fields = form_fields(path)
        assert fields["单位"] == built.unit.config.unit
        assert fields["职务"] == post.name
        assert fields["姓名"] == "、".join(post.holders)
        _check_common(fields, post, built)
        checked += 1
    assert checked == sum(isinstance(r, PostRegister) for r in built.unit.registers) == 31


def test_every_department_form_matches_its_register(built: Built) -> None:
    departments = [d for d in built.unit.departments if d.register is not None]
    assert len(departments) == 12
    for department in departments:
        register = department.register
        assert isinstance(register, DepartmentRegister)
        fields = form_fields(built.out / "科室" / department.folder / "科室廉政风险防控表.docx")
        assert fields["单位"] == built.unit.config.unit
        assert fields["处科室名称"] == register.name
        assert fields["负责人"] == (register.head or "")
        _check_common(fields, register, built)


def test_unit_form_matches_its_register(built: Built) -> None:
    (register,) = built.unit.unit_registers
    assert isinstance(register, UnitRegister)
    fields = form_fields(built.out / "单位廉政风险防控表.docx")
    assert fields["单位名称"] == register.name
    _check_common(fields, register, built)


def _most_serious_declared(register: Register, config: Config) -> str | None:
    found = [grade for risk in register.risks if (grade := config.grade(risk.grade)) is not None]
    return min(found, key=lambda grade: grade.rank).name if found else None


def test_register_grade_is_the_most_serious_declared_grade(built: Built) -> None:
    config = built.unit.config
    post = next(p for _, p in built.unit.posts if p.id == "YJK-CG")
    assert [r.grade for r in post.risks] == ["一级", "二级"]
    assert _most_serious_declared(post, config) == built.unit.grades[post.id] == "一级"
    assert all(register.id in built.unit.grades for register in built.unit.registers if register.risks)


def test_notice_lists_every_risk_and_measure_of_its_post(built: Built) -> None:
    for department, post in built.unit.posts:
        path = built.out / "科室" / department.folder / "廉政风险提示书" / f"{file_name(f'{post.id}_{post.name}')}.docx"
        text = document_text(path)
        assert "廉政风险提示书" in text
        assert f"共查找出廉政风险点{len(post.risks)}个" in text
        for risk in post.risks:
            assert risk.name in text
            assert all(m.content in text for m in risk.measures)
            assert all(m in text for m in risk.manifestations)


def test_unsigned_form_keeps_room_for_a_handwritten_date(built: Built) -> None:
    from lianzheng_cli.render.context import post_view
    from lianzheng_cli.render.forms import FormTemplate
    from lianzheng_cli.render.handbook import form_context
    from lianzheng_cli.render.jinja_env import BUILTIN_DIR, environment

    post = next(p for _, p in built.unit.posts if p.id == "YJK-CG").model_copy(update={"review": None, "approval": None})
    template = FormTemplate(BUILTIN_DIR / "个人岗位廉政风险防控表.docx", environment())
    xml = template.body(form_context(post_view(post, "药剂科", built.unit.config)))
    assert re.search(r"签字：　+　　　　年　　月　　日", re.sub(r"<[^>]+>", "", xml))


def test_department_form_is_at_least_as_serious_as_its_posts(built: Built) -> None:
    department = next(d for d in built.unit.departments if d.id == "XXK")
    assert department.register is not None
    assert _most_serious_declared(department.register, built.unit.config) == "二级"  # its own risk points
    fields = form_fields(built.out / "科室" / department.folder / "科室廉政风险防控表.docx")
    assert fields["风险等级"] == "一级"  # raised by its post 信息科科长 (一级)


def test_official_documents_carry_no_tool_words_paths_commit_ids_or_iso_dates(built: Built) -> None:
    import zipfile

    documents = list(built.out.rglob("*.docx"))
    assert len(documents) >= 79
    forbidden = re.compile(
        r"lzfk|registers/|台账/|\.ya?ml\b|\b\d{4}-\d{2}-\d{2}\b|\b(?=[0-9a-f]*\d)(?=[0-9a-f]*[a-f])[0-9a-f]{7,40}\b"
    )
    for path in documents:
        with zipfile.ZipFile(path) as package:
            properties = package.read("docProps/core.xml").decode("utf-8")
            body = package.read("word/document.xml").decode("utf-8")
        # What prints and what Word shows under File > Properties (field codes and bookmark names are neither).
        body = re.sub(r"<w:instrText[^>]*>.*?</w:instrText>", "", body)
        text = re.sub(r"<[^>]+>", "", body) + re.sub(r"<[^>]+>", " ", properties)
        assert not forbidden.search(text), (path.name, forbidden.search(text))


def test_no_part_of_a_word_package_names_the_tool(built: Built) -> None:
    # Word shows picture names in its selection pane and bookmark names in Insert > Bookmark.
    import zipfile

    for path in built.out.rglob("*.docx"):
        with zipfile.ZipFile(path) as package:
            for part in package.namelist():
                assert "lzfk" not in part.lower(), (path.name, part)
                assert b"lzfk" not in package.read(part).lower(), (path.name, part)
