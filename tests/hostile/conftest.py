"""Fixtures for the hostile-input tests: bombs built once, a loopback server serving every
hostile case of HOSTILE.md, and helpers that measure memory in a separate process."""

from __future__ import annotations

import asyncio
import json
import os
import struct
import subprocess
import sys
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from reader.core.fetch import Fetcher, FetchLimits, FetchResult, make_client
from tests.conftest import REPO, LoopbackServer, Route
from tests.feeds import rss

GIB = 1 << 30
MIB = 1 << 20


def _zero_bomb(wbits: int, size: int = GIB) -> bytes:
    """A valid zlib/gzip stream of ``size`` zero bytes, about 1 KB per MiB.

    Each 1 MiB block ends in a full flush, so every block after the first compresses to the
    same bytes: we compress two blocks and repeat the second, then write the real trailer.
    """
    blocks = size // MIB
    zero = bytes(MIB)
    comp = zlib.compressobj(9, zlib.DEFLATED, wbits)
    first = comp.compress(zero) + comp.flush(zlib.Z_FULL_FLUSH)
    block = comp.compress(zero) + comp.flush(zlib.Z_FULL_FLUSH)
    final_block = b"\x03\x00"  # an empty final fixed-Huffman block
    body = first + block * (blocks - 1) + final_block
    if wbits > 16:  # gzip trailer: CRC-32 and size mod 2**32
        crc = 0
        for _ in range(blocks):
            crc = zlib.crc32(zero, crc)
        return body + struct.pack("<II", crc, size & 0xFFFFFFFF)
    adler = 1
    for _ in range(blocks):
        adler = zlib.adler32(zero, adler)
    return body + struct.pack(">I", adler)


@dataclass(frozen=True)
class Bombs:
    gzip: bytes  # 1 GiB of zeros, gzip (~1 MB)
    gzip_gzip: bytes  # the gzip bomb gzipped again (~2 KB on the wire)
    deflate: bytes  # 1 GiB of zeros, zlib-wrapped deflate (~1 MB)


@pytest.fixture(scope="session")
def bombs() -> Bombs:
    gz = _zero_bomb(16 + zlib.MAX_WBITS)
    outer = zlib.compressobj(9, zlib.DEFLATED, 16 + zlib.MAX_WBITS)
    gzgz = outer.compress(gz) + outer.flush()
    return Bombs(gzip=gz, gzip_gzip=gzgz, deflate=_zero_bomb(zlib.MAX_WBITS))


def endless(limit: int = 300 * MIB, chunk: int = 64 * 1024) -> Callable[[Any], None]:
    """A body that streams zeros (no Content-Length) until ``limit`` or the client leaves."""

    def write(wfile: Any) -> None:
        block = bytes(chunk)
        sent = 0
        while sent < limit:
            wfile.write(block)
            sent += chunk

    return write


def drip(total: int = 12, interval: float = 1.0) -> Callable[[Any], None]:
    """A body that sends one byte per ``interval`` seconds."""

    def write(wfile: Any) -> None:
        for _ in range(total):
            wfile.write(b"<")
            wfile.flush()
            time.sleep(interval)

    return write


GOOD_FEED = rss(
    [
        {"title": "Good item", "link": "http://127.0.0.1:9/x", "guid": "good-1"},
    ],
    title="Good feed",
)


def install_hostile_routes(server: LoopbackServer, bombs: Bombs) -> dict[str, str]:
    """Register every network-level hostile case; return name -> URL."""
    urls: dict[str, str] = {}
    xml = "application/rss+xml"
    urls["ok"] = server.add("/ok", GOOD_FEED)
    urls["gzip"] = server.add("/bomb/gzip", bombs.gzip, xml, Content_Encoding="gzip")
    urls["gzip_gzip"] = server.add(
        "/bomb/gzip-gzip", bombs.gzip_gzip, xml, Content_Encoding="gzip, gzip"
    )
    # brotli/zstandard are not installed here: the body is a gzip bomb labelled br/zstd,
    # which is what matters: we must refuse by header, never try to decode.
    urls["br"] = server.add("/bomb/br", bombs.gzip_gzip, xml, Content_Encoding="br")
    urls["zstd"] = server.add("/bomb/zstd", bombs.gzip_gzip, xml, Content_Encoding="zstd")
    urls["deflate"] = server.add("/bomb/deflate", bombs.deflate, xml, Content_Encoding="deflate")
    urls["endless"] = server.add("/endless", endless(), xml)
    server.routes["/huge-length"] = Route(
        200, {"Content-Type": xml, "Content-Length": str(10**12)}, endless(limit=64 * MIB)
    )
    urls["huge_length"] = server.url("/huge-length")
    server.routes["/short-body"] = Route(
        200, {"Content-Type": xml, "Content-Length": "100000"}, lambda w: w.write(b"<rss>")
    )
    urls["short_body"] = server.url("/short-body")
    server.routes["/long-body"] = Route(
        200, {"Content-Type": xml, "Content-Length": str(len(GOOD_FEED))}, endless(limit=32 * MIB)
    )
    urls["long_body"] = server.url("/long-body")
    urls["drip"] = server.add("/drip", drip(), xml)
    urls["loop"] = server.add("/loop", b"", status=302, Location="/loop2")
    server.add("/loop2", b"", status=302, Location="/loop")
    urls["to_file"] = server.add("/to-file", b"", status=302, Location="file:///etc/passwd")
    urls["to_ftp"] = server.add("/to-ftp", b"", status=301, Location="ftp://127.0.0.1/feed")
    urls["to_js"] = server.add("/to-js", b"", status=302, Location="javascript:alert(1)")
    for i in range(30):
        server.add(f"/chain/{i}", b"", status=302, Location=f"/chain/{i + 1}")
    urls["chain"] = server.url("/chain/0")
    return urls


@pytest.fixture(scope="session")
def _shared_server() -> Iterator[LoopbackServer]:
    srv = LoopbackServer()
    yield srv
    srv.close()


@pytest.fixture
def server(_shared_server: LoopbackServer) -> Iterator[LoopbackServer]:
    """The loopback server, shared by the session (a shutdown costs 0.5 s), emptied per test."""
    _shared_server.routes.clear()
    _shared_server.requests.clear()
    yield _shared_server
    _shared_server.routes.clear()


@pytest.fixture
def hostile(server: LoopbackServer, bombs: Bombs) -> Iterator[dict[str, str]]:
    yield install_hostile_routes(server, bombs)


def fetch(url: str, *, deadline: float = 10.0, max_bytes: int | None = None) -> FetchResult:
    """One ``Fetcher.get`` in-process, with a fresh client."""

    async def go() -> FetchResult:
        limits = FetchLimits(deadline=deadline, max_retries=0)
        async with make_client(limits) as client:
            return await Fetcher(client, limits).get(url, max_bytes=max_bytes)

    return asyncio.run(go())


_MEASURE = r"""
import asyncio, json, resource, sys
from reader.core.fetch import Fetcher, FetchLimits, make_client

def rss_kib():
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss

async def main(warm, url, deadline):
    limits = FetchLimits(deadline=deadline, max_retries=0)
    async with make_client(limits) as client:
        fetcher = Fetcher(client, limits)
        await fetcher.get(warm)  # imports and the connection pool are paid before measuring
        before = rss_kib()
        try:
            result = await fetcher.get(url)
            out = {"error": None, "message": "", "bytes": len(result.body)}
        except Exception as exc:
            out = {"error": type(exc).__name__, "message": str(exc), "bytes": 0}
        out["growth_kib"] = rss_kib() - before
    print(json.dumps(out))

asyncio.run(main(sys.argv[1], sys.argv[2], float(sys.argv[3])))
"""


def fetch_measured(warm_url: str, url: str, deadline: float = 20.0) -> dict[str, Any]:
    """Fetch ``url`` in a fresh process; return the error and the ru_maxrss growth in KiB."""
    env = dict(os.environ, PYTHONPATH=str(REPO))
    proc = subprocess.run(
        [sys.executable, "-c", _MEASURE, warm_url, url, str(deadline)],
        capture_output=True,
        text=True,
        timeout=deadline + 30,
        env=env,
    )
    assert proc.returncode == 0, proc.stderr
    result: dict[str, Any] = json.loads(proc.stdout.strip().splitlines()[-1])
    return result


def run_in_worker(func: Callable[..., Any], *args: Any, timeout: float) -> Any:
    """Run ``func`` in a real worker process with a time limit (JobTimeout past it)."""
    from reader.core.workers import WorkerPool

    async def go() -> Any:
        async with WorkerPool(1) as pool:
            return await pool.run(func, *args, timeout=timeout)

    return asyncio.run(go())


def write_feed_file(path: Path, title: str) -> Path:
    path.write_bytes(rss([{"title": title, "guid": "secret-1"}], title=title))
    return path
