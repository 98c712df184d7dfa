"""``lzfk audit``: for every register, is its 审定 still good, and who changed grades in the period.

For each register at REV (default HEAD) the history is walked back to the commit that
recorded its current 审定; content changes after that commit are "审定后被修改" (LZ404).
An 审定 older than the review period is LZ405, a register never approved LZ406. Every
grade change of the period is listed with its commit and author; a lowering without
降级理由 (LZ401) and a removal without 已撤销 (LZ402) are findings too.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from lianzheng_cli.codes import apply_settings, severity_overrides
from lianzheng_cli.config import Config
from lianzheng_cli.errors import ConfigError, UsageError
from lianzheng_cli.findings import Finding
from lianzheng_cli.history.changes import GRADE_KINDS, Audited, Change, Kind, RegisterAt, RegisterSet, department_index
from lianzheng_cli.history.diff import diff
from lianzheng_cli.history.findings import removal
from lianzheng_cli.history.gitio import CommitChanges, CommitInfo, FileChange
from lianzheng_cli.history.parsing import Broken, is_register_path
from lianzheng_cli.history.source import Source
from lianzheng_cli.work_progress import ProgressHook, no_progress

REMOVAL_HINT = "在所属登记表中加上 已撤销: [{编号: 风险点编号, 理由: 撤销理由}]"
REAPPROVE_HINT = "请按程序重新审核、审定，并更新“审核”“审定”的意见、签字和日期"


@dataclass(frozen=True)
class GradeEvent:
    """A grade change (or a removal) in the audit period, and the commit that made it."""

    commit: CommitInfo
    change: Change


@dataclass
class AuditResult:
    head: CommitInfo
    as_of: dt.date
    since: dt.date
    period_days: int
    registers: list[Audited]
    findings: list[Finding] = field(default_factory=list)
    events: list[GradeEvent] = field(default_factory=list)
    broken: list[Broken] = field(default_factory=list)


def audit(
    source: Source,
    *,
    as_of: dt.date,
    period_days: int | None = None,
    rev: str = "HEAD",
    progress: ProgressHook = no_progress,
) -> AuditResult:
    head = source.repo.commit(source.repo.resolve(rev))
    config = source.config_at(head.sha)
    if source.repo.try_run("rev-parse", "--verify", "--quiet", f"{head.sha}:{source.spec}") is None:
        raise ConfigError(
            f"登记目录 {config.register_dir} 在版本 {head.short} 中不存在，没有可审计的登记表",
            hint="检查 lzfk.yaml 的“登记目录”，并确认登记表已经提交到 git",
        )
    days = period_days or config.review_period_days
    registers, broken = source.all_audited(head.sha)
    result = AuditResult(head, as_of, as_of - dt.timedelta(days=days), days, registers, broken=broken)
    walk = _Walk(source, registers, config, result.since)
    walk.departments = department_index(registers)
    walk.run(source.repo.log(source.spec, head.sha), progress)
    findings = [*_approval_findings(registers, as_of, days), *walk.findings()]
    result.events = walk.events
    result.findings = sorted(apply_settings(findings, severity_overrides(config)))
    return result


def parse_day(text: str | None) -> dt.date:
    if not text:
        return dt.date.today()
    try:
        return dt.date.fromisoformat(text)
    except ValueError:
        raise UsageError(f"日期“{text}”的格式不对", hint="写成 YYYY-MM-DD，如 2025-03-31") from None


def _approval_findings(registers: list[Audited], as_of: dt.date, days: int) -> Iterator[Finding]:
    for at in registers:
        approval = at.approval
        if approval is None:
            yield Finding.of(
                "LZ406",
                at.path,
                at.where("编号"),
                f"登记表“{at.name}”尚未审定",
                "审定后在登记表中填写 审定: {意见, 签字, 日期}",
            )
        elif (age := (as_of - approval.date).days) > days:
            yield Finding.of(
                "LZ405",
                at.path,
                at.where("审定"),
                f"登记表“{at.name}”的审定日期 {approval.date.isoformat()} 距今 {age} 天，超过审定有效期 {days} 天",
                "按年度动态管理的要求重新审定；有效期可在 lzfk.yaml 的“审定有效期”中设置（天）",
            )


class _Walk:
    """One pass over the history, newest commit first.

    ``location`` follows each register still waiting for the commit that recorded its
    approval back through renames; grade changes are collected while commits are in the period.
    Whether a commit recorded an approval is read from the 审定 entries alone (``Source.approvals``);
    a version is parsed whole only when its 审定 did not change (its content must then be compared)
    or when the short reading is unsure.
    """

    def __init__(self, source: Source, registers: list[Audited], config: Config, since: dt.date) -> None:
        self.source = source
        self.since = since
        self.config = config
        self.heads = {at.id: at for at in registers}
        self.location = {source.repo.path_in_repo(at.path): at.id for at in registers if at.approval}
        self.after_approval: dict[str, list[CommitInfo]] = {}
        self.withdrawn = {entry for at in registers for entry in at.withdrawn}
        self.events: list[GradeEvent] = []
        self.departments: dict[str, str] = {}

    def run(self, commits: list[CommitChanges], progress: ProgressHook = no_progress) -> None:
        for done, item in enumerate(commits):
            progress("审计提交历史", done, len(commits))
            in_period = item.commit.authored.date() >= self.since
            if not self.location and not in_period:
                break
            files = [f for f in item.files if is_register_path(f.path)]
            if in_period:
                self._grades(item.commit, files)
            if self.location:
                self._approvals(item.commit, files)

    def _approvals(self, commit: CommitInfo, files: list[FileChange]) -> None:
        touched = [f for f in files if f.new_blob and f.path in self.location]
        if not touched:
            return
        afters = self.source.audited_blobs((f.new_blob, f.path) for f in touched if f.new_blob)
        befores = _Befores(self.source, files)
        befores.prefetch(touched, afters)
        for change in touched:
            register_id = self.location.pop(change.path)
            key = (change.new_blob or "", change.path)
            after = afters.get(key)
            if not isinstance(after, Audited) or after.id != register_id:
                self.location[change.path] = register_id  # unreadable here: keep looking further back
                continue
            path, before = befores.find(register_id, change, after.approval)
            if before is None or before.approval != after.approval:
                continue  # this commit recorded the approval (or created the register): done
            if before.content != self._content(key, after):
                self.after_approval.setdefault(register_id, []).append(commit)
            if path is not None:
                self.location[path] = register_id

    def _content(self, key: tuple[str, str], at: Audited) -> str:
        if at.content:
            return at.content
        found = self.source.audited_blobs([key], with_content=True).get(key)
        return found.content if isinstance(found, Audited) else ""

    def _grades(self, commit: CommitInfo, files: list[FileChange]) -> None:
        pairs = self.source.parse_changes(files, new_on_disk=False, risks_only=True)
        parent = commit.parents[0] if commit.parents else None
        old_regs = tuple(old for old, _ in pairs if isinstance(old, RegisterAt))
        new_regs = tuple(new for _, new in pairs if isinstance(new, RegisterAt))
        old_set = RegisterSet(old_regs, self.source.config_at(parent), self.departments)
        new_set = RegisterSet(new_regs, self.source.config_at(commit.sha), self.departments)
        for change in diff(old_set, new_set):
            if change.kind in GRADE_KINDS or change.kind is Kind.REMOVED:
                self.events.append(GradeEvent(commit, change))

    def findings(self) -> Iterator[Finding]:
        for register_id, commits in self.after_approval.items():
            at = self.heads[register_id]
            approval = at.approval
            assert approval is not None
            listed = "；".join(f"{c.short} {c.authored.date().isoformat()} {c.author}“{c.subject}”" for c in reversed(commits))
            yield Finding.of(
                "LZ404",
                at.path,
                at.where("审定"),
                f"登记表“{at.name}”在审定（{approval.date.isoformat()}）后被修改 {len(commits)} 次，未重新审定：{listed}",
                REAPPROVE_HINT,
            )
        yield from self._unexplained()

    def _unexplained(self) -> Iterator[Finding]:
        current = {risk: (at, i) for at in self.heads.values() for i, (risk, _) in enumerate(at.risks)}
        for event in self.events:
            change = event.change
            who = f"{event.commit.short} {event.commit.authored.date().isoformat()} {event.commit.author}"
            if change.kind is Kind.LOWERED and not change.reason and change.id in current:
                at, index = current[change.id]
                if not at.risks[index][1]:
                    yield Finding.of(
                        "LZ401",
                        at.path,
                        at.where("风险点", index, "等级"),
                        f"风险点“{change.id}”的等级从{change.before}降为{change.after}（{who}），至今没有降级理由",
                        "在该风险点下加一行 降级理由: ……",
                    )
            elif change.kind is Kind.REMOVED and not change.reason and not {change.id, change.register} & self.withdrawn:
                message = f"风险点“{change.id} {change.name}”被删除（{who}），但没有写明撤销理由"
                yield removal(change, self.heads.get(change.register), message, REMOVAL_HINT)


class _Befores:
    """The registers a commit's changed files held before it, found by 编号 and read as little as possible.

    A register is looked for first in its own file's old version, then (it may have been moved or
    renamed) in the old versions of the commit's other files, as the whole commit's old side would show it.
    """

    def __init__(self, source: Source, files: list[FileChange]) -> None:
        self.source = source
        self.files = files
        self._others: dict[str, list[tuple[str, str]]] | None = None

    def find(self, register_id: str, change: FileChange, approval: object) -> tuple[str | None, Audited | None]:
        """Where the register was before the commit, and what it was, when its 审定 was ``approval``
        (else only that it was not: a different 审定, or no such register, both end the search)."""
        own = (change.old_blob, change.path) if change.old_blob else None
        if own is not None:
            found = self._check(own, register_id, approval)
            if found is not None:
                return found
        elsewhere = [key for key in self.others().get(register_id, []) if key != own][-1:]
        return (self._check(elsewhere[0], register_id, approval) if elsewhere else None) or (None, None)

    def _check(self, key: tuple[str, str], register_id: str, approval: object) -> tuple[str | None, Audited | None] | None:
        """The register in this old version (None: it is not there); its 审定 read alone when that settles it."""
        peek = self.source.approvals([key]).get(key)
        if peek is not None and peek[0] != register_id:
            return None
        if peek is not None and peek[1] != approval:
            return key[1], None
        found = self.source.audited_blobs([key], with_content=True).get(key)
        return (key[1], found) if isinstance(found, Audited) and found.id == register_id else None

    def prefetch(self, touched: list[FileChange], afters: dict[tuple[str, str], Audited | Broken | None]) -> None:
        """Read in a few batches what find() will ask for, one change at a time."""
        own = {f.path: (f.old_blob, f.path) for f in touched if f.old_blob}
        peeked = self.source.approvals(own.values())
        whole: list[tuple[str, str]] = []
        search = False
        for change in touched:
            after = afters.get((change.new_blob or "", change.path))
            if not isinstance(after, Audited):
                continue
            key = own.get(change.path)
            peek = peeked.get(key) if key is not None else None
            if key is None or (peek is not None and peek[0] != after.id):
                search = True
            elif peek is None or peek[1] == after.approval:
                whole.append(key)
        if search:
            self.others()
        parsed = self.source.audited_blobs(whole, with_content=True)
        # Where the 审定 did not change, the content is compared: the new side's digest is wanted too.
        compared = []
        for change in touched:
            after, key = afters.get((change.new_blob or "", change.path)), own.get(change.path)
            before = parsed.get(key) if key is not None else None
            if not isinstance(after, Audited) or not isinstance(before, Audited) or after.content:
                continue
            if before.approval == after.approval:
                compared.append((change.new_blob or "", change.path))
        self.source.audited_blobs(compared, with_content=True)

    def others(self) -> dict[str, list[tuple[str, str]]]:
        """register 编号 → the old versions (blob id, path) holding it, in the commit's order."""
        if self._others is None:
            olds = [(f.old_blob, f.path) for f in self.files if f.old_blob]
            peeked = self.source.approvals(olds)
            unsure = [key for key in olds if peeked.get(key) is None]
            parsed = self.source.audited_blobs(unsure, with_content=True)
            self._others = {}
            for key in olds:
                peek = peeked.get(key)
                at = parsed.get(key)
                register_id = peek[0] if peek is not None else at.id if isinstance(at, Audited) else None
                if register_id is not None:
                    self._others.setdefault(register_id, []).append(key)
        return self._others
