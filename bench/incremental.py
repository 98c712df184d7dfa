"""Benchmark ``lzfk validate`` after the first run, each case beside its floor measured in the same run.

On a generated unit (default 20,000 posts) whose cache a first ``lzfk validate`` filled:

- warm, nothing changed: ``lzfk validate``, beside a pure-Python floor that walks the
  register folder and stats every file (what any tool must do to know nothing changed);
- one register's content changed: before each timed run one post file gets new content
  (a new duty text, so nothing can come from the cache), then ``lzfk validate``;
- one register changed with lines moved: a new comment line at the top of one post file
  (every position below it moves), then ``lzfk validate``;
- one register's cross-file facts changed: one post's 科室 spelled by 名称 instead of by
  编号, or back (the answer is the same, the facts are not), then ``lzfk validate``: only
  that file is checked again, and the cross-file checks run again over every file's facts
  kept in the cache; printed beside a whole run made from cached outcomes (a register
  added: every other file's outcome comes from the content cache), which it must beat;
- pre-commit: one post file edited, then ``lzfk validate THAT-FILE`` (default run, with
  the cache), beside the ``python -c pass`` start-up floor.

Every case runs ``--repeat`` times (default 5) as separate processes; CPU seconds (user +
system, from ``os.wait4``, children included) and wall seconds are printed as
min / median / max. The targets are on the median CPU seconds.

    .venv/bin/python bench/incremental.py                 # 20,000 posts
    .venv/bin/python bench/incremental.py --posts 5000
    .venv/bin/python bench/incremental.py --quick         # 1,000 posts
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, post_files  # noqa: E402
from validate import LZFK, WORK, Run, run_once  # noqa: E402

PYTHON = Path(sys.executable)
STAT_FLOOR = """
import os, sys
def walk(folder):
    for entry in os.scandir(folder):
        if entry.is_dir(follow_symlinks=False):
            walk(entry.path)
        elif entry.name.endswith(('.yaml', '.yml', '.md')):
            os.stat(entry.path)
walk(sys.argv[1])
"""
TARGET_ONE_CHANGED = 0.3
TARGET_PRE_COMMIT = 0.2
TARGET_WARM_RATIO = 1.5


@dataclass
class Case:
    label: str
    runs: list[Run]

    def cpu(self) -> list[float]:
        return [run.cpu_seconds for run in self.runs]

    def wall(self) -> list[float]:
        return [run.seconds for run in self.runs]

    @property
    def median_cpu(self) -> float:
        return float(statistics.median(self.cpu()))


def _spread(values: Sequence[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


class Editor:
    """Gives a post file new content for every run, so that no run finds it in the cache."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.original = path.read_text(encoding="utf-8")
        self.count = 0
        self.added: list[Path] = []

    def duty(self) -> None:
        """A new text for the first duty: same lines, same facts."""
        self.count += 1
        head, rest = self.original.split("主要职责:\n", 1)
        rest = rest.split("\n", 1)[1]
        self.path.write_text(f"{head}主要职责:\n  - 第 {self.count} 次修改的职责\n{rest}", encoding="utf-8")

    def comment(self) -> None:
        """A new comment line at the top: every position below it moves."""
        self.count += 1
        self.path.write_text(f"# 第 {self.count} 次修改\n" + self.original, encoding="utf-8")

    def department(self) -> None:
        """科室 by 名称 instead of by 编号 (or back): the same answer, other cross-file facts."""
        self.count += 1
        text = self.original + f"# {self.count}\n"
        if self.count % 2:
            department = (self.path.parent / "科室.yaml").read_text(encoding="utf-8")
            name = next(line for line in department.splitlines() if line.startswith("名称: "))[4:]
            code = next(line for line in text.splitlines() if line.startswith("科室: "))[4:]
            text = text.replace(f"科室: {code}\n", f"科室: {name}\n", 1)
        self.path.write_text(text, encoding="utf-8")

    def add(self) -> None:
        """A new register beside the edited one (a new 编号, so the unit stays valid): a whole run."""
        self.count += 1
        ident = self.path.stem
        added = self.path.with_name(f"{ident}-added{self.count}.yaml")
        added.write_text(self.original.replace(ident, f"{ident}-A{self.count}"), encoding="utf-8")
        self.added.append(added)

    def restore(self) -> None:
        self.path.write_text(self.original, encoding="utf-8")
        for added in self.added:
            added.unlink(missing_ok=True)


def timed(label: str, command: Sequence[str | Path], cwd: Path, repeat: int, before: Callable[[], None] | None = None) -> Case:
    runs = []
    for _ in range(repeat):
        if before is not None:
            before()
        runs.append(run_once(command, cwd, sample_memory=False))
    case = Case(label, runs)
    print(f"  {label}: median CPU {case.median_cpu:.3f} s", file=sys.stderr, flush=True)
    return case


def bench(unit: Path, repeat: int) -> list[tuple[Case, Case | None, str]]:
    posts = post_files(unit)
    editor = Editor(posts[len(posts) // 2])
    one = editor.path.relative_to(unit)
    shutil.rmtree(unit / ".lzfk_cache", ignore_errors=True)
    print("  filling the cache (a cold run) ...", file=sys.stderr, flush=True)
    run_once([LZFK, "validate"], unit, sample_memory=False)
    run_once([LZFK, "validate"], unit, sample_memory=False)
    stat_floor = timed("floor: walk and stat every file (Python)", [PYTHON, "-c", STAT_FLOOR, "registers"], unit, repeat)
    import_floor = timed("floor: python -c pass", [PYTHON, "-c", "pass"], unit, repeat)
    rows: list[tuple[Case, Case | None, str]] = []
    warm = timed("warm, nothing changed", [LZFK, "validate"], unit, repeat)
    rows.append((warm, stat_floor, f"<= {TARGET_WARM_RATIO:g}x floor"))
    try:
        changed = timed("one register's content changed", [LZFK, "validate"], unit, repeat, editor.duty)
        rows.append((changed, stat_floor, f"< {TARGET_ONE_CHANGED:g} s"))
        moved = timed("one register changed, lines moved", [LZFK, "validate"], unit, repeat, editor.comment)
        rows.append((moved, stat_floor, f"< {TARGET_ONE_CHANGED:g} s"))
        facts = timed("one register's cross-file facts changed", [LZFK, "validate"], unit, repeat, editor.department)
        whole = timed("floor: a register added (a whole run, outcomes cached)", [LZFK, "validate"], unit, repeat, editor.add)
        rows.append((facts, whole, "< whole run"))
        pre_commit = timed(f"pre-commit: lzfk validate {one.as_posix()}", [LZFK, "validate", one], unit, repeat, editor.duty)
        rows.append((pre_commit, import_floor, f"< {TARGET_PRE_COMMIT:g} s"))
    finally:
        editor.restore()
    return rows


def verdict(case: Case, floor: Case | None, target: str) -> str:
    if target.startswith("<="):
        assert floor is not None
        return "PASS" if case.median_cpu <= TARGET_WARM_RATIO * floor.median_cpu else "MISS"
    if target.endswith("whole run"):
        assert floor is not None
        return "PASS" if case.median_cpu < floor.median_cpu else "MISS"
    if target.startswith("<"):
        return "PASS" if case.median_cpu < float(target.split()[1]) else "MISS"
    return ""


def render(rows: list[tuple[Case, Case | None, str]], posts: int, files: int, repeat: int) -> str:
    table = [("case", "CPU s min/med/max", "wall s min/med/max", "floor", "floor CPU s min/med/max", "x floor", "target", "")]
    for case, floor, target in rows:
        ratio = f"{case.median_cpu / floor.median_cpu:.2f}" if floor and floor.median_cpu else "-"
        table.append(
            (
                case.label,
                _spread(case.cpu()),
                _spread(case.wall()),
                floor.label.removeprefix("floor: ") if floor else "-",
                _spread(floor.cpu()) if floor else "-",
                ratio,
                target,
                verdict(case, floor, target),
            )
        )
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [f"lzfk validate after the first run — {posts:,} posts ({files:,} files); {repeat} runs each", ""]
    for index, row in enumerate(table):
        lines.append("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines += [
        "",
        "CPU s: user + system of the process and the children it waited for (os.wait4); targets are on the median.",
        "Each edit gives the file content it never had, so the changed file is always parsed and checked.",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark lzfk validate after the first run (see bench/README.md).")
    parser.add_argument("--posts", type=int, default=20_000, help="posts in the unit (default 20000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs per case (default 5)")
    parser.add_argument("--quick", action="store_true", help="1,000 posts, 3 runs per case")
    parser.add_argument("--work", type=Path, default=WORK, help="where to generate the unit (default bench/_work)")
    parser.add_argument("--keep", action="store_true", help="keep the generated unit")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.repeat = min(args.posts, 1_000), min(args.repeat, 3)
    if not LZFK.exists():
        print(f"lzfk not found at {LZFK}: run this with the project's virtual environment (make setup)", file=sys.stderr)
        return 2
    unit = args.work / f"incremental-{args.posts}"
    print(f"generating {args.posts} posts in {unit} ...", file=sys.stderr, flush=True)
    counts = generate(unit, args.posts)
    try:
        rows = bench(unit, args.repeat)
    finally:
        if not args.keep:
            shutil.rmtree(unit, ignore_errors=True)
    print(render(rows, args.posts, counts["files"], args.repeat))
    return 0


if __name__ == "__main__":
    sys.exit(main())
