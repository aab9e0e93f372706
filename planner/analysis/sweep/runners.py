"""Where the variants run: local processes (spawned, ``jobs`` at a time) or
tasks on a Dask cluster; both yield (variant, row) pairs as they finish."""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Generator, Sequence
from concurrent.futures import Future, ProcessPoolExecutor, as_completed
from typing import Any

from planner.analysis.sweep.grid import Variant
from planner.analysis.sweep.variant import Row, SweepTask, empty_row, solve_variant
from planner.model.pool import stop_with_parent

__all__ = ["dask_results", "local_results"]


def local_results(
    tasks: Sequence[tuple[Variant, SweepTask]], jobs: int
) -> Generator[tuple[Variant, Row], None, None]:
    """Variants solved in ``jobs`` local processes, yielded as they finish."""
    # spawn: a fresh interpreter per worker, never a fork of a process that
    # may already run solver threads (a notebook, a Dask client).
    context = multiprocessing.get_context("spawn")
    # Each worker ends with this process, even if it is killed (SIGKILL).
    pool = ProcessPoolExecutor(
        max_workers=jobs,
        mp_context=context,
        initializer=stop_with_parent,
        initargs=(os.getpid(),),
    )
    futures: dict[Future[Row], Variant] = {
        pool.submit(solve_variant, task): variant for variant, task in tasks
    }
    try:
        for future in as_completed(futures):
            yield futures[future], future.result()
    except BaseException:
        # Interrupted (or the consumer stopped): drop what has not started and
        # stop what runs rather than wait for solves nobody will read.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.terminate()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)


def dask_results(
    tasks: Sequence[tuple[Variant, SweepTask]], scheduler: Any
) -> Generator[tuple[Variant, Row], None, None]:
    """Variants solved as tasks on a Dask cluster, yielded as they finish.

    ``scheduler`` is the scheduler's address or a ``dask.distributed.Client``.
    """
    from dask.distributed import Client
    from dask.distributed import as_completed as dask_completed

    own = not isinstance(scheduler, Client)
    client = Client(scheduler) if own else scheduler
    try:
        futures = client.map(solve_variant, [task for _, task in tasks], pure=False)
        by_key = {future.key: variant for future, (variant, _) in zip(futures, tasks, strict=True)}
        try:
            for future in dask_completed(futures):
                try:
                    row = future.result()
                except Exception as exc:  # a lost worker, a task killed
                    row = empty_row("error", f"{type(exc).__name__}: {exc}")
                yield by_key[future.key], row
        except BaseException:
            client.cancel(futures)
            raise
    finally:
        if own:
            client.close()
