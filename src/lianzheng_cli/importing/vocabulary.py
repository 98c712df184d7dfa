"""The words of legacy registers: header synonyms, grade spellings, stage words."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

from lianzheng_cli.config import Config
from lianzheng_cli.importing.table import CACHED_TEXTS, squeeze

# Canonical field → header words seen on real registers. A unit adds its own words in
# lzfk.yaml under 导入表头 (same field names).
HEADER_WORDS: dict[str, tuple[str, ...]] = {
    "序号": ("序号", "顺序号"),
    "编号": ("编号", "风险点编号", "风险编号"),
    "单位": ("单位", "单位名称"),
    "科室": (
        "科室",
        "单位/科室",
        "部门",
        "处室",
        "处科室",
        "处科室名称",
        "科室名称",
        "部门名称",
        "内设机构",
        "责任科室",
        "责任部门",
        "所在科室",
        "科室（部门）",
    ),
    "岗位": ("岗位", "职务", "岗位名称", "岗位类别", "职位", "岗位（职务）"),
    "分组": ("权限", "业务组", "分组", "权力分类"),
    "权力事项": ("权力事项", "职权事项", "事项名称", "业务事项", "权力名称"),
    "风险点": ("风险点", "廉政风险点", "风险名称", "风险点名称", "风险事项", "存在廉政风险", "主要风险点", "风险点描述"),
    "表现形式": (
        "表现形式",
        "廉政风险主要内容及表现形式",
        "主要内容及表现形式",
        "风险描述",
        "主要表现",
        "风险表现",
        "风险表现形式",
        "具体表现",
        "风险内容",
    ),
    "类型": ("类型", "风险类型", "风险类别", "类别", "风险种类"),
    "等级": ("等级", "风险等级", "风险级别", "风险级次", "级别", "等次"),
    "发生概率": ("发生概率", "可能性"),
    "危害程度": ("危害程度", "后果"),
    "防控措施": ("防控措施", "自我防控措施", "防范措施", "防控方法", "措施", "廉政风险防控措施", "主要防控措施", "预防措施"),
    "前期预防": ("前期预防", "前期预防措施", "事前预防", "事前预防措施"),
    "中期监控": ("中期监控", "中期监控措施", "事中监控", "事中监控措施"),
    "后期处置": ("后期处置", "后期处置措施", "事后处置", "事后处置措施"),
    "期限": ("期限", "完成时限", "时限"),
    "直接责任人": ("直接责任人", "责任人", "防控责任人"),
    "部门负责人": ("部门负责人", "部门责任人", "科室负责人", "负责人"),
    "责任领导": ("责任领导", "分管领导", "主管领导", "领导责任人"),
    "姓名": ("姓名", "在岗人员", "岗位人员"),
    "主要职责": ("主要职责", "岗位职责", "职责", "工作职责"),
    "监测指标": ("监测指标", "监控指标"),
    "说明": ("备注", "说明"),
    "审核意见": ("审核意见",),
    "审定意见": ("审定意见",),
}
FIELDS = tuple(HEADER_WORDS)
# Columns whose value is written once for a group of rows (often merged down).
GROUPING_FIELDS = frozenset(("单位", "科室", "岗位", "分组", "部门负责人", "责任领导", "姓名", "主要职责"))
STAGE_FIELDS = ("前期预防", "中期监控", "后期处置")

_PAREN = re.compile(r"[（(][^）)]*[）)]$")
_PUNCT = re.compile(r"[*:：#＊]")


@lru_cache(maxsize=CACHED_TEXTS)  # asked of every mapped cell of every row (repeated headers)
def header_key(text: str) -> str:
    return _PUNCT.sub("", squeeze(text))


@dataclass(frozen=True)
class Vocabulary:
    """Header words (built-in plus the unit's) and the unit's grades and stages."""

    words: Mapping[str, str]  # squeezed header word → field
    config: Config

    @classmethod
    def for_config(cls, config: Config) -> Vocabulary:
        words: dict[str, str] = {}
        for fieldname, synonyms in HEADER_WORDS.items():
            for word in [fieldname, *synonyms]:
                words.setdefault(header_key(word), fieldname)
        for fieldname, extra in config.import_headers.items():
            for word in extra:
                words[header_key(word)] = fieldname  # the unit's words win
        return cls(words, config)

    def field_of(self, text: str) -> str | None:
        key = header_key(text)
        if not key:
            return None
        found = self.words.get(key)
        if found is None and _PAREN.search(key):
            found = self.words.get(_PAREN.sub("", key))
        return found

    def grade(self, spelling: str) -> str | None:
        """The unit's grade name for a spelling, or None: never a guess."""
        text = squeeze(spelling)
        if not text:
            return None
        known = self.config.grade(text)
        if known is not None:
            return known.name
        rank = _grade_rank(text)
        return None if rank is None else self.config.grades[rank]

    def stage(self, index: int) -> str:
        stages = self.config.stages
        return stages[min(index, len(stages) - 1)]


_RANKS: dict[str, int] = {}
for _rank, _spellings in enumerate(
    (
        ("一级", "一", "1", "1级", "Ⅰ", "Ⅰ级", "I", "I级", "A", "A级", "a", "高", "红", "红色", "重大"),
        ("二级", "二", "2", "2级", "Ⅱ", "Ⅱ级", "II", "II级", "B", "B级", "b", "中", "中等", "较高", "橙", "橙色", "较大"),
        ("三级", "三", "3", "3级", "Ⅲ", "Ⅲ级", "III", "III级", "C", "C级", "c", "低", "一般", "较低", "黄", "黄色"),
    )
):
    for _spelling in _spellings:
        _RANKS[_spelling] = _rank


def _grade_rank(text: str) -> int | None:
    for candidate in (text, text.removesuffix("风险"), text.removesuffix("等级"), text.removesuffix("风险").removesuffix("级")):
        if candidate in _RANKS:
            return _RANKS[candidate]
    return None


_STAGE_WORDS = (
    ("前期预防", "前期", "事前", "预防"),
    ("中期监控", "中期", "事中", "监控"),
    ("后期处置", "后期", "事后", "处置"),
)
_STAGE_HEAD = re.compile(
    r"^[（(]?[一二三123]?[)）、.．]?\s*(前期预防|中期监控|后期处置|前期|中期|后期|事前预防|事中监控|事后处置|事前|事中|事后)"
    r"(?:措施|阶段|防线)?\s*[:：]\s*"
)


@lru_cache(maxsize=CACHED_TEXTS)
def stage_heading(text: str) -> tuple[int, str] | None:
    """(stage index, rest) when text opens with a stage word and a colon (事前：…)."""
    match = _STAGE_HEAD.match(text)
    if match is None:
        return None
    word = match.group(1)
    for index, words in enumerate(_STAGE_WORDS):
        if any(word.startswith(w) for w in words):
            return index, text[match.end() :]
    return None


def stage_of_word(text: str) -> int | None:
    """Stage index of a column header or label such as 事前预防措施."""
    key = squeeze(text)
    for index, words in enumerate(_STAGE_WORDS):
        if any(key.startswith(w) for w in words):
            return index
    return None
