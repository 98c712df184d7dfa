"""Benchmark ``lzfk import`` and ``lzfk export xlsx``, beside python-docx and openpyxl.

- forms: 1,000 single-form .docx files (annex 2, one post each, with merged value cells)
  imported into an empty repository (read, write 1,000+ register files, validate them);
  beside it, python-docx merely opening the same files and reading their cells;
- workbook: one 10,000-row .xlsx 一览表 (a grouping column merged down, two-row header)
  imported; beside it, openpyxl merely loading the same workbook (merged cells need its
  full mode);
- export: ``lzfk export xlsx`` of a 5,000-post unit (bench/generate.py), whole command
  (it validates the repository for the 校验 sheet) and the workbook writing alone.

Each lzfk step runs as its own process; wall time and peak memory come from ``os.wait4``.
Targets (issue “The way in”): forms under 20 s, the workbook under 3 s, the export under
5 s, on 2 cores.

    .venv/bin/python bench/importing.py             # full size
    .venv/bin/python bench/importing.py --quick     # 100 forms, 1,000 rows, 500 posts
"""

from __future__ import annotations

import argparse
import io
import os
import shutil
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))
sys.path.insert(0, str(HERE.parent / "src"))
LZFK = [sys.executable, "-m", "lianzheng_cli"]
CONFIG = "单位: 基准测试县人民医院\n年度: 2025\n"
DEPARTMENTS = ("财务科", "药剂科", "设备科", "总务科", "人事科", "信息科", "医务科", "护理部", "检验科", "审计科")


def measure(command: list[str], cwd: Path) -> tuple[float, float, int, str]:
    started = time.perf_counter()
    with tempfile.TemporaryFile() as captured:
        process = subprocess.Popen(command, stdout=captured, stderr=subprocess.STDOUT, cwd=cwd)
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        captured.seek(0)
        output = captured.read().decode("utf-8", "replace")
    return elapsed, usage.ru_maxrss / 1024, os.waitstatus_to_exitcode(status), output


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


def peer_docx(folder: Path) -> float:
    from docx import Document

    started = time.perf_counter()
    for path in sorted(folder.glob("*.docx")):
        for table in Document(str(path)).tables:
            [cell.text for cell in table._cells]
    return time.perf_counter() - started


def peer_openpyxl(path: Path) -> float:
    import openpyxl

    started = time.perf_counter()
    workbook = openpyxl.load_workbook(path)
    for sheet in workbook:
        list(sheet.merged_cells.ranges)
        list(sheet.iter_rows(values_only=True))
    return time.perf_counter() - started


def export_core(repo: Path, out: Path) -> float:
    from lianzheng_cli.exporting.xlsx import write_workbook
    from lianzheng_cli.loading import load_repository

    loaded = load_repository(repo)
    registers = [(item.path, item.register) for item in loaded.graded if item.complete]
    started = time.perf_counter()
    write_workbook(loaded.repository.config, loaded.root, registers, loaded.findings, out)
    return time.perf_counter() - started


def run(forms: int, rows: int, posts: int, work: Path) -> int:
    from generate import generate

    failed = False
    make_forms(work / "forms", forms)
    repo = repository(work / "repo-forms")
    dry, _, _, _ = measure([*LZFK, "import", "--dry-run", str(work / "forms")], repo)
    elapsed, peak, code, output = measure([*LZFK, "import", str(work / "forms")], repo)
    written = sum(1 for _ in (repo / "registers").rglob("*.yaml"))
    failed |= code not in (0, 1) or written < forms
    peer = peer_docx(work / "forms")
    print(f"import {forms:,} forms (.docx)        {elapsed:6.1f} s  peak {peak:5.0f} MB  {written} files written  exit {code}")
    print(f"  --dry-run (read, map, report)    {dry:6.1f} s")
    print(f"  python-docx opening them only    {peer:6.1f} s   target < 20 s: {'met' if elapsed < 20 else 'NOT met'}")

    make_workbook(work / "一览表.xlsx", rows)
    repo = repository(work / "repo-sheet")
    dry, _, _, _ = measure([*LZFK, "import", "--dry-run", str(work / "一览表.xlsx")], repo)
    elapsed, peak, code, output = measure([*LZFK, "import", str(work / "一览表.xlsx")], repo)
    written = sum(1 for _ in (repo / "registers").rglob("*.yaml"))
    failed |= code not in (0, 1) or written == 0
    peer = peer_openpyxl(work / "一览表.xlsx")
    print(f"import one {rows:,}-row .xlsx         {elapsed:6.1f} s  peak {peak:5.0f} MB  {written} files written  exit {code}")
    print(f"  --dry-run (read, map, report)    {dry:6.1f} s")
    print(f"  openpyxl loading it only         {peer:6.1f} s   target < 3 s: {'met' if elapsed < 3 else 'NOT met'}")

    unit = work / "unit"
    generate(unit, posts)
    elapsed, peak, code, output = measure([*LZFK, "export", "xlsx", "--out", str(work / "汇总表.xlsx")], unit)
    failed |= code != 0
    core = export_core(unit, work / "汇总表-core.xlsx")
    print(f"export xlsx, {posts:,}-post unit         {elapsed:6.1f} s  peak {peak:5.0f} MB  exit {code} (includes validation)")
    print(f"  writing the workbook alone       {core:6.1f} s   target < 5 s: {'met' if elapsed < 5 else 'NOT met'}")
    if failed:
        print(output[-2000:])
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="100 forms, 1,000 rows, 500 posts")
    parser.add_argument("--keep", type=Path, help="keep the generated files in this folder")
    args = parser.parse_args(argv)
    forms, rows, posts = (100, 1_000, 500) if args.quick else (1_000, 10_000, 5_000)
    work = args.keep or Path(tempfile.mkdtemp(prefix="lzfk-bench-importing-"))
    try:
        return run(forms, rows, posts, work)
    finally:
        if args.keep is None:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
