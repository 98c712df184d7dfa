"""The register format, v1 (FORMAT.md), as pydantic models.

Attribute names are English; the on-disk keys are the Chinese aliases, and only they
are accepted. Vocabulary checks (grade names, risk types, stages, likelihoods,
consequences, levels) live in the rules,
because each unit configures its own vocabulary.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal, get_args

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator
from pydantic_core import PydanticCustomError

from lianzheng_cli.types import IsoDate, Text, TextList, as_list

# Each vocabulary is written once; the tuples are read off it. 发生概率, 危害程度 and 层级 are the
# defaults of vocabularies the unit may change in lzfk.yaml (config.VOCABULARIES), so the models
# accept any text there and the rules check it against the unit's words.
Kind = Literal["单位", "科室", "岗位"]
Likelihood = Literal["高", "较高", "低"]
Consequence = Literal["犯罪", "违纪", "不良影响"]
PostLevel = Literal["一般", "中层", "领导班子"]
KINDS: tuple[str, ...] = get_args(Kind)
KIND_UNIT, KIND_DEPARTMENT, KIND_POST = KINDS
LIKELIHOODS: tuple[str, ...] = get_args(Likelihood)
CONSEQUENCES: tuple[str, ...] = get_args(Consequence)
POST_LEVELS: tuple[str, ...] = get_args(PostLevel)
LEVEL_LEADERSHIP = POST_LEVELS[2]


class FormatModel(BaseModel):
    model_config = ConfigDict(
        extra="forbid",
        validate_by_alias=True,
        validate_by_name=False,
        serialize_by_alias=True,
        frozen=True,
    )


class Review(FormatModel):
    """审核 or 审定: who signed what, when."""

    opinion: Text = Field(alias="意见", title="意见", description="审核或审定意见，如“同意”")
    signer: Text | None = Field(None, alias="签字", title="签字", description="签字人")
    date: IsoDate = Field(alias="日期", title="日期", description="日期，写成 YYYY-MM-DD，如 2025-03-10")


REFERENCE = "引用"
# Marks a measure item whose 引用 was resolved against 共用措施 (never a YAML key: keys are text).
_RESOLVED = object()


def _measure_from_text(value: Any) -> Any:
    if isinstance(value, str):
        return {"内容": value}
    if isinstance(value, dict) and _RESOLVED in value:
        return {key: item for key, item in value.items() if key is not _RESOLVED}
    if isinstance(value, dict) and REFERENCE in value:
        raise PydanticCustomError(
            "lz_unknown_measure", "引用的共用措施“{ref}”在本登记表的“共用措施”中不存在", {"ref": str(value[REFERENCE])}
        )
    return value


class MeasureFields(FormatModel):
    """What a countermeasure says, on its own or shared."""

    stage: Text | None = Field(None, alias="阶段", title="阶段", description="三道防线之一：前期预防、中期监控、后期处置")
    content: Text = Field(alias="内容", title="内容", description="措施的具体内容")
    owner: Text | None = Field(None, alias="责任人", title="责任人", description="负责落实的岗位或人员")
    deadline: Text | None = Field(None, alias="期限", title="期限", description="完成期限，如“每月”“2025年6月底前”")
    institutions: TextList = Field(
        default_factory=list, alias="制度", title="制度", description="措施依据或需要制定、修订的制度名称"
    )


class Measure(MeasureFields):
    """A countermeasure (防控措施): written out, or ``{引用: 编号}`` of one of the register's 共用措施."""

    reference: Text | None = Field(
        None,
        alias="引用",
        title="引用",
        description="引用本登记表“共用措施”中的编号；其余键可不写，写了的覆盖共用措施中的同名键",
    )


class SharedMeasure(MeasureFields):
    """A measure declared once in 共用措施 and referred to by risk points with ``{引用: 编号}``."""

    id: Text = Field(alias="编号", title="编号", description="共用措施的编号，在本登记表中唯一，如 RS-M1")


def resolve_references(data: Any) -> Any:
    """Risk points' ``{引用: 编号}`` items, filled in from the register's 共用措施 (local keys win).

    Done before validation, so every consumer — forms, catalogue, handbook, diff and log — sees
    the measure in full, and a change to a shared measure is a change in every risk point
    using it. An unknown 编号 is left for the item's validator to report where it is written."""
    if not isinstance(data, dict) or not isinstance(data.get("共用措施"), list) or not isinstance(data.get("风险点"), list):
        return data
    table = {
        item["编号"]: {key: value for key, value in item.items() if key != "编号"}
        for item in data["共用措施"]
        if isinstance(item, dict) and isinstance(item.get("编号"), str)
    }
    risks = [
        {**risk, "防控措施": [_resolved(item, table) for item in risk["防控措施"]]}
        if isinstance(risk, dict) and isinstance(risk.get("防控措施"), list)
        else risk
        for risk in data["风险点"]
    ]
    return {**data, "风险点": risks}


def _resolved(item: Any, table: dict[str, dict[str, Any]]) -> Any:
    if not isinstance(item, dict) or not isinstance(item.get(REFERENCE), str) or item[REFERENCE] not in table:
        return item
    return {**table[item[REFERENCE]], **item, _RESOLVED: True}


MeasureItem = Annotated[Measure, BeforeValidator(_measure_from_text, json_schema_input_type=Measure | str)]
# 防控措施 may be one measure written as plain text (FORMAT.md: a single text value is a one-item list).
MeasureList = Annotated[list[MeasureItem], BeforeValidator(as_list, json_schema_input_type=list[Measure | str] | str)]


class RiskPoint(FormatModel):
    """A risk point (廉政风险点)."""

    id: Text = Field(alias="编号", title="编号", description="在整个登记库中唯一、逐年不变的编号，如 YJK-CG-01")
    name: Text = Field(alias="名称", title="名称", description="风险点的简短名称")
    type: Text = Field(alias="类型", title="风险类型", description="本单位风险类型之一，如 岗位职责风险")
    manifestations: TextList = Field(alias="表现形式", title="表现形式", description="风险的具体表现，至少一条")
    grade: Text = Field(alias="等级", title="风险等级", description="申报的风险等级，本单位等级名称之一，如 一级")
    likelihood: Text | None = Field(
        None,
        alias="发生概率",
        title="发生概率",
        description="本单位的发生概率取值之一（默认 高、较高、低，见 lzfk.yaml 的“发生概率”）：评级的依据之一",
        examples=list(LIKELIHOODS),
    )
    consequence: Text | None = Field(
        None,
        alias="危害程度",
        title="危害程度",
        description="本单位的危害程度取值之一（默认 犯罪、违纪、不良影响，见 lzfk.yaml 的“危害程度”）：评级的依据之一",
        examples=list(CONSEQUENCES),
    )
    factors: TextList = Field(
        default_factory=list,
        alias="风险因素",
        title="风险因素",
        description="评级规则参考的标签，如 三重一大、人财物、自由裁量、审批权、执法权、谋利机会、发案频繁",
    )
    downgrade_reason: Text | None = Field(
        None, alias="降级理由", title="降级理由", description="申报等级低于评级结果或上一年度时必须说明理由"
    )
    upgrade_reason: Text | None = Field(
        None, alias="升级理由", title="升级理由", description="等级比上一年度提高的理由（可选），列入年度风险变化对照表"
    )
    standard_id: Text | None = Field(
        None, alias="标准编号", title="标准编号", description="引用的标准风险库中风险点的编号（可选），供上级比对"
    )
    measures: MeasureList = Field(
        default_factory=list,
        alias="防控措施",
        title="防控措施",
        description="防控措施，至少一条（一对一，LZ210）；只有征求意见稿（lzfk build --draft）可以暂缺",
    )
    note: Text | None = Field(None, alias="说明", title="说明", description="补充说明")
    indicators: TextList = Field(
        default_factory=list,
        alias="监测指标",
        title="监测指标",
        description="可选：监测这个风险的指标，如“单一供应商采购金额占比”“退费笔数月环比”",
    )


class Step(FormatModel):
    """One step of a power's process (权力运行流程)."""

    name: Text = Field(alias="步骤", title="步骤", description="流程环节名称，如 受理、审核、审批")
    post: Text | None = Field(None, alias="岗位", title="岗位", description="办理该环节的岗位")
    risks: TextList = Field(default_factory=list, alias="风险点", title="风险点", description="该环节上的风险点编号")
    note: Text | None = Field(None, alias="说明", title="说明", description="条件、材料、时限或监督方式")


class Power(FormatModel):
    """An entry of a department's power list (权力清单)."""

    id: Text = Field(alias="编号", title="编号", description="权力事项编号，在登记库中唯一")
    name: Text = Field(alias="名称", title="名称", description="权力事项名称")
    category: Text | None = Field(None, alias="类别", title="类别", description="权力类别，如 行政许可、内部管理权")
    content: Text | None = Field(None, alias="内容", title="内容", description="权力内容")
    basis: TextList = Field(default_factory=list, alias="依据", title="实施依据", description="法律法规全称及条款")
    responsible: Text | None = Field(None, alias="责任主体", title="责任主体", description="行使权力的责任主体")
    time_limit: Text | None = Field(None, alias="时限", title="时限", description="办理时限")
    publicity: Text | None = Field(None, alias="公开", title="公开范围", description="向谁公开、如何公开")
    steps: list[Step] = Field(default_factory=list, alias="流程", title="流程", description="权力运行流程的环节")


class LeadershipGroup(FormatModel):
    """The unit's 廉政风险防控 leadership group (领导小组)."""

    head: Text = Field(alias="组长", title="组长", description="组长姓名")
    deputies: TextList = Field(default_factory=list, alias="副组长", title="副组长", description="副组长姓名")
    members: TextList = Field(default_factory=list, alias="成员", title="成员", description="成员姓名")
    office: Text | None = Field(None, alias="办公室", title="办公室", description="办公室设在何处、主任是谁")


class Withdrawal(FormatModel):
    """An entry of 已撤销: a risk point (or a whole register) removed, and why."""

    id: Text = Field(alias="编号", title="编号", description="撤销的风险点编号；撤销整张登记表时写登记表编号")
    name: Text | None = Field(None, alias="名称", title="名称", description="撤销前的名称，便于查阅")
    reason: Text = Field(alias="理由", title="理由", description="撤销的理由，如“职能划转，该事项由采购中心承担”")
    date: IsoDate | None = Field(None, alias="日期", title="日期", description="撤销日期，写成 YYYY-MM-DD")


class RegisterBase(FormatModel):
    kind: Kind = Field(alias="类型", title="类型", description="单位、科室或岗位")
    id: Text = Field(alias="编号", title="编号", description="在整个登记库中唯一、逐年不变的编号")
    name: Text = Field(alias="名称", title="名称", description="单位、科室名称或岗位（职务）名称")
    duties: TextList = Field(alias="主要职责", title="主要职责", description="主要职责，每条一项，至少一条", min_length=1)
    risks: list[RiskPoint] = Field(alias="风险点", title="风险点", description="廉政风险点")
    review: Review | None = Field(None, alias="审核", title="审核", description="审核意见、签字、日期")
    approval: Review | None = Field(None, alias="审定", title="审定", description="审定意见、签字、日期")
    note: Text | None = Field(None, alias="说明", title="说明", description="补充说明（Markdown 登记表可写在正文“## 说明”下）")
    grade: Text | None = Field(
        None,
        alias="等级",
        title="登记表等级",
        description="可选：申报的登记表（岗位、科室、单位）等级；按登记表评级的规则会核对它，不得低于评级结果",
    )
    downgrade_reason: Text | None = Field(
        None, alias="降级理由", title="降级理由", description="申报的登记表等级低于评级结果时必须说明理由"
    )
    factors: TextList = Field(
        default_factory=list,
        alias="风险因素",
        title="风险因素",
        description="可选：整个岗位或科室具有的评级标签（与各风险点的风险因素合并），如 执法权、曾出问题",
    )
    assessment: Literal["准确", "比较准确", "基本准确", "不准确"] | None = Field(
        None,
        alias="评估结果",
        title="评估结果",
        description="可选：对本登记表查找风险点质量的评估：准确、比较准确、基本准确或不准确（后两种须限期整改）",
    )
    shared_measures: list[SharedMeasure] = Field(
        default_factory=list,
        alias="共用措施",
        title="共用措施",
        description="几个风险点共用的防控措施，写一次、带编号；风险点的防控措施中写 {引用: 编号}",
    )
    withdrawn: list[Withdrawal] = Field(
        default_factory=list,
        alias="已撤销",
        title="已撤销",
        description="撤销的风险点及理由：删除风险点时在本表（或所属科室、单位的登记表）中写明，供年度对照和审计",
    )

    @model_validator(mode="before")
    @classmethod
    def _resolve_shared_measures(cls, data: Any) -> Any:
        return resolve_references(data)


class PostRegister(RegisterBase):
    """个人岗位廉政风险防控登记表."""

    kind: Literal["岗位"] = Field(alias="类型", title="类型", description="岗位")
    department: Text = Field(alias="科室", title="科室", description="所属科室的编号或名称；领导班子成员填 领导班子")
    level: Text = Field(
        "一般",
        alias="层级",
        title="层级",
        description="本单位的层级之一（默认 一般、中层、领导班子，见 lzfk.yaml 的“层级”）",
        examples=list(POST_LEVELS),
    )
    holders: TextList = Field(default_factory=list, alias="在岗人员", title="在岗人员", description="在岗人员姓名（个人信息）")
    in_charge: TextList = Field(default_factory=list, alias="分管", title="分管", description="领导分管的科室（编号或名称）")


class DepartmentRegister(RegisterBase):
    """科室廉政风险防控登记表."""

    kind: Literal["科室"] = Field(alias="类型", title="类型", description="科室")
    head: Text | None = Field(None, alias="负责人", title="负责人", description="科室负责人姓名")
    leader: Text | None = Field(None, alias="分管领导", title="分管领导", description="分管领导的岗位登记表编号")
    powers: list[Power] = Field(default_factory=list, alias="权力清单", title="权力清单", description="部门权力清单")
    institutions: TextList = Field(default_factory=list, alias="制度", title="制度", description="本科室相关制度名称")


class UnitRegister(RegisterBase):
    """单位廉政风险防控登记表."""

    kind: Literal["单位"] = Field(alias="类型", title="类型", description="单位")
    group: LeadershipGroup | None = Field(None, alias="领导小组", title="领导小组", description="廉政风险防控工作领导小组")


Register = UnitRegister | DepartmentRegister | PostRegister

MODEL_BY_KIND: dict[str, type[RegisterBase]] = {
    KIND_UNIT: UnitRegister,
    KIND_DEPARTMENT: DepartmentRegister,
    KIND_POST: PostRegister,
}
