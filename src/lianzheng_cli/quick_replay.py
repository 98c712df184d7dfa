"""The replay of an unchanged ``lzfk validate`` run, with the standard library's lightest modules only.

Part of the cache (``cache.py`` owns the rest and writes what is read here). Every whole or
targeted run that ``cache.remember`` stores is also written to one file of its own in
``.lzfk_cache/replay/``: the checks a replay makes (the files' names and stamps, the digests
of what the run depends on besides them) and the result, sealed with this machine's key like
every other cache entry. Reading it takes one file read, one MAC and ``marshal`` (no SQLite,
no pickle, no dataclasses, no pathlib: ~30 ms of imports less than ``cache.replay``). A replay
here either answers exactly as ``cache.replay`` would, or declines: the caller then takes the
full path, which reuses the folder walk and the stats made here (``walk_of``).

Nothing in the file is trusted unless its MAC is this machine's: ``marshal`` is not safe on
forged data, so the MAC is checked before anything is decoded.
"""

from __future__ import annotations

import hashlib
import hmac
import marshal
import os
import time
from operator import attrgetter

from lianzheng_cli import __version__
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import CACHE_DIR, CONFIG_FILE, LEDGER_DIR, ledger_names, root_of, walk_registers

TYPE_CHECKING = False  # typing.TYPE_CHECKING without importing typing; mypy knows the name
if TYPE_CHECKING:
    from typing import Any

QUICK_FORMAT = 1
REPLAY_DIR = "replay"
# A file changed within this many ns of being indexed could change again in the same
# mtime tick unnoticed (git's "racy" case): such entries are re-read, not trusted.
RACY_NS = 2_000_000_000
MAC_SIZE = 32
_KIND_MASK, _REGULAR = 0o170000, 0o100000  # stat.S_IFMT, stat.S_IFREG, inlined in the hot loop
_WORD = (1 << 64) - 1
_MTIME, _CTIME, _MODE = attrgetter("st_mtime_ns"), attrgetter("st_ctime_ns"), attrgetter("st_mode")

_KEY: list[bytes] = []
_STAMP: list[str] = []
# The walk a declined replay made: (root, targets, files, their os.stat results).
_WALK: list[tuple[str, str, list[str], list[os.stat_result] | None]] = []


# -- the machine key and the seal ---------------------------------------------------------


def user_cache_path() -> str:
    """lzfk's folder in the user's cache ($XDG_CACHE_HOME, else ~/.cache), never in a repository."""
    return os.path.join(os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache"), "lzfk")


def machine_key() -> bytes:
    """A random key in the user's cache folder (never in the repository), made on first use.

    Where none can be kept, a key for this process only: the cache then helps within a run.
    """
    if _KEY:
        return _KEY[0]
    base = user_cache_path()
    path = os.path.join(base, "cache-key")
    try:
        with open(path, "rb") as handle:
            key = handle.read()
        if len(key) != MAC_SIZE:
            raise OSError("short key")
    except OSError:
        key = os.urandom(MAC_SIZE)
        try:
            os.makedirs(base, exist_ok=True)
            temp = os.path.join(base, f".cache-key.{os.getpid()}")
            with open(temp, "wb") as handle:
                handle.write(key)
            os.chmod(temp, 0o600)
            os.replace(temp, path)
            with open(path, "rb") as handle:
                key = handle.read()  # another process may have won the race: use the key that stays
        except OSError:
            pass
    _KEY.append(key)
    return key


def mac(data: bytes) -> bytes:
    """The HMAC of data under this machine's key."""
    return hmac.new(machine_key(), data, "sha256").digest()


def digest(data: bytes) -> str:
    """The content digest every cache entry names a file's bytes by."""
    return hashlib.blake2b(data, digest_size=20).hexdigest()


# -- what a run's record is keyed by ------------------------------------------------------


def code_stamp() -> str:
    """lzfk's version plus the newest change to its own code: an edited (or reinstalled)
    lzfk never replays results that the old code produced."""
    if not _STAMP:  # once per process: a run asks several times, the code stays as it started
        package = os.path.dirname(os.path.abspath(__file__))
        newest = 0
        for current, _, names in os.walk(package):
            for name in names:
                if name.endswith((".py", ".yaml")):
                    newest = max(newest, os.stat(os.path.join(current, name)).st_mtime_ns)
        _STAMP.append(f"{__version__}@{newest}")
    return _STAMP[0]


def targets_key(targets: list[str] | None) -> str:
    """What a run was asked to check, as part of its record's key ("" for the whole folder)."""
    return "\0".join(sorted(os.path.realpath(target) for target in targets)) if targets else ""


def target_files(targets: str) -> list[str]:
    """The files a run over targets depends on: the named files, and every register file in
    the named folders. A run over chosen files has no cross-file checks, so nothing else can
    change its result, and its replay never walks the whole repository."""
    found: set[str] = set()
    for target in targets.split("\0"):
        if os.path.isdir(target):
            found.update(walk_registers(target))
        elif os.path.exists(target):
            found.add(target)
    return sorted(found)


def file_stamp(st: os.stat_result) -> tuple[int, int, int]:
    """What the stat index compares: size, mtime and ctime folded together, inode.

    The ctime is in because an mtime can be set back (touch -d, or an editor keeping it):
    a same-size edit with the mtime restored still moves the ctime, which no user can set.
    Shifted before folding: a write sets both to the same time, and mtime ^ ctime would then
    be 0 whatever the time (a same-size edit in place went unseen).
    """
    return st.st_size, st.st_mtime_ns ^ (st.st_ctime_ns << 1), st.st_ino


def stamps_unchanged(statuses: list[os.stat_result], stamps: bytes, racy_ns: int) -> bool:
    """Whether every file's stamp is the indexed one (stamps: packed_stamps), none changed
    within racy_ns (git's racy case: too recently to tell) and all are regular files: then no
    file needs reading."""
    if len(stamps) != 24 * len(statuses):
        return False
    # Each pass below runs in C but the last: the loop every replay makes over every file.
    newest = max(max(map(_MTIME, statuses), default=0), max(map(_CTIME, statuses), default=0))
    if newest >= time.time_ns() - racy_ns or any(mode & _KIND_MASK != _REGULAR for mode in set(map(_MODE, statuses))):
        return False
    # memoryview rather than array: no import. A stamp beyond 64 bits was stored wrapped, so
    # it never equals the real one here.
    indexed = iter(memoryview(stamps).cast("Q").tolist())
    for st in statuses:
        if st.st_size != next(indexed) or st.st_mtime_ns ^ (st.st_ctime_ns << 1) != next(indexed) or st.st_ino != next(indexed):
            return False  # file_stamp(st) differs
    return True


def packed_stamps(stamps: list[tuple[int, int, int]]) -> bytes:
    """Stamps as the index keeps them: array("Q"), a stamp beyond 64 bits wrapped (it then
    never equals the real one, so that file is only read again)."""
    from array import array

    return array("Q", (value & _WORD for stamp in stamps for value in stamp)).tobytes()


# -- the replay file ---------------------------------------------------------------------


def _path(root: str, targets: str) -> str:
    # The code stamp leads the name: files of another lzfk are found and removed by it.
    stamp = hashlib.blake2b(code_stamp().encode(), digest_size=8).hexdigest()
    name = hashlib.blake2b(targets.encode(), digest_size=12).hexdigest()
    return os.path.join(root, CACHE_DIR, REPLAY_DIR, f"{stamp}-{name}")


def write(root: str, targets: str, record: tuple[Any, ...]) -> None:
    """Keep a run for the quick replay (see read for what record holds); removes the files
    of other lzfk versions. Any failure only leaves no file (a missing one is a miss)."""
    path = _path(root, targets)
    folder = os.path.dirname(path)
    try:
        data = marshal.dumps((QUICK_FORMAT, *record))
        os.makedirs(folder, exist_ok=True)
        temp = f"{path}.{os.getpid()}.tmp"
        with open(temp, "wb") as handle:
            handle.write(mac(data) + data)
        os.replace(temp, path)
        prefix = os.path.basename(path).split("-")[0] + "-"
        for name in os.listdir(folder):
            if not name.startswith(prefix):
                os.unlink(os.path.join(folder, name))
    except (OSError, ValueError):
        discard(root, targets)


def discard(root: str, targets: str) -> None:
    from contextlib import suppress

    with suppress(OSError):
        os.unlink(_path(root, targets))


def _read(root: str, targets: str) -> tuple[Any, ...] | None:
    try:
        with open(_path(root, targets), "rb") as handle:
            blob = handle.read()
    except OSError:
        return None
    data = blob[MAC_SIZE:]
    if not hmac.compare_digest(blob[:MAC_SIZE], mac(data)):
        return None  # not written by this machine's lzfk: never decoded
    try:
        record = marshal.loads(data)
    except (ValueError, EOFError, TypeError):
        return None
    if not isinstance(record, tuple) or len(record) != 8 or record[0] != QUICK_FORMAT:
        return None
    return record


def replay(start: str, targets: str) -> tuple[str | None, bytes] | None:
    """The kept result of the run over targets when nothing it depends on changed: the line
    a plain text report of it prints (None when it has findings) and the sealed result
    (``cache.replayed_result`` opens it); None to take the full path."""
    root = root_of(start)
    if root is None:
        return None
    record = _read(root, targets)
    if record is None:
        return None
    _, kept_root, register_dir, dependencies, names, stamps, sentence, result = record
    if kept_root != root or not isinstance(dependencies, dict) or not _dependencies_unchanged(root, dependencies):
        return None
    files = target_files(targets) if targets else walk_registers(os.path.join(root, register_dir))
    same = "\0".join(files) == names
    statuses = list(map(os.stat, files)) if same else None
    _WALK[:] = [(root, targets, files, statuses)]
    if statuses is None or not stamps_unchanged(statuses, stamps, RACY_NS):
        return None
    _WALK.clear()
    return sentence, result


def walk_of(root: str, targets: str) -> tuple[list[str], list[os.stat_result] | None] | None:
    """The files (and, when they are the indexed ones, their stats) that a declined replay over
    targets found just now, once; None when none was made."""
    if _WALK and _WALK[0][:2] == (root, targets):
        _, _, files, statuses = _WALK.pop()
        return files, statuses
    return None


def _dependencies_unchanged(root: str, dependencies: dict[str, str]) -> bool:
    # A 台账 file added or removed since the run changes the result as much as an edit does.
    recorded = sorted(key for key in dependencies if key.startswith(LEDGER_DIR + "/"))
    if recorded != [f"{LEDGER_DIR}/{name}" for name in ledger_names(root)]:
        return False
    for relative, expected in dependencies.items():
        try:
            if digest(read_bytes(os.path.join(root, relative), root)[0]) != expected:
                return False
        except OSError:
            return False
    return CONFIG_FILE in dependencies
