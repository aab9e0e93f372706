"""What the template says about the ``policy`` sheet: every policy key with its
Chinese name (the first alias of :data:`planner.io.schema.POLICY_KEY_ALIASES`),
its meaning, its default (:class:`planner.policy.Policy`) and the clause of
the Taishan 2022 plan it comes from (as ``models/taishan-2022.yaml`` cites
it), and policy values as written in the Chinese template.
"""

from __future__ import annotations

from dataclasses import fields
from decimal import Decimal

from planner.enums import Honor, Role
from planner.io.schema import CODE_ALIASES, GOAL_ALIASES, POLICY_KEY_ALIASES
from planner.policy import PARAMETERS, Policy

__all__ = [
    "POLICY_FORMATS",
    "POLICY_HELP",
    "policy_default",
    "policy_key_label",
    "policy_value_label",
]

_NOT_TAISHAN = "泰山方案未规定（其他预设使用）"

# key -> (meaning en, meaning zh, source clause)
POLICY_HELP: dict[str, tuple[str, str, str]] = {
    "name": ("the policy's name", "政策名称", "—"),
    "term_min": ("shortest exchange, school years (TERM)", "交流最短学年数（任期 TERM）",
                 "五(二)2：交流时间以2—5年为限"),
    "term_max": ("longest exchange, school years (TERM)", "交流最长学年数（任期 TERM）",
                 "五(二)2：交流时间以2—5年为限"),
    "ratio_first_year": (
        "share of the core school's staff sent in the group's first year (TEACHER-QUOTA)",
        "集团第一年核心校交流到成员校的教师比例下限（教师比例 TEACHER-QUOTA）",
        "五(二)2：第一年核心校交流到成员校教师比例不低于15%"),
    "ratio_later_years": (
        "share sent in each later year (TEACHER-QUOTA)",
        "以后每年交流的教师比例下限（教师比例 TEACHER-QUOTA）",
        "五(二)2：以后每年不低于5%"),
    "cadre_min_first_year": (
        "middle-level or senior cadres sent in the first year (CADRE-QUOTA)",
        "第一年交流的中层以上干部最少人数（干部比例 CADRE-QUOTA）",
        "五(二)2：一年内，集团核心校交流到成员校的中层以上的干部不少于2人"),
    "cadre_min_later_years": (
        "cadres sent in each later year (CADRE-QUOTA)",
        "以后每年交流的干部最少人数（干部比例 CADRE-QUOTA）",
        "五(二)2 只规定第一年；以后各年为参数，默认 0"),
    "max_age": ("age limit on 1 September of the start year (AGE)",
                "开始学年 9 月 1 日时的年龄上限，周岁（年龄 AGE）",
                "五(二)2：原则上不超过45周岁"),
    "min_honor": ("lowest honor of someone sent (HONOR)", "派出人员最低荣誉（荣誉 HONOR）",
                  "五(二)2：获得过区级以上荣誉"),
    "require_level": ("those sent must hold a certified high level (LEVEL)",
                      "派出人员须经认定具有较高水平（水平 LEVEL）",
                      "五(二)2：核心校派出人员应具有较高管理或者教学水平"),
    "receiving_roles": ("which member kinds receive staff (MEMBERSHIP)",
                        "接收交流人员的成员校类型（集团成员 MEMBERSHIP）",
                        "方案所附集团名单中的融合型、联合型成员校"),
    "cost_teacher": ("cost per teacher per school year (BUDGET)",
                     "教师每人每学年费用（专项经费 BUDGET）",
                     "六(三)：区财政每年拨付专项经费；费用按方案设定"),
    "cost_cadre": ("cost per cadre per school year (BUDGET)",
                   "干部（中层、校级）每人每学年费用（专项经费 BUDGET）",
                   "六(三)：区财政每年拨付专项经费；费用按方案设定"),
    "objective_order": ("the order of the soft goals", "优化目标的先后顺序",
                        "规则说明的目标顺序：覆盖、均衡、意愿、经费"),
    "prefer_volunteer": ("penalty for sending a non-volunteer (PREFER)",
                         "安排非自愿者的扣分（意愿 PREFER）", "尊重本人意愿"),
    "prefer_preferred_school": ("penalty for a school other than the preferred one (PREFER)",
                                "未派往意向学校的扣分（意愿 PREFER）", "尊重本人意愿"),
    "prefer_needs_experience": (
        "penalty for sending someone who does not need exchange experience (PREFER)",
        "安排不需交流经历者的扣分（意愿 PREFER）", "五(二)2：交流经历视作支教经历"),
    "repeat_gap_years": ("school years back home between two exchanges (REPEAT-GAP)",
                         "两次交流之间至少回核心校的学年数（再次交流间隔 REPEAT-GAP）",
                         "五(二)2：交流期满回原单位"),
    "ratio_base": ("what the quota share is of (TEACHER-QUOTA)",
                   "比例的基数：全体人数或当年符合条件人数（教师比例 TEACHER-QUOTA）",
                   _NOT_TAISHAN),
    "backbone_min_share": ("least share of backbone teachers among starts (BACKBONE-SHARE)",
                           "每年派出人员中骨干教师的最低比例（骨干比例 BACKBONE-SHARE）",
                           _NOT_TAISHAN),
    "tenure_years": ("years at a school after which staff must rotate (TENURE)",
                     "在本校任教满此年数须交流（任职年限 TENURE）", _NOT_TAISHAN),
}  # fmt: skip

_WHOLE = "的整数"
# key -> what to write, in Chinese (English: planner.policy.PARAMETERS).
_ZH_FORMATS: dict[str, str] = {
    "name": "文本",
    "term_min": "1—20" + _WHOLE + "（学年）",
    "term_max": "1—20" + _WHOLE + "（学年），不小于最短任期",
    "ratio_first_year": "0—1 的比例，如 15% 或 0.15",
    "ratio_later_years": "0—1 的比例，如 5% 或 0.05",
    "cadre_min_first_year": "不小于 0 " + _WHOLE,
    "cadre_min_later_years": "不小于 0 " + _WHOLE,
    "max_age": "18—80" + _WHOLE + "（周岁）",
    "min_honor": "无、校级、区级、市级、省级、国家级 之一",
    "require_level": "是 或 否",
    "receiving_roles": "融合型、联合型 之一或二者，用顿号或逗号分隔",
    "cost_teacher": "不小于 0 的金额（元）",
    "cost_cadre": "不小于 0 的金额（元）",
    "objective_order": "覆盖、均衡、意愿、稳定、经费 按先后排列，用顿号或逗号分隔，每个至多一次",
    "prefer_volunteer": "0—1000" + _WHOLE,
    "prefer_preferred_school": "0—1000" + _WHOLE,
    "prefer_needs_experience": "0—1000" + _WHOLE,
    "repeat_gap_years": "0—20" + _WHOLE + "；0 为不要求间隔",
    "ratio_base": "全体人数 或 符合条件人数",
    "backbone_min_share": "0—1 的比例；0 为不启用",
    "tenure_years": "0—40" + _WHOLE + "；0 为不启用",
}
# key -> (what to write en, zh), in the order of PARAMETERS.
POLICY_FORMATS: dict[str, tuple[str, str]] = {
    key: (expected, _ZH_FORMATS[key]) for key, (_, expected) in PARAMETERS.items()
}

assert set(POLICY_HELP) == set(_ZH_FORMATS) == set(PARAMETERS) == {f.name for f in fields(Policy)}


def policy_key_label(key: str, lang: str = "zh") -> str:
    """A policy key as the template of ``lang`` writes it (zh: its Chinese name)."""
    return POLICY_KEY_ALIASES[key][0] if lang == "zh" else key


def _zh_code(enum: type[Honor] | type[Role], code: str) -> str:
    return next((a for a, v in CODE_ALIASES[enum].items() if v == code and not a.isascii()), code)


def policy_value_label(key: str, value: object, lang: str = "zh") -> object:
    """A policy cell value (as the writer gives it) as the template of ``lang`` writes it."""
    if lang != "zh" or value is None:
        return value
    text = str(value)
    if key == "min_honor":
        return _zh_code(Honor, text)
    if key == "receiving_roles":
        return "、".join(_zh_code(Role, r) for r in text.split(","))
    if key == "require_level":
        return {"yes": "是", "no": "否"}.get(text, value)
    if key == "ratio_base":
        return {"headcount": "全体人数", "eligible": "符合条件人数"}.get(text, value)
    if key == "objective_order":
        zh = {goal: name for name, goal in reversed(GOAL_ALIASES.items())}
        return "、".join(zh.get(g, g) for g in text.split(","))
    return value


def policy_default(key: str, lang: str = "zh") -> str:
    """The default of ``key`` (the Taishan 2022 value) as written in ``lang``."""
    value = getattr(Policy(), key)
    if isinstance(value, frozenset):
        text: object = ",".join(r.value for r in Role if r in value)
    elif isinstance(value, tuple):
        text = ",".join(value)
    elif isinstance(value, bool):
        text = "yes" if value else "no"
    elif isinstance(value, Honor):
        text = value.value
    elif isinstance(value, Decimal) and key.startswith(("ratio_", "backbone")) and value:
        text = f"{(value * 100).normalize():f}%"
    else:
        text = value
    return str(policy_value_label(key, text, lang))
