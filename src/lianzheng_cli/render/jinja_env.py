"""The one Jinja environment, and where templates are found.

Sandboxed (a template from a pull request cannot reach Python), strict about undefined
names (a misspelt field is an error, not a blank on a form) and always autoescaping
(docxtpl loses text silently without it). Word, Markdown and HTML templates all render
through the environment that ``environment()`` builds.
"""

from __future__ import annotations

import contextlib
import functools
import os
import re
import traceback
from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path
from types import CodeType
from typing import Any, Protocol, TypeVar

import jinja2
from jinja2.runtime import Context, Macro
from jinja2.sandbox import ImmutableSandboxedEnvironment
from markupsafe import Markup, escape

from lianzheng_cli.errors import LzfkError
from lianzheng_cli.limits import TimeLimitExceeded, deadline
from lianzheng_cli.loader.raw import RefusedFile, check_regular
from lianzheng_cli.render.context import chinese_number
from lianzheng_cli.render.sanitize import clean
from lianzheng_cli.reporters import markdown

BUILTIN_DIR = Path(__file__).resolve().parent.parent / "templates"
USER_DIR = "templates"
_TEMPLATE_SUFFIXES = (".j2", ".jinja", ".jinja2")
_MD_SPECIAL = re.compile(r"([\\`*_\[\]#~])")  # "|" and line breaks: reporters.markdown.cell
# Bounds on one render: a template that loops, recurses or writes gigabytes is stopped.
RENDER_SECONDS = 60.0
MAX_OUTPUT_CHARS = 64 * 1024 * 1024
MAX_RESULT_BITS = 100_000
MAX_SIZE_ARGUMENT = 100_000  # widths, repeat counts and exponents a template may ask for
T = TypeVar("T")
Locate = Callable[[Exception, str], "TemplateError"]
_PERCENT_WIDTH = re.compile(r"%[-+ #0]*(?:\d{6,}|\*)|%[-+ #0]*\d*\.(?:\d{6,}|\*)")


class TemplateError(LzfkError):
    """A template could not be compiled or rendered."""


# The built-in macros whose output is a function of their arguments alone (no caller, no
# context, nothing but filters and their own file's macros): a build may keep their output
# between runs (MacroMemo). A test keeps this list true.
PURE_MACROS: dict[str, frozenset[str]] = {
    "_宏.md.j2": frozenset(("防控表", "目录行", "权力表", "流程")),
    "_宏.html.j2": frozenset(("防控表", "目录行", "权力表", "流程")),
}


class MacroMemo(Protocol):
    """Where a render keeps the output of pure macro calls (render.incremental.Pieces)."""

    def key(self, place: str, args: tuple[Any, ...]) -> str | None: ...

    def reuse(self, key: str) -> str | None:
        """The output kept under key (and kept again for the next build), or None."""

    def add(self, key: str, text: str) -> None:
        """Keep output under key for the next build."""


def pure_place(macro: Macro) -> str | None:
    """A built-in pure macro's name with its file ("_宏.md.j2:防控表"); None for any other macro
    (a unit's own templates/ may define anything)."""
    code = macro._func.__code__  # where Jinja compiled the macro
    seen = (code, code.co_filename)  # code objects compare equal across files: the same macro copied is another one
    if seen not in _PLACES:
        where = Path(code.co_filename)
        names = PURE_MACROS.get(where.name) if where.parent == BUILTIN_DIR else None
        pure = names is not None and macro.name in names
        pure = pure and not (macro.caller or macro.catch_kwargs or macro.catch_varargs)
        _PLACES[seen] = f"{where.name}:{macro.name}" if pure else None
    return _PLACES[seen]


_PLACES: dict[tuple[CodeType, str], str | None] = {}
# What Jinja's generated code passes to every call besides the template's own arguments.
_SCOPE_ARGUMENTS = frozenset(("_loop_vars", "_block_vars"))


def template_dirs(root: Path | None) -> list[Path]:
    """The repository's templates/ first (it overrides), then the built-in defaults."""
    dirs = []
    if root is not None and (root / USER_DIR).is_dir():
        if (root / USER_DIR).is_symlink() or not (root / USER_DIR).resolve().is_relative_to(root.resolve()):
            raise TemplateError(
                f"{USER_DIR}/ 是链接或指向登记库之外，未读取", hint="把模板放在登记库的 templates/ 目录中，不要用链接"
            )
        dirs.append(root / USER_DIR)
    dirs.append(BUILTIN_DIR)
    return dirs


def find_template(name: str, dirs: Sequence[Path]) -> Path:
    for folder in dirs:
        candidate = folder / name
        if os.path.lexists(candidate):
            _check_template_file(candidate, folder, name)
            return candidate
    raise TemplateError(f"找不到模板 {name}", hint="运行 lzfk templates export 查看可用的模板")


def _check_template_file(candidate: Path, folder: Path, name: str) -> None:
    """A template must be a regular file inside its templates folder (it may come from a pull request)."""
    try:
        check_regular(candidate, folder)
    except RefusedFile as exc:
        raise TemplateError(f"模板 {name} 未读取：{exc.reason}", hint="templates/ 中只放普通文件，不放链接") from None
    except OSError as exc:
        raise TemplateError(f"模板 {name} 无法读取：{exc.strerror or exc}") from None


class _RegularFileLoader(jinja2.FileSystemLoader):
    """FileSystemLoader that refuses links out of its folders, FIFOs and devices (see loader/raw.py)."""

    def get_source(self, environment: jinja2.Environment, template: str) -> tuple[str, str, Callable[[], bool]]:
        for folder in self.searchpath:
            candidate = Path(folder, *template.split("/"))
            if os.path.lexists(candidate):
                _check_template_file(candidate, Path(folder), template)
                break
        return super().get_source(environment, template)


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


class BoundedSandbox(ImmutableSandboxedEnvironment):
    """The sandbox, refusing the few operations whose cost a template can make unbounded."""

    intercepted_binops = frozenset(("**", "*", "%", "<<"))

    def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
        if operator in ("**", "<<") and _result_bits(operator, left, right) > MAX_RESULT_BITS:
            raise jinja2.exceptions.SecurityError(f"运算 {operator} 的结果过大")
        if operator == "*" and _repeated_size(left, right) > MAX_OUTPUT_CHARS:
            raise jinja2.exceptions.SecurityError("重复的次数过大")
        if operator == "%" and isinstance(left, str) and _PERCENT_WIDTH.search(left):
            raise jinja2.exceptions.SecurityError("格式中的宽度过大")
        return super().call_binop(context, operator, left, right)

    memo: MacroMemo | None = None  # set for one render by memoised()

    def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        if any(_large(value) for value in (*args, *kwargs.values())) and _is_text_method(__obj):
            raise jinja2.exceptions.SecurityError("文字方法的宽度参数过大")
        memo = __self.memo
        if memo is not None and isinstance(__obj, Macro) and kwargs.keys() <= _SCOPE_ARGUMENTS:
            place = pure_place(__obj)
            key = memo.key(place, args) if place is not None else None
            if key is not None:
                kept = memo.reuse(key)
                if kept is not None:
                    return Markup(kept)
                result = super().call(__context, __obj, *args, **kwargs)
                memo.add(key, str(result))
                return result
        return super().call(__context, __obj, *args, **kwargs)


@contextlib.contextmanager
def memoised(env: jinja2.Environment, memo: MacroMemo | None) -> Iterator[None]:
    """Within the block, env keeps (and reuses) pure macro calls' output in memo."""
    if memo is None or not isinstance(env, BoundedSandbox):
        yield
        return
    env.memo = memo
    try:
        yield
    finally:
        env.memo = None


def _result_bits(operator: str, left: Any, right: Any) -> float:
    """About how many bits left ** right or left << right needs (0 when it is not integer work)."""
    if not isinstance(right, int | float) or isinstance(left, str | bytes) or right <= 0:
        return 0
    width = max(abs(int(left)).bit_length(), 1) if isinstance(left, int | float) and abs(left) < float("inf") else 1
    return width * right if operator == "**" else width + right


def _repeated_size(left: Any, right: Any) -> float:
    if _sized(left) and isinstance(right, int):
        return len(left) * right
    if _sized(right) and isinstance(left, int):
        return len(right) * left
    return 0


def _large(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and abs(value) > MAX_SIZE_ARGUMENT


def _sized(value: object) -> bool:
    return isinstance(value, str | bytes | list | tuple)


def _is_text_method(obj: object) -> bool:
    return isinstance(getattr(obj, "__self__", None), str | bytes)


def _bounded_filter(name: str, original: Any) -> Any:
    @functools.wraps(original)  # keeps Jinja's pass_environment/pass_context marks
    def guarded(value: Any, *args: Any, **kwargs: Any) -> Any:
        if any(_large(item) for item in (*args, *kwargs.values())):
            raise jinja2.exceptions.SecurityError(f"过滤器 {name} 的参数过大")
        return original(value, *args, **kwargs)

    return guarded


def render_bounded(template: jinja2.Template, context: Any, name: str, located: Locate | None = None) -> str:
    """Render within RENDER_SECONDS and MAX_OUTPUT_CHARS; every failure is a TemplateError."""
    return guarded(lambda: _collect(template.generate(context), name), name, located)


def render_streamed(
    template: jinja2.Template, context: Any, name: str, write: Callable[[str], object], *, scale: int = 1
) -> None:
    """Render piece by piece into write, never holding the whole text (the handbook's Markdown and HTML).

    The bounds grow with scale (about one per thousand forms), so that a large unit's handbook
    is not taken for a runaway template.
    """
    scale = max(1, scale)

    def stream() -> None:
        pending: list[str] = []
        size = kept = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS * scale:
                raise TemplateError(
                    f"模板 {name} 的输出超过 {MAX_OUTPUT_CHARS * scale // (1024 * 1024)} MB，已中止",
                    hint="检查模板中的循环是否会无限重复",
                )
            pending.append(chunk)
            if size - kept > 1 << 20:
                write("".join(pending))
                pending, kept = [], size
        write("".join(pending))

    guarded(stream, name, seconds=RENDER_SECONDS * scale)


def guarded(work: Callable[[], T], name: str, located: Locate | None = None, *, seconds: float | None = None) -> T:
    """Run template work within RENDER_SECONDS; whatever goes wrong in it becomes a TemplateError.

    located turns an exception raised inside the template into the error to show (default
    describe(), which names the template and its line).
    """
    locate = located or describe
    seconds = RENDER_SECONDS if seconds is None else seconds
    try:
        with deadline(seconds):
            return work()
    except TimeLimitExceeded:
        raise TemplateError(f"模板 {name} 渲染超过 {seconds:g} 秒，已中止", hint="检查模板中的循环和宏是否会无限重复") from None
    except jinja2.TemplateError as exc:
        raise locate(exc, getattr(exc, "name", None) or name) from exc
    except (LzfkError, KeyboardInterrupt):
        raise
    except Exception as exc:
        raise locate(exc, name) from exc


def _collect(chunks: Iterable[str], name: str) -> str:
    kept: list[str] = []
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > MAX_OUTPUT_CHARS:
            raise TemplateError(
                f"模板 {name} 的输出超过 {MAX_OUTPUT_CHARS // (1024 * 1024)} MB，已中止", hint="检查模板中的循环是否会无限重复"
            )
        kept.append(chunk)
    return "".join(kept)


def environment(dirs: Sequence[Path] = (BUILTIN_DIR,)) -> jinja2.Environment:
    """The single environment every template renders through."""
    env = BoundedSandbox(
        loader=_RegularFileLoader([str(folder) for folder in dirs], encoding="utf-8"),
        undefined=jinja2.StrictUndefined,
        autoescape=True,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=False,
        finalize=_finalize,
    )
    env.filters.update({"md": md_text, "md_cell": md_cell, "lines": html_lines, "中文数字": chinese_number})
    for name in ("center", "indent", "wordwrap", "truncate", "format"):
        if name in env.filters:
            env.filters[name] = _bounded_filter(name, env.filters[name])
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
    if isinstance(exc, RecursionError):
        return "宏或模板互相调用过深（可能无限递归）"
    if isinstance(exc, OverflowError | MemoryError):
        return "计算结果过大"
    if isinstance(exc, ZeroDivisionError):
        return "除数为零"
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
