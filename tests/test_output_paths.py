"""Every output path follows one rule, tested by doing what a user's shell does: symlinks are
written through, FIFOs streamed into, a file keeps its mode, and a full disk, a closed stdout, a
directory or a missing or read-only folder is a clear error with a non-zero exit, never a success
and never a traceback (issue 20, items 9-11)."""

from __future__ import annotations

import os
import resource
import stat
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from actorgraph._files import OutputError, write_file

pytestmark = pytest.mark.slow


def _run(
    *args: str,
    cwd: Path,
    limit: int | None = None,
    stdout: object = subprocess.PIPE,
    close_stdout: bool = False,
) -> subprocess.CompletedProcess[str]:
    def child() -> None:
        if limit is not None:
            resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
        if close_stdout:
            os.close(1)

    return subprocess.run(
        [sys.executable, "-m", "actorgraph.cli", *args],
        cwd=cwd,
        stdout=stdout,
        stderr=subprocess.PIPE,
        text=True,
        check=False,
        preexec_fn=child,
        timeout=300,
    )


# -- the writer itself --------------------------------------------------------------------------


def test_a_symlink_is_written_through_and_stays_a_link(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_bytes(b"old")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    write_file(link, b"new")
    assert link.is_symlink()
    assert target.read_bytes() == b"new"


def test_a_fifo_is_streamed_into_not_replaced(tmp_path: Path) -> None:
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    write_file(fifo, b"through the pipe")
    reader.join(timeout=30)
    assert received == [b"through the pipe"]
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_an_existing_file_keeps_its_mode(tmp_path: Path) -> None:
    private = tmp_path / "private.txt"
    private.write_bytes(b"old")
    private.chmod(0o600)
    write_file(private, b"new")
    assert stat.S_IMODE(private.stat().st_mode) == 0o600
    assert private.read_bytes() == b"new"


def test_a_new_file_gets_the_umask_mode_without_changing_the_umask(tmp_path: Path) -> None:
    before = os.umask(0o027)
    try:
        write_file(tmp_path / "new.txt", b"x")
        assert os.umask(0o027) == 0o027  # the writer left the process's umask alone
    finally:
        os.umask(before)
    assert stat.S_IMODE((tmp_path / "new.txt").stat().st_mode) == 0o640


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        pytest.param(lambda p: p.mkdir(), "is a directory", id="directory"),
        pytest.param(lambda p: None, "does not exist", id="missing-folder"),
    ],
)
def test_paths_that_cannot_be_files_are_output_errors(
    tmp_path: Path, make: object, expected: str
) -> None:
    path = tmp_path / "out"
    if expected == "does not exist":
        path = tmp_path / "missing" / "out.txt"
    else:
        make(path)  # type: ignore[operator]
    with pytest.raises(OutputError, match=expected):
        write_file(path, b"x")


# -- the command line, as a shell runs it ------------------------------------------------------


def test_export_to_a_symlink_and_a_fifo(tmp_path: Path) -> None:
    target = tmp_path / "graph.nt"
    link = tmp_path / "link.nt"
    link.symlink_to(target)
    result = _run("export", "--format", "nt", "-o", str(link), cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert link.is_symlink() and target.stat().st_size > 1000

    fifo = tmp_path / "pipe.nt"
    os.mkfifo(fifo)
    received: list[bytes] = []
    reader = threading.Thread(target=lambda: received.append(fifo.read_bytes()))
    reader.start()
    result = _run("export", "--format", "nt", "-o", str(fifo), cwd=tmp_path)
    reader.join(timeout=60)
    assert result.returncode == 0, result.stderr
    assert received and received[0] == target.read_bytes()
    assert stat.S_ISFIFO(fifo.stat().st_mode)


def test_a_full_disk_on_stdout_is_an_error_not_a_success(tmp_path: Path) -> None:
    out = tmp_path / "e.nt"
    with out.open("wb") as handle:
        result = _run("export", "--format", "nt", cwd=tmp_path, limit=1024, stdout=handle)
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "ulimit" in result.stderr
    assert "Traceback" not in result.stderr and "bug" not in result.stderr


@pytest.mark.parametrize("fmt", ["csv", "tsv"])
def test_a_full_disk_under_query_results_is_an_error(tmp_path: Path, fmt: str) -> None:
    out = tmp_path / f"r.{fmt}"
    query = "SELECT ?s ?p ?o WHERE { ?s ?p ?o }"
    with out.open("wb") as handle:
        result = _run("query", query, "--format", fmt, cwd=tmp_path, limit=1024, stdout=handle)
    assert result.returncode == 2, result.stderr
    assert "cannot write" in result.stderr


def test_a_full_disk_with_o_keeps_the_old_file(tmp_path: Path) -> None:
    page = tmp_path / "page.html"
    page.write_text("old page", encoding="utf-8")
    result = _run("viz", "-o", str(page), cwd=tmp_path, limit=4096)
    assert result.returncode == 2
    assert "cannot write" in result.stderr and "Traceback" not in result.stderr
    assert page.read_text(encoding="utf-8") == "old page"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["page.html"]


def test_a_closed_stdout_is_an_error(tmp_path: Path) -> None:
    result = _run("export", "--format", "nt", cwd=tmp_path, close_stdout=True)
    assert result.returncode == 2
    assert "standard output is closed" in result.stderr


@pytest.mark.parametrize(
    "argv",
    [
        pytest.param(["export", "--format", "nt", "-o", "{ro}/out.nt"], id="export-read-only"),
        pytest.param(["viz", "-o", "{dir}"], id="viz-directory"),
        pytest.param(
            ["export", "--format", "graphml", "-o", "{missing}/g.graphml"], id="network-missing"
        ),
    ],
)
def test_user_errors_on_output_paths_are_not_reported_as_bugs(
    tmp_path: Path, argv: list[str]
) -> None:
    read_only = tmp_path / "ro"
    read_only.mkdir()
    read_only.chmod(0o555)
    # Root writes into a 0555 folder; an immutable folder (chattr +i) it cannot write either.
    immutable = os.geteuid() == 0
    if immutable:
        subprocess.run(["chattr", "+i", str(read_only)], check=True)
    folder = tmp_path / "a-folder"
    folder.mkdir()
    names = {"ro": str(read_only), "dir": str(folder), "missing": str(tmp_path / "missing")}
    try:
        result = _run(*[a.format(**names) for a in argv], cwd=tmp_path)
    finally:
        if immutable:
            subprocess.run(["chattr", "-i", str(read_only)], check=True)
    assert result.returncode == 2, result.stderr
    assert "cannot write" in result.stderr
    assert "bug" not in result.stderr and "Traceback" not in result.stderr
