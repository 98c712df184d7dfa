"""Benchmark the history commands on a synthetic repository with five yearly versions.

The 2021 version is bench/generate.py's unit (default 5,000 post registers, about 86
lines each); each later year (2022-2025) one commit, dated in March, changes about 10% of
the post files: grades lowered (mostly with 降级理由) and raised, measures and
manifestations edited, risk points added, withdrawn (with 已撤销) and moved to another
post, files renamed. One risk point is changed every year. No year is tagged, so
``--year`` resolves by commit date. Each command runs as its own process, as a user runs it.

Targets: ``lzfk diff --year 2021 --year 2025`` under 2 s; ``lzfk log`` of one risk point
over the five years under 1 s. Wall-clock time is compared with the target; CPU seconds
(lzfk, its parse workers and its git processes) are shown too, since the cores may be shared.

    .venv/bin/python bench/history.py                # 5,000 posts, best of 3
    .venv/bin/python bench/history.py --quick        # 500 posts
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import resource
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, post_files  # noqa: E402

YEARS = (2021, 2022, 2023, 2024, 2025)
SHARE = 0.10
TRACKED_POST = "D0000-P00000"
TRACKED_RISK = f"{TRACKED_POST}-01"
GRADES = ("一级", "二级", "三级")
_RISK_START = re.compile(r"^  - 编号: (\S+)$", re.MULTILINE)
_GRADE = re.compile(r"^    等级: (\S+)$", re.MULTILINE)
_MEASURE = re.compile(r"^        内容: (.+)$", re.MULTILINE)
_TAIL = re.compile(r"^(已撤销|审核):", re.MULTILINE)
_DATE = re.compile(r"日期: \d{4}-")


def _env(year: int) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    date = f"{year}-03-20T10:00:00+08:00"
    env.update(
        GIT_AUTHOR_NAME="基准测试",
        GIT_AUTHOR_EMAIL="bench@example.cn",
        GIT_COMMITTER_NAME="基准测试",
        GIT_COMMITTER_EMAIL="bench@example.cn",
        GIT_AUTHOR_DATE=date,
        GIT_COMMITTER_DATE=date,
        GIT_CONFIG_NOSYSTEM="1",
    )
    return env


def git(root: Path, *args: str, year: int = YEARS[0]) -> str:
    done = subprocess.run(["git", *args], cwd=root, env=_env(year), capture_output=True, text=True, check=True)
    return done.stdout


def _blocks(text: str) -> tuple[str, list[str], str]:
    """A post file split into head, risk point blocks and tail (审核/审定 …)."""
    tail_at = _TAIL.search(text).start()  # type: ignore[union-attr]
    starts = [m.start() for m in _RISK_START.finditer(text, 0, tail_at)]
    bounds = [*starts, tail_at]
    return text[: starts[0]], [text[a:b] for a, b in itertools.pairwise(bounds)], text[tail_at:]


def _set_grade(block: str, step: int, reason: str) -> str:
    match = _GRADE.search(block)
    if match is None or match.group(1) not in GRADES:
        return block
    grade = GRADES[min(max(GRADES.index(match.group(1)) + step, 0), 2)]
    line = f"    等级: {grade}\n" + (f"    降级理由: {reason}\n" if reason and step > 0 else "")
    return block[: match.start()] + line + block[match.end() + 1 :]


def _edit_measure(block: str, year: int) -> str:
    match = _MEASURE.search(block)
    return (
        block
        if match is None
        else block[: match.start()] + f"        内容: {match.group(1)}（{year}年修订）" + block[match.end() :]
    )


def _add_manifestation(block: str, year: int) -> str:
    return block.replace("    表现形式:\n", f"    表现形式:\n      - {year}年新发现的表现形式\n", 1)


def _new_risk(template: str, risk_id: str, year: int) -> str:
    block = _RISK_START.sub(f"  - 编号: {risk_id}", template, count=1)
    return block.replace("    名称: ", f"    名称: {year}年新增：", 1)


class Mutator:
    """Applies one year's changes to the working tree of the repository."""

    def __init__(self, root: Path, rng: random.Random) -> None:
        self.root = root
        self.rng = rng

    def read(self, path: Path) -> tuple[str, list[str], str]:
        return _blocks(path.read_text(encoding="utf-8"))

    def write(self, path: Path, head: str, risks: list[str], tail: str, year: int) -> None:
        text = head + "".join(risks) + _DATE.sub(f"日期: {year}-", tail)
        path.write_text(text, encoding="utf-8")

    def change(self, path: Path, year: int, others: list[Path]) -> None:
        head, risks, tail = self.read(path)
        operation = self.rng.choice(("lower", "lower", "raise", "measure", "text", "add", "withdraw", "move", "rename"))
        index = self.rng.randrange(len(risks))
        if operation == "lower":
            reason = "" if self.rng.random() < 0.2 else f"{year}年已实行集中采购，风险下降"
            risks[index] = _set_grade(risks[index], +1, reason)
        elif operation == "raise":
            risks[index] = _set_grade(risks[index], -1, "")
        elif operation == "measure":
            risks[index] = _edit_measure(risks[index], year)
        elif operation == "text":
            risks[index] = _add_manifestation(risks[index], year)
        elif operation == "add":
            risks.append(_new_risk(risks[0], f"{path.stem}-{year}", year))
        elif operation == "withdraw" and len(risks) > 1:
            gone = _RISK_START.search(risks.pop())
            assert gone is not None
            entry = f"  - 编号: {gone.group(1)}\n    理由: {year}年职能调整，该事项不再由本岗位办理\n"
            tail = tail.replace("已撤销:\n", "已撤销:\n" + entry) if "已撤销:\n" in tail else "已撤销:\n" + entry + tail
        elif operation == "move" and len(risks) > 1:
            self._move(risks.pop(), self.rng.choice(others), year)
        elif operation == "rename" and "-调整" not in path.stem:
            path.unlink()
            path = path.with_name(f"{path.stem}-调整.yaml")
        self.write(path, head, risks, tail, year)

    def _move(self, block: str, target: Path, year: int) -> None:
        if not target.exists():
            return
        head, risks, tail = self.read(target)
        self.write(target, head, [*risks, block], tail, year)


def build(root: Path, posts: int, seed: int = 20250310) -> dict[int, int]:
    """The repository with its five yearly commits; returns the number of files changed per year."""
    started = time.perf_counter()
    generate(root, posts, seed)
    git(root, "init", "-q", "-b", "main")
    git(root, "add", "-A")
    git(root, "commit", "-q", "-m", f"{YEARS[0]} 年度登记表", year=YEARS[0])
    rng = random.Random(seed)
    mutator = Mutator(root, rng)
    changed: dict[int, int] = {}
    for year in YEARS[1:]:
        files = post_files(root)
        chosen = rng.sample(files, max(1, int(len(files) * SHARE)))
        for path in chosen:
            if path.exists() and TRACKED_POST not in path.name:
                mutator.change(path, year, files)
        _change_tracked(root, year, files)
        git(root, "add", "-A")
        changed[year] = len([line for line in git(root, "status", "--porcelain", "-z").split("\0") if line])
        git(root, "commit", "-q", "-m", f"{year} 年度动态调整", year=year)
    print(f"built {root} ({posts} posts, {len(YEARS)} yearly commits) in {time.perf_counter() - started:.1f} s")
    return changed


def _change_tracked(root: Path, year: int, files: list[Path]) -> None:
    """The tracked risk point changes every year: lowered, measure edited, moved to another post, raised."""
    holder = next(path for path in files if TRACKED_RISK.encode() in path.read_bytes())
    head, risks, tail = _blocks(holder.read_text(encoding="utf-8"))
    index = next(i for i, block in enumerate(risks) if f"编号: {TRACKED_RISK}\n" in block)
    if year == 2022:
        risks[index] = _set_grade(risks[index], +1, "已实行集中带量采购")
    elif year == 2023:
        risks[index] = _edit_measure(risks[index], year)
    elif year == 2024:
        target = next(path for path in files if path != holder and path.parent == holder.parent)
        block = risks.pop(index)
        t_head, t_risks, t_tail = _blocks(target.read_text(encoding="utf-8"))
        target.write_text(t_head + "".join([*t_risks, block]) + t_tail, encoding="utf-8")
    else:
        risks[index] = _set_grade(risks[index], -1, "")
    holder.write_text(head + "".join(risks) + tail, encoding="utf-8")


def timed(root: Path, args: list[str], repeat: int) -> tuple[list[float], list[float], str]:
    """Wall-clock and CPU seconds (lzfk, its workers and its git processes) of each run, and the last output."""
    lzfk = [sys.executable, "-m", "lianzheng_cli"]
    walls, cpus = [], []
    out = ""
    for _ in range(repeat):
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        done = subprocess.run([*lzfk, *args], cwd=root, capture_output=True, text=True, check=False)
        walls.append(time.perf_counter() - started)
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        cpus.append(after.ru_utime - before.ru_utime + after.ru_stime - before.ru_stime)
        out = done.stdout
        if done.returncode not in (0, 1):
            raise SystemExit(f"lzfk {' '.join(args)} failed ({done.returncode}): {done.stderr}")
    return walls, cpus, out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000, help="post registers (default 5000)")
    parser.add_argument("--quick", action="store_true", help="500 posts, one run each")
    parser.add_argument("--repeat", type=int, default=3, help="runs per command; the best is compared with the target")
    parser.add_argument("--out", type=Path, default=None, help="folder for the repository (default bench/_work/history-<posts>)")
    args = parser.parse_args(argv)
    posts = 500 if args.quick else args.posts
    repeat = 1 if args.quick else args.repeat
    root = args.out or HERE / "_work" / f"history-{posts}"
    if root.exists():
        shutil.rmtree(root)
    changed = build(root, posts)
    print("files changed per year: " + ", ".join(f"{year}: {n}" for year, n in changed.items()))
    cases = [
        ("diff 2021→2025 (json)", ["diff", "--year", "2021", "--year", "2025", "--format", "json"], 2.0),
        ("diff 2021→2025 (text)", ["diff", "--year", "2021", "--year", "2025"], 2.0),
        ("diff 2024→2025 (markdown)", ["diff", "--year", "2024", "--year", "2025", "--format", "markdown"], None),
        (f"log {TRACKED_RISK}", ["log", TRACKED_RISK], 1.0),
        (f"log {TRACKED_RISK} (json)", ["log", TRACKED_RISK, "--format", "json"], 1.0),
        ("audit (json)", ["audit", "--format", "json"], None),
    ]
    missed = 0
    print(f"load average before the runs: {os.getloadavg()[0]:.2f} (the timings share the machine's cores)")
    print(f"\n{'command':<34}{'best':>8}{'median':>9}{'cpu':>8}{'target':>8}  result")
    for title, command, target in cases:
        walls, cpus, out = timed(root, command, repeat)
        best, median = min(walls), statistics.median(walls)
        verdict = "" if target is None else ("ok" if best < target else "MISSED")
        missed += verdict == "MISSED"
        target_text = f"{target:.0f}s" if target else "-"
        detail = _detail(command, out)
        print(f"{title:<34}{best:>7.2f}s{median:>8.2f}s{min(cpus):>7.2f}s{target_text:>8}  {verdict}{detail}")
    return 1 if missed else 0


def _detail(command: list[str], out: str) -> str:
    if "json" not in command:
        return ""
    document = json.loads(out)
    if command[0] == "diff":
        return f"  ({len(document['changes'])} changes in {document['files_compared']} files)"
    if command[0] == "log":
        return f"  ({len(document['entries'])} commits)"
    return f"  ({len(document.get('findings', []))} findings)"


if __name__ == "__main__":
    sys.exit(main())
