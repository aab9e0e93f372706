"""Helpers for the workbench tests: scenario bytes, a broken workbook, a
real uvicorn server on 127.0.0.1 in a thread, waiting for jobs."""

from __future__ import annotations

import contextlib
import io
import os
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
SCENARIOS = ROOT / "scenarios"
TAISHAN = SCENARIOS / "taishan-2022.xlsx"
STORY = {year: SCENARIOS / f"story-{year}.xlsx" for year in (2022, 2023, 2024)}
ARTIFACTS = Path(os.environ.get("PLANNER_TEST_ARTIFACTS", ROOT / "tests" / "artifacts"))
TERMINAL = ("done", "failed", "cancelled")


def broken_workbook() -> bytes:
    """story-2022 with a birth date that is not a date and a blank subject."""
    wb = openpyxl.load_workbook(STORY[2022])
    ws = wb["staff"]
    header = [c.value for c in ws[1]]
    ws.cell(row=3, column=header.index("birth_date") + 1, value="not a date")
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def wait_job(client: Any, job: str, timeout: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        state = client.get(f"/api/jobs/{job}").json()
        if state["state"] in TERMINAL:
            return state
        time.sleep(0.2)
    raise AssertionError(f"job {job} did not end in {timeout}s: {state}")


def group_alive(pgid: int) -> list[int]:
    """Process ids (not zombies) in process group ``pgid``."""
    alive = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            stat = Path(f"/proc/{entry}/stat").read_text()
        except OSError:
            continue
        fields = stat.rsplit(")", 1)[1].split()
        if int(fields[2]) == pgid and fields[0] != "Z":
            alive.append(int(entry))
    return alive


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def live_server(app: Any) -> Iterator[str]:
    """Serve ``app`` with uvicorn on 127.0.0.1 in a thread; its base URL."""
    import uvicorn

    port = free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=20)
