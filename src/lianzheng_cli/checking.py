"""Every check lzfk makes, as pure functions: one parsed file, then a set of them.

Per file: parse, schema, register rules and grades (``check_parsed``), reduced to findings
plus the compact facts that cross-file rules need. Over the set: cross-file rules and the
台账 (``assemble``). ``validation`` streams files through these in worker processes with a
cache; ``loading`` runs them over a repository it keeps in memory for grade and build.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

from lianzheng_cli.cache import code_stamp
from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding, capped
from lianzheng_cli.grading.engine import Grade
from lianzheng_cli.grading.guard import grade_findings, grading_input, register_grade_findings
from lianzheng_cli.grading.rollup import effective_rank
from lianzheng_cli.grading.ruleset import RuleSet, load_ruleset
from lianzheng_cli.loader.decode import decode_source
from lianzheng_cli.loader.files import ParsedFile, parse_register_text
from lianzheng_cli.paths import MARKDOWN_SUFFIX
from lianzheng_cli.register_facts import RegisterFacts, facts_from_raw, facts_of
from lianzheng_cli.repository import Repository
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.rules import RegisterContext, apply_settings, check_register, check_repository, severity_overrides
from lianzheng_cli.rules.standard_rules import standard_findings

if TYPE_CHECKING:
    from lianzheng_cli.ledger import Ledger  # a run over chosen files never reads the 台账

# Bump when FileOutcome or any per-file check changes meaning, so old cache entries die.
CACHE_FORMAT = 4
_REFERENCE_CODES = frozenset(("LZ202", "LZ203", "LZ204", "LZ205"))


@dataclass(frozen=True, slots=True)
class FileOutcome:
    """Everything validation keeps about one file (this is what the cache stores)."""

    findings: tuple[Finding, ...]
    facts: RegisterFacts | None
    is_register: bool
    risk_points: int

    def __reduce__(self) -> tuple[type[FileOutcome], tuple[object, ...]]:
        # Thousands are unpickled per run: the constructor is several times cheaper than
        # dataclasses' generic __setstate__ for slotted classes.
        return (FileOutcome, (self.findings, self.facts, self.is_register, self.risk_points))


@dataclass(frozen=True)
class Checker:
    """What per-file checks need besides the file: the configuration and the rule set."""

    config: Config
    ruleset: RuleSet

    @classmethod
    def for_repository(cls, repository: Repository) -> Checker:
        return cls(repository.config, load_ruleset(repository.config, repository.root))

    @functools.cached_property
    def fingerprint(self) -> str:
        return f"{code_stamp()}|{CACHE_FORMAT}|{self.config.model_dump_json()}|{self.ruleset.fingerprint}"


def check_text(text: str, display: str, *, markdown: bool, checker: Checker) -> FileOutcome:
    """Per-file checks on text: parse, schema, register rules, grades."""
    return check_parsed(parse_register_text(text, display, markdown=markdown), checker)[0]


def check_bytes(data: bytes, display: str, suffix: str, checker: Checker) -> FileOutcome:
    source = decode_source(data, display)
    if isinstance(source, Finding):
        return FileOutcome((source,), None, True, 0)
    return check_text(source.text, display, markdown=suffix == MARKDOWN_SUFFIX, checker=checker)


def check_parsed(parsed: ParsedFile, checker: Checker) -> tuple[FileOutcome, list[Grade]]:
    """The outcome of one parsed file, and each of its risk points' computed grade."""
    if parsed.register is None or parsed.tree is None:
        fallback = facts_from_raw(parsed.tree, parsed.path) if parsed.tree is not None and parsed.is_register else None
        outcome = FileOutcome(
            tuple(capped(parsed.findings)), fallback, parsed.is_register, len(fallback.risk_ids) if fallback else 0
        )
        return outcome, []
    config = checker.config
    overrides = severity_overrides(config)
    context = RegisterContext(parsed.register, parsed.tree, parsed.path, config)
    graded, grades = grade_findings(parsed.register, parsed.tree, parsed.path, checker.ruleset, config)
    findings = parsed.findings + check_register(context, overrides) + apply_settings(graded, overrides)
    ranks = [effective_rank(risk, grade, config) for risk, grade in zip(parsed.register.risks, grades, strict=True)]
    facts = replace(facts_of(parsed.register, parsed.tree, parsed.path), grading=grading_input(parsed, ranks, config))
    return FileOutcome(tuple(capped(findings)), facts, True, len(parsed.register.risks)), grades


def assemble(
    root: Path,
    config: Config,
    outcomes: list[tuple[str, FileOutcome]],
    ledger: Ledger | None,
    ruleset: RuleSet,
) -> ValidationResult:
    """The result of a run from its files' outcomes; cross-file checks only when ledger is
    given (a run over the whole register folder)."""
    result = ValidationResult(root)
    facts = [outcome.facts for _, outcome in outcomes if outcome.facts is not None]
    for _, outcome in outcomes:
        result.findings.extend(outcome.findings)
        result.summary.registers += outcome.is_register
        result.summary.risk_points += outcome.risk_points
    if ledger is not None:
        unread = [display for display, outcome in outcomes if outcome.is_register and outcome.facts is None]
        result.findings.extend(cross_findings(root, config, facts, unread, ledger, ruleset))
    result.findings.sort()
    result.summary.files = len(outcomes)
    result.summary.cross_file_checked = ledger is not None
    result.summary.count(result.findings)
    return result


def cross_findings(
    root: Path, config: Config, facts: list[RegisterFacts], unread: list[str], ledger: Ledger, ruleset: RuleSet
) -> list[Finding]:
    """The findings across files, over every file's facts (in file order): references, the
    registers' grades, the 台账, the standards cited. unread: the registers that gave no facts."""
    overrides = severity_overrides(config)
    cross = check_repository(facts, config, overrides)
    cross += apply_settings(register_grade_findings(facts, ruleset, config), overrides)
    found = _mention_unread(cross, unread)
    found.extend(apply_settings(ledger.findings, overrides))
    found.extend(apply_settings(standard_findings(root, config, facts), overrides))
    return found


def known_ids(facts: list[RegisterFacts]) -> set[str] | None:
    """Every 编号 the registers define, for the 台账's references (None: nothing to check against)."""
    known = {item.id for item in facts}
    for item in facts:
        known.update(ident for ident, _ in item.risk_ids)
        known.update(ident for ident, _ in item.power_ids)
    return known or None


def add_findings(result: ValidationResult, findings: list[Finding], config: Config) -> None:
    """Findings about the repository as a whole (not from a file's outcome), with the unit's 检查规则 applied."""
    added = apply_settings(findings, severity_overrides(config))
    if added:
        result.findings = sorted([*result.findings, *added])
        result.summary.count(added)


def failed(root: Path, findings: list[Finding]) -> ValidationResult:
    """The result of a run stopped by lzfk.yaml or the rule files."""
    result = ValidationResult(root, sorted(findings), config_failed=True)
    result.summary.count(result.findings)
    return result


def _mention_unread(findings: list[Finding], unread: list[str]) -> list[Finding]:
    """A reference may point into a file that could not be read at all: say so, so that the
    clerk fixes that file first instead of chasing a reference that is not wrong."""
    if not unread:
        return findings
    names = "、".join(unread[:3]) + ("等" if len(unread) > 3 else "")
    note = f"（另有 {len(unread)} 个文件未能读取：{names}，被引用的内容可能就在其中，请先修正它们）"
    return [
        Finding(f.path, f.line, f.column, f.code, f.severity, f.message, f.hint + note) if f.code in _REFERENCE_CODES else f
        for f in findings
    ]
