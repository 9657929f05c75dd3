"""Writing output files: one rule for every path actorgraph writes (``-o``, ``--report``, pages).

- A plain file (or a new one) is written atomically: into a temporary file beside it, then renamed
  over it, so a reader never sees half a file and a failed write leaves the old one. An existing file
  keeps its permission bits; a new one gets what a plain ``open()`` would give (the process's umask
  applies, read without changing it).
- A symbolic link is followed: the file it points to is written (atomically, by the same rule), and
  the link stays a link.
- A FIFO, a character device or a socket is written into directly, as a stream: renaming over it
  would replace it with a regular file and leave its reader with nothing.
- A directory, a missing folder, a folder that cannot be written, a full disk or a file-size limit
  is an :class:`OutputError` (exit code 2) that names the path and says what to do, never a traceback.
"""

from __future__ import annotations

import errno
import os
import secrets
import stat
from pathlib import Path

from actorgraph._errors import UsageError

__all__ = ["OutputError", "describe_os_error", "write_all", "write_file"]


class OutputError(UsageError):
    """An output path that cannot be written: a directory, a missing or read-only folder, a full disk."""


_ADVICE = {
    errno.ENOSPC: "the disk is full; free some space or write elsewhere",
    errno.EDQUOT: "the disk quota is used up; free some space or write elsewhere",
    errno.EFBIG: "the file is larger than this process may write (ulimit -f); raise the limit",
    errno.EACCES: "permission denied; choose a folder you can write to",
    errno.EPERM: "permission denied; choose a folder you can write to",
    errno.EROFS: "the file system is read-only; choose another folder",
    errno.EISDIR: "it is a directory; give a file name",
    errno.ENOTDIR: "a part of the path is not a directory",
    errno.ENOENT: "the folder does not exist; create it first",
    errno.EPIPE: "the reader closed it",
    errno.EBADF: "it is closed",
}


def describe_os_error(exc: OSError) -> str:
    """A short reason and what to do, for an operating-system error met while writing."""
    return _ADVICE.get(exc.errno or 0, exc.strerror or str(exc))


def write_file(path: str | os.PathLike[str], data: bytes | memoryview) -> Path:
    """Write ``data`` to ``path`` by the rules of this module and return the path written.

    Raises
    ------
    OutputError
        If the path cannot be written; the message names it and says what to do.

    Examples
    --------
    >>> import tempfile
    >>> folder = Path(tempfile.mkdtemp())
    >>> write_file(folder / "out.txt", b"hello\\n").read_bytes()
    b'hello\\n'
    """
    given = Path(path)
    target = given.resolve() if given.is_symlink() else given
    try:
        info = target.stat()
    except FileNotFoundError:
        info = None
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {describe_os_error(exc)}") from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {given}: it is a directory; give a file name")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _write_stream(given, target, data)
        return given
    folder = target.parent
    if not folder.is_dir():
        raise OutputError(
            f"cannot write {given}: the folder {folder} does not exist; create it first"
        )
    _write_replacing(given, target, data, None if info is None else stat.S_IMODE(info.st_mode))
    return given


def _write_stream(given: Path, target: Path, data: bytes | memoryview) -> None:
    """Write into a FIFO, device or socket as it is (O_APPEND is not used: a device has no end)."""
    try:
        fd = os.open(target, os.O_WRONLY)
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {describe_os_error(exc)}") from None
    try:
        write_all(fd, data)
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {describe_os_error(exc)}") from None
    finally:
        os.close(fd)


def _write_replacing(given: Path, target: Path, data: bytes | memoryview, mode: int | None) -> None:
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # 0o666 through the umask, as open() gives a new file, without reading the umask by
        # changing it (os.umask would change it for every thread of the process).
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as exc:
        raise OutputError(f"cannot write {given}: {describe_os_error(exc)}") from None
    try:
        try:
            write_all(fd, data)
            if mode is not None:
                os.fchmod(fd, mode)
        finally:
            os.close(fd)
        os.replace(tmp, target)
    except OSError as exc:
        tmp.unlink(missing_ok=True)
        raise OutputError(f"cannot write {given}: {describe_os_error(exc)}") from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def write_all(fd: int, data: bytes | memoryview) -> None:
    """Write every byte to a descriptor; a short write is retried, so a full disk raises."""
    view = memoryview(data)
    while view:
        written = os.write(fd, view)
        view = view[written:]
