"""The service side of the app: one background thread with its own event loop and Session.

A ``Session`` binds its HTTP client and worker processes to the loop that made them, so the
app keeps one such loop in a daemon thread and hands it coroutines. The UI loop only awaits
the returned futures (``asyncio.wrap_future``), so a refresh never blocks a keypress, and
the worker processes stay warm between an ``open`` and the next.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import threading
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from reader.core.service import Session, Settings
from reader.core.store import Store

T = TypeVar("T")


class Backend:
    """Runs service coroutines on a private event loop, against a private Store connection."""

    def __init__(self, db_path: Path, settings: Settings) -> None:
        self.db_path = db_path
        self.settings = settings
        self._loop = asyncio.new_event_loop()
        self._ready = threading.Event()
        self._session: Session | None = None
        self._thread = threading.Thread(target=self._run, name="newsreader-service", daemon=True)
        self._thread.start()
        self._ready.wait()

    def _run(self) -> None:
        asyncio.set_event_loop(self._loop)
        self._ready.set()
        self._loop.run_forever()

    def _get_session(self) -> Session:
        if self._session is None:
            self._session = Session(Store(self.db_path), self.settings)
        return self._session

    def submit(self, job: Callable[[Session], Awaitable[T]]) -> concurrent.futures.Future[T]:
        """Schedule ``job(session)`` on the service loop; cancel the future to cancel it."""

        async def run() -> T:
            return await job(self._get_session())

        return asyncio.run_coroutine_threadsafe(run(), self._loop)

    async def call(self, job: Callable[[Session], Awaitable[T]]) -> T:
        """Await ``job(session)`` from another event loop (the UI's)."""
        return await asyncio.wrap_future(self.submit(job))

    def close(self) -> None:
        """Close the session (client, worker processes) and stop the thread."""
        if not self._loop.is_running():
            return

        async def shutdown() -> None:
            tasks = [t for t in asyncio.all_tasks() if t is not asyncio.current_task()]
            for task in tasks:
                task.cancel()
            await asyncio.gather(*tasks, return_exceptions=True)
            if self._session is not None:
                await self._session.aclose()
                self._session.store.close()

        try:
            asyncio.run_coroutine_threadsafe(shutdown(), self._loop).result(timeout=10)
        except (concurrent.futures.TimeoutError, RuntimeError):
            pass
        self._loop.call_soon_threadsafe(self._loop.stop)
        self._thread.join(timeout=5)
