"""`lzfk export`: the register repository written out in other formats.

Each format's command lives in its own module and registers itself on ``export_app``
(``cli/__init__.py`` imports those modules), so formats are added without touching each other.
"""

from __future__ import annotations

import typer

export_app = typer.Typer(help="导出：把登记库导出为汇总表、数据表等其他格式", no_args_is_help=True)
