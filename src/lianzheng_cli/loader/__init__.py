"""Reading register files: bytes → text → YAML tree with positions → models.

This package is the only place that parses YAML (PyYAML's C event parser for speed)
or writes it back (ruamel.yaml, round-trip, in ``roundtrip``).
"""
