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
        async with WorkerPool(2) as pool:
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

    asyncio.run(go())


@pytest.mark.parametrize("fork", [True, False])
def test_close_fails_a_running_job(fork: bool) -> None:
    async def go() -> None:
        pool = WorkerPool(1, fork=fork)
        job = asyncio.ensure_future(pool.run(time.sleep, 30, timeout=60))
        await asyncio.sleep(0.3)
        pool.close()
        with pytest.raises(JobFailed, match="closed"):
            await asyncio.wait_for(job, 3)

    asyncio.run(go())


def test_spawned_workers_never_import_from_the_current_directory(tmp_path, monkeypatch) -> None:
    marker = tmp_path / "imported"
    (tmp_path / "feedparser.py").write_text(f"open({str(marker)!r}, 'w').close()\n")
    monkeypatch.chdir(tmp_path)

    async def go() -> None:
        async with WorkerPool(1, fork=False) as pool:
            from reader.core.parse import parse_feed

            feed = b'<rss version="2.0"><channel><title>T</title></channel></rss>'
            parsed = await pool.run(parse_feed, feed, {}, "http://x/", max_items=10, fetched_at=0.0)
            assert parsed.title == "T"

    asyncio.run(go())
    assert not marker.exists()


def test_forked_workers_hold_no_other_descriptors(tmp_path) -> None:
    db = open(tmp_path / "held.db", "wb")

    async def go() -> list[str]:
        async with WorkerPool(1, fork=True) as pool:
            pool.start()
            pid = await pool.run(os.getpid)
            return [os.readlink(f"/proc/{pid}/fd/{fd}") for fd in os.listdir(f"/proc/{pid}/fd")]

    try:
        targets = asyncio.run(go())
    finally:
        db.close()
    assert not any("held.db" in t for t in targets)
    assert sum(t.startswith("pipe:") for t in targets) == 2


def _imported(name: str) -> bool:
    import sys

    return name in sys.modules


@pytest.mark.parametrize("fork", [True, False])
def test_task_runs_a_function_this_process_never_imported(fork: bool) -> None:
    """A Task names its function; the worker imports it. Forked workers preload modules."""
    import subprocess
    import sys

    code = (
        "import asyncio, sys\n"
        "from reader.core.workers import Task, WorkerPool\n"
        "async def go():\n"
        f"    pool = WorkerPool(1, fork={fork}, preload=('colorsys',))\n"
        "    try:\n"
        "        preloaded = await pool.run(Task('tests.core.test_workers', '_imported'),\n"
        "                                   'colorsys')\n"
        "        hsv = await pool.run(Task('colorsys', 'rgb_to_hsv'), 1.0, 0.0, 0.0)\n"
        "    finally:\n"
        "        pool.close()\n"
        "    print(hsv, preloaded, 'colorsys' in sys.modules)\n"
        "asyncio.run(go())\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    ).stdout.split()
    # the job ran; a forked worker had imported colorsys before its first job (a spawned
    # one imports it when a job needs it); the parent never imported it
    assert out == ["(0.0,", "1.0,", "1.0)", str(fork), "False"]


def test_refresh_process_never_imports_feedparser() -> None:
    """The event-loop process of a refresh leaves feedparser to the workers."""
    import subprocess
    import sys

    code = (
        "import sys, reader.cli, reader.core.service, reader.core.store\n"
        "print('feedparser' in sys.modules)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, timeout=60, check=True
    )
    assert out.stdout.strip() == "False"


def _echo_after(value: int, delay: float) -> tuple[int, int]:
    time.sleep(delay)
    return value, os.getpid()


def test_jobs_wait_in_the_pipe_and_come_back_to_their_callers() -> None:
    """Several jobs per worker are sent at once; each result reaches the job that asked."""

    async def go() -> None:
        async with WorkerPool(2) as pool:
            results = await asyncio.gather(*(pool.run(_echo_after, i, 0.01) for i in range(20)))
            assert [v for v, _ in results] == list(range(20))
            assert len({pid for _, pid in results}) == 2

    asyncio.run(go())


def test_job_queued_behind_an_overrun_runs_elsewhere() -> None:
    """A job waiting behind one that overruns never ran: it is not failed but run again."""

    async def go() -> None:
        async with WorkerPool(1) as pool:
            slow = asyncio.ensure_future(pool.run(time.sleep, 30, timeout=0.5))
            await asyncio.sleep(0.05)
            quick = asyncio.ensure_future(pool.run(_echo_after, 7, 0.0, timeout=5))
            with pytest.raises(JobTimeout):
                await slow
            value, pid = await asyncio.wait_for(quick, 10)
            assert value == 7 and pid != os.getpid()

    asyncio.run(go())


def test_cancelling_a_queued_job_keeps_its_worker() -> None:
    """A cancelled job that had not started costs nothing: the worker and its job go on."""

    async def go() -> None:
        async with WorkerPool(1) as pool:
            running = asyncio.ensure_future(pool.run(_echo_after, 1, 0.3))
            await asyncio.sleep(0.05)
            queued = asyncio.ensure_future(pool.run(_echo_after, 2, 0.0))
            await asyncio.sleep(0.05)
            queued.cancel()
            value, pid = await running
            assert value == 1
            assert (await pool.run(_echo_after, 3, 0.0)) == (3, pid)  # the same process

    asyncio.run(go())


def _die() -> None:
    os._exit(3)


def test_a_worker_that_dies_fails_its_job_only() -> None:
    async def go() -> None:
        async with WorkerPool(1) as pool:
            dying = asyncio.ensure_future(pool.run(_die))
            await asyncio.sleep(0.02)
            behind = asyncio.ensure_future(pool.run(_echo_after, 5, 0.0))
            with pytest.raises(JobFailed, match="died"):
                await dying
            assert (await asyncio.wait_for(behind, 10))[0] == 5

    asyncio.run(go())


# Frames bigger than a pipe's buffer (64 KiB) are written a part at a time while the worker is
# busy with the job before them: the cases below use 1 MB jobs queued behind a running one.
BIG = b"x" * 1_000_000


def test_big_job_queued_behind_an_overrun_runs_elsewhere() -> None:
    async def go() -> None:
        async with WorkerPool(1) as pool:
            slow = asyncio.ensure_future(pool.run(time.sleep, 30, timeout=0.5))
            await asyncio.sleep(0.05)
            big = asyncio.ensure_future(pool.run(len, BIG, timeout=5))
            with pytest.raises(JobTimeout):
                await slow
            assert await asyncio.wait_for(big, 10) == len(BIG)
            # the replacement worker's pipes work: another big job goes through
            assert await asyncio.wait_for(pool.run(len, BIG), 10) == len(BIG)

    asyncio.run(go())


def test_cancelling_a_big_job_while_it_is_sent_keeps_the_running_one() -> None:
    async def go() -> None:
        async with WorkerPool(1) as pool:
            running = asyncio.ensure_future(pool.run(_echo_after, 1, 0.3))
            await asyncio.sleep(0.05)
            big = asyncio.ensure_future(pool.run(len, BIG))
            await asyncio.sleep(0.02)
            big.cancel()
            assert (await asyncio.wait_for(running, 5))[0] == 1
            assert await asyncio.wait_for(pool.run(len, BIG), 10) == len(BIG)

    asyncio.run(go())


def _die_after(seconds: float) -> None:
    time.sleep(seconds)
    os._exit(3)


def test_big_job_sent_to_a_worker_that_dies_runs_elsewhere() -> None:
    async def go() -> None:
        async with WorkerPool(1) as pool:
            dying = asyncio.ensure_future(pool.run(_die_after, 0.3))
            await asyncio.sleep(0.05)
            big = asyncio.ensure_future(pool.run(len, BIG))
            with pytest.raises(JobFailed, match="died"):
                await asyncio.wait_for(dying, 5)
            assert await asyncio.wait_for(big, 10) == len(BIG)

    asyncio.run(go())


def test_close_while_a_big_job_is_sent_fails_both_callers_at_once() -> None:
    async def go() -> None:
        pool = WorkerPool(1)
        running = asyncio.ensure_future(pool.run(time.sleep, 30, timeout=60))
        await asyncio.sleep(0.05)
        big = asyncio.ensure_future(pool.run(len, BIG, timeout=60))
        await asyncio.sleep(0.02)
        start = time.monotonic()
        pool.close()
        for job in (running, big):
            with pytest.raises(JobFailed, match="closed"):
                await asyncio.wait_for(job, 3)
        assert time.monotonic() - start < 3

    asyncio.run(go())


_PARENT = os.getpid()


def _load_only_in_a_worker(value: int) -> int:
    if os.getpid() == _PARENT:
        raise ValueError("cannot be loaded here")
    return value


class _Unloadable:
    def __reduce__(self) -> tuple[object, tuple[int]]:
        return (_load_only_in_a_worker, (1,))


def _unloadable() -> _Unloadable:
    return _Unloadable()


def test_a_result_that_cannot_be_loaded_fails_its_own_job_only() -> None:
    async def go() -> None:
        async with WorkerPool(1) as pool:
            odd = asyncio.ensure_future(pool.run(_unloadable))
            await asyncio.sleep(0.01)
            behind = asyncio.ensure_future(pool.run(_echo_after, 2, 0.0))
            with pytest.raises(JobFailed, match="could not be loaded"):
                await asyncio.wait_for(odd, 5)
            assert (await asyncio.wait_for(behind, 5))[0] == 2

    asyncio.run(go())


def test_an_abandoned_queued_job_keeps_its_time_limit() -> None:
    """A cancelled job still runs when its turn comes: past its limit its worker is stopped,
    so the jobs after it do not wait for it."""

    async def go() -> None:
        async with WorkerPool(1) as pool:
            first = asyncio.ensure_future(pool.run(_echo_after, 1, 0.2, timeout=5))
            await asyncio.sleep(0.02)
            hostile = asyncio.ensure_future(pool.run(time.sleep, 60, timeout=0.5))
            await asyncio.sleep(0.02)
            hostile.cancel()
            assert (await first)[0] == 1
            start = time.monotonic()
            assert (await asyncio.wait_for(pool.run(_echo_after, 3, 0.0, timeout=5), 10))[0] == 3
            assert time.monotonic() - start < 3

    asyncio.run(go())


def test_an_abandoned_job_that_kills_its_worker_does_not_stall_the_pool() -> None:
    async def go() -> None:
        async with WorkerPool(1) as pool:
            first = asyncio.ensure_future(pool.run(_echo_after, 1, 0.2))
            await asyncio.sleep(0.02)
            doomed = asyncio.ensure_future(pool.run(_die_after, 0.1))
            await asyncio.sleep(0.02)
            doomed.cancel()
            assert (await first)[0] == 1
            await asyncio.sleep(0.3)  # it has run and taken its worker down
            assert (await asyncio.wait_for(pool.run(_echo_after, 4, 0.0), 5))[0] == 4

    asyncio.run(go())


def test_no_job_waits_behind_one_that_has_run_long() -> None:
    """With every worker busy, a new job waits for the first to free up rather than queueing
    behind a job that has already run past BUSY_LIMIT."""

    async def go() -> None:
        async with WorkerPool(2) as pool:
            slow = asyncio.ensure_future(pool.run(_echo_after, 1, 2.5))
            await asyncio.sleep(0.05)
            medium = asyncio.ensure_future(pool.run(_echo_after, 2, 1.0))
            await asyncio.sleep(WorkerPool.BUSY_LIMIT + 0.2)
            start = time.monotonic()
            value, pid = await pool.run(_echo_after, 3, 0.0)
            assert value == 3 and time.monotonic() - start < 1.5  # not after the 2.5 s job
            assert pid == (await medium)[1] != (await slow)[1]

    asyncio.run(go())


def test_an_answer_read_as_the_timer_fires_is_kept_and_the_next_job_spared() -> None:
    """The head's answer and its caller's timeout land in the same loop pass (the loop was
    busy): the answer is used, and the job the worker went on to is not failed for it."""

    async def go() -> None:
        async with WorkerPool(1) as pool:
            head = asyncio.ensure_future(pool.run(_echo_after, 1, 0.05, timeout=0.2))
            await asyncio.sleep(0)
            after = asyncio.ensure_future(pool.run(_echo_after, 2, 0.3, timeout=5))
            await asyncio.sleep(0.01)
            time.sleep(0.4)  # a long callback: the event loop is busy past the time limit
            assert (await head)[0] == 1
            assert (await after)[0] == 2

    asyncio.run(go())


def _record_and_die(path: str, seconds: float) -> None:
    with open(path, "a") as f:
        f.write("ran\n")
    time.sleep(seconds)
    os._exit(9)


def test_answers_in_the_pipe_of_a_worker_that_died_still_reach_their_callers(
    tmp_path,
) -> None:
    """Three jobs in one worker: the first answered (unread: the loop is busy), the second
    kills the worker while the third's big frame is being written. The first keeps its
    answer, the second fails once (it is not run again), the third runs elsewhere."""

    async def go() -> None:
        errors: list[object] = []
        asyncio.get_running_loop().set_exception_handler(
            lambda loop, context: errors.append(context.get("exception"))
        )
        marker = tmp_path / "ran"
        async with WorkerPool(1) as pool:
            await pool.run(os.getpid)  # the worker is up (a spawned one takes a while)
            first = asyncio.ensure_future(pool.run(_echo_after, 1, 0.0))
            killer = asyncio.ensure_future(pool.run(_record_and_die, str(marker), 0.2))
            big = asyncio.ensure_future(pool.run(len, b"x" * 20_000_000))
            await asyncio.sleep(0.02)
            time.sleep(0.5)  # busy: the first answer waits in the pipe while the worker dies
            assert (await asyncio.wait_for(first, 10))[0] == 1
            with pytest.raises(JobFailed, match="died"):
                await asyncio.wait_for(killer, 10)
            assert await asyncio.wait_for(big, 10) == 20_000_000
            assert marker.read_text() == "ran\n" and errors == []

    asyncio.run(go())


def test_jobs_requeued_behind_overruns_go_to_an_idle_worker() -> None:
    """Half of 80 jobs overrun their limit, in an order where, sent to busy workers again,
    some jobs were requeued until they failed: now every quick job runs and every slow one
    times out."""
    import random

    rng = random.Random(1)
    kinds = ["slow" if rng.random() < 0.5 else "quick" for _ in range(80)]

    async def go() -> None:
        async with WorkerPool(2) as pool:
            await asyncio.gather(pool.run(os.getpid), pool.run(os.getpid))

            async def one(kind: str) -> str:
                try:
                    if kind == "slow":
                        await pool.run(time.sleep, 30, timeout=0.3)
                    else:
                        await pool.run(_echo_after, 0, 0.02, timeout=5)
                    return "quick"
                except JobTimeout:
                    return "slow"

            assert await asyncio.gather(*(one(k) for k in kinds)) == kinds

    asyncio.run(go())
