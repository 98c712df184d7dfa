"""Which registers were changed after their 审定, for the documents' approval marks.

The answer comes from the same walk ``lzfk audit`` makes (LZ404); outside a git checkout
(or in a shallow clone, whose history is incomplete) only the registers' own dates are known
and the set is empty.
"""

from __future__ import annotations

import datetime as dt

from lianzheng_cli.errors import LzfkError
from lianzheng_cli.repository import Repository


def changed_after_approval(repository: Repository, as_of: dt.date) -> frozenset[str]:
    """编号 of the registers whose content changed in a commit after the one recording their 审定."""
    from lianzheng_cli.history.audit import audit
    from lianzheng_cli.history.compare import open_source

    try:
        source = open_source(repository)
        with source.repo:
            if source.repo.is_shallow():
                return frozenset()
            result = audit(source, as_of=as_of)
    except LzfkError:
        return frozenset()
    paths = {finding.path for finding in result.findings if finding.code == "LZ404"}
    return frozenset(at.id for at in result.registers if at.path in paths)
