"""``lzfk build`` as a function: registers in, documents written, a report of what was done.

The separate forms and notices are rendered by worker processes (one per core) while the
main process writes the handbook and the unit-wide documents. Files written by the
previous build and not by this one are removed (only those: a manifest lists them).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import shutil
from collections.abc import Iterator, Sequence
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
from lianzheng_cli.paths import BUILD_MANIFEST
from lianzheng_cli.render import handbook, pdf
from lianzheng_cli.render.assemble import Unit, rows_by_grade, unit_context
from lianzheng_cli.render.context import DEPARTMENT_FORM, NOTICE, POST_FORM, UNIT_FORM, View
from lianzheng_cli.render.docx_package import ReferenceDocument
from lianzheng_cli.render.flowchart import render_charts
from lianzheng_cli.render.forms import FormTemplate
from lianzheng_cli.render.jinja_env import describe, environment, find_template, render_bounded, template_dirs
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


@dataclass
class BuildResult:
    written: list[Path] = field(default_factory=list)
    removed: list[Path] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)
    counts: dict[str, int] = field(default_factory=dict)
    pdf_fonts: list[str] = field(default_factory=list)  # faces embedded in the PDFs
    pdf_substitutes: list[tuple[str, str]] = field(default_factory=list)  # (family named, face printed instead)


@dataclass(frozen=True)
class Job:
    """One form or notice: which template, the view, and the output path without suffix."""

    template: str
    view: View
    base: str


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

    def text(self, name: str, suffix: str, context: View) -> str:
        template_name = f"{name}.{suffix}.j2"
        try:
            template = self.env.get_template(template_name)
        except jinja2.TemplateNotFound as exc:
            if exc.name == template_name:
                find_template(template_name, self.dirs)
            raise describe(exc, template_name) from exc
        except jinja2.TemplateError as exc:
            raise describe(exc, getattr(exc, "name", None) or template_name) from exc
        return render_bounded(template, context, template_name)

    def write(self, job: Job, out: Path, formats: Sequence[str]) -> list[Path]:
        written = []
        context = handbook.form_context(job.view)
        for suffix in formats:
            path = out / f"{job.base}.{suffix}"
            if suffix == "docx":
                write_atomic(path, self.form(job.template).render(context))
            else:
                write_text_atomic(path, self.text(job.template, suffix, context))
            written.append(path)
        return written


_OUTPUT_HINT = "检查目录是否可写、文件是否正在 Word 中打开"


def write_atomic(path: Path, data: bytes) -> None:
    """A generated file in one step (no fsync: it can always be built again)."""
    fsutil.write_atomic(path, data, durable=False, hint=_OUTPUT_HINT)


def write_text_atomic(path: Path, text: str) -> None:
    write_atomic(path, text.encode("utf-8"))


_WORKER: Renderer | None = None


def _init_worker(root: Path | None) -> None:
    global _WORKER
    _WORKER = Renderer(root)


def _run_chunk(jobs: list[Job], out: Path, formats: tuple[str, ...]) -> list[Path]:
    assert _WORKER is not None
    return [path for job in jobs for path in _WORKER.write(job, out, formats)]


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


def build(unit: Unit, ledger: Ledger, root: Path | None, options: BuildOptions) -> BuildResult:
    """Write every document into options.out."""
    result = BuildResult()
    out = options.out
    refuse_special_folder(out)
    previous = _read_manifest(out)
    renderer = Renderer(root)
    view = unit_context(unit)
    counts = count_registers(unit)
    chart_set = render_charts(
        [(power["编号"], power) for department in view["科室"] for power in department["权力清单"]], root or out, view["等级"]
    )
    result.problems.extend(chart_set.problems)
    result.written.extend(_attach_charts(view, chart_set.charts, out))
    toc_jobs: list[TocJob] = []
    jobs = form_jobs(view) if "forms" in options.documents else []
    pending = _start_forms(jobs, root, out, options) if len(jobs) >= PARALLEL_THRESHOLD else None
    if pending is None:
        for done, job in enumerate(jobs, 1):
            result.written.extend(renderer.write(job, out, options.formats))
            options.progress(FORMS_STAGE, done, len(jobs))
    try:
        result.written.extend(_unit_documents(renderer, unit, ledger, view, counts, chart_set.charts, out, options, toc_jobs))
    finally:
        if pending is not None:
            pool, futures = pending
            try:
                for done, future in enumerate(futures, 1):
                    result.written.extend(future.result())
                    options.progress(FORMS_STAGE, min(done * CHUNK, len(jobs)), len(jobs))
            finally:
                pool.shutdown(cancel_futures=True)
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
    if toc_jobs:
        result.problems.append(TOC_NOTE)
    if options.documents == frozenset(DOCUMENT_KINDS) and tuple(sorted(options.formats)) == tuple(sorted(FORMATS)):
        result.removed = _remove_stale(out, previous, result.written)
        _write_manifest(out, result.written)
    else:
        _write_manifest(out, result.written, carried=previous)
    result.counts = {
        "posts": counts.posts,
        "departments": counts.departments,
        "risks": counts.risks,
        "measures": counts.measures,
        "flowcharts": len(chart_set.charts),
    }
    return result


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


def _start_forms(
    jobs: list[Job], root: Path | None, out: Path, options: BuildOptions
) -> tuple[ProcessPoolExecutor, list[Future[list[Path]]]] | None:
    workers = options.jobs or min(os.cpu_count() or 1, 2)
    if workers <= 1:
        return None
    method = "fork" if "fork" in get_all_start_methods() else "spawn"
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=get_context(method), initializer=_init_worker, initargs=(root,))
    chunks = [jobs[i : i + CHUNK] for i in range(0, len(jobs), CHUNK)]
    return pool, [pool.submit(_run_chunk, chunk, out, options.formats) for chunk in chunks]


def _attach_charts(view: View, charts: dict[str, Any], out: Path) -> list[Path]:
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
            target.parent.mkdir(parents=True, exist_ok=True)
            try:
                shutil.copyfile(chart.png, target)
            except OSError as exc:
                raise WriteError(f"无法写入 {target}：{exc.strerror or exc}") from exc
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


def _unit_documents(
    renderer: Renderer,
    unit: Unit,
    ledger: Ledger,
    view: View,
    counts: Any,
    charts: dict[str, Any],
    out: Path,
    options: BuildOptions,
    pending_toc: list[TocJob],
) -> Iterator[Path]:
    formats = options.formats
    reference = ReferenceDocument(find_template(STYLE_TEMPLATE, renderer.dirs))
    statistics = statistics_view(counts)
    if "tables" in options.documents:
        progress = progress_view(unit, ledger, options.as_of, counts)
        yield from write_progress(renderer, progress, out, formats)
        for title, writer in (
            (handbook.CATALOGUE_NAME, handbook.write_catalogue),
            (handbook.POWERS_TITLE, handbook.write_powers),
        ):
            for suffix in formats:
                path = out / f"{title}.{suffix}"
                if suffix == "docx":
                    writer(path, view, reference)
                else:
                    write_text_atomic(path, renderer.text(title, suffix, view))
                yield path
    if "handbook" not in options.documents:
        return
    forms = handbook.Forms(renderer.form(POST_FORM), renderer.form(DEPARTMENT_FORM), renderer.form(UNIT_FORM))
    for suffix in formats:
        path = out / f"{handbook.HANDBOOK_TITLE}.{suffix}"
        if suffix == "docx":
            data = handbook.HandbookInput(view, unit.chapters, statistics, charts, forms, static_toc=options.static_toc)
            entries = handbook.write_handbook(path, data, reference)
            if not options.static_toc:
                pending_toc.append(TocJob(path, data, reference, entries))
        else:
            context = {
                **view,
                "统计": statistics,
                "按等级": rows_by_grade(view["目录"], view["等级"]),
                "章名": chapter_names(view, unit.chapters),
                "章节": [
                    {"标题": chapter.title, "markdown": Markup(chapter.body), "html": to_html(chapter.body)}
                    for chapter in unit.chapters
                ],
            }
            write_text_atomic(path, renderer.text(handbook.HANDBOOK_TITLE, suffix, context))
        yield path


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


def _write_manifest(out: Path, written: list[Path], carried: dict[str, str] | None = None) -> None:
    """Record what this build wrote; carried entries (a partial build) keep their old digests,
    so a file changed since is never adopted as lzfk's."""
    names = dict(carried or {})
    for path in sorted(set(written)):
        try:
            names[path.relative_to(out).as_posix()] = _content_digest(path)
        except (OSError, ValueError):
            continue
    write_text_atomic(
        out / MANIFEST,
        json.dumps({"generator": "lzfk build", "files": dict(sorted(names.items()))}, ensure_ascii=False, indent=1) + "\n",
    )


def _content_digest(path: Path) -> str:
    from lianzheng_cli.cache import digest
    from lianzheng_cli.loader.raw import read_bytes

    return digest(read_bytes(path)[0])


def _remove_stale(out: Path, previous: dict[str, str], written: list[Path]) -> list[Path]:
    """Delete what the last build wrote and this one did not; never anything else."""
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
