"""``lzfk build``, ``lzfk report progress`` and ``lzfk templates`` from the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import Invoke


def test_build_writes_every_document(sample: Path, invoke: Invoke) -> None:
    result = invoke("build", "--out", "out", "--as-of", "2025-06-25", "-f", "docx", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "31 个岗位、12 个科室，86 个风险点、258 条防控措施" in result.output
    out = sample / "out"
    assert (out / "廉政风险防控机制工作手册.docx").is_file()
    assert len(list((out / "科室").glob("*/个人岗位廉政风险防控表/*.docx"))) == 31
    assert len(list((out / "科室").glob("*/廉政风险提示书/*.docx"))) == 31
    assert not list(out.rglob("*.md"))


def test_build_pdf_without_libreoffice_says_so_and_still_writes_word(
    sample: Path, invoke: Invoke, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    empty = tmp_path / "bin"
    empty.mkdir()
    monkeypatch.setenv("PATH", str(empty))  # neither soffice nor graphviz on the PATH
    result = invoke("build", "--out", "out", "-f", "docx", "--only", "tables", "--pdf", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "未找到 LibreOffice" in result.output and "Word 文件已照常生成" in result.output
    assert (sample / "out" / "风险点目录.docx").is_file() and not list((sample / "out").rglob("*.pdf"))


def test_build_says_the_contents_have_no_page_numbers_outside_word(sample: Path, invoke: Invoke) -> None:
    result = invoke("build", "--out", "out", "-f", "docx", "--only", "handbook", cwd=sample)
    assert result.exit_code == 0, result.output
    assert "目录没有页码" in result.output and "--pdf" in result.output


def test_build_removes_what_it_no_longer_produces(sample: Path, invoke: Invoke) -> None:
    assert invoke("build", "--as-of", "2025-06-25", cwd=sample).exit_code == 0
    stale = sample / "out" / "科室" / "药剂科" / "个人岗位廉政风险防控表" / "YJK-CG_药品采购员.docx"
    mine = sample / "out" / "我的笔记.txt"
    mine.write_text("keep", encoding="utf-8")
    assert stale.is_file()
    (sample / "registers" / "药剂科" / "药品采购员.yaml").unlink()
    flow = sample / "registers" / "药剂科" / "科室.yaml"
    flow.write_text(
        flow.read_text(encoding="utf-8").replace("YJK-CG-01, YJK-CG-02", "YJK-01").replace("[YJK-CG-01]", "[YJK-01]"),
        encoding="utf-8",
    )
    result = invoke("build", "--as-of", "2025-06-25", cwd=sample)
    assert result.exit_code == 0, result.output
    assert not stale.exists() and mine.is_file()
    assert "已删除上次生成、本次不再生成的" in result.output


def test_build_refuses_registers_with_errors(sample: Path, invoke: Invoke) -> None:
    path = sample / "registers" / "药剂科" / "药品采购员.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("等级: 一级", "等级: 特级", 1), encoding="utf-8")
    result = invoke("build", "--as-of", "2025-06-25", cwd=sample)
    assert result.exit_code == 1
    assert "未生成文档" in result.output and "registers/药剂科/药品采购员.yaml:" in result.output
    assert not (sample / "out").exists()


def test_build_refuses_a_broken_ledger(sample: Path, invoke: Invoke) -> None:
    (sample / "台账" / "2025.yaml").write_text(
        "年度: 2025\n记录:\n  - 日期: 2025-03-01\n    事项: 培训\n    内容: x\n", encoding="utf-8"
    )
    result = invoke("build", cwd=sample)
    assert result.exit_code == 1
    assert "台账/2025.yaml:4:" in result.output and "未生成文档" in result.output


def test_report_progress_prints_and_writes(sample: Path, invoke: Invoke) -> None:
    result = invoke("report", "progress", "--as-of", "2025-06-25", "--out", "报表", "-f", "md", cwd=sample)
    assert result.exit_code == 0, result.output
    assert " 7. 查找廉政风险点：86　[登记表]" in result.output
    assert "17. 发出风险预警（次）：1　[台账]" in result.output
    assert (sample / "报表" / "进展情况表.md").is_file()
    bad = invoke("report", "progress", "--as-of", "2025/06/25", cwd=sample)
    assert bad.exit_code == 2 and "YYYY-MM-DD" in bad.output


def test_templates_export_list_and_check(sample: Path, invoke: Invoke) -> None:
    result = invoke("templates", "export", "个人岗位廉政风险防控表.docx", cwd=sample)
    assert result.exit_code == 0 and (sample / "templates" / "个人岗位廉政风险防控表.docx").is_file()
    listed = invoke("templates", "list", cwd=sample)
    assert "个人岗位廉政风险防控表.docx　（本单位 templates/ 中的版本）" in listed.output
    assert invoke("templates", "check", cwd=sample).exit_code == 0
    (sample / "templates" / "风险点目录.md.j2").write_text("{{ 风险点目录 }}\n", encoding="utf-8")
    checked = invoke("templates", "check", cwd=sample)
    assert checked.exit_code == 1 and "风险点目录.md.j2 第 1 行" in checked.output


def test_validate_does_not_import_the_document_libraries() -> None:
    code = (
        "import sys; from lianzheng_cli.cli import app; import lianzheng_cli.validation; "
        "heavy = [m for m in ('docx', 'docxtpl', 'jinja2', 'lxml', 'markdown_it', 'lianzheng_cli.render.forms') if m in sys.modules]; "
        "print(heavy); sys.exit(1 if heavy else 0)"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout + done.stderr
