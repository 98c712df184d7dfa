"""``lzfk schema`` (JSON Schema for editors, kept in step with the models) and ``lzfk init``."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from jsonschema import Draft7Validator
from referencing import Registry, Resource

from lianzheng_cli.config import Config
from lianzheng_cli.loader.decode import SourceText, decode_source
from lianzheng_cli.loader.files import parse_register_text
from lianzheng_cli.repository import is_register_candidate, load_config
from lianzheng_cli.schema import all_schemas, stale_files
from tests.conftest import Invoke
from tests.helpers import INVALID, REPO_ROOT, VALID, read_expected, run_validate

SCHEMAS = REPO_ROOT / "schemas"
SCHEMA_NAMES = sorted(all_schemas())


def _validator(name: str) -> Draft7Validator:
    """A validator for one exported schema, resolving the others by file name (as editors do)."""
    schemas = json.loads(json.dumps(all_schemas()))  # exactly what `lzfk schema` writes, as plain JSON
    registry: Registry[Any] = Registry().with_resources(
        (schema_name, Resource.from_contents(schema)) for schema_name, schema in schemas.items()
    )
    return Draft7Validator(schemas[name], registry=registry, format_checker=Draft7Validator.FORMAT_CHECKER)


REGISTER = _validator("register.schema.json")
CONFIG = _validator("lzfk.schema.json")


def _instance(path: Path) -> Any:
    """A register as lzfk reads it: every scalar is text; Markdown sections are merged in."""
    source = decode_source(path.read_bytes(), path.name)
    assert isinstance(source, SourceText), path
    parsed = parse_register_text(source.text, path.name, markdown=path.suffix == ".md")
    assert parsed.tree is not None, path
    return parsed.tree.data


def _register_files(root: Path) -> list[Path]:
    files = [path for path in (root / "registers").rglob("*") if path.is_file() and is_register_candidate(path)]
    return sorted(path for path in files if not any(part.startswith(".") for part in path.relative_to(root).parts))


def _schema_errors(path: Path) -> list[str]:
    return [f"{'/'.join(map(str, error.absolute_path))}: {error.message}" for error in REGISTER.iter_errors(_instance(path))]


def _is_register(path: Path) -> bool:
    return path.suffix != ".md" or parse_register_text(path.read_text(encoding="utf-8"), "x", markdown=True).is_register


# ---------------------------------------------------------------- lzfk schema


def test_committed_schemas_are_up_to_date(invoke: Invoke, tmp_path: Path) -> None:
    sample = load_config(REPO_ROOT)
    assert isinstance(sample, Config)
    assert stale_files(SCHEMAS, sample) == []
    result = invoke("schema", "--check", "--out", str(SCHEMAS), cwd=REPO_ROOT / "registers")
    assert result.exit_code == 0
    assert "是最新的" in result.stdout


def test_schema_check_names_stale_and_missing_files(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("schema", "--out", "schemas", cwd=tmp_path).exit_code == 0
    folder = tmp_path / "schemas"
    (folder / "post.schema.json").write_text("{}\n", encoding="utf-8")
    (folder / "unit.schema.json").unlink()
    result = invoke("schema", "--check", "--out", "schemas", cwd=tmp_path)
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "schemas/post.schema.json 已过期或缺失，请运行 lzfk schema --out schemas",
        "schemas/unit.schema.json 已过期或缺失，请运行 lzfk schema --out schemas",
    ]
    assert (folder / "post.schema.json").read_text(encoding="utf-8") == "{}\n"


def test_schema_writes_draft_07_files_that_then_check_clean(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("schema", "--out", "out", cwd=tmp_path).exit_code == 0
    written = sorted(path.name for path in (tmp_path / "out").iterdir())
    assert written == SCHEMA_NAMES
    for name in written:
        schema = json.loads((tmp_path / "out" / name).read_text(encoding="utf-8"))
        assert schema["$schema"] == "http://json-schema.org/draft-07/schema#"
        assert "prefixItems" not in json.dumps(schema)
    assert invoke("schema", "--check", "--out", "out", cwd=tmp_path).exit_code == 0


# ---------------------------------------------------------------- registers against the JSON Schema


@pytest.mark.parametrize("path", _register_files(REPO_ROOT), ids=lambda path: path.relative_to(REPO_ROOT).as_posix())
def test_bundled_sample_register_passes_the_json_schema(path: Path) -> None:
    if _is_register(path):
        assert _schema_errors(path) == []


def test_bundled_sample_configuration_passes_the_json_schema() -> None:
    assert list(CONFIG.iter_errors(yaml.safe_load((REPO_ROOT / "lzfk.yaml").read_text(encoding="utf-8")))) == []


@pytest.mark.parametrize("case", sorted(path for path in VALID.iterdir() if path.is_dir()), ids=lambda path: path.name)
def test_valid_examples_pass_the_json_schema(case: Path) -> None:
    registers = [path for path in _register_files(case) if _is_register(path)]
    assert registers
    assert {path.name: _schema_errors(path) for path in registers} == {path.name: [] for path in registers}


SCHEMA_CASES = ["lz101-unknown-key", "lz102-missing-key", "lz103-wrong-type", "lz104-invalid-value", "lz105-invalid-date"]


@pytest.mark.parametrize("case", SCHEMA_CASES)
def test_files_the_validator_rejects_for_schema_reasons_fail_the_json_schema_too(case: Path) -> None:
    files = {line.split(":", 1)[0] for line in read_expected(INVALID / case)}
    assert files
    for relative in sorted(files):
        assert _schema_errors(INVALID / case / relative), relative


# ---------------------------------------------------------------- lzfk init


def _snapshot(root: Path) -> dict[str, bytes]:
    return {path.relative_to(root).as_posix(): path.read_bytes() for path in sorted(root.rglob("*")) if path.is_file()}


def test_init_creates_a_repository_that_validates_clean(invoke: Invoke, tmp_path: Path) -> None:
    result = invoke("init", "新单位", "--unit", "测试县人民医院", "--year", "2025", cwd=tmp_path)
    root = tmp_path / "新单位"
    assert result.exit_code == 0
    assert result.stdout.splitlines()[-1] == "下一步：cd 新单位 && lzfk validate"
    assert "单位: 测试县人民医院\n年度: 2025\n" in (root / "lzfk.yaml").read_text(encoding="utf-8")
    checked = run_validate(root)
    assert checked.findings == []
    assert checked.summary.registers >= 3
    config = load_config(root)
    assert isinstance(config, Config)
    assert stale_files(root / "schemas", config) == []
    for path in _register_files(root):
        if _is_register(path):
            assert _schema_errors(path) == [], path
    assert invoke("validate", cwd=root).exit_code == 0


def test_init_defaults_to_this_year(invoke: Invoke, tmp_path: Path) -> None:
    assert invoke("init", "repo", cwd=tmp_path).exit_code == 0
    assert f"\n年度: {dt.date.today().year}\n" in (tmp_path / "repo" / "lzfk.yaml").read_text(encoding="utf-8")


def test_init_never_overwrites_an_existing_file(invoke: Invoke, tmp_path: Path) -> None:
    root = tmp_path / "repo"
    (root / "registers").mkdir(parents=True)
    (root / "lzfk.yaml").write_text("单位: 已有单位\n年度: 2024\n", encoding="utf-8")
    (root / "registers" / "单位.yaml").write_bytes(b"\xb5\xa5\xce\xbb")  # GBK bytes: left exactly as they are
    result = invoke("init", "repo", cwd=tmp_path)
    assert result.exit_code == 0
    assert f"已存在，未改动 {Path('repo') / 'lzfk.yaml'}" in result.stdout
    assert f"已存在，未改动 {Path('repo') / 'registers' / '单位.yaml'}" in result.stdout
    assert (root / "lzfk.yaml").read_text(encoding="utf-8") == "单位: 已有单位\n年度: 2024\n"
    assert (root / "registers" / "单位.yaml").read_bytes() == b"\xb5\xa5\xce\xbb"
    assert (root / "registers" / "办公室" / "科室.yaml").is_file()
    before = _snapshot(root)
    again = invoke("init", "repo", "--unit", "别的单位", cwd=tmp_path)
    assert again.exit_code == 0
    assert "已创建" not in again.stdout
    assert _snapshot(root) == before


def test_init_refuses_a_file_as_the_target(invoke: Invoke, tmp_path: Path) -> None:
    (tmp_path / "repo").write_text("", encoding="utf-8")
    result = invoke("init", "repo", cwd=tmp_path)
    assert result.exit_code == 2
    assert "已存在且不是目录" in result.stderr
