"""The one Jinja environment, and where templates are found.

Sandboxed (a template from a pull request cannot reach Python), strict about undefined
names (a misspelt field is an error, not a blank on a form) and always autoescaping
(docxtpl loses text silently without it). Word, Markdown and HTML templates all render
through the environment that ``environment()`` builds.
"""

from __future__ import annotations

import re
import traceback
from collections.abc import Sequence
from pathlib import Path

import jinja2
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from lianzheng_cli.errors import LzfkError
from lianzheng_cli.render.context import chinese_number
from lianzheng_cli.render.sanitize import clean
from lianzheng_cli.reporters import markdown

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates"
USER_DIR = "templates"
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#~])")  # "|" and line breaks: reporters.markdown.cell


class TemplateError(LzfkError):
    """A template could not be compiled or rendered."""


def template_dirs(root: Path | None) -> list[Path]:
    """The repository's templates/ first (it overrides), then the built-in defaults."""
    dirs = []
    if root is not None and (root / USER_DIR).is_dir():
        dirs.append(root / USER_DIR)
    dirs.append(BUILTIN_DIR)
    return dirs


def find_template(name: str, dirs: Sequence[Path]) -> Path:
    for folder in dirs:
        candidate = folder / name
        if candidate.is_file():
            return candidate
    raise TemplateError(f"找不到模板 {name}", hint="运行 lzfk templates export 查看可用的模板")


def md_text(value: object) -> Markup:
    """Text for Markdown: inline markup characters escaped, HTML special characters as entities."""
    text = _MD_SPECIAL.sub(r"\\\1", clean(value)).replace("|", "\\|")
    return Markup(str(escape(text)).replace("\n", "  \n"))


def md_cell(value: object) -> Markup:
    """Text for a Markdown table cell: as md_text, then the one table-cell escaper (``|``, line breaks as <br>)."""
    return Markup(markdown.cell(str(escape(_MD_SPECIAL.sub(r"\\\1", clean(value))))))


def html_lines(value: object) -> Markup:
    """Text for HTML with its line breaks kept."""
    return Markup(str(escape(clean(value))).replace("\n", "<br>"))


def _finalize(value: object) -> object:
    """Every printed value loses characters Word cannot hold (Markup is ours, already clean)."""
    if isinstance(value, str) and not isinstance(value, Markup):
        return clean(value)
    return value


def environment(dirs: Sequence[Path] = (BUILTIN_DIR,)) -> jinja2.Environment:
    """The single environment every template renders through."""
    env = ImmutableSandboxedEnvironment(
        loader=jinja2.FileSystemLoader([str(folder) for folder in dirs], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters.update({"md": md_text, "md_cell": md_cell, "lines": html_lines, "中文数字": chinese_number})
    return env


def describe(exc: Exception, name: str) -> TemplateError:
    """A Jinja exception as a TemplateError naming the template at fault and its line: the one
    rendered (``name``), or the macro file it imports when the error is there."""
    line: int | None
    if isinstance(exc, jinja2.TemplateSyntaxError):
        line = exc.lineno
        name = Path(exc.filename).name if exc.filename else exc.name or name
    else:
        name, line = _render_place(exc, name)
    where = f"模板 {name}" + (f" 第 {line} 行" if line else "")
    return TemplateError(f"{where}：{reason(exc)}", hint=_hint(exc))


def reason(exc: Exception) -> str:
    message = str(getattr(exc, "message", None) or exc)
    if isinstance(exc, jinja2.UndefinedError):
        attribute = re.search(r"has no attribute '([^']*)'", message)
        if attribute:
            return f"没有名为“{attribute.group(1)}”的字段"
        undefined = re.search(r"'([^']*)' is undefined", message)
        if undefined:
            return f"未定义的名称“{undefined.group(1)}”"
        return f"引用了不存在的值（{message}）"
    if isinstance(exc, jinja2.exceptions.SecurityError):
        return f"模板中使用了不允许的操作（{message}）"
    if isinstance(exc, jinja2.TemplateNotFound):
        return f"找不到被引用的模板 {exc.name}"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return f"模板语法错误：{message}"
    return f"{type(exc).__name__}: {message}"


def _hint(exc: Exception) -> str:
    if isinstance(exc, jinja2.UndefinedError):
        return "可用的字段见 docs/documents.md 的“模板中可用的字段”；字段名区分全角半角"
    if isinstance(exc, jinja2.TemplateSyntaxError):
        return "检查 {{ }}、{% %} 是否成对，for/if 是否有对应的 endfor/endif"
    return "修改模板，或删除 templates/ 中的该文件以恢复内置模板"


def _render_place(exc: Exception, name: str) -> tuple[str, int | None]:
    """The innermost template frame of the traceback (Jinja maps template code to its file and line)."""
    place: tuple[str, int | None] = (name, None)
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename == "<template>":
            place = (name, frame.lineno)
        elif frame.filename and frame.filename.endswith(_TEMPLATE_SUFFIXES):
            place = (Path(frame.filename).name, frame.lineno)
    return place
