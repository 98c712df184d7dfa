"""``lzfk rollup``: many units' exported tables summarised on embedded DuckDB with editable SQL files."""
