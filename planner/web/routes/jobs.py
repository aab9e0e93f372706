"""Solve jobs: their state, a stream of it (server-sent events), cancelling."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import JSONResponse, StreamingResponse
from starlette.concurrency import run_in_threadpool

from planner.web.errors import ApiError
from planner.web.jobs import TERMINAL, Job
from planner.web.payloads import fallback
from planner.web.state import Bench
from planner.web.workbench import Workbench

router = APIRouter()


def _find_job(wb: Workbench, job_id: str) -> Job:
    job = wb.jobs.get(job_id)
    if job is None:
        raise ApiError(404, "no_job", id=job_id[:40])
    return job


@router.get("/api/jobs/{job_id}")
async def job_state(job_id: str, wb: Bench) -> dict[str, Any]:
    return _find_job(wb, job_id).snapshot()


async def _events(job: Job, request: Request) -> AsyncIterator[bytes]:
    """The job's state whenever it changes (and every second), until it ends."""
    seen = -1
    ticks = 0
    while True:
        snap = job.snapshot()
        if snap["version"] != seen or ticks >= 4:
            seen, ticks = snap["version"], 0
            payload = json.dumps(snap, ensure_ascii=False, default=fallback)
            yield f"event: state\ndata: {payload}\n\n".encode()
        if snap["state"] in TERMINAL:
            yield b"event: end\ndata: {}\n\n"
            return
        if await request.is_disconnected():
            return
        ticks += 1
        await asyncio.sleep(0.25)


@router.get("/api/jobs/{job_id}/events")
async def job_events(job_id: str, request: Request, wb: Bench) -> StreamingResponse:
    job = _find_job(wb, job_id)
    return StreamingResponse(
        _events(job, request),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )


@router.delete("/api/jobs/{job_id}", status_code=202)
async def cancel(job_id: str, wb: Bench) -> JSONResponse:
    _find_job(wb, job_id)
    job = await run_in_threadpool(wb.jobs.cancel, job_id)
    if job is None:
        raise ApiError(404, "no_job", id=job_id[:40])
    return JSONResponse(job.snapshot(), 202)
