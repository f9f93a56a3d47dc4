"""SIGHUP (the terminal closed) and SIGTERM end the reader cleanly: ``--demo`` removes its
temporary folder and the terminal leaves the alternate screen. Killed outright, the demo once
left a /tmp/newsreader-demo-* folder behind every time."""

from __future__ import annotations

import fcntl
import os
import pty
import select
import signal
import struct
import sys
import termios
import time
from pathlib import Path

import pytest

import reader

LEAVE_ALT_SCREEN = b"\x1b[?1049l"


def run_demo_and_signal(tmp_path: Path, signum: int) -> tuple[int, bytes, list[Path]]:
    """Start ``newsreader --demo`` in a pty, wait for its screen, send ``signum``."""
    temp = tmp_path / "tmp"
    temp.mkdir()
    script = Path(sys.executable).parent / "newsreader"
    tree = str(Path(reader.__file__).resolve().parent.parent)
    env = dict(
        os.environ,
        TERM="xterm-256color",
        TMPDIR=str(temp),
        NEWSREADER_CONFIG=str(tmp_path / "c.toml"),
        NEWSREADER_DB=str(tmp_path / "unused.db"),
        PYTHONPATH=tree,  # this tree, not whatever the venv's editable install points at
    )
    pid, fd = pty.fork()
    if pid == 0:  # the child
        os.execve(str(script), [str(script), "--demo"], env)
    fcntl.ioctl(fd, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    output = bytearray()
    status: int | None = None
    signalled = False
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            ready, _, _ = select.select([fd], [], [], 0.1)
            if ready:
                try:
                    chunk = os.read(fd, 65536)
                except OSError:  # the child closed the terminal
                    break
                if not chunk:
                    break
                output += chunk
            if not signalled and b"Open" in output and list(temp.glob("newsreader-demo-*")):
                time.sleep(0.5)
                os.kill(pid, signum)
                signalled = True
                deadline = time.monotonic() + 10
        deadline = time.monotonic() + 10
        while status is None and time.monotonic() < deadline:
            done, code = os.waitpid(pid, os.WNOHANG)
            if done:
                status = code
            else:
                time.sleep(0.05)
    finally:
        if status is None:
            os.kill(pid, signal.SIGKILL)
            os.waitpid(pid, 0)
        os.close(fd)
    assert status is not None, "the reader did not end"
    assert signalled, bytes(output[-500:])
    return status, bytes(output), list(temp.glob("newsreader-demo-*"))


@pytest.mark.skipif(sys.platform == "win32", reason="needs a pty and POSIX signals")
@pytest.mark.parametrize("signum", [signal.SIGHUP, signal.SIGTERM])
def test_a_signal_ends_the_demo_cleanly(tmp_path, signum) -> None:
    status, output, left = run_demo_and_signal(tmp_path, signum)
    assert left == []
    assert os.WIFEXITED(status), f"killed by signal {os.WTERMSIG(status)}"
    assert os.WEXITSTATUS(status) == 128 + signum
    assert output.rfind(LEAVE_ALT_SCREEN) > output.rfind(b"Open")
