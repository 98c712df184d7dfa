"""Long documents are written piece by piece, within bounds that grow with the unit, and never half."""

from __future__ import annotations

import random
import zipfile
import zlib
from pathlib import Path

import pytest

from lianzheng_cli.render import jinja_env
from lianzheng_cli.render.build import Renderer
from lianzheng_cli.render.docx_package import _write_segments, compress_segment, crc32_combine, part, segments
from lianzheng_cli.render.jinja_env import TemplateError, environment, render_streamed


def test_the_text_arrives_in_pieces_and_whole(monkeypatch: pytest.MonkeyPatch) -> None:
    pieces: list[str] = []
    source = "{% for i in range(3000) %}第{{ i }}行，" + "内容" * 200 + "\n{% endfor %}"
    render_streamed(environment().from_string(source), {}, "手册.md.j2", pieces.append)
    text = "".join(pieces)
    assert len(pieces) > 1  # flushed about every MiB, not held until the end
    assert text == environment().from_string(source).render()
    assert text.count("\n") == 3000


def test_the_output_bound_grows_with_scale(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(jinja_env, "MAX_OUTPUT_CHARS", 1000)
    template = environment().from_string("{% for i in range(15) %}{{ '字' * 100 }}{% endfor %}")
    with pytest.raises(TemplateError, match="输出超过"):
        render_streamed(template, {}, "手册.html.j2", lambda _: None)
    kept: list[str] = []
    render_streamed(template, {}, "手册.html.j2", kept.append, scale=2)
    assert "".join(kept) == "字" * 1500


def test_a_failed_stream_leaves_the_old_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    templates = tmp_path / "templates"
    templates.mkdir()
    (templates / "长文.md.j2").write_text("{% for i in range(100) %}{{ '字' * 100 }}{% endfor %}", encoding="utf-8")
    target = tmp_path / "out" / "长文.md"
    target.parent.mkdir()
    target.write_text("上次的内容", encoding="utf-8")
    monkeypatch.setattr(jinja_env, "MAX_OUTPUT_CHARS", 5000)
    with pytest.raises(TemplateError):
        Renderer(tmp_path).stream("长文", "md", {}, target)
    assert target.read_text(encoding="utf-8") == "上次的内容"
    assert [path.name for path in target.parent.iterdir()] == ["长文.md"]  # no temporary file left
    Renderer(tmp_path).stream("长文", "md", {}, target, scale=3)
    assert target.read_text(encoding="utf-8") == "字" * 10_000


def test_segments_laid_end_to_end_are_the_part_with_its_crc(tmp_path: Path) -> None:
    rng = random.Random(7)
    for _ in range(100):
        first, second = rng.randbytes(rng.randrange(300)), rng.randbytes(rng.randrange(3000))
        assert crc32_combine(zlib.crc32(first), zlib.crc32(second), len(second)) == zlib.crc32(first + second)
    text = "".join(f"<w:p>第{number}段</w:p>" for number in range(100_000))
    kept = compress_segment(text[5000:].encode("utf-8"))  # a stretch kept from an earlier build
    path = tmp_path / "part.zip"
    with zipfile.ZipFile(path, "w") as package, package.open(part("word/document.xml"), "w") as stream:
        _write_segments(stream, segments([text[:4000], text[4000:5000], kept]))
    with zipfile.ZipFile(path) as package:
        assert package.testzip() is None  # the CRC checks
        assert package.read("word/document.xml").decode("utf-8") == text
