"""lzfk validate also checks the work ledger (台账/), and a changed ledger is never replayed."""

from __future__ import annotations

import shutil
from pathlib import Path

from lianzheng_cli.validation import validate

SAMPLE = Path(__file__).resolve().parents[1]


def _copy(tmp_path: Path) -> Path:
    for name in ("lzfk.yaml", "registers", "台账"):
        source = SAMPLE / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name)
        else:
            shutil.copy(source, tmp_path / name)
    return tmp_path


def test_ledger_problems_are_findings_of_validate(tmp_path: Path) -> None:
    root = _copy(tmp_path)
    assert validate(root).findings == []
    ledger = root / "台账" / "2025.yaml"
    text = ledger.read_text(encoding="utf-8")
    first = text.index("日期: 2025-")
    ledger.write_text(text[:first] + "日期: 2024-" + text[first + len("日期: 2025-") :], encoding="utf-8")
    findings = validate(root).findings  # the cached run must notice the changed ledger
    assert [(f.path, f.code, f.severity.key) for f in findings] == [("台账/2025.yaml", "LZ501", "warning")]
