"""The worker pool: results, errors, and a job over its limit killed and replaced."""

from __future__ import annotations

import asyncio
import os
import time

import pytest

from reader.core.workers import JobFailed, JobTimeout, WorkerPool
from reader.errors import FeedError


def _raise_feed_error(message: str) -> None:
    raise FeedError(message)


def _divide(a: int, b: int) -> float:
    return a / b


def test_pool_runs_kills_and_recovers() -> None:
    async def go() -> None:
        pool = WorkerPool(2)
        try:
            pids = await asyncio.gather(*(pool.run(os.getpid) for _ in range(4)))
            assert os.getpid() not in pids and len(set(pids)) <= 2
            with pytest.raises(FeedError, match="bad feed"):
                await pool.run(_raise_feed_error, "bad feed")
            with pytest.raises(JobFailed, match="ZeroDivisionError"):
                await pool.run(_divide, 1, 0)
            start = time.monotonic()
            with pytest.raises(JobTimeout):
                await pool.run(time.sleep, 30, timeout=0.5)
            assert time.monotonic() - start < 5
            # The pool still has two working processes.
            results = await asyncio.gather(*(pool.run(_divide, 6, 3) for _ in range(4)))
            assert results == [2.0] * 4
            new_pids = set(await asyncio.gather(*(pool.run(os.getpid) for _ in range(4))))
            assert new_pids != set(pids)
        finally:
            pool.close()

    asyncio.run(go())
