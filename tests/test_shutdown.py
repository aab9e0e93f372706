"""No solver process outlives a killed ``planner solve``.

A solve of independent groups runs them in a pool of processes
(:mod:`planner.model.pool`). Killed with SIGTERM, the CLI stops the pool and
exits 143; killed with SIGKILL, which nobody can catch, each worker ends
with its parent (Linux's parent-death signal, and a watch of the parent).
Either way no process started by the solve is left, and a caller reading the
solve's pipes sees them close instead of hanging.
"""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from planner.examples.generate import generate_scenario
from planner.io.writer import write_scenario

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/stat").exists(), reason="reads the process table from /proc"
)

ROOT = Path(__file__).resolve().parent.parent
GONE_WITHIN = 5.0  # seconds after the kill


@pytest.fixture(scope="module")
def city(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four groups of a generated city: a pool of solver processes, and a
    solve that takes far longer than the test waits."""
    path = tmp_path_factory.mktemp("city") / "city.xlsx"
    write_scenario(generate_scenario("city", groups=4, seed=1), path)
    return path


def parent_of(pid: int) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


def descendants(root: int) -> set[int]:
    """Every live process whose ancestry leads to ``root``."""
    parents = {int(d): parent_of(int(d)) for d in os.listdir("/proc") if d.isdigit()}
    found: set[int] = set()
    frontier = {root}
    while frontier:
        frontier = {pid for pid, ppid in parents.items() if ppid in frontier} - found
        found |= frontier
    return found


def alive(pid: int) -> bool:
    """Running, not a zombie waiting to be reaped."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def start_solve(city: Path, out: Path) -> tuple[subprocess.Popen[bytes], set[int]]:
    """``planner solve`` in a subprocess, once its solver processes run."""
    env = {**os.environ, "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "planner", "solve", str(city), "--quiet"]
    command += ["--time-limit", "60", "--processes", "2"]
    command += ["--out", str(out / "r.xlsx"), "--json", str(out / "r.json")]
    proc = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    deadline = time.monotonic() + 60
    workers: set[int] = set()
    while len(workers) < 2 and time.monotonic() < deadline and proc.poll() is None:
        time.sleep(0.1)
        workers = descendants(proc.pid)
    if len(workers) < 2:
        proc.kill()
        proc.communicate()
        pytest.fail(f"the solve started no pool of 2 solver processes (exit {proc.returncode})")
    time.sleep(1.0)  # the workers are solving
    return proc, workers | descendants(proc.pid)


def read_to_end(proc: subprocess.Popen[bytes]) -> tuple[bytes, bytes] | None:
    """Both pipes read to EOF within the limit, else None (a hang)."""
    got: list[tuple[bytes, bytes]] = []

    def drain() -> None:
        assert proc.stdout is not None and proc.stderr is not None
        got.append((proc.stdout.read(), proc.stderr.read()))

    reader = threading.Thread(target=drain, daemon=True)
    reader.start()
    reader.join(GONE_WITHIN)
    return got[0] if got else None


def left_after(workers: set[int]) -> set[int]:
    deadline = time.monotonic() + GONE_WITHIN
    while time.monotonic() < deadline:
        left = {pid for pid in workers if alive(pid)}
        if not left:
            return left
        time.sleep(0.1)
    return {pid for pid in workers if alive(pid)}


def cleanup(pids: set[int]) -> None:
    for pid in pids:  # only the processes this test started
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)


def test_sigterm_stops_the_pool_and_exits_143(city: Path, tmp_path: Path) -> None:
    proc, workers = start_solve(city, tmp_path)
    proc.send_signal(signal.SIGTERM)
    try:
        assert proc.wait(GONE_WITHIN) == 143
        assert read_to_end(proc) is not None, "the pipes stayed open"
        assert left_after(workers) == set()
        assert not (tmp_path / "r.xlsx").exists() and not (tmp_path / "r.json").exists()
    finally:
        cleanup(workers)


def test_sigkill_leaves_no_solver_process(city: Path, tmp_path: Path) -> None:
    proc, workers = start_solve(city, tmp_path)
    proc.kill()
    try:
        assert proc.wait(GONE_WITHIN) == -signal.SIGKILL
        assert left_after(workers) == set()
        assert read_to_end(proc) is not None, "a solver process kept the pipes open"
    finally:
        cleanup(workers)
