"""The report of ``lzfk log`` kept for the next identical run: the history up to a commit never changes.

An entry is keyed by lzfk's code (the store's stamp), the report's format, the 编号, the commit,
where lzfk.yaml sits in the git repository and the bytes of the current lzfk.yaml (its 登记目录,
and the settings used for revisions that have none). It is kept and replayed only while
``GitRepo.pinned`` vouches that the commit id alone fixes what git shows (not in a shallow
clone, nor with replace refs or grafts). The paths in lzfk.yaml that must stay inside the
repository are checked again at every replay: a folder can become a link to elsewhere.
Standard library, gitio and the cache only, so the light entry path (``history_entry``) replays
without the parsers, pydantic, typer or rich.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from pathlib import Path

from lianzheng_cli.cache import ParsedBlobs
from lianzheng_cli.history.gitio import GitRepo
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CONFIG_FILE, inside_root


def _key(store: ParsedBlobs, repo: GitRepo, root: Path, sha: str, ident: str, name: str) -> str | None:
    try:
        config = read_bytes(root / CONFIG_FILE, root)[0]
    except OSError:
        return None
    digest = hashlib.blake2b(config, digest_size=20).hexdigest()
    return store.key("log", name, ident, sha, repo.prefix, str(root), digest)


def replay_log(root: Path, repo: GitRepo, rev: str, ident: str, name: str) -> str | None:
    """The report a run with these arguments printed before, or None when there is none to trust."""
    sha = repo.pinned(rev)
    if sha is None:
        return None
    store = ParsedBlobs(root)
    try:
        key = _key(store, repo, root, sha, ident, name)
        found = store.get_many([key], tuple).get(key) if key else None
    finally:
        store.close()
    if not isinstance(found, tuple) or len(found) != 2:
        return None
    text, paths = found
    if not isinstance(text, str) or not isinstance(paths, tuple) or not all(isinstance(p, str) for p in paths):
        return None
    return text if all(inside_root(root, path) for path in paths) else None


def keep_log(
    store: ParsedBlobs, root: Path, repo: GitRepo, rev: str, ident: str, name: str, text: str, paths: Sequence[str]
) -> None:
    """Remember a report for replay_log; paths are the lzfk.yaml paths that must stay inside the repository."""
    sha = repo.pinned(rev)
    key = _key(store, repo, root, sha, ident, name) if sha is not None else None
    if key is not None:
        store.put_many([(key, (text, tuple(paths)))])
