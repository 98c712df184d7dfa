"""lzfk: integrity-risk registers (廉政风险防控) kept as text in git."""

__version__ = "0.1.0"
