"""Tasking rules: which state changes are allowed, and what conflicts a tasking raises. Pure functions.

States (``AssetState``)::

    available ──task──► tasked ──► transiting ──► on_scene ──► returning ──► available
        ▲  │                 │cancel          │cancel          │cancel
        │  └► maintenance    ▼                ▼                ▼
        └──────────────── available       returning        returning

A cancelled tasking sends an asset that has left base home (``returning``); one that had not (``tasked``)
is available again at once. ``maintenance`` is entered from available or returning, and left to available.

Conflicts of a tasking (``Conflict.code``): ``already_tasked`` (an active tasking exists: accepting it
re-tasks the asset, the old tasking is cancelled), ``endurance`` (too little time on scene after the
return leg), ``capacity`` (fewer places than persons on board), ``target_lands_first``; these the asset
controller may accept. ``maintenance`` and ``unreachable`` (no route, cannot catch the target) refuse
the tasking outright.
"""

from __future__ import annotations

from dataclasses import dataclass

from watchkeeper.assets.model import Asset, AssetState
from watchkeeper.assets.recommend import Recommendation

S = AssetState
TRANSITIONS: dict[AssetState, frozenset[AssetState]] = {
    S.AVAILABLE: frozenset({S.TASKED, S.MAINTENANCE, S.TRANSITING}),
    S.TASKED: frozenset({S.TRANSITING, S.ON_SCENE, S.AVAILABLE, S.RETURNING}),
    S.TRANSITING: frozenset({S.ON_SCENE, S.RETURNING, S.TASKED}),
    S.ON_SCENE: frozenset({S.RETURNING, S.TASKED}),
    S.RETURNING: frozenset({S.AVAILABLE, S.TASKED, S.MAINTENANCE}),
    S.MAINTENANCE: frozenset({S.AVAILABLE}),
}
DEPLOYED = frozenset({S.TRANSITING, S.ON_SCENE, S.RETURNING})
HARD = frozenset({"maintenance", "unreachable"})


class TransitionError(ValueError):
    """A state change the rules do not allow (the message says which and what is allowed)."""


def check_transition(current: AssetState, to: AssetState) -> None:
    if to == current:
        raise TransitionError(f"already {current.value}")
    allowed = TRANSITIONS[current]
    if to not in allowed:
        options = ", ".join(sorted(s.value for s in allowed))
        raise TransitionError(f"cannot go from {current.value} to {to.value} (allowed: {options})")


@dataclass(frozen=True, slots=True)
class Conflict:
    code: str
    message: str

    @property
    def overridable(self) -> bool:
        return self.code not in HARD

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code, "message": self.message, "overridable": self.overridable}


def tasking_conflicts(
    asset: Asset, rec: Recommendation, active_incident: str | None, incident_id: str
) -> list[Conflict]:
    """Conflicts of sending ``asset`` to ``incident_id`` given its recommendation (computed as if it were
    available) and the incident of its active tasking, if any."""
    out: list[Conflict] = []
    if asset.state == S.MAINTENANCE:
        out.append(Conflict("maintenance", f"{asset.id} is in maintenance"))
    if active_incident is not None:
        if active_incident == incident_id:
            out.append(Conflict("already_tasked", f"{asset.id} is already tasked to this incident"))
        else:
            out.append(
                Conflict("already_tasked", f"{asset.id} is tasked to incident {active_incident}: re-task it?")
            )
    for code in rec.conflicts:
        if code == "unavailable":
            continue  # the state is judged above
        message = {
            "unreachable": f"{asset.id} cannot reach the target",
            "endurance": f"{asset.id}: endurance too short",
            "capacity": f"{asset.id}: capacity too small for the persons on board",
            "target_lands_first": f"{asset.id}: the boat reaches the coast before it",
        }.get(code, code)
        out.append(Conflict(code, f"{message} ({rec.explanation})"))
    return out


def refused(conflicts: list[Conflict], accept: bool) -> list[Conflict]:
    """The conflicts that stop the tasking: the hard ones always, the others unless accepted."""
    return [c for c in conflicts if not c.overridable or not accept]
