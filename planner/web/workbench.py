"""The state behind the workbench's API (:class:`Workbench`): the plan
archive, the solve jobs, a few caches of scenarios read and plans checked,
and a process for explanations (which re-solve)."""

from __future__ import annotations

import concurrent.futures
import json
import multiprocessing
import threading
from collections import OrderedDict
from collections.abc import Callable
from decimal import Decimal
from typing import Any

from planner import api
from planner.archive import Archive, NotFound, PlanInfo, plan_of_document
from planner.data import Exchange, Scenario
from planner.web import i18n, views
from planner.web.errors import ApiError
from planner.web.jobs import JobManager
from planner.web.payloads import plain
from planner.web.scenarios import build_scenario

__all__ = ["Workbench", "explain_in_process", "roster_bytes"]


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

    def plan_info(self, plan_id: int) -> PlanInfo:
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

    def _explainer(self) -> concurrent.futures.ProcessPoolExecutor:
        with self.explain_lock:
            if self.explainer is None:
                self.explainer = concurrent.futures.ProcessPoolExecutor(
                    max_workers=1, mp_context=multiprocessing.get_context("spawn")
                )
            return self.explainer

    def explain(self, plan_id: int, staff_id: str, lang: str) -> dict[str, Any]:
        context = self.context(plan_id)
        scenario: Scenario = context["scenario"]
        if staff_id not in scenario.staff_by_id:
            raise ApiError(404, "no_person", id=staff_id)
        person = views.person_checks(scenario, context["report"], staff_id, lang)
        pool = self._explainer()
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
    return plain(views.explanation_document(expl, lang, names))


def roster_bytes(wb: Workbench, plan_id: int, lang: str) -> bytes:
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
    """An :class:`planner.api.Change` of a plan document's ``changes`` entry."""

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
