"""Small helpers shared by the validator tests: build repositories, run checks, format findings."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from collections.abc import Iterable, Mapping
from pathlib import Path

from lianzheng_cli.checking import Checker, FileOutcome, check_text
from lianzheng_cli.config import Config
from lianzheng_cli.findings import Finding
from lianzheng_cli.repository import Repository
from lianzheng_cli.results import ValidationResult
from lianzheng_cli.validation import validate

TESTS = Path(__file__).parent
REPO_ROOT = TESTS.parent
FIXTURES = TESTS / "fixtures"
VALID = FIXTURES / "valid"
INVALID = FIXTURES / "invalid"

CONFIG = "单位: 测试县人民医院\n年度: 2025\n"

# A leader's post register that is valid on its own (科室: 领导班子 needs no other register).
# Its line numbers are relied on by several tests: 风险点 is line 8, the risk point's 等级 line 16.
LEADER = """\
类型: 岗位
编号: LD-YZ
名称: 院长
科室: 领导班子
层级: 领导班子
主要职责:
  - 主持医院全面工作
风险点:
  - 编号: LD-YZ-01
    名称: 重大事项个人说了算
    类型: 岗位职责风险
    表现形式:
      - 以个人意见代替集体决策
    发生概率: 较高
    危害程度: 违纪
    等级: 二级
    防控措施:
      - 阶段: 前期预防
        内容: 执行“三重一大”集体决策制度
      - 阶段: 中期监控
        内容: 纪检监察室列席决策会议
      - 阶段: 后期处置
        内容: 违反决策程序的追究责任
"""


def build_tree(root: Path, files: Mapping[str, str | bytes]) -> Path:
    """Write files under root: text as UTF-8 exactly as given (no newline translation), bytes as is."""
    for relative, content in files.items():
        path = root / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content if isinstance(content, bytes) else content.encode("utf-8"))
    return root


def build_repo(root: Path, registers: Mapping[str, str | bytes], config: str | bytes = CONFIG) -> Path:
    """A repository: lzfk.yaml plus the given files under registers/."""
    files: dict[str, str | bytes] = {"lzfk.yaml": config}
    files.update({f"registers/{name}": content for name, content in registers.items()})
    return build_tree(root, files)


def copy_case(case: Path, target: Path) -> Path:
    """A private copy of a fixture repository (tests that write, e.g. the cache, never touch fixtures)."""
    shutil.copytree(case, target, ignore=shutil.ignore_patterns("expected.txt", ".lzfk_cache"))
    return target


def line_of(finding: Finding) -> str:
    return f"{finding.path}:{finding.line}:{finding.column}: {finding.code}"


def lines_of(findings: Iterable[Finding]) -> list[str]:
    return sorted(line_of(f) for f in findings)


def run_validate(root: Path, targets: list[Path] | None = None, *, use_cache: bool = False) -> ValidationResult:
    return validate(root, targets, use_cache=use_cache)


def validate_lines(root: Path, targets: list[Path] | None = None, *, use_cache: bool = False) -> list[str]:
    return lines_of(run_validate(root, targets, use_cache=use_cache).findings)


def read_expected(case: Path) -> list[str]:
    """expected.txt: one ``path:line:col: CODE`` per line; blank lines and # comments are ignored."""
    text = (case / "expected.txt").read_text(encoding="utf-8")
    return sorted(line.strip() for line in text.splitlines() if line.strip() and not line.startswith("#"))


def default_config(**extra: object) -> Config:
    return Config.model_validate({"单位": "测试县人民医院", "年度": "2025", **extra})


def make_checker(config: Config | None = None, root: Path = VALID / "minimal-config") -> Checker:
    """What checking.check_text needs besides the text: the configuration and its rule set."""
    return Checker.for_repository(Repository(root, config or default_config()))


def check(text: str, *, markdown: bool = False, checker: Checker | None = None, path: str = "t.yaml") -> FileOutcome:
    return check_text(text, path, markdown=markdown, checker=checker or make_checker())


def generate_unit(root: Path, posts: int) -> None:
    """A synthetic unit of posts post registers, written by bench/generate.py (its generate() is its interface)."""
    spec = importlib.util.spec_from_file_location("bench_generate", REPO_ROOT / "bench" / "generate.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["bench_generate"] = module  # dataclasses look their module up while being defined
    spec.loader.exec_module(module)
    module.generate(root, posts)
