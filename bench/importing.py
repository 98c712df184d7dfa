"""Benchmark ``lzfk import`` and ``lzfk export xlsx``, each beside a floor measured in the same run.

- forms: 1,000 single-form .docx files (annex 2, one post each, with merged value cells)
  imported into an empty repository (read, write 1,000+ register files, validate them);
  floor: python-docx opening the same files and reading their cells;
- workbook: one 10,000-row .xlsx 一览表 (a grouping column merged down, two-row header)
  imported; floor: python-calamine reading the same workbook's cells and merged ranges;
- export: ``lzfk export xlsx`` of a 5,000-post unit (bench/generate.py), the whole command
  (it loads and validates the repository for the 校验 sheet); floor: openpyxl in write-only
  mode writing the same cells (read back from lzfk's workbook) to a workbook.

Every figure is a whole process (floors too: ``--floor`` runs one in its own process), run
``--repeat`` times after one untimed warm-up; wall time, CPU time (user + system, the
process and the children it waited for) and peak memory come from ``os.wait4``; each is
printed as min / median / max. Imports start from a fresh copy of an empty repository every
run. Targets (issue “The way in”), judged on the median wall time and on the median CPU time:
forms under 20 s, the workbook under 3 s, the export under 5 s, on 2 cores. The export is timed
warm (its warm-up run fills the repository's cache, as any second export finds it) and, in a
row of its own, with the cache removed before each run.

    .venv/bin/python bench/importing.py             # full size
    .venv/bin/python bench/importing.py --quick     # 100 forms, 1,000 rows, 500 posts
"""

from __future__ import annotations

import argparse
import io
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
LZFK = [sys.executable, "-m", "lianzheng_cli"]
CONFIG = "单位: 基准测试县人民医院\n年度: 2025\n"
DEPARTMENTS = ("财务科", "药剂科", "设备科", "总务科", "人事科", "信息科", "医务科", "护理部", "检验科", "审计科")


@dataclass(frozen=True)
class Run:
    wall: float
    cpu: float
    peak: float  # MiB
    code: int
    output: str


def measure(command: list[str], cwd: Path) -> Run:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as captured:
        process = subprocess.Popen(command, stdout=captured, stderr=subprocess.STDOUT, cwd=cwd, env=_child_env())
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        captured.seek(0)
        output = captured.read().decode("utf-8", "replace")
    cpu = usage.ru_utime + usage.ru_stime
    return Run(elapsed, cpu, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output)


def _child_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "GITHUB_ACTIONS")}
    env.setdefault("PYTHONPYCACHEPREFIX", str(HERE / "_work" / "pycache"))
    return env


def repeated(command: list[str], cwd: Path, repeat: int, fresh: Callable[[], Path] | None = None) -> list[Run]:
    """One untimed warm-up, then repeat timed runs; fresh() makes the folder to run in each time."""
    runs = []
    for number in range(repeat + 1):
        run = measure(command, fresh() if fresh else cwd)
        if number:
            runs.append(run)
    return runs


def spread(values: list[float], unit: str = "s") -> str:
    return f"{min(values):6.2f} {statistics.median(values):6.2f} {max(values):6.2f} {unit}"


def line(label: str, runs: list[Run]) -> str:
    wall, cpu = [r.wall for r in runs], [r.cpu for r in runs]
    peak = statistics.median(r.peak for r in runs)
    return f"  {label:40s} wall {spread(wall)}   cpu {spread(cpu)}   peak {peak:5.0f} MB"


def verdict(target: float, runs: list[Run]) -> str:
    """The target judged on the median wall time and on the median CPU time: on a shared
    machine the wall time is inflated by the others' load, the CPU time much less."""
    wall, cpu = statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs)
    judged = ", ".join(f"{name} {'met' if value < target else 'NOT met'}" for name, value in (("wall", wall), ("cpu", cpu)))
    return f"  target < {target:g} s: {judged}"


def repository(folder: Path) -> Path:
    (folder / "registers").mkdir(parents=True)
    (folder / "lzfk.yaml").write_text(CONFIG, encoding="utf-8")
    return folder


def form_template() -> bytes:
    """One annex-2 form with placeholders, made by python-docx; copies only swap the text."""
    from docx import Document

    document = Document()
    table = document.add_table(rows=0, cols=4)
    rows = [
        ("单\u3000\u3000位", "基准测试县人民医院", "职\u3000务", "POSTNAME"),
        ("风险等级", "GRADE", "姓\u3000名", "PERSON"),
        ("科\u3000\u3000室", "DEPARTMENT"),
        ("主要\n职责", "1.按计划办理本岗位业务\n2.核对票据和台账"),
        ("存在廉\n政风险", "1.收受服务对象财物：接受宴请；收受礼金\n2.违规办理业务：未经审批办理"),
        ("自我防\n控措施", "1.事前：签订廉洁承诺书\n2.事中：每月公示办理情况"),
        ("审核意见", "同意\n签字：吴某\n2025年3月5日"),
        ("审定意见", "同意\n签字：刘某\n2025年3月12日"),
    ]
    for values in rows:
        cells = table.add_row().cells
        if len(values) == 2:
            merged = cells[1].merge(cells[3])
            cells[0].text, merged.text = values
        else:
            for cell, text in zip(cells, values, strict=True):
                cell.text = text
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def make_forms(folder: Path, count: int) -> None:
    folder.mkdir(parents=True)
    template = form_template()
    with zipfile.ZipFile(io.BytesIO(template)) as package:
        parts = {name: package.read(name) for name in package.namelist()}
    body = parts["word/document.xml"].decode("utf-8")
    for number in range(count):
        text = (
            body.replace("POSTNAME", f"业务岗{number:04d}")
            .replace("DEPARTMENT", DEPARTMENTS[number % len(DEPARTMENTS)])
            .replace("GRADE", ("一级", "二级", "三级")[number % 3])
            .replace("PERSON", f"职工{number:04d}")
        )
        with zipfile.ZipFile(folder / f"表{number:04d}.docx", "w", zipfile.ZIP_DEFLATED) as out:
            for name, data in parts.items():
                out.writestr(name, text.encode("utf-8") if name == "word/document.xml" else data)


def make_workbook(path: Path, rows: int) -> None:
    import xlsxwriter

    workbook = xlsxwriter.Workbook(str(path))
    sheet = workbook.add_worksheet("一览表")
    sheet.merge_range(0, 0, 0, 8, "廉政风险防控一览表")
    sheet.write_row(1, 0, ["序号", "科室", "岗位", "风险点", "风险描述", "风险类别", "风险等级", "防控措施", "防控责任人"])
    sheet.write_row(2, 8, ["直接责任人"])
    per_post = 5
    for index in range(rows):
        r = index + 3
        post = index // per_post
        values = [
            str(index + 1),
            DEPARTMENTS[post % len(DEPARTMENTS)] if index % per_post == 0 else "",
            f"岗位{post:05d}" if index % per_post == 0 else "",
            f"风险点{index:05d}",
            "1.1 违规办理\n1.2 收受财物",
            "岗位职责风险",
            ("高", "中", "低")[index % 3],
            "（1）事前：签订承诺书（2）事中：定期抽查（3）事后：追责问责",
            f"职工{post:05d}",
        ]
        sheet.write_row(r, 0, values)
        if index % per_post == 0:
            for column in (1, 2):
                sheet.merge_range(r, column, r + per_post - 1, column, values[column])
    workbook.close()


def floor_docx(folder: Path) -> None:
    from docx import Document

    for path in sorted(folder.glob("*.docx")):
        for table in Document(str(path)).tables:
            [cell.text for cell in table._cells]


def floor_calamine(path: Path) -> None:
    from python_calamine import CalamineWorkbook

    workbook = CalamineWorkbook.from_path(str(path))
    for name in workbook.sheet_names:
        sheet = workbook.get_sheet_by_name(name)
        sheet.merged_cell_ranges  # noqa: B018 - reading them is the point
        sheet.to_python()


def floor_openpyxl(cells: Path) -> None:
    """openpyxl write-only: the exported workbook's cells (sheet → rows) to a new workbook."""
    import openpyxl

    sheets = json.loads(cells.read_text(encoding="utf-8"))
    workbook = openpyxl.Workbook(write_only=True)
    for name, rows in sheets.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
    workbook.save(cells.with_suffix(".floor.xlsx"))


FLOORS: dict[str, Callable[[Path], None]] = {"docx": floor_docx, "calamine": floor_calamine, "openpyxl": floor_openpyxl}


def floor(kind: str, path: Path) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--floor", kind, str(path)]


def workbook_cells(workbook: Path, out: Path) -> Path:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(str(workbook))
    sheets = {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}
    out.write_text(json.dumps(sheets, ensure_ascii=False, default=str), encoding="utf-8")
    return out


def copier(template: Path, work: Path) -> Callable[[], Path]:
    """A fresh copy of template for each run, each in a folder of its own: the last run's
    is removed only later (see cleared). ext4 passes over the inodes of files deleted in
    the last minutes when it allocates new ones, so creating 2,000 files right after
    deleting 2,000 costs some 0.5-1.5 s of system time that an import into a new
    repository does not pay."""
    runs = iter(range(1_000_000))

    def fresh() -> Path:
        target = work / f"run-{next(runs)}"
        shutil.copytree(template, target)
        (work / "last").unlink(missing_ok=True)
        (work / "last").symlink_to(target.name)
        return target

    return fresh


def cleared(work: Path) -> None:
    """Remove every run's folder but the last (whose files are counted)."""
    last = (work / "last").resolve()
    for folder in work.glob("run-*"):
        if folder != last:
            shutil.rmtree(folder, ignore_errors=True)


def import_figure(
    work: Path,
    empty: Path,
    source: Path,
    name: str,
    repeat: int,
    what: str,
    peer_command: list[str],
    peer_label: str,
    target: float,
    *,
    expected: int,
) -> list[str]:
    """Time lzfk import of source (real and dry run) beside its floor; the outputs of failed runs."""
    runs = repeated([*LZFK, "import", str(source)], work, repeat, copier(empty, work / f"{name}-run"))
    cleared(work / f"{name}-run")
    written = sum(1 for _ in (work / f"{name}-run" / "last" / "registers").rglob("*.yaml"))
    dry = repeated([*LZFK, "import", "--dry-run", str(source)], empty, repeat)
    peer = repeated(peer_command, work, repeat)
    print(f"import {what}, {written} files written        min    med    max")
    print(line("lzfk import", runs))
    print(line("lzfk import --dry-run", dry))
    print(line(f"floor: {peer_label}", peer))
    print(verdict(target, runs))
    return [r.output for r in runs if r.code not in (0, 1) or written < expected]


def run(forms: int, rows: int, posts: int, work: Path, repeat: int) -> int:
    from generate import generate

    failed: list[str] = []
    empty = repository(work / "empty")

    make_forms(work / "forms", forms)
    failed += import_figure(
        work,
        empty,
        work / "forms",
        "forms",
        repeat,
        f"{forms:,} forms (.docx)",
        floor("docx", work / "forms"),
        "python-docx reading the cells",
        20,
        expected=forms,
    )
    make_workbook(work / "一览表.xlsx", rows)
    failed += import_figure(
        work,
        empty,
        work / "一览表.xlsx",
        "sheet",
        repeat,
        f"one {rows:,}-row .xlsx",
        floor("calamine", work / "一览表.xlsx"),
        "python-calamine reading it",
        3,
        expected=1,
    )

    unit = work / "unit"
    generate(unit, posts)
    out = work / "汇总表.xlsx"

    def uncached() -> Path:
        shutil.rmtree(unit / ".lzfk_cache", ignore_errors=True)
        return unit

    cold = repeated([*LZFK, "export", "xlsx", "--out", str(out)], unit, repeat, uncached)
    runs = repeated([*LZFK, "export", "xlsx", "--out", str(out)], unit, repeat)
    failed += [r.output for r in cold + runs if r.code != 0]
    editable = repeated([*LZFK, "export", "xlsx", "--editable", "--out", str(work / "汇总表-可编辑.xlsx")], unit, repeat)
    peer = repeated(floor("openpyxl", workbook_cells(out, work / "cells.json")), work, repeat)
    print(f"export xlsx, {posts:,}-post unit (load and validate included)")
    print(line("lzfk export xlsx, no cache", cold))
    print(line("lzfk export xlsx", runs))
    print(line("lzfk export xlsx --editable", editable))
    print(line("floor: openpyxl write-only, same cells", peer))
    print(verdict(5, runs))
    if failed:
        print(failed[0][-2000:])
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 forms, 1,000 rows, 500 posts")
    parser.add_argument("--repeat", type=int, default=3, help="timed runs per figure (default 3)")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    parser.add_argument("--floor", nargs=2, metavar=("KIND", "PATH"), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.floor:
        FLOORS[args.floor[0]](Path(args.floor[1]))
        return 0
    forms, rows, posts = (100, 1_000, 500) if args.quick else (1_000, 10_000, 5_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="lzfk-bench-importing-"))
    try:
        return run(forms, rows, posts, work, max(args.repeat, 1))
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
