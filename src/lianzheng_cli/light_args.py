"""Command-line arguments read without typer, for the light paths (``entry``, ``history_entry``).

They answer a run only when its arguments are recognised exactly; anything else (``--help``, an
unknown option, a value missing, an option given twice) is None, and the full command line,
which typer reads, decides.
"""

from __future__ import annotations

FLAG = ""  # the value recorded for a flag that was given


def options(
    args: list[str],
    known: dict[str, str],
    repeatable: frozenset[str] = frozenset(),
    flags: dict[str, str] | None = None,
) -> tuple[list[str], dict[str, list[str]]] | None:
    """Positional arguments and option values (each option's in order; a given flag's is ``[FLAG]``)
    as typer reads them; None for anything else, including an option given twice that typer would
    take the last of."""
    switches = flags or {}
    positional: list[str] = []
    found: dict[str, list[str]] = {}
    rest = iter(args)
    for arg in rest:
        if arg in switches:
            name, value, names = arg, FLAG, switches
        elif arg.startswith("--") and "=" in arg:
            (name, value), names = arg.split("=", 1), known
        elif arg in known:
            name, value, names = arg, next(rest, None), known  # type: ignore[assignment]
        elif arg.startswith("-"):
            return None  # --help, --deepen, --out, -- …: the full path decides
        else:
            positional.append(arg)
            continue
        if name not in names or value is None or (names[name] in found and names[name] not in repeatable):
            return None
        found.setdefault(names[name], []).append(value)
    return positional, found
