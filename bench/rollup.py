"""Benchmark ``lzfk export parquet`` on a 5,000-post unit and ``lzfk rollup`` over 1,000 and 10,000 units' exports.

The units' exports are synthetic, written directly with pyarrow in the export schema
(bench/_work/rollup-<units>, reused by later runs). Each command runs as its own process,
--repeat times: wall seconds, CPU seconds (user + system) and peak RSS from ``os.wait4``,
printed as median (min–max). A rollup is timed twice: the first run over the exports (no
store in the user's cache: each run gets an empty XDG_CACHE_HOME, so it reads every file
and writes the store) and a rerun over the same, unchanged files (it reads the store).
Each export has a digest (schema 1.1), which is what the first run reads; the same run over
the same exports without digests (hard links to the same table files: exports written
before schema 1.1) reads the five tables the shipped queries need. Beside each, its floor:
bare DuckDB counting the rows of the files it reads (the digests, or the five tables), in
one process: what any reader of per-unit Parquet files pays before it computes anything.

    .venv/bin/python bench/rollup.py            # export 5,000 posts; rollups of 1,000 and 10,000 units
    .venv/bin/python bench/rollup.py --quick    # 500 posts; 200 and 1,000 units
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from generate import generate  # noqa: E402

BIN = Path(sys.executable).parent
LZFK = BIN / "lzfk"
WORK = HERE / "_work"
TARGET_SECONDS = 5.0
TARGET_MB = 1024.0
POSTS_PER_UNIT = 30
RISKS_PER_POST = 3
FLOOR = """
import sys, duckdb
root, tables = sys.argv[1], sys.argv[2].split(",")
con = duckdb.connect()
con.execute("SET threads = 1")  # as lzfk reads them: on many small files DuckDB's parallel scan only costs more
folders = sorted(p for p in __import__("os").listdir(root) if not p.startswith("."))
for table in tables:
    files = [f"{root}/{folder}/{table}.parquet" for folder in folders]
    con.execute("SELECT COUNT(*) FROM read_parquet(?)", [files]).fetchall()
"""
READ_TABLES = "units,posts,risk_points,approvals,findings"  # what the shipped queries read of an export without a digest


@dataclass(frozen=True)
class Run:
    seconds: float
    cpu: float
    peak_mb: float
    code: int


def run(command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None) -> Run:
    env = {**os.environ, "NO_COLOR": "1", **(env or {})}
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    code = os.waitstatus_to_exitcode(status)
    if code not in (0, 1) and process.stderr:
        sys.stderr.write(process.stderr.read().decode("utf-8", "replace"))
    return Run(seconds, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, code)


def spread(values: list[float], unit: str, digits: int = 2) -> str:
    """median (min–max), the way every figure here is quoted."""
    return f"{statistics.median(values):.{digits}f} {unit} ({min(values):.{digits}f}–{max(values):.{digits}f})"


def summary(runs: list[Run]) -> str:
    codes = sorted({r.code for r in runs})
    return (
        f"{spread([r.seconds for r in runs], 's')} wall, {spread([r.cpu for r in runs], 's')} CPU, "
        f"peak {spread([r.peak_mb for r in runs], 'MB', 0)} (exit {', '.join(map(str, codes))})"
    )


def verdict(runs: list[Run]) -> str:
    wall = statistics.median(r.seconds for r in runs)
    peak = max(r.peak_mb for r in runs)
    meets = wall < TARGET_SECONDS and peak < TARGET_MB
    return f"{'meets' if meets else 'MISSES'} the target of {TARGET_SECONDS:.0f} s and {TARGET_MB:.0f} MB"


DEPARTMENTS = ("财务科", "采购中心", "医务科", "办公室", "基建科")
TYPES = ("岗位职责风险", "业务流程风险", "外部环境风险", "制度机制风险", "思想道德风险")
EXPORTED = dt.datetime(2025, 12, 1, tzinfo=dt.UTC)


def unit_rows(number: int, rows: dict[str, list[dict[str, object]]]) -> None:
    """Append one synthetic unit's rows (30 posts, 90 risk points, some registers unapproved) to rows."""
    code = f"U{number:05d}"
    common = {"unit_code": code, "year": 2025, "commit_id": f"{number:040x}"}
    rows["units"].append(
        {
            **common,
            "name": f"单位{number}",
            "parent_code": f"P{number // 100}",
            "exported_at": EXPORTED,
            "grade_names": ["一级", "二级", "三级"],
            "review_period_days": 365,
        }
    )
    for d_index, d_name in enumerate(DEPARTMENTS):
        rows["departments"].append({**common, "department_id": f"D{d_index}", "name": d_name, "path": "x.yaml"})
    for post in range(POSTS_PER_UNIT):
        post_id = f"P{post:03d}"
        d_index = post % len(DEPARTMENTS)
        rows["posts"].append(
            {
                **common,
                "post_id": post_id,
                "name": f"岗位{post}",
                "department_id": f"D{d_index}",
                "department_name": DEPARTMENTS[d_index],
                "path": "x.yaml",
            }
        )
        approved = dt.date(2025, 3, 1) if (number + post) % 17 else None
        rows["approvals"].append(
            {
                **common,
                "register_id": post_id,
                "register_kind": "岗位",
                "register_name": f"岗位{post}",
                "approved_on": approved,
                "approval_due": approved and approved + dt.timedelta(days=365),
                "path": "x.yaml",
            }
        )
        for risk in range(RISKS_PER_POST):
            rank = 1 + (number + post + risk) % 3
            rows["risk_points"].append(
                {
                    **common,
                    "risk_id": f"{post_id}-{risk}",
                    "owner_kind": "岗位",
                    "owner_id": post_id,
                    "department_id": f"D{d_index}",
                    "name": f"风险{post}-{risk}",
                    "grade_rank": rank,
                    "grade": ("一级", "二级", "三级")[rank - 1],
                    "risk_type": TYPES[(post + risk) % 5],
                    "measure_count": 3,
                }
            )


def _write_folder(folder: Path, rows: dict[str, list[dict[str, object]]]) -> None:
    import pyarrow as pa

    from lianzheng_cli.exporting.tables import SCHEMAS, TABLE_NAMES, file_metadata, write_parquet

    folder.mkdir(parents=True)
    tables = {
        name: pa.Table.from_pylist(rows.get(name, []), schema=SCHEMAS[name]).replace_schema_metadata(file_metadata(name))
        for name in TABLE_NAMES
    }
    write_parquet(tables, folder)  # lzfk's own writer: the tables and the digest, as lzfk export writes them


def synthetic_exports(units: int, per_folder: int = 1) -> Path:
    """units synthetic units in the export schema, per_folder units to an export folder
    (1: each unit's own export; more: merged exports, as a county forwards them); written once and reused."""
    from lianzheng_cli.exporting.tables import SCHEMA_VERSION, TABLE_NAMES

    root = WORK / (f"rollup-{units}" if per_folder == 1 else f"rollup-{units}-merged-{per_folder}")
    stamp = root / f".complete-{SCHEMA_VERSION}"
    if stamp.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    started = time.perf_counter()
    for first in range(0, units, per_folder):
        rows: dict[str, list[dict[str, object]]] = {name: [] for name in TABLE_NAMES}
        for number in range(first, min(first + per_folder, units)):
            unit_rows(number, rows)
        _write_folder(root / f"F{first:05d}", rows)
    stamp.write_text("ok\n", encoding="utf-8")
    print(
        f"  wrote {units} synthetic units in {units // per_folder} export folders in {time.perf_counter() - started:.0f} s",
        flush=True,
    )
    return root


def without_digest(exports: Path) -> Path:
    """The same exports as lzfk wrote them before schema 1.1 (no digest.parquet): hard links to
    the same table files, in a sibling folder; made once and reused."""
    from lianzheng_cli.exporting.tables import TABLE_NAMES

    root = exports.with_name(exports.name + "-without-digest")
    stamp = root / ".complete"
    if stamp.exists():
        return root
    shutil.rmtree(root, ignore_errors=True)
    for folder in sorted(p for p in exports.iterdir() if p.is_dir()):
        (root / folder.name).mkdir(parents=True)
        for name in TABLE_NAMES:
            os.link(folder / f"{name}.parquet", root / folder.name / f"{name}.parquet")
    stamp.write_text("ok\n", encoding="utf-8")
    return root


def bench_export(posts: int, work: Path) -> str:
    repo = work / "unit"
    counts = generate(repo, posts)
    result = run([str(LZFK), "export", "parquet", str(repo), "--out", str(work / "export")])
    floor = run([str(LZFK), "validate", "--no-cache", "--format", "json"], cwd=repo)
    files_per_s = counts["files"] / result.seconds
    return (
        f"  export parquet, {counts['posts']} posts ({counts['files']} files): {result.seconds:.2f} s wall, "
        f"{result.cpu:.2f} s CPU, {files_per_s:.0f} files/s, peak {result.peak_mb:.0f} MB (exit {result.code})\n"
        f"    floor, lzfk validate --no-cache on the same unit (reading and checking every file): {floor.seconds:.2f} s wall, "
        f"{floor.cpu:.2f} s CPU, peak {floor.peak_mb:.0f} MB"
    )


def bench_rollup(units: int, work: Path, repeat: int, per_folder: int = 1) -> list[str]:
    from lianzheng_cli.rollup.reuse import MIN_EXPORTS

    exports = synthetic_exports(units, per_folder)
    older = without_digest(exports)
    settled = max(p.stat().st_mtime for p in (exports, older)) + 2.5
    time.sleep(max(settled - time.time(), 0))  # files written just now are never trusted to a store
    out = work / f"rollup-{units}-{per_folder}"

    def command(root: Path) -> list[str]:
        return [str(LZFK), "rollup", str(root), "--out", str(out), "-f", "json", "--as-of", "2025-12-31"]

    floor, floor_tables, first, first_older, again = [], [], [], [], []
    warm_cache = {"XDG_CACHE_HOME": str(work / f"cache-{units}-{per_folder}")}
    run(command(exports), env=warm_cache)  # untimed: byte code, the file-system cache, and the store for the reruns
    run(command(older), env={"XDG_CACHE_HOME": str(work / "untimed")})
    for number in range(repeat):
        empty = {"XDG_CACHE_HOME": str(work / f"empty-{units}-{per_folder}-{number}")}
        floor.append(run([sys.executable, "-c", FLOOR, str(exports), "digest"]))
        floor_tables.append(run([sys.executable, "-c", FLOOR, str(exports), READ_TABLES]))
        first.append(run(command(exports), env=empty))
        first_older.append(run(command(older), env={"XDG_CACHE_HOME": str(work / f"older-{units}-{per_folder}-{number}")}))
        again.append(run(command(exports), env=warm_cache))
    from lianzheng_cli.rollup.inputs import DIGEST_MAX_BYTES

    layout = "one export folder per unit" if per_folder == 1 else f"merged exports of {per_folder} units each"
    folders = -(-units // per_folder)
    stored = folders >= MIN_EXPORTS
    small = next(exports.glob("*/digest.parquet")).stat().st_size <= DIGEST_MAX_BYTES
    reads = "reads each digest" if small else f"digests over {DIGEST_MAX_BYTES // 1024} KB: reads the 5 tables"
    return [
        f"  rollup of {units} units, {layout} ({units * POSTS_PER_UNIT * RISKS_PER_POST} risk points, {folders * 9} files), "
        f"{repeat} runs, median (min–max):",
        f"    first run ({reads + (', writes the store' if stored else '')}): {summary(first)} — {verdict(first)}",
        f"    floor, bare DuckDB counting the rows of the digests: {summary(floor)}",
        f"    first run over the same exports without digests (schema 1.0: five tables a unit): {summary(first_older)} "
        f"— {verdict(first_older)}",
        f"    floor, bare DuckDB counting the rows of those 5 tables: {summary(floor_tables)}",
        f"    rerun over the same files ({'reads the store' if stored else f'under {MIN_EXPORTS} folders: no store, read again'}): "
        f"{summary(again)} — {verdict(again)}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="500 posts; 200 and 1,000 units")
    parser.add_argument("--posts", type=int, default=5000)
    parser.add_argument("--units", type=int, action="append", help="rollup sizes (repeatable); default 1,000 and 10,000")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each rollup measurement (default 3)")
    args = parser.parse_args(argv)
    posts = 500 if args.quick else args.posts
    sizes = args.units or ([200, 1000] if args.quick else [1000, 10000])
    work = Path(tempfile.mkdtemp(prefix="lzfk-bench-rollup-"))
    try:
        print(bench_export(posts, work), flush=True)
        for units in sizes:
            for line in bench_rollup(units, work, args.repeat):
                print(line, flush=True)
        for line in bench_rollup(sizes[-1], work, args.repeat, per_folder=100):
            print(line, flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
