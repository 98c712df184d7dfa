"""The catalogue of finding codes: stable ids, default severities, Chinese titles, and how
lzfk.yaml's 检查规则 turn them down or off.

Codes are a public contract (CI scripts and lzfk.yaml refer to them): never reuse or
renumber one. Every code is documented in docs/findings.md, which a test keeps in step.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from lianzheng_cli.findings import Finding, Severity

if TYPE_CHECKING:
    from lianzheng_cli.config import Config

E, W = Severity.ERROR, Severity.WARNING


@dataclass(frozen=True)
class CodeInfo:
    code: str
    name: str
    severity: Severity
    title: str
    configurable: bool = True


_ALL = [
    # LZ0xx: reading the file (encoding, YAML syntax, Markdown front matter)
    CodeInfo("LZ001", "encoding-gbk", E, "文件不是 UTF-8 编码（GBK/GB18030）", False),
    CodeInfo("LZ002", "encoding-invalid", E, "文件含有无法识别的字节", False),
    CodeInfo("LZ003", "yaml-syntax", E, "YAML 语法错误", False),
    CodeInfo("LZ004", "yaml-tab-indent", E, "用制表符（Tab）缩进", False),
    CodeInfo("LZ005", "yaml-duplicate-key", E, "同一层级出现重复的键", False),
    CodeInfo("LZ006", "yaml-anchor", E, "使用了锚点或别名（& 或 *）", False),
    CodeInfo("LZ007", "yaml-tag", E, "使用了显式标签（! 或 !!）", False),
    CodeInfo("LZ008", "yaml-directive", E, "使用了 %YAML/%TAG 指令", False),
    CodeInfo("LZ009", "yaml-too-deep", E, "嵌套层级过深", False),
    CodeInfo("LZ010", "root-not-mapping", E, "文件内容不是“键: 值”结构", False),
    CodeInfo("LZ011", "empty-file", E, "文件为空", False),
    CodeInfo("LZ012", "control-character", E, "文本中含有控制字符", False),
    CodeInfo("LZ013", "multiple-documents", E, "一个文件中有多个 YAML 文档", False),
    CodeInfo("LZ014", "markdown-front-matter", E, "Markdown 文件头（front matter）有误", False),
    CodeInfo("LZ015", "unreadable-file", E, "文件无法读取", False),
    CodeInfo("LZ016", "non-text-key", E, "键不是文本", False),
    CodeInfo("LZ040", "comment-in-text", W, "文本值后面的“ #…”被当作注释，没有读入", False),
    CodeInfo("LZ041", "odd-space", E, "缩进或冒号后用了不间断空格、零宽字符或全角空格", False),
    # LZ050–LZ059: files lzfk generates for the repository
    CodeInfo("LZ050", "schemas-stale", W, "schemas/ 中编辑器用的 JSON Schema 已过期"),
    CodeInfo("LZ017", "not-regular-file", E, "不是普通文件（链接到登记库之外、设备、管道或目录）", False),
    CodeInfo("LZ018", "path-outside-repository", E, "lzfk.yaml 中的路径指向登记库之外", False),
    CodeInfo("LZ019", "unsafe-file-name", E, "文件名含有控制字符或无效的编码", False),
    CodeInfo("LZ020", "too-many-findings", W, "一个文件的问题过多，其余未列出", False),
    CodeInfo("LZ021", "grading-cut-off", E, "评级表达式的计算超出限制", False),
    CodeInfo("LZ022", "encoding-other", E, "文件为其他编码（如 Big5、Shift-JIS），不是 UTF-8", False),
    # LZ1xx: the schema (keys and value types)
    CodeInfo("LZ101", "unknown-key", E, "未知的键", False),
    CodeInfo("LZ102", "missing-key", E, "缺少必填的键", False),
    CodeInfo("LZ103", "wrong-type", E, "值的类型不对", False),
    CodeInfo("LZ104", "invalid-value", E, "值不在允许的范围内", False),
    CodeInfo("LZ105", "invalid-date", E, "日期无效或格式不对", False),
    CodeInfo("LZ106", "invalid-number", E, "数字或是/否值无效", False),
    # LZ2xx: content and cross-file rules (configurable in lzfk.yaml under 检查规则)
    CodeInfo("LZ201", "duplicate-id", E, "编号重复"),
    CodeInfo("LZ202", "unknown-department", E, "岗位所属科室不存在"),
    CodeInfo("LZ203", "unknown-leader", E, "分管领导不存在"),
    CodeInfo("LZ204", "unknown-charge", E, "分管的科室不存在"),
    CodeInfo("LZ205", "unknown-step-risk", E, "流程环节引用的风险点不存在"),
    CodeInfo("LZ206", "grade-vocabulary", E, "风险等级不在本单位的等级名称中"),
    CodeInfo("LZ207", "type-vocabulary", E, "风险类型不在本单位的风险类型中"),
    CodeInfo("LZ208", "stage-vocabulary", E, "防控措施的阶段不在“三道防线”中"),
    CodeInfo("LZ209", "no-manifestation", E, "风险点没有表现形式"),
    CodeInfo("LZ210", "no-measure", E, "风险点没有防控措施（一对一）"),
    CodeInfo("LZ211", "missing-stage", W, "防控措施缺少某道防线"),
    CodeInfo("LZ212", "risk-count", W, "岗位风险点数量超出建议范围"),
    CodeInfo("LZ213", "approval-before-review", E, "审定日期早于审核日期"),
    CodeInfo("LZ214", "power-category", W, "权力类别不在本单位的权力类别中"),
    CodeInfo("LZ215", "empty-register", W, "科室或单位登记表没有风险点"),
    CodeInfo("LZ216", "leader-not-leadership", W, "分管领导不是领导班子岗位"),
    CodeInfo("LZ220", "likelihood-vocabulary", E, "发生概率不在本单位的取值中"),
    CodeInfo("LZ221", "consequence-vocabulary", E, "危害程度不在本单位的取值中"),
    CodeInfo("LZ222", "level-vocabulary", E, "岗位层级不在本单位的层级中"),
    CodeInfo("LZ223", "unknown-shared-measure", E, "引用的共用措施不存在", False),
    CodeInfo("LZ224", "duplicate-shared-measure", E, "共用措施编号重复"),
    CodeInfo("LZ225", "responsibility-by-grade", W, "防控措施的责任人与分级负责不一致"),
    CodeInfo("LZ226", "assessed-inaccurate", W, "登记表评估为基本准确或不准确，须限期整改"),
    # LZ240-249: the office's standard catalogue (标准风险库, see docs/rollup.md)
    CodeInfo("LZ240", "unknown-standard-id", W, "引用的标准编号在标准风险库中不存在"),
    CodeInfo("LZ241", "standard-catalogue-unusable", E, "lzfk.yaml 中的标准风险库无法读取", False),
    CodeInfo("LZ217", "duplicate-department-name", E, "两个科室的名称相同"),
    # LZ3xx: grading (see docs/grading.md)
    CodeInfo("LZ301", "grade-lowered", E, "申报等级低于评级结果且没有降级理由", False),
    CodeInfo("LZ302", "grade-above-computed", Severity.INFO, "申报等级高于评级结果"),
    CodeInfo("LZ303", "grading-input-missing", W, "风险点缺少评级规则需要的字段"),
    CodeInfo("LZ304", "downgrade-explained", Severity.INFO, "申报等级低于评级结果，已说明降级理由"),
    CodeInfo("LZ305", "register-grade-lowered", E, "申报的登记表等级低于评级结果且没有降级理由", False),
    CodeInfo("LZ306", "register-grade-above-computed", Severity.INFO, "申报的登记表等级高于评级结果"),
    CodeInfo("LZ307", "register-downgrade-explained", Severity.INFO, "申报的登记表等级低于评级结果，已说明降级理由"),
    CodeInfo("LZ308", "register-grading-input-missing", W, "登记表缺少评级规则需要的字段"),
    CodeInfo("LZ310", "ruleset-invalid", E, "评级规则文件有误", False),
    # LZ4xx: history — lzfk check / lzfk audit compare with git history (see docs/history.md)
    CodeInfo("LZ401", "lowered-without-reason", E, "风险等级比上一版本降低，但没有填写降级理由"),
    CodeInfo("LZ402", "removed-without-explanation", E, "风险点被删除，但没有写明撤销理由（已撤销）"),
    CodeInfo("LZ403", "changed-without-review", W, "登记表有改动，但审核、审定没有更新"),
    CodeInfo("LZ404", "changed-after-approval", E, "审定后被修改，未重新审定"),
    CodeInfo("LZ405", "approval-expired", W, "审定已超过有效期，需要重新审定"),
    CodeInfo("LZ406", "never-approved", W, "登记表尚未审定"),
    # LZ5xx: documents and the work ledger (see docs/documents.md)
    CodeInfo("LZ501", "ledger-date-outside-year", W, "台账记录的日期不在台账年度内", False),
    CodeInfo("LZ502", "ledger-unknown-ref", W, "台账记录关联的编号在登记表中不存在", False),
    # LZ6xx: lzfk import and lzfk export (see docs/import.md)
    CodeInfo("LZ601", "import-unreadable", E, "导入的文件已损坏或无法读取", False),
    CodeInfo("LZ602", "import-protected", E, "导入的文件有密码保护", False),
    CodeInfo("LZ603", "import-empty", E, "导入的文件中没有内容", False),
    CodeInfo("LZ604", "import-no-header", E, "表格中找不到可识别的表头", False),
    CodeInfo("LZ605", "import-unknown-grade", E, "风险等级的写法无法识别", False),
    CodeInfo("LZ606", "import-no-grade", E, "导入的风险点没有风险等级", False),
    CodeInfo("LZ607", "import-no-stage", W, "导入的防控措施没有标明阶段", False),
    CodeInfo("LZ608", "import-total-mismatch", W, "文件中写明的风险点数与实际导入的不符", False),
    CodeInfo("LZ609", "import-doc-converter", E, "旧版 Word（.doc）文件需要 LibreOffice", False),
    CodeInfo("LZ610", "import-unsupported", E, "不支持的文件类型", False),
    CodeInfo("LZ611", "import-file-exists", E, "登记表文件已存在，未覆盖", False),
    CodeInfo("LZ612", "import-no-department", E, "无法确定岗位所属的科室", False),
    CodeInfo("LZ613", "import-measures-shared", W, "风险点与防控措施无法一一对应", False),
    CodeInfo("LZ614", "import-no-measure", W, "导入的风险点没有防控措施", False),
    CodeInfo("LZ615", "import-table-skipped", Severity.INFO, "文件中的表格不是登记表，已跳过", False),
    CodeInfo("LZ616", "import-no-type", W, "导入的风险点没有风险类型", False),
    CodeInfo("LZ617", "import-differs", W, "已有的风险点与导入的内容不同，未修改", False),
    CodeInfo("LZ618", "import-markdown-not-merged", W, "Markdown 登记表不自动合并新的风险点", False),
    CodeInfo("LZ630", "roundtrip-unknown-id", E, "汇总表中的编号在登记库中找不到", False),
    CodeInfo("LZ631", "roundtrip-removal-without-reason", E, "汇总表删除了风险点，但没有填写撤销理由", False),
    CodeInfo("LZ632", "roundtrip-changed-since-export", E, "登记表在导出汇总表之后已被修改", False),
    CodeInfo("LZ633", "roundtrip-invalid-value", E, "汇总表中的值无法写回登记表", False),
    # LZ7xx: the public edition (公示) — personal data that must not be published (see docs/public.md)
    CodeInfo("LZ701", "public-person-name", E, "公示内容中出现人名", False),
    CodeInfo("LZ702", "public-mobile-number", E, "公示内容中出现手机号码", False),
    CodeInfo("LZ703", "public-id-number", E, "公示内容中出现身份证号码", False),
    CodeInfo("LZ704", "public-email", E, "公示内容中出现电子邮箱地址", False),
    CodeInfo("LZ705", "public-file-path", E, "公示内容中出现文件路径", False),
    CodeInfo("LZ706", "public-commit-id", E, "公示内容中出现提交编号", False),
    # LZ801-849: the inputs of lzfk rollup (see docs/rollup.md)
    CodeInfo("LZ801", "rollup-input-missing", E, "汇总的输入不存在或不是目录", False),
    CodeInfo("LZ802", "export-incomplete", E, "单位的导出缺少数据表", False),
    CodeInfo("LZ803", "no-export-found", E, "目录中没有导出数据或登记库", False),
    CodeInfo("LZ804", "repository-not-exported", E, "登记库无法导出", False),
    CodeInfo("LZ805", "export-damaged", E, "导出的数据表文件已损坏", False),
    CodeInfo("LZ806", "export-schema-version", E, "导出的数据表版本不符", False),
    CodeInfo("LZ807", "duplicate-export", W, "同一单位同一版本的导出重复", False),
    CodeInfo("LZ808", "standard-unusable", E, "标准风险库无法读取", False),
    CodeInfo("LZ809", "rollup-query-failed", E, "汇总查询出错", False),
]

CODES: dict[str, CodeInfo] = {info.code: info for info in _ALL}
CODE_BY_NAME: dict[str, CodeInfo] = {info.name: info for info in _ALL}


def severity_overrides(config: Config) -> dict[str, Severity | None]:
    """Code → new severity, or None for disabled; keys may be codes or rule names."""
    overrides: dict[str, Severity | None] = {}
    for key, setting in config.rule_settings.items():
        info = CODES.get(key.upper()) or CODE_BY_NAME.get(key)
        if info is not None and info.configurable:
            overrides[info.code] = None if setting == "关闭" else Severity.parse(setting)
    return overrides


def unknown_rule_settings(config: Config) -> list[str]:
    return [
        key
        for key in config.rule_settings
        if (CODES.get(key.upper()) or CODE_BY_NAME.get(key)) is None
        or not (CODES.get(key.upper()) or CODE_BY_NAME[key]).configurable
    ]


def apply_settings(findings: Iterable[Finding], overrides: dict[str, Severity | None]) -> list[Finding]:
    out = []
    for finding in findings:
        if finding.code not in overrides:
            out.append(finding)
            continue
        severity = overrides[finding.code]
        if severity is not None:
            out.append(finding.with_severity(severity))
    return out
