"""Register grades roll up; --write raises grades in place and never lowers one."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from lianzheng_cli.cli import app
from lianzheng_cli.grading.report import build_report
from lianzheng_cli.loading import load_repository
from tests.grading.conftest import department_yaml, post_yaml, risk_yaml

runner = CliRunner()


def _repo(make_repo, post_text: str) -> Path:  # type: ignore[no-untyped-def]
    leader = post_yaml("LD", risk_yaml("LD-1", "三级", likelihood="低"), department="领导班子", level="领导班子", in_charge="KS")
    files = {
        "ks/科室.yaml": department_yaml("KS", risk_yaml("KS-1", "三级", likelihood="低"), leader="LD"),
        "ks/p.yaml": post_text,
        "ld.yaml": leader,
    }
    return make_repo(files)


def test_department_and_leader_are_at_least_as_serious_as_below(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = _repo(make_repo, post_yaml("P1", risk_yaml("P1-1", "一级", consequence="犯罪")))
    report = build_report(load_repository(root))
    grades = {r.id: (r.grade, r.grade_reasons) for r in report.registers}
    assert grades["P1"] == ("一级", ("取本表风险点的最高等级（风险点 P1-1）",))
    assert grades["KS"] == ("一级", ("取本表风险点的最高等级（风险点 KS-1）", "不低于所属岗位“岗位P1”的等级"))
    assert grades["LD"] == ("一级", ("取本表风险点的最高等级（风险点 LD-1）", "不低于分管科室“科室KS”的等级"))


def test_write_raises_only_the_grade_bytes(make_repo) -> None:  # type: ignore[no-untyped-def]
    text = post_yaml(
        "P1", risk_yaml("P1-1", "'三级'  # 手写的注释", likelihood="高") + risk_yaml("P1-2", "一级", likelihood="低")
    )
    root = _repo(make_repo, text.replace("\n", "\r\n"))
    path = root / "registers/ks/p.yaml"
    before = path.read_bytes()
    result = runner.invoke(app, ["grade", "--write", str(path)])
    assert result.exit_code == 0, result.output
    after = path.read_bytes()
    assert after == before.replace("等级: '三级'  # 手写的注释".encode(), "等级: '一级'  # 手写的注释".encode())
    assert b"\r\n" in after and after.count(b"\r\n") == before.count(b"\r\n")


def test_write_never_lowers_a_grade(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = _repo(make_repo, post_yaml("P1", risk_yaml("P1-1", "一级", likelihood="低", consequence="不良影响")))
    path = root / "registers/ks/p.yaml"
    before = path.read_bytes()
    result = runner.invoke(app, ["grade", "--write", "--format", "json", str(path)])
    assert result.exit_code == 0
    assert path.read_bytes() == before
    assert '"status": "偏高"' in result.output


def test_write_fills_in_a_missing_grade(make_repo) -> None:  # type: ignore[no-untyped-def]
    text = post_yaml("P1", risk_yaml("P1-1", "X", likelihood="较高")).replace("    等级: X\n", "")
    root = _repo(make_repo, text)
    path = root / "registers/ks/p.yaml"
    result = runner.invoke(app, ["grade", "--write", str(path)])
    assert result.exit_code == 0, result.output
    assert "    名称: 风险P1-1\n    等级: 二级\n    类型: 岗位职责风险\n" in path.read_text(encoding="utf-8")
    assert runner.invoke(app, ["validate", str(root / "registers")]).exit_code == 0


def test_grade_exits_1_while_a_grade_is_too_low(make_repo) -> None:  # type: ignore[no-untyped-def]
    root = _repo(make_repo, post_yaml("P1", risk_yaml("P1-1", "三级", likelihood="高")))
    result = runner.invoke(app, ["grade", str(root / "registers")])
    assert result.exit_code == 1
    assert "偏低" in result.output


def test_markdown_register_is_written_in_its_front_matter(make_repo) -> None:  # type: ignore[no-untyped-def]
    text = "---\n" + post_yaml("P1", risk_yaml("P1-1", "三级", likelihood="高")) + "---\n\n## 说明\n\n正文。\n"
    root = make_repo({"ks/科室.yaml": department_yaml("KS", risk_yaml("KS-1", "三级", likelihood="低")), "ks/p.md": text})
    path = root / "registers/ks/p.md"
    assert runner.invoke(app, ["grade", "--write", str(path)]).exit_code == 0
    assert path.read_text(encoding="utf-8") == text.replace("等级: 三级", "等级: 一级")


# A file comes back in its own encoding, BOM and line ends: UTF-16 with either BOM, UTF-8
# with a BOM (what fix-encoding leaves of a converted GBK file when an editor adds one),
# and CRLF / CR-only line ends — both for a changed grade and for one filled in.
ENCODINGS = {
    "utf-16-le": (b"\xff\xfe", "utf-16-le"),
    "utf-16-be": (b"\xfe\xff", "utf-16-be"),
    "utf-8-bom": (b"\xef\xbb\xbf", "utf-8"),
}


@pytest.mark.parametrize("newline", ["\n", "\r\n", "\r"], ids=["lf", "crlf", "cr"])
@pytest.mark.parametrize("encoding", sorted(ENCODINGS))
def test_write_keeps_the_files_encoding_and_line_ends(make_repo, encoding: str, newline: str) -> None:  # type: ignore[no-untyped-def]
    bom, codec = ENCODINGS[encoding]
    text = post_yaml("P1", risk_yaml("P1-1", "三级", likelihood="高") + risk_yaml("P1-2", "X", likelihood="较高"))
    text = text.replace("    等级: X\n", "").replace("\n", newline)
    root = _repo(make_repo, post_yaml("P0", risk_yaml("P0-1", "三级", likelihood="低")))
    path = root / "registers/ks/p.yaml"
    path.write_bytes(bom + text.encode(codec))

    result = runner.invoke(app, ["grade", "--write", str(path)])

    assert result.exit_code == 0, result.output
    data = path.read_bytes()
    assert data.startswith(bom)
    expected = text.replace("等级: 三级", "等级: 一级").replace(
        f"    名称: 风险P1-2{newline}", f"    名称: 风险P1-2{newline}    等级: 二级{newline}"
    )
    assert data[len(bom) :].decode(codec) == expected
    assert runner.invoke(app, ["validate", "--no-cache", str(root / "registers")]).exit_code == 0


def test_gbk_register_converted_by_fix_encoding_is_written_as_utf8(make_repo) -> None:  # type: ignore[no-untyped-def]
    text = post_yaml("P1", risk_yaml("P1-1", "三级", likelihood="高")).replace("\n", "\r\n")
    root = _repo(make_repo, post_yaml("P0", risk_yaml("P0-1", "三级", likelihood="低")))
    path = root / "registers/ks/p.yaml"
    path.write_bytes(text.encode("gbk"))
    assert runner.invoke(app, ["fix-encoding", str(path)]).exit_code == 0

    assert runner.invoke(app, ["grade", "--write", str(path)]).exit_code == 0

    assert path.read_bytes() == text.replace("等级: 三级", "等级: 一级").encode("utf-8")
