"""Mutation fuzzing of lzfk's per-file reading and checking: tracebacks, hangs, unlocated findings.

    .venv/bin/python bench/fuzz.py              # 10,000 cases, seed 20261203
    .venv/bin/python bench/fuzz.py --quick      # 1,000 cases
    .venv/bin/python bench/fuzz.py --cases 50000 --seed 7

Prints the counts (all three must be 0) and the cases per second; exits 1 when any is not 0.
The engine is tests/mutation_fuzz.py, which the test suite runs with 300 cases.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.mutation_fuzz import run


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="1,000 cases")
    parser.add_argument("--cases", type=int, default=10_000)
    parser.add_argument("--seed", type=int, default=20261203)
    args = parser.parse_args()
    cases = 1_000 if args.quick else args.cases
    started = time.perf_counter()
    tally = run(cases, args.seed)
    seconds = time.perf_counter() - started
    print(f"fuzz: {tally.cases} cases (seed {args.seed}) in {seconds:.1f} s, {tally.cases / seconds:.0f} cases/s")
    print(f"  tracebacks {tally.tracebacks}, hangs {tally.hangs}, unlocated findings {tally.unlocated}")
    print(f"  {tally.findings} findings in all; slowest case {tally.slowest * 1000:.0f} ms")
    for example in tally.examples:
        print("  " + example.replace("\n", "\n    "))
    return 1 if tally.tracebacks or tally.hangs or tally.unlocated else 0


if __name__ == "__main__":
    sys.exit(main())
