"""Benchmark the history commands on a synthetic repository with five yearly versions.

The 2021 version is bench/generate.py's unit (default 5,000 post registers, about 86
lines each); each later year (2022-2025) one commit, dated in March, changes about 10% of
the post files: grades lowered (mostly with 降级理由) and raised, measures and
manifestations edited, risk points added, withdrawn (with 已撤销) and moved to another
post, files renamed. One risk point is changed every year. No year is tagged, so
``--year`` resolves by commit date. Each command runs as its own process, as a user runs it,
with its output going to a file (not a terminal), once untimed and then ``--repeat`` times.

Every command is measured cold (``.lzfk_cache/`` removed before each run: nothing parsed
before) and warm (the cache the previous run left), and printed beside its git floor,
measured in the same run: ``git diff --stat`` between the two versions for ``diff``,
``git cat-file --batch`` of every register blob at HEAD for ``audit``, and
``git log -- <the file holding the risk point>`` for ``log``. Figures are min / median / max
of CPU seconds (user + system of lzfk, its parse workers and its git processes) and of
wall-clock seconds; peak MiB is the largest process's peak RSS. Targets (issue 15, median
wall-clock seconds): diff 2021→2025 < 0.7 s, audit < 1.5 s, log < 0.2 s; audit's peak at most 242 MiB.
Output to a file runs lzfk's light entry path (no typer or rich); ``log`` warm prints its kept
report after one ``git rev-parse``, without the parsers.

    .venv/bin/python bench/history.py                # 5,000 posts, 5 runs each
    .venv/bin/python bench/history.py --quick        # 500 posts, one run each
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate, post_files  # noqa: E402
from validate import child_env  # noqa: E402

YEARS = (2021, 2022, 2023, 2024, 2025)
AUDIT_PEAK_MIB = 242  # audit's peak before the parsed-blob cache: memory must not grow past it (issue 15)
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


@dataclass
class Runs:
    """The timed runs of one command: wall-clock seconds, CPU seconds, peak MiB, and the last output."""

    walls: list[float] = field(default_factory=list)
    cpus: list[float] = field(default_factory=list)
    peaks: list[float] = field(default_factory=list)
    out: str = ""


def run_once(command: list[str], cwd: Path, into: Runs) -> None:
    """One process to completion, its output to a file (so never a terminal), measured by os.wait4."""
    with tempfile.TemporaryFile() as out:
        started = time.perf_counter()
        proc = subprocess.Popen(command, cwd=cwd, env=child_env(), stdout=out, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        into.walls.append(time.perf_counter() - started)
        into.cpus.append(usage.ru_utime + usage.ru_stime)
        into.peaks.append(usage.ru_maxrss / 1024)  # kilobytes on Linux
        code = os.waitstatus_to_exitcode(status)
        if code not in (0, 1):
            raise SystemExit(f"{' '.join(command)} failed ({code})")
        out.seek(0)
        into.out = out.read().decode("utf-8", "replace")


def timed(root: Path, command: list[str], repeat: int, *, cold: bool = False) -> Runs:
    runs = Runs()
    run_once(command, root, Runs())  # byte code, the file-system cache and (for warm) the cache
    for _ in range(repeat):
        if cold:
            shutil.rmtree(root / ".lzfk_cache", ignore_errors=True)
        run_once(command, root, runs)
    return runs


def timed_new_reports(root: Path, command: list[str], repeat: int) -> Runs:
    """command as a report not asked for before, over the parsed blobs the cache keeps: each run
    names the two versions by commit-id prefixes of a length not used before, so no kept report
    answers it (a report is kept by the versions as named)."""
    first, last = git(root, "rev-list", "--max-parents=0", "HEAD").split()[0], git(root, "rev-parse", "HEAD").strip()
    at = command.index("diff") + 1
    options = [arg for arg in command[at:] if not arg.isdigit() and arg != "--year"]  # the years go, the format stays
    runs = Runs()
    run_once(command, root, Runs())
    for length in range(8, 8 + repeat):
        run_once([*command[:at], first[:length], last[:length], *options], root, runs)
    return runs


def floors(root: Path) -> dict[str, list[str]]:
    """The git floors: the least git itself needs for each command's answer."""
    first, last = git(root, "rev-list", "--max-parents=0", "HEAD").split()[0], git(root, "rev-parse", "HEAD").strip()
    holder = git(root, "grep", "-l", "-F", TRACKED_RISK, "HEAD", "--", "registers").split()[0].partition(":")[2]
    blobs = "git ls-tree -r HEAD -- registers | awk '{print $3}' | git cat-file --batch"
    return {
        "diff": ["git", "diff", "--stat", first, last, "--", "registers"],
        "audit": ["sh", "-c", blobs],
        "log": ["git", "log", "--format=%H %an %s", "HEAD", "--", holder],
    }


def _spread(values: list[float]) -> str:
    return f"{min(values):.3f} / {statistics.median(values):.3f} / {max(values):.3f}"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=5000, help="post registers (default 5000)")
    parser.add_argument("--quick", action="store_true", help="500 posts, one run each")
    parser.add_argument("--repeat", type=int, default=5, help="timed runs per command (default 5)")
    parser.add_argument("--out", type=Path, default=None, help="folder for the repository (default bench/_work/history-<posts>)")
    parser.add_argument("--reuse", action="store_true", help="use the repository in --out as it is, if it exists")
    args = parser.parse_args(argv)
    posts = 500 if args.quick else args.posts
    repeat = 1 if args.quick else args.repeat
    root = args.out or HERE / "_work" / f"history-{posts}"
    if not (args.reuse and (root / ".git").is_dir()):
        if root.exists():
            shutil.rmtree(root)
        changed = build(root, posts)
        print("files changed per year: " + ", ".join(f"{year}: {n}" for year, n in changed.items()))
    lzfk = [sys.executable, "-m", "lianzheng_cli"]
    floor_of = floors(root)
    # (title, arguments, floor, target median wall s, target peak MiB)
    cases = [
        ("diff 2021→2025 (json)", ["diff", "--year", "2021", "--year", "2025", "--format", "json"], "diff", 0.7, None),
        ("diff 2021→2025 (text)", ["diff", "--year", "2021", "--year", "2025"], "diff", 0.7, None),
        ("diff 2024→2025 (markdown)", ["diff", "--year", "2024", "--year", "2025", "--format", "markdown"], "diff", None, None),
        (f"log {TRACKED_RISK}", ["log", TRACKED_RISK], "log", 0.2, None),
        (f"log {TRACKED_RISK} (json)", ["log", TRACKED_RISK, "--format", "json"], "log", 0.2, None),
        ("audit (json)", ["audit", "--format", "json"], "audit", 1.5, AUDIT_PEAK_MIB),
    ]
    print(f"load average before the runs: {os.getloadavg()[0]:.2f} (the timings share the machine's cores)")
    print(f"{repeat} timed runs each; min / median / max; cold: .lzfk_cache removed before each run\n")
    header = f"{'command':<30}{'cache':<6}{'cpu s':>24}{'wall s':>24}{'peak MiB':>10}{'target':>8}  result"
    print(header)
    floor_runs = {name: timed(root, command, repeat) for name, command in floor_of.items()}
    missed = 0
    for title, command, floor, target, memory in cases:
        for cache in ("cold", "warm", "new") if command[0] == "diff" and target else ("cold", "warm"):
            if cache == "new":
                runs = timed_new_reports(root, [*lzfk, *command], repeat)
            else:
                runs = timed(root, [*lzfk, *command], repeat, cold=cache == "cold")
            median = statistics.median(runs.walls)
            verdict = "" if target is None else ("ok" if median < target else "MISSED")
            if memory is not None and max(runs.peaks) > memory:
                verdict = f"MISSED (peak > {memory} MiB)"
            missed += verdict.startswith("MISSED")
            target_text = f"{target:.1f}s" if target else "-"
            print(
                f"{title:<30}{cache:<6}{_spread(runs.cpus):>24}{_spread(runs.walls):>24}{max(runs.peaks):>10.0f}"
                f"{target_text:>8}  {verdict}{_detail(command, runs.out)}"
            )
        floor_run = floor_runs[floor]
        print(f"{'  git floor: ' + floor:<30}{'':<6}{_spread(floor_run.cpus):>24}{_spread(floor_run.walls):>24}")
    print("\ngit floors: " + "; ".join(f"{name}: {' '.join(command)}" for name, command in floor_of.items()))
    if missed:
        print(f"{missed} figure(s) MISSED their target")
    return 0  # a missed target is a figure to report, not a failed benchmark (bench/README.md)


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
