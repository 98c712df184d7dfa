"""Commands under hostile input: unreadable files, registers that cannot be graded."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import IO

import pytest

from lianzheng_cli.loader import raw
from tests.conftest import Invoke
from tests.helpers import LEADER, build_repo


def test_grade_lists_the_files_it_could_not_grade_and_exits_1(tmp_path: Path, invoke: Invoke) -> None:
    root = build_repo(tmp_path, {"院长.yaml": LEADER, "坏.yaml": "类型: 岗位\n编号: [\n"})
    result = invoke("grade", "-f", "json", cwd=root)
    assert result.exit_code == 1
    document = json.loads(result.stdout)
    assert [item["file"] for item in document["ungraded"]] == ["registers/坏.yaml"]
    assert "LZ003" in document["ungraded"][0]["reason"]
    text = invoke("grade", cwd=root)
    assert text.exit_code == 1
    shown = text.output.replace("\n", "")  # rich wraps at 80 columns
    assert "未能评级：registers/坏.yaml" in shown and "1 份登记表有错误、未能评级" in shown


def test_an_unreadable_ledger_is_a_finding_not_a_crash(tmp_path: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    root = build_repo(tmp_path, {"院长.yaml": LEADER})
    (root / "台账").mkdir()
    (root / "台账" / "2025.yaml").write_text("年度: 2025\n", encoding="utf-8")

    def refuse_ledger(path: str | os.PathLike[str], mode: str = "r") -> IO[bytes]:
        if "台账" in str(path):
            raise PermissionError(13, "Permission denied", str(path))
        return Path(path).open(mode)  # type: ignore[return-value]

    # Tests run as root here, where chmod 000 does not stop a read: fail the one reader's open.
    monkeypatch.setattr(raw, "open", refuse_ledger, raising=False)
    result = invoke("validate", "-f", "json", cwd=root)
    assert result.exit_code == 1, result.output
    [finding] = json.loads(result.stdout)["findings"]
    assert (finding["file"], finding["code"]) == ("台账/2025.yaml", "LZ015")
    again = invoke("validate", "-f", "json", cwd=root)
    assert json.loads(again.stdout)["findings"] == [finding]


def test_grade_write_refuses_a_file_changed_since_it_was_graded(tmp_path: Path) -> None:
    from lianzheng_cli.grading.write import GradeEdit, apply_edits
    from lianzheng_cli.loader.splice import EditError

    path = tmp_path / "院长.yaml"
    # Graded when the risk point said 二级; meanwhile someone renumbered it and set 三级.
    changed = LEADER.replace("LD-YZ-01", "LD-YZ-09").replace("等级: 二级", "等级: 三级")
    path.write_text(changed, encoding="utf-8")
    with pytest.raises(EditError, match="在读取后被修改过"):
        apply_edits(path, [GradeEdit(0, "LD-YZ-01", "二级", "一级")])
    assert path.read_text(encoding="utf-8") == changed


def test_grade_write_keeps_a_cr_only_file_cr_only(tmp_path: Path) -> None:
    from lianzheng_cli.grading.write import GradeEdit, apply_edits

    path = tmp_path / "院长.yaml"
    path.write_bytes(LEADER.replace("\n", "\r").encode("utf-8"))
    apply_edits(path, [GradeEdit(0, "LD-YZ-01", "二级", "一级")])
    data = path.read_bytes()
    assert b"\n" not in data and "等级: 一级\r".encode() in data
    assert data.replace("等级: 一级".encode(), "等级: 二级".encode()) == LEADER.replace("\n", "\r").encode()


@pytest.mark.parametrize("command", [("validate",), ("grade",), ("audit",)])
def test_format_json_prints_json_also_for_configuration_errors(tmp_path: Path, invoke: Invoke, command: tuple[str, ...]) -> None:
    (tmp_path / "lzfk.yaml").write_text("单位: 测试\n年度: 2025\n登记目录: 没有这个目录\n", encoding="utf-8")
    result = invoke(*command, "-f", "json", cwd=tmp_path)
    assert result.exit_code == 2
    document = json.loads(result.stdout)
    assert document["error"]["exit_code"] == 2 and document["error"]["message"]
    assert document["findings"] == []
