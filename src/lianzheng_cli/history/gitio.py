"""The only module that runs git. It returns plain data: commits, changed paths and blob bytes.

Commands run as plain ``git`` processes (``subprocess``; GitPython's command layer did the
same but cost 0.1 s of start-up to import, a quarter of ``lzfk log``); blobs come from one
persistent ``git cat-file --batch`` process. Messages are read in the C locale, so the errors
below are recognised whatever the user's language. Paths always travel NUL-separated (``-z``)
with ``core.quotepath=false``, so Chinese file names arrive as text, never as ``"\\350..."``.
"""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys
import threading
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from lianzheng_cli.errors import LzfkError
from lianzheng_cli.printable import visible

ZERO_SHA = "0" * 40
_GIT_OPTIONS = ("-c", "core.quotepath=false", "-c", "log.showSignature=false", "-c", "color.ui=false")
_GREP_BATCH = 200
# Fields NUL-separated: NUL is the one byte no subject, name or e-mail can hold (a subject
# may hold any other control character, including the \x1e/\x1f separators used before).
_LOG_FIELDS = ("%H", "%P", "%an", "%ae", "%aI", "%cI", "%s")
_LOG_FORMAT = "%x00".join(_LOG_FIELDS) + "%x00"
SHALLOW_HINT = (
    "这是浅克隆（只下载了最近的提交），无法对照历史。请取得完整历史后重试："
    "GitHub Actions 在 actions/checkout 中设 fetch-depth: 0；GitLab CI 设变量 GIT_DEPTH: 0；"
    "本地运行 git fetch --unshallow；或给 lzfk 加 --deepen 让它自动补全历史"
)


class GitError(LzfkError):
    """git is missing, failed, or the folder is not a usable repository."""


class ShallowCloneError(GitError):
    """The clone lacks the history a command needs."""

    def __init__(self, message: str = "仓库是浅克隆，缺少对照所需的历史") -> None:
        super().__init__(message, hint=SHALLOW_HINT)


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author: str
    email: str
    authored: dt.datetime
    committed: dt.datetime
    subject: str

    @property
    def short(self) -> str:
        return self.sha[:8]


@dataclass(frozen=True)
class FileChange:
    """One changed file; ``path`` is relative to the top of the git repository."""

    status: str
    path: str
    old_blob: str | None
    new_blob: str | None


@dataclass(frozen=True)
class CommitChanges:
    commit: CommitInfo
    files: tuple[FileChange, ...]


_NO_GIT_HINT = "请安装 git（https://git-scm.com），并确认命令行中能运行 git --version"
# No console window for each git process on Windows.
_CREATION_FLAGS = getattr(subprocess, "CREATE_NO_WINDOW", 0) if sys.platform == "win32" else 0


class _Failed(Exception):
    def __init__(self, stderr: str, code: int) -> None:
        super().__init__(stderr)
        self.stderr = stderr
        self.code = code


class _Runner:
    """Runs git in one folder with lzfk's environment: the C locale, no optional locks."""

    def __init__(self, folder: str, **extra: str) -> None:
        self.folder = folder
        self.env = {**os.environ, "LANGUAGE": "C", "LC_ALL": "C", **extra}

    def popen(self, args: Sequence[str], **kwargs: Any) -> subprocess.Popen[bytes]:
        try:
            return subprocess.Popen(["git", *args], cwd=self.folder, env=self.env, creationflags=_CREATION_FLAGS, **kwargs)
        except OSError as exc:  # no git on PATH (or not runnable)
            raise GitError("找不到 git 程序", hint=_NO_GIT_HINT) from exc

    def execute(self, args: Sequence[str]) -> bytes:
        proc = self.popen(args, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
        out, err = proc.communicate()
        if proc.returncode != 0:
            raise _Failed(err.decode("utf-8", errors="replace"), proc.returncode)
        return out


class GitRepo:
    """A git repository seen from the folder that holds lzfk.yaml (possibly a subfolder)."""

    def __init__(self, folder: Path) -> None:
        probe = _Runner(str(folder))
        top = self._call(probe, ["rev-parse", "--show-toplevel"], folder=folder).strip()
        self.toplevel = Path(top)
        self.prefix = self._call(probe, ["rev-parse", "--show-prefix"], folder=folder).strip().rstrip("/")
        self._git = _Runner(top, GIT_OPTIONAL_LOCKS="0")
        self._blobs: _BlobReader | None = None

    # -- running git ---------------------------------------------------------------

    def _call(self, git: _Runner, args: Sequence[str], *, folder: Path | None = None) -> str:
        try:
            out = git.execute([*_GIT_OPTIONS, *args])
        except _Failed as exc:
            raise _translate(exc, args, folder) from exc
        return out.decode("utf-8", errors="replace")

    def run(self, *args: str) -> str:
        return self._call(self._git, args)

    def try_run(self, *args: str) -> str | None:
        try:
            return self.run(*args)
        except GitError:
            return None

    def path_in_repo(self, relative: str) -> str:
        """A path relative to the lzfk.yaml folder, as a path relative to the repository top."""
        return f"{self.prefix}/{relative}".strip("/") if self.prefix else relative.strip("/")

    def relative_to_prefix(self, path: str) -> str:
        return path[len(self.prefix) + 1 :] if self.prefix and path.startswith(self.prefix + "/") else path

    # -- revisions -------------------------------------------------------------------

    def is_shallow(self) -> bool:
        return self.run("rev-parse", "--is-shallow-repository").strip() == "true"

    def verify(self, rev: str) -> str | None:
        if not rev or rev.startswith("-") or "\n" in rev:
            return None
        out = self.try_run("rev-parse", "--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}")
        return out.strip() if out else None

    def has_commits(self) -> bool:
        return self.verify("HEAD") is not None

    def resolve(self, rev: str) -> str:
        sha = self.verify(rev)
        if sha is not None:
            return sha
        if not self.has_commits():
            raise GitError("仓库里还没有任何提交", hint="先用 git add 和 git commit 提交登记表，再对照历史")
        if self.is_shallow():
            raise ShallowCloneError(f"找不到版本“{rev}”：仓库是浅克隆，缺少这一段历史")
        raise GitError(
            f"找不到版本“{rev}”",
            hint="可以写标签（如 2024）、分支（如 origin/main）或提交编号；用 git log --oneline 和 git tag 查看可用的版本",
        )

    def pinned(self, rev: str) -> str | None:
        """The commit rev names, when that id alone fixes the history reachable from it; None when
        it does not (a shallow clone, replace refs or grafts can change what git shows for it) or rev is no commit."""
        if not rev or rev.startswith("-") or "\n" in rev:
            return None
        found = self._pinned(["--verify", "--quiet", "--end-of-options", f"{rev}^{{commit}}"], 1)
        return found[0] if found else None

    def pinned_commits(self, shas: Sequence[str]) -> list[str] | None:
        """shas (full commit ids) when those ids alone fix the history reachable from them (see pinned)."""
        if not shas or not all(_is_object_id(sha) for sha in shas):
            return None
        # no --end-of-options: without --verify, rev-parse prints it back; full ids cannot be read as options
        found = self._pinned([f"{sha}^{{commit}}" for sha in shas], len(shas))
        return found if found == list(shas) else None

    def _pinned(self, revs: list[str], count: int) -> list[str] | None:
        if "GIT_REPLACE_REF_BASE" in os.environ:
            return None
        lines = (self.try_run("rev-parse", "--is-shallow-repository", "--git-common-dir", *revs) or "").splitlines()
        if len(lines) != 2 + count or lines[0] != "false" or (self.toplevel / lines[1] / "info" / "grafts").exists():
            return None
        if self.try_run("for-each-ref", "--count=1", "--format=%(refname)", "refs/replace/") != "":
            return None
        return lines[2:]

    def tag_commit(self, name: str) -> str | None:
        return self.verify(f"refs/tags/{name}")

    def last_commit_on_or_before(self, day: dt.date, rev: str = "HEAD") -> str | None:
        """The newest commit on rev's first-parent line committed on or before day (in its own time zone)."""
        slack = (day + dt.timedelta(days=2)).isoformat()
        out = self.try_run("log", "--first-parent", f"--until={slack}", "--format=%H %cI", rev, "--")
        for line in (out or "").splitlines():
            sha, _, when = line.partition(" ")
            if dt.datetime.fromisoformat(when).date() <= day:
                return sha
        return None

    def merge_base(self, a: str, b: str) -> str | None:
        out = self.try_run("merge-base", a, b)
        return out.strip() if out else None

    def commit(self, rev: str) -> CommitInfo:
        out = self.run("log", "-1", "--no-walk", f"--format={_LOG_FORMAT}", rev, "--")
        found = _parse_log(out)
        if not found:
            raise GitError(f"找不到版本 {rev}")
        return found[0].commit

    # -- trees and changes ----------------------------------------------------------------

    def changed_files(self, old: str, new: str | None, spec: str) -> list[FileChange]:
        """Files under spec that differ between two commits, or between a commit and the working tree."""
        if new is not None:
            out = self.run("diff-tree", "-r", "-z", "--no-renames", "--no-abbrev", old, new, "--", _literal(spec))
            return _parse_raw(out.split("\0"))
        out = self.run("diff", "--raw", "-z", "--no-renames", "--no-abbrev", "--no-ext-diff", old, "--", _literal(spec))
        changes = _parse_raw(out.split("\0"))
        untracked = self.run("ls-files", "-z", "--others", "--exclude-standard", "--full-name", "--", _literal(spec))
        changes += [FileChange("A", path, None, ZERO_SHA) for path in untracked.split("\0") if path]
        return changes

    def list_files(self, rev: str, spec: str) -> dict[str, str]:
        """path → blob id of every file under spec at rev."""
        out = self.run("ls-tree", "-r", "-z", "--full-tree", rev, "--", spec)
        files: dict[str, str] = {}
        for record in out.split("\0"):
            meta, _, path = record.partition("\t")
            parts = meta.split()
            if len(parts) == 3 and parts[1] == "blob":
                files[path] = parts[2]
        return files

    def grep_files(
        self, rev: str | None, patterns: Sequence[str], spec: str, *, regex: bool = False, binary: bool = False
    ) -> list[str]:
        """Paths under spec whose content at rev (None: the tracked files on disk) matches any pattern;
        with binary, files git takes for binary are searched too (as bytes)."""
        found: dict[str, None] = {}
        for start in range(0, len(patterns), _GREP_BATCH):
            chunk = patterns[start : start + _GREP_BATCH]
            found.update(dict.fromkeys(self._grep(rev, chunk, spec, regex=regex, binary=binary)))
        return list(found)

    def _grep(self, rev: str | None, patterns: Sequence[str], spec: str, *, regex: bool, binary: bool = False) -> list[str]:
        expressions = [part for pattern in patterns for part in ("-e", pattern)]
        where = [rev] if rev is not None else []
        try:
            out = self.run(
                "grep",
                "-l",
                "-z",
                "-a" if binary else "-I",
                "--full-name",
                "-E" if regex else "-F",
                *expressions,
                *where,
                "--",
                _literal(spec),
            )
        except GitError:
            return []  # git grep exits 1 when nothing matches
        prefix = f"{rev}:" if rev is not None else ""
        return [item.removeprefix(prefix) for item in out.split("\0") if item]

    def log(self, spec: str | Sequence[str], rev: str = "HEAD") -> list[CommitChanges]:
        """Commits reachable from rev that changed files under spec (one folder, or some paths), newest first,
        with their changed files under it.

        Merge commits are listed by git without a diff; their content arrives through the
        commits they merge.
        """
        specs = [_literal(spec)] if isinstance(spec, str) else [_literal(path) for path in spec]
        out = self.run("log", "--raw", "-z", "--no-renames", "--no-abbrev", f"--format={_LOG_FORMAT}", rev, "--", *specs)
        return [entry for entry in _parse_log(out) if entry.files]

    def has_merges(self, rev: str = "HEAD") -> bool:
        return bool(self.run("rev-list", "--merges", "--max-count=1", rev, "--").strip())

    def commit_files(self, sha: str, spec: str) -> list[FileChange]:
        """The files under spec that a (non-merge) commit changed; a root commit adds all its files."""
        out = self.run(
            "diff-tree", "-r", "-z", "--root", "--no-renames", "--no-abbrev", "--no-commit-id", sha, "--", _literal(spec)
        )
        return _parse_raw(out.split("\0"))

    def occurrence_changes(self, needle: str, spec: str, rev: str = "HEAD") -> dict[str, set[str]]:
        """Commit → the paths under spec where the number of occurrences of needle changed (``git log -S``).

        Byte for byte (``--text --no-textconv``), as the blobs are: git counts in every changed
        blob at C speed, so callers read only the files that matter.
        """
        out = self.run(
            "log",
            f"-S{needle}",
            "--text",
            "--no-textconv",
            "--no-ext-diff",
            "--raw",
            "-z",
            "--no-renames",
            "--no-abbrev",
            f"--format={_LOG_FORMAT}",
            rev,
            "--",
            _literal(spec),
        )
        return {entry.commit.sha: {f.path for f in entry.files} for entry in _parse_log(out) if entry.files}

    # -- blobs ------------------------------------------------------------------------

    def read_blobs(self, names: Iterable[str]) -> dict[str, bytes | None]:
        """Object names (blob ids, or ``rev:path``) → content; None for a missing object."""
        wanted = list(dict.fromkeys(names))
        if not wanted:
            return {}
        if self._blobs is None:
            self._blobs = _BlobReader(self._git)
        return self._blobs.read_many(wanted)

    def read_at(self, rev: str, path: str) -> bytes | None:
        return self.read_blobs([f"{rev}:{path}"]).get(f"{rev}:{path}")

    # -- network ---------------------------------------------------------------------

    def remotes(self) -> list[str]:
        return self.run("remote").split()

    def fetch(self, *args: str) -> None:
        self.run("fetch", "--quiet", *args)

    def close(self) -> None:
        if self._blobs is not None:
            self._blobs.close()
            self._blobs = None

    def __enter__(self) -> GitRepo:
        return self

    def __exit__(self, *_: object) -> None:
        self.close()


@dataclass(frozen=True)
class Revision:
    """The commit a folder's files were read at, for stamping exports."""

    sha: str
    committed: dt.datetime
    dirty: bool  # the files read differ from the commit


def current_revision(folder: Path, read: Sequence[str]) -> Revision | None:
    """HEAD of the git repository holding folder, and whether the paths read (relative to folder) differ from it;
    None when there is no git, no repository or no commit."""
    try:
        repo = GitRepo(folder)
    except GitError:
        return None
    with repo:
        sha = repo.verify("HEAD")
        if sha is None:
            return None
        specs = [_literal(repo.path_in_repo(path)) for path in read]
        status = repo.try_run("status", "--porcelain", "-z", "--untracked-files=normal", "--", *specs)
        return Revision(sha, repo.commit(sha).committed, bool(status and status.strip("\0")))


class _BlobReader:
    """One ``git cat-file --batch`` process; requests are written by a thread while replies are read."""

    def __init__(self, git: _Runner) -> None:
        self._proc = git.popen(["cat-file", "--batch"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)

    def read_many(self, names: list[str]) -> dict[str, bytes | None]:
        stdin, stdout = self._proc.stdin, self._proc.stdout
        assert stdin is not None and stdout is not None
        failure: list[BaseException] = []

        def write() -> None:
            try:
                stdin.write("".join(f"{name}\n" for name in names).encode("utf-8"))
                stdin.flush()
            except OSError as exc:  # git died; the reader below reports it
                failure.append(exc)

        writer = threading.Thread(target=write, daemon=True)
        writer.start()
        found: dict[str, bytes | None] = {}
        for name in names:
            header = stdout.readline()
            if not header:
                raise GitError("读取 git 对象时 git cat-file 意外退出", hint=str(failure[0]) if failure else "")
            parts = header.split()
            if len(parts) != 3:
                found[name] = None
                continue
            data = stdout.read(int(parts[2]))
            stdout.read(1)
            found[name] = data if parts[1] == b"blob" else None
        writer.join()
        return found

    def close(self) -> None:
        proc = self._proc
        try:
            if proc.stdin is not None:
                proc.stdin.close()
            proc.wait(timeout=5)
        except (OSError, subprocess.TimeoutExpired):
            proc.kill()


def _literal(spec: str) -> str:
    return f":(literal){spec}" if spec else "."


def _parse_log(out: str) -> list[CommitChanges]:
    """``git log -z [--raw]`` output in _LOG_FORMAT: each commit's fields, then its raw changes.

    A raw change starts with ":" and is followed by its path; anything else starts a
    commit, whose fields are taken by count, so no field's content can shift the parse.
    """
    tokens = out.split("\0")
    found: list[CommitChanges] = []
    index = 0
    while index < len(tokens):
        token = tokens[index].lstrip("\n")
        if not token:
            index += 1
        elif token.startswith(":") and found:
            changes = _parse_raw([token, tokens[index + 1] if index + 1 < len(tokens) else ""])
            found[-1] = CommitChanges(found[-1].commit, (*found[-1].files, *changes))
            index += 2
        else:
            fields = [token, *tokens[index + 1 : index + len(_LOG_FIELDS)]]
            index += len(_LOG_FIELDS)
            if len(fields) == len(_LOG_FIELDS):
                found.append(CommitChanges(_parse_commit(fields), ()))
    return found


def _parse_commit(fields: list[str]) -> CommitInfo:
    sha, parents, author, email, authored, committed, subject = fields
    return CommitInfo(
        sha=sha,
        parents=tuple(parents.split()),
        author=visible(author),
        email=visible(email),
        authored=dt.datetime.fromisoformat(authored),
        committed=dt.datetime.fromisoformat(committed),
        subject=visible(subject),
    )


def _parse_raw(tokens: list[str]) -> list[FileChange]:
    """``:mode mode sha sha status`` NUL ``path`` NUL … (``--raw -z --no-renames``)."""
    changes: list[FileChange] = []
    it = iter(tokens)
    for token in it:
        meta = token.lstrip("\n")
        if not meta.startswith(":"):
            continue
        path = next(it, "")
        parts = meta[1:].split()
        if len(parts) != 5:
            continue
        old_mode, new_mode, old_sha, new_sha, status = parts
        if status[0] not in "ADMT" or "160000" in (old_mode, new_mode):
            continue  # submodules hold no registers
        old = None if old_sha == ZERO_SHA or status == "A" else old_sha
        new = None if status == "D" else new_sha
        changes.append(FileChange(status[0], path, old, new))
    return changes


def _translate(exc: _Failed, args: Sequence[str], folder: Path | None) -> GitError:
    text = exc.stderr.strip()
    where = f"{folder} " if folder is not None else ""
    if "not a git repository" in text:
        return GitError(
            f"{where}不在 git 仓库中，无法查看历史",
            hint="登记库需要放在 git 仓库里：运行 git init 并提交登记表，或进入克隆下来的登记库目录再运行",
        )
    if "dubious ownership" in text:
        return GitError(
            "git 拒绝读取这个仓库：仓库目录的所有者与当前用户不同",
            hint=f"如确认安全，运行 git config --global --add safe.directory {folder or '仓库目录'}",
        )
    return GitError(f"git 命令失败：{text or f'git {args[0]} 退出码 {exc.code}'}", hint="")


def _is_object_id(text: str) -> bool:
    return len(text) in (40, 64) and all(char in "0123456789abcdef" for char in text)
