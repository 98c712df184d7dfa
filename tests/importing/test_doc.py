"""Legacy .doc through LibreOffice headless; without LibreOffice, a clear message and nothing written."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.importing.builders import post_form
from tests.importing.conftest import read_register, registers_under

SOFFICE = shutil.which("soffice") or shutil.which("libreoffice")


def _as_doc(docx: Path, folder: Path) -> Path:
    assert SOFFICE is not None
    profile = (folder / "lo-profile").as_uri()
    command = [
        SOFFICE,
        f"-env:UserInstallation={profile}",
        "--headless",
        "--convert-to",
        "doc",
        "--outdir",
        str(folder),
        str(docx),
    ]
    subprocess.run(command, capture_output=True, timeout=180, check=True)
    return folder / f"{docx.stem}.doc"


@pytest.mark.skipif(SOFFICE is None, reason="LibreOffice is not installed (make pdf-deps installs it)")
def test_doc_is_converted_and_imported(invoke: Invoke, repo: Path, tmp_path: Path) -> None:
    source = _as_doc(post_form(tmp_path / "采购员.docx", department="药剂科"), tmp_path / "doc")
    assert source.read_bytes()[:4] == b"\xd0\xcf\x11\xe0"  # a real binary Word file
    result = invoke("import", str(source), cwd=repo)
    post = read_register(repo / "registers/药剂科/药品采购员.yaml")
    assert [r["名称"] for r in post["风险点"]] == ["收受供应商回扣", "擅自变更采购数量"]
    assert post["审定"]["日期"] == "2025-03-12"
    assert "采购员.doc" in result.stdout


def test_doc_without_libreoffice_names_the_file_and_the_fix(
    invoke: Invoke, repo: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    source = tmp_path / "旧表.doc"
    source.write_bytes(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504)
    monkeypatch.setenv("PATH", str(tmp_path / "empty-bin"))  # a machine without LibreOffice
    result = invoke("import", str(source), cwd=repo)
    assert result.exit_code == 1
    assert "旧表.doc" in result.stdout and "LZ609" in result.stdout and "make pdf-deps" in result.stdout
    assert registers_under(repo) == {}
