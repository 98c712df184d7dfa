"""``lzfk schema`` with the unit's own vocabularies, usable by editors and check-jsonschema from anywhere."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from lianzheng_cli.cli import run
from lianzheng_cli.scaffold import scaffold

UNIT_CONFIG = """\
单位: 某某单位
年度: 2025
等级: [一级, 二级, 三级]
等级别名: {重: 一级}
风险类型: [思想道德风险, 岗位职责风险, 业务流程风险, 制度机制风险]
"""


@pytest.fixture
def unit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    root = tmp_path / "登记库"
    root.mkdir()
    (root / "lzfk.yaml").write_text(UNIT_CONFIG, encoding="utf-8")
    scaffold(root, unit="某某单位", year=2025)  # keeps the unit's lzfk.yaml, writes schemas/ from it
    for name in ("GITHUB_ACTIONS", "GITHUB_WORKFLOW", "GITHUB_STEP_SUMMARY"):
        monkeypatch.delenv(name, raising=False)
    return root


def schema(root: Path, name: str) -> dict[str, object]:
    loaded: dict[str, object] = json.loads((root / "schemas" / name).read_text(encoding="utf-8"))
    return loaded


def test_the_units_grades_types_and_stages_are_enums_with_descriptions(unit: Path) -> None:
    post = schema(unit, "post.schema.json")
    risk = post["$defs"]["RiskPoint"]["properties"]  # type: ignore[index]
    assert risk["等级"]["enum"] == ["一级", "二级", "三级", "重"]
    assert risk["等级"]["enumDescriptions"] == ["最严重的等级", "居中的等级", "最轻的等级", "别名，即“一级”"]
    assert risk["类型"]["enum"] == ["思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险"]
    stage = post["$defs"]["Measure"]["properties"]["阶段"]  # type: ignore[index]
    assert stage["anyOf"][0]["enum"] == ["前期预防", "中期监控", "后期处置"]
    assert stage["anyOf"][1] == {"type": "null"}  # 阶段 may be left empty (LZ211 then asks for it)
    aliases = schema(unit, "lzfk.schema.json")["properties"]["等级别名"]  # type: ignore[index]
    assert aliases["additionalProperties"]["enum"] == ["一级", "二级", "三级"]


def test_likelihood_consequence_and_level_are_the_units_words_with_aliases(tmp_path: Path) -> None:
    root = tmp_path / "单位"
    root.mkdir()
    config = UNIT_CONFIG + (
        "发生概率: [大, 较大, 小]\n发生概率别名: {发生机率较小: 小}\n阶段别名: {事前: 前期预防}\n"
        "层级: [普通, 中层, 班子]\n风险类型别名: {流程风险: 业务流程风险}\n"
    )
    (root / "lzfk.yaml").write_text(config, encoding="utf-8")
    scaffold(root, unit="某某单位", year=2025)
    post = schema(root, "post.schema.json")
    risk = post["$defs"]["RiskPoint"]["properties"]  # type: ignore[index]
    likelihood = risk["发生概率"]["anyOf"][0]
    # the unit's words, the alias, then the default words lzfk still reads as the same tier
    assert likelihood["enum"] == ["大", "较大", "小", "发生机率较小", "高", "较高", "低"]
    assert likelihood["enumDescriptions"][3:5] == ["别名，即“小”", "默认写法，即“大”"]
    assert "examples" not in risk["发生概率"]
    assert risk["危害程度"]["anyOf"][0]["enum"] == ["犯罪", "违纪", "不良影响"]
    assert risk["类型"]["enum"][-1] == "流程风险"
    assert post["properties"]["层级"]["enum"] == ["普通", "中层", "班子", "一般", "领导班子"]  # type: ignore[index]
    for definition in ("Measure", "SharedMeasure"):
        stage = post["$defs"][definition]["properties"]["阶段"]["anyOf"][0]  # type: ignore[index]
        assert stage["enum"] == ["前期预防", "中期监控", "后期处置", "事前"]


def test_no_null_defaults_and_no_ids(unit: Path) -> None:
    for path in (unit / "schemas").iterdir():
        text = path.read_text(encoding="utf-8")
        assert '"default": null' not in text, path.name  # yaml-language-server put it into every snippet
        assert '"$id"' not in text, path.name
    measure = schema(unit, "post.schema.json")["$defs"]["Measure"]["properties"]  # type: ignore[index]
    assert measure["责任人"]["type"] == ["string", "number", "null"]  # left empty stays valid, as for lzfk


def check_jsonschema(cwd: Path, schemafile: Path, instance: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schemafile), str(instance)],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=False,
        env={**os.environ, "NO_COLOR": "1"},
    )


def test_check_jsonschema_resolves_the_refs_from_any_folder(unit: Path, tmp_path: Path) -> None:
    register = unit / "registers" / "办公室" / "办公室主任.yaml"
    text = register.read_text(encoding="utf-8").replace("等级: 二级", "等级: 重")
    register.write_text(text, encoding="utf-8")
    for cwd in (unit, unit / "registers", tmp_path):
        relative = Path(os.path.relpath(unit / "schemas" / "register.schema.json", cwd))
        done = check_jsonschema(cwd, relative, register)
        assert done.returncode == 0, done.stdout + done.stderr
    register.write_text(text.replace("等级: 重", "等级: 低"), encoding="utf-8")
    done = check_jsonschema(unit, Path("schemas/register.schema.json"), register)
    assert done.returncode == 1 and "'低' is not one of ['一级', '二级', '三级', '重']" in done.stdout


def test_validate_warns_when_schemas_are_stale_and_stops_after_regenerating(
    unit: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(unit)
    assert run(["validate", "-f", "plain"]) == 0
    assert "LZ050" not in capsys.readouterr().out
    config = unit / "lzfk.yaml"
    config.write_text(UNIT_CONFIG.replace("制度机制风险]", "制度机制风险, 外部环境风险]"), encoding="utf-8")
    assert run(["validate", "-f", "plain"]) == 0  # a warning
    out = capsys.readouterr().out
    assert "schemas/post.schema.json:0:0: warning LZ050" in out
    assert "运行 lzfk schema 重新生成" in out
    assert run(["schema"]) == 0
    capsys.readouterr()
    assert run(["validate", "-f", "plain"]) == 0
    assert "LZ050" not in capsys.readouterr().out
    config.write_text(UNIT_CONFIG + "检查规则: {schemas-stale: 关闭}\n", encoding="utf-8")
    assert run(["validate", "-f", "plain"]) == 0
    assert "LZ050" not in capsys.readouterr().out
