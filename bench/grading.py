"""Benchmark what grading adds to ``lzfk validate`` (target: at most 20 %).

Times ``lzfk validate --no-cache`` on the synthetic unit twice over, as whole processes:
as shipped, and with the grading step replaced by a no-op (same process otherwise, so
the difference is the rule engine: loading the rule set, grading every risk point,
comparing with the declared grades). Each is run --repeat times; medians are reported.

    .venv/bin/python bench/grading.py            # 5,000 posts
    .venv/bin/python bench/grading.py --quick    # 500 posts
"""

from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

TARGET_OVERHEAD = 0.20
RUN_LZFK = (
    "import sys; from lianzheng_cli.entry import main; sys.argv = ['lzfk', 'validate', '--no-cache', '-f', 'plain']; main()"
)
WITHOUT_GRADING = "import lianzheng_cli.checking as c; c.grade_findings = lambda register, *rest: ([], []); "


def timed(code: str, cwd: Path) -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-c", code], cwd=cwd, check=False, stdout=subprocess.DEVNULL)
    return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args(argv)
    posts = 500 if args.quick else args.posts
    unit = HERE / "_work" / f"grading-{posts}"
    if not (unit / "lzfk.yaml").exists():
        generate(unit, posts)
    with_grading, without = [], []
    for _ in range(args.repeat):  # interleaved, so drift of the machine hits both alike
        with_grading.append(timed(RUN_LZFK, unit))
        without.append(timed(WITHOUT_GRADING + RUN_LZFK, unit))
    a, b = statistics.median(with_grading), statistics.median(without)
    overhead = a / b - 1
    print(f"lzfk validate --no-cache, {posts} posts, {os.cpu_count()} cores, median of {args.repeat}:")
    print(f"  with grading     {a:6.2f} s")
    print(f"  without grading  {b:6.2f} s")
    verdict = "PASS" if overhead <= TARGET_OVERHEAD else "MISS"
    print(f"  grading adds     {overhead:6.1%}   (target ≤ {TARGET_OVERHEAD:.0%}: {verdict})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
