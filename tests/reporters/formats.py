"""Validate lzfk's CI outputs against the consumers' published schemas (vendored in schemas/)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from lxml import etree

SCHEMAS = Path(__file__).parent / "schemas"
SARIF_SCHEMA = SCHEMAS / "sarif-schema-2.1.0.json"
GITLAB_SCHEMA = SCHEMAS / "gitlab-codequality.schema.json"
JUNIT_XSD = SCHEMAS / "junit-10.xsd"


def check_jsonschema(schema: Path, instance: Path) -> None:
    """Run check-jsonschema (a dev dependency) the way CI would, failing with its own message."""
    done = subprocess.run(
        [sys.executable, "-m", "check_jsonschema", "--schemafile", str(schema), str(instance)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def check_junit(xml: Path) -> etree._Element:
    schema = etree.XMLSchema(etree.parse(str(JUNIT_XSD)))
    document = etree.parse(str(xml))
    assert schema.validate(document), schema.error_log
    return document.getroot()
