"""The unit's configuration, lzfk.yaml: every key but 单位 and 年度 has a default."""

from __future__ import annotations

from typing import Annotated, Literal, NamedTuple

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator
from pydantic_core import PydanticCustomError

from lianzheng_cli.models import CONSEQUENCES, LIKELIHOODS, POST_LEVELS
from lianzheng_cli.types import IsoDate, Text, TextList, YesNo

DEFAULT_GRADES = ["一级", "二级", "三级"]
DEFAULT_RISK_TYPES = ["思想道德风险", "岗位职责风险", "业务流程风险", "制度机制风险", "外部环境风险"]
DEFAULT_STAGES = ["前期预防", "中期监控", "后期处置"]
DEFAULT_LIKELIHOODS = list(LIKELIHOODS)
DEFAULT_CONSEQUENCES = list(CONSEQUENCES)
DEFAULT_LEVELS = list(POST_LEVELS)
# name in lzfk.yaml → (attribute of the values, attribute of the aliases, defaults when the
# vocabulary is three ordered tiers: a default word then still means the unit's word of its tier)
VOCABULARIES: dict[str, tuple[str, str, list[str] | None]] = {
    "等级": ("grades", "grade_aliases", None),
    "风险类型": ("risk_types", "risk_type_aliases", None),
    "防控阶段": ("stages", "stage_aliases", None),
    "发生概率": ("likelihoods", "likelihood_aliases", DEFAULT_LIKELIHOODS),
    "危害程度": ("consequences", "consequence_aliases", DEFAULT_CONSEQUENCES),
    "层级": ("levels", "level_aliases", DEFAULT_LEVELS),
}
DEFAULT_POWER_CATEGORIES = [
    "行政许可",
    "行政处罚",
    "行政强制",
    "行政征收",
    "行政裁决",
    "行政确认",
    "行政给付",
    "监督检查",
    "非行政许可审批",
    "行政事业性收费",
    "重大事项决策",
    "内部管理权",
    "其他",
]
RULE_SETTINGS = ("错误", "警告", "提示", "关闭")
PublicColumn = Literal["序号", "科室", "岗位", "风险类别", "风险点", "表现形式", "等级", "防控措施", "责任岗位"]
PUBLIC_COLUMNS: tuple[PublicColumn, ...] = (
    "序号",
    "科室",
    "岗位",
    "风险类别",
    "风险点",
    "表现形式",
    "等级",
    "防控措施",
    "责任岗位",
)
TIERS = ("一级", "二级", "三级")


def alias_key(vocabulary: str) -> str:
    """The lzfk.yaml key of a vocabulary's aliases: 等级别名, 阶段别名 …"""
    return "阶段别名" if vocabulary == "防控阶段" else f"{vocabulary}别名"


_WHAT = {
    "等级": "等级",
    "风险类型": "风险类型",
    "防控阶段": "防控阶段",
    "发生概率": "发生概率取值",
    "危害程度": "危害程度取值",
    "层级": "层级",
}


class GradeRef(NamedTuple):
    name: str
    rank: int


class ConfigModel(BaseModel):
    model_config = ConfigDict(extra="forbid", validate_by_alias=True, validate_by_name=False, frozen=True)


class RiskCountRange(ConfigModel):
    minimum: Annotated[int, Field(ge=0)] = Field(1, alias="最少", title="最少", description="每个岗位至少的风险点数")
    maximum: Annotated[int, Field(ge=1)] = Field(3, alias="最多", title="最多", description="每个岗位最多的风险点数")

    @model_validator(mode="after")
    def _ordered(self) -> RiskCountRange:
        if self.minimum > self.maximum:
            raise PydanticCustomError(
                "lz_range", "“最少”（{low}）大于“最多”（{high}）", {"low": self.minimum, "high": self.maximum}
            )
        return self


class PublicConfig(ConfigModel):
    """公示: the public edition (lzfk build --edition public); no key names a person."""

    title: Text | None = Field(None, alias="标题", title="标题", description="公示的标题，默认“单位＋年度＋年度廉政风险点公示”")
    columns: list[PublicColumn] = Field(
        default_factory=lambda: list(PUBLIC_COLUMNS),
        alias="列",
        title="列",
        description="公示一览表的列及其顺序，可选：序号、科室、岗位、风险类别、风险点、表现形式、等级、防控措施、责任岗位；必须含 风险点",
    )
    period: Text | None = Field(None, alias="公示期", title="公示期", description="公示期，如“2025年7月1日至7月7日（5个工作日）”")
    feedback: Text | None = Field(
        None, alias="反馈方式", title="意见反馈方式", description="意见反馈方式，如“书面意见请投院务公开意见箱”"
    )
    contact: Text | None = Field(
        None,
        alias="监督举报",
        title="监督举报",
        description="监督举报的联系方式（单位的举报电话、信箱），如“纪检监察室 0839-7201234”",
    )
    approved: IsoDate | None = Field(
        None, alias="审定日期", title="审定日期", description="本次公示版本的审定日期，默认取登记表中最晚的审定日期"
    )
    leader_titles: YesNo = Field(
        False,
        alias="领导职务",
        title="领导职务",
        description="是否在科室页写出分管领导的职务（如“分管医疗副院长”）；默认否。任何情况下都不出现人名",
    )
    downgrade_reasons: Literal["内部", "公开"] = Field(
        "内部", alias="降级理由", title="降级理由", description="降级理由是内部材料（默认，不公示）还是随风险点公开"
    )
    site_url: Text | None = Field(
        None, alias="网址", title="网址", description="公示网站发布后的地址，如 https://www.example.cn/gongshi/；二维码指向这里"
    )
    qr_codes: YesNo = Field(
        False, alias="二维码", title="二维码", description="是否在每个岗位页上印二维码（供公示栏张贴），需要写明 网址"
    )
    not_names: TextList = Field(
        default_factory=list,
        alias="不作人名",
        title="不作人名",
        description="与登记表中人名相同、但在文字中不是指人的词（如姓名“周全”与“考虑周全”），泄露检查不把它们当作人名",
    )

    @field_validator("columns")
    @classmethod
    def _risk_column(cls, columns: list[str]) -> list[str]:
        if "风险点" not in columns:
            raise PydanticCustomError("lz_public_columns", "公示的列中必须有“风险点”", {})
        if len(set(columns)) != len(columns):
            raise PydanticCustomError("lz_public_columns", "公示的列有重复", {})
        return columns

    @model_validator(mode="after")
    def _qr_needs_url(self) -> PublicConfig:
        if self.qr_codes and not self.site_url:
            raise PydanticCustomError("lz_public_qr", "要印二维码，须写明公示网站的“网址”", {})
        return self


class Responsibility(ConfigModel):
    """Who is responsible for, and who supervises, the risks of one grade (分级负责)."""

    responsible: TextList = Field(
        alias="负责", title="负责", description="负责的岗位，如 [院长, 主要领导]；防控措施的责任人应含其一"
    )
    supervising: TextList = Field(default_factory=list, alias="监督", title="监督", description="监督的岗位或机构，如 [纪委]")


class Config(ConfigModel):
    """lzfk.yaml."""

    unit: Text = Field(alias="单位", title="单位", description="单位全称")
    year: Annotated[int, Field(ge=1949, le=2200)] = Field(alias="年度", title="年度", description="登记表所属年度，如 2025")
    grades: TextList = Field(
        default_factory=lambda: list(DEFAULT_GRADES),
        alias="等级",
        title="等级",
        description="本单位的三个风险等级名称，最严重的在前，如 [一级, 二级, 三级]、[高, 中, 低]、[A, B, C]",
    )
    grade_aliases: dict[str, Text] = Field(
        default_factory=dict,
        alias="等级别名",
        title="等级别名",
        description="输入时也接受的等级写法，如 {高: 一级, A: 一级}",
    )
    rules: Text = Field("概率或后果", alias="评级规则", title="评级规则", description="内置评级规则名称，或本单位规则文件的路径")
    risk_types: TextList = Field(
        default_factory=lambda: list(DEFAULT_RISK_TYPES),
        alias="风险类型",
        title="风险类型",
        description="本单位使用的风险类型",
    )
    stages: TextList = Field(
        default_factory=lambda: list(DEFAULT_STAGES),
        alias="防控阶段",
        title="防控阶段",
        description="防控措施的阶段（三道防线），按先后顺序",
    )
    risk_type_aliases: dict[str, Text] = Field(
        default_factory=dict,
        alias="风险类型别名",
        title="风险类型别名",
        description="输入时也接受的风险类型写法，如 {职责履行风险: 岗位职责风险}",
    )
    stage_aliases: dict[str, Text] = Field(
        default_factory=dict,
        alias="阶段别名",
        title="阶段别名",
        description="输入时也接受的防控阶段写法，如 {事前预防: 前期预防}",
    )
    likelihoods: TextList = Field(
        default_factory=lambda: list(DEFAULT_LIKELIHOODS),
        alias="发生概率",
        title="发生概率",
        description="风险点“发生概率”的三个取值，可能性最大的在前，如 [高, 较高, 低]、[大, 较大, 较小]",
    )
    likelihood_aliases: dict[str, Text] = Field(
        default_factory=dict,
        alias="发生概率别名",
        title="发生概率别名",
        description="输入时也接受的发生概率写法，如 {较小: 低, 发生机率较小: 低}",
    )
    consequences: TextList = Field(
        default_factory=lambda: list(DEFAULT_CONSEQUENCES),
        alias="危害程度",
        title="危害程度",
        description="风险点“危害程度”的三个取值，最严重的在前，如 [犯罪, 违纪, 不良影响]",
    )
    consequence_aliases: dict[str, Text] = Field(
        default_factory=dict,
        alias="危害程度别名",
        title="危害程度别名",
        description="输入时也接受的危害程度写法，如 {构成犯罪: 犯罪, 违反党纪政纪: 违纪}",
    )
    levels: TextList = Field(
        default_factory=lambda: list(DEFAULT_LEVELS),
        alias="层级",
        title="层级",
        description="岗位“层级”的三个取值：一般工作人员、中层、领导班子，按此顺序，如 [一般, 中层, 领导班子]",
    )
    level_aliases: dict[str, Text] = Field(
        default_factory=dict,
        alias="层级别名",
        title="层级别名",
        description="输入时也接受的层级写法，如 {班子成员: 领导班子, 科级: 中层}",
    )
    responsibility: dict[Text, Responsibility] = Field(
        default_factory=dict,
        alias="分级负责",
        title="分级负责",
        description="各等级由谁负责、谁监督，如 {一级: {负责: [院长], 监督: [纪委]}, 二级: {负责: [分管院长]}}",
    )
    power_categories: TextList = Field(
        default_factory=lambda: list(DEFAULT_POWER_CATEGORIES),
        alias="权力类别",
        title="权力类别",
        description="权力清单允许的类别",
    )
    risks_per_post: RiskCountRange = Field(
        default_factory=lambda: RiskCountRange.model_validate({}),
        alias="每岗风险点",
        title="每岗风险点",
        description="每个岗位风险点数量的建议范围，超出时给出警告",
    )
    review_period_days: Annotated[int, Field(ge=1)] = Field(
        365, alias="审定有效期", title="审定有效期（天）", description="审定后多少天内须重新审定"
    )
    register_dir: Text = Field("registers", alias="登记目录", title="登记目录", description="登记表所在目录，相对于 lzfk.yaml")
    unit_code: Text | None = Field(
        None,
        alias="单位编号",
        title="单位编号",
        description="本单位在上级汇总中的编号，如 XWJ-001；不填时用单位登记表的编号",
    )
    parent_code: Text | None = Field(
        None, alias="上级单位", title="上级单位", description="上级单位（主管部门、纪委）的单位编号，供多单位汇总时分层统计"
    )
    standard_catalogue: Text | None = Field(
        None,
        alias="标准风险库",
        title="标准风险库",
        description="上级发布的标准风险库目录，相对于 lzfk.yaml，须在登记库内；填写后检查风险点引用的标准编号是否存在",
    )
    import_headers: dict[str, TextList] = Field(
        default_factory=dict,
        alias="导入表头",
        title="导入表头",
        description="lzfk import 识别表头时另外接受的写法，按字段列出，如 {风险点: [廉政风险事项], 等级: [风险档次]}",
    )
    rule_settings: dict[str, Text] = Field(
        default_factory=dict,
        alias="检查规则",
        title="检查规则",
        description="按编号或名称调整检查规则：错误、警告、提示或关闭，如 {LZ212: 关闭}",
    )
    public: PublicConfig = Field(
        default_factory=lambda: PublicConfig.model_validate({}),
        alias="公示",
        title="公示",
        description="公示版（lzfk build --edition public）的标题、列、公示期、反馈方式和监督举报电话",
    )

    @field_validator("grades")
    @classmethod
    def _three_grades(cls, grades: list[str]) -> list[str]:
        if len(grades) != 3 or len(set(grades)) != 3:
            raise PydanticCustomError("lz_grades", "等级必须是三个互不相同的名称，最严重的在前", {})
        return grades

    @field_validator("likelihoods", "consequences", "levels")
    @classmethod
    def _three_tiers(cls, values: list[str]) -> list[str]:
        if len(values) != 3 or len(set(values)) != 3:
            raise PydanticCustomError("lz_tiers", "必须是三个互不相同的取值，按从重到轻（层级：从一般到领导班子）的顺序", {})
        return values

    @field_validator("rule_settings")
    @classmethod
    def _known_settings(cls, settings: dict[str, str]) -> dict[str, str]:
        for key, value in settings.items():
            if value not in RULE_SETTINGS:
                raise PydanticCustomError(
                    "lz_rule_setting",
                    "检查规则“{key}”的设置“{value}”无效，可选：错误、警告、提示、关闭",
                    {"key": key, "value": value},
                )
        return settings

    @model_validator(mode="after")
    def _aliases_name_grades(self) -> Config:
        for vocabulary, (values, aliases, _) in VOCABULARIES.items():
            for spelling, word in getattr(self, aliases).items():
                if word not in getattr(self, values):
                    raise PydanticCustomError(
                        "lz_grade_alias" if vocabulary == "等级" else "lz_vocabulary_alias",
                        "{key}“{spelling}”指向的“{word}”不是本单位的{what}",
                        {"key": alias_key(vocabulary), "spelling": spelling, "word": word, "what": _WHAT[vocabulary]},
                    )
        return self

    @model_validator(mode="after")
    def _responsibility_names_grades(self) -> Config:
        for grade in self.responsibility:
            if self.grade(grade) is None and grade not in TIERS:
                raise PydanticCustomError(
                    "lz_responsibility_grade",
                    "分级负责中的“{grade}”不是本单位的等级",
                    {"grade": grade},
                )
        return self

    def grade(self, spelling: str) -> GradeRef | None:
        """Any spelling of a grade (its name or an alias) as the unit's grade and its rank
        (0 is the most serious); None for a spelling the unit does not use. The one lookup:
        checks, grading, documents and reports all go through it."""
        name = spelling if spelling in self.grades else self.grade_aliases.get(spelling)
        return None if name is None else GradeRef(name, self.grades.index(name))

    def responsibility_for(self, grade: str) -> Responsibility | None:
        """The 分级负责 entry of a grade, written with the unit's grade name, an alias or 一级/二级/三级."""
        found = self.grade(grade)
        if found is None:
            return None
        for key, entry in self.responsibility.items():
            ref = self.grade(key)
            if (ref is not None and ref.rank == found.rank) or (key in TIERS and TIERS.index(key) == found.rank):
                return entry
        return None

    def vocabulary(self, name: str) -> list[str]:
        """The unit's words for one of VOCABULARIES (等级, 风险类型, 防控阶段, 发生概率, 危害程度, 层级)."""
        values: list[str] = getattr(self, VOCABULARIES[name][0])
        return values

    def spellings(self, name: str) -> list[str]:
        """Every spelling accepted as input: the unit's words, then their aliases."""
        return [*self.vocabulary(name), *getattr(self, VOCABULARIES[name][1])]

    def canonical(self, name: str, spelling: str) -> str | None:
        """The unit's word for a spelling: the word itself, an alias, or (for the three-tier
        vocabularies) the default word of the same tier; None when unknown."""
        _, aliases, defaults = VOCABULARIES[name]
        values = self.vocabulary(name)
        if spelling in values:
            return spelling
        alias: str | None = getattr(self, aliases).get(spelling)
        if alias is not None:
            return alias
        if defaults is not None and spelling in defaults:
            return values[defaults.index(spelling)]
        return None

    def tier(self, name: str, spelling: str) -> int | None:
        """0, 1 or 2: the position of a spelling's word in its vocabulary."""
        word = self.canonical(name, spelling)
        return None if word is None else self.vocabulary(name).index(word)
