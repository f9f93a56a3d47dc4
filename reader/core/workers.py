"""A small pool of worker processes for CPU-bound work, each job with a wall-clock limit.

Parsing, extraction and analysis hold the GIL, so they run in other processes to use every
core and keep the event loop (and the UI) responsive. Unlike ``ProcessPoolExecutor``, a job
that overruns its time limit is abandoned by killing its worker, which is then replaced: a
pathological page cannot stall a refresh (HOSTILE.md §3).
"""

from __future__ import annotations

import asyncio
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


class _Worker:
    def __init__(self, fork: bool = False, preload: tuple[str, ...] = ()) -> None:
        self.process: subprocess.Popen[bytes] | _ForkedProcess
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

    async def call(self, job: tuple[Any, ...]) -> Any:
        """Send a job and read its result on the event loop itself.

        No thread hands the pipe over: a thread would need the GIL back from the busy loop
        (up to the 5 ms switch interval) twice per job, and the worker would idle meanwhile.
        """
        data = pickle.dumps(job, protocol=pickle.HIGHEST_PROTOCOL)
        view = memoryview(_HEADER.pack(len(data)) + data)
        while view:
            try:
                view = view[os.write(self.job_fd, view) :]
            except BlockingIOError:
                await _ready(self.job_fd, write=True)
        (size,) = _HEADER.unpack(await self._read(_HEADER.size))
        if size > MAX_FRAME:
            raise EOFError("worker sent an oversized frame")
        return pickle.loads(await self._read(size))

    async def _read(self, size: int) -> bytes:
        out = bytearray()
        while len(out) < size:
            try:
                chunk = os.read(self.result_fd, min(size - len(out), 1 << 20))
            except BlockingIOError:
                await _ready(self.result_fd, write=False)
                continue
            if not chunk:
                raise EOFError("worker closed its pipe")
            out += chunk
        return bytes(out)

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            _close_stream(stream)


class WorkerPool:
    """``size`` worker processes (default: one per core); use ``await pool.run(...)``."""

    def __init__(
        self, size: int | None = None, *, fork: bool | None = None, preload: tuple[str, ...] = ()
    ) -> None:
        self.size = max(1, size or (os.cpu_count() or 1))
        self._fork = fork  # None: fork while single-threaded, else spawn
        self._preload = preload  # modules forked workers import before their first job
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._missing = 0  # killed workers not yet replaced (replaced when next needed)
        self._calls: set[asyncio.Future[Any]] = set()
        self._closed = False

    def start(self) -> None:
        """Start the workers now: forked when this process has one thread, else spawned.

        Forking skips each worker's interpreter start (about 0.1 s of CPU each) and costs
        nothing while no job comes (a refresh where every feed answers 304); it is only safe
        before any thread exists, so a pool started later spawns.
        """
        if self._idle is not None:
            return
        self._idle = asyncio.Queue()
        self._missing = self.size
        self._fill()

    def _fill(self) -> None:
        assert self._idle is not None
        fork = hasattr(os, "fork") and threading.active_count() == 1
        if self._fork is not None:
            fork = fork and self._fork
        while self._missing > 0 and not self._closed:
            worker = _Worker(fork=fork, preload=self._preload)
            self._missing -= 1
            self._all.append(worker)
            self._idle.put_nowait(worker)

    async def run(
        self, func: Callable[..., Any], *args: Any, timeout: float = 10.0, **kwargs: Any
    ) -> Any:
        """Run ``func(*args, **kwargs)`` in a worker; raise JobTimeout past ``timeout``."""
        if self._closed:
            raise JobFailed("the worker pool is closed")
        self.start()
        assert self._idle is not None
        if self._missing and self._idle.empty():
            self._fill()
        worker = await self._idle.get()
        call = asyncio.ensure_future(worker.call((func, args, kwargs, timeout)))
        self._calls.add(call)
        healthy = False
        try:
            status, payload = await asyncio.wait_for(call, timeout)
            healthy = True
        except TimeoutError:
            raise JobTimeout(f"gave up after {timeout:g} s") from None
        except asyncio.CancelledError:
            if self._closed and call.cancelled():
                raise JobFailed("the worker pool was closed") from None
            raise
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise JobFailed(f"worker process died: {exc or type(exc).__name__}") from None
        finally:
            self._calls.discard(call)
            if healthy and not self._closed:
                self._idle.put_nowait(worker)
            else:
                self._retire(worker)
        if status == "ok":
            return payload
        if status == "reader-error":
            module, name, message = payload
            raise _rebuild_error(module, name, message)
        raise JobFailed(str(payload).splitlines()[0] if payload else "job failed")

    def _retire(self, worker: _Worker) -> None:
        """Kill a worker whose job overran, failed or was cancelled; replace it when needed."""
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)
            self._missing += 1

    def close(self) -> None:
        """Stop every worker; jobs still running fail with JobFailed."""
        self._closed = True
        for call in list(self._calls):
            call.cancel()
        for worker in self._all:  # every worker sees EOF first, so they exit together
            _close_stream(worker.process.stdin)
        for worker in self._all:
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


async def _ready(fd: int, *, write: bool) -> None:
    """Wait until ``fd`` can be written (or read) without blocking."""
    loop = asyncio.get_running_loop()
    ready: asyncio.Future[None] = loop.create_future()

    def wake() -> None:
        if not ready.done():
            ready.set_result(None)

    if write:
        loop.add_writer(fd, wake)
    else:
        loop.add_reader(fd, wake)
    try:
        await ready
    finally:
        if write:
            loop.remove_writer(fd)
        else:
            loop.remove_reader(fd)


def _rebuild_error(module: str, name: str, message: str) -> ReaderError:
    import importlib

    try:
        cls = getattr(importlib.import_module(module), name)
        if isinstance(cls, type) and issubclass(cls, ReaderError):
            return cls(message)
    except (ImportError, AttributeError):
        pass
    return ReaderError(message)
