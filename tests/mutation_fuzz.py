"""A seeded mutation fuzzer over lzfk's per-file reading and checking (used by a test and by bench/fuzz.py).

Seeds are real inputs (the bundled sample's registers, chapters, 台账 and lzfk.yaml, and the
test fixtures); each case mutates one seed's bytes (flips, splices of YAML-significant
tokens, truncation, duplication, encodings, control characters, deep nesting) and runs it
through what every command runs on a file. A case fails as a traceback (any exception), a
hang (more than HANG_SECONDS), or an unlocated finding (an unknown code, no message, or a
line/column outside the file). The same seed gives the same cases on every machine.
"""

from __future__ import annotations

import random
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from lianzheng_cli.checking import Checker, check_bytes
from lianzheng_cli.codes import CODES
from lianzheng_cli.findings import Finding
from lianzheng_cli.limits import TimeLimitExceeded, deadline
from lianzheng_cli.loader.files import config_from_bytes
from lianzheng_cli.repository import Repository
from lianzheng_cli.rules import check_repository, severity_overrides

REPO_ROOT = Path(__file__).resolve().parent.parent
HANG_SECONDS = 5.0
# Codes about a whole file, reported at line 0.
WHOLE_FILE = frozenset(("LZ001", "LZ011", "LZ015", "LZ017", "LZ019", "LZ022"))
TOKENS = [
    b"\n", b": ", b":", b"- ", b"-", b"  ", b"\t", b"#", b"---\n", b"...\n", b"&a ", b"*a", b"!!str ", b"!x ",
    b"%YAML 1.2\n", b"[", b"]", b"{", b"}", b",", b"?", b"|", b">", b"'", b'"', b"\\", b"\x00", b"\x07", b"\x1b[31m",
    b"\r", b"\r\n", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\xa1\xa1", b"\x81\x30", b"\xe4\xb8", b"~", b"null",
    "：".encode(), "\u3000".encode(), "\u2028".encode(), "类型: 岗位\n".encode(), "风险点:\n".encode(),
    "等级: 一级\n".encode(), "编号: ".encode(), "科室: ".encode(), "- 编号: X-01\n".encode(), b"<<: *a\n",
    b"2025-02-30", b"1e999", b"0x1F", b"- - - - - - - -", b"[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", b"{a: {b: {c: {d: ",
    "## 主要职责\n".encode(), b"```\n", b"----\n",
]  # fmt: skip


@dataclass
class Tally:
    cases: int = 0
    tracebacks: int = 0
    hangs: int = 0
    unlocated: int = 0
    findings: int = 0
    slowest: float = 0.0
    examples: list[str] = field(default_factory=list)

    def failed(self, kind: str, detail: str) -> None:
        if len(self.examples) < 10:
            self.examples.append(f"{kind}: {detail}")


def seeds() -> list[tuple[str, bytes]]:
    """(name, bytes) of every seed input, in a fixed order."""
    found: list[tuple[str, bytes]] = []
    for folder in (REPO_ROOT / "registers", REPO_ROOT / "台账", REPO_ROOT / "tests" / "fixtures"):
        for path in sorted(folder.rglob("*")):
            if path.is_file() and path.suffix.lower() in (".yaml", ".yml", ".md"):
                found.append((path.relative_to(REPO_ROOT).as_posix(), path.read_bytes()))
    found.append(("lzfk.yaml", (REPO_ROOT / "lzfk.yaml").read_bytes()))
    return found


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits: mostly to the text (so parsing gets far), sometimes to the bytes."""
    if rng.random() < 0.2:
        return _mutate_bytes(data, rng)
    try:
        lines = data.decode("utf-8").splitlines(keepends=True)
    except UnicodeDecodeError:
        return _mutate_bytes(data, rng)
    for _ in range(rng.randint(1, 4)):
        _edit_lines(lines, rng)
    return "".join(lines).encode("utf-8", errors="surrogatepass")


def _edit_lines(lines: list[str], rng: random.Random) -> None:
    if not lines:
        lines.append(rng.choice(TOKENS).decode("utf-8", errors="replace"))
        return
    index = rng.randrange(len(lines))
    line = lines[index]
    action = rng.randrange(7)
    if action == 0:  # a YAML-significant token somewhere in a line
        where = rng.randint(0, len(line))
        lines[index] = line[:where] + rng.choice(TOKENS).decode("utf-8", errors="replace") + line[where:]
    elif action == 1:
        del lines[index]
    elif action == 2:
        lines.insert(rng.randrange(len(lines) + 1), line)
    elif action == 3:  # indentation changes
        lines[index] = rng.choice(["", " ", "  ", "\t", "\u3000", "    "]) + line.lstrip(" ") if rng.random() < 0.7 else line[1:]
    elif action == 4:
        other = rng.randrange(len(lines))
        lines[index], lines[other] = lines[other], lines[index]
    elif action == 5:  # a value replaced
        key, colon, _ = line.partition(":")
        if colon:
            lines[index] = f"{key}: {rng.choice(VALUES)}\n"
    else:
        del lines[index:]


VALUES = [
    "", "~", "[]", "{}", "[甲, 乙]", "一级", "五级", "岗位", "科室", "单位", "领导班子", "2025-02-30", "2025-03-10",
    '"引号', "'单引号'", "|", ">-", "&a x", "*a", "!!int 1", "是", "no", "1:30", "-1", "99999999999999999999",
    "\x07", "\ufeff", "[[[[", "{意见: 同意, 日期: 2025-03-10}", "LD-YZ-01", "YJK", "前期预防",
]  # fmt: skip


def _mutate_bytes(data: bytes, rng: random.Random) -> bytes:
    """One to four random edits of data."""
    out = bytearray(data)
    for _ in range(rng.randint(1, 4)):
        where = rng.randint(0, len(out)) if out else 0
        action = rng.randrange(9)
        if action == 0 and out:
            out[min(where, len(out) - 1)] ^= 1 << rng.randrange(8)
        elif action in (1, 2):
            out[where:where] = rng.choice(TOKENS)
        elif action == 3 and out:
            del out[where : where + rng.randint(1, 40)]
        elif action == 4:
            out = out[:where]
        elif action == 5 and out:
            start = rng.randint(0, len(out) - 1)
            out[where:where] = out[start : start + rng.randint(1, 200)]
        elif action == 6:
            line_start = out.rfind(b"\n", 0, where) + 1
            out[line_start:line_start] = rng.choice([b" ", b"\t", b"  ", b"\xe3\x80\x80"])
        elif action == 7:
            out = bytearray(_reencode(bytes(out), rng))
        else:
            out[where:where] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 8)))
    return bytes(out)


def _reencode(data: bytes, rng: random.Random) -> bytes:
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        return data
    encoding = rng.choice(["gb18030", "big5", "shift_jis", "utf-16", "utf-16-le", "utf-8-sig"])
    return text.encode(encoding, errors="replace")


def located(finding: Finding, data: bytes) -> bool:
    lines = data.count(b"\n") + data.count(b"\r") + 2
    if finding.code not in CODES or not finding.message:
        return False
    if finding.line == 0:
        return finding.code in WHOLE_FILE or finding.column == 0
    return 1 <= finding.line <= lines and finding.column >= 1


def run(cases: int, seed: int, checker: Checker | None = None, progress: Callable[[int], None] | None = None) -> Tally:
    rng = random.Random(seed)
    corpus = seeds()
    checker = checker or Checker.for_repository(_repository())
    overrides = severity_overrides(checker.config)
    tally = Tally()
    for number in range(cases):
        name, original = corpus[rng.randrange(len(corpus))]
        data = mutate(original, rng)
        suffix = Path(name).suffix.lower()
        started = time.monotonic()
        try:
            with deadline(HANG_SECONDS):
                findings = _check(name, suffix, data, checker, overrides)
        except TimeLimitExceeded:
            tally.hangs += 1
            tally.failed("hang", f"case {number} from {name}")
            findings = []
        except Exception:  # noqa: BLE001 — a crash is what the fuzzer counts
            tally.tracebacks += 1
            tally.failed("traceback", f"case {number} from {name}: {traceback.format_exc(limit=3)}")
            findings = []
        tally.slowest = max(tally.slowest, time.monotonic() - started)
        for finding in findings:
            if not located(finding, data):
                tally.unlocated += 1
                tally.failed("unlocated", f"case {number} from {name}: {finding}")
        tally.findings += len(findings)
        tally.cases += 1
        if progress is not None:
            progress(number)
    return tally


def _check(name: str, suffix: str, data: bytes, checker: Checker, overrides: object) -> list[Finding]:
    if name == "lzfk.yaml":
        _, _, findings = config_from_bytes(data, name)
        return findings
    outcome = check_bytes(data, f"registers/{name}", suffix, checker)
    found = list(outcome.findings)
    if outcome.facts is not None:
        found += check_repository([outcome.facts], checker.config, overrides)  # type: ignore[arg-type]
    return found


def _repository() -> Repository:
    from lianzheng_cli.repository import load_config

    config = load_config(REPO_ROOT)
    assert not isinstance(config, list), config
    return Repository(REPO_ROOT, config)
