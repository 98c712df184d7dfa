"""Screen output of ``lzfk rollup``: the inputs' problems, then one line on what was written."""

from __future__ import annotations

from pathlib import Path

from rich.console import Console
from rich.text import Text

from lianzheng_cli.findings import Severity
from lianzheng_cli.rollup.result import RollupResult


def print_summary(result: RollupResult, written: list[Path], console: Console) -> None:
    for finding in result.findings:
        style = "bold red" if finding.severity is Severity.ERROR else "yellow"
        console.print(
            Text(f"{finding.path}: ")
            + Text(f"{finding.severity.label} {finding.code}", style=style)
            + Text(f" {finding.message}")
        )
        if finding.hint:
            console.print(Text(f"  提示：{finding.hint}", style="dim"))
    standard = f"，已与标准风险库 {result.standard} 对照" if result.standard else ""
    console.print(
        f"已汇总 {result.units} 个单位（{result.exports} 次导出）{standard}，生成 {len(result.queries)} 张表："
        + "、".join(path.as_posix() for path in written)
    )
