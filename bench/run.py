"""Run every benchmark in bench/ (``make bench``), each as its own process.

The benchmarks are validate.py, incremental.py, grading.py, history.py, documents.py, rollup.py, importing.py and fuzz.py, in that order;
any that is not there is skipped. ``--quick`` is passed on to each (every benchmark
accepts it); anything after ``--`` is passed on as well (so use it with ``--only``).

    .venv/bin/python bench/run.py                 # full size
    .venv/bin/python bench/run.py --quick         # small sizes, a minute or two
    .venv/bin/python bench/run.py --only validate -- --posts 2000 --memory-posts 0
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
BENCHMARKS = ("validate", "incremental", "grading", "history", "documents", "rollup", "importing", "fuzz")


def main(argv: list[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    passed_on: list[str] = []
    if "--" in argv:
        cut = argv.index("--")
        argv, passed_on = argv[:cut], argv[cut + 1 :]
    parser = argparse.ArgumentParser(description="Run the lzfk benchmarks (see bench/README.md).")
    parser.add_argument("--quick", action="store_true", help="small sizes, for a quick look")
    parser.add_argument("--only", action="append", choices=BENCHMARKS, help="run only this benchmark (repeatable)")
    args = parser.parse_args(argv)

    chosen = args.only or list(BENCHMARKS)
    outcomes: list[tuple[str, str]] = []
    for name in BENCHMARKS:
        script = HERE / f"{name}.py"
        if name not in chosen:
            continue
        if not script.exists():
            outcomes.append((name, "not present, skipped"))
            continue
        command = [sys.executable, str(script), *(["--quick"] if args.quick else []), *passed_on]
        print(f"=== bench/{name}.py", flush=True)
        started = time.perf_counter()
        code = subprocess.run(command, cwd=HERE.parent, check=False).returncode
        elapsed = time.perf_counter() - started
        outcomes.append((name, f"exit {code} after {elapsed:.0f} s"))
        print(flush=True)

    print("=== summary")
    for name, outcome in outcomes:
        print(f"  bench/{name}.py: {outcome}")
    failed = any(outcome.startswith("exit ") and not outcome.startswith("exit 0") for _, outcome in outcomes)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
