"""Scenarios for the workbench: checking uploads, building the scenario a
solve uses (preset, overrides, pins, bans, replan) and the summaries and
tables the page shows.

Everything here works on bytes and on the package's dataclasses; nothing
takes a file name from a request. A workbook is read through
``planner.api.load_scenario`` from a temporary file this module names.
"""

from __future__ import annotations

import dataclasses
import io
import tempfile
import zipfile
from collections.abc import Mapping, Sequence
from decimal import Decimal
from pathlib import Path
from typing import Any

from planner import api
from planner.data import Ban, Exchange, Plan, Scenario
from planner.problems import ScenarioError
from planner.rules import Rule

# Parts every .xlsx (Office Open XML spreadsheet) has; checked on upload.
XLSX_PARTS = ("[Content_Types].xml", "xl/workbook.xml")

# The policy presets a planner may pick (models/*.yaml), by name only: the
# request names a preset, never a file.
PRESETS: dict[str, tuple[str, str]] = {
    "taishan-2022": ("泰山区 2022 实施方案", "Taishan District plan, 2022"),
    "national-2014": ("国家 2014 年指导意见", "National guidance, 2014"),
    "tenure-6": ("任职满 6 年轮岗", "Rotation after 6 years at a school"),
}

# Each policy parameter: Chinese name, English name, source clause.
PARAMETERS: dict[str, tuple[str, str, str]] = {
    "term_min": ("交流最短年限", "shortest term (years)", "TERM：交流时间以2—5年为限"),
    "term_max": ("交流最长年限", "longest term (years)", "TERM：交流时间以2—5年为限"),
    "ratio_first_year": (
        "第一年教师交流比例",
        "first-year teacher share",
        "TEACHER-QUOTA：第一年核心校交流到成员校教师比例不低于15%",
    ),
    "ratio_later_years": (
        "以后每年教师交流比例",
        "later-year teacher share",
        "TEACHER-QUOTA：以后每年不低于5%",
    ),
    "cadre_min_first_year": (
        "第一年干部交流人数",
        "first-year cadres",
        "CADRE-QUOTA：一年内交流到成员校的中层以上干部不少于2人",
    ),
    "cadre_min_later_years": (
        "以后每年干部交流人数",
        "later-year cadres",
        "CADRE-QUOTA（以后各年，参数）",
    ),
    "max_age": ("年龄上限（周岁）", "age limit", "AGE：原则上不超过45周岁"),
    "min_honor": ("荣誉最低级别", "lowest honour", "HONOR：获得过区级以上荣誉"),
    "require_level": (
        "须具较高水平",
        "level required",
        "LEVEL：派出人员应具有较高管理或者教学水平",
    ),
    "receiving_roles": (
        "接收交流的成员校类型",
        "receiving member kinds",
        "MEMBERSHIP：融合型、联盟型成员校",
    ),
    "cost_teacher": ("教师每年经费", "cost per teacher-year", "BUDGET：区财政专项经费"),
    "cost_cadre": ("干部每年经费", "cost per cadre-year", "BUDGET：区财政专项经费"),
    "objective_order": ("目标优先顺序", "goal order", "COVER、FAIR、PREFER、COST"),
    "prefer_volunteer": ("非自愿者惩罚", "non-volunteer penalty", "PREFER"),
    "prefer_preferred_school": ("非意向学校惩罚", "other-school penalty", "PREFER"),
    "prefer_needs_experience": ("无需交流经历惩罚", "no-need-of-experience penalty", "PREFER"),
    "repeat_gap_years": ("再次交流间隔年数", "years between exchanges", "REPEAT-GAP（可选）"),
    "ratio_base": ("比例基数", "quota base", "headcount 全体 / eligible 可派"),
    "backbone_min_share": ("骨干教师最低占比", "backbone share", "BACKBONE-SHARE（2014）"),
    "tenure_years": ("任职满年限须轮岗", "tenure years", "TENURE（2014）"),
}


class NotAWorkbook(ValueError):
    """The upload is not an .xlsx workbook (checked by its content)."""


def check_workbook_bytes(data: bytes) -> None:
    """Raise :class:`NotAWorkbook` unless ``data`` is a zip with a workbook's parts."""
    if not data.startswith(b"PK\x03\x04"):
        raise NotAWorkbook("not a zip archive")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError) as exc:
        raise NotAWorkbook(f"a broken zip archive ({exc})") from None
    missing = [p for p in XLSX_PARTS if p not in names]
    if missing:
        raise NotAWorkbook("a zip archive without " + ", ".join(missing))


def models_dir() -> Path:
    return Path(api.PROJECT_DIR) / "models"


def preset_file(preset: str | None) -> Path | None:
    if not preset:
        return None
    if preset not in PRESETS:
        raise ScenarioError([_problem("policy", "preset", preset, "one of " + ", ".join(PRESETS))])
    return models_dir() / f"{preset}.yaml"


def _problem(sheet: str, column: str, value: object, expected: str) -> Any:
    from planner.problems import Problem

    return Problem(sheet, None, column, value, expected)


def load_bytes(data: bytes, preset: str | None = None) -> Scenario:
    """Read a scenario workbook given as bytes (raises ScenarioError)."""
    policy = preset_file(preset)
    with tempfile.TemporaryDirectory(prefix="planner-web-") as folder:
        path = Path(folder) / "scenario.xlsx"
        path.write_bytes(data)
        try:
            return api.load_scenario(path, policy)
        except ScenarioError as exc:
            # Problems name the sheet and cell; the temporary path means nothing.
            exc.source = ""
            raise


def build_scenario(
    data: bytes, settings: Mapping[str, Any], previous: Plan | None = None
) -> Scenario:
    """The scenario a solve uses: the workbook with the settings' preset,
    policy overrides, pins (exchanges kept as commitments) and bans (people
    not sent: unavailable every year). ``previous``: the published plan of a
    replan; the scenario is then the one prepared for the replan (the past
    fixed), as the solve saw it."""
    scenario = load_bytes(data, settings.get("preset"))
    overrides = dict(settings.get("policy") or {})
    if overrides:
        scenario = api.with_policy(scenario, **overrides)
    scenario = apply_pins_and_bans(scenario, settings.get("pins") or [], settings.get("bans") or [])
    if previous is not None and settings.get("from_year") is not None:
        # Not in planner.api: the replan's prepared scenario, for auditing a
        # replan's plan against what it was solved for.
        from planner.analysis.replan import prepare_replan

        scenario = prepare_replan(scenario, previous, int(settings["from_year"])).scenario
    return scenario


def apply_pins_and_bans(
    scenario: Scenario, pins: Sequence[Mapping[str, Any]], bans: Sequence[Mapping[str, Any]]
) -> Scenario:
    """Pins are exchanges to keep (added as commitments, LOCKED); bans are
    ``{"staff_id", "school_id"?}``: rows of the scenario's BAN rule (never to
    that school, or never sent at all without a school), as the ``bans``
    sheet would give them."""
    problems = []
    known = scenario.staff_by_id
    commitments = list(scenario.commitments)
    for pin in pins:
        try:
            ex = Exchange(
                str(pin["staff_id"]),
                str(pin["school_id"]),
                int(pin["start_year"]),
                int(pin["end_year"]),
            )
        except (KeyError, TypeError, ValueError):
            problems.append(
                _problem("pins", "pin", dict(pin), "staff_id, school_id, start_year, end_year")
            )
            continue
        if ex.staff_id not in known:
            problems.append(_problem("pins", "staff_id", ex.staff_id, "a staff id of the scenario"))
        elif ex not in commitments:
            commitments.append(ex)
    banned: set[str] = set()
    new_bans = list(scenario.bans)
    for ban in bans:
        staff_id = str(ban.get("staff_id", "")) if isinstance(ban, Mapping) else str(ban)
        school = ban.get("school_id") if isinstance(ban, Mapping) else None
        school_id = None if school in (None, "") else str(school)
        if staff_id not in known:
            problems.append(_problem("bans", "staff_id", staff_id, "a staff id of the scenario"))
        elif school_id is not None and school_id not in scenario.school_by_id:
            problems.append(_problem("bans", "school_id", school_id, "a school id of the scenario"))
        else:
            banned.add(staff_id)
            new_bans.append(Ban(staff_id, school_id, "工作台禁派"))
    pinned = {c.staff_id for c in commitments}
    for staff_id in sorted(banned & pinned):
        problems.append(
            _problem("bans", "staff_id", staff_id, "a person cannot be pinned and banned at once")
        )
    if problems:
        raise ScenarioError(problems)
    if not pins and not banned:
        return scenario
    return dataclasses.replace(scenario, bans=tuple(new_bans), commitments=commitments)


def problem_documents(exc: ScenarioError) -> list[dict[str, Any]]:
    """The reader's problems as the API gives them: where, what, the fix."""
    out = []
    for p in exc.problems:
        value = p.value
        if not isinstance(value, str | int | float | bool | type(None)):
            value = str(value)
        out.append(
            {
                "sheet": p.sheet,
                "row": p.row,
                "column": p.column,
                "value": value,
                "expected": p.expected,
                "fix": p.expected,
                "rule": p.rule,
                "cell": cell_name(p.sheet, p.row, p.column),
            }
        )
    return out


def cell_name(sheet: str, row: int | None, column: str | None) -> str:
    """Where to correct it, as a planner reads it: ``staff!birth_date 12``."""
    parts = [sheet or ""]
    if column:
        parts.append(str(column))
    if row is not None:
        parts.append(f"第 {row} 行")
    return " · ".join(x for x in parts if x)


def summary(scenario: Scenario) -> dict[str, Any]:
    """Counts and lists of a scenario for the page."""
    groups = []
    for g in scenario.groups:
        schools = [s for s in scenario.schools if s.group_id == g.group_id]
        staff = sum(len(scenario.staff_of(s.school_id)) for s in schools)
        groups.append(
            {
                "group_id": g.group_id,
                "name": g.name,
                "schools": len(schools),
                "members": len(scenario.members(g.group_id)),
                "staff": staff,
            }
        )
    need_units = sum(n.count for n in scenario.all_needs)
    return {
        "name": scenario.name,
        "first_year": scenario.first_year,
        "horizon": scenario.horizon,
        "years": list(scenario.years),
        "groups": groups,
        "schools": len(scenario.schools),
        "staff": len(scenario.staff),
        "needs": len(scenario.needs),
        "need_units": need_units,
        "commitments": len(scenario.commitments),
        "history": len(scenario.history),
        "policy": policy_values(scenario),
    }


def policy_values(scenario: Scenario) -> list[dict[str, Any]]:
    out = []
    for key, (zh, en, source) in PARAMETERS.items():
        value = getattr(scenario.policy, key, None)
        out.append({"key": key, "zh": zh, "en": en, "source": source, "value": show(value)})
    return out


def show(value: object) -> str:
    """A policy value as text a planner would type into the form."""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, frozenset | set):
        return ",".join(sorted(str(getattr(v, "value", v)) for v in value))
    if isinstance(value, tuple | list):
        return ",".join(str(getattr(v, "value", v)) for v in value)
    if isinstance(value, Decimal):
        return format(value.normalize(), "f") if value == value.to_integral() else str(value)
    return str(getattr(value, "value", value))


def rule_name(rule: str, lang: str = "zh") -> str:
    try:
        r = Rule(rule)
    except ValueError:
        return rule
    return r.label if lang == "zh" else r.value
