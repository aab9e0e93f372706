"""The workbench's ASGI application (``create_app``): the HTTP API of
``docs/http-api.md`` and the page built on it.

Uploads are kept in the plan archive's database, downloads are made in
memory or in temporary files this module names; no path in a request ever
reaches the file system. Every error is JSON ``{"error", "problems"}`` with
its status, never a stack trace. Solves run in their own processes
(:mod:`planner.web.jobs`), so a failed or cancelled solve never takes the
server down.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import json
import logging
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import AsyncGenerator, AsyncIterator, Callable
from contextlib import asynccontextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from sqlalchemy import select
from sqlalchemy.orm import Session
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException as StarletteHTTPException

from planner import api
from planner.archive import (
    Archive,
    ArchiveError,
    ArchiveUnavailable,
    BadInput,
    NotFound,
    NotPublishable,
    Superseded,
    plan_of_document,
)
from planner.data import Scenario
from planner.problems import ScenarioError
from planner.rules import RELAXABLE
from planner.web import i18n, views
from planner.web.jobs import Busy, JobManager
from planner.web.scenarios import (
    PRESETS,
    NotAWorkbook,
    build_scenario,
    check_workbook_bytes,
    load_bytes,
    problem_documents,
    summary,
)

log = logging.getLogger("planner.web")

HERE = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


class ApiError(Exception):
    """An error answer: status, message key (i18n) and problems."""

    def __init__(
        self, status: int, key: str, problems: list[dict[str, Any]] | None = None, **params: Any
    ) -> None:
        super().__init__(key)
        self.status = status
        self.key = key
        self.problems = problems or []
        self.params = params


def version() -> str:
    try:
        from importlib import metadata

        return metadata.version("teacher-rotation-planner")
    except Exception:
        return "unknown"


def _lang(request: Request, default: str) -> str:
    lang = request.query_params.get("lang") or request.cookies.get("lang") or default
    return lang if lang in i18n.LANGS else default


def _int_id(value: str, key: str) -> int:
    if not value.isdigit() or len(value) > 12:
        raise ApiError(404, key, id=value)
    return int(value)


def _plain(value: Any) -> Any:
    return json.loads(json.dumps(value, default=_fallback, ensure_ascii=False))


def _fallback(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    return str(obj)


class Workbench:
    """The state behind the API: the archive, the jobs and a few caches."""

    def __init__(self, db: str | None, lang: str, processes: int | None, slots: int) -> None:
        self.archive = Archive(db)
        self.lang = lang
        self.jobs = JobManager(self._store_plan, slots=slots, processes=processes)
        self.cache_lock = threading.Lock()
        self.scenarios: OrderedDict[Any, Scenario] = OrderedDict()
        self.contexts: OrderedDict[int, dict[str, Any]] = OrderedDict()
        self.explainer: concurrent.futures.ProcessPoolExecutor | None = None
        self.explain_lock = threading.Lock()

    def close(self) -> None:
        self.jobs.shutdown()
        if self.explainer is not None:
            for process in list(getattr(self.explainer, "_processes", {}).values()):
                process.kill()
            self.explainer.shutdown(wait=False, cancel_futures=True)
        self.archive.close()

    # -- caches --------------------------------------------------------------

    def _cached(self, cache: OrderedDict, key: Any, make: Callable[[], Any], size: int = 12) -> Any:
        with self.cache_lock:
            if key in cache:
                cache.move_to_end(key)
                return cache[key]
        value = make()
        with self.cache_lock:
            cache[key] = value
            while len(cache) > size:
                cache.popitem(last=False)
        return value

    def scenario(self, scenario_id: int, settings: dict[str, Any] | None = None) -> Scenario:
        settings = settings or {}
        key = (scenario_id, json.dumps(settings, sort_keys=True, default=str))

        def make() -> Scenario:
            data = self.workbook(scenario_id)
            previous = None
            if settings.get("previous_plan") is not None:
                previous = plan_of_document(
                    self.archive.plan_document(int(settings["previous_plan"]))
                )
            return build_scenario(data, settings, previous)

        return self._cached(self.scenarios, key, make)

    def workbook(self, scenario_id: int) -> bytes:
        try:
            return self.archive.scenario_workbook(scenario_id)
        except NotFound:
            raise ApiError(404, "no_scenario", id=scenario_id) from None

    def plan_info(self, plan_id: int) -> Any:
        for info in self.archive.plans():
            if info.id == plan_id:
                return info
        raise ApiError(404, "no_plan", id=plan_id)

    def context(self, plan_id: int) -> dict[str, Any]:
        """A stored plan with its scenario (as solved) and its audit."""

        def make() -> dict[str, Any]:
            info = self.plan_info(plan_id)
            document = self.archive.plan_document(plan_id)
            settings = dict(info.settings)
            # A replan's document lists the whole plan (past included): it is
            # audited against the whole scenario, as ``planner check`` does.
            whole = {k: v for k, v in settings.items() if k != "previous_plan"}
            scenario = self.scenario(info.scenario_id, whole)
            plan = plan_of_document(document)
            report = api.check_plan(scenario, plan)
            return {
                "info": info,
                "document": document,
                "settings": settings,
                "scenario": scenario,
                "plan": plan,
                "report": report,
            }

        context = self._cached(self.contexts, plan_id, make, size=8)
        # Status may change (published); read it fresh.
        context["info"] = self.plan_info(plan_id)
        return context

    # -- jobs ----------------------------------------------------------------

    def _store_plan(self, job: Any, document: dict[str, Any]) -> str:
        settings = job.spec["settings"]
        plan_id = self.archive.store_plan(
            int(job.scenario_id), document, settings, from_year=settings.get("from_year")
        )
        return str(plan_id)

    def explain(self, plan_id: int, staff_id: str, lang: str) -> dict[str, Any]:
        context = self.context(plan_id)
        scenario: Scenario = context["scenario"]
        if staff_id not in scenario.staff_by_id:
            raise ApiError(404, "no_person", id=staff_id)
        person = views.person_checks(scenario, context["report"], staff_id, lang)
        with self.explain_lock:
            if self.explainer is None:
                self.explainer = concurrent.futures.ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
            pool = self.explainer
        info = context["info"]
        future = pool.submit(
            explain_in_process,
            self.workbook(info.scenario_id),
            {k: v for k, v in context["settings"].items() if k != "previous_plan"},
            context["document"],
            staff_id,
            lang,
        )
        try:
            person["explanation"] = future.result(timeout=120)
        except Exception as exc:
            person["explanation"] = None
            person["explanation_error"] = i18n.text("explain_failed", lang, detail=str(exc))
        return person


def explain_in_process(
    workbook: bytes,
    settings: dict[str, Any],
    document: dict[str, Any],
    staff_id: str,
    lang: str,
) -> dict[str, Any]:
    """``planner.api.explain`` in a worker process (it re-solves): the plan
    of ``document`` against the whole scenario (a replan's lists the past)."""
    from planner.model.solve import SolveParams

    scenario = build_scenario(workbook, settings)
    plan = plan_of_document(document)
    expl = api.explain(scenario, plan, staff_id, SolveParams(time_limit=10, processes=1))
    names = {s.school_id: s.name for s in scenario.schools}
    return _plain(views.explanation_document(expl, lang, names))


def create_app(
    db: str | None = None,
    *,
    lang: str = "zh",
    max_upload_bytes: int = MAX_UPLOAD_BYTES,
    processes: int | None = None,
    slots: int = 2,
) -> FastAPI:
    """The workbench app. ``db``: the archive's URL (None: ``$PLANNER_DB`` or
    the per-user SQLite file); ``processes``: CP-SAT worker processes per
    solve (None: one per core); ``slots``: solves running at once."""
    state: dict[str, Workbench] = {}

    def bench() -> Workbench:
        if "bench" not in state:
            state["bench"] = Workbench(db, lang, processes, slots)
        return state["bench"]

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        bench()
        yield
        if "bench" in state:
            state.pop("bench").close()

    app = FastAPI(
        title="teacher rotation planner",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.bench = bench
    templates = Jinja2Templates(directory=str(HERE / "templates"))
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")

    def error(request: Request, status: int, key: str, problems: Any = None, **params: Any):
        message = i18n.text(key, _lang(request, lang), **params)
        return JSONResponse({"error": message, "code": key, "problems": problems or []}, status)

    # -- errors: JSON, never a stack trace -----------------------------------

    @app.exception_handler(ApiError)
    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return error(request, exc.status, exc.key, exc.problems, **exc.params)

    @app.exception_handler(ScenarioError)
    async def scenario_error(request: Request, exc: ScenarioError) -> JSONResponse:
        problems = problem_documents(exc)
        return error(request, 422, "invalid_scenario", problems, n=len(problems))

    @app.exception_handler(ArchiveError)
    async def archive_error(request: Request, exc: ArchiveError) -> JSONResponse:
        detail = exc.text(_lang(request, lang))
        if isinstance(exc, NotFound):
            return error(request, 404, "archive", detail=detail)
        if isinstance(exc, Superseded):
            return error(request, 409, "superseded", detail=detail)
        if isinstance(exc, NotPublishable):
            return error(request, 409, "not_publishable", detail=detail)
        if isinstance(exc, BadInput):
            return error(request, 422, "archive", detail=detail)
        if isinstance(exc, ArchiveUnavailable):
            return error(request, 503, "archive", detail=detail)
        return error(request, 400, "archive", detail=detail)

    @app.exception_handler(RequestValidationError)
    async def invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "sheet": "request",
                "row": None,
                "column": ".".join(map(str, e.get("loc", ()))),
                "value": None,
                "expected": e.get("msg", ""),
                "fix": e.get("msg", ""),
            }
            for e in exc.errors()
        ]
        return error(
            request,
            422,
            "invalid_body",
            problems,
            detail=problems[0]["expected"] if problems else "",
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        if exc.status_code == 404:
            return error(request, 404, "not_found")
        if exc.status_code == 405:
            return error(request, 405, "method", method=request.method)
        return JSONResponse({"error": str(exc.detail), "problems": []}, exc.status_code)

    @app.exception_handler(Exception)
    async def internal(request: Request, exc: Exception) -> JSONResponse:
        log.exception("internal error on %s %s", request.method, request.url.path)
        return error(request, 500, "internal")

    # -- the page ------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse)
    async def page(request: Request) -> Response:
        page_lang = _lang(request, lang)
        response = templates.TemplateResponse(
            request,
            "index.html",
            {
                "lang": page_lang,
                "L": i18n.labels(page_lang),
                "labels_json": json.dumps(i18n.labels(page_lang), ensure_ascii=False),
                "presets": [(k, v[1] if page_lang == "en" else v[0]) for k, v in PRESETS.items()],
                "relaxable": sorted(RELAXABLE),
                "version": version(),
            },
        )
        if request.query_params.get("lang") in i18n.LANGS:
            response.set_cookie("lang", page_lang, samesite="strict")
        return response

    @app.get("/api/health")
    async def health() -> dict[str, Any]:
        return {"ok": True, "version": version()}

    # -- scenarios -----------------------------------------------------------

    @app.post("/api/scenarios", status_code=201)
    async def upload(request: Request) -> JSONResponse:
        limit = max_upload_bytes
        declared = request.headers.get("content-length")
        if declared and declared.isdigit() and int(declared) > limit + 64 * 1024:
            raise ApiError(413, "too_large", limit=round(limit / 2**20, 1))
        body = bytearray()
        async for chunk in request.stream():
            body.extend(chunk)
            if len(body) > limit + 64 * 1024:
                raise ApiError(413, "too_large", limit=round(limit / 2**20, 1))
        data, file_name = await _parse_upload(bytes(body), request)
        if data is None:
            raise ApiError(422, "no_file")
        if len(data) > limit:
            raise ApiError(413, "too_large", limit=round(limit / 2**20, 1))
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
        wb = bench()
        scenario = await run_in_threadpool(load_bytes, data)  # ScenarioError -> 422
        scenario_id = await run_in_threadpool(
            wb.archive.store_scenario, data, file_name=(file_name or "")[:200] or None
        )
        facts = summary(scenario)
        return JSONResponse(
            _plain(
                {
                    "id": str(scenario_id),
                    "name": scenario.name,
                    "first_year": scenario.first_year,
                    "horizon": scenario.horizon,
                    "staff": len(scenario.staff),
                    "schools": len(scenario.schools),
                    "problems": [],
                    "summary": facts,
                }
            ),
            201,
        )

    @app.get("/api/scenarios")
    async def scenarios() -> list[dict[str, Any]]:
        return await run_in_threadpool(_list_scenarios, bench().archive)

    @app.get("/api/scenarios/{scenario_id}")
    async def scenario_detail(scenario_id: str) -> dict[str, Any]:
        sid = _int_id(scenario_id, "no_scenario")
        wb = bench()
        scenario = await run_in_threadpool(wb.scenario, sid)
        facts = summary(scenario)
        return _plain(
            {
                "id": scenario_id,
                "name": scenario.name,
                "first_year": scenario.first_year,
                "horizon": scenario.horizon,
                "staff": len(scenario.staff),
                "schools": len(scenario.schools),
                "problems": [],
                "summary": facts,
            }
        )

    @app.post("/api/scenarios/{scenario_id}/solve", status_code=202)
    async def solve(scenario_id: str, request: Request) -> JSONResponse:
        sid = _int_id(scenario_id, "no_scenario")
        body = await _json_body(request)
        wb = bench()
        settings = await run_in_threadpool(_solve_settings, wb, sid, body)
        data = await run_in_threadpool(wb.workbook, sid)
        previous = None
        if settings.get("previous_plan") is not None:
            previous = await run_in_threadpool(
                wb.archive.plan_document, int(settings["previous_plan"])
            )
        # Check the settings against the workbook now (422 with problems),
        # not minutes later in the job.
        await run_in_threadpool(wb.scenario, sid, settings)
        try:
            job = wb.jobs.start(
                str(sid), {"workbook": data, "settings": settings, "previous": previous}
            )
        except Busy as exc:
            raise ApiError(409, "busy", job=exc.job_id) from None
        return JSONResponse({"job": job.id}, 202)

    # -- jobs ----------------------------------------------------------------

    def find_job(job_id: str) -> Any:
        job = bench().jobs.get(job_id)
        if job is None:
            raise ApiError(404, "no_job", id=job_id[:40])
        return job

    @app.get("/api/jobs/{job_id}")
    async def job_state(job_id: str) -> dict[str, Any]:
        return find_job(job_id).snapshot()

    @app.get("/api/jobs/{job_id}/events")
    async def job_events(job_id: str, request: Request) -> StreamingResponse:
        job = find_job(job_id)

        async def stream() -> AsyncIterator[bytes]:
            seen = -1
            ticks = 0
            while True:
                snap = job.snapshot()
                if snap["version"] != seen or ticks >= 4:
                    seen, ticks = snap["version"], 0
                    payload = json.dumps(snap, ensure_ascii=False, default=_fallback)
                    yield f"event: state\ndata: {payload}\n\n".encode()
                if snap["state"] in ("done", "failed", "cancelled"):
                    yield b"event: end\ndata: {}\n\n"
                    return
                if await request.is_disconnected():
                    return
                ticks += 1
                await asyncio.sleep(0.25)

        return StreamingResponse(
            stream(),
            media_type="text/event-stream",
            headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
        )

    @app.delete("/api/jobs/{job_id}", status_code=202)
    async def cancel(job_id: str) -> JSONResponse:
        find_job(job_id)
        job = await run_in_threadpool(bench().jobs.cancel, job_id)
        if job is None:
            raise ApiError(404, "no_job", id=job_id[:40])
        return JSONResponse(job.snapshot(), 202)

    # -- plans ---------------------------------------------------------------

    @app.get("/api/plans")
    async def plans(published: str | None = None) -> list[dict[str, Any]]:
        infos = await run_in_threadpool(bench().archive.plans)
        if published is not None:
            want = published.lower() in ("1", "true", "yes")
            infos = [i for i in infos if (i.status == "published") == want]
        return _plain([_plan_info(i) for i in infos])

    @app.get("/api/plans/{plan_id}")
    async def plan(plan_id: str) -> dict[str, Any]:
        pid = _int_id(plan_id, "no_plan")
        return await run_in_threadpool(bench().archive.plan_document, pid)

    @app.get("/api/plans/{plan_id}/check")
    async def check(plan_id: str) -> dict[str, Any]:
        pid = _int_id(plan_id, "no_plan")
        context = await run_in_threadpool(bench().context, pid)
        report = context["report"]
        return _plain(
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

    @app.get("/api/plans/{plan_id}/view")
    async def plan_view(plan_id: str, request: Request) -> dict[str, Any]:
        pid = _int_id(plan_id, "no_plan")
        view_lang = _lang(request, lang)
        wb = bench()

        def make() -> dict[str, Any]:
            c = wb.context(pid)
            table = views.coverage_table(c["scenario"], c["report"])
            return _plain(
                {
                    "plan": _plan_info(c["info"]),
                    "status": c["document"].get("status"),
                    "objective": c["document"].get("objective"),
                    "valid": c["report"].valid,
                    "violations": len(c["report"].violations),
                    "coverage_total": c["report"].total_coverage,
                    "coverage": table,
                    "chart": views.coverage_svg(table, view_lang),
                    "rules": views.rule_checks(c["report"], view_lang),
                    "roster": views.roster_rows(c["scenario"], c["plan"], view_lang),
                    "changes": c["document"].get("changes"),
                    "settings": c["settings"],
                    "schools": {s.school_id: s.name for s in c["scenario"].schools},
                }
            )

        return await run_in_threadpool(make)

    @app.get("/api/plans/{plan_id}/people/{staff_id}")
    async def person(plan_id: str, staff_id: str, request: Request) -> dict[str, Any]:
        pid = _int_id(plan_id, "no_plan")
        return await run_in_threadpool(bench().explain, pid, staff_id, _lang(request, lang))

    @app.get("/api/plans/{plan_id}/roster.xlsx")
    async def roster(plan_id: str, request: Request) -> Response:
        pid = _int_id(plan_id, "no_plan")
        roster_lang = request.query_params.get("lang", "zh")
        if roster_lang not in i18n.LANGS:
            raise ApiError(422, "invalid_body", detail="lang: zh or en")
        data = await run_in_threadpool(_roster, bench(), pid, roster_lang)
        return Response(
            data,
            media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            headers={"Content-Disposition": f'attachment; filename="plan-{pid}-roster.xlsx"'},
        )

    @app.get("/api/plans/{plan_id}/plan.json")
    async def plan_json(plan_id: str) -> Response:
        pid = _int_id(plan_id, "no_plan")
        doc = await run_in_threadpool(bench().archive.plan_document, pid)
        return Response(
            json.dumps(doc, ensure_ascii=False, indent=2) + "\n",
            media_type="application/json",
            headers={"Content-Disposition": f'attachment; filename="plan-{pid}.json"'},
        )

    @app.post("/api/plans/{plan_id}/publish")
    async def publish(plan_id: str, request: Request) -> dict[str, Any]:
        pid = _int_id(plan_id, "no_plan")
        body = await _json_body(request)
        by = body.get("by") or ""
        note = body.get("note") or ""
        if (
            not isinstance(by, str)
            or not isinstance(note, str)
            or len(by) > 200
            or len(note) > 4000
        ):
            raise ApiError(422, "invalid_body", detail="by, note: text")
        expected = body.get("expected_head")
        if expected is not None and not isinstance(expected, int):
            raise ApiError(422, "invalid_body", detail="expected_head: a whole number")
        wb = bench()
        await run_in_threadpool(wb.plan_info, pid)
        pub = await run_in_threadpool(
            lambda: wb.archive.publish(pid, by=by.strip() or "—", note=note, expected_head=expected)
        )
        return _plain(
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

    return app


def _plan_info(info: Any) -> dict[str, Any]:
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


def _list_scenarios(archive: Archive) -> list[dict[str, Any]]:
    from planner.archive.models import ScenarioRow

    with Session(archive.engine) as session:
        rows = session.execute(
            select(
                ScenarioRow.id,
                ScenarioRow.name,
                ScenarioRow.file_name,
                ScenarioRow.first_year,
                ScenarioRow.last_year,
                ScenarioRow.stored_at,
            ).order_by(ScenarioRow.stored_at.desc(), ScenarioRow.id.desc())
        ).all()
    return _plain(
        [
            {
                "id": str(r.id),
                "name": r.name,
                "file_name": r.file_name,
                "first_year": r.first_year,
                "horizon": r.last_year - r.first_year + 1,
                "stored_at": r.stored_at,
            }
            for r in rows
        ]
    )


async def _parse_upload(body: bytes, request: Request) -> tuple[bytes | None, str | None]:
    """The ``file`` field of a multipart body already read (and size-checked)."""
    from starlette.formparsers import MultiPartException, MultiPartParser

    content_type = request.headers.get("content-type", "")
    if not content_type.startswith("multipart/form-data"):
        return None, None

    async def replay() -> AsyncGenerator[bytes, None]:
        yield body

    try:
        form = await MultiPartParser(request.headers, replay()).parse()
    except (MultiPartException, ValueError, KeyError):
        return None, None
    try:
        item = form.get("file")
        if item is None or isinstance(item, str):
            return None, None
        return await item.read(), item.filename
    finally:
        await form.close()


async def _json_body(request: Request) -> dict[str, Any]:
    raw = await request.body()
    if not raw.strip():
        return {}
    try:
        body = json.loads(raw)
    except ValueError as exc:
        raise ApiError(422, "invalid_body", detail=f"JSON: {exc}") from None
    if not isinstance(body, dict):
        raise ApiError(422, "invalid_body", detail="a JSON object")
    return body


def _solve_settings(wb: Workbench, scenario_id: int, body: dict[str, Any]) -> dict[str, Any]:
    """The solve request checked and turned into the settings stored with the plan."""
    wb.workbook(scenario_id)  # 404 first
    problems: list[dict[str, Any]] = []

    def bad(column: str, value: Any, expected: str) -> None:
        problems.append(
            {
                "sheet": "request",
                "row": None,
                "column": column,
                "value": value,
                "expected": expected,
                "fix": expected,
            }
        )

    known = {
        "time_limit",
        "policy",
        "allow_shortfall",
        "previous_plan",
        "from_year",
        "preset",
        "pins",
        "bans",
    }
    for key in body:
        if key not in known:
            bad(key, None, "unknown field; known: " + ", ".join(sorted(known)))
    settings: dict[str, Any] = {}
    limit = body.get("time_limit", 60)
    if isinstance(limit, bool) or not isinstance(limit, int | float) or not 0 < limit <= 3600:
        bad("time_limit", limit, "seconds, more than 0 and at most 3600")
    else:
        settings["time_limit"] = limit
    policy = body.get("policy") or {}
    if not isinstance(policy, dict) or not all(
        isinstance(v, str | int | float | bool) for v in policy.values()
    ):
        bad("policy", str(policy)[:100], "an object {key: value}")
    elif policy:
        settings["policy"] = {str(k): v for k, v in policy.items()}
    preset = body.get("preset")
    if preset is not None:
        if preset not in PRESETS:
            bad("preset", preset, "one of " + ", ".join(PRESETS))
        else:
            settings["preset"] = preset
    shortfall = body.get("allow_shortfall")
    if shortfall is not None and shortfall != []:
        if shortfall == "all":
            settings["allow_shortfall"] = "all"
        elif isinstance(shortfall, list) and all(r in RELAXABLE for r in shortfall):
            settings["allow_shortfall"] = sorted(set(shortfall))
        else:
            bad(
                "allow_shortfall",
                str(shortfall)[:100],
                '"all" or a list of ' + ", ".join(sorted(RELAXABLE)),
            )
    for key in ("pins", "bans"):
        value = body.get(key)
        if value is None:
            continue
        if not isinstance(value, list) or len(value) > 5000:
            bad(key, None, "a list")
        else:
            settings[key] = value
    previous, from_year = body.get("previous_plan"), body.get("from_year")
    if (previous is None) != (from_year is None):
        raise ApiError(422, "replan_args")
    if previous is not None:
        if isinstance(from_year, bool) or not isinstance(from_year, int):
            bad("from_year", from_year, "a school year, e.g. 2023")
        elif previous == "published":
            settings["previous_plan"] = wb.archive.published_for(from_year).publication.plan_id
            settings["from_year"] = from_year
        else:
            pid = _int_id(str(previous), "no_plan")
            wb.plan_info(pid)
            settings["previous_plan"] = pid
            settings["from_year"] = from_year
    if problems:
        raise ApiError(422, "invalid_body", problems, detail=problems[0]["column"])
    return settings


def _roster(wb: Workbench, plan_id: int, lang: str) -> bytes:
    """The roster workbook of a stored plan, made in a temporary file."""
    from planner.results import Shortfall, SolveResult, SolveStatus

    context = wb.context(plan_id)
    doc = context["document"]

    def dec(value: Any) -> Decimal | None:
        return None if value is None else Decimal(str(value))

    result = SolveResult(
        SolveStatus(doc.get("status", "feasible")),
        context["plan"],
        {k: dec(v) for k, v in (doc.get("objective") or {}).items()},
        shortfalls=[
            Shortfall(
                s["rule"],
                s.get("group_id"),
                s.get("year"),
                s.get("scope"),
                Decimal(str(s["amount"])),
            )
            for s in doc.get("shortfalls") or []
        ],
    )
    outcome = api.Outcome(context["scenario"], result, context["report"])
    changes = None
    if doc.get("changes") is not None:
        changes = [_change(c) for c in doc["changes"]]
    return views.roster_bytes(outcome, lang, changes)


def _change(doc: dict[str, Any]) -> Any:
    from planner.data import Exchange

    def ex(e: dict[str, Any] | None) -> Exchange | None:
        if e is None:
            return None
        return Exchange(doc["staff_id"], e["school_id"], e["start_year"], e["end_year"])

    return api.Change(
        doc["kind"],
        doc["staff_id"],
        doc.get("group_id"),
        doc["year"],
        ex(doc.get("before")),
        ex(doc.get("after")),
        doc.get("reason", ""),
    )
