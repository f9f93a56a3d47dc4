"""Shared fixtures: a loopback HTTP server, a temporary database, the real command."""

from __future__ import annotations

import http.server
import os
import shutil
import subprocess
import sys
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = REPO.parent / "shared"

Body = bytes | Callable[[Any], None]


@dataclass
class Route:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: Body = b""


@dataclass
class Request:
    path: str
    headers: dict[str, str]


class LoopbackServer:
    """A threaded HTTP server on 127.0.0.1 serving ``routes``; records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, Route | Callable[[Request], Route]] = {}
        self.requests: list[Request] = []
        server = self

        class Handler(http.server.BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: object) -> None:
                pass

            def do_GET(self) -> None:
                req = Request(self.path, {k.lower(): v for k, v in self.headers.items()})
                server.requests.append(req)
                route = server.routes.get(self.path)
                if callable(route):
                    route = route(req)
                if route is None:
                    route = Route(404, {"Content-Type": "text/plain"}, b"not found")
                try:
                    self.send_response(route.status)
                    for key, value in route.headers.items():
                        self.send_header(key, value)
                    if callable(route.body):
                        self.send_header("Connection", "close")
                        self.end_headers()
                        route.body(self.wfile)
                        self.close_connection = True
                    else:
                        self.send_header("Content-Length", str(len(route.body)))
                        self.end_headers()
                        self.wfile.write(route.body)
                except (BrokenPipeError, ConnectionResetError):
                    self.close_connection = True

        self.httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.port = self.httpd.server_address[1]
        self.base = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)
        self.thread.start()

    def url(self, path: str) -> str:
        return self.base + path

    def add(
        self,
        path: str,
        body: Body,
        content_type: str = "application/rss+xml",
        status: int = 200,
        **headers: str,
    ) -> str:
        hdrs = {"Content-Type": content_type}
        hdrs.update({k.replace("_", "-"): v for k, v in headers.items()})
        self.routes[path] = Route(status, hdrs, body)
        return self.url(path)

    def hits(self, path: str) -> list[Request]:
        return [r for r in self.requests if r.path == path]

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "news.db"


def newsreader_command() -> list[str]:
    """The installed ``newsreader`` script beside this Python, else ``python -m reader.cli``."""
    script = Path(sys.executable).parent / "newsreader"
    if script.exists():
        return [str(script)]
    found = shutil.which("newsreader")
    return [found] if found else [sys.executable, "-m", "reader.cli"]


@dataclass
class Result:
    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(db_path: Path, tmp_path: Path) -> Callable[..., Result]:
    """Run the real command on the temporary database."""

    def run(*args: str, timeout: float = 120, env: dict[str, str] | None = None) -> Result:
        full_env = dict(os.environ)
        full_env["NEWSREADER_DB"] = str(db_path)
        full_env["NEWSREADER_CONFIG"] = str(tmp_path / "config.toml")
        full_env.pop("NO_COLOR", None)
        if env:
            full_env.update(env)
        proc = subprocess.run(
            [*newsreader_command(), *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=full_env,
            cwd=tmp_path,
            stdin=subprocess.DEVNULL,
        )
        return Result(proc.returncode, proc.stdout, proc.stderr)

    return run
