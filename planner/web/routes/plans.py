"""Plans: the list, a plan's document, its audit, its view for the page,
a person's checks and explanation, downloads (roster workbook, JSON), and
publishing."""

from __future__ import annotations

import json
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from planner.archive import PlanInfo
from planner.web import i18n, views
from planner.web.errors import ApiError
from planner.web.payloads import int_id, json_body, plain
from planner.web.state import Bench, Lang
from planner.web.workbench import Workbench, roster_bytes

router = APIRouter()

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _plan_info(info: PlanInfo) -> dict[str, Any]:
    return {
        "id": str(info.id),
        "scenario": str(info.scenario_id),
        "scenario_name": info.scenario_name,
        "status": info.status,
        "solve_status": info.solve_status,
        "goals": info.goals,
        "from_year": info.from_year,
        "to_year": info.to_year,
        "created_at": info.created_at,
        "versions": list(info.versions),
        "settings": info.settings,
    }


@router.get("/api/plans")
async def plans(wb: Bench, published: str | None = None) -> list[dict[str, Any]]:
    infos = await run_in_threadpool(wb.archive.plans)
    if published is not None:
        want = published.lower() in ("1", "true", "yes")
        infos = [i for i in infos if (i.status == "published") == want]
    return plain([_plan_info(i) for i in infos])


@router.get("/api/plans/{plan_id}")
async def plan(plan_id: str, wb: Bench) -> dict[str, Any]:
    pid = int_id(plan_id, "no_plan")
    return await run_in_threadpool(wb.archive.plan_document, pid)


@router.get("/api/plans/{plan_id}/check")
async def check(plan_id: str, wb: Bench) -> dict[str, Any]:
    pid = int_id(plan_id, "no_plan")
    context = await run_in_threadpool(wb.context, pid)
    report = context["report"]
    return plain(
        {
            "valid": report.valid,
            "violations": [
                {
                    "rule": v.rule,
                    "message": v.message,
                    "group_id": v.group_id,
                    "year": v.year,
                    "staff_id": v.staff_id,
                    "school_id": v.school_id,
                    "subject": v.subject,
                    "amount": v.amount,
                }
                for v in report.violations
            ],
            "coverage": report.total_coverage,
        }
    )


def _view(wb: Workbench, pid: int, lang: str) -> dict[str, Any]:
    """What the page shows of a plan: goals, audit, coverage, chart, roster."""
    c = wb.context(pid)
    table = views.coverage_table(c["scenario"], c["report"])
    return plain(
        {
            "plan": _plan_info(c["info"]),
            "status": c["document"].get("status"),
            "objective": c["document"].get("objective"),
            "valid": c["report"].valid,
            "violations": len(c["report"].violations),
            "coverage_total": c["report"].total_coverage,
            "coverage": table,
            "chart": views.coverage_svg(table, lang),
            "rules": views.rule_checks(
                c["report"], lang, {g.group_id: g.name for g in c["scenario"].groups}
            ),
            "roster": views.roster_rows(c["scenario"], c["plan"], lang),
            "changes": c["document"].get("changes"),
            "settings": c["settings"],
            "schools": {s.school_id: s.name for s in c["scenario"].schools},
        }
    )


@router.get("/api/plans/{plan_id}/view")
async def plan_view(plan_id: str, wb: Bench, lang: Lang) -> dict[str, Any]:
    pid = int_id(plan_id, "no_plan")
    return await run_in_threadpool(_view, wb, pid, lang)


@router.get("/api/plans/{plan_id}/people/{staff_id}")
async def person(plan_id: str, staff_id: str, wb: Bench, lang: Lang) -> dict[str, Any]:
    pid = int_id(plan_id, "no_plan")
    return await run_in_threadpool(wb.explain, pid, staff_id, lang)


@router.get("/api/plans/{plan_id}/roster.xlsx")
async def roster(plan_id: str, request: Request, wb: Bench) -> Response:
    pid = int_id(plan_id, "no_plan")
    roster_lang = request.query_params.get("lang", "zh")
    if roster_lang not in i18n.LANGS:
        raise ApiError(422, "invalid_body", detail="lang: zh or en")
    data = await run_in_threadpool(roster_bytes, wb, pid, roster_lang)
    return Response(
        data,
        media_type=XLSX,
        headers={"Content-Disposition": f'attachment; filename="plan-{pid}-roster.xlsx"'},
    )


@router.get("/api/plans/{plan_id}/plan.json")
async def plan_json(plan_id: str, wb: Bench) -> Response:
    pid = int_id(plan_id, "no_plan")
    doc = await run_in_threadpool(wb.archive.plan_document, pid)
    return Response(
        json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
        media_type="application/json",
        headers={"Content-Disposition": f'attachment; filename="plan-{pid}.json"'},
    )


async def _publish_args(request: Request) -> tuple[str, str, int | None]:
    """``by``, ``note`` and ``expected_head`` of a publish request; 422 otherwise."""
    body = await json_body(request)
    by = body.get("by") or ""
    note = body.get("note") or ""
    if not isinstance(by, str) or not isinstance(note, str) or len(by) > 200 or len(note) > 4000:
        raise ApiError(422, "invalid_body", detail="by, note: text")
    expected = body.get("expected_head")
    if expected is not None and not isinstance(expected, int):
        raise ApiError(422, "invalid_body", detail="expected_head: a whole number")
    return by, note, expected


@router.post("/api/plans/{plan_id}/publish")
async def publish(plan_id: str, request: Request, wb: Bench) -> dict[str, Any]:
    pid = int_id(plan_id, "no_plan")
    by, note, expected = await _publish_args(request)
    await run_in_threadpool(wb.plan_info, pid)
    pub = await run_in_threadpool(
        lambda: wb.archive.publish(pid, by=by.strip() or "—", note=note, expected_head=expected)
    )
    return plain(
        {
            "plan": str(pid),
            "version": pub.version,
            "from_year": pub.from_year,
            "to_year": pub.to_year,
            "published_by": pub.published_by,
            "published_at": pub.published_at,
            "note": pub.note,
            "supersedes_version": pub.supersedes_version,
        }
    )
