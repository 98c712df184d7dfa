"""Benchmark ``lzfk build``: the handbook and the separate forms of a 4,000-post unit, beside pandoc.

Generates a synthetic unit (bench/generate.py) in a temporary folder, then runs each
step as its own process and reads that process's wall time and peak memory from the
operating system (``os.wait4``; a step that starts workers adds their peak, from
``getrusage(RUSAGE_CHILDREN)``):

- flowcharts: every power's 权力运行流程图 drawn by graphviz (cold cache);
- handbook: load the registers and write the handbook .docx with every post's form;
- forms: every post's form and notice as separate .docx files, on both cores;
- pandoc: the same handbook content as Markdown (lzfk's own Markdown rendering),
  converted to .docx by pandoc (skipped with a message when pandoc is missing).

Then ``lzfk build`` itself, the whole command (every document, every format), on units of
each ``--build-posts`` size (default 2,000 and 4,000): a first build (flowcharts drawn),
a second one with nothing changed, and ``--rebuilds`` (default 3) after a single post
register was edited, each time anew; each with wall and CPU seconds (user + system, the
workers included), peak RSS of the largest process and core use (CPU / wall / 2 cores).
The edited rebuilds' median (min–max) is printed beside the < 2 s target.

Targets (issue “Official forms and the 工作手册”): the handbook in at most half of
pandoc's time, with a peak under 500 MB. Issue 15: both cores at least 80 % busy over a
build, memory flat (100,000 posts under 1 GiB) and one edited register rebuilt in under 2 s.

    .venv/bin/python bench/documents.py              # 4,000 posts; builds of 2,000 and 4,000
    .venv/bin/python bench/documents.py --quick      # 400 posts; builds of 200 and 400
    .venv/bin/python bench/documents.py --build-only --build-posts 2000,4000,8000
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))

PEAK_LIMIT_MB = 500
AS_OF = dt.date(2025, 6, 25)


def _load(repo: Path):  # type: ignore[no-untyped-def]
    from lianzheng_cli.loading import load_repository
    from lianzheng_cli.render.assemble import organise

    loaded = load_repository(repo)
    return organise(loaded), loaded.ledger


def step(name: str, repo: Path, out: Path) -> None:
    """Run one measured step in this process; print its own timings as JSON."""
    from lianzheng_cli.render.build import BuildOptions, build

    started = time.perf_counter()
    unit, ledger = _load(repo)
    loaded = time.perf_counter() - started
    documents = {"flowcharts": frozenset(), "forms": frozenset({"forms"})}.get(name, frozenset({"handbook"}))
    formats = ("md",) if name == "markdown" else ("docx",)
    result = build(unit, ledger, repo, BuildOptions(out=out, formats=formats, as_of=AS_OF, documents=documents))
    children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024
    print(json.dumps({"load": loaded, "files": len(result.written), "children_mb": children, "problems": result.problems}))


CORES = 2


def measure_build(command: list[str], cwd: Path) -> tuple[float, float, float, int]:
    """Wall seconds, CPU seconds (user + system, with the workers it waited for), peak MB, exit code."""
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, stdout=subprocess.DEVNULL)
    _, status, usage = os.wait4(process.pid, 0)
    elapsed = time.perf_counter() - started
    return elapsed, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status)


def edit_one_register(repo: Path) -> Path:
    """Change one measure of one post register (the middle one), as a clerk would."""
    from generate import post_files

    files = post_files(repo)
    path = files[len(files) // 2]
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("内容: ", "内容: （修订）", 1), encoding="utf-8")
    return path


REBUILD_TARGET = 2.0  # seconds of wall time, one edited register (issue 15)
CORE_TARGET = 0.80


def run_builds(sizes: list[int], work: Path, rebuilds: int = 3) -> int:
    """lzfk build: first, unchanged, one register edited (rebuilds times, each a new edit); per size."""
    from generate import generate

    lzfk = str(Path(sys.executable).with_name("lzfk"))
    print(f"{'lzfk build (all documents, all formats)':42s} {'wall':>8s} {'CPU':>8s} {'peak':>8s} {'cores':>6s}")
    peaks: list[tuple[int, float]] = []
    for posts in sizes:
        repo = work / f"build-{posts}"
        generate(repo, posts)
        steps = [("first build", None), ("nothing changed", None)]
        steps += [("one register edited", edit_one_register)] * max(1, rebuilds)
        edited: list[tuple[float, float]] = []
        for label, prepare in steps:
            if prepare is not None:
                prepare(repo)
            wall, cpu, peak, code = measure_build([lzfk, "build", "--out", "out", "--as-of", AS_OF.isoformat()], repo)
            if code != 0:
                print(f"build of {posts} posts ({label}): failed (exit {code})")
                return 1
            use = cpu / wall / CORES if wall else 0.0
            print(f"{f'{posts} posts, {label}':42s} {wall:7.2f}s {cpu:7.2f}s {peak:6.0f}MB {use:6.0%}")
            if label == "first build":
                peaks.append((posts, peak))
                print(f"  core use {use:.0%} (target ≥ {CORE_TARGET:.0%}: {'met' if use >= CORE_TARGET else 'MISSED'})")
            if prepare is not None:
                edited.append((wall, cpu))
        walls, cpus = sorted(w for w, _ in edited), sorted(c for _, c in edited)
        median = walls[len(walls) // 2]
        print(
            f"  one edited register → rebuild {median:.2f} s wall median ({walls[0]:.2f}–{walls[-1]:.2f}), "
            f"CPU {cpus[len(cpus) // 2]:.2f} s ({cpus[0]:.2f}–{cpus[-1]:.2f}) "
            f"(target < {REBUILD_TARGET:.0f} s: {'met' if median < REBUILD_TARGET else 'MISSED'})"
        )
        shutil.rmtree(repo, ignore_errors=True)
    if len(peaks) >= 2:
        (small, low), (large, high) = peaks[0], peaks[-1]
        per_thousand = (high - low) / (large - small) * 1000
        print(
            f"memory: {per_thousand:.0f} MB per 1,000 posts (peak {low:.0f} → {high:.0f} MB); "
            f"100,000 posts extrapolated ≈ {low + per_thousand * (100_000 - small) / 1000:.0f} MB (target < 1024 MB)"
        )
    return 0


def measure(command: list[str]) -> tuple[float, float, int, str]:
    """Wall seconds, peak MB (the process, or its largest child if larger), exit code, stdout."""
    started = time.perf_counter()
    with tempfile.TemporaryFile() as captured:
        process = subprocess.Popen(command, stdout=captured)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        captured.seek(0)
        output = captured.read().decode("utf-8", "replace")
    peak = usage.ru_maxrss / 1024
    for line in output.splitlines():
        if line.startswith("{"):
            peak = max(peak, float(json.loads(line).get("children_mb", 0)))
    return elapsed, peak, process.returncode, output


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, default=4000)
    parser.add_argument("--quick", action="store_true", help="400 posts")
    parser.add_argument("--keep", type=Path, help="keep the generated unit and outputs in this folder")
    parser.add_argument("--build-posts", default="2000,4000", help="unit sizes for the lzfk build runs (comma-separated)")
    parser.add_argument("--build-only", action="store_true", help="only the lzfk build runs")
    parser.add_argument("--rebuilds", type=int, default=3, help="builds after one edited register, per size (median shown)")
    parser.add_argument("--step", choices=("flowcharts", "handbook", "forms", "markdown"), help=argparse.SUPPRESS)
    parser.add_argument("--repo", type=Path, help=argparse.SUPPRESS)
    parser.add_argument("--out", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.step:
        step(args.step, args.repo, args.out)
        return 0
    posts = 400 if args.quick else args.posts
    sizes = [200, 400] if args.quick else [int(size) for size in args.build_posts.split(",") if size]
    work = args.keep or Path(tempfile.mkdtemp(prefix="lzfk-bench-documents-"))
    try:
        code = 0 if args.build_only else run(posts, work)
        return run_builds(sizes, work, args.rebuilds) or code
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


def run(posts: int, work: Path) -> int:
    from generate import generate

    repo, out = work / "unit", work / "out"
    counts = generate(repo, posts)
    print(f"synthetic unit: {counts['posts']} posts, {counts['departments']} departments, {counts['files']} register files")
    me = [sys.executable, str(Path(__file__).resolve())]
    results: dict[str, tuple[float, float]] = {}
    for name in ("flowcharts", "handbook", "forms", "markdown"):
        elapsed, peak, code, output = measure([*me, "--step", name, "--repo", str(repo), "--out", str(out / name)])
        if code != 0:
            print(f"{name}: failed (exit {code})\n{output}")
            return 1
        info = json.loads(next(line for line in output.splitlines() if line.startswith("{")))
        for problem in info["problems"]:
            print(f"  note: {problem}")
        results[name] = (elapsed, peak)
        label = {"flowcharts": "flowcharts (graphviz, cold cache)", "markdown": "handbook as Markdown (input for pandoc)"}.get(
            name, name
        )
        print(f"{label:42s} {elapsed:7.1f} s  peak {peak:6.0f} MB  ({info['files']} files, loading {info['load']:.1f} s)")
    handbook = out / "handbook" / "廉政风险防控机制工作手册.docx"
    print(f"handbook: {handbook.stat().st_size / 1e6:.1f} MB .docx")
    pandoc = shutil.which("pandoc")
    if pandoc is None:
        print("pandoc: not installed, comparison skipped (apt-get install pandoc)")
        return 0
    markdown = out / "markdown" / "廉政风险防控机制工作手册.md"
    command = [pandoc, str(markdown), "-f", "markdown", f"--resource-path={markdown.parent}", "-o", str(work / "pandoc.docx")]
    elapsed, peak, code, output = measure(command)
    if code != 0:
        print(f"pandoc failed (exit {code})")
        return 1
    print(f"{'pandoc (same content, Markdown → docx)':42s} {elapsed:7.1f} s  peak {peak:6.0f} MB")
    ours, ours_peak = results["handbook"]
    ratio = ours / elapsed if elapsed else 0.0
    time_ok = ratio <= 0.5
    memory_ok = ours_peak < PEAK_LIMIT_MB
    print(
        f"handbook vs pandoc: {ratio:.2f} of pandoc's time (target ≤ 0.50: {'met' if time_ok else 'MISSED'}); "
        f"peak {ours_peak:.0f} MB (target < {PEAK_LIMIT_MB} MB: {'met' if memory_ok else 'MISSED'})"
    )
    return 0 if time_ok and memory_ok else 1


if __name__ == "__main__":
    sys.exit(main())
