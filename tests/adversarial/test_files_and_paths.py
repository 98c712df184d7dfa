"""Files and paths: only regular files inside the repository are read; odd names are reported, escaped."""

from __future__ import annotations

import json
import os
import time
from pathlib import Path

import pytest

from tests.conftest import Invoke
from tests.documents.conftest import copy_sample
from tests.helpers import LEADER, build_repo

SECRET = "root:x:0:0:这是登记库之外的秘密\n"


def _outside(tmp_path: Path) -> Path:
    secret = tmp_path / "outside" / "passwd.yaml"
    secret.parent.mkdir()
    secret.write_text(SECRET, encoding="utf-8")
    return secret


def _plant(root: Path, folder: str, secret: Path) -> dict[str, str]:
    """Every kind of non-regular entry in folder; name → the reason lzfk must give."""
    base = root / folder
    base.mkdir(parents=True, exist_ok=True)
    (base / "外部.yaml").symlink_to(secret)
    os.mkfifo(base / "管道.yaml")
    (base / "设备.yaml").symlink_to("/dev/zero")
    (base / "目录.yaml").mkdir()
    (base / "循环.yaml").symlink_to(base / "循环.yaml")
    return {
        "外部.yaml": "指向登记库之外",
        "管道.yaml": "管道",
        "设备.yaml": "设备文件",
        "目录.yaml": "目录",
        "循环.yaml": "循环",
    }


def _validate(invoke: Invoke, root: Path, *args: str) -> tuple[int, dict[str, object], float]:
    started = time.monotonic()
    result = invoke("validate", "-f", "json", "--no-cache", *args, cwd=root)
    return result.exit_code, json.loads(result.stdout), time.monotonic() - started


@pytest.mark.parametrize("folder", ["registers", "registers/手册", "台账"])
def test_non_regular_files_are_located_findings_never_followed(tmp_path: Path, invoke: Invoke, folder: str) -> None:
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER})
    reasons = _plant(root, folder, _outside(tmp_path))
    code, document, seconds = _validate(invoke, root)
    assert code == 1 and seconds < 30  # a FIFO or /dev/zero would hang or grow without end
    found = {f["file"]: f for f in document["findings"]}  # type: ignore[attr-defined]
    for name, reason in reasons.items():
        finding = found[f"{folder}/{name}"]
        assert (finding["code"], finding["line"]) == ("LZ017", 0), finding
        assert reason in finding["message"]
    assert "秘密" not in json.dumps(document, ensure_ascii=False)


def test_a_link_to_a_folder_is_reported_not_walked(tmp_path: Path, invoke: Invoke) -> None:
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER})
    _outside(tmp_path)
    (root / "registers" / "外部目录").symlink_to(tmp_path / "outside")
    code, document, _ = _validate(invoke, root)
    assert code == 1
    [finding] = document["findings"]  # type: ignore[misc]
    assert (finding["file"], finding["code"]) == ("registers/外部目录", "LZ017")


def test_a_link_inside_the_repository_is_read(tmp_path: Path, invoke: Invoke) -> None:
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER})
    (root / "registers" / "别名.yaml").symlink_to(root / "registers" / "院长.yaml")
    code, document, _ = _validate(invoke, root)
    codes = {f["code"] for f in document["findings"]}  # type: ignore[attr-defined]
    assert code == 1 and "LZ201" in codes and "LZ017" not in codes  # read: its 编号 repeat the original's


def test_text_output_never_quotes_a_file_outside_the_repository(tmp_path: Path, invoke: Invoke) -> None:
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER})
    (root / "registers" / "外部.yaml").symlink_to(_outside(tmp_path))
    result = invoke("validate", "-f", "text", "--no-cache", cwd=root)
    assert result.exit_code == 1
    assert "LZ017" in result.output and "秘密" not in result.output


def test_build_does_not_copy_an_outside_file_into_the_handbook(tmp_path: Path, invoke: Invoke) -> None:
    root = copy_sample(tmp_path / "unit")
    (root / "registers" / "手册" / "99-外部.md").symlink_to(_outside(tmp_path))
    result = invoke("build", "--only", "handbook", "-f", "md", "--out", str(tmp_path / "out"), cwd=root)
    assert result.exit_code in (1, 2)
    assert "LZ017" in result.output or "未读取" in result.output
    for path in (tmp_path / "out").rglob("*"):
        if path.is_file():
            assert "秘密" not in path.read_text(encoding="utf-8", errors="replace")


@pytest.mark.parametrize(
    ("key", "value"),
    [("登记目录", "/etc"), ("登记目录", "../外面"), ("评级规则", "../outside/rules.yaml"), ("评级规则", "/etc/passwd")],
)
def test_paths_in_lzfk_yaml_must_stay_inside_the_repository(tmp_path: Path, invoke: Invoke, key: str, value: str) -> None:
    (tmp_path / "外面").mkdir()
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER}, config=f"单位: 测试\n年度: 2025\n{key}: {value}\n")
    code, document, _ = _validate(invoke, root)
    assert code == 2
    [finding] = document["findings"]  # type: ignore[misc]
    assert (finding["file"], finding["line"], finding["code"]) == ("lzfk.yaml", 3, "LZ018")


def test_a_rule_file_may_not_extend_a_file_outside(tmp_path: Path, invoke: Invoke) -> None:
    secret = _outside(tmp_path)
    rules = f"名称: 本院\n继承: {os.path.relpath(secret, tmp_path / 'repo')}\n规则: []\n"
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER}, config="单位: 测试\n年度: 2025\n评级规则: rules.yaml\n")
    (root / "rules.yaml").write_text(rules, encoding="utf-8")
    code, document, _ = _validate(invoke, root)
    assert code == 2
    [finding] = document["findings"]  # type: ignore[misc]
    assert (finding["file"], finding["line"], finding["code"]) == ("rules.yaml", 2, "LZ018")
    assert "秘密" not in json.dumps(document, ensure_ascii=False)


@pytest.mark.parametrize(
    "name",
    [
        "坏\n名字.yaml",
        "x.yaml\n::error file=lzfk.yaml::forged.yaml",
        "控制\x1b[31m字符.yaml",
        os.fsdecode(b"\xff\xfe-not-utf8.yaml"),
    ],
)
@pytest.mark.parametrize("output", ["json", "github", "plain", "text"])
def test_odd_file_names_are_reported_and_escaped(tmp_path: Path, invoke: Invoke, name: str, output: str) -> None:
    root = build_repo(tmp_path / "repo", {"院长.yaml": LEADER})
    (root / "registers" / name).write_bytes(LEADER.encode())
    invoke("validate", "-f", output, cwd=root)  # with the cache: written, then replayed
    result = invoke("validate", "-f", output, cwd=root)
    assert result.exit_code == 1, result.output
    assert invoke("grade", cwd=root).exit_code == 1
    assert "LZ019" in result.stdout
    lines = result.stdout.splitlines()
    assert not [line for line in lines if line.startswith("::error file=lzfk.yaml")]
    assert all("\x1b" not in line and "\udcff" not in line for line in lines)


@pytest.mark.parametrize("name", ["个人岗位廉政风险防控表.docx", "个人岗位廉政风险防控表.md.j2", "_宏.md.j2"])
def test_a_template_linked_out_of_the_repository_is_refused(tmp_path: Path, invoke: Invoke, name: str) -> None:
    root = copy_sample(tmp_path / "unit")
    (root / "templates").mkdir()
    (root / "templates" / name).symlink_to(_outside(tmp_path))
    out = tmp_path / "out"
    result = invoke("build", "--only", "forms", "-f", "md", "-f", "docx", "--out", str(out), cwd=root)
    assert result.exit_code == 2, result.output
    assert f"模板 {name} 未读取：这是指向登记库之外的符号链接" in result.output
    assert not [p for p in out.rglob("*") if p.is_file() and "秘密" in p.read_text(encoding="utf-8", errors="replace")]
