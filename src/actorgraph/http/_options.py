"""How `actorgraph serve` is set up: its options (workers, queue, memory, updates) and the update token."""

from __future__ import annotations

from dataclasses import dataclass, field

#: The environment variable holding the token that updates must present (never a flag: a token on
#: the command line is visible to every user of the machine).
UPDATE_TOKEN_ENV = "ACTORGRAPH_UPDATE_TOKEN"


@dataclass(frozen=True)
class ServerOptions:
    """How the endpoint behaves; the defaults are the safe ones.

    Parameters
    ----------
    timeout
        Seconds after which a query is stopped (its worker process killed); the client gets 503.
    max_rows
        Most result rows (or triples) sent for one query; a cut result carries the header
        ``X-ActorGraph-Truncated``.
    max_body
        Most bytes of a request body or query string; larger requests get 413.
    allow_update
        Accept SPARQL Update at ``/update`` (refused with 403 otherwise).
    allow_remote
        Allow ``SERVICE``, ``LOAD`` and ``FROM`` of outside graphs (refused by default).
    cors
        The origins whose pages may call the endpoint from a browser (``*`` for any, to read);
        no CORS headers are sent unless given. Pages from these origins, never from ``*``, may
        also send updates.
    query_memory
        Each query's memory budget in MiB (its worker's address space beyond the store's); past
        it the query is stopped with 507.
    workers
        Queries evaluated at once, in total; the others wait.
    client_workers
        Queries evaluated at once for one client address.
    queue
        Requests that may wait for a worker; past it, 503.
    allowed_hosts
        Host names (``name`` or ``name:port``, ``*`` for any) the server answers to beside IP
        addresses and ``localhost``; other ``Host`` headers get 421 (DNS rebinding).
    update_token
        When set, updates must carry it (``Authorization: Bearer TOKEN``, or as the password of
        HTTP Basic).
    """

    timeout: float = 30.0
    max_rows: int = 10_000
    max_body: int = 1_000_000
    allow_update: bool = False
    allow_remote: bool = False
    cors: str | tuple[str, ...] | None = None
    query_memory: int = 1024
    workers: int = 4
    client_workers: int = 2
    queue: int = 64
    allowed_hosts: tuple[str, ...] = ()
    update_token: str | None = field(default=None, repr=False)

    @property
    def cors_origins(self) -> tuple[str, ...]:
        """The ``cors`` origins as a tuple."""
        if self.cors is None:
            return ()
        return (self.cors,) if isinstance(self.cors, str) else tuple(self.cors)
