"""How one history change reads: its line of Chinese, its reason note, and its JSON record.

Shared by the diff, log, audit and check reports and the Word 对照表, so a change reads
the same everywhere. JSON shapes are a public contract, documented in docs/history.md;
``JSON_VERSION`` changes only when a key is renamed or removed.
"""

from __future__ import annotations

from typing import Any

from lianzheng_cli.history.changes import Change, Kind
from lianzheng_cli.history.compare import Comparison
from lianzheng_cli.history.endpoints import Endpoint

JSON_VERSION = 1
MISSING_REASON = "未填写降级理由"
MISSING_EXPLANATION = "未说明撤销理由"


def describe(change: Change) -> str:
    """What changed, in one line of Chinese; the kind's label and the 编号 are shown beside it."""
    kind = change.kind
    if kind is Kind.ADDED:
        return f"等级 {change.after}"
    if kind is Kind.REMOVED:
        return f"原等级 {change.before}"
    if kind in (Kind.RAISED, Kind.LOWERED, Kind.REGRADED):
        return f"等级 {change.before} → {change.after}"
    if kind in (Kind.MOVED, Kind.MEASURE_CHANGED):
        return f"{change.before} → {change.after}"
    if kind is Kind.MEASURE_ADDED:
        return change.after
    if kind is Kind.MEASURE_REMOVED:
        return change.before
    if kind in (Kind.REGISTER_ADDED, Kind.REGISTER_REMOVED):
        return change.path
    return f"{change.field}：{change.before or '（空）'} → {change.after or '（空）'}"


def note(change: Change) -> str:
    """The reason shown beside a change; a warning text when a lowering or removal lacks one."""
    if change.kind is Kind.LOWERED:
        return f"降级理由：{change.reason}" if change.reason else MISSING_REASON
    if change.kind is Kind.RAISED and change.reason:
        return f"升级理由：{change.reason}"
    if change.kind in (Kind.REMOVED, Kind.REGISTER_REMOVED):
        return f"撤销理由：{change.reason}" if change.reason else MISSING_EXPLANATION
    return ""


def unexplained(change: Change) -> bool:
    return note(change) in (MISSING_REASON, MISSING_EXPLANATION)


def heading(comparison: Comparison) -> str:
    return f"{comparison.old.describe()} → {comparison.new.describe()}"


def endpoint_record(endpoint: Endpoint) -> dict[str, Any]:
    commit = endpoint.commit
    return {
        "label": endpoint.label,
        "commit": commit.sha if commit else None,
        "date": commit.committed.isoformat() if commit else None,
        "how": endpoint.how,
    }


def change_record(change: Change) -> dict[str, Any]:
    return {
        "kind": change.kind.value,
        "label": change.kind.label,
        "id": change.id,
        "name": change.name,
        "register": change.register,
        "register_name": change.register_name,
        "department": change.department,
        "path": change.path,
        "line": change.line,
        "column": change.column,
        "field": change.field,
        "before": change.before,
        "after": change.after,
        "reason": change.reason,
    }
