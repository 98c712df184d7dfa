"""Bad input: a clear Chinese message naming the file (and table/row), nothing written, exit 1,
and the other files still imported."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from docx import Document

from tests.conftest import Invoke
from tests.importing.builders import post_form
from tests.importing.conftest import registers_under

OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504


def _no_header_docx(path: Path) -> Path:
    document = Document()
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("姓名", "电话", "地址"), strict=True):
        cell.text = text
    document.save(str(path))
    return path


def _no_header_xlsx(path: Path) -> Path:
    from openpyxl import Workbook

    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "通讯录"
    sheet.append(["姓名", "电话"])
    sheet.append(["张某", "123"])
    workbook.save(str(path))
    return path


def _bytes(data: bytes) -> Callable[[Path], Path]:
    def make(path: Path) -> Path:
        path.write_bytes(data)
        return path

    return make


def _empty_docx(path: Path) -> Path:
    Document().save(str(path))
    return path


CASES: dict[str, tuple[Callable[[Path], Path], str, str]] = {
    "加密.xlsx": (_bytes(OLE), "LZ602", "密码保护"),
    "加密.docx": (_bytes(OLE), "LZ602", "密码保护"),
    "损坏.xlsx": (_bytes(b"PK\x03\x04 not really a zip"), "LZ601", "损坏"),
    "损坏.docx": (_bytes(b"plain text, not a document"), "LZ601", "损坏"),
    "空.csv": (_bytes(b""), "LZ603", "空"),
    "空表.docx": (_empty_docx, "LZ603", "没有表格"),
    "通讯录.docx": (_no_header_docx, "LZ604", "表格 1中找不到可识别的表头"),
    "通讯录.xlsx": (_no_header_xlsx, "LZ604", "工作表“通讯录”中找不到可识别的表头"),
    "说明.txt": (_bytes(b"x"), "LZ610", "不支持的文件类型"),
}


@pytest.mark.parametrize("name", sorted(CASES))
def test_bad_file_is_named_nothing_written_others_imported(invoke: Invoke, repo: Path, tmp_path: Path, name: str) -> None:
    make, code, words = CASES[name]
    bad = make(tmp_path / name)
    good = post_form(tmp_path / "采购员.docx", department="药剂科")
    result = invoke("import", str(bad), str(good), cwd=repo)
    assert result.exit_code == 1
    section = result.stdout.split(name, 1)[1].split("\n\n", 1)[0]
    assert code in section and words in section
    assert "该文件未导入，其他文件不受影响" in section
    assert sorted(registers_under(repo)) == ["药剂科/科室.yaml", "药剂科/药品采购员.yaml"]
    assert "Traceback" not in result.stdout + result.stderr


def test_only_bad_files_write_nothing(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    bad = tmp_path / "损坏.docx"
    bad.write_bytes(b"nope")
    result = invoke("import", str(bad), cwd=repo)
    assert result.exit_code == 1
    assert registers_under(repo) == {}


def test_unknown_header_field_in_lzfk_yaml_is_a_usage_error(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    (repo / "lzfk.yaml").write_text("单位: 测试\n年度: 2025\n导入表头: {风险名: [事项]}\n", encoding="utf-8")
    result = invoke("import", str(post_form(tmp_path / "a.docx", department="办公室")), cwd=repo)
    assert result.exit_code == 2 and "风险名" in result.stderr


def test_existing_file_is_not_overwritten_without_force(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    target = repo / "registers/药剂科/药品采购员.yaml"
    target.parent.mkdir(parents=True)
    target.write_text("这不是登记表\n", encoding="utf-8")
    result = invoke("import", str(post_form(tmp_path / "a.docx", department="药剂科")), cwd=repo)
    assert "LZ611" in result.stdout and target.read_text(encoding="utf-8") == "这不是登记表\n"
    invoke("import", "--force", str(tmp_path / "a.docx"), cwd=repo)
    assert target.read_text(encoding="utf-8").startswith("# 由 lzfk import 导入")
