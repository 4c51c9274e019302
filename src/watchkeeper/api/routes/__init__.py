"""The API's routers, one module per capability, mounted under ``/api`` by ``create_app``.

A route module may expose:

* ``router`` — HTTP routes, paths relative to ``/api`` (e.g. ``@router.get("/picture")``). Mounted with
  the ``current_user`` dependency: **every route in it requires a valid token**, whatever it declares.
  Take ``user: CurrentUser`` or ``Depends(require_roles(...))`` (``watchkeeper.api.deps``) for identity.
* ``ws_router`` — WebSocket routes; each must call ``routes.picture.authenticate_websocket`` first.
* ``public_router`` — only ``auth`` has one (the login routes).

Add a capability by adding its module name to ``ROUTE_MODULES``. A module not written yet is skipped
(the capability is not in this build); an import error inside an existing module is raised.
"""

from __future__ import annotations

import importlib
import logging
from types import ModuleType

log = logging.getLogger(__name__)

ROUTE_MODULES: tuple[str, ...] = (
    "auth",
    "picture",
    "history",  # spatial history (area and time window)
    "geo",
    "stats",
    "weather",
    "sar",
    "intel",
    "alerts",
    "incidents",
    "sharing",
    "reports",
    "partner",
    "audit",  # sharing: releasability, observer reports, French liaison, audit
    "assets",
    # capabilities to come: each adds its module here (alerts, incidents, assets, weather, sar, intel,
    # sharing, stats)
)


def load_route_modules(names: tuple[str, ...] = ROUTE_MODULES) -> list[ModuleType]:
    modules = []
    for name in names:
        full = f"{__name__}.{name}"
        try:
            modules.append(importlib.import_module(full))
        except ModuleNotFoundError as exc:
            if exc.name != full:
                raise
            log.info("route module %s not present: skipped", full)
    return modules
