"""The quick replay (quick_replay.py): it answers exactly what the full run printed, or declines
(and the full path answers); nothing that could change the result, and no file it did not write
itself, is ever trusted."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from lianzheng_cli import cache, quick_replay
from lianzheng_cli.entry import fast_validate
from tests.conftest import Invoke
from tests.helpers import INVALID, VALID, copy_case

pytestmark = pytest.mark.usefixtures("no_github_env")

ARGUMENTS = [
    ["validate"],
    ["validate", "--format", "json"],
    ["validate", "-f", "plain"],
    ["validate", "-f", "github"],
    ["validate", "--strict"],
    ["validate", "registers"],
    ["validate", "registers/采购员.yaml", "-f", "plain"],
    ["validate", "registers/采购员.yaml"],
]


@pytest.fixture
def settled(monkeypatch: pytest.MonkeyPatch) -> None:
    """Files written by the test count as settled (not changed too recently to tell by stamp)."""
    monkeypatch.setattr(quick_replay, "RACY_NS", 0)
    monkeypatch.setattr(cache, "RACY_NS", 0)


@pytest.fixture
def invalid(tmp_path: Path) -> Path:
    return copy_case(INVALID / "lz202-lz205-unresolved-reference", tmp_path / "repo")


@pytest.fixture
def valid(tmp_path: Path) -> Path:
    return copy_case(VALID / "full-repository", tmp_path / "repo")


def quick(root: Path, targets: list[str] | None = None) -> tuple[str | None, bytes] | None:
    return quick_replay.replay(str(root), quick_replay.targets_key([str(root / t) for t in targets] if targets else None))


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("case", ["invalid", "valid"])
@pytest.mark.parametrize("args", ARGUMENTS, ids=" ".join)
def test_a_quick_replay_prints_what_the_full_run_printed(
    args: list[str], case: str, request: pytest.FixtureRequest, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    root: Path = request.getfixturevalue(case)
    if case == "valid" and "采购员.yaml" in " ".join(args):
        args = [arg.replace("registers/采购员.yaml", "registers/财务科/会计.yaml") for arg in args]
    full = invoke(*args, cwd=root)  # stores the run, and its quick record
    targets = [arg for arg in args[1:] if arg.startswith("registers")]
    hit = quick(root, targets)
    assert hit is not None
    replayed = cache.replayed_result(hit[1])
    assert replayed is not None and replayed == cache.replay(root, quick_replay.targets_key([str(root / t) for t in targets]))
    assert (hit[0] is None) == bool(replayed.findings)  # the line of a clean run only
    assert fast_validate(args) == full.exit_code
    assert capsys.readouterr().out == full.stdout


def _same_size_edit(root: Path) -> None:
    path = root / "registers" / "采购员.yaml"
    before = path.stat()
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("药济科", "药剂科", 1), encoding="utf-8")
    os.utime(path, ns=(before.st_atime_ns, before.st_mtime_ns))  # the mtime set back: the ctime still moves


def _write(relative: str, text: str) -> Callable[[Path], None]:
    return lambda root: (root / relative).write_text(text, encoding="utf-8")


def _rename(root: Path) -> None:
    (root / "registers" / "院长.yaml").rename(root / "registers" / "院长2.yaml")


def _replace_by_link(root: Path) -> None:
    path = root / "registers" / "院长.yaml"
    copy = root / "院长.yaml"
    copy.write_bytes(path.read_bytes())
    path.unlink()
    path.symlink_to(copy)


def _touch_config(root: Path) -> None:
    config = root / "lzfk.yaml"
    config.write_text(config.read_text(encoding="utf-8") + "# 改过\n", encoding="utf-8")


def _forge(root: Path) -> None:
    (replay,) = (root / ".lzfk_cache" / "replay").iterdir()
    data = bytearray(replay.read_bytes())
    data[-1] ^= 1
    replay.write_bytes(bytes(data))


def _truncate(root: Path) -> None:
    (replay,) = (root / ".lzfk_cache" / "replay").iterdir()
    replay.write_bytes(replay.read_bytes()[:100])


CHANGES: dict[str, Callable[[Path], None]] = {
    "same size, mtime set back": _same_size_edit,
    "a file added": _write("registers/新增.yaml", "类型: 岗位\n"),
    "a markdown file added": _write("registers/说明.md", "# 说明\n"),
    "a file removed": lambda root: (root / "registers" / "院长.yaml").unlink(),
    "a file renamed": _rename,
    "a file replaced by a link": _replace_by_link,
    "lzfk.yaml changed": _touch_config,
    "a 台账 file added": lambda root: ((root / "台账").mkdir(exist_ok=True), _write("台账/2025.yaml", "年度: 2025\n")(root)),
    "the record forged": _forge,
    "the record cut short": _truncate,
    "the cache removed": lambda root: __import__("shutil").rmtree(root / ".lzfk_cache"),
}


@pytest.mark.usefixtures("settled")
@pytest.mark.parametrize("change", CHANGES, ids=list(CHANGES))
def test_any_change_is_declined_and_the_full_path_answers(
    change: str, invalid: Path, invoke: Invoke, capsys: pytest.CaptureFixture[str]
) -> None:
    invoke("validate", "-f", "plain", cwd=invalid)
    assert quick(invalid) is not None
    CHANGES[change](invalid)
    assert quick(invalid) is None
    code = fast_validate(["validate", "-f", "plain"])
    printed = capsys.readouterr().out
    if code is not None:  # the full replay may still answer (a touched file read again, unchanged)
        full = invoke("validate", "-f", "plain", "--no-cache", cwd=invalid)
        assert (code, printed) == (full.exit_code, full.stdout)


def test_a_record_sealed_by_another_machine_is_not_read(
    invalid: Path, invoke: Invoke, settled: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    invoke("validate", cwd=invalid)
    assert quick(invalid) is not None
    monkeypatch.setattr(quick_replay, "_KEY", [b"k" * 32])
    assert quick(invalid) is None


def test_a_file_changed_too_recently_to_tell_is_declined(invalid: Path, invoke: Invoke) -> None:
    invoke("validate", cwd=invalid)  # the files were just copied: within the racy window
    assert quick(invalid) is None


def test_records_of_another_lzfk_are_removed(invalid: Path, invoke: Invoke, monkeypatch: pytest.MonkeyPatch) -> None:
    invoke("validate", cwd=invalid)
    folder = invalid / ".lzfk_cache" / "replay"
    (old,) = folder.iterdir()
    monkeypatch.setattr(quick_replay, "_STAMP", ["another-lzfk@1"])
    invoke("validate", cwd=invalid)
    assert [path.name for path in folder.iterdir()] != [old.name] and len(list(folder.iterdir())) == 1


def test_a_warm_clean_run_imports_only_the_lightest_modules(valid: Path, invoke: Invoke) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith(("GITHUB_", "FORCE_COLOR", "TTY_"))}
    # The first run in a process of its own too: this one may hold another test's machine key.
    subprocess.run([sys.executable, "-m", "lianzheng_cli", "validate"], cwd=valid, env=env, capture_output=True, check=True)
    time.sleep((quick_replay.RACY_NS + 100_000_000) / 1e9)  # the files settle
    program = (
        "import sys\n"
        "from lianzheng_cli import entry\n"
        "code = entry.fast_validate(['validate'])\n"
        "heavy = ('pathlib', 'dataclasses', 'pickle', 'sqlite3', 'typing', 'lianzheng_cli.results', 'lianzheng_cli.cache')\n"
        "print(code, sorted(name for name in heavy if name in sys.modules), file=sys.stderr)\n"
    )
    done = subprocess.run([sys.executable, "-c", program], cwd=valid, env=env, capture_output=True, text=True, check=True)
    assert done.stderr.strip() == "0 []"
    assert done.stdout == invoke("validate", cwd=valid).stdout
