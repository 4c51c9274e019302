"""The alert engine: a pure, event-time core. State in, alerts out, one step per scan.

``AlertEngine.step(scan, ais)`` takes the confirmed tracks of one scan (``TrackScan``) and the AIS reports
received since the previous step, runs every rule and returns the alert events of that scan
(``raised``, ``escalated``, ``reraised``, ``cleared``). It never reads a clock: time is the scan's.
The replay CLI and the live worker drive the same object the same way, so replay = live.

Deduplication and hysteresis (no alert storms):

* one alert per (rule, subject) while active: a subject is a track, a track and lane, a pair of tracks,
  an MMSI. Findings that keep holding update it (``last_time``, position, ``latest`` values) silently;
* rules raise on a stricter condition than the one that keeps an alert (``Finding.raise_`` vs ``hold``);
  an active alert clears only when its rule stops reporting a holding finding for the subject;
* a subject that raises again within ``engine.cooldown_s`` of its alert clearing reopens the same
  alert (``reraised``, ``occurrences`` + 1) rather than making a new one;
* a higher severity for an active alert is an ``escalated`` event, never a second alert.

Alert ids are deterministic (rule, subject, raise time), so a replay gives the same ids as live.

Markings: an alert takes its finding's marking (the tracks it is about); a re-raise or an escalation
adds the new finding's marking (most restrictive). A user's release (``release``, applied by the watch
before the first scan after its event time) stands against findings no more restrictive than it; a
more restrictive one re-restricts the alert (``core.marking.with_source``). Each raising event names
its finding's marking (``AlertEvent.source``) so the store applies the same rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import numpy as np

from watchkeeper.alerts.config import AlertSettings
from watchkeeper.alerts.context import (
    COOLDOWN,
    FIT_WINDOW,
    SMALL_CRAFT_MAX_SPEED,
    EndedTrack,
    ScanContext,
    TrackView,
)
from watchkeeper.alerts.geometry import StraitGeometry, strait_geometry
from watchkeeper.alerts.rules import Rule, default_rules
from watchkeeper.alerts.scan import TrackHistory, TrackScan
from watchkeeper.alerts.types import Alert, AlertEvent, AlertStatus, EventKind, Finding, RuleName
from watchkeeper.core.marking import Marking, parse_marking, with_source

HISTORY_MARGIN_S = 120.0


class AlertEngine:
    """Rules over the track picture (see module docstring). One instance per picture."""

    def __init__(
        self,
        settings: AlertSettings | None = None,
        geometry: StraitGeometry | None = None,
        rules: Sequence[Rule] | None = None,
    ) -> None:
        self.settings = settings or AlertSettings()
        self.geometry = geometry or strait_geometry()
        self.rules: list[Rule] = list(rules) if rules is not None else default_rules()
        self.epoch: datetime | None = None
        self.time: datetime | None = None
        self.histories: dict[int, TrackHistory] = {}
        self.active: dict[tuple[RuleName, str], Alert] = {}
        self.recent: dict[tuple[RuleName, str], Alert] = {}  # cleared, still within the cooldown
        self.alerts: dict[str, Alert] = {}  # every alert ever raised, by id
        self.last_context: ScanContext | None = None
        self._last_views: dict[int, TrackView] = {}
        self._keep_s = self._history_span()

    def _history_span(self) -> float:
        s = self.settings
        spans = [
            s.number(FIT_WINDOW.key),
            2 * s.number("distress.window_s"),
            s.number("departure.window_s"),
            s.number("loitering.window_min") * 60.0,
        ]
        return max(spans) + HISTORY_MARGIN_S

    # ---- the step ---------------------------------------------------------------------------------
    def step(self, scan: TrackScan, ais: Sequence[object] = ()) -> list[AlertEvent]:
        """Process one scan (and the AIS reports since the last one); return this scan's alert events."""
        if self.time is not None and scan.time < self.time:
            raise ValueError(
                f"scan at {scan.time.isoformat()} is before the last one at {self.time.isoformat()}"
            )
        if self.epoch is None:
            self.epoch = scan.time
        self.time = scan.time
        t = (scan.time - self.epoch).total_seconds()
        ctx = self._context(scan, t, ais)
        events: list[AlertEvent] = []
        for rule in self.rules:
            findings = rule.evaluate(ctx)
            events.extend(self._apply(rule, findings, scan.time))
        self._expire(scan.time)
        self.last_context = ctx
        return events

    def _context(self, scan: TrackScan, t: float, ais: Sequence[object]) -> ScanContext:
        s = self.settings
        fit_window, max_small = s.number(FIT_WINDOW.key), s.number(SMALL_CRAFT_MAX_SPEED.key)
        present = set(scan.track_id.tolist())
        ended: list[EndedTrack] = []
        for tid in list(self.histories):
            if tid not in present:
                history = self.histories.pop(tid)
                last = self._last_views.pop(tid, None)
                if last is not None:
                    ended.append(EndedTrack(tid, history, last))
        g = self.geometry
        fr = g.fr_coast_m(scan.x, scan.y)
        uk = g.uk_coast_m(scan.x, scan.y)
        shore = np.minimum(np.minimum(fr, uk), g.other_shore.distance(scan.x, scan.y))
        land = g.on_land(scan.x, scan.y)
        zone, depth, by_line = g.territorial(scan.x, scan.y, fr, uk)
        lane = g.lane_index(scan.x, scan.y)
        views: list[TrackView] = []
        for i in range(len(scan)):
            tid = int(scan.track_id[i])
            if tid not in self.histories:
                self.histories[tid] = TrackHistory(tid)
            history = self.histories[tid]
            mmsi = int(scan.mmsi[i])
            history.add(
                t, float(scan.x[i]), float(scan.y[i]), float(scan.lat[i]), float(scan.lon[i]), mmsi,
                bool(scan.dark[i]), self._keep_s,
            )  # fmt: skip
            fit = history.fit_velocity(fit_window)
            speed = fit.speed_kn if fit is not None else float(scan.sog_kn[i])
            if fit is not None and fit.span_s >= 0.8 * fit_window:
                history.max_fit_kn = max(history.max_fit_kn, speed)
            small = bool(scan.dark[i]) and history.mmsi_seen == 0 and speed <= max_small
            view = TrackView(
                index=i,
                track_id=tid,
                history=history,
                x=float(scan.x[i]),
                y=float(scan.y[i]),
                lat=float(scan.lat[i]),
                lon=float(scan.lon[i]),
                sog_kn=float(scan.sog_kn[i]),
                cog_deg=float(scan.cog_deg[i]),
                mmsi=mmsi,
                dark=bool(scan.dark[i]),
                marking=scan.marking_of(i),
                fit=fit,
                small_craft=small,
                fr_coast_m=float(fr[i]),
                uk_coast_m=float(uk[i]),
                shore_m=float(shore[i]),
                on_land=bool(land[i]),
                zone=int(zone[i]),
                zone_depth_m=float(depth[i]),
                zone_by_line=bool(by_line[i]),
                lane=int(lane[i]),
            )
            views.append(view)
            self._last_views[tid] = view
        reports = [r for r in ais if hasattr(r, "mmsi")]
        return ScanContext(
            t=t,
            time=scan.time,
            tracks=views,
            by_id={v.track_id: v for v in views},
            ended=ended,
            ais=reports,  # type: ignore[arg-type]
            geometry=g,
            settings=s,
        )

    # ---- dedup and hysteresis ------------------------------------------------------------------------
    def _apply(self, rule: Rule, findings: list[Finding], now: datetime) -> list[AlertEvent]:
        events: list[AlertEvent] = []
        holding: set[tuple[RuleName, str]] = set()
        for f in findings:
            key = (f.rule, f.key)
            alert = self.active.get(key)
            if alert is not None:
                if not f.hold:
                    continue
                holding.add(key)
                alert.last_time = now
                alert.latest = {**(f.values or alert.latest), "lat": round(f.lat, 6), "lon": round(f.lon, 6)}
                if f.raise_ and f.severity > alert.severity:
                    alert.severity = f.severity
                    if f.explanation:
                        alert.explanation = f.explanation
                    _join(alert, f.marking)
                    events.append(AlertEvent(EventKind.ESCALATED, now, alert, f.marking))
                continue
            if not f.raise_:
                continue
            holding.add(key)
            previous = self.recent.pop(key, None)
            if previous is not None:
                previous.status = AlertStatus.ACTIVE
                previous.cleared_time = None
                previous.occurrences += 1
                previous.last_time = now
                previous.latest = {**f.values, "lat": round(f.lat, 6), "lon": round(f.lon, 6)}
                previous.severity = max(previous.severity, f.severity)
                _join(previous, f.marking)
                self.active[key] = previous
                events.append(AlertEvent(EventKind.RERAISED, now, previous, f.marking))
                continue
            alert = self._new_alert(f, now)
            self.active[key] = alert
            self.alerts[alert.alert_id] = alert
            events.append(AlertEvent(EventKind.RAISED, now, alert, f.marking))
        for key in [k for k in self.active if k[0] in rule.names and k not in holding]:
            alert = self.active.pop(key)
            alert.status = AlertStatus.CLEARED
            alert.cleared_time = now
            self.recent[key] = alert
            events.append(AlertEvent(EventKind.CLEARED, now, alert))
        return events

    def release(self, alert_id: str, marking: str | Marking) -> bool:
        """A user's release of an alert (made in the store, ``sharing``); False when the engine does not
        hold it (an alert of an earlier run: the store applies the rule to it alone)."""
        alert = self.alerts.get(alert_id)
        if alert is None:
            return False
        alert.marking = alert.released = parse_marking(marking)
        return True

    def _new_alert(self, f: Finding, now: datetime) -> Alert:
        stamp = now.strftime("%Y%m%dT%H%M%S") + f"{now.microsecond // 1000:03d}"
        alert_id = f"{f.rule.value}-{stamp}-{f.key.replace(':', '-')}"
        return Alert(
            alert_id=alert_id,
            rule=f.rule,
            key=f.key,
            severity=f.severity,
            status=AlertStatus.ACTIVE,
            raised_time=now,
            last_time=now,
            track_id=f.track_id,
            track_ids=f.track_ids or (() if f.track_id is None else (f.track_id,)),
            mmsi=f.mmsi,
            lat=f.lat,
            lon=f.lon,
            explanation=f.explanation,
            values=dict(f.values),
            thresholds=self._thresholds(f.rule),
            geometry=f.geometry,
            marking=f.marking,
            latest={**f.values, "lat": round(f.lat, 6), "lon": round(f.lon, 6)},
        )

    def _thresholds(self, rule: RuleName) -> dict[str, object]:
        group = {RuleName.UK_WATERS: "zones", RuleName.FR_WATERS: "zones"}.get(rule, rule.value)
        values: dict[str, object] = dict(self.settings.for_rule(group))
        values.update({f"engine.{k}": v for k, v in self.settings.for_rule("engine").items()})
        return values

    def _expire(self, now: datetime) -> None:
        cooldown = self.settings.number(COOLDOWN.key)
        for key in [
            k
            for k, a in self.recent.items()
            if a.cleared_time and (now - a.cleared_time).total_seconds() > cooldown
        ]:
            del self.recent[key]


def _join(alert: Alert, source: Marking) -> None:
    alert.marking, lapsed = with_source(alert.marking, source, alert.released)
    if lapsed:
        alert.released = None
