"""Real git repositories in temporary folders, with a pinned author, committer and dates."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

from tests.history.registers import CONFIG, yearly_2024, yearly_2025

AUTHOR = ("张三", "zhangsan@example.cn")


def git_env(
    home: Path, *, name: str = AUTHOR[0], email: str = AUTHOR[1], date: str = "2024-03-01T10:00:00+08:00"
) -> dict[str, str]:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GIT_", "GITHUB_", "CI_"))}
    env.update(
        GIT_AUTHOR_NAME=name,
        GIT_AUTHOR_EMAIL=email,
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_NAME=name,
        GIT_COMMITTER_EMAIL=email,
        GIT_COMMITTER_DATE=date,
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=str(home / "gitconfig"),
        HOME=str(home),
    )
    return env


class Repo:
    """A git repository under construction; ``root`` is where lzfk.yaml goes (maybe a subfolder)."""

    def __init__(self, top: Path, home: Path, subdir: str = "") -> None:
        self.top = top
        self.home = home
        self.root = top / subdir if subdir else top
        self.root.mkdir(parents=True, exist_ok=True)
        self.git("init", "-q", "-b", "main")

    def git(self, *args: str, date: str = "2024-03-01T10:00:00+08:00", author: tuple[str, str] = AUTHOR) -> str:
        env = git_env(self.home, name=author[0], email=author[1], date=date)
        done = subprocess.run(["git", *args], cwd=self.top, env=env, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            raise AssertionError(f"git {' '.join(args)} failed: {done.stderr}")
        return done.stdout

    def write(self, relative: str, text: str) -> None:
        path = self.root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")

    def write_all(self, files: dict[str, str]) -> None:
        for relative, text in files.items():
            self.write(relative, text)

    def remove(self, relative: str) -> None:
        (self.root / relative).unlink()

    def move(self, source: str, target: str) -> None:
        (self.root / target).parent.mkdir(parents=True, exist_ok=True)
        (self.root / source).rename(self.root / target)

    def commit(self, message: str, *, date: str = "2024-03-01T10:00:00+08:00", author: tuple[str, str] = AUTHOR) -> str:
        self.git("add", "-A")
        self.git("commit", "-q", "--allow-empty", "-m", message, date=date, author=author)
        return self.git("rev-parse", "HEAD").strip()

    def tag(self, name: str) -> None:
        self.git("tag", name)

    def replace_registers(self, files: dict[str, str]) -> None:
        """Make the register folder hold exactly files (paths relative to root)."""
        for path in sorted((self.root / "registers").rglob("*"), reverse=True):
            if path.is_file():
                path.unlink()
        self.write_all(files)


MakeRepo = Callable[..., Repo]


@pytest.fixture
def git_home(tmp_path: Path) -> Path:
    home = tmp_path / "home"
    home.mkdir()
    (home / "gitconfig").write_text("[init]\n\tdefaultBranch = main\n", encoding="utf-8")
    return home


@pytest.fixture
def make_repo(tmp_path: Path, git_home: Path) -> MakeRepo:
    def build(name: str = "repo", subdir: str = "") -> Repo:
        return Repo(tmp_path / name, git_home, subdir)

    return build


@pytest.fixture(autouse=True)
def pinned_git_env(monkeypatch: pytest.MonkeyPatch, git_home: Path) -> Iterator[None]:
    """lzfk itself runs git with the same isolated configuration as the builder."""
    for key in list(os.environ):
        if key.startswith(("GIT_", "GITHUB_", "CI_")):
            monkeypatch.delenv(key)
    monkeypatch.setenv("GIT_CONFIG_NOSYSTEM", "1")
    monkeypatch.setenv("GIT_CONFIG_GLOBAL", str(git_home / "gitconfig"))
    monkeypatch.setenv("HOME", str(git_home))
    yield


@pytest.fixture
def year_repo(make_repo: MakeRepo) -> Repo:
    """The 2024 registers, committed and tagged 2024."""
    repo = make_repo()
    repo.write("lzfk.yaml", CONFIG)
    repo.write_all(yearly_2024())
    repo.commit("2024 年度登记表定稿", date="2024-03-20T10:00:00+08:00")
    repo.tag("2024")
    return repo


@pytest.fixture
def two_years(year_repo: Repo) -> Repo:
    """year_repo plus the 2025 registers, committed on 2025-03-20 by 李四 (not tagged)."""
    year_repo.replace_registers(yearly_2025())
    year_repo.commit("2025 年度动态调整", date="2025-03-20T10:00:00+08:00", author=("李四", "lisi@example.cn"))
    return year_repo
