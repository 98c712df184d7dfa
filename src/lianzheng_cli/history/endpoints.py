"""The two sides of a comparison (``lzfk diff``, ``lzfk check``): a revision, a year, or the
working tree, resolved with git alone.

Standard library, errors and gitio only, so the light entry path (``history_entry``) can name the
two commits of a report it may replay without importing the parsers or pydantic.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from lianzheng_cli.errors import UsageError
from lianzheng_cli.history.gitio import CommitInfo, GitError, GitRepo, ShallowCloneError

WORKTREE_LABEL = "工作区"


@dataclass(frozen=True)
class Endpoint:
    """One side of a comparison: a commit, or the working tree when ``commit`` is None."""

    label: str
    commit: CommitInfo | None = None
    how: str = ""

    @property
    def sha(self) -> str | None:
        return self.commit.sha if self.commit is not None else None

    def describe(self) -> str:
        if self.commit is None:
            return self.label
        when = self.commit.committed.date().isoformat()
        how = f"，{self.how}" if self.how else ""
        return f"{self.label}（{self.commit.short}，{when}{how}）"

    def side(self) -> Side:
        return Side(self.label, self.sha, self.how)


@dataclass(frozen=True)
class Side:
    """One side named and resolved to a commit id, before git is asked for that commit's details;
    what a replayed report is keyed by (``history.replay``)."""

    label: str
    sha: str | None = None  # None: the working tree
    how: str = ""


def sides(repo: GitRepo, revisions: list[str], years: list[int]) -> tuple[Side, Side]:
    """The two sides of ``lzfk diff``: two revisions or two years; one alone is compared with the working tree."""
    if revisions and years:
        raise UsageError("版本和 --year 只能选一种写法", hint="例如 lzfk diff 2024 2025，或 lzfk diff --year 2024 --year 2025")
    if not 1 <= len(revisions or years) <= 2:
        raise UsageError(
            "请给出一个或两个版本",
            hint="lzfk diff 2024 2025（标签、分支或提交）；lzfk diff --year 2024 --year 2025；只给一个时与工作区对照",
        )
    wanted = [Side(rev, repo.resolve(rev)) for rev in revisions] or [year_side(repo, year) for year in years]
    return wanted[0], wanted[1] if len(wanted) == 2 else Side(WORKTREE_LABEL)


def endpoints(repo: GitRepo, revisions: list[str], years: list[int]) -> tuple[Endpoint, Endpoint]:
    old, new = sides(repo, revisions, years)
    return to_endpoint(repo, old), to_endpoint(repo, new)


def to_endpoint(repo: GitRepo, side: Side) -> Endpoint:
    return Endpoint(side.label, repo.commit(side.sha) if side.sha is not None else None, side.how)


def endpoint(repo: GitRepo, rev: str) -> Endpoint:
    return Endpoint(rev, repo.commit(repo.resolve(rev)))


def year_endpoint(repo: GitRepo, year: int) -> Endpoint:
    return to_endpoint(repo, year_side(repo, year))


def year_side(repo: GitRepo, year: int) -> Side:
    """The tag named for the year, else the last commit dated on or before that year's end."""
    tagged = repo.tag_commit(str(year))
    if tagged is not None:
        return Side(str(year), tagged, f"标签 {year}")
    if repo.is_shallow():
        raise ShallowCloneError(f"没有名为 {year} 的标签，按日期查找 {year} 年的版本需要完整历史")
    sha = repo.last_commit_on_or_before(dt.date(year, 12, 31))
    if sha is None:
        raise GitError(
            f"{year} 年底之前没有提交，找不到 {year} 年的版本",
            hint=f"用 git tag {year} 提交编号 给那一年定稿的版本打标签，或直接写版本，如 lzfk diff 提交编号 HEAD",
        )
    return Side(str(year), sha, f"{year} 年底前最后一次提交")


def worktree() -> Endpoint:
    return Endpoint(WORKTREE_LABEL)
