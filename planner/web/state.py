"""What every route shares, on ``app.state.web``: the app's settings and the
:class:`~planner.web.workbench.Workbench` (archive, jobs, caches), made on
first use and closed when the app stops. Routes ask for them through the
dependencies below (``wb: Bench``, ``lang: Lang``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Annotated

from fastapi import Depends, Request

from planner.web import i18n
from planner.web.workbench import Workbench

__all__ = ["Bench", "Lang", "State", "WebSettings", "WebState", "answer_lang", "web_state"]


@dataclass(frozen=True)
class WebSettings:
    """``create_app``'s arguments."""

    db: str | None  # the archive's URL (None: $PLANNER_DB or the per-user file)
    lang: str  # the default language of page and messages
    max_upload_bytes: int
    processes: int | None  # CP-SAT worker processes per solve (None: one per core)
    slots: int  # solves running at once


@dataclass
class WebState:
    settings: WebSettings
    _bench: Workbench | None = field(default=None, repr=False)

    def bench(self) -> Workbench:
        """The workbench, opened on first use."""
        if self._bench is None:
            s = self.settings
            self._bench = Workbench(s.db, s.lang, s.processes, s.slots)
        return self._bench

    def close(self) -> None:
        bench, self._bench = self._bench, None
        if bench is not None:
            bench.close()


# async: run on the event loop, no thread hop per request.
async def web_state(request: Request) -> WebState:
    return request.app.state.web


async def _bench(state: Annotated[WebState, Depends(web_state)]) -> Workbench:
    return state.bench()


async def answer_lang(request: Request, state: Annotated[WebState, Depends(web_state)]) -> str:
    """The language of the answer: ``?lang=``, the ``lang`` cookie or the app's."""
    return i18n.request_lang(request, state.settings.lang)


State = Annotated[WebState, Depends(web_state)]
Bench = Annotated[Workbench, Depends(_bench)]
Lang = Annotated[str, Depends(answer_lang)]
