"""Reading requests and writing answers: ids in paths, JSON and multipart
bodies, and any value as plain JSON."""

from __future__ import annotations

import json
from collections.abc import AsyncGenerator
from decimal import Decimal
from typing import Any

from fastapi import Request

from planner.web.errors import ApiError

__all__ = ["fallback", "int_id", "json_body", "parse_upload", "plain"]


def int_id(value: str, key: str) -> int:
    """A numeric id from a path; 404 with message ``key`` otherwise."""
    if not value.isdigit() or len(value) > 12:
        raise ApiError(404, key, id=value)
    return int(value)


def plain(value: Any) -> Any:
    """``value`` as plain JSON data (Decimals as numbers, times as ISO text)."""
    return json.loads(json.dumps(value, default=fallback, ensure_ascii=False))


def fallback(obj: Any) -> Any:
    if isinstance(obj, Decimal):
        return int(obj) if obj == obj.to_integral_value() else float(obj)
    if hasattr(obj, "isoformat"):
        return obj.isoformat()
    if isinstance(obj, set | frozenset | tuple):
        return list(obj)
    return str(obj)


async def parse_upload(body: bytes, request: Request) -> tuple[bytes | None, str | None]:
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


async def json_body(request: Request) -> dict[str, Any]:
    """The request's JSON object ({} for an empty body); 422 otherwise."""
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
