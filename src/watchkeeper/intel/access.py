"""Who may see and do what in intelligence: the viewer, the errors, releasability and audit helpers.

Rules (enforced here, in the service layer; the API and the page only pass them on):

* A record is visible when ``may_see(viewer.clearance, record.marking)``. A record the viewer may not
  see does not exist for them: reads answer *not found*, never *forbidden*, so that its existence is
  not disclosed either.
* A link is visible when its own marking is, both its entities are, and — when reports support it —
  at least one supporting report is (a link resting only on reports the viewer may not read would
  disclose them).
* A source's identity is visible to its handler only; everyone else sees that the source is protected.
* Every read of intelligence writes one audit row (``intel.<object>.<read|list>``, ``intel.search``,
  ``intel.network.read``) naming what was returned; every change writes one too.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Any, Protocol

from watchkeeper.core.errors import WatchkeeperError
from watchkeeper.core.marking import Marking, may_see, parse_marking, visible_markings
from watchkeeper.intel.entities import IntelValidationError


class Viewer(Protocol):
    """The user of a request (``api.deps.Principal`` is one)."""

    @property
    def username(self) -> str: ...

    @property
    def roles(self) -> Collection[str]: ...

    @property
    def clearance(self) -> str: ...


class Auditor(Protocol):
    """``store.audit.AuditWriter`` is one."""

    def write(
        self,
        actor: str,
        action: str,
        object_type: str | None = None,
        object_id: str | None = None,
        detail: dict[str, Any] | None = None,
    ) -> None: ...


class IntelNotFound(WatchkeeperError, LookupError):
    """No such record, or one the viewer may not see (the same answer on purpose)."""


class IntelForbidden(WatchkeeperError, PermissionError):
    """The viewer may see the record but not do this to it (e.g. release a C-coded report)."""


class IntelConflict(WatchkeeperError):
    """The change conflicts with what is stored (a duplicate reference, a second outcome, ...)."""


def sees(viewer: Viewer, marking: str) -> bool:
    return may_see(viewer.clearance, marking)


def markings_for(viewer: Viewer) -> tuple[str, ...]:
    """The marking values the viewer may see, for ``WHERE marking IN (...)``."""
    return tuple(m.value for m in visible_markings(viewer.clearance))


def check_marking_for_writer(viewer: Viewer, marking: str | Marking) -> Marking:
    """The marking of a new record: a known value the writer may see themselves."""
    try:
        value = parse_marking(marking)
    except ValueError as exc:
        raise IntelValidationError(str(exc)) from None
    if not may_see(viewer.clearance, value):
        raise IntelValidationError(
            f"marking {value.value} is above your clearance {viewer.clearance}: you could not read it back"
        )
    return value


def link_visible(
    viewer: Viewer,
    link_marking: str,
    endpoint_markings: Iterable[str],
    supporting_report_markings: Iterable[str],
) -> bool:
    if not sees(viewer, link_marking) or not all(sees(viewer, m) for m in endpoint_markings):
        return False
    supports = list(supporting_report_markings)
    return not supports or any(sees(viewer, m) for m in supports)
