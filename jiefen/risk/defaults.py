"""The register's default policy: visit intervals by level, the rules that propose entries
from cases, and the column mappings of court, police and administrative-review files.
`load_defaults()` adds what is missing and leaves rows an administrator has edited alone."""

from __future__ import annotations

from .models import Level, OutsideKind, OutsideMapping, ProposalRule, RuleKind, VisitInterval

INTERVALS = {Level.RED: 7, Level.YELLOW: 30, Level.GREEN: 90}

# Item and category codes are those of the default taxonomy (jiefen/taxonomy/data).
RULES = [
    {"name": "家庭暴力", "item_codes": ["0102"], "words": [], "level": Level.RED,
     "reason": "家庭暴力纠纷", "include_respondent": True},
    {"name": "婚姻纠纷", "item_codes": ["0101"], "words": [], "level": Level.YELLOW,
     "reason": "婚姻纠纷（离婚）", "include_respondent": True},
    {"name": "言语中提到家暴", "item_codes": [], "category_codes": [],
     "words": ["家暴", "家庭暴力", "打老婆", "打媳妇", "被他打", "动手打我"], "level": Level.RED,
     "reason": "诉求中反映家庭暴力", "include_respondent": True},
    {"name": "邻里积怨", "category_codes": ["02"],
     "words": ["多年", "积怨", "结怨", "好几年", "长期", "一直闹", "老矛盾", "世仇"], "level": Level.YELLOW,
     "reason": "邻里长期积怨", "include_respondent": True},
    {"name": "重复信访", "kind": RuleKind.REPEAT, "min_cases": 3, "window_days": 180, "level": Level.YELLOW,
     "reason": "重复信访（180天内3件及以上）", "include_respondent": False},
]

MAPPINGS = {
    OutsideKind.COURT: {
        "案号": "source_ref", "当事人": "name", "身份证号": "id_number", "联系电话": "phone",
        "立案日期": "occurred_on", "案由": "title", "承办法院": "organ", "结案方式": "result", "案情摘要": "summary",
    },
    OutsideKind.POLICE: {
        "警情编号": "source_ref", "当事人": "name", "身份证号": "id_number", "联系电话": "phone",
        "接警时间": "occurred_on", "警情类别": "title", "处警单位": "organ", "处理结果": "result", "简要警情": "summary",
    },
    OutsideKind.REVIEW: {
        "复议案号": "source_ref", "申请人": "name", "身份证号": "id_number", "联系电话": "phone",
        "申请日期": "occurred_on", "复议事项": "title", "复议机关": "organ", "复议结果": "result",
        "申请理由": "summary",
    },
}


def load_defaults() -> str:
    intervals = sum(
        VisitInterval.objects.get_or_create(level=level, defaults={"days": days})[1]
        for level, days in INTERVALS.items()
    )
    rules = 0
    for rule in RULES:
        values = {"kind": RuleKind.MATTER, "item_codes": [], "category_codes": [], "words": []} | rule
        rules += ProposalRule.objects.get_or_create(name=values.pop("name"), defaults=values)[1]
    mappings = sum(
        OutsideMapping.objects.get_or_create(kind=kind, defaults={"columns": fields})[1]
        for kind, fields in MAPPINGS.items()
    )
    return f"{intervals} visit intervals, {rules} proposal rules, {mappings} outside-record mappings added."
