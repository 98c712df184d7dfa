"""``lzfk build`` as a function: registers in, documents written, a report of what was done.

The registers come loaded and graded (``loading``: one load, shared with the checks). Every
output is keyed by its inputs (``incremental``): what is up to date is left as it is. The
rest goes to worker processes, one per core, forked after the unit's view is built so that
only indices cross: the forms and notices first (each form's Word body rendered once, for
its own file and, kept as a fragment, for the handbook), then the unit-wide documents,
longest first. Meanwhile the main process writes the Word handbook, taking each form's
body as soon as it is done; every long document streams to disk. Files written by the
previous build and not by this one are removed (only those: a manifest lists them).
"""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import json
import os
import shutil
import tempfile
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

import jinja2
from markupsafe import Markup

from lianzheng_cli import fsutil
from lianzheng_cli.errors import WriteError
from lianzheng_cli.fsutil import refuse_special_folder
from lianzheng_cli.ledger import Ledger
from lianzheng_cli.loader.raw import read_bytes
from lianzheng_cli.paths import BUILD_MANIFEST
from lianzheng_cli.render import handbook, pdf
from lianzheng_cli.render.assemble import Unit, rows_by_grade, unit_context
from lianzheng_cli.render.context import DEPARTMENT_FORM, NOTICE, POST_FORM, UNIT_FORM, View
from lianzheng_cli.render.docx_package import ReferenceDocument, Segment
from lianzheng_cli.render.flowchart import render_charts
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.incremental import (
    BuildRecord,
    Fragments,
    Pieces,
    build_stamp,
    content_digest,
    key_of,
    view_digest,
)
from lianzheng_cli.render.jinja_env import (
    describe,
    environment,
    find_template,
    memoised,
    render_bounded,
    render_streamed,
    template_dirs,
)
from lianzheng_cli.render.markdown_docx import to_html
from lianzheng_cli.render.progress import count_registers, progress_view, statistics_view
from lianzheng_cli.render.sanitize import unique_file_names
from lianzheng_cli.work_progress import ProgressHook, no_progress

FORMATS = ("docx", "md", "html")
# What build writes: the handbook, the separate forms and notices, the unit-wide tables
# (catalogue, power list, progress report).
DOCUMENT_KINDS = ("handbook", "forms", "tables")
PROGRESS = "进展情况表"
STYLE_TEMPLATE = "文档样式.docx"
MANIFEST = BUILD_MANIFEST
FORMS_STAGE = "生成各岗位、科室的防控表"
DEPARTMENTS_DIR = "科室"
CHARTS_DIR = "流程图"
PARALLEL_THRESHOLD = 40
CHUNK = 64


@dataclass(frozen=True)
class BuildOptions:
    out: Path
    formats: tuple[str, ...] = FORMATS
    as_of: dt.date | None = None  # the progress table's 截止时间; see progress.default_as_of
    jobs: int = 0
    documents: frozenset[str] = frozenset(DOCUMENT_KINDS)
    static_toc: bool = False
    draft: bool = False  # a 征求意见稿: every page marked, open_problems appended (render/draft.py)
    open_problems: tuple[str, ...] = ()
    pdf: bool = False  # also a PDF beside each Word document (LibreOffice, one batched call)
    progress: ProgressHook = no_progress
    use_cache: bool = True  # False (--no-cache): nothing read from or written to .lzfk_cache/
    force: bool = False  # --force: every document written again, the build record renewed


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)  # every file of this build, those left as they were included
    removed: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    pdf_fonts: list[str] = field(default_factory=list)  # faces embedded in the PDFs
    pdf_substitutes: list[tuple[str, str]] = field(default_factory=list)  # (family named, face printed instead)
    unchanged: int = 0  # files of written that were up to date and not written again


@dataclass(frozen=True)
class Job:
    """One form or notice: which template, the view, and the output path without suffix."""

    template: str
    view: View
    base: str


# The forms whose Word bodies the handbook embeds (the notices are not in it).
HANDBOOK_FORMS = frozenset((POST_FORM, DEPARTMENT_FORM, UNIT_FORM))


class Renderer:
    """The compiled templates of one process (the main one, or a worker)."""

    def __init__(self, root: Path | None) -> None:
        self.dirs = template_dirs(root)
        self.env = environment(self.dirs)
        self._forms: dict[str, FormTemplate] = {}

    def form(self, name: str) -> FormTemplate:
        if name not in self._forms:
            self._forms[name] = FormTemplate(find_template(f"{name}.docx", self.dirs), self.env)
        return self._forms[name]

    def template(self, name: str, suffix: str) -> jinja2.Template:
        template_name = f"{name}.{suffix}.j2"
        try:
            return self.env.get_template(template_name)
        except jinja2.TemplateNotFound as exc:
            if exc.name == template_name:
                find_template(template_name, self.dirs)
            raise describe(exc, template_name) from exc
        except jinja2.TemplateError as exc:
            raise describe(exc, getattr(exc, "name", None) or template_name) from exc

    def text(self, name: str, suffix: str, context: View, pieces: Pieces | None = None) -> str:
        template = self.template(name, suffix)
        with memoised(self.env, pieces):
            return render_bounded(template, context, f"{name}.{suffix}.j2")

    def stream(self, name: str, suffix: str, context: View, path: Path, *, scale: int = 1, pieces: Pieces | None = None) -> None:
        """Render a long text document straight into path (atomically), never holding all of it."""
        template = self.template(name, suffix)
        with fsutil.atomic_stream(path, hint=_OUTPUT_HINT) as stream, memoised(self.env, pieces):
            render_streamed(
                template, context, f"{name}.{suffix}.j2", lambda text: stream.write(text.encode("utf-8")), scale=scale
            )

    def write(self, job: Job, out: Path, formats: Sequence[str], *, body: bool = False) -> tuple[list[Path], str | None]:
        """Write the job's files in formats; with body, also return its Word body as the handbook embeds it."""
        written = []
        context = handbook.form_context(job.view)
        kept: str | None = None
        for suffix in formats:
            path = out / f"{job.base}.{suffix}"
            if suffix == "docx" and body:
                data, inner = self.form(job.template).render_with_fragment(context)
                kept = handbook.strip_bookmarks(inner)
                write_atomic(path, data)
            elif suffix == "docx":
                write_atomic(path, self.form(job.template).render(context))
            else:
                write_text_atomic(path, self.text(job.template, suffix, context))
            written.append(path)
        if body and kept is None:
            kept = handbook.fragment(self.form(job.template), job.view)
        return written, kept


_OUTPUT_HINT = "检查目录是否可写、文件是否正在 Word 中打开"


def write_atomic(path: Path, data: bytes) -> None:
    """A generated file in one step (no fsync: it can always be built again)."""
    fsutil.write_atomic(path, data, durable=False, hint=_OUTPUT_HINT)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


def form_jobs(unit_view: View) -> list[Job]:
    jobs = []
    forms = unit_view["单位表"]
    for form, name in zip(forms, unique_file_names([form["编号"] for form in forms]), strict=True):
        suffix = "" if len(forms) == 1 else f"_{name}"
        jobs.append(Job(UNIT_FORM, form, f"{UNIT_FORM}{suffix}"))
    for department in unit_view["科室"]:
        folder = f"{DEPARTMENTS_DIR}/{department['目录']}"
        if department["科室表"] is not None:
            jobs.append(Job(DEPARTMENT_FORM, department["科室表"], f"{folder}/{DEPARTMENT_FORM}"))
        stems = unique_file_names([f"{post['编号']}_{post['职务']}" for post in department["岗位"]])
        for post, stem in zip(department["岗位"], stems, strict=True):
            jobs.append(Job(POST_FORM, post, f"{folder}/{POST_FORM}/{stem}"))
            jobs.append(Job(NOTICE, post, f"{folder}/{NOTICE}/{stem}"))
    return jobs


# --- One build: what is up to date, what is left to do, and who does it ---------------------

FormItem = tuple[int, tuple[str, ...], bool]  # job index, the suffixes to write, whether the handbook needs its body
Done = tuple[list[Path], list[tuple[int, str]]]  # files written; (job index, Word body) for the handbook


@dataclass
class _Plan:
    """What a build has to do; forked workers inherit it (only indices and names cross processes)."""

    renderer: Renderer
    jobs: list[Job]
    out: Path
    fragments: Fragments
    items: list[FormItem] = field(default_factory=list)
    documents: dict[str, Callable[[], list[Path]]] = field(default_factory=dict)  # unit-wide, in workers


_PLAN: _Plan | None = None
_WORKER: Renderer | None = None  # a spawned worker's own templates (no fork: jobs are pickled)


def _run_items(items: list[FormItem]) -> Done:
    assert _PLAN is not None
    return _write_items(
        _PLAN.renderer, [(_PLAN.jobs[index], index, suffixes, body) for index, suffixes, body in items], _PLAN.out
    )


def _write_items(renderer: Renderer, items: list[tuple[Job, int, tuple[str, ...], bool]], out: Path) -> Done:
    written: list[Path] = []
    bodies: list[tuple[int, str]] = []
    for job, index, suffixes, body in items:
        paths, text = renderer.write(job, out, suffixes, body=body)
        written += paths
        if text is not None:
            bodies.append((index, text))
    return written, bodies


def _run_document(name: str) -> list[Path]:
    assert _PLAN is not None
    return _PLAN.documents[name]()


def _init_spawned(root: Path | None) -> None:
    global _WORKER
    _WORKER = Renderer(root)


def _run_spawned(items: list[tuple[Job, int, tuple[str, ...], bool]], out: Path) -> Done:
    assert _WORKER is not None
    return _write_items(_WORKER, items, out)


def build(unit: Unit, ledger: Ledger, root: Path | None, options: BuildOptions) -> BuildResult:
    """Write every document into options.out; unchanged ones are left as they are (see incremental)."""
    out = options.out
    refuse_special_folder(out)
    with tempfile.TemporaryDirectory(prefix="lzfk-build-") as scratch:
        cache_root = (root or out) if options.use_cache else None
        fragments = Fragments(cache_root, out)
        try:
            return _build(unit, ledger, root, options, cache_root or Path(scratch), fragments)
        finally:
            fragments.close()


def _build(
    unit: Unit, ledger: Ledger, root: Path | None, options: BuildOptions, chart_root: Path, fragments: Fragments
) -> BuildResult:
    result = BuildResult()
    out = options.out
    previous = _read_manifest(out)
    renderer = Renderer(root)
    view = unit_context(unit)
    counts = count_registers(unit)
    chart_set = render_charts(
        [(power["编号"], power) for department in view["科室"] for power in department["权力清单"]], chart_root, view["等级"]
    )
    result.problems.extend(chart_set.problems)
    incremental = not (options.draft or options.pdf)
    record = BuildRecord.open(chart_root if options.use_cache else None, out, read=incremental and not options.force)
    keys = _Keys(build_stamp(renderer.dirs, unit.config), record)
    result.written.extend(_attach_charts(view, chart_set.charts, out, keys))
    jobs = form_jobs(view)
    digests: dict[int, str] = {}
    for job in jobs:  # a post's form and notice share one view: digested once
        if id(job.view) not in digests:
            digests[id(job.view)] = view_digest(job.view)
    department_digests = _department_digests(view, digests)
    unit_digest = _unit_digest(view, digests, department_digests)
    statistics = statistics_view(counts)
    unit_docs = _UnitDocuments(
        renderer, unit, ledger, view, counts, statistics, chart_set.charts, options, keys, unit_digest, len(jobs)
    )
    if incremental and options.use_cache:
        unit_docs.pieces_root, unit_docs.known = chart_root, digests
        unit_docs.department_digests = department_digests
    book_path = out / f"{handbook.HANDBOOK_TITLE}.docx"
    handbook_docx = "handbook" in options.documents and "docx" in options.formats
    book_fresh = not handbook_docx or keys.fresh(book_path, unit_docs.handbook_key, "docx")
    plan = _Plan(renderer, jobs, out, fragments)
    body_keys = _plan_forms(plan, digests, keys, options, with_bodies=not book_fresh)
    if "forms" in options.documents:
        result.written.extend(out / f"{job.base}.{suffix}" for job in jobs for suffix in options.formats)
    plan.documents = unit_docs.plan()
    result.written.extend(unit_docs.paths)
    if unit_docs.pieces_root is not None and (plan.documents or not book_fresh):
        # The catalogue rows' digests, taken once here before the workers fork: every document keys its rows by them.
        digests.update((id(row), view_digest(row)) for row in view["目录"])
    toc_jobs = _run(plan, _BodySource(plan, body_keys), root, options, unit_docs if not book_fresh else None)
    if handbook_docx:
        result.written.append(book_path)
    if handbook_docx and not book_fresh and incremental:
        fragments.commit()  # this handbook's bodies, and only those, kept for the next build
    if options.draft:
        from lianzheng_cli.render.draft import finish_draft

        result.written.extend(finish_draft(result.written, options.open_problems, out, options.formats, root))
    if options.pdf:
        converted = pdf.convert([path for path in result.written if path.suffix == ".docx"])
        result.written.extend(converted.written)
        result.pdf_fonts = converted.fonts
        result.pdf_substitutes = converted.substitutes
        if converted.problem:
            result.problems.append(converted.problem)
        toc_jobs = [job for job in toc_jobs if _number_contents(job)]
    if toc_jobs or (handbook_docx and book_fresh and not options.static_toc):
        result.problems.append(TOC_NOTE)
    whole = options.documents == frozenset(DOCUMENT_KINDS) and tuple(sorted(options.formats)) == tuple(sorted(FORMATS))
    digests_now = keys.finish(out, result.written, save=incremental, whole=whole)
    if not incremental:
        record.discard()
    result.unchanged = keys.unchanged
    if whole:
        result.removed = _remove_stale(out, previous, result.written, set(digests_now))
        _write_manifest(out, digests_now)
    else:
        _write_manifest(out, digests_now, carried=previous)
    result.counts = {
        "posts": counts.posts,
        "departments": counts.departments,
        "risks": counts.risks,
        "measures": counts.measures,
        "flowcharts": len(chart_set.charts),
    }
    return result


def _run(plan: _Plan, source: _BodySource, root: Path | None, options: BuildOptions, book: _UnitDocuments | None) -> list[TocJob]:
    """Do what the plan says (in the workers when it is large), and the Word handbook when book is given."""
    global _PLAN
    _PLAN = plan
    toc_jobs: list[TocJob] = []
    try:
        parallel = len(plan.jobs) >= PARALLEL_THRESHOLD and (plan.items or plan.documents)
        pending = source.pending = _start(plan, root, options, source.keep) if parallel else None
        try:
            if pending is None:
                for done, item in enumerate(plan.items, 1):
                    source.keep(_run_items([item])[1])
                    options.progress(FORMS_STAGE, done, len(plan.items))
                for name in plan.documents:
                    _run_document(name)
            if book is not None:
                toc_jobs = _write_handbook(plan.out / f"{handbook.HANDBOOK_TITLE}.docx", book, source)
            if pending is not None:
                pending.finish()
        finally:
            if pending is not None:
                pending.pool.shutdown(cancel_futures=True)
    finally:
        _PLAN = None
    return toc_jobs


def _plan_forms(plan: _Plan, digests: dict[int, str], keys: _Keys, options: BuildOptions, *, with_bodies: bool) -> dict[int, str]:
    """Which forms to write, and which Word bodies the handbook needs rendered; the body keys by view."""
    body_keys: dict[int, str] = {}
    wanted = options.formats if "forms" in options.documents else ()
    for index, job in enumerate(plan.jobs):
        digest = digests[id(job.view)]
        key = keys.of(job.template, digest)
        suffixes = tuple(suffix for suffix in wanted if not keys.fresh(f"{job.base}.{suffix}", key, suffix))
        body = False
        if with_bodies and job.template in HANDBOOK_FORMS:
            body_keys[id(job.view)] = keys.of("fragment", job.template, digest)
            body = not plan.fragments.has(body_keys[id(job.view)])
        if suffixes or body:
            plan.items.append((index, suffixes, body))
    return body_keys


def _write_handbook(path: Path, docs: _UnitDocuments, source: _BodySource) -> list[TocJob]:
    renderer, options = docs.renderer, docs.options
    forms = handbook.Forms(renderer.form(POST_FORM), renderer.form(DEPARTMENT_FORM), renderer.form(UNIT_FORM))
    pieces = Pieces(source.plan.fragments, docs.keys.stamp, docs.known) if docs.pieces_root is not None else None
    sections = (
        _Sections(source.plan.fragments, docs.keys, docs.department_digests, docs.known, docs.charts, source.carry)
        if docs.pieces_root is not None
        else None
    )
    data = handbook.HandbookInput(
        docs.view,
        docs.unit.chapters,
        docs.statistics,
        docs.charts,
        forms,
        static_toc=options.static_toc,
        form_body=source,
        pieces=pieces,
        sections=sections,
    )
    entries = handbook.write_handbook(path, data, docs.reference)
    return [] if options.static_toc else [TocJob(path, data, docs.reference, entries)]


TOC_NOTE = (
    "手册目录是 Word 目录域，页码在 Word 中打开时更新；LibreOffice、WPS 和其他软件转出的 PDF 中目录没有页码。"
    "加 --pdf（需要 LibreOffice）由排版结果写入页码，或用 --static-toc"
)


@dataclass
class TocJob:
    """A handbook written with an unnumbered contents, and what it takes to write it again."""

    path: Path
    data: handbook.HandbookInput
    reference: ReferenceDocument
    entries: list[tuple[int, str, str]]


def _number_contents(job: TocJob) -> bool:
    """Page numbers from the handbook's PDF into its contents, then the PDF again; True if not done."""
    texts = pdf.page_texts(job.path.with_suffix(".pdf"))
    numbers = handbook.toc_numbers(job.entries, texts) if texts else {}
    if not numbers:
        return True
    job.data.toc_numbers = numbers
    handbook.write_handbook(job.path, job.data, job.reference)
    return pdf.convert([job.path]).problem is not None


class _Keys:
    """Each output's key, checked against the build record, and noted once the file is written."""

    def __init__(self, stamp: str, record: BuildRecord) -> None:
        self.stamp = stamp
        self.record = record
        self.names: dict[str, str] = {}  # output relative to out → its key
        self.unchanged = 0

    def of(self, *parts: str) -> str:
        return key_of(self.stamp, *parts)

    def fresh(self, path: Path | str, key: str, suffix: str) -> bool:
        """Whether path (or its name relative to out) is up to date for the inputs that key stands for."""
        name = path if isinstance(path, str) else path.relative_to(self.record.out).as_posix()
        key = key_of(key, suffix)
        self.names[name] = key
        if self.record.fresh(name, key):
            self.unchanged += 1
            return True
        return False

    def finish(self, out: Path, written: list[Path], *, save: bool, whole: bool) -> dict[str, str]:
        """The content digest of every file of the build (the record's for those left alone); the record saved."""
        digests: dict[str, str] = {}
        for path in set(written):
            name = _relative_name(path, out)
            if name is None:
                continue
            value = self.record.digest_of(name)
            if value is None:
                try:
                    value = content_digest(read_bytes(path)[0])
                except OSError:
                    continue
                if name in self.names:
                    self.record.note(name, self.names[name], value)
            digests[name] = value
        if save:
            self.record.save(keep_others=not whole)
        return digests


def _relative_name(path: Path, out: Path) -> str | None:
    """path relative to out, with forward slashes; None when it is not inside out.

    Nearly every path of a build is out / name: taken apart as text (tens of thousands of
    them), the rest by pathlib."""
    prefix, text = str(out) + os.sep, str(path)
    if text.startswith(prefix) and ".." not in text:
        return text[len(prefix) :].replace(os.sep, "/")
    try:
        return path.relative_to(out).as_posix()
    except ValueError:
        return None


def _department_digests(view: View, digests: dict[int, str]) -> dict[int, str]:
    """Each department's digest (by id of its view), each of its forms standing in by its own digest."""
    return {
        id(department): view_digest(
            {
                **department,
                "科室表": digests[id(department["科室表"])] if department["科室表"] is not None else None,
                "岗位": [digests[id(post)] for post in department["岗位"]],
            }
        )
        for department in view["科室"]
    }


def _unit_digest(view: View, digests: dict[int, str], departments: dict[int, str]) -> str:
    """The whole-unit view's digest, each form and department standing in by its own digest (already taken).

    The catalogue rows and groups are left out: unit_context derives them from the forms.
    """
    shallow = {key: value for key, value in view.items() if key not in ("目录", "目录分组", "已撤销", "单位表", "科室")}
    shallow["单位表"] = [digests[id(form)] for form in view["单位表"]]
    shallow["科室"] = [departments[id(department)] for department in view["科室"]]
    return view_digest(shallow)


@dataclass
class _Pending:
    """The worker processes and what they were given, awaited in the handbook's order."""

    pool: ProcessPoolExecutor
    chunks: list[tuple[Future[Done], int]]
    documents: list[tuple[Future[list[Path]], Callable[[], list[Path]]]]  # handed out, and how to write it here
    by_view: dict[int, int]  # id of a form's view → the chunk that renders its body
    progress: ProgressHook
    total: int
    deliver: Callable[[list[tuple[int, str]]], None]
    done: int = 0
    awaited: int = 0  # chunks before this one are done, delivered and counted

    def wait(self, chunk: int) -> None:
        """Until the chunk is done (its error, or an earlier one's, raised here); progress counted in order."""
        while self.awaited <= chunk:
            future, size = self.chunks[self.awaited]
            _, bodies = future.result()
            self.deliver(bodies)
            bodies.clear()  # kept on disk now (Fragments.add); the future need not hold them
            self.awaited += 1
            self.done += size
            self.progress(FORMS_STAGE, self.done, self.total)

    def finish(self) -> None:
        """Until every form and document is written; the main process, done with its own share,
        takes back the documents no worker has started yet (the last, shortest ones first)."""
        self.wait(len(self.chunks) - 1)
        for future, write in reversed(self.documents):
            if future.cancel():
                write()
        for future, _ in self.documents:
            if not future.cancelled():
                future.result()


def _start(
    plan: _Plan, root: Path | None, options: BuildOptions, deliver: Callable[[list[tuple[int, str]]], None]
) -> _Pending | None:
    """Hand the forms (and, forked, the unit-wide documents) to one worker per core."""
    workers = options.jobs or min(os.cpu_count() or 1, 2)
    if workers <= 1:
        return None
    forked = "fork" in get_all_start_methods()
    if forked:
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context("fork"))
    else:
        context = get_context("spawn")
        pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_init_spawned, initargs=(root,))
    chunks: list[tuple[Future[Done], int]] = []
    by_view: dict[int, int] = {}
    for start in range(0, len(plan.items), CHUNK):
        items = plan.items[start : start + CHUNK]
        if forked:
            future = pool.submit(_run_items, items)
        else:
            given = [(plan.jobs[index], index, suffixes, body) for index, suffixes, body in items]
            future = pool.submit(_run_spawned, given, plan.out)
        for index, _, body in items:
            if body:
                by_view[id(plan.jobs[index].view)] = len(chunks)
        chunks.append((future, len(items)))
    # The long texts go to the workers; the tables keep the main process busy until the forms'
    # bodies arrive, unless there are hardly any forms to wait for (a rebuild after a few edits):
    # then the workers take every document and the main process writes the Word handbook meanwhile
    # (spawned workers cannot share the unit's view: there the main process writes all).
    few = len(plan.items) <= CHUNK
    given_out = [name for name in plan.documents if forked and (few or name.startswith(handbook.HANDBOOK_TITLE))]
    documents = [(pool.submit(_run_document, name), plan.documents[name]) for name in given_out]
    pending = _Pending(pool, chunks, documents, by_view, options.progress, len(plan.items), deliver)
    for name in plan.documents:
        if name not in given_out:
            plan.documents[name]()
    return pending


class _BodySource:
    """The forms' Word bodies for the handbook, in its order: each as soon as the worker that
    renders it has finished it, or kept from the last build; rendered here when neither."""

    def __init__(self, plan: _Plan, keys: dict[int, str]) -> None:
        self.plan = plan
        self.keys = keys
        self.pending: _Pending | None = None

    def keep(self, bodies: list[tuple[int, str]]) -> None:
        """Bodies the workers rendered, into the new pack (on disk, not held)."""
        for index, text in bodies:
            self.plan.fragments.add(self.keys[id(self.plan.jobs[index].view)], text)

    def carry(self, view: View) -> None:
        """The form's kept body into the new pack unread: the handbook took its department's pages as kept."""
        key = self.keys.get(id(view))
        if key is not None:
            self.plan.fragments.carry(key)

    def __call__(self, template: FormTemplate, view: View) -> str:
        key = self.keys.get(id(view))
        if key is None:
            return handbook.fragment(template, view)
        if self.pending is not None and (chunk := self.pending.by_view.get(id(view))) is not None:
            self.pending.wait(chunk)
        fragments = self.plan.fragments
        text = fragments.reuse(key)
        if text is None:
            text = handbook.fragment(template, view)
            fragments.add(key, text)
        return text


@dataclass
class _Sections:
    """Stretches of the Word handbook (handbook.SectionMemo), kept in the bodies' pack.

    A department's pages are keyed by its digest (its forms' digests in it), its place (index,
    contents entries and pictures before it) and its charts' files; a block of catalogue rows
    by the number of its first row and the rows' digests."""

    fragments: Fragments
    keys: _Keys
    digests: dict[int, str]  # id of a department's view → its digest
    known: dict[int, str]  # id of a form's view or a catalogue row → its digest
    charts: dict[str, Any]
    carry: Callable[[View], None]  # a form's body, kept for the next build without being read

    def department_key(self, department: View, index: int, headings: int, images: int) -> str:
        pictures = [chart.png.name for power in department["权力清单"] if (chart := self.charts.get(power["编号"]))]
        digest = self.digests.get(id(department)) or view_digest(department)
        return self.keys.of("handbook department", digest, str(index), str(headings), str(images), *pictures)

    def rows_key(self, start: int, rows: Sequence[View]) -> str:
        digests = [self.known.get(id(row)) or view_digest(row) for row in rows]
        return self.keys.of("handbook catalogue rows", str(start), *digests)

    def reuse(self, key: str, forms: Sequence[View]) -> handbook.KeptSection | None:
        data = self.fragments.reuse_bytes(key)
        kept = _parse_kept(data) if data is not None else None
        if kept is not None:
            for form in forms:
                self.carry(form)
        return kept

    def add(self, key: str, kept: handbook.KeptSection) -> None:
        segment = kept.segment
        meta = json.dumps({"crc": segment.crc, "size": segment.size, "entries": kept.entries}, ensure_ascii=False)
        self.fragments.add_bytes(key, meta.encode("utf-8") + b"\n" + segment.data)


def _parse_kept(data: bytes) -> handbook.KeptSection | None:
    meta, _, deflated = data.partition(b"\n")
    try:
        fields = json.loads(meta)
        entries = [(int(level), str(text), str(name)) for level, text, name in fields["entries"]]
        return handbook.KeptSection(Segment(deflated, int(fields["crc"]), int(fields["size"])), entries)
    except (ValueError, TypeError, KeyError):
        return None


def _attach_charts(view: View, charts: dict[str, Any], out: Path, keys: _Keys) -> list[Path]:
    written = []
    powers = [power for department in view["科室"] for power in department["权力清单"]]
    stems = dict(zip((id(p) for p in powers), unique_file_names([p["编号"] for p in powers]), strict=True))
    for department in view["科室"]:
        for power in department["权力清单"]:
            chart = charts.get(power["编号"])
            if chart is None:
                continue
            stem = stems[id(power)]
            target = out / CHARTS_DIR / f"{stem}.png"
            key = keys.of("chart", chart.png.name, view_digest(chart.svg))
            if not keys.fresh(target, key, "png"):
                target.parent.mkdir(parents=True, exist_ok=True)
                try:
                    shutil.copyfile(chart.png, target)
                except OSError as exc:
                    raise WriteError(f"无法写入 {target}：{exc.strerror or exc}") from exc
            if not keys.fresh(target.with_suffix(".svg"), key, "svg"):
                write_text_atomic(target.with_suffix(".svg"), chart.svg)
            written += [target, target.with_suffix(".svg")]
            power["流程图"] = {"文件": stem, "svg": Markup(chart.svg)}
    return written


def chapter_names(unit_view: View, chapters: Sequence[Any]) -> dict[str, str]:
    names = handbook.ChapterNames(chapters)
    result = {"领导小组": names("廉政风险防控工作领导小组")}
    if unit_view["单位表"]:
        result["单位"] = names("单位层面廉政风险防控")
    result["科室"] = names("科室和岗位廉政风险防控")
    result["目录"] = names(f"{handbook.CATALOGUE_TITLE}（按风险等级）")
    result["统计"] = names("统计")
    return result


TableWriter = Callable[[Path, View, ReferenceDocument, Pieces | None], None]


@dataclass
class _UnitDocuments:
    """The unit-wide documents: the progress table, catalogue and power list, and the handbook."""

    renderer: Renderer
    unit: Unit
    ledger: Ledger
    view: View
    counts: Any
    statistics: View
    charts: dict[str, Any]
    options: BuildOptions
    keys: _Keys
    unit_digest: str
    forms: int
    paths: list[Path] = field(default_factory=list)
    pieces_root: Path | None = None  # where text documents keep their pieces (none: not kept)
    known: dict[int, str] = field(default_factory=dict)  # id of a form's view → its digest
    department_digests: dict[int, str] = field(default_factory=dict)  # id of a department's view → its digest

    def __post_init__(self) -> None:
        self.reference = ReferenceDocument(find_template(STYLE_TEMPLATE, self.renderer.dirs))

    @property
    def handbook_key(self) -> str:
        chapters = [[chapter.path, chapter.title, chapter.body] for chapter in self.unit.chapters]
        return self.keys.of(
            "handbook",
            self.unit_digest,
            view_digest(chapters),
            view_digest(self.statistics),
            str(self.options.static_toc),
            *sorted(chart.png.name for chart in self.charts.values()),
        )

    def plan(self) -> dict[str, Callable[[], list[Path]]]:
        """What is out of date, longest first; the paths of all of them (fresh or not) in paths."""
        options, out, keys = self.options, self.options.out, self.keys
        tasks: dict[str, Callable[[], list[Path]]] = {}
        if "handbook" in options.documents:
            key = self.handbook_key
            for suffix in options.formats:
                path = out / f"{handbook.HANDBOOK_TITLE}.{suffix}"
                if suffix != "docx" and not keys.fresh(path, key, suffix):
                    tasks[path.name] = functools.partial(self._handbook_text, path, suffix)
                if suffix != "docx":
                    self.paths.append(path)
        if "tables" in options.documents:
            progress = progress_view(self.unit, self.ledger, options.as_of, self.counts)
            key = keys.of(PROGRESS, view_digest(progress))
            for suffix in options.formats:
                path = out / f"{PROGRESS}.{suffix}"
                self.paths.append(path)
                if not keys.fresh(path, key, suffix):
                    tasks[path.name] = functools.partial(
                        lambda p, s: list(write_progress(self.renderer, p, out, (s,))), progress, suffix
                    )
            for title, writer in (
                (handbook.CATALOGUE_NAME, handbook.write_catalogue),
                (handbook.POWERS_TITLE, handbook.write_powers),
            ):
                key = keys.of(title, self.unit_digest)
                for suffix in options.formats:
                    path = out / f"{title}.{suffix}"
                    self.paths.append(path)
                    if not keys.fresh(path, key, suffix):
                        tasks[path.name] = functools.partial(self._table, path, title, writer, suffix)
        return tasks

    def _table(self, path: Path, title: str, writer: TableWriter, suffix: str) -> list[Path]:
        with self._pieces(path) as pieces:
            if suffix == "docx":
                writer(path, self.view, self.reference, pieces)
            else:
                write_text_atomic(path, self.renderer.text(title, suffix, self.view, pieces))
        return [path]

    @contextlib.contextmanager
    def _pieces(self, path: Path) -> Iterator[Pieces | None]:
        """The kept pieces of the text document at path, renewed when it is written (none without a cache)."""
        if self.pieces_root is None:
            yield None
            return
        fragments = Fragments(self.pieces_root, self.options.out, path.name)
        try:
            yield Pieces(fragments, self.keys.stamp, self.known)
            fragments.commit()
        finally:
            fragments.close()

    def _handbook_text(self, path: Path, suffix: str) -> list[Path]:
        view = self.view
        context = {
            **view,
            "统计": self.statistics,
            "按等级": rows_by_grade(view["目录"], view["等级"]),
            "章名": chapter_names(view, self.unit.chapters),
            "章节": [
                {"标题": chapter.title, "markdown": Markup(chapter.body), "html": to_html(chapter.body)}
                for chapter in self.unit.chapters
            ],
        }
        with self._pieces(path) as pieces:
            self.renderer.stream(handbook.HANDBOOK_TITLE, suffix, context, path, scale=1 + self.forms // 1000, pieces=pieces)
        return [path]


def write_progress(renderer: Renderer, progress: View, out: Path, formats: Sequence[str]) -> Iterator[Path]:
    for suffix in formats:
        path = out / f"{PROGRESS}.{suffix}"
        if suffix == "docx":
            write_atomic(path, renderer.form(PROGRESS).render(progress))
        else:
            write_text_atomic(path, renderer.text(PROGRESS, suffix, progress))
        yield path


def _read_manifest(out: Path) -> dict[str, str]:
    """What the last build wrote: relative name → digest of the content it wrote.

    The manifest is untrusted (it sits in a folder anyone may edit): a name is only acted on
    when it stays inside out and the file there still holds exactly what lzfk wrote.
    """
    try:
        data = json.loads((out / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    files = data.get("files", {}) if isinstance(data, dict) else {}
    if not isinstance(files, dict):  # an older manifest without digests: delete nothing
        return {}
    return {name: value for name, value in files.items() if isinstance(name, str) and isinstance(value, str)}


def _write_manifest(out: Path, digests: dict[str, str], carried: dict[str, str] | None = None) -> None:
    """Record what this build wrote; carried entries (a partial build) keep their old digests,
    so a file changed since is never adopted as lzfk's."""
    names = {**(carried or {}), **digests}
    write_text_atomic(
        out / MANIFEST,
        json.dumps({"generator": "lzfk build", "files": dict(sorted(names.items()))}, ensure_ascii=False, indent=1) + "\n",
    )


def _content_digest(path: Path) -> str:
    return content_digest(read_bytes(path)[0])


def _remove_stale(out: Path, previous: dict[str, str], written: list[Path], names: set[str] | None = None) -> list[Path]:
    """Delete what the last build wrote and this one did not; never anything else.

    names: what this build wrote, relative to out; a previous name among them is kept without
    resolving every path (most rebuilds remove nothing).
    """
    if names is not None:
        previous = {name: value for name, value in previous.items() if name not in names}
        if not previous:
            return []
    now = {path.resolve() for path in written}
    removed = []
    base = out.resolve()
    for name, expected in previous.items():
        candidate = out / name
        if candidate.is_symlink() or not candidate.is_file():
            continue
        path = candidate.resolve()
        if path in now or not path.is_relative_to(base):
            continue
        try:
            if _content_digest(path) != expected:
                continue  # changed or put there by someone else: not lzfk's to delete
        except OSError:
            continue
        try:
            path.unlink()
        except OSError:
            continue
        removed.append(path)
        parent = path.parent
        while parent != base and parent.is_relative_to(base) and not any(parent.iterdir()):
            parent.rmdir()
            parent = parent.parent
    return removed
