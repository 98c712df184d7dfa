"""How changes between two versions become findings (LZ401–LZ403), for ``lzfk check`` and ``lzfk audit``.

A lowered grade needs a 降级理由 (LZ401), a removed risk point needs an 已撤销 entry (LZ402),
and a changed register should carry a new 审核 and 审定 (LZ403).
"""

from __future__ import annotations

from collections.abc import Iterator

from lianzheng_cli.findings import Finding
from lianzheng_cli.history.changes import Audited, Change, Kind, RegisterAt, content
from lianzheng_cli.history.compare import Comparison
from lianzheng_cli.models import Review

WITHDRAWAL_HINT = "在所属登记表（或科室、单位登记表）中加上 已撤销: [{编号: 风险点编号, 理由: 撤销理由}]，见 docs/history.md"


def removal(change: Change, holder: RegisterAt | Audited | None, message: str, hint: str) -> Finding:
    """LZ402 for a risk point removed without 已撤销: at the 风险点 list of the register that
    held it, or at its old file when that register is gone too."""
    path, pos = (holder.path, holder.where("风险点")) if holder is not None else (change.path, (0, 0))
    return Finding.of("LZ402", path, pos, message, hint)


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
        message = f"风险点“{c.id} {c.name}”（原在 {c.path}）被删除，但没有写明撤销理由"
        yield removal(c, holders.get(c.register), message, WITHDRAWAL_HINT)


def _unreviewed(comparison: Comparison) -> Iterator[Finding]:
    before = {at.register.id: at for at in comparison.old_set.registers}
    for at in comparison.new_set.registers:
        old = before.get(at.register.id)
        if old is not None and content(old.register) == content(at.register):
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


def _renewed(old: Review | None, new: Review | None) -> bool:
    if new is None:
        return False
    return old is None or new.date > old.date
