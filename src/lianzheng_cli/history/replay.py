"""Reports of ``lzfk log`` and ``lzfk diff`` kept for the next identical run: history up to a
commit never changes.

An entry is keyed by lzfk's code (the store's stamp), the command and its report's format and
arguments, the commits it read, where lzfk.yaml sits in the git repository and the bytes of the
current lzfk.yaml (its 登记目录, and the settings used for revisions that have none). It is kept
and replayed only while ``GitRepo.pinned`` vouches that the commit ids alone fix what git shows
(not in a shallow clone, nor with replace refs or grafts). A report that involved the working
tree is never kept. The paths in lzfk.yaml that must stay inside the repository are checked again
at every replay: a folder can become a link to elsewhere. Standard library, gitio and the cache
only, so the light entry path (``history_entry``) replays without the parsers, pydantic, typer
or rich.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from lianzheng_cli.cache import ParsedBlobs
from lianzheng_cli.history.endpoints import Side
from lianzheng_cli.history.gitio import GitRepo
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CONFIG_FILE, inside_root


def _key(store: ParsedBlobs, repo: GitRepo, root: Path, parts: Sequence[str]) -> str | None:
    try:
        config = read_bytes(root / CONFIG_FILE, root)[0]
    except OSError:
        return None
    digest = hashlib.blake2b(config, digest_size=20).hexdigest()
    return store.key(*parts, repo.prefix, str(root), digest)


def log_parts(repo: GitRepo, rev: str, ident: str, name: str) -> list[str] | None:
    """What a ``log`` report is keyed by, or None when it may not be kept."""
    sha = repo.pinned(rev)
    return None if sha is None else ["log", name, ident, sha]


def diff_parts(repo: GitRepo, old: Side, new: Side, name: str) -> list[str] | None:
    """What a ``diff`` report is keyed by, or None when it may not be kept (the working tree is a side)."""
    if old.sha is None or new.sha is None or repo.pinned_commits([old.sha, new.sha]) is None:
        return None
    return ["diff", name, old.label, old.how, old.sha, new.label, new.how, new.sha]


def replay(root: Path, repo: GitRepo, parts: Sequence[str]) -> str | None:
    """The report a run with these parts printed before, or None when there is none to trust."""
    store = ParsedBlobs(root)
    try:
        key = _key(store, repo, root, parts)
        found = store.get_many([key], tuple).get(key) if key else None
    finally:
        store.close()
    if not isinstance(found, tuple) or len(found) != 2:
        return None
    text, paths = found
    if not isinstance(text, str) or not isinstance(paths, tuple) or not all(isinstance(p, str) for p in paths):
        return None
    return text if all(inside_root(root, path) for path in paths) else None


def keep(store: ParsedBlobs, root: Path, repo: GitRepo, parts: Sequence[str], text: str, paths: Sequence[str]) -> None:
    """Remember a report for replay; paths are the lzfk.yaml paths that must stay inside the repository."""
    key = _key(store, repo, root, parts)
    if key is not None:
        store.put_many([(key, (text, tuple(paths)))])
