"""300 seeded mutation-fuzz cases (bench/fuzz.py runs 10,000): no traceback, no hang, every finding located."""

from __future__ import annotations

import pytest

from tests import mutation_fuzz


def test_three_hundred_mutated_inputs_give_only_located_findings() -> None:
    tally = mutation_fuzz.run(300, seed=20261203)
    assert tally.cases == 300
    assert (tally.tracebacks, tally.hangs, tally.unlocated) == (0, 0, 0), tally.examples
    assert tally.findings >= 250  # the mutations do reach the checks


def test_the_fuzzer_counts_a_crash(monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(*args: object) -> object:
        raise ZeroDivisionError

    monkeypatch.setattr(mutation_fuzz, "check_bytes", broken)
    tally = mutation_fuzz.run(20, seed=1)
    assert tally.tracebacks > 0 and tally.examples
