"""The endpoint's query host: one process that owns the store, and a killable worker per query.

``actorgraph serve`` answers HTTP in one process (uvicorn's event loop and thread pool) and keeps
the store in another, the *host*, started with ``spawn`` (a fresh interpreter: nothing inherited
from the threaded server). The host is single-threaded; for each query it forks a worker, which is
safe there as it would not be in the server (a fork copies only the forking thread, so a lock held
by any other thread stays held forever in the child). On an on-disk store the host still has
RocksDB's background threads, so a worker may yet inherit one of their locks held: it reads the
store once before it takes its request, and the server has the host fork another if it has not
within ``START_GRACE_S`` (as :func:`actorgraph.sparql._runner.run_local` does). The host sends the
server a pidfd for each worker as it forks it, so the server can kill exactly that process (on a
timeout, when the client goes away, or when it does not start) with no risk of hitting a reused
process id. The worker

- limits its own address space (``RLIMIT_AS``) to what the host had plus the query's budget, so a
  query that sorts billions of solutions fails its allocation and dies instead of growing the
  machine by gigabytes;
- arms ``SIGALRM`` at its deadline, so it stops even if the server is gone;
- reads its request from, and writes its reply to, a socket of its own, straight to the server.

Updates (``--allow-update``) are applied by the host itself, between forks, so every later worker
sees them; the host is the only process that holds the store open.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import pickle
import resource
import signal
import socket
from collections.abc import Mapping, Sequence
from contextlib import suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from actorgraph._errors import ActorGraphError, QueryError, QueryMemoryError
from actorgraph.sparql._guard import check_query
from actorgraph.sparql._parameters import check_params, param_terms
from actorgraph.sparql._results import QueryResult
from actorgraph.sparql._runner import (
    START_ATTEMPTS,
    START_GRACE_S,
    dataset_of,
    evaluate_reply,
    not_started_error,
    probe_store,
    result_of_reply,
    timeout_error,
)

__all__ = ["QueryHost"]

_MIB = 1024 * 1024
# A worker that never receives its request (the server died between the two) stops after this.
_REQUEST_WAIT_S = 60


@dataclass(frozen=True)
class _HostConfig:
    store: str | None
    data: tuple[str, ...]
    writable: bool
    memory_mib: int


class QueryHost:
    """The server's handle on its query host process (see the module's docstring).

    Parameters
    ----------
    store, data
        What :func:`actorgraph.load` opens in the host (``None``: the bundled data in memory).
    writable
        Open the store for writing (``--allow-update``); read-only otherwise, when it can be.
    memory_mib
        Each query's memory budget in MiB, above what the host itself uses.
    """

    def __init__(
        self,
        store: str | os.PathLike[str] | None = None,
        *,
        data: Sequence[str | os.PathLike[str]] = (),
        writable: bool = False,
        memory_mib: int = 1024,
    ) -> None:
        self.memory_mib = memory_mib
        config = _HostConfig(
            None if store is None else str(store), tuple(str(d) for d in data), writable, memory_mib
        )
        # SOCK_SEQPACKET keeps each one-byte order and the socket passed with it together.
        self._control, theirs = socket.socketpair(socket.AF_UNIX, socket.SOCK_SEQPACKET)
        context = multiprocessing.get_context("spawn")
        self._process = context.Process(
            target=_host_main, args=(theirs, config), name="actorgraph-query-host", daemon=True
        )
        self._process.start()
        theirs.close()
        status, payload = pickle.loads(_recv_all_blocking(self._control))
        if status != "ready":
            self.close()
            exit_code, message = payload
            error = ActorGraphError(message)
            error.exit_code = exit_code  # the CLI exits as it would have had it opened the store
            raise error

    @property
    def pid(self) -> int | None:
        """The host's process id (its children are the query workers)."""
        return self._process.pid

    def close(self) -> None:
        """Stop the host (its running workers stop at their deadlines, or now if killed)."""
        with suppress(OSError):
            self._control.close()
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
            self._process.join()

    # ----------------------------------------------------------------------------------------

    def _channel(self, order: bytes) -> socket.socket:
        ours, theirs = socket.socketpair()
        try:
            socket.send_fds(self._control, [order], [theirs.fileno()])
        except OSError:
            ours.close()
            raise QueryError(
                "the server's query process has stopped; restart `actorgraph serve`"
            ) from None
        finally:
            theirs.close()
        ours.setblocking(False)
        return ours

    async def query(
        self,
        text: str,
        *,
        params: Mapping[str, object] | None = None,
        timeout: float,
        limit: int | None = None,
        allow_remote: bool = False,
        default_graph: Sequence[str] | None = None,
        named_graphs: Sequence[str] | None = None,
    ) -> QueryResult:
        """Run a query in a fresh worker; kill it at ``timeout`` or when this task is cancelled.

        Raises :class:`QueryTimeout` at the deadline, :class:`QueryMemoryError` when the worker
        died of its memory limit, :class:`QueryError` for a bad query.
        """
        check_query(text, allow_remote=allow_remote)
        check_params(text, params)
        param_terms(params)  # a bad parameter is reported before a worker is started
        request = pickle.dumps(
            (text, dict(params or {}), limit, timeout, default_graph, named_graphs)
        )
        loop = asyncio.get_running_loop()
        channel, pidfd = await self._started_worker(loop)
        finished = False
        try:
            async with asyncio.timeout(timeout):
                await loop.sock_sendall(channel, request)
                channel.shutdown(socket.SHUT_WR)
                reply = await _recv_to_eof(loop, channel)
                finished = True
        except TimeoutError:
            raise timeout_error(timeout) from None
        finally:
            channel.close()
            if not finished:
                await _kill(loop, pidfd)
            os.close(pidfd)
        if not reply:
            raise QueryMemoryError(
                f"the query was stopped at its memory limit of {self.memory_mib} MiB "
                "(--query-memory); narrow it (LIMIT, more specific patterns, no ORDER BY over "
                "everything) or raise the limit"
            )
        return result_of_reply(pickle.loads(reply))

    async def _started_worker(self, loop: asyncio.AbstractEventLoop) -> tuple[socket.socket, int]:
        """A worker that has read the store once: its channel and a pidfd of it. One that has not
        within ``START_GRACE_S`` is killed and another forked (see the module's text)."""
        for _ in range(START_ATTEMPTS):
            channel = self._channel(b"Q")
            start = _Start()
            try:
                async with asyncio.timeout(START_GRACE_S):
                    await _await_start(loop, channel, start)
            except TimeoutError:
                pass
            finally:
                if not start.done:
                    channel.close()
                    if start.pidfd is not None:
                        await _kill(loop, start.pidfd)
                        os.close(start.pidfd)
            if start.done and start.pidfd is not None:
                return channel, start.pidfd
        raise not_started_error(START_ATTEMPTS)

    async def update(self, text: str) -> None:
        """Apply a SPARQL Update in the host (the guard has already checked it)."""
        await self._ask(b"U", text)

    async def graphs(self) -> list[str]:
        """The IRIs of the store's named graphs."""
        graphs: list[str] = await self._ask(b"G", "")
        return graphs

    async def _ask(self, order: bytes, text: str) -> Any:
        loop = asyncio.get_running_loop()
        channel = self._channel(order)
        try:
            await loop.sock_sendall(channel, text.encode("utf-8"))
            channel.shutdown(socket.SHUT_WR)
            reply = await _recv_to_eof(loop, channel)
        finally:
            channel.close()
        if not reply:
            raise QueryError("the server's query process has stopped; restart `actorgraph serve`")
        status, payload = pickle.loads(reply)
        if status == "query-error":
            raise QueryError(payload)
        return payload


# --------------------------------------------------------------------------------------------
# The server's side of a channel


async def _readable(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> None:
    future: asyncio.Future[None] = loop.create_future()

    def ready() -> None:
        if not future.done():
            future.set_result(None)

    loop.add_reader(sock.fileno(), ready)
    try:
        await future
    finally:
        loop.remove_reader(sock.fileno())


async def _kill(loop: asyncio.AbstractEventLoop, pidfd: int) -> None:
    """Kill a worker and wait until it has gone (a pidfd turns readable when its process exits)."""
    with suppress(ProcessLookupError):
        signal.pidfd_send_signal(pidfd, signal.SIGKILL)
    future: asyncio.Future[None] = loop.create_future()

    def gone() -> None:
        if not future.done():
            future.set_result(None)

    loop.add_reader(pidfd, gone)
    try:
        with suppress(TimeoutError):
            await asyncio.wait_for(asyncio.shield(future), 5)
    finally:
        loop.remove_reader(pidfd)


@dataclass
class _Start:
    """What the server has heard of a worker's start: the host's pidfd of it, its first read."""

    pidfd: int | None = None
    read: bool = False

    @property
    def done(self) -> bool:
        return self.pidfd is not None and self.read


async def _await_start(loop: asyncio.AbstractEventLoop, sock: socket.socket, start: _Start) -> None:
    """Read a worker's two start messages into ``start``, in whichever order they come: the host's
    ``P`` with a pidfd of the worker, and the worker's ``S`` once it has read the store. Returns
    early if the channel closes (the worker ended before either)."""
    while not start.done:
        await _readable(loop, sock)
        try:
            message, fds, _, _ = socket.recv_fds(sock, 1, 1)
        except BlockingIOError:
            continue
        if message == b"P" and len(fds) == 1 and start.pidfd is None:
            start.pidfd = fds[0]
        elif message == b"S" and not fds:
            start.read = True
        else:
            for fd in fds:
                os.close(fd)
            return


async def _recv_to_eof(loop: asyncio.AbstractEventLoop, sock: socket.socket) -> bytes:
    chunks = []
    while chunk := await loop.sock_recv(sock, 1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _recv_all_blocking(sock: socket.socket) -> bytes:
    message = sock.recv(1 << 20)
    if not message:
        return pickle.dumps(("failed", (1, "the query process exited while opening the store")))
    return message


# --------------------------------------------------------------------------------------------
# The host process


def _host_main(control: socket.socket, config: _HostConfig) -> None:
    from actorgraph.store._open import load, load_for_reading  # noqa: PLC0415 - in the host only

    # The host never waits for its workers: the kernel reaps them, and the server holds pidfds.
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)
    # Ctrl-C reaches the whole process group; the server stops the host by closing the control
    # socket, after its last request.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        opener = load if config.writable else load_for_reading
        store_path = Path(config.store) if config.store is not None else None
        graph = opener(store=store_path, data=config.data)
    except Exception as exc:
        exit_code = exc.exit_code if isinstance(exc, ActorGraphError) else 1
        control.send(pickle.dumps(("failed", (exit_code, str(exc) or type(exc).__name__))))
        return
    control.send(pickle.dumps(("ready", None)))
    store = graph.store
    try:
        while True:
            try:
                order, fds, _, _ = socket.recv_fds(control, 1, 1)
            except (ConnectionError, OSError):
                break
            if not order:
                break
            if len(fds) != 1:
                continue
            channel = socket.socket(fileno=fds[0])
            if order == b"Q":
                pid = os.fork()
                if pid == 0:
                    control.close()
                    _worker_main(channel, store, config.memory_mib)  # never returns
                _send_pidfd(channel, pid)
                channel.close()
            elif order == b"U":
                _answer(channel, _apply_update, store)
            elif order == b"G":
                _answer(channel, _named_graphs, store)
            else:
                channel.close()
    finally:
        graph.close()


def _send_pidfd(channel: socket.socket, pid: int) -> None:
    """Send the server a pidfd of the worker ``pid``, just forked. The worker cannot have ended
    normally yet (it waits for a request the server sends only after this); one that crashed at
    once has been reaped (``SIGCHLD`` is ignored) and gets none, and the server sees its channel
    close."""
    try:
        pidfd = os.pidfd_open(pid)
    except ProcessLookupError:
        return
    try:
        socket.send_fds(channel, [b"P"], [pidfd])
    except OSError:
        pass  # the server gave up on this request
    finally:
        os.close(pidfd)


def _answer(channel: socket.socket, action: Any, store: Any) -> None:
    try:
        channel.settimeout(_REQUEST_WAIT_S)
        text = _read_request(channel).decode("utf-8")
        try:
            reply: tuple[str, Any] = ("ok", action(store, text))
        except QueryError as exc:
            reply = ("query-error", str(exc))
        channel.sendall(pickle.dumps(reply))
    except OSError:
        pass  # the server gave up on this request
    finally:
        channel.close()


def _apply_update(store: Any, text: str) -> None:
    from actorgraph.vocab._namespaces import PREFIXES  # noqa: PLC0415

    try:
        store.update(text, prefixes=PREFIXES)
    except SyntaxError as exc:
        raise QueryError(f"SPARQL Update syntax error: {exc}") from None
    except (OSError, RuntimeError) as exc:
        raise QueryError(f"the update failed: {exc}") from None


def _named_graphs(store: Any, _text: str) -> list[str]:
    return sorted(g.value for g in store.named_graphs() if hasattr(g, "value"))


def _read_request(channel: socket.socket) -> bytes:
    chunks = []
    while chunk := channel.recv(1 << 20):
        chunks.append(chunk)
    return b"".join(chunks)


def _limit_memory(budget_mib: int) -> None:
    """Cap this process's address space at what it maps now plus ``budget_mib``."""
    pages = int(Path("/proc/self/statm").read_text().split()[0])
    mapped = pages * os.sysconf("SC_PAGE_SIZE")
    limit = mapped + budget_mib * _MIB
    _, hard = resource.getrlimit(resource.RLIMIT_AS)
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))


def _worker_main(channel: socket.socket, store: Any, memory_mib: int) -> None:
    """A forked query worker: read the store once and say so, read the request, answer, exit."""
    status = 0
    try:
        signal.signal(signal.SIGCHLD, signal.SIG_DFL)
        # Default action of SIGALRM: the process ends, even inside Oxigraph's Rust code.
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(_REQUEST_WAIT_S)
        probe_store(store)
        channel.sendall(b"S")
        request = _read_request(channel)
        if not request:
            return
        text, params, limit, timeout, default_graph, named_graphs = pickle.loads(request)
        signal.setitimer(signal.ITIMER_REAL, timeout + 1)
        try:
            subs = dict(param_terms(params))
            dataset = dataset_of(default_graph, named_graphs)
        except QueryError as exc:
            reply: tuple[str, Any] = ("query-error", (str(exc), exc.line, exc.column))
        except Exception as exc:
            reply = ("error", f"{type(exc).__name__}: {exc}")
        else:
            _limit_memory(memory_mib)
            reply = evaluate_reply(store, text, subs, limit, dataset)
        channel.sendall(pickle.dumps(reply))
    except BaseException:
        status = 1
    finally:
        os._exit(status)
