"""lzfk validate warns when a risk point cites a 标准编号 that the configured 标准风险库 does not hold."""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.validation import validate
from tests.conftest import Invoke
from tests.rollup.test_standard import catalogue
from tests.rollup.units import Department, Post, Risk, Unit, write_unit


def _repo(tmp_path: Path, setting: str) -> Path:
    post = Post(
        "CG-1", "采购员", (Risk("CG-1-01", "回扣", 0, standard_id="BZ-CG-01"), Risk("CG-1-02", "拆分", 0, standard_id="BZ-XX-09"))
    )
    repo = write_unit(tmp_path / "repo", Unit("H1", "某医院", departments=[Department("CWK", "财务科", (post,))]))
    config = repo / "lzfk.yaml"
    config.write_text(config.read_text(encoding="utf-8") + setting, encoding="utf-8")
    return repo


def _codes(repo: Path) -> list[tuple[str, str, int]]:
    return [(f.code, f.path, f.line) for f in validate(repo).findings if f.code in ("LZ240", "LZ241")]


def test_unknown_standard_id_is_a_located_warning_and_fixing_the_catalogue_clears_it(tmp_path: Path) -> None:
    repo = _repo(tmp_path, "标准风险库: 标准风险库\n")
    catalogue(repo / "标准风险库")
    text = (repo / "registers" / "CWK" / "CG-1.yaml").read_text(encoding="utf-8").splitlines()
    line = next(n for n, row in enumerate(text, 1) if "BZ-XX-09" in row)
    assert _codes(repo) == [("LZ240", "registers/CWK/CG-1.yaml", line)]
    finding = next(f for f in validate(repo).findings if f.code == "LZ240")
    assert finding.severity.key == "warning" and "BZ-XX-09" in finding.message
    # the office adds the id to its catalogue: the cached result must not hide the change
    extra = repo / "标准风险库" / "registers" / "STD-KS" / "STD-CG.yaml"
    extra.write_text(extra.read_text(encoding="utf-8").replace("BZ-CG-03", "BZ-XX-09"), encoding="utf-8")
    assert _codes(repo) == []


def test_catalogue_outside_the_repository_or_missing_is_an_error(tmp_path: Path, invoke: Invoke) -> None:
    catalogue(tmp_path / "外面")
    outside = _repo(tmp_path, "标准风险库: ../外面\n")
    assert [(code, path) for code, path, _ in _codes(outside)] == [("LZ241", "lzfk.yaml")]
    result = invoke("validate", cwd=outside)
    assert result.exit_code == 1 and "在登记库之外" in result.output
    missing = _repo(tmp_path / "b", "标准风险库: 没有这个目录\n")
    assert [code for code, _, _ in _codes(missing)] == ["LZ241"]


def test_no_catalogue_configured_means_no_check(tmp_path: Path) -> None:
    assert _codes(_repo(tmp_path, "")) == []
