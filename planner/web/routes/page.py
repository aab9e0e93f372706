"""The workbench page (``/``) and ``/api/health``."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.templating import Jinja2Templates

from planner.rules import RELAXABLE
from planner.web import i18n
from planner.web.scenarios import PRESETS
from planner.web.state import Lang

router = APIRouter()

TEMPLATES = Path(__file__).resolve().parents[1] / "templates"
templates = Jinja2Templates(directory=str(TEMPLATES))


def version() -> str:
    try:
        from importlib import metadata

        return metadata.version("teacher-rotation-planner")
    except Exception:
        return "unknown"


@router.get("/", response_class=HTMLResponse)
async def page(request: Request, page_lang: Lang) -> Response:
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


@router.get("/api/health")
async def health() -> dict[str, Any]:
    return {"ok": True, "version": version()}
