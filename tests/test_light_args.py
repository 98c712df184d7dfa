"""The light paths' argument reader: what it recognises, and everything it leaves to typer."""

from __future__ import annotations

import pytest

from lianzheng_cli.light_args import FLAG, options

VALUES = {"--format": "format", "-f": "format", "--year": "year"}
FLAGS = {"--strict": "strict"}


def test_values_flags_and_positionals_are_read_in_order() -> None:
    args = ["a.yaml", "-f", "json", "--strict", "b.yaml", "--year=2021", "--year", "2025"]
    assert options(args, VALUES, frozenset({"year"}), FLAGS) == (
        ["a.yaml", "b.yaml"],
        {"format": ["json"], "strict": [FLAG], "year": ["2021", "2025"]},
    )


@pytest.mark.parametrize(
    "args",
    [
        ["--help"],
        ["--unknown", "x"],
        ["--unknown=x"],
        ["-f"],  # value missing
        ["-f", "json", "--format", "text"],  # given twice: typer would take the last
        ["--strict=yes"],
        ["--strict", "--strict"],
        ["-j", "2"],  # not among the options given
    ],
)
def test_anything_not_recognised_exactly_is_left_to_the_full_command_line(args: list[str]) -> None:
    assert options(args, VALUES, flags=FLAGS) is None
