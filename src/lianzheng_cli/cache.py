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
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from stat import S_ISREG
from typing import Any, NamedTuple

from lianzheng_cli import __version__
from lianzheng_cli.findings import Finding, display_path
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CACHE_DIR, CONFIG_FILE, LEDGER_DIR, ledger_listing, locate_root, walk_registers
from lianzheng_cli.results import ValidationResult

DB_NAME = "results.sqlite3"
RECORD_FORMAT = 2
# A file changed within this many ns of being indexed could change again in the same
# mtime tick unnoticed (git's "racy" case): such entries are re-read, not trusted.
RACY_NS = 2_000_000_000
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


_MAC_SIZE = 32
_KEY: list[bytes] = []


def user_cache_dir() -> Path:
    """lzfk's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache), never in a repository."""
    return Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "lzfk"


def _machine_key() -> bytes:
    """A random key in the user's cache folder (never in the repository), made on first use.

    Where none can be kept, a key for this process only: the cache then helps within a run.
    """
    if _KEY:
        return _KEY[0]
    base = user_cache_dir()
    path = base / "cache-key"
    try:
        key = path.read_bytes()
        if len(key) != _MAC_SIZE:
            raise OSError("short key")
    except OSError:
        key = os.urandom(_MAC_SIZE)
        try:
            base.mkdir(parents=True, exist_ok=True)
            temp = base / f".cache-key.{os.getpid()}"
            temp.write_bytes(key)
            os.chmod(temp, 0o600)
            os.replace(temp, path)
            key = path.read_bytes()  # another process may have won the race: use the key that stays
        except OSError:
            pass
    _KEY.append(key)
    return key


def _seal_key_mac(data: bytes) -> bytes:
    import hmac

    return hmac.new(_machine_key(), data, "sha256").digest()


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

    Every blob carries an HMAC under a key kept outside the repository (see _machine_key),
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


def digest(data: bytes) -> str:
    return hashlib.blake2b(data, digest_size=20).hexdigest()


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
    _machine_key()


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


@dataclass(frozen=True)
class RunRecord:
    dependencies: dict[str, str]  # path relative to root → digest (lzfk.yaml, rule files, ledger)
    register_dir: str
    files: dict[str, Entry]  # every file the run checked (absolute path): the run's own stat index
    result: ValidationResult
    parts: RunParts | None = None  # a run over the whole register folder only


class Walked(NamedTuple):
    """What a failed replay found: the folder's files with their digests and stamps now,
    and the record it could not replay (the last whole run, for an incremental one)."""

    files: list[str]
    digests: dict[str, str]
    stamps: dict[str, tuple[int, int, int]]
    record: RunRecord


class FileStat(NamedTuple):
    """What the stat index keeps of a file: enough to trust its digest without reading it."""

    path: str
    size: int
    mtime_ns: int
    inode: int
    digest: str


def targets_key(targets: list[Path] | None) -> str:
    """What a run was asked to check, as part of its record's key ("" for the whole folder)."""
    return "\0".join(sorted(str(t.resolve()) for t in targets)) if targets else ""


def code_stamp() -> str:
    """lzfk's version plus the newest change to its own code: an edited (or reinstalled)
    lzfk never replays results that the old code produced."""
    if not _STAMP:  # once per process: a run asks several times, the code stays as it started
        _STAMP.append(_newest_code())
    return _STAMP[0]


_STAMP: list[str] = []


def _newest_code() -> str:
    package = Path(__file__).parent
    newest = 0
    for current, _, names in os.walk(package):
        for name in names:
            if name.endswith((".py", ".yaml")):
                newest = max(newest, os.stat(os.path.join(current, name)).st_mtime_ns)
    return f"{__version__}@{newest}"


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
        if not all(isinstance(value, dict) for value in (record.dependencies, record.files)):
            return None
        if not isinstance(record.result, ValidationResult):
            return None
        if record.result.root != root or not _dependencies_unchanged(root, record.dependencies):
            return None
        folder = root / record.register_dir
        files = target_files(targets) if targets else walk_registers(folder)
        digests, stamps, same = _current(files, record.files)
        if same:
            return record.result
        if not targets:
            _walks[os.path.realpath(folder)] = Walked(files, digests, stamps, record)
        return None
    except (sqlite3.Error, OSError, *_UNPICKLING_ERRORS):
        return None
    finally:
        db.close()


def _current(files: list[str], indexed: dict[str, Entry]) -> tuple[dict[str, str], dict[str, tuple[int, int, int]], bool]:
    """Each file's digest and stamp, and whether they are exactly the indexed files with the
    indexed contents. A file whose stamp is as indexed (and not too recent to tell) is not
    read: one stat per file, the least any check for changes can do."""
    recent = time.time_ns() - RACY_NS  # changed after this: too recent to trust the stamp
    digests: dict[str, str] = {}
    stamps: dict[str, tuple[int, int, int]] = {}
    same = len(files) == len(indexed)
    stat = os.stat
    for path in files:  # the loop every replay makes over every file: kept lean
        st = stat(path)
        stamp = (st.st_size, st.st_mtime_ns ^ st.st_ctime_ns, st.st_ino)  # file_stamp(st)
        seen = indexed.get(path)
        if seen is not None and seen[:3] == stamp and st.st_mtime_ns < recent and st.st_ctime_ns < recent and S_ISREG(st.st_mode):
            digests[path] = seen[3]
            stamps[path] = stamp
            continue
        data, st = read_bytes(path)
        digests[path], stamps[path] = digest(data), file_stamp(st)
        same = same and seen is not None and seen[3] == digests[path]
    return digests, stamps, same


def target_files(targets: str) -> list[str]:
    """The files a run over targets depends on: the named files, and every register file in
    the named folders. A run over chosen files has no cross-file checks, so nothing else can
    change its result, and its replay never walks the whole repository."""
    found: set[str] = set()
    for target in targets.split("\0"):
        if os.path.isdir(target):
            found.update(walk_registers(Path(target)))
        elif os.path.exists(target):
            found.add(target)
    return sorted(found)


def walked(folder: Path) -> Walked | None:
    """What a failed replay just found in folder (once), or None."""
    return _walks.pop(os.path.realpath(folder), None)


def remember(root: Path, targets: str, record: RunRecord, stats: Iterable[FileStat]) -> None:
    _missed.discard((str(root), targets))
    db = open_db(root, create=True)
    if db is None:
        return
    stamp = f"{code_stamp()}|"
    try:
        with db:
            # Records of another lzfk are never replayed again: they only take room.
            db.execute("DELETE FROM runs WHERE substr(key, 1, ?) != ?", (len(stamp), stamp))
            db.execute("INSERT OR REPLACE INTO runs VALUES (?, ?)", (_run_key(targets), _dumps(record)))
            db.executemany("INSERT OR REPLACE INTO stats VALUES (?, ?, ?, ?, ?)", (row for row in stats if _storable(row[0])))
    except sqlite3.Error:
        return
    finally:
        db.close()


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


def file_stamp(st: os.stat_result) -> tuple[int, int, int]:
    """What the stat index compares: size, mtime and ctime folded together, inode.

    The ctime is in because an mtime can be set back (touch -d, or an editor keeping it):
    a same-size edit with the mtime restored still moves the ctime, which no user can set.
    """
    return st.st_size, st.st_mtime_ns ^ st.st_ctime_ns, st.st_ino


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
