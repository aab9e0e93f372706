"""What the plan view shows, computed on the server from the scenario and the
audit of the plan: coverage by school and year (and its chart, an inline
SVG), rule checks required against achieved, the roster rows, a person's
checks, and the roster workbook in memory."""

from __future__ import annotations

import tempfile
from collections import defaultdict
from collections.abc import Callable, Mapping
from decimal import Decimal
from html import escape
from pathlib import Path
from typing import Any

from planner import api
from planner.data import Plan, Scenario
from planner.i18n import _, pgettext, use_language
from planner.rules import Rule
from planner.web.scenarios import rule_name

ENUM_ZH = {
    "teacher": "教师",
    "middle": "中层干部",
    "vice_principal": "副校长",
    "principal": "校长",
    "senior": "校级干部",
    "primary": "小学",
    "junior": "初中",
}


def num(value: Any) -> Any:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def coverage_table(scenario: Scenario, report: Any) -> dict[str, Any]:
    """Per member school and year: need units and units covered."""
    need: dict[tuple[str, int], int] = defaultdict(int)
    got: dict[tuple[str, int], int] = defaultdict(int)
    for c in report.coverage:
        key = (c.need.school_id, c.need.year)
        need[key] += c.need.count
        got[key] += c.covered
    schools: list[dict[str, Any]] = []
    for school_id in sorted({k[0] for k in need}, key=lambda s: _school_order(scenario, s)):
        school = scenario.school_by_id.get(school_id)
        years: list[dict[str, Any]] = []
        for year in scenario.years:
            n, g = need.get((school_id, year), 0), got.get((school_id, year), 0)
            years.append(
                {"year": year, "need": n, "covered": g, "share": round(g / n, 4) if n else None}
            )
        total_n = sum(y["need"] for y in years)
        total_g = sum(y["covered"] for y in years)
        schools.append(
            {
                "school_id": school_id,
                "name": school.name if school else school_id,
                "group_id": school.group_id if school else "",
                "need": total_n,
                "covered": total_g,
                "share": round(total_g / total_n, 4) if total_n else None,
                "years": years,
            }
        )
    shares: list[float] = [s["share"] for s in schools if s["share"] is not None]
    lowest = min(shares) if shares else None
    for s in schools:
        s["lowest"] = lowest is not None and s["share"] == lowest
    return {"years": list(scenario.years), "schools": schools, "lowest": lowest}


def _school_order(scenario: Scenario, school_id: str) -> tuple[str, str]:
    school = scenario.school_by_id.get(school_id)
    return (school.group_id if school else "", school_id)


def coverage_svg(table: dict[str, Any], lang: str = "zh") -> str:
    """A bar per school (its share of need units covered over the horizon),
    then one cell per year; the lowest school in red."""
    schools = table["schools"]
    years = table["years"]
    row_h, label_w, bar_w, cell_w, top = 26, 190, 260, 58, 34
    width = label_w + bar_w + 70 + cell_w * len(years) + 10
    height = top + row_h * len(schools) + 28
    with use_language(lang):
        title_share = _("share covered (all years)")
        lowest_text = _("red: lowest share")
    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="coverage-chart" role="img" '
        f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
        f'font-family="Noto Sans CJK SC, WenQuanYi Micro Hei, sans-serif" font-size="13">',
        f"<title>{escape(title_share)}</title>",
        f'<text x="{label_w}" y="18" font-weight="bold">{escape(title_share)}</text>',
    ]
    for k, year in enumerate(years):
        x = label_w + bar_w + 70 + k * cell_w + cell_w / 2
        out.append(f'<text x="{x}" y="18" text-anchor="middle" font-weight="bold">{year}</text>')
    for i, s in enumerate(schools):
        y = top + i * row_h
        share = s["share"] or 0.0
        color = "#d64541" if s["lowest"] else "#3b7dd8"
        label = f"{s['name']}"
        emphasis = ' fill="#d64541" font-weight="bold"' if s["lowest"] else ""
        out.append(
            f'<g class="school{" lowest" if s["lowest"] else ""}" '
            f'data-school="{escape(s["school_id"])}">'
            f'<text x="{label_w - 8}" y="{y + 17}" text-anchor="end">{escape(label)}</text>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w}" height="{row_h - 8}" fill="#eef1f5"/>'
            f'<rect x="{label_w}" y="{y + 4}" width="{bar_w * share:.1f}" height="{row_h - 8}" '
            f'fill="{color}"><title>{escape(label)}: {s["covered"]}/{s["need"]}</title></rect>'
            f'<text x="{label_w + bar_w + 6}" y="{y + 17}"{emphasis}>'
            f"{share * 100:.0f}%</text>"
        )
        for k, cell in enumerate(s["years"]):
            x = label_w + bar_w + 70 + k * cell_w
            if cell["share"] is None:
                fill, text = "#ffffff", "–"
            else:
                fill = _heat(cell["share"])
                text = f"{cell['share'] * 100:.0f}%"
            out.append(
                f'<rect x="{x + 2}" y="{y + 3}" width="{cell_w - 4}" height="{row_h - 6}" '
                f'fill="{fill}" stroke="#c8ced6"><title>{cell["covered"]}/{cell["need"]}</title>'
                f'</rect><text x="{x + cell_w / 2}" y="{y + 17}" text-anchor="middle" '
                f'font-size="12">{text}</text>'
            )
        out.append("</g>")
    out.append(
        f'<text x="{label_w}" y="{height - 8}" fill="#d64541" font-size="12">'
        f"{escape(lowest_text)}</text>"
    )
    out.append("</svg>")
    return "".join(out)


def _heat(share: float) -> str:
    """White (0) to green (1)."""
    share = max(0.0, min(1.0, share))
    r = int(255 - 120 * share)
    g = int(255 - 40 * share)
    b = int(255 - 120 * share)
    return f"#{r:02x}{g:02x}{b:02x}"


def rule_checks(
    report: Any, lang: str = "zh", groups: Mapping[str, str] | None = None
) -> list[dict[str, Any]]:
    """Count rules per group and year (required against achieved); rules
    checked per exchange summed up as instances checked and broken. ``groups``
    names each group id, so the page shows 泰安六中教育集团, not G-LZ."""
    names = groups or {}
    per_exchange: dict[str, list[int]] = {}
    rows: list[dict[str, Any]] = []
    for c in report.checks:
        if _is_per_exchange(c.rule):
            counts = per_exchange.setdefault(c.rule, [0, 0])
            counts[0] += 1
            counts[1] += c.status != "ok"
            continue
        rows.append(
            {
                "rule": c.rule,
                "name": rule_name(c.rule, lang),
                "group_id": c.group_id,
                "group": names.get(c.group_id or "", c.group_id),
                "year": c.year,
                "scope": c.scope,
                "required": num(c.required),
                "achieved": num(c.achieved),
                "status": c.status,
                "note": c.note,
            }
        )
    with use_language(lang):
        scope = _("each exchange")
        counted = _("{checked} checked, {broken} broken")
    for rule, (checked, broken) in per_exchange.items():
        rows.append(
            {
                "rule": rule,
                "name": rule_name(rule, lang),
                "group_id": None,
                "group": None,
                "year": None,
                "scope": scope,
                "required": checked,
                "achieved": checked - broken,
                "status": "ok" if not broken else "violated",
                "note": counted.format(checked=checked, broken=broken),
            }
        )
    return rows


def _is_per_exchange(rule: str) -> bool:
    from planner.rules import PER_EXCHANGE

    try:
        return Rule(rule) in PER_EXCHANGE
    except ValueError:
        return False


def roster_rows(scenario: Scenario, plan: Plan, lang: str = "zh") -> list[dict[str, Any]]:
    rows = []
    for e in plan.exchanges:
        person = scenario.staff_by_id.get(e.staff_id)
        school = scenario.school_by_id.get(e.school_id)
        home = scenario.school_by_id.get(person.school_id) if person else None
        position = person.position.value if person else ""
        rows.append(
            {
                "staff_id": e.staff_id,
                "name": person.name if person else "",
                "home": home.name if home else "",
                "school_id": e.school_id,
                "school": school.name if school else e.school_id,
                "group_id": school.group_id if school else "",
                "subject": person.subject if person else "",
                "position": ENUM_ZH.get(position, position) if lang == "zh" else position,
                "start_year": e.start_year,
                "end_year": e.end_year,
                "term": e.term,
                "volunteer": bool(person and person.volunteer),
                "pinned": e in scenario.commitments,
            }
        )
    return rows


def person_checks(scenario: Scenario, report: Any, staff_id: str, lang: str = "zh") -> dict:
    """A person's own rule checks (values against limits) and the needs they serve."""
    person = scenario.staff_by_id[staff_id]
    checks = [
        {
            "rule": c.rule,
            "name": rule_name(c.rule, lang),
            "year": c.year,
            "required": num(c.required),
            "achieved": num(c.achieved),
            "status": c.status,
            "note": c.note,
        }
        for c in report.checks
        if c.scope == staff_id
    ]
    serves = [
        {
            "school_id": c.need.school_id,
            "year": c.need.year,
            "subject": c.need.subject,
            "count": c.need.count,
            "covered": c.covered,
        }
        for c in report.coverage
        if staff_id in c.serving
    ]
    home = scenario.school_by_id.get(person.school_id)
    return {
        "staff_id": staff_id,
        "name": person.name,
        "school": home.name if home else person.school_id,
        "subject": person.subject,
        "position": person.position.value,
        "position_text": ENUM_ZH.get(person.position.value, person.position.value)
        if lang == "zh"
        else person.position.value,
        "age": person.age_at(scenario.first_year),
        "honor": person.honor.value,
        "level_ok": person.level_ok,
        "volunteer": person.volunteer,
        "checks": checks,
        "serves": serves,
    }


def explanation_document(
    expl: Any, lang: str = "zh", names: dict[str, str] | None = None
) -> dict[str, Any]:
    """``planner.api.explain``'s answer with Chinese sentences made from its
    fields; ``names``: school names by id."""
    doc = expl.to_json()
    school_names: dict[str, str] = names or {}

    def at(e: Any) -> str:
        return f"{school_names.get(e.school_id, e.school_id)} {e.start_year}–{e.end_year}"

    sentences: list[str] = []
    if lang == "zh":
        with use_language("zh"):
            sentences = _sentences(expl, at)
    doc["sentences_zh"] = sentences
    doc["serves_text"] = list(expl.serves)
    return doc


def roster_bytes(outcome: Any, lang: str, changes: Any = None) -> bytes:
    """The roster workbook, written to a temporary file and read back."""
    with tempfile.TemporaryDirectory(prefix="planner-web-") as folder:
        path = Path(folder) / "roster.xlsx"
        api.write_outputs(outcome, roster=path, lang=lang, changes=changes)
        return path.read_bytes()


def _sentences(expl: Any, at: Callable[[Any], str]) -> list[str]:
    """The explanation's sentences in the current language, from its fields."""
    sentences: list[str] = []
    sep = pgettext("separator of a list", ", ")
    if expl.placed:
        where = sep.join(at(e) for e in expl.exchanges)
        sentences.append(_("{name} is sent to {where}.").format(name=expl.name, where=where))
        if expl.alternative_coverage is not None:
            loss = expl.coverage - expl.alternative_coverage
            sentences.append(
                _(
                    "Without this person the best plan covers {alt} need units "
                    "(now {now}, {loss} fewer)."
                ).format(alt=num(expl.alternative_coverage), now=num(expl.coverage), loss=num(loss))
            )
        elif expl.alternative_status:
            sentences.append(
                _(
                    "Without this person the rules cannot all hold ({status}): they must be sent."
                ).format(status=expl.alternative_status)
            )
        return sentences
    for year, codes in sorted(expl.ineligible.items()):
        rules = sep.join(rule_name(c) for c in codes)
        sentences.append(
            _("{year}: cannot start an exchange: {rules}.").format(year=year, rules=rules)
        )
    if expl.alternative_coverage is not None:
        cost = expl.coverage - expl.alternative_coverage
        where = sep.join(at(e) for e in expl.alternative_exchanges)
        sentences.append(
            _(
                "This person can be sent; the best plan sending them ({where}) covers {alt} "
                "(now {now}, cost {cost})."
            ).format(
                where=where,
                alt=num(expl.alternative_coverage),
                now=num(expl.coverage),
                cost=num(cost),
            )
        )
    elif expl.alternative_status:
        sentences.append(
            _("No plan sends this person and keeps every rule ({status}).").format(
                status=expl.alternative_status
            )
        )
    return sentences
