"""``lzfk check --base REV``: the pull-request check — validate, plus what the change does to the registers.

The registers on disk are compared with the point where the branch left REV (their merge
base), as a pull request is reviewed; the history findings are ``history.findings``'.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lianzheng_cli.codes import apply_settings, severity_overrides
from lianzheng_cli.findings import Finding
from lianzheng_cli.history.compare import Comparison, compare
from lianzheng_cli.history.endpoints import Endpoint, worktree
from lianzheng_cli.history.findings import history_findings
from lianzheng_cli.history.gitio import GitError, ShallowCloneError
from lianzheng_cli.history.source import Source
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.validation import validate


@dataclass
class CheckResult:
    validation: ValidationResult
    comparison: Comparison | None = None
    history: list[Finding] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def findings(self) -> list[Finding]:
        return sorted([*self.validation.findings, *self.history])


def run_check(source: Source, base: str, *, use_cache: bool = True) -> CheckResult:
    result = CheckResult(validate(source.repository.root, use_cache=use_cache))
    if result.validation.config_failed:
        return result
    repo = source.repo
    if not repo.has_commits():
        result.notes.append("仓库还没有任何提交：只做了格式检查，没有与历史对照")
        return result
    base_sha = repo.resolve(base)
    fork = repo.merge_base(base_sha, "HEAD")
    if fork is None:
        if repo.is_shallow():
            raise ShallowCloneError(f"找不到当前版本与“{base}”的共同祖先：仓库是浅克隆")
        raise GitError(f"当前版本与“{base}”没有共同的历史，无法对照", hint="检查 --base 是否写对，如 origin/main")
    label = base if fork == base_sha else f"{base} 的分叉点"
    result.comparison = compare(source, Endpoint(label, repo.commit(fork)), worktree())
    overrides = severity_overrides(source.repository.config)
    result.history = apply_settings(history_findings(result.comparison), overrides)
    return result
