"""Example repositories by polarity.

Every folder in tests/fixtures/valid/ is a small complete repository that must validate with
zero findings; every folder in tests/fixtures/invalid/ has an expected.txt with the exact
findings (``path:line:col: CODE``, paths relative to the case folder).
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from pathlib import Path

import pytest

from lianzheng_cli.codes import CODES
from tests.helpers import INVALID, REPO_ROOT, VALID, read_expected, run_validate, validate_lines

VALID_CASES = sorted(path for path in VALID.iterdir() if path.is_dir())
INVALID_CASES = sorted(path for path in INVALID.iterdir() if path.is_dir())

# Codes that no committed file can produce; each has its own test.
DEDICATED_TESTS = {
    "LZ015": "test_validate_api.py::test_a_register_that_cannot_be_read_is_lz015 (as root every file is readable)",
    # git cannot hold these as fixtures (links, FIFOs, odd file names) or they are large or timed:
    "LZ017": "adversarial/test_files_and_paths.py (symlinks, FIFOs, devices, directories named *.yaml)",
    "LZ018": "adversarial/test_files_and_paths.py (paths in lzfk.yaml outside the repository)",
    "LZ019": "adversarial/test_files_and_paths.py (file names with control characters or invalid UTF-8)",
    "LZ020": "adversarial/test_bounded_work.py::test_findings_per_file_are_capped_with_one_summary",
    "LZ021": "adversarial/test_bounded_work.py::test_an_expression_that_runs_too_long_is_cut_off_with_a_finding",
}


def _case_id(case: Path) -> str:
    return f"{case.parent.name}/{case.name}"


@pytest.mark.parametrize("case", VALID_CASES + INVALID_CASES, ids=_case_id)
def test_example_repository_gives_exactly_the_expected_findings(case: Path) -> None:
    expected = read_expected(case) if case.parent == INVALID else []
    assert validate_lines(case) == expected


def test_the_example_folders_are_well_formed() -> None:
    assert len(VALID_CASES) >= 10
    assert len(INVALID_CASES) >= 30
    for case in VALID_CASES:
        assert (case / "lzfk.yaml").is_file(), case
        assert not (case / "expected.txt").exists(), f"{case}: a valid example has no expected findings"
    for case in INVALID_CASES:
        assert (case / "lzfk.yaml").is_file(), case
        assert read_expected(case), f"{case}: an invalid example must expect at least one finding"


def test_every_code_below_lz300_has_an_invalid_example() -> None:
    covered = {line.rsplit(" ", 1)[-1] for case in INVALID_CASES for line in read_expected(case)}
    validator_codes = {code for code in CODES if code < "LZ300"}
    assert covered <= set(CODES)
    assert validator_codes - covered == set(DEDICATED_TESTS)


def _is_gbk_not_utf8(data: bytes) -> bool:
    try:
        data.decode("utf-8")
    except UnicodeDecodeError:
        return bool(data.decode("gbk"))
    return False


# The byte-level examples only test something while their bytes are intact; an editor or a
# line-ending filter "fixing" them must fail here, not silently turn them into plain files.
BYTE_CHECKS: dict[str, Callable[[bytes], bool]] = {
    "valid/utf8-bom/registers/院长.yaml": lambda data: data.startswith(codecs.BOM_UTF8),
    "valid/crlf/registers/院长.yaml": lambda data: data.count(b"\r\n") == data.count(b"\n") > 20,
    "valid/crlf/lzfk.yaml": lambda data: data.count(b"\r\n") == data.count(b"\n") == 2,
    "valid/utf16-bom/registers/院长.yaml": lambda data: data.startswith(codecs.BOM_UTF16_LE),
    "valid/utf16-bom/registers/副院长.yaml": lambda data: data.startswith(codecs.BOM_UTF16_BE) and b"\x00\r\x00\n" in data,
    "invalid/lz001-gbk/registers/院长.yaml": _is_gbk_not_utf8,
    "invalid/lz001-gbk-config/lzfk.yaml": _is_gbk_not_utf8,
    "invalid/lz002-invalid-utf8/registers/院长.yaml": lambda data: b"\xe9\x99\xa2\xff" in data,
    "invalid/lz022-big5/registers/院长.yaml": lambda data: data.decode("big5").startswith("類型"),
    "invalid/lz012-control-character/registers/响铃.yaml": lambda data: b"\x07" in data,
    "invalid/lz012-control-character/registers/注释中.yaml": lambda data: b"\x0c" in data,
}


@pytest.mark.parametrize("relative", sorted(BYTE_CHECKS))
def test_byte_level_examples_keep_their_bytes(relative: str) -> None:
    assert BYTE_CHECKS[relative]((VALID.parent / relative).read_bytes())


def test_the_bundled_sample_repository_is_clean() -> None:
    result = run_validate(REPO_ROOT / "registers")
    assert [f"{f.path}:{f.line}:{f.column}: {f.code}" for f in result.findings] == []
    assert result.summary.cross_file_checked
    assert result.summary.registers >= 10
    assert result.summary.risk_points >= result.summary.registers
