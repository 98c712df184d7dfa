"""The build's load in two forked workers gives exactly what the load in one process gives."""

from __future__ import annotations

import re
from pathlib import Path

from lianzheng_cli.loading import PARALLEL_THRESHOLD, load_repository
from tests.helpers import generate_unit


def test_parallel_and_serial_loads_agree(tmp_path: Path) -> None:
    root = tmp_path / "unit"
    generate_unit(root, 400)
    posts = sorted(root.glob("registers/D*/D*-P*.yaml"))
    assert len(list(root.rglob("*.yaml"))) >= PARALLEL_THRESHOLD
    unfilled = posts[10]  # its risk points' 等级 left out: graded with a stand-in, complete=False
    unfilled.write_text(re.sub(r"(?m)^    等级: .*\n", "", unfilled.read_text(encoding="utf-8")), encoding="utf-8")
    broken = posts[20]
    broken.write_text(broken.read_text(encoding="utf-8") + "类型: [\n", encoding="utf-8")
    serial = load_repository(root)
    parallel = load_repository(root, parallel=True)
    assert [(g.path, g.register, g.grades, g.complete) for g in parallel.graded] == [
        (g.path, g.register, g.grades, g.complete) for g in serial.graded
    ]
    assert [g.path for g in serial.graded if not g.complete] == [serial.repository.display(unfilled)]
    assert broken.name not in {Path(g.path).name for g in serial.graded}
    assert parallel.findings == serial.findings and serial.findings
    assert [f.message for f in parallel.findings] == [f.message for f in serial.findings]
    assert parallel.register_grades == serial.register_grades
    assert [c.path for c in parallel.chapters] == [c.path for c in serial.chapters]
