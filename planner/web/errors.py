"""The workbench's error answers: JSON ``{"error", "code", "problems"}`` with
its status, the message in the request's language, never a stack trace.

:class:`ApiError` is what the routes raise; :func:`install_error_handlers`
turns it, and every other exception, into such an answer.
"""

from __future__ import annotations

import logging
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from planner.archive import (
    ArchiveError,
    ArchiveUnavailable,
    BadInput,
    NotFound,
    NotPublishable,
    Superseded,
)
from planner.problems import ScenarioError
from planner.web import i18n
from planner.web.scenarios import problem_documents

__all__ = ["ApiError", "error_response", "install_error_handlers", "request_problem"]

log = logging.getLogger("planner.web")

# An archive error's status; the message key is "archive" unless named here.
_ARCHIVE_STATUS: tuple[tuple[type[ArchiveError], int, str], ...] = (
    (NotFound, 404, "archive"),
    (Superseded, 409, "superseded"),
    (NotPublishable, 409, "not_publishable"),
    (BadInput, 422, "archive"),
    (ArchiveUnavailable, 503, "archive"),
)


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


def request_problem(column: str, value: Any, expected: str) -> dict[str, Any]:
    """A problem with the request itself (not with a workbook cell)."""
    return {
        "sheet": "request",
        "row": None,
        "column": column,
        "value": value,
        "expected": expected,
        "fix": expected,
    }


def _lang(request: Request) -> str:
    # The app's default language: WebState.settings.lang (planner.web.state).
    return i18n.request_lang(request, request.app.state.web.settings.lang)


def error_response(
    request: Request, status: int, key: str, problems: Any = None, **params: Any
) -> JSONResponse:
    message = i18n.text(key, _lang(request), **params)
    return JSONResponse({"error": message, "code": key, "problems": problems or []}, status)


async def _api_error(request: Request, exc: ApiError) -> JSONResponse:
    return error_response(request, exc.status, exc.key, exc.problems, **exc.params)


async def _scenario_error(request: Request, exc: ScenarioError) -> JSONResponse:
    problems = problem_documents(exc)
    return error_response(request, 422, "invalid_scenario", problems, n=len(problems))


async def _archive_error(request: Request, exc: ArchiveError) -> JSONResponse:
    detail = exc.text(_lang(request))
    for kind, status, key in _ARCHIVE_STATUS:
        if isinstance(exc, kind):
            return error_response(request, status, key, detail=detail)
    return error_response(request, 400, "archive", detail=detail)


async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
    problems = [
        request_problem(".".join(map(str, e.get("loc", ()))), None, e.get("msg", ""))
        for e in exc.errors()
    ]
    detail = problems[0]["expected"] if problems else ""
    return error_response(request, 422, "invalid_body", problems, detail=detail)


async def _http_error(request: Request, exc: StarletteHTTPException) -> JSONResponse:
    if exc.status_code == 404:
        return error_response(request, 404, "not_found")
    if exc.status_code == 405:
        return error_response(request, 405, "method", method=request.method)
    return JSONResponse({"error": str(exc.detail), "problems": []}, exc.status_code)


async def _internal(request: Request, exc: Exception) -> JSONResponse:
    log.exception("internal error on %s %s", request.method, request.url.path)
    return error_response(request, 500, "internal")


def install_error_handlers(app: FastAPI) -> None:
    """Every error of ``app`` answered as JSON (see the module's docstring)."""
    app.add_exception_handler(ApiError, _api_error)  # type: ignore[arg-type]
    app.add_exception_handler(ScenarioError, _scenario_error)  # type: ignore[arg-type]
    app.add_exception_handler(ArchiveError, _archive_error)  # type: ignore[arg-type]
    app.add_exception_handler(RequestValidationError, _invalid)  # type: ignore[arg-type]
    app.add_exception_handler(StarletteHTTPException, _http_error)  # type: ignore[arg-type]
    app.add_exception_handler(Exception, _internal)
