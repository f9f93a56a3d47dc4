"""A small pool of worker processes for CPU-bound work, each job with a wall-clock limit.

Parsing, extraction and analysis hold the GIL, so they run in other processes to use every
core and keep the event loop (and the UI) responsive. Unlike ``ProcessPoolExecutor``, a job
that overruns its time limit is abandoned by killing its worker, which is then replaced: a
pathological page cannot stall a refresh (HOSTILE.md §3).
"""

from __future__ import annotations

import asyncio
import os
import pickle
import struct
import subprocess
import sys
import traceback
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import IO, Any

from reader.errors import ReaderError

_HEADER = struct.Struct("!Q")
MAX_FRAME = 512 * 1024 * 1024


class JobTimeout(ReaderError):
    """A job ran past its time limit and its worker was killed."""


class JobFailed(ReaderError):
    """A job raised in its worker; the message is the worker's error."""


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
    import logging

    logging.getLogger("readability").setLevel(logging.CRITICAL)
    inbox = sys.stdin.buffer
    outbox = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # stray prints from libraries must not corrupt the frames
    sys.stdout = sys.stderr
    while True:
        try:
            func, args, kwargs = read_frame(inbox)
        except (EOFError, OSError, KeyboardInterrupt):
            return
        except Exception as exc:  # a job that cannot be unpickled here
            write_frame(outbox, ("error", f"the job could not be loaded: {exc}"))
            continue
        try:
            result: tuple[str, Any] = ("ok", func(*args, **kwargs))
        except ReaderError as exc:
            result = ("reader-error", (type(exc).__module__, type(exc).__name__, str(exc)))
        except Exception as exc:  # report, keep serving
            result = ("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc(limit=3)}")
        try:
            write_frame(outbox, result)
        except (pickle.PicklingError, TypeError, AttributeError) as exc:
            write_frame(outbox, ("error", f"result could not be sent back: {exc}"))


class _Worker:
    def __init__(self) -> None:
        env = dict(os.environ)
        root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH")) if p)
        self.process = subprocess.Popen(
            [sys.executable, "-c", "from reader.core.workers import worker_main; worker_main()"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
            close_fds=True,
        )

    def call(self, job: tuple[Any, ...]) -> Any:
        assert self.process.stdin is not None and self.process.stdout is not None
        write_frame(self.process.stdin, job)
        return read_frame(self.process.stdout)

    def kill(self) -> None:
        try:
            self.process.kill()
            self.process.wait(timeout=2)
        except (OSError, subprocess.TimeoutExpired):
            pass
        for stream in (self.process.stdin, self.process.stdout):
            try:
                if stream:
                    stream.close()
            except OSError:
                pass


class WorkerPool:
    """``size`` worker processes (default: one per core); use ``await pool.run(...)``."""

    def __init__(self, size: int | None = None) -> None:
        self.size = max(1, size or os.cpu_count() or 1)
        self._idle: asyncio.Queue[_Worker] | None = None
        self._all: list[_Worker] = []
        self._threads = ThreadPoolExecutor(self.size, thread_name_prefix="newsreader-worker")
        self._closed = False

    async def _ensure(self) -> asyncio.Queue[_Worker]:
        if self._idle is None:
            self._idle = asyncio.Queue()
            for _ in range(self.size):
                worker = _Worker()
                self._all.append(worker)
                self._idle.put_nowait(worker)
        return self._idle

    async def run(
        self, func: Callable[..., Any], *args: Any, timeout: float = 10.0, **kwargs: Any
    ) -> Any:
        """Run ``func(*args, **kwargs)`` in a worker; raise JobTimeout past ``timeout``."""
        if self._closed:
            raise RuntimeError("the worker pool is closed")
        idle = await self._ensure()
        worker = await idle.get()
        loop = asyncio.get_running_loop()
        healthy = False
        try:
            call = loop.run_in_executor(self._threads, worker.call, (func, args, kwargs))
            try:
                status, payload = await asyncio.wait_for(asyncio.shield(call), timeout)
            except (TimeoutError, asyncio.CancelledError):
                call.add_done_callback(_consume)
                worker.kill()  # unblocks the reading thread
                raise
            healthy = True
        except TimeoutError:
            raise JobTimeout(f"gave up after {timeout:g} s") from None
        except (EOFError, OSError, pickle.UnpicklingError) as exc:
            raise JobFailed(f"worker process died: {exc or type(exc).__name__}") from None
        finally:
            if healthy and not self._closed:
                idle.put_nowait(worker)
            else:
                self._replace(worker)
        if status == "ok":
            return payload
        if status == "reader-error":
            module, name, message = payload
            raise _rebuild_error(module, name, message)
        raise JobFailed(str(payload).splitlines()[0] if payload else "job failed")

    def _replace(self, worker: _Worker) -> None:
        worker.kill()
        if worker in self._all:
            self._all.remove(worker)
        if self._closed or self._idle is None:
            return
        fresh = _Worker()
        self._all.append(fresh)
        self._idle.put_nowait(fresh)

    def close(self) -> None:
        """Stop every worker."""
        self._closed = True
        for worker in self._all:
            try:
                if worker.process.stdin:
                    worker.process.stdin.close()
                worker.process.wait(timeout=1)
            except (OSError, subprocess.TimeoutExpired):
                pass
            worker.kill()
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)

    async def __aenter__(self) -> WorkerPool:
        return self

    async def __aexit__(self, *exc: object) -> None:
        self.close()


def _consume(future: asyncio.Future[Any]) -> None:
    """Retrieve an abandoned call's exception so asyncio does not log it."""
    if not future.cancelled():
        future.exception()


def _rebuild_error(module: str, name: str, message: str) -> ReaderError:
    import importlib

    try:
        cls = getattr(importlib.import_module(module), name)
        if isinstance(cls, type) and issubclass(cls, ReaderError):
            return cls(message)
    except (ImportError, AttributeError):
        pass
    return ReaderError(message)
