"""gitio on real repositories: Chinese paths, subfolders, shallow clones, years, errors."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from lianzheng_cli.history.compare import ensure_history
from lianzheng_cli.history.endpoints import year_endpoint
from lianzheng_cli.history.gitio import GitError, GitRepo, ShallowCloneError
from tests.history.conftest import MakeRepo, Repo
from tests.history.registers import CONFIG, yearly_2024


def test_chinese_paths_arrive_unquoted(year_repo: Repo) -> None:
    repo = GitRepo(year_repo.root)
    changes = repo.changed_files(repo.resolve("HEAD"), None, "registers")
    assert changes == []
    year_repo.write("registers/药剂科/采购员.yaml", "类型: 岗位\n")
    year_repo.write("registers/新科室/新岗位.yaml", "类型: 岗位\n")
    changes = repo.changed_files(repo.resolve("HEAD"), None, "registers")
    assert sorted((c.status, c.path) for c in changes) == [
        ("A", "registers/新科室/新岗位.yaml"),
        ("M", "registers/药剂科/采购员.yaml"),
    ]
    listing = repo.list_files("HEAD", "registers")
    committed = yearly_2024()["registers/药剂科/采购员.yaml"].encode("utf-8")
    blob = listing["registers/药剂科/采购员.yaml"]
    assert repo.read_blobs([blob, "0" * 40]) == {blob: committed, "0" * 40: None}
    assert repo.read_at("HEAD", "registers/药剂科/采购员.yaml") == committed
    repo.close()


def test_log_lists_commits_newest_first_with_their_blobs(two_years: Repo) -> None:
    repo = GitRepo(two_years.root)
    history = repo.log("registers")
    assert [item.commit.subject for item in history] == ["2025 年度动态调整", "2024 年度登记表定稿"]
    newest = history[0]
    assert (newest.commit.author, newest.commit.email) == ("李四", "lisi@example.cn")
    assert newest.commit.authored == dt.datetime.fromisoformat("2025-03-20T10:00:00+08:00")
    by_path = {f.path: f for f in newest.files}
    assert by_path["registers/药剂科/采购员.yaml"].status == "D"
    assert by_path["registers/药剂科/药品采购员.yaml"].status == "A"
    assert by_path["registers/财务科/出纳.yaml"].old_blob and by_path["registers/财务科/出纳.yaml"].new_blob
    repo.close()


def test_registers_in_a_subfolder_of_the_repository(make_repo: MakeRepo) -> None:
    built = make_repo(subdir="纪检/登记库")
    built.write("lzfk.yaml", "单位: 某单位\n年度: 2025\n")
    built.write("registers/a.yaml", "类型: 岗位\n")
    built.commit("初始")
    repo = GitRepo(built.root)
    assert repo.prefix == "纪检/登记库"
    assert repo.path_in_repo("registers") == "纪检/登记库/registers"
    assert repo.relative_to_prefix("纪检/登记库/registers/a.yaml") == "registers/a.yaml"
    assert list(repo.list_files("HEAD", repo.path_in_repo("registers"))) == ["纪检/登记库/registers/a.yaml"]


def test_a_folder_outside_any_repository_is_a_clear_error(tmp_path: Path) -> None:
    folder = tmp_path / "没有仓库"
    folder.mkdir()
    with pytest.raises(GitError, match="不在 git 仓库中") as raised:
        GitRepo(folder)
    assert "git init" in raised.value.hint


def test_year_tag_wins_over_a_branch_of_the_same_name(year_repo: Repo) -> None:
    tagged = year_repo.git("rev-parse", "HEAD").strip()
    year_repo.write("registers/x.yaml", "类型: 岗位\n")
    year_repo.commit("之后", date="2024-06-01T10:00:00+08:00")
    year_repo.git("branch", "2024")  # a branch named like the tag, pointing elsewhere
    end = year_endpoint(GitRepo(year_repo.root), 2024)
    assert end.commit is not None and end.commit.sha == tagged and end.how == "标签 2024"


def test_year_without_tag_is_the_last_commit_of_that_year_in_its_own_time_zone(make_repo: MakeRepo) -> None:
    built = make_repo()
    built.write("lzfk.yaml", "单位: 某单位\n年度: 2025\n")
    late = built.commit("年底", date="2024-12-31T23:30:00+08:00")  # 15:30 UTC, still 2024 for the clerk
    built.write("registers/a.yaml", "类型: 岗位\n")
    built.commit("元旦", date="2025-01-01T01:00:00+08:00")  # 2024-12-31 17:00 UTC, but 2025 in Beijing
    repo = GitRepo(built.root)
    end = year_endpoint(repo, 2024)
    assert end.commit is not None and end.commit.sha == late
    with pytest.raises(GitError, match="2023 年底之前没有提交"):
        year_endpoint(repo, 2023)


def test_unknown_revision_and_empty_repository(make_repo: MakeRepo) -> None:
    built = make_repo()
    built.write("lzfk.yaml", "单位: 某单位\n年度: 2025\n")
    repo = GitRepo(built.root)
    with pytest.raises(GitError, match="还没有任何提交"):
        repo.resolve("HEAD")
    built.commit("初始")
    with pytest.raises(GitError, match="找不到版本“v9”") as raised:
        repo.resolve("v9")
    assert "git tag" in raised.value.hint


def shallow_clone(source: Repo, target: Path) -> Path:
    source.git("clone", "-q", "--depth", "1", f"file://{source.top}", str(target))
    return target


def test_shallow_clone_is_detected_refused_and_deepened(two_years: Repo, tmp_path: Path) -> None:
    clone = shallow_clone(two_years, tmp_path / "clone")
    repo = GitRepo(clone)
    assert repo.is_shallow()
    with pytest.raises(ShallowCloneError) as raised:
        ensure_history(repo, deepen=False)
    assert "fetch-depth: 0" in raised.value.hint and "GIT_DEPTH: 0" in raised.value.hint
    with pytest.raises(ShallowCloneError):
        repo.resolve("HEAD~1")
    notes = ensure_history(repo, deepen=True)
    assert not repo.is_shallow() and notes
    assert repo.verify("HEAD~1") is not None
    assert repo.tag_commit("2024") is not None  # tags come along, so --year finds them


def test_git_missing_from_path_is_a_clear_error(year_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PATH", str(year_repo.home))  # a folder without git
    with pytest.raises(GitError, match="找不到 git 程序") as raised:
        GitRepo(year_repo.root)
    assert "git --version" in raised.value.hint


def test_git_messages_are_read_in_the_c_locale(year_repo: Repo, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LANGUAGE", "zh_CN")
    monkeypatch.setenv("LC_ALL", "zh_CN.UTF-8")
    with GitRepo(year_repo.root) as repo:
        with pytest.raises(GitError, match="git 命令失败：fatal: ") as raised:
            repo.run("cat-file", "-p", "no-such-object")
        assert repo.read_blobs(["no-such-object", "HEAD:lzfk.yaml"]) == {
            "no-such-object": None,
            "HEAD:lzfk.yaml": CONFIG.encode(),
        }
    assert "Not a valid object name" in raised.value.message
