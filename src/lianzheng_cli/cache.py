"""``.lzfk_cache/``: the one owner of everything lzfk keeps between runs.

Three stores share one SQLite database beside lzfk.yaml, opened only here:
- ``results``: per-file validation outcomes, keyed by the file's content, suffix, path and a
  fingerprint of everything else they depend on (lzfk's code, the configuration, the rules);
- ``runs``: the record of a whole run, replayed when nothing it depends on changed, so that
  an unchanged repository is answered without parsing (``replay``); with its own stat index
  and, for a run over the whole folder, the run taken apart (``RunParts``), from which a run
  after a few edits re-checks only the edited files;
- ``stats``: size, mtime and inode per file, so an untouched file is not even re-read
  (git's index trick, with its "racy" guard).
Each run record is also written to a sealed file of its own for the quick replay
(``quick_replay``, which owns the machine key, the code stamp and the stamps' comparison).
Generated artefacts (flowcharts) live in sub-folders named by ``folder``. Outside any
repository, folders keyed by everything they were made from (``stored``/``new_store``/
``commit_store``) live in the user's cache folder: a rollup's loaded tables. Standard library
only: the replay fast path runs before any heavy import. A cache failure only ever costs
speed; it is never an error.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sqlite3
import time
from array import array
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from stat import S_ISREG

from lianzheng_cli import quick_replay as quick
from lianzheng_cli.findings import Finding, display_path
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CACHE_DIR, CONFIG_FILE, LEDGER_DIR, ledger_listing, locate_root, walk_registers
from lianzheng_cli.quick_replay import RACY_NS as RACY_NS
from lianzheng_cli.quick_replay import code_stamp as code_stamp
from lianzheng_cli.quick_replay import digest as digest
from lianzheng_cli.quick_replay import file_stamp as file_stamp
from lianzheng_cli.quick_replay import target_files as target_files
from lianzheng_cli.results import ValidationResult

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing (~8 ms of every replay); mypy knows the name
if TYPE_CHECKING:
    from typing import Any

    from lianzheng_cli.register_facts import RegisterFacts

DB_NAME = "results.sqlite3"
RECORD_FORMAT = 3
_BATCH = 500
_WHOLE_INDEX = 2_000  # above this many files, the stat index is read whole
_UNPICKLING_ERRORS = (
    pickle.UnpicklingError,
    EOFError,
    AttributeError,
    ImportError,
    TypeError,
    ValueError,
    IndexError,
    KeyError,
    RecursionError,
    MemoryError,
    OverflowError,
)
# What a cached value may be made of. .lzfk_cache can arrive in a pull request like any
# other file, and a plain pickle.loads of it would run whatever it names.
_SAFE_BUILTINS = frozenset(("set", "frozenset", "tuple", "list", "dict", "str", "bytes", "int", "float", "bool", "complex"))
_SAFE_PATHS = frozenset(("PosixPath", "WindowsPath", "PurePosixPath", "PureWindowsPath", "Path"))


_MAC_SIZE = quick.MAC_SIZE


def user_cache_dir() -> Path:
    """lzfk's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache), never in a repository."""
    return Path(quick.user_cache_path())


_seal_key_mac = quick.mac


def seal(data: bytes) -> str:
    """A hex HMAC of data under this machine's key: what an artefact in the cache must carry."""
    return _seal_key_mac(data).hex()


def sealed(data: bytes, mac: str) -> bool:
    import hmac

    return hmac.compare_digest(seal(data), mac)


# Classes already allowed and found: thousands of small entries name the same few classes.
_FOUND: dict[tuple[str, str], Any] = {}


class _CacheUnpickler(pickle.Unpickler):
    def find_class(self, module: str, name: str) -> Any:
        found = _FOUND.get((module, name))
        if found is not None:
            return found
        allowed = (
            module.startswith("lianzheng_cli.")
            or (module == "builtins" and name in _SAFE_BUILTINS)
            or (module in ("pathlib", "pathlib._local") and name in _SAFE_PATHS)
            or (module == "datetime" and name == "date")  # the dates of 审核 and 审定 in parsed registers
        )
        if not allowed:
            raise pickle.UnpicklingError(f"{module}.{name} is not a cache type")
        found = _FOUND[(module, name)] = super().find_class(module, name)
        return found


def _dumps(value: Any) -> bytes:
    data = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _seal_key_mac(data) + data


def _loads(blob: bytes, kind: type | tuple[type, ...]) -> Any:
    """A cached value, or UnpicklingError when it is not one this machine's lzfk wrote (of the expected type).

    Every blob carries an HMAC under a key kept outside the repository (see quick_replay.machine_key),
    so a cache committed to a pull request, or copied from another machine, is only a miss:
    it can neither forge a pass nor get a pickle run.
    """
    import hmac
    import io

    mac, data = blob[:_MAC_SIZE], blob[_MAC_SIZE:]
    if not isinstance(blob, bytes) or not hmac.compare_digest(mac, _seal_key_mac(data)):
        raise pickle.UnpicklingError("cache entry not sealed by this machine")
    value = _CacheUnpickler(io.BytesIO(data)).load()
    if not isinstance(value, kind):
        raise pickle.UnpicklingError(f"cached value is a {type(value).__name__}")
    return value


_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS results (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS runs (key TEXT PRIMARY KEY, value BLOB NOT NULL)",
    "CREATE TABLE IF NOT EXISTS stats (path TEXT PRIMARY KEY, size INTEGER, mtime INTEGER, ino INTEGER, digest TEXT)",
)


def folder(root: Path, name: str) -> Path:
    """A sub-folder of the cache for generated artefacts (created by its user)."""
    return root / CACHE_DIR / name


def open_db(root: Path, *, create: bool) -> sqlite3.Connection | None:
    location = root / CACHE_DIR
    if not create and not (location / DB_NAME).is_file():
        return None
    try:
        if create:
            location.mkdir(exist_ok=True)
            ignore = location / ".gitignore"
            if not ignore.exists():
                ignore.write_text("# lzfk 的缓存，可随时删除\n*\n", encoding="utf-8")
        db = sqlite3.connect(location / DB_NAME, timeout=5)
        db.execute("PRAGMA journal_mode=WAL")
        db.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            db.execute(statement)
        return db
    except (OSError, sqlite3.Error):
        return None


# -- per-file results ----------------------------------------------------------------


def content_key(content_digest: str, suffix: str, fingerprint: str) -> str:
    """The key of a file's result: its content's digest plus everything else it depends on."""
    key = hashlib.blake2b(content_digest.encode(), digest_size=20)
    key.update(b"\0" + suffix.encode() + b"\0" + fingerprint.encode())
    return key.hexdigest()


class ResultCache:
    _TABLE = "results"

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        self._db = open_db(root, create=True) if enabled else None

    @property
    def enabled(self) -> bool:
        return self._db is not None

    def get_many(self, keys: list[str], kind: type | tuple[type, ...] = object) -> dict[str, Any]:
        """Stored results of keys, each an instance of kind; a corrupt or foreign entry is a miss."""
        if self._db is None or not keys:
            return {}
        found: dict[str, Any] = {}
        try:
            for start in range(0, len(keys), _BATCH):
                chunk = keys[start : start + _BATCH]
                marks = ",".join("?" * len(chunk))
                for key, value in self._db.execute(f"SELECT key, value FROM {self._TABLE} WHERE key IN ({marks})", chunk):
                    try:
                        found[key] = _loads(value, kind)
                    except _UNPICKLING_ERRORS:
                        continue  # recomputed, and stored again over it
        except sqlite3.Error:
            return {}
        return found

    def put_many(self, items: Iterable[tuple[str, Any]]) -> None:
        self.put_sealed((key, _dumps(value)) for key, value in items)

    def put_sealed(self, items: Iterable[tuple[str, bytes]]) -> None:
        """Store values already sealed by sealed_value."""
        if self._db is None:
            return
        try:
            with self._db:
                self._db.executemany(f"INSERT OR REPLACE INTO {self._TABLE} VALUES (?, ?)", list(items))
        except sqlite3.Error:
            return

    def prune(self, keep: set[str]) -> None:
        """Drop results of files that no longer exist, once they outnumber the live ones."""
        if self._db is None:
            return
        try:
            total = self._db.execute(f"SELECT COUNT(*) FROM {self._TABLE}").fetchone()[0]
            if total <= 2 * len(keep) + 100:
                return
            with self._db:
                self._db.execute("CREATE TEMP TABLE keep (key TEXT PRIMARY KEY)")
                self._db.executemany("INSERT INTO keep VALUES (?)", ((k,) for k in keep))
                self._db.execute(f"DELETE FROM {self._TABLE} WHERE key NOT IN (SELECT key FROM keep)")
                self._db.execute("DROP TABLE keep")
        except sqlite3.Error:
            return

    def trusted_digests(self, paths: list[str]) -> dict[str, tuple[str, tuple[int, int, int]]]:
        """path → (digest, (size, mtime_ns, inode)) for the files the stat index vouches for:
        unchanged since they were indexed, and not changed too recently to tell."""
        if self._db is None or not paths:
            return {}
        try:
            known = _known_stats(self._db, paths)
        except sqlite3.Error:
            return {}
        now = time.time_ns()
        trusted = {}
        for path in paths:
            seen = known.get(path)
            if seen is None:
                continue
            try:
                st = os.lstat(path)  # a link is always read, so that where it points is checked
            except (OSError, ValueError):
                continue
            stat = file_stamp(st)
            recent = now - max(st.st_mtime_ns, st.st_ctime_ns) <= RACY_NS
            if S_ISREG(st.st_mode) and seen[:3] == stat and not recent and seen[3]:
                trusted[path] = (seen[3], stat)
        return trusted

    def close(self) -> None:
        if self._db is not None:
            self._db.close()


def sealed_value(value: Any) -> bytes:
    """value as the cache stores it (pickled, under this machine's seal); made where it is computed,
    e.g. in a worker process, so that the process storing it does not pickle it again.
    Call ready_to_seal() before forking such workers, so that they share this process's key."""
    return _dumps(value)


def ready_to_seal() -> None:
    quick.machine_key()


def unsealed_value(blob: bytes, kind: type | tuple[type, ...]) -> Any:
    return _loads(blob, kind)


class LoadedFiles(ResultCache):
    """Register files as ``loading`` keeps them (the model, the outcome, the grades), keyed
    like ``results`` by content, suffix, path and the checker's fingerprint: a command that
    loads the repository (the exports) parses and checks only the files changed since the
    last load. Its own table: validate's pruning leaves it alone, and it is pruned by its own
    user."""

    _TABLE = "loaded"

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        super().__init__(root, enabled=enabled)
        if self._db is not None:
            try:
                self._db.execute(f"CREATE TABLE IF NOT EXISTS {self._TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
            except sqlite3.Error:
                self.close()
                self._db = None


_STAMP_KEY = "lzfk-version"  # not a hex digest: never the key of an entry


class ParsedBlobs(ResultCache):
    """Register files of git history as the history commands parsed them, keyed by the git blob
    ids they were parsed from (content-addressed: a blob's content never changes), the path
    they were shown under and lzfk's code. Its own table, so validate's pruning leaves it alone."""

    _TABLE = "blobs"

    def __init__(self, root: Path, *, enabled: bool = True) -> None:
        super().__init__(root, enabled=enabled)
        self._stamp = code_stamp() if self._db is not None else ""
        if self._db is not None:
            try:
                self._start()
            except sqlite3.Error:
                self.close()
                self._db = None

    def _start(self) -> None:
        """The table, emptied when another version of lzfk wrote it: its entries could never be read again,
        so it holds only what this lzfk can use (about what the git history holds, parsed)."""
        assert self._db is not None
        self._db.execute(f"CREATE TABLE IF NOT EXISTS {self._TABLE} (key TEXT PRIMARY KEY, value BLOB NOT NULL)")
        stamp = self._stamp.encode("utf-8", "surrogateescape")
        row = self._db.execute(f"SELECT value FROM {self._TABLE} WHERE key = ?", (_STAMP_KEY,)).fetchone()
        if row is None or row[0] != stamp:
            with self._db:
                self._db.execute(f"DELETE FROM {self._TABLE}")
                self._db.execute(f"INSERT INTO {self._TABLE} VALUES (?, ?)", (_STAMP_KEY, stamp))

    def key(self, *parts: str) -> str:
        return hashlib.blake2b("\0".join((self._stamp, *parts)).encode("utf-8", "surrogateescape"), digest_size=20).hexdigest()


# -- replaying a whole run -------------------------------------------------------------


Entry = tuple[int, int, int, str]  # a file's stamp (see file_stamp) and its content's digest


@dataclass(frozen=True)
class RunParts:
    """A whole run taken apart, so that a run after a few edits re-checks only the edited
    files and keeps everything else: the findings of each file's own checks, the cross-file
    findings (valid while no file's facts changed), and the totals."""

    fingerprint: str  # the checker's: lzfk's code, the configuration, the rules
    own: dict[str, tuple[Finding, ...]]  # absolute path → its own findings (files with findings only)
    cross: tuple[Finding, ...]  # every other finding: across files, the 台账, standards, schemas
    registers: int
    risk_points: int
    facts_token: str = ""  # names the RunFacts stored with this run ("" when none)


@dataclass(frozen=True)
class FileIndex:
    """A run's own stat index, compact: every replay loads it, and one comparison of the
    names and one of the stamps tell that no file changed (no dict of 20,000 entries)."""

    names: str  # the absolute paths, sorted, joined by NUL
    stamps: bytes  # array("Q") of size, folded mtime and ctime, and inode per path (see file_stamp)
    digests: str  # the paths' content digests, joined by NUL ("" for a file that could not be read)

    def __reduce__(self) -> tuple[type[FileIndex], tuple[str, bytes, str]]:
        return (FileIndex, (self.names, self.stamps, self.digests))  # without the cached properties

    @classmethod
    def of(cls, files: dict[str, Entry]) -> FileIndex:
        names = sorted(files)
        stamps = quick.packed_stamps([files[name][:3] for name in names])
        return cls("\0".join(names), stamps, "\0".join(files[name][3] for name in names))

    @cached_property
    def paths(self) -> list[str]:
        return self.names.split("\0") if self.names else []

    @cached_property
    def _digests(self) -> list[str]:
        digests = self.digests.split("\0") if self.names else []
        if len(digests) != len(self.paths) or len(self.stamps) != 24 * len(self.paths):
            raise ValueError("a damaged stat index")
        return digests

    def digest_at(self, position: int) -> str:
        return self._digests[position]

    def entries(self) -> dict[str, Entry]:
        words = self._words()
        return {name: (*words[3 * i : 3 * i + 3], self._digests[i]) for i, name in enumerate(self.paths)}  # type: ignore[misc]

    def _words(self) -> array[int]:
        words = array("Q")
        words.frombytes(self.stamps)
        return words

    def suspects(self, files: list[str], statuses: list[os.stat_result] | None = None) -> list[int]:
        """The positions of files (the indexed names, in order) whose stamp is not as indexed,
        changed too recently to tell (git's racy case) or that are not regular files: only
        those need reading to know whether they changed. statuses: the files' os.stat, when
        just taken."""
        if statuses is None:
            statuses = list(map(os.stat, files))
        if quick.stamps_unchanged(statuses, self.stamps, RACY_NS):
            return []
        indexed = self._words()
        self._digests  # noqa: B018 — a damaged index fails here, before any file is read
        recent = time.time_ns() - RACY_NS
        return [
            i
            for i, st in enumerate(statuses)
            if tuple(indexed[3 * i : 3 * i + 3]) != file_stamp(st)
            or max(st.st_mtime_ns, st.st_ctime_ns) >= recent
            or not S_ISREG(st.st_mode)
        ]

    def patched(self, fresh: dict[int, Entry]) -> FileIndex:
        """The index with the entries at some positions replaced (same names)."""
        if not fresh:
            return self
        words, digests = self._words(), list(self._digests)
        for i, entry in fresh.items():
            words[3 * i : 3 * i + 3] = array("Q", quick.packed_stamps([entry[:3]]))
            digests[i] = entry[3]
        return FileIndex(self.names, words.tobytes(), "\0".join(digests))


@dataclass(frozen=True)
class RunRecord:
    dependencies: dict[str, str]  # path relative to root → digest (lzfk.yaml, rule files, ledger)
    register_dir: str
    index: FileIndex  # every file the run checked (absolute path): the run's own stat index
    result: ValidationResult
    parts: RunParts | None = None  # a run over the whole register folder only


@dataclass(frozen=True)
class Walked:
    """What a failed replay found: the folder's files, the record it could not replay (the
    last whole run, for an incremental one) and, when the files are the indexed ones, the
    entries of those it read again (by position in the index), or None when files were
    added, removed or renamed."""

    files: list[str]
    fresh: dict[int, Entry] | None
    record: RunRecord


@dataclass(frozen=True, slots=True)
class FileStat:
    """What the stat index keeps of a file: enough to trust its digest without reading it."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    digest: str


def targets_key(targets: list[Path] | None) -> str:
    """What a run was asked to check, as part of its record's key ("" for the whole folder)."""
    return quick.targets_key([os.fspath(t) for t in targets] if targets else None)


# What a failed replay found in the folder it walked, for the run that follows it in this process.
_walks: dict[str, Walked] = {}
# Runs this process already failed to replay (the console script tries before its heavy
# imports, the full path would try again): a miss stands until a new record is written.
_missed: set[tuple[str, str]] = set()


def _run_key(targets: str) -> str:
    return f"{code_stamp()}|{RECORD_FORMAT}|{targets}"


def replay(start: Path, targets: str) -> ValidationResult | None:
    """The stored result when nothing it depends on changed; None otherwise."""
    root = locate_root(start)
    if root is None or (str(root), targets) in _missed:
        return None
    found = _replay(root, targets)
    if found is None:
        _missed.add((str(root), targets))
    return found


def _replay(root: Path, targets: str) -> ValidationResult | None:
    db = open_db(root, create=False)
    if db is None:
        return None
    try:
        row = db.execute("SELECT value FROM runs WHERE key = ?", (_run_key(targets),)).fetchone()
        if row is None:
            return None
        record: RunRecord = _loads(row[0], RunRecord)
        if not isinstance(record.dependencies, dict) or not _well_formed(record.index):
            return None
        if not isinstance(record.result, ValidationResult):
            return None
        if record.result.root != root or not _dependencies_unchanged(root, record.dependencies):
            return None
        folder = root / record.register_dir
        walk = quick.walk_of(str(root), targets)
        statuses = None
        if walk is not None:  # the quick replay just walked the same folder: its files and stats
            files, statuses = walk
        else:
            files = target_files(targets) if targets else walk_registers(folder)
        fresh = _fresh(files, record.index, statuses)
        if fresh is not None and all(entry[3] == record.index.digest_at(i) for i, entry in fresh.items()):
            return record.result
        if not targets:
            _walks[os.path.realpath(folder)] = Walked(files, fresh, record)
        return None
    except (sqlite3.Error, OSError, *_UNPICKLING_ERRORS):
        return None
    finally:
        db.close()


def _well_formed(index: object) -> bool:
    return (
        isinstance(index, FileIndex)
        and isinstance(index.names, str)
        and isinstance(index.stamps, bytes)
        and isinstance(index.digests, str)
    )


def _fresh(files: list[str], index: FileIndex, statuses: list[os.stat_result] | None = None) -> dict[int, Entry] | None:
    """The stamp and digest of each file the index cannot vouch for, read again (by position);
    None when files are not the indexed ones. One stat per file otherwise, the least any check
    for changes can do."""
    if "\0".join(files) != index.names:
        return None
    fresh: dict[int, Entry] = {}
    for i in index.suspects(files, statuses):
        data, st = read_bytes(files[i])
        fresh[i] = (*file_stamp(st), digest(data))
    return fresh


def walked(folder: Path) -> Walked | None:
    """What a failed replay just found in folder (once), or None."""
    return _walks.pop(os.path.realpath(folder), None)


@dataclass(frozen=True)
class RunFacts:
    """The cross-file facts of every file of a whole run, by position in its index: what the
    cross-file checks need when an edit changed some file's facts. Stored beside the run
    record, never inside it (a replay does not load them): a base written by a whole run,
    and the entries changed since, written by the incremental runs (a few at a time)."""

    token: str  # the same in the base, its changes and the RunParts of the record they belong to
    entries: dict[int, FileFacts]


FileFacts = tuple["RegisterFacts | None", bool]  # a file's facts (None: none could be read) and whether it is a register
_FACTS_KEPT_APART = 500  # changed entries beyond this are folded into the base


def new_facts_token() -> str:
    return os.urandom(8).hex()


def remember(
    root: Path,
    targets: str,
    record: RunRecord,
    stats: Iterable[FileStat],
    facts: RunFacts | None = None,
    *,
    base: bool = True,
) -> None:
    """Store a run's record and the stat index of the files it read; with facts, its RunFacts:
    the whole base (base=True) or the entries changed since the base (they replace the last ones)."""
    _missed.discard((str(root), targets))
    db = open_db(root, create=True)
    if db is None:
        return
    stamp = f"{code_stamp()}|"
    key = _run_key(targets)
    try:
        with db:
            # Records of another lzfk are never replayed again: they only take room.
            db.execute("DELETE FROM runs WHERE substr(key, 1, ?) != ?", (len(stamp), stamp))
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (key, _dumps(record)))
            if base:
                db.execute("DELETE FROM runs WHERE key IN (?, ?)", (key + "|facts", key + "|facts-changed"))
            if facts is not None:
                db.execute(
                    "INSERT OR REPLACE INTO runs VALUES (?, ?)", (key + ("|facts" if base else "|facts-changed"), _dumps(facts))
                )
            rows = ((item.path, item.size, item.mtime_ns, item.inode, item.digest) for item in stats if _storable(item.path))
            db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?)", rows)
    except sqlite3.Error:
        quick.discard(str(root), targets)
        return
    finally:
        db.close()
    _keep_quick(root, targets, record)


def _keep_quick(root: Path, targets: str, record: RunRecord) -> None:
    """The record as the quick replay reads it (quick_replay.read)."""
    from lianzheng_cli.reporters.common import summary_sentence

    result = record.result
    # What the plain text report of a clean result is (reporters.text): printed by the quick
    # replay without importing the result's classes. None: the result is opened and reported.
    sentence = summary_sentence(result.summary) if not result.findings and not result.config_failed else None
    index = record.index
    kept = (str(result.root), record.register_dir, record.dependencies, index.names, index.stamps, sentence, _dumps(result))
    quick.write(str(root), targets, kept)


def replayed_result(sealed: bytes) -> ValidationResult | None:
    """The result a quick replay answered with (quick_replay.replay), or None when it cannot be opened."""
    try:
        result: ValidationResult = _loads(sealed, ValidationResult)
    except _UNPICKLING_ERRORS:
        return None
    return result


def run_facts(root: Path, targets: str, token: str, *, base: bool) -> RunFacts | None:
    """The stored RunFacts of the run whose parts carry token: the base merged with the changes
    since (base=True), or the changes only; None when missing or not of that run."""
    if not token:
        return None
    db = open_db(root, create=False)
    if db is None:
        return None
    key = _run_key(targets)
    wanted = [key + "|facts-changed", *([key + "|facts"] if base else [])]
    try:
        found: dict[str, RunFacts] = {}
        for name, value in db.execute(f"SELECT key, value FROM runs WHERE key IN ({','.join('?' * len(wanted))})", wanted):
            found[name] = _loads_quietly(value, RunFacts)
    except (sqlite3.Error, *_UNPICKLING_ERRORS):
        return None
    finally:
        db.close()
    changes = found.get(key + "|facts-changed", RunFacts(token, {}))
    if changes.token != token or not isinstance(changes.entries, dict):
        return None
    if not base:
        return changes
    whole = found.get(key + "|facts")
    if whole is None or whole.token != token or not isinstance(whole.entries, dict):
        return None
    return RunFacts(token, {**whole.entries, **changes.entries})


def facts_kept_apart(changes: RunFacts) -> bool:
    """Whether changes are few enough to be stored apart from the base (else: a new base)."""
    return len(changes.entries) <= _FACTS_KEPT_APART


def _loads_quietly(blob: bytes, kind: type) -> Any:
    """_loads with the cyclic garbage collector paused: tens of thousands of small objects,
    without cycles, would otherwise be walked several times while they are built (measured:
    0.5 s instead of 0.15 s for the facts of 20,000 files)."""
    from lianzheng_cli.gcpause import quiet_gc

    with quiet_gc():
        return _loads(blob, kind)


def dependency_digests(root: Path, paths: Iterable[Path]) -> dict[str, str]:
    """Digests of the files a run depends on besides the registers, by path relative to root.

    An unreadable file gets an empty digest: its finding (LZ015) is in the result, and a
    run with an unreadable dependency never replays (see _dependencies_unchanged).
    """
    digests = {}
    for path in paths:
        try:
            digests[display_path(path, root)] = digest(read_bytes(path, root)[0])
        except OSError:
            digests[display_path(path, root)] = ""
    return digests


def file_digests_for(root: Path, files: list[str], known: dict[str, str]) -> list[tuple[str, str]]:
    """Digests of files, reusing those already computed in this run and, for the rest, the
    stat index (only files it cannot vouch for are read)."""
    rest = [path for path in files if path not in known]
    db = open_db(root, create=False) if rest else None
    try:
        found = dict(_file_digests(db, rest)) if db is not None else {}
    except (sqlite3.Error, OSError):
        found = {}
    finally:
        if db is not None:
            db.close()
    out = []
    for path in files:
        value = known.get(path) or found.get(path)
        if value is None:
            try:
                value = digest(read_bytes(path)[0])
            except OSError:
                value = ""
        out.append((path, value))
    return out


def _file_digests(db: sqlite3.Connection, files: list[str]) -> list[tuple[str, str]]:
    """Digests of files; an unchanged stat means unchanged content, and re-read files are
    indexed again so that the next run need not read them."""
    known = _known_stats(db, files)
    now = time.time_ns()
    out = []
    refreshed = []
    for path in files:
        st = os.stat(path)
        seen = known.get(path)
        if seen and seen[:3] == file_stamp(st) and now - max(st.st_mtime_ns, st.st_ctime_ns) > RACY_NS:
            out.append((path, seen[3]))
            continue
        data, st = read_bytes(path)
        value = digest(data)
        out.append((path, value))
        refreshed.append((path, *file_stamp(st), value))
    if refreshed:
        with db:
            db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?)", (row for row in refreshed if _storable(row[0])))
    return out


def _storable(path: str) -> bool:
    """Whether SQLite can hold path: a name that is not valid UTF-8 (LZ019) never enters the index."""
    try:
        path.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _known_stats(db: sqlite3.Connection, files: list[str]) -> dict[str, tuple[Any, ...]]:
    known: dict[str, tuple[Any, ...]] = {}
    files = [path for path in files if _storable(path)]
    if len(files) > _WHOLE_INDEX:
        # One scan of the index is several times cheaper than thousands of bound lookups.
        wanted = set(files)
        for row in db.execute("SELECT path, size, mtime, ino, digest FROM stats"):
            if row[0] in wanted:
                known[row[0]] = row[1:]
        return known
    for start in range(0, len(files), _BATCH):
        chunk = files[start : start + _BATCH]
        marks = ",".join("?" * len(chunk))
        for row in db.execute(f"SELECT path, size, mtime, ino, digest FROM stats WHERE path IN ({marks})", chunk):
            known[row[0]] = row[1:]
    return known


def _dependencies_unchanged(root: Path, dependencies: dict[str, str]) -> bool:
    # A 台账 file added or removed since the run changes the result as much as an edit does.
    recorded = sorted(key for key in dependencies if key.startswith(LEDGER_DIR + "/"))
    if recorded != [display_path(path, root) for path in ledger_listing(root)]:
        return False
    for relative, expected in dependencies.items():
        try:
            if digest(read_bytes(root / relative, root)[0]) != expected:
                return False
        except OSError:
            return False
    return CONFIG_FILE in dependencies


# -- stores in the user's cache folder -------------------------------------------------

STORES_KEPT = 4
_COMPLETE = ".complete"


def settled_stamps(paths: Iterable[str]) -> list[tuple[int, int, int]] | None:
    """file_stamp of each path, or None when one is missing, not a regular file, or changed too
    recently to tell a later change in the same tick (git's racy case): no store is keyed on those."""
    now = time.time_ns()
    stamps = []
    for path in paths:
        try:
            st = os.stat(path)
        except (OSError, ValueError):
            return None
        if not S_ISREG(st.st_mode) or now - max(st.st_mtime_ns, st.st_ctime_ns) <= RACY_NS:
            return None
        stamps.append(file_stamp(st))
    return stamps


def stored(kind: str, key: str) -> Path | None:
    """The complete store of kind under key (marked as just used), or None."""
    folder = user_cache_dir() / kind / key
    try:
        if not (folder / _COMPLETE).is_file():
            return None
        os.utime(folder)
    except OSError:
        return None
    return folder


def new_store(kind: str) -> Path | None:
    """An empty folder to write a store of kind into, then commit_store (or discard_store) it."""
    import tempfile

    base = user_cache_dir() / kind
    try:
        base.mkdir(parents=True, exist_ok=True)
        return Path(tempfile.mkdtemp(prefix=".new-", dir=base))
    except OSError:
        return None


def commit_store(folder: Path, key: str, keep: int = STORES_KEPT) -> None:
    """Publish a written store under key (atomically: readers see all of it or none), and drop
    the least recently used ones beyond keep."""
    try:
        (folder / _COMPLETE).write_bytes(b"")
        os.replace(folder, folder.parent / key)
    except OSError:
        discard_store(folder)  # e.g. another run published the same key first
        return
    _prune_stores(folder.parent, keep)


def discard_store(folder: Path) -> None:
    import shutil

    shutil.rmtree(folder, ignore_errors=True)


def _prune_stores(base: Path, keep: int) -> None:
    import shutil

    abandoned = time.time_ns() - 3600 * 10**9  # a half-written store of a run that was killed
    try:
        entries = [(entry.stat().st_mtime_ns, entry.name, entry.path) for entry in os.scandir(base)]
    except OSError:
        return
    stores = sorted((mtime, path) for mtime, name, path in entries if not name.startswith("."))
    old = [path for _, path in stores[: max(len(stores) - keep, 0)]]
    old += [path for mtime, name, path in entries if name.startswith(".new-") and mtime < abandoned]
    for path in old:
        shutil.rmtree(path, ignore_errors=True)
