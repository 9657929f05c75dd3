"""A real OpenLink Virtuoso server (Debian's ``virtuoso-opensource``) in a temporary directory, for
the server tests and ``benchmarks/bench_servers.py``.

The database, its logs and its ini file live in the directory given; the ini is Debian's
``/etc/virtuoso-opensource-7/virtuoso.ini`` with the database paths moved there and the SQL and
HTTP ports moved to free loopback ports. A fresh database has the account ``dba`` with password
``dba``.
"""

from __future__ import annotations

import re
import shutil
import subprocess
import time
from pathlib import Path

import httpx

from _serve import free_port

#: Where Debian's package puts the server's default configuration.
DEBIAN_INI = Path("/etc/virtuoso-opensource-7/virtuoso.ini")
#: How to get the server on Debian or Ubuntu.
INSTALL = "apt-get install -y virtuoso-opensource"
USER = PASSWORD = "dba"


def missing() -> str | None:
    """Why Virtuoso cannot be started here, or ``None`` when it can."""
    if shutil.which("virtuoso-t") is None:
        return f"the Virtuoso server (virtuoso-t) is not installed: {INSTALL}"
    if not DEBIAN_INI.is_file():
        return f"Virtuoso's default configuration {DEBIAN_INI} is missing: {INSTALL}"
    return None


def _ini(folder: Path, sql_port: int, http_port: int) -> str:
    text = DEBIAN_INI.read_text(encoding="utf-8")
    changes = [
        (r"/var/lib/virtuoso-opensource-7/db", str(folder)),
        # The [Parameters] port (SQL) comes first in the file, then the [HTTPServer] one.
        (r"(?m)^(ServerPort\s*=\s*)1111\b", rf"\g<1>127.0.0.1:{sql_port}"),
        (r"(?m)^(ServerPort\s*=\s*)8890\b", rf"\g<1>127.0.0.1:{http_port}"),
        (r"(?m)^(DefaultHost\s*=\s*)localhost:8890\b", rf"\g<1>127.0.0.1:{http_port}"),
        # The folder of the database may be read by the bulk loader (ld_dir).
        (r"(?m)^(DirsAllowed\s*=\s*)", rf"\g<1>{folder}, "),
    ]
    for pattern, replacement in changes:
        text, count = re.subn(pattern, replacement, text)
        if not count:
            raise RuntimeError(f"{DEBIAN_INI} has no {pattern!r}: has Debian's ini changed?")
    return text


class Virtuoso:
    """A ``virtuoso-t`` process with its database in ``folder``, answering on ``self.base``
    (``/sparql``, ``/sparql-auth``, ``/sparql-graph-crud``, ``/sparql-graph-crud-auth``)."""

    def __init__(self, folder: Path, *, start_timeout: float = 240) -> None:
        reason = missing()
        if reason is not None:
            raise RuntimeError(reason)
        folder.mkdir(parents=True, exist_ok=True)
        self.folder = folder
        self.sql_port, self.http_port = free_port(), free_port()
        self.base = f"http://127.0.0.1:{self.http_port}"
        self.ini = folder / "virtuoso.ini"
        self.ini.write_text(_ini(folder, self.sql_port, self.http_port), encoding="utf-8")
        self.process = subprocess.Popen(
            ["virtuoso-t", "+foreground", "+configfile", str(self.ini)],
            cwd=folder,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + start_timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"virtuoso-t exited: {self.log()[-2000:]}")
            try:
                reply = httpx.get(f"{self.base}/sparql", params={"query": "ASK {}"}, timeout=5)
                if reply.status_code == 200:
                    return
            except httpx.TransportError:
                pass
            time.sleep(0.5)
        self.stop()
        raise RuntimeError(
            f"virtuoso-t did not answer within {start_timeout:g} s: {self.log()[-2000:]}"
        )

    def log(self) -> str:
        """The server's log so far."""
        path = self.folder / "virtuoso.log"
        return path.read_text(encoding="utf-8", errors="replace") if path.is_file() else ""

    def stop(self) -> None:
        """Stop the server (it checkpoints on the way out)."""
        self.process.terminate()
        try:
            self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
