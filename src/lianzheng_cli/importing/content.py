"""Cell text to register content: risk names and manifestations, measures and stages, grades, reviews."""

from __future__ import annotations

import re
from functools import lru_cache

from lianzheng_cli.importing.items import Group, grouped, split_items, texts
from lianzheng_cli.importing.records import Collector, ImportedMeasure, ImportedReview
from lianzheng_cli.importing.table import CACHED_TEXTS
from lianzheng_cli.importing.vocabulary import Vocabulary, stage_heading

NAME_LIMIT = 40
_NAME_SPLIT = re.compile(r"[：:]")
_GRADE_MARK = re.compile(r"[（(]\s*([一二三ⅠⅡⅢIABCabc123高中低]{1,3}\s*级?(?:风险)?)\s*[)）]\s*$")
_DATE = re.compile(r"(\d{4})\s*[年./\-]\s*(\d{1,2})\s*[月./\-]\s*(\d{1,2})\s*日?")
_SIGNER = re.compile(r"(?:签\s*字|签\s*名|审核人|审定人|负责人)\s*[)）]?\s*[:：]?\s*([^\s（()）:：\d]{2,8})")
_BLANK_FORM = re.compile(r"[（(]?\s*(?:签字|签名|盖章|公章)\s*[)）]?|年\s*月\s*日")


@lru_cache(maxsize=CACHED_TEXTS)
def one_line(text: str) -> str:
    return "".join(part.strip() for part in text.split("\n")).strip("；;。 ")


def risk_parts(risk_text: str, manifest_text: str = "") -> tuple[str, list[str]]:
    """A risk's short name and its manifestations from the cells that hold them."""
    if manifest_text:
        return one_line(risk_text), texts(manifest_text) or [one_line(manifest_text)]
    groups = grouped(risk_text)
    if len(groups) == 1:
        return group_parts(groups[0])
    return one_line(risk_text), [g.text for g in groups]


def group_parts(group: Group) -> tuple[str, list[str]]:
    """一 numbered risk (with its sub-items) of a form cell: 名称：表现 or 名称 + 1.1/1.2."""
    head, *rest = _NAME_SPLIT.split(group.text, maxsplit=1)
    if group.subs:
        return one_line(group.text) or one_line(group.subs[0]), list(group.subs)
    if rest and rest[0].strip() and len(head) <= NAME_LIMIT:
        parts = [p.strip() for p in re.split(r"[；;]", rest[0]) if p.strip()]
        return head.strip(), parts or [rest[0].strip()]
    return one_line(group.text), [one_line(group.text)]


def grade_marker(text: str) -> tuple[str, str | None]:
    """A trailing （一级） on a risk's text: the text without it, and the spelling."""
    match = _GRADE_MARK.search(text)
    if match is None:
        return text, None
    return text[: match.start()].rstrip(), match.group(1)


def measures_of(text: str, vocabulary: Vocabulary, *, stage: int | None = None) -> list[ImportedMeasure]:
    """Measures in a cell; 事前：/中期监控： headings set the stage of what follows."""
    current = stage
    measures: list[ImportedMeasure] = []
    for item in split_items(text):
        heading = stage_heading(item.text)
        content = item.text
        if heading is not None:
            current, content = heading[0], heading[1].strip()
            if not content:
                continue
        measures.append(ImportedMeasure(content, vocabulary.stage(current) if current is not None else None))
    return measures


def normal_grade(
    spelling: str, vocabulary: Vocabulary, collector: Collector, *, where: str, row: int, column: int, risk: str
) -> str | None:
    """The unit's grade for a spelling; unknown or missing spellings become findings."""
    if not spelling.strip():
        collector.add(
            "LZ606",
            f"风险点“{risk}”没有风险等级",
            f"在源文件中补上等级，或导入后在登记表中填写“等级”（可选：{'、'.join(vocabulary.config.grades)}）",
            where=where,
            row=row,
            column=column,
        )
        return None
    grade = vocabulary.grade(spelling)
    if grade is None:
        collector.add(
            "LZ605",
            f"风险点“{risk}”的等级“{spelling.strip()}”无法识别，已原样写入",
            f"改为本单位的等级（{'、'.join(vocabulary.config.grades)}），或在 lzfk.yaml 的“等级别名”中写明，如 {{{spelling.strip()}: {vocabulary.config.grades[0]}}}",
            where=where,
            row=row,
            column=column,
        )
    return grade


def review_of(text: str) -> ImportedReview | None:
    """审核/审定 cell: opinion, 签字 and a date; None when the form was left blank."""
    date_match = _DATE.search(text)
    signer_match = _SIGNER.search(text)
    rest = text
    for match in (date_match, signer_match):
        if match is not None:
            rest = rest.replace(match.group(0), " ")
    opinion = one_line(_BLANK_FORM.sub(" ", rest)).strip("：:，,（(）) ")
    opinion = re.sub(r"\s+", "", opinion)
    if not opinion or date_match is None:
        return None
    year, month, day = (int(g) for g in date_match.groups())
    signer = signer_match.group(1) if signer_match else None
    return ImportedReview(opinion, f"{year:04d}-{month:02d}-{day:02d}", signer)


_TOTAL = re.compile(r"(?:共|合计|总计)[^\d。；;，,]{0,10}?(\d{1,5})\s*(?:个|项|条|处)")


def stated_total(notes: list[str]) -> int | None:
    for note in notes:
        match = _TOTAL.search(note)
        if match and "风险" in note:
            return int(match.group(1))
    return None
