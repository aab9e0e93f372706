"""While a solve runs on a real uvicorn server on 127.0.0.1: 20 concurrent
``GET /api/jobs/{id}`` and 5 uploads at once, in a bounded loop; every
request answered, and the solve ends with the same plan as a quiet one."""

from __future__ import annotations

import asyncio
import time
from pathlib import Path

import pytest

pytest.importorskip("uvicorn")
httpx = pytest.importorskip("httpx")

import test_web_support as support  # noqa: E402

from planner.web.app import create_app  # noqa: E402


def _solve(base: str, sid: str) -> str:
    with httpx.Client(base_url=base, timeout=30) as c:
        r = c.post(f"/api/scenarios/{sid}/solve", json={"time_limit": 120})
        assert r.status_code == 202, r.text
        return r.json()["job"]


def test_requests_while_solving(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'archive.db'}")
    taishan = support.TAISHAN.read_bytes()
    uploads = [support.STORY[y].read_bytes() for y in (2022, 2023, 2024)] + [
        support.STORY[2022].read_bytes(),
        support.broken_workbook(),
    ]
    with support.live_server(app) as base:
        with httpx.Client(base_url=base, timeout=60) as c:
            sid = c.post("/api/scenarios", files={"file": ("t.xlsx", taishan)}).json()["id"]
            quiet_job = _solve(base, sid)
            quiet = support.wait_job(c, quiet_job, timeout=180)
            assert quiet["state"] == "done", quiet
            quiet_plan = c.get(f"/api/plans/{quiet['plan']}").json()

        job = _solve(base, sid)

        async def hammer() -> tuple[int, list[int], float]:
            rounds, statuses, slowest = 0, [], 0.0
            async with httpx.AsyncClient(base_url=base, timeout=60) as ac:
                deadline = time.monotonic() + 120
                while time.monotonic() < deadline and rounds < 6:  # bounded
                    started = time.monotonic()
                    gets = [ac.get(f"/api/jobs/{job}") for _ in range(20)]
                    posts = [
                        ac.post("/api/scenarios", files={"file": (f"s{i}.xlsx", data)})
                        for i, data in enumerate(uploads)
                    ]
                    answers = await asyncio.gather(*gets, *posts)
                    slowest = max(slowest, time.monotonic() - started)
                    statuses += [r.status_code for r in answers]
                    rounds += 1
                    states = [r.json()["state"] for r in answers[:20]]
                    assert all(s in ("queued", "running", "done") for s in states), states
                    if "done" in states:
                        break
            return rounds, statuses, slowest

        rounds, statuses, slowest = asyncio.run(hammer())
        with httpx.Client(base_url=base, timeout=60) as c:
            loaded = support.wait_job(c, job, timeout=180)
            assert loaded["state"] == "done", loaded
            loaded_plan = c.get(f"/api/plans/{loaded['plan']}").json()
    # Every request answered: jobs 200, uploads 201 (four good) and 422 (the broken one).
    assert rounds >= 1
    per_round = [200] * 20 + [201] * 4 + [422]
    assert statuses == per_round * rounds, statuses
    assert slowest < 30, slowest
    assert loaded_plan["exchanges"] == quiet_plan["exchanges"]
    assert loaded_plan["objective"] == quiet_plan["objective"]
    print(
        f"\n{rounds} rounds of 20 job reads + 5 uploads during the solve; "
        f"slowest round {slowest:.2f}s"
    )
