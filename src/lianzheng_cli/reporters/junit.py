"""``--format junit``: JUnit XML as Jenkins, Gitea and GitLab read it (documented in docs/output.md).

One ``testsuite`` per file with findings, one ``testcase`` per finding: an error is a
``failure``; a warning or a note passes and carries its text in ``system-out``. A last
suite, ``lzfk``, holds the summary sentence, so a clean run still reports one passing test.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from itertools import groupby
from typing import TextIO

from lianzheng_cli import __version__
from lianzheng_cli.findings import Finding, Severity
from lianzheng_cli.reporters.common import FINDINGS_JSON_VERSION, summary_sentence
from lianzheng_cli.results import ValidationResult


def document(result: ValidationResult) -> ET.Element:
    suites = ET.Element("testsuites", name="lzfk")
    for path, group in groupby(result.findings, key=lambda f: f.path):
        _suite(suites, path, list(group))
    summary = _suite(suites, "lzfk", [])
    ET.SubElement(ET.SubElement(summary, "testcase", name="汇总", classname="lzfk"), "system-out").text = summary_sentence(
        result.summary
    )
    summary.set("tests", "1")
    tests = sum(int(s.get("tests", "0")) for s in suites)
    failures = sum(int(s.get("failures", "0")) for s in suites)
    suites.set("tests", str(tests))
    suites.set("failures", str(failures))
    suites.set("errors", "0")
    return suites


def _suite(parent: ET.Element, name: str, findings: list[Finding]) -> ET.Element:
    failures = sum(f.severity is Severity.ERROR for f in findings)
    suite = ET.SubElement(
        parent, "testsuite", name=name, tests=str(len(findings)), failures=str(failures), errors="0", skipped="0"
    )
    if name != "lzfk":
        suite.set("file", name)
    properties = ET.SubElement(suite, "properties")
    ET.SubElement(properties, "property", name="lzfk.version", value=__version__)
    ET.SubElement(properties, "property", name="lzfk.format_version", value=str(FINDINGS_JSON_VERSION))
    for finding in findings:
        _case(suite, finding)
    return suite


def _case(suite: ET.Element, finding: Finding) -> None:
    case = ET.SubElement(
        suite, "testcase", name=f"{finding.code} {finding.line}:{finding.column}", classname=finding.path, time="0"
    )
    text = f"{finding.path}:{finding.line}:{finding.column}: {finding.message}" + (
        f"\n提示：{finding.hint}" if finding.hint else ""
    )
    if finding.severity is Severity.ERROR:
        failure = ET.SubElement(case, "failure", message=finding.message, type=finding.code)
        failure.text = text
    else:
        ET.SubElement(case, "system-out").text = f"{finding.severity.label}：{text}"


def report(result: ValidationResult, out: TextIO) -> None:
    tree = document(result)
    ET.indent(tree)
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(tree, encoding="unicode") + "\n")
