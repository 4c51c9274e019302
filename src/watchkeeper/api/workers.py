"""The live workers of the service, by role (the plug-in points in one place), and the process model.

``watchkeeper serve`` runs every role in one process by default (in-process bus, or NATS when
``WATCHKEEPER_BUS_URL`` is set), or some of them (``--role ingest|tracker|alerts|api``, repeatable)
connected by NATS JetStream; a split without a NATS bus URL is refused (``check_split``). Each role is one
OS process, restartable on its own; the processes share only the bus and the store:

- ``ingest``: the listeners (``api/listeners.py``: ``--ais-udp``, ``--ais-tcp``, ``--radar-udp``,
  ``--radar-tcp``) and the demo feed: sensors → input log → picture, position history → ``obs.*``,
  ``picture.update``. It owns the input logs of its data directory (one ingest process per data
  directory); at start it republishes what its input log holds beyond its publish watermark.
- ``tracker``: ``tracking.worker``: ``obs.>`` → track history, ``track.update``, ``picture.update``.
- ``alerts``: ``alerts.worker``: ``track.update`` → alerts, incidents, ``alert.*``, ``incident.*``.
- ``api``: HTTP and the WebSocket (``api/app.py``): ``picture.update`` → the page; without the ingest
  role in its process it folds ``obs.ais`` into its own live picture (the page's vessels).

A worker is a coroutine ``run(runtime)`` started as a background task of the runtime when its role is
on. The stateful ones (tracker, alerts) subscribe with a durable name and a ``bus.Resume``: their state
is checkpointed in the store with the stream sequence it covers (``store/checkpoints.py``), and a
restarted worker restores it and resumes after that sequence. A worker whose handler fails ends the
process (exit status 1) so that its supervisor restarts it from the checkpoint (crash-only).
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from watchkeeper.core.errors import ConfigError

ROLES = ("ingest", "tracker", "alerts", "api")

# (role, module): the module exposes ``async def run(runtime) -> None``
WORKER_MODULES: tuple[tuple[str, str], ...] = (
    ("tracker", "watchkeeper.tracking.worker"),
    ("alerts", "watchkeeper.alerts.worker"),
)


def parse_roles(names: Iterable[str]) -> frozenset[str]:
    """The roles asked for (every role when none); ``ConfigError`` for an unknown one."""
    roles = frozenset(n.strip().lower() for n in names if n.strip())
    unknown = roles - set(ROLES)
    if unknown:
        raise ConfigError(f"unknown roles {sorted(unknown)}: the roles are {', '.join(ROLES)}")
    return roles or frozenset(ROLES)


def check_split(roles: frozenset[str], bus_url: str | None) -> None:
    """A process running only some roles must reach the others through NATS."""
    if roles != frozenset(ROLES) and not (bus_url or "").startswith(("nats://", "tls://")):
        raise ConfigError(
            f"--role {' --role '.join(sorted(roles))}: the other roles run in other processes, "
            "which only a NATS bus connects: set WATCHKEEPER_BUS_URL=nats://host:port "
            "(or run every role in one process: no --role)"
        )


def workers_for(roles: frozenset[str]) -> list[tuple[str, Callable[[Any], Awaitable[None]]]]:
    """(name, run) of every worker whose role is in ``roles``."""
    out = []
    for role, module_name in WORKER_MODULES:
        if role in roles:
            module = importlib.import_module(module_name)
            out.append((module_name.rsplit(".", 2)[-2], module.run))
    return out
