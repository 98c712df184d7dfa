"""Reading register files: bytes → text → YAML tree with positions → models.

This package is the only place that reads YAML into data (PyYAML's libyaml event parser,
with positions). Single values are written back by splicing them at those positions
(``loader.splice``), which keeps every other byte. Where lzfk must insert keys or list
items (``lzfk import``: new files, new risk points, withdrawals), ``importing.emit`` uses
ruamel.yaml's round trip, which keeps comments and order but may re-flow spacing; what it
writes is read back here and compared before it replaces a file.
"""
