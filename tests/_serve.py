"""A real ``actorgraph serve`` process on a free loopback port, for the server tests."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx


def free_port() -> int:
    """A loopback port nothing listens on now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class Server:
    """A running ``actorgraph serve`` process, started with ``flags``; ``stop()`` returns its stderr."""

    def __init__(self, *flags: str, start_timeout: float = 90) -> None:
        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.sparql = f"{self.base}/sparql"
        self.update = f"{self.base}/update"
        self.process = subprocess.Popen(
            [sys.executable, "-m", "actorgraph.cli", "serve", "--port", str(self.port), *flags],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"actorgraph serve exited: {self.process.communicate()[1]}")
            try:
                httpx.get(self.sparql, timeout=2)
                return
            except httpx.TransportError:
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"actorgraph serve did not start within {start_timeout:g} s")

    def children(self) -> list[int]:
        """Process ids of the server's query workers.

        The server keeps its store in a query host process, which forks one worker per query: the
        workers are the children of the server's children.
        """
        return [pid for child in _children(self.process.pid) for pid in _children(child)]

    def stop(self) -> str:
        """Stop the server; return what it wrote to stderr."""
        self.process.terminate()
        try:
            _, err = self.process.communicate(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            _, err = self.process.communicate()
        return err


def _children(pid: int) -> list[int]:
    pids: list[int] = []
    try:
        for task in Path(f"/proc/{pid}/task").iterdir():
            pids += [int(child) for child in (task / "children").read_text().split()]
    except OSError:
        pass  # the process has gone
    return pids
