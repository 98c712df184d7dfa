"""The rule registry and engine.

A rule yields findings with its code's default severity; ``apply_settings`` then applies
the unit's 检查规则 (disable, or change severity) in one place, the way yamllint does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass

from lianzheng_cli.codes import apply_settings
from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.loader.yamltree import Pos, Tree
from lianzheng_cli.models import Register
from lianzheng_cli.register_facts import RegisterFacts


@dataclass(frozen=True)
class RegisterContext:
    register: Register
    tree: Tree
    path: str
    config: Config

    def finding(self, code: str, pos: Pos, message: str, hint: str = "") -> Finding:
        return Finding.of(code, self.path, pos, message, hint)


RegisterRule = Callable[[RegisterContext], Iterator[Finding]]
RepositoryRule = Callable[[list[RegisterFacts], Config], Iterator[Finding]]

REGISTER_RULES: dict[str, RegisterRule] = {}
REPOSITORY_RULES: dict[str, RepositoryRule] = {}


def register_rule(code: str) -> Callable[[RegisterRule], RegisterRule]:
    def decorate(func: RegisterRule) -> RegisterRule:
        REGISTER_RULES[code] = func
        return func

    return decorate


def repository_rule(code: str) -> Callable[[RepositoryRule], RepositoryRule]:
    def decorate(func: RepositoryRule) -> RepositoryRule:
        REPOSITORY_RULES[code] = func
        return func

    return decorate


def check_register(context: RegisterContext, overrides: dict[str, Severity | None]) -> list[Finding]:
    found: list[Finding] = []
    for code, rule in REGISTER_RULES.items():
        if overrides.get(code, Severity.INFO) is not None:
            found.extend(rule(context))
    return apply_settings(found, overrides)


def check_repository(facts: list[RegisterFacts], config: Config, overrides: dict[str, Severity | None]) -> list[Finding]:
    found: list[Finding] = []
    for code, rule in REPOSITORY_RULES.items():
        if overrides.get(code, Severity.INFO) is not None:
            found.extend(rule(facts, config))
    return apply_settings(found, overrides)
