"""Legacy binary Word (.doc): converted to .docx by LibreOffice headless, many files per call."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from lianzheng_cli.importing.table import ReadFailure

CONVERT_TIMEOUT = 300


def converter() -> str | None:
    return shutil.which("soffice") or shutil.which("libreoffice")


def convert_docs(paths: list[Path], work: Path) -> dict[Path, Path | ReadFailure]:
    """Each .doc to a converted .docx under work (one LibreOffice start for all of them)."""
    program = converter()
    if program is None:
        missing = ReadFailure(
            "LZ609",
            "旧版 Word（.doc）文件需要 LibreOffice 才能读取，本机没有安装",
            "运行 make pdf-deps 安装 LibreOffice，或在 Word/WPS 中把文件另存为 .docx 后再导入",
        )
        return dict.fromkeys(paths, missing)
    results: dict[Path, Path | ReadFailure] = {}
    # Same-named files from different folders would overwrite each other: one folder each.
    groups: dict[str, list[Path]] = {}
    for path in paths:
        groups.setdefault(path.stem, []).append(path)
    batches: list[list[Path]] = []
    while any(groups.values()):
        batches.append([group.pop() for group in groups.values() if group])
    for number, batch in enumerate(batches):
        out = work / f"batch{number}"
        out.mkdir(parents=True, exist_ok=True)
        profile = Path(tempfile.mkdtemp(prefix="lzfk-lo-", dir=work))
        command = [
            program,
            f"-env:UserInstallation={profile.as_uri()}",
            "--headless",
            "--convert-to",
            "docx",
            "--outdir",
            str(out),
            *(str(path) for path in batch),
        ]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=False)
        except (OSError, subprocess.TimeoutExpired) as exc:
            failure = ReadFailure("LZ601", f"LibreOffice 转换失败（{exc}）", "在 Word/WPS 中把文件另存为 .docx 后再导入")
            results.update(dict.fromkeys(batch, failure))
            continue
        for path in batch:
            converted = out / f"{path.stem}.docx"
            results[path] = (
                converted
                if converted.exists()
                else ReadFailure("LZ601", "文件无法转换：可能已损坏或有密码保护", "在 Word/WPS 中打开并另存为 .docx 后再导入")
            )
    return results
