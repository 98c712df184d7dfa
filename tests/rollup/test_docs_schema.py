"""docs/rollup.md documents every table and column of the export schema, with its type."""

from __future__ import annotations

import re

from lianzheng_cli.exporting.tables import DIGEST, DIGEST_COLUMNS, DIGEST_SCHEMA, SCHEMAS
from tests.helpers import REPO_ROOT

DOC = REPO_ROOT / "docs" / "rollup.md"


def test_every_column_is_documented_under_its_table() -> None:
    text = DOC.read_text(encoding="utf-8")
    sections = dict(re.findall(r"^### (\w+)：.*?\n(.*?)(?=^### |^## )", text, re.MULTILINE | re.DOTALL))
    assert sorted(sections) == sorted([*SCHEMAS, DIGEST])
    for table, schema in [*SCHEMAS.items(), (DIGEST, DIGEST_SCHEMA)]:
        rows = re.findall(r"^\| `(\w+)` \| ([^|]+) \| ([是否]) \|", sections[table], re.MULTILINE)
        expected = [
            (field.name, str(field.type).replace("list<element: string>", "list<string>"), "是" if field.nullable else "否")
            for field in schema
        ]
        assert [(name, kind.strip(), null) for name, kind, null in rows] == expected, table


def test_the_digest_slots_are_documented() -> None:
    text = DOC.read_text(encoding="utf-8")
    documented = {
        table: re.findall(r"`(\w+)` → `(\w+)`", slots)
        for table, slots in re.findall(r"^\| `(\w+)` \| (`.*→.*) \|$", text, re.MULTILINE)
    }
    assert documented == {table: list(slots.items()) for table, slots in DIGEST_COLUMNS.items()}
