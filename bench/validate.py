"""Benchmark ``lzfk validate`` as whole processes, beside check-jsonschema.

Generates a synthetic unit (bench/generate.py), then times each command as a separate
process: wall seconds with ``time.perf_counter``, CPU seconds and peak RSS from the
child's own rusage (``os.wait4``, which includes the worker processes it waited for),
and the peak total memory (PSS) of the whole process tree, sampled from /proc. Every
measurement runs ``--repeat`` times (default 3) and the median is reported.

    .venv/bin/python bench/validate.py            # 5,000 posts; memory row at 20,000
    .venv/bin/python bench/validate.py --quick    # small sizes, for a quick look
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
PROJECT = HERE.parent
sys.path.insert(0, str(HERE))

from generate import generate, post_files  # noqa: E402

BIN = Path(sys.executable).parent
LZFK = BIN / "lzfk"
CHECK_JSONSCHEMA = BIN / "check-jsonschema"
POST_SCHEMA = PROJECT / "schemas" / "post.schema.json"
WORK = HERE / "_work"
PYCACHE = WORK / "pycache"

TARGET_VS_JSONSCHEMA = 3.0
TARGET_CACHE_SPEEDUP = 10.0
TARGET_ONE_FILE_SECONDS = 0.5
TARGET_PEAK_MB = 100.0


@dataclass
class Run:
    seconds: float
    cpu_seconds: float
    peak_rss_mb: float
    tree_pss_mb: float
    exit_code: int


@dataclass
class Measurement:
    label: str
    command: str
    files: int
    runs: list[Run] = field(default_factory=list)
    note: str = ""

    def median(self, attr: str) -> float:
        return float(statistics.median(float(getattr(run, attr)) for run in self.runs))

    @property
    def seconds(self) -> float:
        return self.median("seconds")

    @property
    def files_per_second(self) -> float:
        return self.files / self.seconds if self.seconds else 0.0

    @property
    def peak_rss_mb(self) -> float:
        return max(run.peak_rss_mb for run in self.runs)

    @property
    def tree_pss_mb(self) -> float:
        return max(run.tree_pss_mb for run in self.runs)

    @property
    def exit_codes(self) -> set[int]:
        return {run.exit_code for run in self.runs}


# --- measuring one process -------------------------------------------------------------


def _children_of() -> dict[int, list[int]]:
    children: dict[int, list[int]] = {}
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            with Path(f"/proc/{entry.name}/stat").open("rb") as handle:
                stat = handle.read()
        except OSError:
            continue
        # The command name may contain spaces or parentheses: fields start after the last ')'.
        fields = stat[stat.rfind(b")") + 2 :].split()
        children.setdefault(int(fields[1]), []).append(int(entry.name))
    return children


def _tree_pss_kb(root: int) -> int:
    children = _children_of()
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(children.get(pid, ()))
        try:
            with Path(f"/proc/{pid}/smaps_rollup").open(encoding="ascii") as handle:
                for line in handle:
                    if line.startswith("Pss:"):
                        total += int(line.split()[1])
                        break
        except OSError:
            continue
    return total


class _TreeSampler(threading.Thread):
    """Samples the total PSS of a process and its descendants until stopped."""

    def __init__(self, pid: int, interval: float = 0.05) -> None:
        super().__init__(daemon=True)
        self.pid, self.interval, self.peak_kb = pid, interval, 0
        self._stop_event = threading.Event()

    def run(self) -> None:
        while not self._stop_event.is_set():
            self.peak_kb = max(self.peak_kb, _tree_pss_kb(self.pid))
            self._stop_event.wait(self.interval)

    def stop(self) -> None:
        self._stop_event.set()
        self.join()


def child_env() -> dict[str, str]:
    """The environment of measured commands: like a user's shell, with byte-code caching on.

    An installed tool runs from compiled byte code. Where PYTHONDONTWRITEBYTECODE is set
    (as in some sandboxes and containers) every start would compile lzfk from source, so
    byte code goes to a cache of the benchmark's own instead (bench/_work/pycache).
    """
    env = {**os.environ, "NO_COLOR": "1", "PYTHONPYCACHEPREFIX": str(PYCACHE)}
    for name in ("PYTHONDONTWRITEBYTECODE", "GITHUB_ACTIONS", "GITHUB_STEP_SUMMARY"):
        env.pop(name, None)
    return env


def run_once(command: Sequence[str | Path], cwd: Path, *, sample_memory: bool = True) -> Run:
    """Run one command to completion; its output is discarded."""
    env = child_env()
    started = time.perf_counter()
    proc = subprocess.Popen([str(c) for c in command], cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    sampler = _TreeSampler(proc.pid) if sample_memory and Path("/proc/self/smaps_rollup").exists() else None
    if sampler:
        sampler.start()
    stderr = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - started
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    if sampler:
        sampler.stop()
    if proc.returncode not in (0, 1):
        sys.stderr.write(stderr.decode("utf-8", "replace"))
    return Run(
        seconds=seconds,
        cpu_seconds=usage.ru_utime + usage.ru_stime,
        peak_rss_mb=usage.ru_maxrss / 1024,  # kilobytes on Linux
        tree_pss_mb=(sampler.peak_kb / 1024) if sampler else 0.0,
        exit_code=proc.returncode,
    )


def measure(
    label: str,
    command: Sequence[str | Path],
    cwd: Path,
    files: int,
    repeat: int,
    before_each: Callable[[], None] | None = None,
    warm_up: bool = True,
) -> Measurement:
    shown = " ".join([Path(command[0]).name, *(str(c) for c in command[1:])])
    result = Measurement(label, shown, files)
    if warm_up:  # byte code and the file-system cache, so that the first timed run is not special
        run_once(command, cwd, sample_memory=False)
    for _ in range(repeat):
        if before_each:
            before_each()
        result.runs.append(run_once(command, cwd))
    print(f"  {label}: median {result.seconds:.2f} s over {repeat} runs", file=sys.stderr, flush=True)
    return result


# --- the benchmark ---------------------------------------------------------------------


def _clear_cache(unit: Path) -> Callable[[], None]:
    return lambda: shutil.rmtree(unit / ".lzfk_cache", ignore_errors=True)


def _file_count(unit: Path) -> int:
    return sum(1 for _ in (unit / "registers").rglob("*.yaml"))


def bench_unit(unit: Path, repeat: int) -> dict[str, Measurement]:
    files = _file_count(unit)
    posts = post_files(unit)
    rows: dict[str, Measurement] = {}

    rows["cold"] = measure(
        "lzfk validate --no-cache", [LZFK, "validate", "--no-cache"], unit, files, repeat, before_each=_clear_cache(unit)
    )

    if CHECK_JSONSCHEMA.exists():
        rows["jsonschema"] = measure(
            "check-jsonschema (posts)",
            [CHECK_JSONSCHEMA, "--schemafile", POST_SCHEMA, *[p.relative_to(unit) for p in posts]],
            unit,
            len(posts),
            repeat,
        )
        rows["jsonschema"].command = f"check-jsonschema --schemafile schemas/post.schema.json <{len(posts)} post files>"

    _clear_cache(unit)()
    fill = run_once([LZFK, "validate"], unit)
    rows["warm"] = measure("lzfk validate (cache warm)", [LZFK, "validate"], unit, files, repeat, warm_up=False)
    rows["warm"].note = f"cache filled first in {fill.seconds:.2f} s"

    one = posts[len(posts) // 2].relative_to(unit)
    rows["one"] = measure("lzfk validate <one post file>", [LZFK, "validate", "--no-cache", one], unit, 1, repeat)
    rows["one"].command = "lzfk validate --no-cache <one post file>"
    return rows


def bench_memory(unit: Path, repeat: int) -> Measurement:
    return measure(
        "lzfk validate --no-cache (memory)",
        [LZFK, "validate", "--no-cache"],
        unit,
        _file_count(unit),
        repeat,
        before_each=_clear_cache(unit),
        warm_up=False,
    )


# --- the report ------------------------------------------------------------------------


@dataclass
class Verdict:
    target: str
    result: str  # "PASS", "MISS" or "" (no target) or "SKIP"
    detail: str = ""


def verdicts(rows: dict[str, Measurement], memory: Measurement | None) -> dict[str, Verdict]:
    out: dict[str, Verdict] = {"cold": Verdict("exit 0, no errors", "PASS" if rows["cold"].exit_codes == {0} else "MISS")}
    cold = rows["cold"]
    if "jsonschema" in rows:
        ratio = cold.files_per_second / rows["jsonschema"].files_per_second
        passed = ratio >= TARGET_VS_JSONSCHEMA
        out["jsonschema"] = Verdict(f"lzfk >= {TARGET_VS_JSONSCHEMA:g}x faster", _pf(passed), f"lzfk is {ratio:.1f}x faster")
    speedup = cold.seconds / rows["warm"].seconds
    out["warm"] = Verdict(
        f">= {TARGET_CACHE_SPEEDUP:g}x faster than cold", _pf(speedup >= TARGET_CACHE_SPEEDUP), f"{speedup:.1f}x"
    )
    out["one"] = Verdict(f"< {TARGET_ONE_FILE_SECONDS:g} s", _pf(rows["one"].seconds < TARGET_ONE_FILE_SECONDS))
    if memory is not None:
        passed = memory.peak_rss_mb < TARGET_PEAK_MB and memory.exit_codes == {0}
        out["memory"] = Verdict(f"peak < {TARGET_PEAK_MB:g} MB", _pf(passed))
    return out


def _pf(passed: bool) -> str:
    return "PASS" if passed else "MISS"


def render(rows: dict[str, Measurement], memory: Measurement | None, meta: dict[str, str], repeat: int) -> str:
    judged = verdicts(rows, memory)
    table: list[tuple[str, ...]] = [
        ("#", "measurement", "files", "seconds", "files/s", "CPU s", "peak MB", "tree MB", "target", "result")
    ]
    numbered = [("1", "cold"), ("2", "jsonschema"), ("3", "warm"), ("4", "one")]
    for number, key in numbered:
        if key not in rows:
            table.append(
                (
                    number,
                    "check-jsonschema (posts)",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    "-",
                    f"lzfk >= {TARGET_VS_JSONSCHEMA:g}x faster",
                    "SKIP",
                )
            )
            continue
        table.append(_row(number, rows[key], judged[key]))
    if memory is not None:
        table.append(_row("5", memory, judged["memory"], label=f"lzfk validate --no-cache @ {meta['memory_posts']} posts"))
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [
        f"lzfk validate benchmarks — unit of {meta['posts']} posts ({meta['files']} register files, "
        f"{meta['lines']} lines); median of {repeat} runs; {meta['cpus']} CPUs; lzfk {meta['version']}",
        "",
    ]
    for index, row in enumerate(table):
        lines.append(
            "  ".join(
                cell.ljust(width) if i < 2 or i >= 8 else cell.rjust(width)
                for i, (cell, width) in enumerate(zip(row, widths, strict=True))
            ).rstrip()
        )
        if index == 0:
            lines.append("  ".join("-" * width for width in widths))
    lines.append("")
    for number, key in [*numbered, ("5", "memory")]:
        measurement = memory if key == "memory" else rows.get(key)
        if measurement is None:
            continue
        extra = "; ".join(part for part in (judged[key].detail, measurement.note) if part)
        lines.append(f"{number}. {measurement.command}" + (f"  ({extra})" if extra else ""))
        if measurement.exit_codes != {0}:
            lines.append(
                f"   warning: exit codes {sorted(measurement.exit_codes)} (expected 0: the generated unit should be valid)"
            )
    if "jsonschema" not in rows:
        lines.append(f"2. skipped: {CHECK_JSONSCHEMA} not found (pip install check-jsonschema)")
    lines += [
        "",
        "peak MB: peak RSS of the largest single process (os.wait4 rusage, i.e. what /usr/bin/time -v reports);",
        "tree MB: peak total PSS of the process and its worker processes, sampled every 50 ms from /proc.",
        "files/s: files checked per wall-clock second; lzfk checks every register, check-jsonschema the post files only.",
    ]
    return "\n".join(lines)


def _row(number: str, m: Measurement, verdict: Verdict, label: str | None = None) -> tuple[str, ...]:
    return (
        number,
        label or m.label,
        f"{m.files:,}",
        f"{m.seconds:.2f}",
        f"{m.files_per_second:,.0f}" if m.files > 1 else "-",
        f"{m.median('cpu_seconds'):.2f}",
        f"{m.peak_rss_mb:.0f}",
        f"{m.tree_pss_mb:.0f}" if m.tree_pss_mb else "-",
        verdict.target,
        verdict.result,
    )


def _version() -> str:
    done = subprocess.run([str(LZFK), "--version"], capture_output=True, text=True, check=False)
    return done.stdout.strip().removeprefix("lzfk ") or "?"


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Benchmark lzfk validate (see bench/README.md).")
    parser.add_argument("--posts", type=int, default=5_000, help="posts in the main unit (default 5000)")
    parser.add_argument("--memory-posts", type=int, default=20_000, help="posts for the memory row (default 20000; 0 skips it)")
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the median is reported (default 3)")
    parser.add_argument("--quick", action="store_true", help="small sizes: 500 posts, memory row at 2000")
    parser.add_argument("--work", type=Path, default=WORK, help="where to generate the units (default bench/_work)")
    parser.add_argument("--keep", action="store_true", help="keep the generated units")
    parser.add_argument("--json", type=Path, default=None, help="also write the raw results as JSON to this file")
    parser.add_argument("--fail-on-miss", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.quick:
        args.posts, args.memory_posts = min(args.posts, 500), min(args.memory_posts, 2_000)
    if not LZFK.exists():
        print(f"lzfk not found at {LZFK}: run this with the project's virtual environment (make setup)", file=sys.stderr)
        return 2

    work = args.work
    work.mkdir(parents=True, exist_ok=True)
    try:
        unit = work / f"unit-{args.posts}"
        print(f"generating {args.posts} posts in {unit} ...", file=sys.stderr, flush=True)
        counts = generate(unit, args.posts)
        rows = bench_unit(unit, args.repeat)
        memory = None
        if args.memory_posts:
            big = work / f"unit-{args.memory_posts}"
            print(f"generating {args.memory_posts} posts in {big} ...", file=sys.stderr, flush=True)
            generate(big, args.memory_posts)
            memory = bench_memory(big, args.repeat)
    finally:
        if not args.keep:
            for folder in work.glob("unit-*"):
                shutil.rmtree(folder, ignore_errors=True)

    meta = {
        "posts": f"{args.posts:,}",
        "files": f"{counts['files']:,}",
        "lines": f"{counts['lines']:,}",
        "memory_posts": f"{args.memory_posts:,}",
        "cpus": str(os.cpu_count()),
        "version": _version(),
    }
    print(render(rows, memory, meta, args.repeat))
    judged = verdicts(rows, memory)
    if args.json:
        raw = {key: asdict(m) for key, m in rows.items()}
        if memory is not None:
            raw["memory"] = asdict(memory)
        raw["verdicts"] = {key: asdict(v) for key, v in judged.items()}
        args.json.write_text(json.dumps({"meta": meta, "results": raw}, ensure_ascii=False, indent=2), encoding="utf-8")
    missed = any(v.result == "MISS" for v in judged.values())
    return 1 if (missed and args.fail_on_miss) else 0


if __name__ == "__main__":
    sys.exit(main())
