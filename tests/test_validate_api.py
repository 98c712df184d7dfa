"""``validation.validate`` beyond the examples: unreadable files, which files count, parallel runs."""

from __future__ import annotations

import os
from pathlib import Path
from typing import IO

import pytest

from lianzheng_cli import validation
from lianzheng_cli.errors import ConfigError
from lianzheng_cli.loader import raw
from tests.helpers import INVALID, LEADER, VALID, build_repo, lines_of, run_validate, validate_lines


def test_a_register_that_cannot_be_read_is_lz015(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # As root every file on disk is readable, so the file vanishes between listing and reading.
    root = build_repo(tmp_path, {"院长.yaml": LEADER})
    walk_registers = validation.walk_registers

    def with_a_vanished_file(folder: Path) -> list[str]:
        return sorted([*walk_registers(folder), str((root / "registers" / "消失.yaml").resolve())])

    monkeypatch.setattr(validation, "walk_registers", with_a_vanished_file)
    result = run_validate(root)
    assert lines_of(result.findings) == ["registers/消失.yaml:0:0: LZ015"]
    assert result.findings[0].message.startswith("无法读取文件")
    assert (result.summary.files, result.summary.registers, result.summary.risk_points) == (2, 2, 1)


def test_unreadable_lzfk_yaml_stops_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_repo(tmp_path, {"院长.yaml": LEADER})

    def unreadable_config(path: str | os.PathLike[str], mode: str = "r") -> IO[bytes]:
        if Path(path).name == "lzfk.yaml":
            raise PermissionError(13, "Permission denied")
        return Path(path).open(mode)  # type: ignore[return-value]

    # Every input is opened by loader/raw.py: make exactly that open fail for lzfk.yaml.
    monkeypatch.setattr(raw, "open", unreadable_config, raising=False)
    result = run_validate(root)
    assert result.config_failed
    assert lines_of(result.findings) == ["lzfk.yaml:0:0: LZ015"]


def test_only_register_files_outside_hidden_folders_are_checked(tmp_path: Path) -> None:
    root = build_repo(
        tmp_path,
        {
            "院长.YAML": LEADER,
            ".草稿/坏.yaml": "类型: [\n",
            "附件/坏.txt": "类型: [\n",
            "附件/坏.json": "{",
        },
    )
    result = run_validate(root)
    assert (lines_of(result.findings), result.summary.files) == ([], 1)


def test_a_missing_register_folder_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "lzfk.yaml").write_text("单位: 测试\n年度: 2025\n登记目录: 登记表\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="登记目录 登记表 不存在"):
        run_validate(tmp_path)


def test_validate_finds_the_root_from_a_register_subfolder() -> None:
    case = INVALID / "lz202-lz205-unresolved-reference"
    assert validate_lines(case / "registers") == validate_lines(case)


def test_identical_files_are_reported_under_their_own_names(tmp_path: Path) -> None:
    # Regression: results were keyed by content only, so a copied file borrowed the other's path.
    broken = LEADER.replace("LD-YZ", "LD-B").replace("    防控措施:", "    防空措施:")
    root = build_repo(tmp_path, {"甲.yaml": broken, "乙.yaml": broken, "丙.yaml": LEADER, "丁.yaml": LEADER})
    findings = run_validate(root).findings
    assert lines_of(findings) == [
        "registers/丙.yaml:2:5: LZ201",
        "registers/丙.yaml:9:9: LZ201",
        "registers/乙.yaml:17:5: LZ101",
        "registers/甲.yaml:17:5: LZ101",
        "registers/甲.yaml:2:5: LZ201",
        "registers/甲.yaml:9:9: LZ201",
    ]
    assert sorted(f.message for f in findings if f.code == "LZ201") == [
        "编号“LD-B-01”重复：风险点已在 registers/乙.yaml:9 使用",
        "编号“LD-B”重复：登记表已在 registers/乙.yaml:2 使用",
        "编号“LD-YZ-01”重复：风险点已在 registers/丁.yaml:9 使用",
        "编号“LD-YZ”重复：登记表已在 registers/丁.yaml:2 使用",
    ]


@pytest.mark.parametrize(
    "case", [VALID / "full-repository", INVALID / "lz202-lz205-unresolved-reference", INVALID / "lz003-yaml-syntax"]
)
def test_parallel_workers_give_the_same_result(case: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    sequential = validation.validate(case, use_cache=False, jobs=1)
    monkeypatch.setattr(validation, "PARALLEL_THRESHOLD", 1)
    parallel = validation.validate(case, use_cache=False, jobs=2)
    assert parallel.findings == sequential.findings
    assert [f.message for f in parallel.findings] == [f.message for f in sequential.findings]
    assert parallel.summary == sequential.summary
