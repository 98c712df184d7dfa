"""Encodings that also decode as GB18030, and unit names that are not plain YAML."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from lianzheng_cli.loader.decode import decode_source
from tests.conftest import Invoke

BIG5 = "類型: 崗位\n編號: BGS-WS\n名稱: 文書\n說明: 負責公文收發與歸檔\n".encode("big5")
SHIFT_JIS = "種類: 職位\n番号: BGS\n名前: 文書係\n説明: 公文書の受付と保管を担当する\n".encode("shift_jis")
GBK = "类型: 岗位\n编号: BGS-WS\n名称: 文书\n".encode("gbk")
GBK_SHORT = "名称: 文书\n".encode("gbk")


@pytest.mark.parametrize(
    ("data", "code", "hint"),
    [
        (GBK, "LZ001", "lzfk fix-encoding 文件名"),
        (GBK_SHORT, "LZ001", "lzfk fix-encoding 文件名"),
        (BIG5, "LZ022", "--from big5"),
        (SHIFT_JIS, "LZ022", "--from shift_jis"),
    ],
)
def test_only_plausible_gbk_is_sent_to_fix_encoding(data: bytes, code: str, hint: str) -> None:
    assert data.decode("gb18030")  # every case also decodes as GB18030: that is the trap
    finding = decode_source(data, "x.yaml")
    assert not hasattr(finding, "text")
    assert (finding.code, finding.line) == (code, 1)  # type: ignore[union-attr]
    assert hint in finding.hint  # type: ignore[union-attr]


@pytest.mark.parametrize(("data", "encoding"), [(BIG5, "big5"), (SHIFT_JIS, "shift_jis")])
def test_fix_encoding_refuses_big5_and_shift_jis_unless_told(tmp_path: Path, invoke: Invoke, data: bytes, encoding: str) -> None:
    path = tmp_path / "登记表.yaml"
    path.write_bytes(data)
    refused = invoke("fix-encoding", str(path))
    assert refused.exit_code == 1
    assert "未改动" in refused.output and f"--from {encoding}" in refused.output
    assert path.read_bytes() == data
    done = invoke("fix-encoding", "--from", encoding, str(path))
    assert done.exit_code == 0, done.output
    assert path.read_bytes() == data.decode(encoding).encode("utf-8")


def test_fix_encoding_still_converts_gbk(tmp_path: Path, invoke: Invoke) -> None:
    path = tmp_path / "登记表.yaml"
    path.write_bytes(GBK)
    assert invoke("fix-encoding", str(path)).exit_code == 0
    assert path.read_text(encoding="utf-8") == "类型: 岗位\n编号: BGS-WS\n名称: 文书\n"


@pytest.mark.parametrize("unit", ["某某公司: 总部", '"某院"分院', "[试点] 单位 #1", "*某局", "某某\n分院"])
def test_init_quotes_a_unit_name_that_is_not_plain_yaml(tmp_path: Path, invoke: Invoke, unit: str) -> None:
    target = tmp_path / "新单位"
    assert invoke("init", str(target), "--unit", unit, "--year", "2025").exit_code == 0
    result = invoke("validate", "-f", "json", cwd=target)
    assert result.exit_code == 0, result.output
    expected = " ".join(unit.split())

    assert yaml.safe_load((target / "lzfk.yaml").read_text(encoding="utf-8"))["单位"] == expected
    assert yaml.safe_load((target / "registers" / "单位.yaml").read_text(encoding="utf-8"))["名称"] == expected
    assert json.loads(result.stdout)["summary"]["errors"] == 0
