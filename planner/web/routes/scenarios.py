"""Scenarios: upload a workbook, list them, read one, start a solve."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse
from starlette.concurrency import run_in_threadpool

from planner.archive import Archive
from planner.data import Scenario
from planner.i18n import current_language
from planner.web.errors import ApiError
from planner.web.jobs import Busy
from planner.web.payloads import int_id, json_body, parse_upload, plain
from planner.web.scenarios import NotAWorkbook, check_workbook_bytes, load_bytes, summary
from planner.web.solve_request import solve_settings
from planner.web.state import Bench, State

router = APIRouter()

SLACK = 64 * 1024  # multipart framing beyond the file itself


def _facts(scenario_id: str, scenario: Scenario) -> dict[str, Any]:
    return plain(
        {
            "id": scenario_id,
            "name": scenario.name,
            "first_year": scenario.first_year,
            "horizon": scenario.horizon,
            "staff": len(scenario.staff),
            "schools": len(scenario.schools),
            "problems": [],
            "summary": summary(scenario),
        }
    )


async def _read_upload(request: Request, limit: int) -> tuple[bytes, str | None]:
    """The uploaded workbook's bytes and file name: 413 over ``limit``, 422 if none."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > limit + SLACK:
        raise ApiError(413, "too_large", limit=round(limit / 2**20, 1))
    body = bytearray()
    async for chunk in request.stream():
        body.extend(chunk)
        if len(body) > limit + SLACK:
            raise ApiError(413, "too_large", limit=round(limit / 2**20, 1))
    data, file_name = await parse_upload(bytes(body), request)
    if data is None:
        raise ApiError(422, "no_file")
    if len(data) > limit:
        raise ApiError(413, "too_large", limit=round(limit / 2**20, 1))
    return data, file_name


@router.post("/api/scenarios", status_code=201)
async def upload(request: Request, state: State, wb: Bench) -> JSONResponse:
    data, file_name = await _read_upload(request, state.settings.max_upload_bytes)
    try:
        check_workbook_bytes(data)
    except NotAWorkbook as exc:
        problem = {
            "sheet": None,
            "row": None,
            "column": None,
            "value": file_name,
            "expected": "an .xlsx workbook",
            "fix": "save as .xlsx",
        }
        raise ApiError(422, "not_xlsx", [problem], detail=str(exc)) from None
    scenario = await run_in_threadpool(load_bytes, data)  # ScenarioError -> 422
    scenario_id = await run_in_threadpool(
        wb.archive.store_scenario, data, file_name=(file_name or "")[:200] or None
    )
    return JSONResponse(_facts(str(scenario_id), scenario), 201)


def _list_scenarios(archive: Archive) -> list[dict[str, Any]]:
    return plain(
        [
            {
                "id": str(s.id),
                "name": s.name,
                "file_name": s.file_name,
                "first_year": s.first_year,
                "horizon": s.last_year - s.first_year + 1,
                "stored_at": s.stored_at,
            }
            for s in archive.scenarios()
        ]
    )


@router.get("/api/scenarios")
async def scenarios(wb: Bench) -> list[dict[str, Any]]:
    return await run_in_threadpool(_list_scenarios, wb.archive)


@router.get("/api/scenarios/{scenario_id}")
async def scenario_detail(scenario_id: str, wb: Bench) -> dict[str, Any]:
    sid = int_id(scenario_id, "no_scenario")
    scenario = await run_in_threadpool(wb.scenario, sid)
    return _facts(scenario_id, scenario)


@router.post("/api/scenarios/{scenario_id}/solve", status_code=202)
async def solve(scenario_id: str, request: Request, wb: Bench) -> JSONResponse:
    sid = int_id(scenario_id, "no_scenario")
    body = await json_body(request)
    settings = await run_in_threadpool(solve_settings, wb, sid, body)
    data = await run_in_threadpool(wb.workbook, sid)
    previous = None
    if settings.get("previous_plan") is not None:
        previous = await run_in_threadpool(wb.archive.plan_document, int(settings["previous_plan"]))
    # Check the settings against the workbook now (422 with problems),
    # not minutes later in the job.
    await run_in_threadpool(wb.scenario, sid, settings)
    try:
        # The job's process speaks the request's language (log, conflicts).
        spec = {
            "workbook": data,
            "settings": settings,
            "previous": previous,
            "lang": current_language(),
        }
        job = wb.jobs.start(str(sid), spec)
    except Busy as exc:
        raise ApiError(409, "busy", job=exc.job_id) from None
    return JSONResponse({"job": job.id}, 202)
