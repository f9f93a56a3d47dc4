"""A small pool of worker processes for CPU-bound work, each job with a wall-clock limit.

Parsing, extraction and analysis hold the GIL, so they run in other processes to use every
core and keep the event loop (and the UI) responsive. Unlike ``ProcessPoolExecutor``, a job
that overruns its time limit is abandoned by killing its worker, which is then replaced: a
pathological page cannot stall a refresh (HOSTILE.md §3).
"""

from __future__ import annotations

import asyncio
import collections
import importlib
import json
import math
import os
import pickle
import signal
import struct
import subprocess
import sys
import threading
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO, Any

from reader.errors import ReaderError

_HEADER = struct.Struct("!Q")
MAX_FRAME = 512 * 1024 * 1024


class JobTimeout(ReaderError):
    """A job ran past its time limit and its worker was killed."""


class JobFailed(ReaderError):
    """A job raised in its worker; the message is the worker's error."""


@dataclass(frozen=True, slots=True)
class Task:
    """A function named by module and attribute, imported in the worker that runs it.

    Sending a function itself pickles a reference that the sender must have imported; a
    ``Task`` lets the parent hand out work from modules it never loads (feedparser, for one).
    """

    module: str
    name: str

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return getattr(importlib.import_module(self.module), self.name)(*args, **kwargs)


def write_frame(stream: IO[bytes], obj: object) -> None:
    """Send one pickled object, length-prefixed."""
    data = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(data)) + data)
    stream.flush()


def read_frame(stream: IO[bytes]) -> Any:
    """Receive one pickled object; EOFError when the other side is gone."""
    header = stream.read(_HEADER.size)
    if len(header) < _HEADER.size:
        raise EOFError("worker closed its pipe")
    (size,) = _HEADER.unpack(header)
    if size > MAX_FRAME:
        raise EOFError("worker sent an oversized frame")
    data = stream.read(size)
    if len(data) < size:
        raise EOFError("worker closed its pipe")
    return pickle.loads(data)


def worker_main() -> None:
    """Run jobs read from stdin, answering on the real stdout, until stdin closes."""
    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the frames
    sys.stdout = sys.stderr
    serve(inbox, outbox)


def serve(inbox: IO[bytes], outbox: IO[bytes]) -> None:
    """The worker loop: read a job, run it, send the result, until the inbox closes."""
    import logging

    logging.getLogger("readability").setLevel(logging.CRITICAL)
    while True:
        try:
            func, args, kwargs, limit = read_frame(inbox)
        except (EOFError, OSError, KeyboardInterrupt):
            return
        except Exception as exc:  # a job that cannot be unpickled here
            write_frame(outbox, ("error", f"the job could not be loaded: {exc}"))
            continue
        # The parent kills a worker that overruns; the alarm ends one whose parent died.
        signal.alarm(max(1, math.ceil(limit)) + 5)
        try:
            result: tuple[str, Any] = ("ok", func(*args, **kwargs))
        except ReaderError as exc:
            result = ("reader-error", (type(exc).__module__, type(exc).__name__, str(exc)))
        except Exception as exc:  # report, keep serving
            result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        finally:
            signal.alarm(0)
        try:
            write_frame(outbox, result)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            write_frame(outbox, ("error", f"result could not be sent back: {exc}"))


class _ForkedProcess:
    """The parts of ``Popen`` the pool uses, for a worker made with ``os.fork``."""

    def __init__(self, pid: int, stdin: IO[bytes], stdout: IO[bytes]) -> None:
        self.pid = pid
        self.stdin: IO[bytes] | None = stdin
        self.stdout: IO[bytes] | None = stdout
        self.returncode: int | None = None

    def kill(self) -> None:
        if self.returncode is None:
            os.kill(self.pid, signal.SIGKILL)

    def wait(self, timeout: float | None = None) -> int:
        deadline = None if timeout is None else time.monotonic() + timeout
        pause = 0.0005  # a worker whose pipe closed exits within a millisecond or two
        while self.returncode is None:
            pid, status = os.waitpid(self.pid, 0 if deadline is None else os.WNOHANG)
            if pid:
                self.returncode = os.waitstatus_to_exitcode(status)
                break
            if deadline is not None and time.monotonic() > deadline:
                raise subprocess.TimeoutExpired(str(self.pid), timeout or 0)
            time.sleep(pause)
            pause = min(pause * 2, 0.01)
        return self.returncode


def _fork_worker(preload: tuple[str, ...] = ()) -> _ForkedProcess:
    """A worker forked from this process: no interpreter start, modules already imported.

    ``preload`` names modules the worker imports before its first job (modules this process
    does not need), while the parent goes on. Only called while this process has a single
    thread, where fork is safe.
    """
    job_r, job_w = os.pipe()
    res_r, res_w = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        code = 0
        try:
            signal.signal(signal.SIGINT, signal.SIG_IGN)
            devnull = os.open(os.devnull, os.O_RDWR)
            for fd in (0, 1, 2):
                os.dup2(devnull, fd)
            # Keep only our two pipe ends: not the database, its lock, the event loop or
            # other workers' pipes (whose EOF must still reach them).
            low, high = sorted((job_r, res_w))
            os.closerange(3, low)
            os.closerange(low + 1, high)
            os.closerange(high + 1, _max_fd())
            for module in preload:
                try:
                    importlib.import_module(module)
                except Exception:  # the job that needs it will report why
                    continue
            serve(os.fdopen(job_r, "rb"), os.fdopen(res_w, "wb"))
        except BaseException:
            code = 1
        finally:
            os._exit(code)
    os.close(job_r)
    os.close(res_w)
    return _ForkedProcess(pid, os.fdopen(job_w, "wb"), os.fdopen(res_r, "rb"))


def _max_fd() -> int:
    try:
        return min(os.sysconf("SC_OPEN_MAX"), 1 << 20)
    except (OSError, ValueError):
        return 4096


def _close_stream(stream: IO[bytes] | None) -> None:
    """Close one end of a worker's pipe."""
    if stream is None or stream.closed:
        return
    try:
        stream.close()
    except OSError:
        pass


_SPAWN_CODE = (
    "import sys, json; sys.path[:] = json.loads(sys.argv[1]); "
    "from reader.core.workers import worker_main; worker_main()"
)


class _Requeue(Exception):
    """A job queued behind one that ended its worker: it never ran, so run it elsewhere."""


class _Job:
    """One job sent to a worker: started when the worker gets to it, then its result."""

    def __init__(self, loop: asyncio.AbstractEventLoop) -> None:
        self.started: asyncio.Future[None] = loop.create_future()
        self.result: asyncio.Future[tuple[str, Any]] = loop.create_future()
        self.written: asyncio.Future[None] = loop.create_future()
        self.started_at = 0.0

    def start(self) -> None:
        if not self.started.done():
            self.started_at = time.monotonic()
            self.started.set_result(None)

    def settle(self, result: tuple[str, Any]) -> None:
        if not self.result.done():
            self.result.set_result(result)

    def fail(self, exc: BaseException) -> None:
        for future in (self.started, self.result, self.written):
            if not future.done():
                future.set_exception(exc)
            if not future.cancelled():
                future.exception()  # retrieved: a job nobody awaits any more is no warning


class _Worker:
    def __init__(self, fork: bool = False, preload: tuple[str, ...] = ()) -> None:
        self.process: subprocess.Popen[bytes] | _ForkedProcess
        self._jobs: collections.deque[_Job] = collections.deque()
        self._outbox: collections.deque[tuple[bytes, _Job]] = collections.deque()
        self._writer: asyncio.Future[None] | None = None
        self._waiters: dict[int, asyncio.Future[None]] = {}
        self._reader: asyncio.Future[None] | None = None
        self.on_change: Callable[[], None] = lambda: None
        self.alive = True
        if fork:
            self.process = _fork_worker(preload)
            self._nonblocking()
            return
        # Isolated mode (-I): the current directory and PYTHONPATH are not searched, so a
        # file named like a module in the folder newsreader runs from is never imported.
        # The worker gets this process's module path instead (minus the current directory).
        path = [p for p in sys.path if p and p != "."]
        self.process = subprocess.Popen(
            [sys.executable, "-I", "-c", _SPAWN_CODE, json.dumps(path)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            close_fds=True,
        )

        self._nonblocking()

    def _nonblocking(self) -> None:
        assert self.process.stdin is not None and self.process.stdout is not None
        self.job_fd = self.process.stdin.fileno()
        self.result_fd = self.process.stdout.fileno()
        os.set_blocking(self.job_fd, False)
        os.set_blocking(self.result_fd, False)

    @property
    def reading(self) -> bool:
        """Its reader is still handing out answers (it may have died with some unread)."""
        return self._reader is not None

    @property
    def load(self) -> int:
        """Jobs sent to this worker whose results have not been read yet."""
        return len(self._jobs)

    def takes(self, depth: int, busy_limit: float) -> bool:
        """Room for one more job: fewer than ``depth`` unfinished, and none queued behind a
        job already running longer than ``busy_limit`` (a slow or hostile one: another
        worker will free up first)."""
        if not self._jobs:
            return True
        head = self._jobs[0]
        return len(self._jobs) < depth and time.monotonic() - head.started_at < busy_limit

    def submit(self, data: bytes) -> _Job:
        """Queue a pickled job behind any the worker has not finished; return its handle.

        The frame is written by this worker's writer task, so a caller cancelled meanwhile
        never leaves half a frame in the pipe.
        """
        handle = _Job(asyncio.get_running_loop())
        self._jobs.append(handle)
        if len(self._jobs) == 1:
            handle.start()
        self._outbox.append((_HEADER.pack(len(data)) + data, handle))
        if self._writer is None:
            self._writer = asyncio.ensure_future(self._write_frames())
        if self._reader is None:
            self._reader = asyncio.ensure_future(self._read_results())
        return handle

    async def _write_frames(self) -> None:
        try:
            while self._outbox:
                frame, handle = self._outbox[0]
                view = memoryview(frame)
                while view:
                    try:
                        view = view[os.write(self.job_fd, view) :]
                    except BlockingIOError:
                        await self._wait(self.job_fd, write=True)
                self._outbox.popleft()
                if not handle.written.done():
                    handle.written.set_result(None)
        except OSError:
            # The worker is gone (EPIPE): the reader reaches EOF and settles every job in
            # order, answers already in the pipe included; make sure it does reach EOF.
            self.alive = False
            self._outbox.clear()
            try:
                self.process.kill()
            except OSError:
                pass
        finally:
            self._writer = None

    async def _wait(self, fd: int, *, write: bool) -> None:
        loop = asyncio.get_running_loop()
        ready: asyncio.Future[None] = loop.create_future()

        def wake() -> None:
            if not ready.done():
                ready.set_result(None)

        (loop.add_writer if write else loop.add_reader)(fd, wake)
        self._waiters[fd] = ready
        try:
            await ready
        finally:
            if self._waiters.get(fd) is ready:
                del self._waiters[fd]
                (loop.remove_writer if write else loop.remove_reader)(fd)

    async def _read_results(self) -> None:
        """Hand each result to its job, in order; the next job starts as one ends."""
        try:
            while self._jobs:
                (size,) = _HEADER.unpack(await self._read(_HEADER.size))
                if size > MAX_FRAME:
                    raise EOFError("worker sent an oversized frame")
                frame = await self._read(size)
                try:
                    result = pickle.loads(frame)
                except (EOFError, pickle.UnpicklingError):
                    raise
                except Exception as exc:  # the frame was whole: the stream is still in step
                    result = ("error", f"the result could not be loaded: {exc!r}")
                if not self._jobs:  # already failed (the pool was closed)
                    break
                self._jobs.popleft().settle(result)
                if self._jobs:
                    self._jobs[0].start()
                self.on_change()
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            self.alive = False
            self.fail_all(
                JobFailed(f"worker process died: {exc or type(exc).__name__}"), head_ran=False
            )
        finally:
            self._reader = None

    def fail_all(self, head_error: BaseException, head_ran: bool = True) -> None:
        """Settle every unread job: the running one with ``head_error``; the ones that never
        ran (queued behind it, or, unless ``head_ran``, not even wholly sent) are sent
        elsewhere (``_Requeue``)."""
        jobs, self._jobs = self._jobs, collections.deque()
        for i, job in enumerate(jobs):
            ran = i == 0 and job.started.done() and (head_ran or job.written.done())
            job.fail(head_error if ran else _Requeue())
        self.on_change()

    async def _read(self, size: int) -> bytes:
        out = bytearray()
        while len(out) < size:
            try:
                chunk = os.read(self.result_fd, min(size - len(out), 1 << 20))
            except BlockingIOError:
                await self._wait(self.result_fd, write=False)
                continue
            if not chunk:
                raise EOFError("worker closed its pipe")
            out += chunk
        return bytes(out)

    def kill(self) -> None:
        self.alive = False
        for task in (self._reader, self._writer):
            if task is not None:
                task.cancel()
        self._outbox.clear()
        # Unregister the pipes before closing them: the loop would keep watching a closed
        # descriptor number, and whatever opens it next (a socket) would never be woken.
        for fd, ready in list(self._waiters.items()):
            loop = ready.get_loop()
            if not loop.is_closed():
                loop.remove_reader(fd)
                loop.remove_writer(fd)
                if not ready.done():
                    ready.set_exception(BrokenPipeError("worker stopped"))
        self._waiters.clear()
        try:
            self.process.kill()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            _close_stream(stream)


class WorkerPool:
    """``size`` worker processes (default: one per core); use ``await pool.run(...)``.

    Each worker is sent up to ``DEPTH`` jobs at a time: the next job waits in its pipe while
    the current one runs, so a worker starts it the moment it finishes instead of idling
    until the (often busy) event loop reads the result and sends more. A job's time limit
    counts from when its worker starts it.
    """

    DEPTH = 3
    BUSY_LIMIT = 0.5  # no job waits behind one running longer than this (most take ~5 ms)
    REQUEUES = 5  # a job that never ran because its worker stopped is sent again this often

    def __init__(
        self, size: int | None = None, *, fork: bool | None = None, preload: tuple[str, ...] = ()
    ) -> None:
        self.size = max(1, size or (os.cpu_count() or 1))
        self._fork = fork  # None: fork while single-threaded, else spawn
        self._preload = preload  # modules forked workers import before their first job
        self._changed: asyncio.Event | None = None  # set when a worker may take a job
        self._all: list[_Worker] = []
        self._missing = 0  # killed workers not yet replaced (replaced when next needed)
        self._closed = False

    @property
    def capacity(self) -> int:
        """How many jobs the workers hold at once (running or waiting in their pipes)."""
        return self.DEPTH * self.size

    def start(self) -> None:
        """Start the workers now: forked when this process has one thread, else spawned.

        Forking skips each worker's interpreter start (about 0.1 s of CPU each) and costs
        nothing while no job comes (a refresh where every feed answers 304); it is only safe
        before any thread exists, so a pool started later spawns.
        """
        if self._changed is not None:
            return
        self._changed = asyncio.Event()
        self._missing = self.size
        self._fill()

    def _fill(self) -> None:
        fork = hasattr(os, "fork") and threading.active_count() == 1
        if self._fork is not None:
            fork = fork and self._fork
        while self._missing > 0 and not self._closed:
            worker = _Worker(fork=fork, preload=self._preload)
            worker.on_change = self._wake
            self._missing -= 1
            self._all.append(worker)

    def _wake(self) -> None:
        if self._changed is not None:
            self._changed.set()

    async def _worker(self, idle: bool = False) -> _Worker:
        """The least busy worker with room for a job, waiting for one if need be; with
        ``idle``, only a worker with nothing to do (a requeued job waits behind nobody)."""
        assert self._changed is not None
        while True:
            if self._closed:
                raise JobFailed("the worker pool was closed")
            # A dead worker's reader first hands out the answers still in its pipe, in order;
            # then the worker is retired (and replaced below).
            for dead in [w for w in self._all if not w.alive and not w.reading]:
                self._retire(dead)
            if self._missing:
                self._fill()
            free = [
                w
                for w in self._all
                if w.alive and (not w.load if idle else w.takes(self.DEPTH, self.BUSY_LIMIT))
            ]
            if free:
                return min(free, key=lambda w: w.load)
            self._changed.clear()
            await self._changed.wait()

    async def run(
        self, func: Callable[..., Any], *args: Any, timeout: float = 10.0, **kwargs: Any
    ) -> Any:
        """Run ``func(*args, **kwargs)`` in a worker; raise JobTimeout past ``timeout``."""
        if self._closed:
            raise JobFailed("the worker pool is closed")
        self.start()
        data = pickle.dumps((func, args, kwargs, timeout), protocol=pickle.HIGHEST_PROTOCOL)
        for attempt in range(self.REQUEUES + 1):
            if attempt == self.REQUEUES:
                raise JobFailed("the job's workers kept stopping before it could run")
            worker = await self._worker(idle=attempt > 0)
            job = worker.submit(data)
            try:
                await asyncio.shield(job.started)
                try:
                    status, payload = await asyncio.wait_for(asyncio.shield(job.result), timeout)
                except TimeoutError:
                    if not job.result.done():
                        self._retire(worker)
                        raise JobTimeout(f"gave up after {timeout:g} s") from None
                    # The answer was read in the same pass as the timer fired: the worker
                    # has gone on to the next job, which must not be failed for this one.
                    status, payload = job.result.result()
            except _Requeue:
                continue  # never ran (queued behind a job that ended its worker, or unsent)
            except asyncio.CancelledError:
                if not job.started.done():
                    # Still queued: it runs when its turn comes, its result unread, but
                    # within its time limit like any job, or the jobs behind it would wait.
                    self._expire_abandoned(worker, job, timeout)
                elif not job.result.done():
                    self._retire(worker)  # running: its worker is stopped
                raise
            except JobFailed:
                self._retire(worker)
                raise
            break
        if status == "ok":
            return payload
        if status == "reader-error":
            module, name, message = payload
            raise _rebuild_error(module, name, message)
        raise JobFailed(str(payload).splitlines()[0] if payload else "job failed")

    def _expire_abandoned(self, worker: _Worker, job: _Job, timeout: float) -> None:
        """Stop ``worker`` if ``job`` (whose caller is gone) runs past ``timeout``."""
        loop = asyncio.get_running_loop()

        def overrun() -> None:
            if not job.result.done():
                self._retire(worker)

        def started(future: asyncio.Future[None]) -> None:
            if not future.cancelled() and future.exception() is None:
                loop.call_later(timeout, overrun)

        job.started.add_done_callback(started)

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker whose job overran or was cancelled, or that died; jobs queued
        behind that one go to other workers. It is replaced when next needed."""
        if worker in self._all:
            self._all.remove(worker)
            self._missing += 1
        worker.kill()
        worker.fail_all(JobFailed("the job's worker was stopped"))

    def close(self) -> None:
        """Stop every worker; jobs still running fail with JobFailed."""
        self._closed = True
        busy = [w for w in self._all if w.load]  # killed: nobody waits for their jobs now
        for worker in self._all:
            worker.fail_all(JobFailed("the worker pool was closed"))
        self._wake()
        for worker in busy:
            worker.kill()
        idle = [w for w in self._all if w not in busy]
        for worker in idle:  # every idle worker sees EOF first, so they exit together
            _close_stream(worker.process.stdin)
        for worker in idle:
            try:
                worker.process.wait(timeout=1)
            except (OSError, subprocess.TimeoutExpired):
                pass
            worker.kill()
        self._all.clear()

    async def __aenter__(self) -> WorkerPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


def _rebuild_error(module: str, name: str, message: str) -> ReaderError:
    import importlib

    try:
        cls = getattr(importlib.import_module(module), name)
        if isinstance(cls, type) and issubclass(cls, ReaderError):
            return cls(message)
    except (ImportError, AttributeError):
        pass
    return ReaderError(message)
