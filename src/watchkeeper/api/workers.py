"""The live workers of the service, by role (the plug-in points in one place).

``watchkeeper serve`` runs every role in one process by default, or some of them
(``--role ingest|tracker|alerts|api``) connected by NATS; each worker is a coroutine ``run(runtime)``
started as a background task of the runtime when its role is on. A worker subscribes to the bus with a
durable name (JetStream resumes it where it stopped after a restart) and publishes what it makes.

- ``ingest``: the listeners (``api/listeners.py``) and the demo feed: sensors → input log → ``obs.*``;
- ``tracker``: ``tracking.worker``: ``obs.ais``, ``obs.radar.>`` → ``track.update``;
- ``alerts``: ``alerts.worker``: ``track.update``, ``obs.ais`` → ``alert.*``, ``incident.*``;
- ``api``: HTTP and the WebSocket (``api/app.py``): ``picture.update`` → the page.
"""

from __future__ import annotations

import importlib
from collections.abc import Awaitable, Callable
from typing import Any

ROLES = ("ingest", "tracker", "alerts", "api")

# (role, module): the module exposes ``async def run(runtime) -> None``
WORKER_MODULES: tuple[tuple[str, str], ...] = (
    ("tracker", "watchkeeper.tracking.worker"),
    ("alerts", "watchkeeper.alerts.worker"),
)


def workers_for(roles: frozenset[str]) -> list[tuple[str, Callable[[Any], Awaitable[None]]]]:
    """(name, run) of every worker whose role is in ``roles``."""
    out = []
    for role, module_name in WORKER_MODULES:
        if role in roles:
            module = importlib.import_module(module_name)
            out.append((module_name.rsplit(".", 2)[-2], module.run))
    return out
