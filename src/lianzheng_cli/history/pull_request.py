"""``lzfk check --base REV``: the pull-request check — validate, plus what the change does to the registers.

The registers on disk are compared with the point where the branch left REV (their merge
base), as a pull request is reviewed. A lowered grade needs a 降级理由 (LZ401), a removed
risk point needs an 已撤销 entry (LZ402), and a changed register should carry a new
审核 and 审定 (LZ403).
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from lianzheng_cli.findings import Finding
from lianzheng_cli.history.changes import Kind, RegisterAt
from lianzheng_cli.history.compare import Comparison, Endpoint, compare, worktree
from lianzheng_cli.history.gitio import GitError, ShallowCloneError
from lianzheng_cli.history.source import Source
from lianzheng_cli.models import Register, Review
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.rules import apply_settings, severity_overrides
from lianzheng_cli.validation import validate

WITHDRAWAL_HINT = "在所属登记表（或科室、单位登记表）中加上 已撤销: [{编号: 风险点编号, 理由: 撤销理由}]，见 docs/history.md"


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


def history_findings(comparison: Comparison) -> list[Finding]:
    return sorted([*_lowered(comparison), *_removed(comparison), *_unreviewed(comparison)])


def _lowered(comparison: Comparison) -> Iterator[Finding]:
    for c in comparison.changes:
        if c.kind is Kind.LOWERED and not c.reason:
            yield Finding.of(
                "LZ401",
                c.path,
                (c.line, c.column),
                f"风险点“{c.id} {c.name}”的等级从{c.before}降为{c.after}，但没有填写降级理由",
                "在该风险点下加一行 降级理由: ……，写明为什么降级；切忌无故降低风险等级",
            )


def _removed(comparison: Comparison) -> Iterator[Finding]:
    holders = {at.register.id: at for at in comparison.new_set.registers}
    for c in comparison.changes:
        if c.kind is not Kind.REMOVED or c.reason:
            continue
        holder = holders.get(c.register)
        path, pos = (holder.path, holder.where("风险点")) if holder is not None else (c.path, (0, 0))
        yield Finding.of(
            "LZ402", path, pos, f"风险点“{c.id} {c.name}”（原在 {c.path}）被删除，但没有写明撤销理由", WITHDRAWAL_HINT
        )


def _unreviewed(comparison: Comparison) -> Iterator[Finding]:
    before = {at.register.id: at for at in comparison.old_set.registers}
    for at in comparison.new_set.registers:
        old = before.get(at.register.id)
        if old is not None and _content(old.register) == _content(at.register):
            continue
        # The unit's own register is approved by its principal leader with no separate review (DOMAIN: 三个层次).
        wanted = (("审定", "approval"),) if at.register.kind == "单位" else (("审核", "review"), ("审定", "approval"))
        stale = [
            name
            for name, attribute in wanted
            if not _renewed(getattr(old.register, attribute) if old else None, getattr(at.register, attribute))
        ]
        if stale:
            what = "、".join(stale)
            message = (
                f"登记表“{at.register.name}”有改动，但{what}没有更新"
                if old is not None
                else f"新增的登记表“{at.register.name}”还没有{what}"
            )
            key = "审定" if "审定" in stale and "审定" in _keys(at) else "审核" if "审核" in _keys(at) else "编号"
            yield Finding.of("LZ403", at.path, at.where(key), message, "修改经审核、审定后，更新“审核”“审定”的意见、签字和日期")


def _keys(at: RegisterAt) -> set[str]:
    return {key[0] for key in at.places if len(key) == 1 and isinstance(key[0], str)}


def _content(register: Register) -> dict[str, object]:
    return register.model_dump(exclude={"review", "approval"})


def _renewed(old: Review | None, new: Review | None) -> bool:
    if new is None:
        return False
    return old is None or new.date > old.date


__all__ = ["CheckResult", "history_findings", "run_check", "worktree"]
