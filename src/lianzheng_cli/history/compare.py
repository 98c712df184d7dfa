"""Two points of history compared: resolve them, read only the changed files, run the semantic diff.

Unchanged files are never parsed. The few facts needed beyond the changed files — the
names of departments, and a 已撤销 entry that explains a removal from an unchanged file —
are found with ``git grep`` and only the matching files are parsed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from lianzheng_cli.history.changes import LEADERSHIP, Change, RegisterAt, RegisterSet, department_index
from lianzheng_cli.history.diff import diff
from lianzheng_cli.history.endpoints import Endpoint
from lianzheng_cli.history.gitio import GitError, GitRepo, ShallowCloneError
from lianzheng_cli.history.parsing import Broken, is_register_path
from lianzheng_cli.history.source import Source
from lianzheng_cli.repository import Repository


@dataclass
class Comparison:
    old: Endpoint
    new: Endpoint
    unit: str
    changes: list[Change]
    old_set: RegisterSet
    new_set: RegisterSet
    broken: list[Broken] = field(default_factory=list)
    files: int = 0
    # register file → who committed its changes between the two versions (see proposers)
    proposers: dict[str, tuple[str, ...]] = field(default_factory=dict)


def open_source(repository: Repository) -> Source:
    """The lzfk repository inside its git repository."""
    return Source(GitRepo(repository.root), repository)


def ensure_history(repo: GitRepo, *, deepen: bool, wanted: Sequence[str] = ()) -> list[str]:
    """Make sure a shallow clone does not silently give a partial answer: deepen it, or refuse with the fix."""
    notes: list[str] = []
    if repo.is_shallow():
        if not deepen:
            raise ShallowCloneError()
        remote = _remote(repo)
        repo.fetch("--unshallow", "--tags", remote)
        notes.append(f"仓库原为浅克隆，已从 {remote} 补全历史（git fetch --unshallow）")
    if deepen:
        notes += fetch_missing(repo, wanted)
    return notes


def fetch_missing(repo: GitRepo, wanted: Sequence[str]) -> list[str]:
    """Fetch remote-tracking branches such as origin/main that a single-branch clone lacks."""
    notes = []
    remotes = repo.remotes()
    for rev in wanted:
        remote, _, branch = rev.partition("/")
        if repo.verify(rev) is None and remote in remotes and branch:
            repo.fetch(remote, f"+refs/heads/{branch}:refs/remotes/{remote}/{branch}")
            notes.append(f"已从 {remote} 取得分支 {branch}")
    return notes


def _remote(repo: GitRepo) -> str:
    remotes = repo.remotes()
    if not remotes:
        raise GitError("仓库是浅克隆，且没有远程仓库，无法补全历史", hint="请重新完整克隆：git clone 仓库地址（不要加 --depth）")
    return "origin" if "origin" in remotes else remotes[0]


def compare(
    source: Source, old: Endpoint, new: Endpoint, *, register_fields: bool = False, whole_registers: bool = True
) -> Comparison:
    """The semantic diff of the register files that changed between old and new.

    With whole_registers=False the registers in the result carry only what the risk-point
    diff reads (risk points, 编号, 名称, 类型, 科室, 已撤销) — enough for ``lzfk diff``, and
    faster on a yearly comparison of thousands of files; ``lzfk check`` needs them whole.
    """
    if old.sha is None:
        raise GitError("对照的起点必须是一个版本（标签、分支或提交），不能是工作区")
    changed = [c for c in source.repo.changed_files(old.sha, new.sha, source.spec) if is_register_path(c.path)]
    pairs = source.parse_changes(changed, new_on_disk=new.sha is None, risks_only=not whole_registers and not register_fields)
    broken = [p for pair in pairs for p in pair if isinstance(p, Broken)]
    unusable = {b.path for b in broken}
    old_regs = [p for p, _ in pairs if isinstance(p, RegisterAt) and p.path not in unusable]
    new_regs = [p for _, p in pairs if isinstance(p, RegisterAt) and p.path not in unusable]
    changed_paths = {source.display(c.path) for c in changed}
    context = [at for at in _explanations(source, new.sha, old_regs, new_regs) if at.path not in changed_paths]
    old_names, new_names = _departments(source, old.sha, new.sha, old_regs, new_regs)
    old_set = RegisterSet(tuple(old_regs + context), source.config_at(old.sha), old_names)
    new_set = RegisterSet(tuple(new_regs + context), source.config_at(new.sha), new_names)
    changes = diff(old_set, new_set, register_fields=register_fields)
    return Comparison(old, new, new_set.config.unit, changes, old_set, new_set, broken, len(changed))


def proposers(source: Source, old: Endpoint, new: Endpoint) -> dict[str, tuple[str, ...]]:
    """Register file (as displayed) → the authors of the commits between old and new that changed
    it, earliest first: who proposed the change, for the 对照表. Uncommitted edits have no author."""
    if old.sha is None:
        return {}
    found: dict[str, list[str]] = {}
    for entry in reversed(source.repo.log(source.spec, f"{old.sha}..{new.sha or 'HEAD'}")):
        for change in entry.files:
            names = found.setdefault(source.display(change.path), [])
            if entry.commit.author and entry.commit.author not in names:
                names.append(entry.commit.author)
    return {path: tuple(names) for path, names in found.items() if names}


def _explanations(source: Source, rev: str | None, old_regs: list[RegisterAt], new_regs: list[RegisterAt]) -> list[RegisterAt]:
    """Registers in unchanged files whose 已撤销 may explain a removal seen in the changed files."""
    new_ids = {risk.id for at in new_regs for risk in at.register.risks}
    explained = {entry.id for at in new_regs for entry in at.register.withdrawn}
    missing: set[str] = set()
    for at in old_regs:
        for risk in at.register.risks:
            if risk.id not in new_ids and risk.id not in explained and at.register.id not in explained:
                missing.update((risk.id, at.register.id))
    return source.registers_with_text(rev, sorted(missing))


def _departments(
    source: Source, old_rev: str | None, new_rev: str | None, old_regs: list[RegisterAt], new_regs: list[RegisterAt]
) -> tuple[dict[str, str], dict[str, str]]:
    """Department names for both sides, searching the repository only for references still unknown.

    The old side falls back on the new side's names (a department's current name groups
    last year's changes too); each search is a ``git grep`` over all files, so it is skipped when it can be.
    """
    wanted = {getattr(at.register, "department", "") for at in (*old_regs, *new_regs)} - {"", LEADERSHIP}
    new_names = department_index(new_regs)
    if wanted - new_names.keys():
        new_names = {**source.department_names(new_rev), **new_names}
    old_names = {**new_names, **department_index(old_regs)}
    if wanted - old_names.keys():
        old_names = {**source.department_names(old_rev), **old_names}
    return old_names, new_names
