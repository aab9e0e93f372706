"""Independent parts on a Dask distributed cluster instead of local processes.

``planner solve --scheduler tcp://HOST:PORT`` (``SolveParams.scheduler``):
:class:`planner.model.pool.Runner` sends each stage's tasks to the cluster
and reads the outcomes back in the tasks' order, so the plan is the one the
local pool makes (every task is solved on its own,
:func:`planner.model.levels.run_task`). The workers need this package (the
same version) and OR-Tools; Dask itself is the optional ``[dask]`` extra,
imported only here and only when a scheduler is named.

:func:`check_scheduler` asks the scheduler who it is before anything is
solved: a bad address, a scheduler that does not answer or one without
workers is a :class:`SchedulerError`, not a solve that waits forever.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING, Any

from planner.model.levels import Outcome, Task, run_task
from planner.model.params import Logger

if TYPE_CHECKING:
    from dask.distributed import Client

__all__ = ["CONNECT_SECONDS", "SchedulerError", "check_scheduler", "connect", "run_on_cluster"]

# How long to wait for the scheduler to answer.
CONNECT_SECONDS = 10.0


class SchedulerError(ValueError):
    """The Dask scheduler cannot take the solve; ``reason`` is one of
    ``no-dask``, ``address``, ``unreachable``, ``no-workers``."""

    def __init__(self, address: str, reason: str, detail: str = "") -> None:
        self.address = address
        self.reason = reason
        self.detail = detail
        super().__init__(self.message("en"))

    def message(self, lang: str = "zh") -> str:
        """One line saying what is wrong and what to do."""
        a, d = self.address, self.detail
        if lang == "en":
            return {
                "no-dask": "--scheduler needs Dask: pip install 'teacher-rotation-planner[dask]'",
                "address": f"--scheduler {a!r} is not a Dask address ({d}); "
                "write it as tcp://HOST:PORT",
                "unreachable": f"--scheduler {a}: no Dask scheduler answered within "
                f"{CONNECT_SECONDS:g}s ({d}); check the address and that the scheduler runs",
                "no-workers": f"--scheduler {a}: the scheduler has no workers; "
                "start dask workers for it, or solve without --scheduler",
            }[self.reason]
        return {
            "no-dask": "--scheduler 需要安装 Dask：pip install 'teacher-rotation-planner[dask]'。",
            "address": f"--scheduler {a!r} 不是 Dask 地址（{d}）；请写成 tcp://主机:端口。",
            "unreachable": f"--scheduler {a}：{CONNECT_SECONDS:g} 秒内没有 Dask 调度器应答（{d}）；"
            "请检查地址，并确认调度器已启动。",
            "no-workers": f"--scheduler {a}：该调度器没有任何 worker；请先为它启动 dask worker，"
            "或去掉 --scheduler 在本机求解。",
        }[self.reason]


def check_scheduler(address: str, timeout: float | None = None) -> int:
    """The number of worker threads of the Dask scheduler at ``address``;
    :class:`SchedulerError` if it cannot take a solve."""
    try:
        from distributed.core import rpc
    except ImportError:
        raise SchedulerError(address, "no-dask") from None
    timeout = CONNECT_SECONDS if timeout is None else timeout

    async def identity() -> dict[str, Any]:
        scheduler = rpc(address, timeout=timeout)
        try:
            return dict(await asyncio.wait_for(scheduler.identity(), timeout))
        finally:
            await scheduler.close_rpc()

    try:
        info = asyncio.run(identity())
    except ValueError as exc:
        raise SchedulerError(address, "address", str(exc)) from None
    except (TimeoutError, OSError) as exc:
        raise SchedulerError(address, "unreachable", str(exc) or type(exc).__name__) from None
    if info.get("type") != "Scheduler":
        raise SchedulerError(address, "unreachable", f"{info.get('type')!r} is not a scheduler")
    slots = sum(int(w.get("nthreads", 1)) for w in info.get("workers", {}).values())
    if slots == 0:
        raise SchedulerError(address, "no-workers")
    return slots


def connect(address: str) -> tuple[Client, int]:
    """A client of the scheduler at ``address`` and its worker threads."""
    slots = check_scheduler(address)
    from dask.distributed import Client

    try:
        client = Client(address, timeout=CONNECT_SECONDS, set_as_default=False)
    except (OSError, ValueError) as exc:  # gone between the check and now
        raise SchedulerError(address, "unreachable", str(exc)) from None
    return client, slots


def run_on_cluster(client: Client, ordered: list[Task], log: Logger | None) -> dict[int, Outcome]:
    """Each task's outcome by its index, solved on the cluster (largest first).

    A task the cluster loses (a worker killed, a connection dropped) is
    solved in this process instead: the same task, so the same outcome.
    """
    futures = {
        t.index: client.submit(run_task, t, pure=False, priority=len(ordered) - k)
        for k, t in enumerate(ordered)
    }
    outcomes: dict[int, Outcome] = {}
    try:
        for t in ordered:
            try:
                outcomes[t.index] = futures[t.index].result()
            except Exception as exc:  # lost by the cluster: solved here instead
                if log is not None:
                    log(f"Dask lost part {t.label or t.index} ({type(exc).__name__}); solving here")
                outcomes[t.index] = run_task(t)
    except BaseException:
        client.cancel(list(futures.values()))
        raise
    return outcomes
