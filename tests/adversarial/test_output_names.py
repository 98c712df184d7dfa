"""Output names: colliding, too long or Windows-reserved names never lose or break a document."""

from __future__ import annotations

from pathlib import Path

from lianzheng_cli.render.sanitize import MAX_NAME_BYTES, file_name, unique_file_names
from tests.conftest import Invoke
from tests.helpers import LEADER, build_repo


def test_names_that_sanitise_alike_get_distinct_deterministic_suffixes() -> None:
    texts = ["P:1_员", "P*1_员", "P?1_员", "P_1_员"]
    names = unique_file_names(texts)
    assert len(set(names)) == 4
    assert names[3] == "P_1_员"  # a name that needed no change keeps it
    assert unique_file_names(list(reversed(texts))) == list(reversed(names))  # order does not matter
    assert len({name.casefold() for name in unique_file_names(["Ab", "aB"])}) == 2


def test_long_reserved_and_dotted_names_are_made_safe() -> None:
    long_a, long_b = "长" * 100 + "甲", "长" * 100 + "乙"
    assert file_name(long_a) != file_name(long_b)
    assert len(file_name(long_a).encode()) <= MAX_NAME_BYTES
    assert file_name(long_a) == file_name(long_a)
    assert [file_name(n) for n in ("CON", "nul", "COM1", "lpt9.txt", "名字. . ")] == [
        "_CON",
        "_nul",
        "_COM1",
        "_lpt9.txt",
        "名字",
    ]


def _post(number: str, name: str) -> str:
    risk = "R" + "".join(str(ord(char)) for char in number)
    return (
        LEADER.replace("编号: LD-YZ\n", f"编号: {number}\n", 1)
        .replace("LD-YZ-01", f"{risk}-01")
        .replace("名称: 院长\n", f"名称: {name}\n", 1)
    )


def test_build_writes_every_form_when_names_collide_or_are_long(tmp_path: Path, invoke: Invoke) -> None:
    long_name = "负责" * 60 + "的岗位"
    posts = {
        "a.yaml": _post('"P:1"', "员"),
        "b.yaml": _post('"P*1"', "员"),
        "c.yaml": _post('"P?1"', "员"),
        "d.yaml": _post("CON", "员"),
        "e.yaml": _post("LONG", long_name),
    }
    root = build_repo(tmp_path / "repo", posts)
    out = tmp_path / "out"
    result = invoke("build", "--only", "forms", "-f", "md", "--out", str(out), cwd=root)
    assert result.exit_code == 0, result.output
    forms = sorted(p for p in out.rglob("*.md") if "个人岗位" in p.parent.name)
    assert len(forms) == 5, forms
    texts = {p.read_text(encoding="utf-8") for p in forms}
    assert len(texts) == 5
    assert all(len(p.name.encode()) <= 255 for p in forms)
