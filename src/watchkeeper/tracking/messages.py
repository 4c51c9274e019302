"""The track message: one JSON-able dict per confirmed track per scan, for the bus (``track.update``) and
the page.

Shape (units in the names; times ISO 8601 UTC with milliseconds)::

    {"track_id": 17, "time": "2026-10-05T02:04:10.000Z", "lat": 51.01, "lon": 1.52,
     "sog_kn": 5.8, "cog_deg": 312.4, "mmsi": null, "name": null, "dark": true,
     "modes": {"steady": 0.81, "manoeuvring": 0.19}, "age_s": 250.0, "plot_updates": 164,
     "ais_updates": 0, "since_update_s": 1.2, "position_sigma_m": 38.0, "speed_sigma_kn": 0.9,
     "simulated": true, "marking": "UK-ONLY"}

``mmsi`` and ``name`` are ``null`` when no AIS is bound (or the name is not yet known); ``dark`` is true
for a confirmed track that no AIS vouches for. ``modes`` are the IMM mode probabilities (see
``tracking.models``). ``marking`` is the record's releasability (``core.marking``): the tracker does not
know who may see a radar picture, so the caller says; the safe default applies otherwise.
"""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any

from watchkeeper.core.marking import DEFAULT_MARKING, Marking, parse_marking
from watchkeeper.tracking.tracker import TrackOutput


def iso_utc(t: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SS.mmmZ`` (UTC, milliseconds)."""
    return t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"


def output_time(out: TrackOutput, epoch: datetime | None = None) -> datetime:
    base = epoch if epoch is not None else out.epoch
    if base is None:
        raise ValueError("TrackOutput without an epoch: pass epoch")
    return base + timedelta(seconds=out.time)


def track_messages(
    out: TrackOutput,
    *,
    simulated: bool = False,
    marking: str | Marking = DEFAULT_MARKING,
    epoch: datetime | None = None,
) -> list[dict[str, Any]]:
    """One message per confirmed track of ``out`` (see the module docstring for the shape)."""
    stamp = iso_utc(output_time(out, epoch))
    mark = parse_marking(marking).value
    msgs: list[dict[str, Any]] = []
    for i in range(len(out)):
        mmsi = int(out.mmsi[i])
        name = out.name[i] if i < len(out.name) else ""
        msg: dict[str, Any] = {
            "track_id": int(out.track_id[i]),
            "time": stamp,
            "lat": round(float(out.lat[i]), 6),
            "lon": round(float(out.lon[i]), 6),
            "sog_kn": round(float(out.sog_kn[i]), 2),
            "cog_deg": round(float(out.cog_deg[i]), 1),
            "mmsi": mmsi if mmsi > 0 else None,
            "name": name or None,
            "dark": bool(out.dark[i]),
        }
        if out.mode_names:
            msg["modes"] = {
                m: round(float(out.mode_probability[i, j]), 4) for j, m in enumerate(out.mode_names)
            }
        if out.age_s.size:
            msg.update(
                age_s=round(float(out.age_s[i]), 1),
                plot_updates=int(out.plot_updates[i]),
                ais_updates=int(out.ais_updates[i]),
                since_update_s=round(float(out.since_update_s[i]), 2),
                position_sigma_m=round(float(out.position_sigma_m[i]), 1),
                speed_sigma_kn=round(float(out.speed_sigma_kn[i]), 2),
            )
        msg["simulated"] = simulated
        msg["marking"] = mark
        msgs.append(msg)
    return msgs
