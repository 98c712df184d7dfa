"""Checks beyond the schema: small rules behind one registry, configured in lzfk.yaml."""

from lianzheng_cli.codes import apply_settings, severity_overrides, unknown_rule_settings
from lianzheng_cli.rules import register_rules, repository_rules
from lianzheng_cli.rules.registry import RegisterContext, check_register, check_repository

__all__ = [
    "RegisterContext",
    "apply_settings",
    "check_register",
    "check_repository",
    "register_rules",
    "repository_rules",
    "severity_overrides",
    "unknown_rule_settings",
]
