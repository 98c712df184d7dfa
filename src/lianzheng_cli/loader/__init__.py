"""Reading register files: bytes → text → YAML tree with positions → models.

This package is the only place that parses YAML (PyYAML's libyaml event parser, with
positions). Writing back is done by splicing values at those positions
(``grading.write``), which keeps every other byte; a round-trip dumper such as
ruamel.yaml re-flows quoting and spacing, so the project does not use one.
"""
