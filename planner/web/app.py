"""The workbench's ASGI application (``create_app``): the HTTP API of
``docs/http-api.md`` and the page built on it.

Uploads are kept in the plan archive's database, downloads are made in
memory or in temporary files this package names; no path in a request ever
reaches the file system. Every error is JSON ``{"error", "problems"}`` with
its status, never a stack trace (:mod:`planner.web.errors`). Solves run in
their own processes (:mod:`planner.web.jobs`), so a failed or cancelled
solve never takes the server down.

The parts: the shared state (:mod:`planner.web.state`, on ``app.state.web``;
``app.state.bench()`` is its workbench), the routes (:mod:`planner.web.routes`),
the solve request's checks (:mod:`planner.web.solve_request`).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from planner.i18n import use_language
from planner.web.errors import install_error_handlers
from planner.web.i18n import request_lang
from planner.web.routes import jobs, page, plans, scenarios
from planner.web.state import WebSettings, WebState

__all__ = ["MAX_UPLOAD_BYTES", "create_app"]

HERE = Path(__file__).resolve().parent
MAX_UPLOAD_BYTES = 20 * 1024 * 1024


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
    state = WebState(WebSettings(db, lang, max_upload_bytes, processes, slots))

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        state.bench()
        yield
        state.close()

    app = FastAPI(
        title="teacher rotation planner",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,
        lifespan=lifespan,
    )
    app.state.web = state
    app.state.bench = state.bench
    app.mount("/static", StaticFiles(directory=str(HERE / "static")), name="static")
    install_error_handlers(app)
    for module in (page, scenarios, jobs, plans):
        app.include_router(module.router)
    app.add_middleware(RequestLanguage, default=lang)
    return app


class RequestLanguage:
    """Each request speaks its own language (``?lang=``, the ``lang`` cookie,
    else the app's): every message made while answering it, the reader's
    problems and the audit's sentences too, is in that language. The
    language lives in a context variable, so requests served at the same
    time do not see each other's."""

    def __init__(self, app: ASGIApp, default: str) -> None:
        self.app = app
        self.default = default

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        with use_language(request_lang(Request(scope), self.default)):
            await self.app(scope, receive, send)
