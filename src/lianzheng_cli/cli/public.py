"""``lzfk check --public`` and ``lzfk build --edition public``: the 公示 edition.

Called from the check and build commands; the rendering code is imported inside, so
``lzfk validate`` never loads it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rich.console import Console
from rich.text import Text

from lianzheng_cli.errors import ExitCode
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.reporters import choose

if TYPE_CHECKING:
    from lianzheng_cli.loading import LoadedRepository
    from lianzheng_cli.render.assemble import Unit

console = Console(highlight=False, soft_wrap=True)
CLEAN = "公示内容中未发现人名、手机号码、身份证号码、电子邮箱、文件路径和提交编号"


def check_public(start: Path, format_name: str, summary: Path | None = None) -> int:
    """The leak check of the public edition, without building it; --summary gets the Markdown table."""
    from lianzheng_cli.fsutil import write_text_atomic
    from lianzheng_cli.render.public.source import check_result, load_public
    from lianzheng_cli.reporters.common import finding_record, summary_record

    source = load_public(start)
    result = check_result(source, source.scan().findings)
    markdown = _markdown(result.findings)
    if format_name == "json":
        data = {"findings": [finding_record(f) for f in result.findings], "summary": summary_record(result.summary)}
        sys.stdout.write(json.dumps(data, ensure_ascii=False, indent=2) + "\n")
    elif format_name == "markdown":
        sys.stdout.write(markdown)
    else:
        choose(format_name)(result, sys.stdout)
        if not result.findings:
            sys.stdout.write(CLEAN + "\n")
    if summary is not None:
        write_text_atomic(summary, markdown)
    return ExitCode.FINDINGS if result.worst is Severity.ERROR else ExitCode.OK


def _markdown(findings: list[Finding]) -> str:
    from lianzheng_cli.reporters.markdown import findings_table

    return "\n".join(["## 公示内容检查", "", *(findings_table(findings) or [CLEAN + "。"]), ""])


def build_public(loaded: LoadedRepository, unit: Unit, out: Path, *, pdf: bool) -> int:
    """Write the public edition into out/公示/, then scan what was written; leaks fail the build."""
    from lianzheng_cli.render.public.build import build_public_edition
    from lianzheng_cli.render.public.source import check_result, public_source

    source = public_source(loaded, unit)
    built = build_public_edition(source, out, pdf=pdf)
    result = check_result(source, built.findings)
    for problem in built.problems:
        console.print(Text("注意：", style="bold yellow") + Text(problem))
    if result.findings:
        choose("auto")(result, sys.stdout)
        console.print(
            Text(
                f"公示版含有个人信息，未生成公示版（{built.folder}/ 中上次生成的文件也已删除，以免误传）。"
                "请按上面指出的位置修改后重新生成。",
                style="bold red",
            )
        )
        return ExitCode.FINDINGS
    view = source.edition.view
    console.print(
        f"已生成公示版 {len(built.written)} 个文件到 {built.folder}/：{len(view['科室'])} 个科室、{len(view['岗位'])} 个岗位页，"
        f"{view['统计']['风险点']} 个风险点、{view['统计']['防控措施']} 条防控措施；未发现个人信息"
    )
    return ExitCode.OK
