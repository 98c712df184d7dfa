"""The light path of ``lzfk log`` (history_entry) prints exactly what the full command prints, and a kept
report is replayed only while nothing it depends on changed."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from collections.abc import Iterable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from lianzheng_cli.history.compare import open_source
from lianzheng_cli.history.endpoints import sides
from lianzheng_cli.history.gitio import GitRepo
from lianzheng_cli.history.replay import diff_parts, log_parts, replay
from lianzheng_cli.history.timeline import timeline
from lianzheng_cli.history_entry import _FORMATS, light_history, parse
from lianzheng_cli.reporters import log_report
from lianzheng_cli.repository import require_repository
from tests.history.conftest import Repo
from tests.history.registers import yearly_2025
from tests.history.test_cli_diff import lzfk
from tests.history.test_fast_history import PURCHASER, busy_history

IDENTS = ["YJK-CG-01", "YJK-01", "YJK-CG-02", "YJK-YS", "CWK-CN-02"]


def light(args: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int | None, str]:
    capsys.readouterr()
    code = light_history(args)
    return code, capsys.readouterr().out


def replayed(root: Path, ident: str, name: str = "text", rev: str = "HEAD") -> str | None:
    with GitRepo(root) as repo:
        parts = log_parts(repo, rev, ident, name)
        return replay(root, repo, parts) if parts is not None else None


def replayed_diff(root: Path, revisions: list[str], name: str = "text") -> str | None:
    with GitRepo(root) as repo:
        parts = diff_parts(repo, *sides(repo, revisions, []), name)
        return replay(root, repo, parts) if parts is not None else None


@pytest.mark.parametrize("name", _FORMATS)
def test_light_and_full_paths_print_the_same(busy: Repo, name: str, capsys: pytest.CaptureFixture[str]) -> None:
    for ident in IDENTS:
        args = ["log", ident, "-C", str(busy.root), "-f", name]
        computed = light(args, capsys)  # nothing kept yet: computed here, without typer or rich
        again = light(args, capsys)  # replayed
        full = lzfk("log", ident, "-f", name, cwd=busy.root)
        assert full.exit_code == 0, full.output
        assert computed == again == (0, full.stdout)
        assert replayed(busy.root, ident, name) == full.stdout


@pytest.fixture
def busy(year_repo: Repo) -> Repo:
    busy_history(year_repo, merge=False)
    return year_repo


def test_the_plain_text_is_what_rich_wrote_to_a_file(busy: Repo) -> None:
    source = open_source(require_repository(busy.root))
    with source.repo:
        for ident in IDENTS:
            found = timeline(source, ident)
            buffer = io.StringIO()
            log_report.print_text(found, Console(file=buffer, highlight=False, soft_wrap=True))
            assert log_report.plain_text(found) == buffer.getvalue()


def test_a_new_commit_is_never_answered_from_the_old_report(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["log", "YJK-CG-01", "-C", str(two_years.root)]
    before = light(args, capsys)[1]
    files = yearly_2025()
    path = "registers/药剂科/药品采购员.yaml"
    two_years.write(path, files[path].replace("等级: 二级", "等级: 三级", 1))
    two_years.commit("再次降级", date="2026-01-05T10:00:00+08:00")
    after = light(args, capsys)[1]
    assert after != before and "再次降级" in after
    assert after == lzfk("log", "YJK-CG-01", cwd=two_years.root).stdout
    old = light([*args, "--rev", "HEAD~1"], capsys)[1]
    assert old == before


def test_a_changed_lzfk_yaml_is_a_new_report(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["log", "YJK-CG-01", "-C", str(two_years.root), "-f", "json"]
    light(args, capsys)
    assert replayed(two_years.root, "YJK-CG-01", "json") is not None
    config = two_years.root / "lzfk.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")
    assert replayed(two_years.root, "YJK-CG-01", "json") is None


def test_no_replay_where_the_commit_id_does_not_fix_the_history(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    light(["log", "YJK-CG-01", "-C", str(two_years.root)], capsys)
    assert replayed(two_years.root, "YJK-CG-01") is not None
    two_years.git("replace", "--graft", "HEAD")  # HEAD shown as a root commit: its history is different
    assert replayed(two_years.root, "YJK-CG-01") is None
    two_years.git("replace", "-d", two_years.git("rev-parse", "HEAD").strip())
    assert replayed(two_years.root, "YJK-CG-01") is not None


def test_a_shallow_clone_takes_the_full_path(two_years: Repo, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    clone = tmp_path / "shallow"
    two_years.git("clone", "-q", "--depth", "1", f"file://{two_years.top}", str(clone))
    assert light(["log", "YJK-CG-01", "-C", str(clone)], capsys)[0] is None
    result = lzfk("log", "YJK-CG-01", cwd=clone)
    assert result.exit_code == 2 and "浅克隆" in result.output


@pytest.mark.parametrize(
    "args",
    [
        ["log"],
        ["log", "A", "B"],
        ["log", "A", "--deepen"],
        ["log", "A", "--help"],
        ["log", "A", "-f", "docx"],
        ["log", "A", "-f"],
        ["log", "A", "--rev", "X", "--rev", "Y"],
        ["diff", "A"],
    ],
    ids=" ".join,
)
def test_anything_unusual_is_left_to_the_full_path(args: list[str]) -> None:
    assert parse(args) is None


def test_options_are_read_as_typer_reads_them() -> None:
    found = parse(["log", " X-01 ", "--rev=2024", "--format=json", "-C", "库"])
    assert found is not None and (found.ident, found.rev, found.format, found.directory) == ("X-01", "2024", "json", Path("库"))


def test_an_unknown_id_takes_the_full_path(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert light(["log", "没有-01", "-C", str(two_years.root)], capsys)[0] is None


def test_a_replay_imports_neither_the_parsers_nor_the_framework(two_years: Repo) -> None:
    script = (
        "import sys\n"
        "from lianzheng_cli.history_entry import light_history\n"
        f"code = light_history(['log', 'YJK-CG-01', '-C', {str(two_years.root)!r}])\n"
        "heavy = [m for m in ('typer', 'rich', 'pydantic', 'yaml', 'lianzheng_cli.models') if m in sys.modules]\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    env = {**os.environ, "PYTHONIOENCODING": "utf-8"}
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert first.stderr.strip() == "0 ['pydantic', 'yaml', 'lianzheng_cli.models']"  # computed, without typer or rich
    assert second.stderr.strip() == "0 []"
    assert first.stdout == second.stdout == lzfk("log", "YJK-CG-01", cwd=two_years.root).stdout


def test_the_moved_file_is_followed_on_both_paths(busy: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    code, out = light(["log", "YJK-CG-01", "-C", str(busy.root)], capsys)
    assert code == 0 and "registers/药剂科/采购/采购员.yaml" in out and PURCHASER in out


# -- diff and audit -----------------------------------------------------------------------------

LIGHT_RUNS = [
    ["diff", "--year", "2024", "--year", "2025", "-f", "json"],
    ["diff", "--year", "2024", "--year", "2025"],  # text, to a file or pipe: the plain lines
    ["diff", "2024", "HEAD", "-f", "text"],
    ["diff", "HEAD~3"],
    ["diff", "2024", "HEAD", "--format=markdown"],
    ["diff", "HEAD~3", "-f", "json"],  # against the working tree
    ["audit", "-f", "json", "--date", "2025-06-30"],
    ["audit", "--format", "markdown", "--date", "2025-06-30", "--days", "100"],
    ["audit", "-f", "plain", "--date", "2025-06-30", "-r", "HEAD~2"],
    ["audit", "-f", "sarif", "--date", "2026-06-30"],
]


@pytest.mark.parametrize("args", LIGHT_RUNS, ids=" ".join)
def test_diff_and_audit_print_what_the_full_path_prints(busy: Repo, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    (busy.root / "registers/药剂科/科室.yaml").write_text("类型: 科室\n", encoding="utf-8")  # an uncommitted edit
    full = lzfk(args[0], *args[1:], cwd=busy.root)
    assert full.exit_code in (0, 1), full.output
    assert light([args[0], "-C", str(busy.root), *args[1:]], capsys) == (full.exit_code, full.stdout)


@pytest.mark.parametrize(
    "args",
    [
        ["diff", "2024", "HEAD", "-o", "x.txt"],
        ["diff", "2024", "HEAD", "-f", "docx"],
        ["diff", "2024", "HEAD", "-f", "json", "-o", "x.json"],
        ["diff", "2024", "HEAD", "-f", "json", "--deepen"],
        ["diff", "--year", "二〇二四", "-f", "json"],
        ["audit"],  # text
        ["audit", "-f", "github"],
        ["audit", "-f", "json", "--summary", "s.md"],
        ["audit", "-f", "json", "--days", "0"],
        ["audit", "-f", "json", "--date", "明天"],
        ["audit", "-f", "json", "extra"],
        ["grade"],
    ],
    ids=" ".join,
)
def test_what_the_light_path_does_not_answer_goes_to_the_full_path(
    two_years: Repo, args: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    assert light([args[0], "-C", str(two_years.root), *args[1:]], capsys) == (None, "")


@pytest.mark.parametrize("variable", ["FORCE_COLOR", "TTY_COMPATIBLE"])
def test_diff_text_that_rich_would_style_goes_to_the_full_path(
    two_years: Repo, variable: str, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    args = ["diff", "-C", str(two_years.root), "2024", "HEAD"]
    monkeypatch.setenv(variable, "")
    assert light(args, capsys) == (None, "")
    monkeypatch.delenv(variable)
    monkeypatch.setattr(sys.stdout, "isatty", lambda: True)
    assert light(args, capsys) == (None, "")


def test_diff_text_imports_no_rich_layout(two_years: Repo) -> None:
    script = (
        "import sys\n"
        "from lianzheng_cli.history_entry import light_history\n"
        f"code = light_history(['diff', '2024', 'HEAD', '-C', {str(two_years.root)!r}])\n"
        "heavy = [m for m in ('typer', 'rich.console', 'rich.text', 'rich.table') if m in sys.modules]\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, env={**env, "PYTHONIOENCODING": "utf-8"}, check=True
    )
    assert done.stderr.decode().strip() == "0 []"
    assert done.stdout.decode() == lzfk("diff", "2024", "HEAD", cwd=two_years.root).stdout


def test_an_error_goes_to_the_full_path_which_reports_it(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    assert light(["diff", "-C", str(two_years.root), "没有这个版本", "HEAD", "-f", "json"], capsys) == (None, "")
    assert lzfk("diff", "没有这个版本", "HEAD", "-f", "json", cwd=two_years.root).exit_code == 2


# -- a diff report kept for the next identical run ------------------------------------------------

DIFF_KEPT = [
    ["diff", "2024", "HEAD"],
    ["diff", "--year", "2024", "--year", "2025", "-f", "json"],
    ["diff", "2024", "HEAD~1", "--format=markdown"],
]


@pytest.mark.parametrize("args", DIFF_KEPT, ids=" ".join)
def test_a_diff_is_replayed_as_it_was_computed(busy: Repo, args: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    full = lzfk(args[0], *args[1:], cwd=busy.root)
    computed = light([args[0], "-C", str(busy.root), *args[1:]], capsys)
    again = light([args[0], "-C", str(busy.root), *args[1:]], capsys)
    assert computed == again == (0, full.stdout)


def test_a_diff_replay_imports_neither_the_parsers_nor_the_framework(two_years: Repo) -> None:
    script = (
        "import sys\n"
        "from lianzheng_cli.history_entry import light_history\n"
        f"code = light_history(['diff', '--year', '2024', '--year', '2025', '-C', {str(two_years.root)!r}])\n"
        "heavy = [m for m in ('typer', 'rich', 'pydantic', 'yaml', 'lianzheng_cli.models') if m in sys.modules]\n"
        "print(code, heavy, file=sys.stderr)\n"
    )
    env = {k: v for k, v in os.environ.items() if k not in ("FORCE_COLOR", "TTY_COMPATIBLE")}
    env["PYTHONIOENCODING"] = "utf-8"
    first = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    second = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True)
    assert first.stderr.strip().startswith("0 [") and "'pydantic'" in first.stderr  # computed
    assert second.stderr.strip() == "0 []"
    assert first.stdout == second.stdout == lzfk("diff", "--year", "2024", "--year", "2025", cwd=two_years.root).stdout


def test_a_diff_against_the_working_tree_is_never_kept(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", "-C", str(two_years.root), "2024", "-f", "json"]
    before = light(args, capsys)[1]
    assert replayed_diff(two_years.root, ["2024"], "json") is None
    path = "registers/药剂科/药品采购员.yaml"
    two_years.write(path, yearly_2025()[path].replace("等级: 二级", "等级: 三级", 1))
    after = light(args, capsys)[1]
    assert after != before and after == lzfk("diff", "2024", "-f", "json", cwd=two_years.root).stdout


def test_a_new_commit_is_a_new_diff(two_years: Repo, capsys: pytest.CaptureFixture[str]) -> None:
    args = ["diff", "-C", str(two_years.root), "--year", "2024", "--year", "2026"]
    before = light(args, capsys)[1]
    assert replayed_diff(two_years.root, ["2024", "HEAD"]) is None  # kept by the years it was asked by
    path = "registers/药剂科/药品采购员.yaml"
    two_years.write(path, yearly_2025()[path].replace("等级: 二级", "等级: 三级", 1))
    two_years.commit("再次降级", date="2026-01-05T10:00:00+08:00")
    after = light(args, capsys)[1]  # 2026 now names the new commit
    assert after != before
    assert after == lzfk("diff", "--year", "2024", "--year", "2026", cwd=two_years.root).stdout


def test_a_diff_is_not_replayed_after_lzfk_yaml_or_the_history_changed(
    two_years: Repo, capsys: pytest.CaptureFixture[str]
) -> None:
    light(["diff", "-C", str(two_years.root), "2024", "HEAD", "-f", "json"], capsys)
    assert replayed_diff(two_years.root, ["2024", "HEAD"], "json") is not None
    two_years.git("replace", "--graft", "HEAD")
    assert replayed_diff(two_years.root, ["2024", "HEAD"], "json") is None
    two_years.git("replace", "-d", two_years.git("rev-parse", "HEAD").strip())
    assert replayed_diff(two_years.root, ["2024", "HEAD"], "json") is not None
    config = two_years.root / "lzfk.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")
    assert replayed_diff(two_years.root, ["2024", "HEAD"], "json") is None


def test_a_diff_git_could_not_read_whole_is_not_kept(
    two_years: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    real = GitRepo.read_blobs

    def losing(self: GitRepo, names: Iterable[str]) -> dict[str, bytes | None]:
        found = real(self, names)
        return {name: None if index == 0 else data for index, (name, data) in enumerate(found.items())}

    monkeypatch.setattr(GitRepo, "read_blobs", losing)
    assert light(["diff", "-C", str(two_years.root), "2024", "HEAD", "-f", "json"], capsys)[0] == 0
    assert replayed_diff(two_years.root, ["2024", "HEAD"], "json") is None


def test_text_that_needed_rich_is_written_by_rich_and_not_kept(
    two_years: Repo, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from lianzheng_cli.history import compare as compare_module

    real = compare_module.compare

    def odd_unit(*args: Any, **kwargs: Any) -> Any:
        return replace(real(*args, **kwargs), unit="测试\x07医院")

    monkeypatch.setattr(compare_module, "compare", odd_unit)
    code, out = light(["diff", "-C", str(two_years.root), "2024", "HEAD"], capsys)
    assert code == 0 and out.startswith("年度风险变化对照：测试")
    assert replayed_diff(two_years.root, ["2024", "HEAD"]) is None
