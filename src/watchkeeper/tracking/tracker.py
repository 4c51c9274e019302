"""The Tracker: wires motion models, IMM filter, gating, GNN association, management and AIS fusion.

``Tracker.step(scan_time, plots, ais)`` consumes everything observed before ``scan_time`` in event-time
order and returns the confirmed tracks predicted to ``scan_time``. Inside a step, plots are cut into
batches of one radar and one sector (a ``1/sectors`` slice of the scan period, aligned on the epoch), and
AIS reports into batches of the same windows; batches run in time order (window, then radars in site
order, then AIS), whatever order the inputs arrived in, and every candidate track–plot pair is predicted
to that plot's own beam time. A target crosses each radar's beam once per revolution, so it has at most
one plot per batch and the batch is a valid assignment problem.

State in, events out: a ``Tracker`` holds the track table; ``step`` is the only way it changes, so a
replay (``runner.run_scenario``) and the live core (``live.LiveTracker``) that feed it the same scans get
the same tracks.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

import numpy as np
import numpy.typing as npt

from watchkeeper.core.types import AisReport, FieldObservation, Plot
from watchkeeper.geo.frames import to_wgs84
from watchkeeper.tracking.ais_fusion import (
    KNOT_MPS,
    AisBatch,
    AisConfig,
    ais_arrays,
    identities,
    measurement_covariance,
)
from watchkeeper.tracking.association import gnn
from watchkeeper.tracking.field import FieldBatch, FieldConfig, field_arrays
from watchkeeper.tracking.filters import LOG_2PI, ImmPrediction, mahalanobis2, predict, update
from watchkeeper.tracking.gating import CHI2_2DOF_999, coarse_pairs, coarse_radius
from watchkeeper.tracking.jpda import marginals
from watchkeeper.tracking.management import ManagementConfig, TrackTable, end_of_revolution
from watchkeeper.tracking.measurement import RadarModel, grid_to_true_deg
from watchkeeper.tracking.models import DEFAULT_MODELS, FloatArray, ImmModels

IntArray = npt.NDArray[np.int64]


@dataclass(slots=True, frozen=True)
class TrackerConfig:
    models: ImmModels = DEFAULT_MODELS
    management: ManagementConfig = field(default_factory=ManagementConfig)
    ais: AisConfig = field(default_factory=AisConfig)
    detections: FieldConfig = field(default_factory=FieldConfig)  # drones, observers (field.py)
    gate: float = CHI2_2DOF_999
    new_target_density_per_m2: float = 1e-9
    association: str = "gnn"  # "gnn" (the default, docs/design.md) or "jpda" (jpda.py)
    sectors_per_scan: int = 8
    coarse_gate_cap_m: float = 3000.0


@dataclass(slots=True)
class TrackOutput:
    """Confirmed tracks at one scan time, as arrays aligned on ``track_id`` (UTM 31N and WGS84).

    ``time`` is seconds since the tracker's epoch (``epoch`` adds it back as UTC). Per track:
    ``track_id`` (stable for the track's life, never reused in a run); ``xy`` (m, UTM 31N), ``lat``/``lon``
    (WGS84°); ``sog_kn`` and ``cog_deg`` (true); ``mmsi`` (0 when no AIS is bound); ``dark`` (no AIS vouches
    for the track, see ``ais_fusion``); ``name`` (the vessel name from AIS static data, "" when unknown);
    ``mode_probability`` (n, M) of the IMM modes ``mode_names`` (``"steady"``, ``"manoeuvring"``: see
    ``models``); ``age_s`` since the track's first plot or report; ``plot_updates``, ``ais_updates`` and
    ``field_updates`` (radar plots, AIS reports and drone/observer detections that updated it);
    ``since_update_s`` (coasting time: seconds since its last
    update by any sensor); ``position_sigma_m`` (1σ along the major axis of its position uncertainty);
    ``speed_sigma_kn`` (1σ of its speed).
    """

    time: float
    track_id: IntArray
    xy: FloatArray
    lat: FloatArray
    lon: FloatArray
    sog_kn: FloatArray
    cog_deg: FloatArray
    mmsi: IntArray
    dark: npt.NDArray[np.bool_]
    name: tuple[str, ...] = ()
    mode_names: tuple[str, ...] = ()
    mode_probability: FloatArray = field(default_factory=lambda: np.zeros((0, 0)))
    age_s: FloatArray = field(default_factory=lambda: np.zeros(0))
    plot_updates: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    ais_updates: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    field_updates: IntArray = field(default_factory=lambda: np.zeros(0, dtype=np.int64))
    since_update_s: FloatArray = field(default_factory=lambda: np.zeros(0))
    position_sigma_m: FloatArray = field(default_factory=lambda: np.zeros(0))
    speed_sigma_kn: FloatArray = field(default_factory=lambda: np.zeros(0))
    epoch: datetime | None = None

    def __len__(self) -> int:
        return int(self.track_id.shape[0])

    @property
    def time_utc(self) -> datetime:
        if self.epoch is None:
            raise ValueError("TrackOutput without an epoch")
        return self.epoch + timedelta(seconds=self.time)


class Tracker:
    """Multi-sensor multi-target tracker over a fixed set of radars plus AIS (see module docstring)."""

    def __init__(
        self,
        radars: Sequence[RadarModel],
        epoch: datetime,
        config: TrackerConfig | None = None,
        first_track_id: int = 1,
    ) -> None:
        """``first_track_id``: where track ids start (a service resuming after a restart without replaying
        its whole log starts above the ids it has stored, ``TrackHistory.max_track_id() + 1``)."""
        self.radars = tuple(radars)
        self.epoch = epoch
        self.config = config or TrackerConfig()
        n_models = len(self.config.models.models)
        self.tracks = TrackTable(n_models=n_models, n_sensors=len(self.radars), next_uid=first_track_id)
        self._sensor_index = {r.sensor_id: r.index for r in self.radars}
        self._period = min(r.scan_period_s for r in self.radars) if self.radars else 2.5
        self._window = self._period / self.config.sectors_per_scan
        self._rev_done = [0 for _ in self.radars]  # revolutions already scored per radar
        self._init_mu = np.asarray(self.config.models.initial_probabilities, dtype=float)
        self.names: dict[int, str] = {}  # MMSI → vessel name, from AIS static reports

    # ---- public API -------------------------------------------------------------------------
    def seconds(self, t: datetime) -> float:
        return (t - self.epoch).total_seconds()

    @property
    def scan_period_s(self) -> float:
        return self._period

    def step(
        self,
        scan_time: datetime,
        plots: Sequence[Plot],
        ais: Sequence[AisReport] = (),
        field: Sequence[FieldObservation] = (),
    ) -> TrackOutput:
        """Process plots, AIS reports and field detections observed before ``scan_time``; return
        confirmed tracks then.

        Plots of sensors the tracker does not know, and plots without a polar position (system tracks,
        TLL), are ignored: the caller keeps them; so are field observations that are not position
        measurements (``field.is_measurement``). Order of the inputs does not matter.
        """
        return self.step_at(self.seconds(scan_time), plots, ais, field)

    def step_at(
        self,
        scan_s: float,
        plots: Sequence[Plot],
        ais: Sequence[AisReport] = (),
        field: Sequence[FieldObservation] = (),
    ) -> TrackOutput:
        """:meth:`step` with the scan time in seconds since the epoch."""
        sensor = np.array([self._sensor_index.get(p.sensor_id, -1) for p in plots], dtype=np.int64)
        t = np.array([self.seconds(p.time) for p in plots], dtype=float)
        rng = np.array([p.range_m for p in plots], dtype=float)
        brg = np.array([p.bearing_deg for p in plots], dtype=float)
        known = (sensor >= 0) & np.isfinite(rng) & np.isfinite(brg)
        return self.step_arrays(
            scan_s,
            t[known],
            sensor[known],
            rng[known],
            brg[known],
            ais_arrays(ais, self.epoch),
            [(mmsi, name) for _t, mmsi, name in sorted(identities(ais, self.epoch))],
            field_arrays(field, self.epoch, self.config.detections) if field else None,
        )

    def step_arrays(
        self,
        scan_time: float,
        plot_time: FloatArray,
        plot_sensor: IntArray,
        range_m: FloatArray,
        bearing_deg: FloatArray,
        ais: AisBatch | None = None,
        names: Sequence[tuple[int, str]] = (),
        field: FieldBatch | None = None,
    ) -> TrackOutput:
        """Array form of :meth:`step` (times in seconds since the epoch).

        ``names`` are (MMSI, vessel name) pairs of the AIS static reports of the step, in event-time order;
        ``field`` the drone/observer position measurements (``field.field_arrays``).
        """
        xy = np.zeros((plot_time.shape[0], 2))
        cov = np.zeros((plot_time.shape[0], 2, 2))
        for radar in self.radars:
            sel = plot_sensor == radar.index
            if sel.any():
                xy[sel], cov[sel] = radar.to_cartesian(range_m[sel], bearing_deg[sel])
        return self.step_cartesian(scan_time, plot_time, plot_sensor, xy, cov, ais, names, field)

    def step_cartesian(
        self,
        scan_time: float,
        plot_time: FloatArray,
        plot_sensor: IntArray,
        xy: FloatArray,
        cov: FloatArray,
        ais: AisBatch | None = None,
        names: Sequence[tuple[int, str]] = (),
        field: FieldBatch | None = None,
    ) -> TrackOutput:
        """Process converted plots (UTM 31N), AIS arrays and field detections observed before
        ``scan_time``. Within a window the radars go first, then AIS, then field detections."""
        for mmsi, name in names:
            self.names[int(mmsi)] = name
        n_radar = len(self.radars)
        has_ais = ais is not None and len(ais) > 0
        has_field = field is not None and len(field) > 0
        keys_t = [np.floor(plot_time / self._window).astype(np.int64)]
        keys_s = [plot_sensor]
        times_l = [plot_time]
        # ties in time broken by the measurement itself, so the order of arrival never matters
        tie_l = [xy[:, 0] + 1e-3 * xy[:, 1]]
        if ais is not None and has_ais:
            keys_t.append(np.floor(ais.time / self._window).astype(np.int64))
            keys_s.append(np.full(len(ais), n_radar, dtype=np.int64))
            times_l.append(ais.time)
            tie_l.append(ais.mmsi.astype(float) + ais.xy[:, 0] * 1e-12)
        if field is not None and has_field:
            keys_t.append(np.floor(field.time / self._window).astype(np.int64))
            keys_s.append(np.full(len(field), n_radar + 1, dtype=np.int64))
            times_l.append(field.time)
            tie_l.append(field.xy[:, 0] + 1e-3 * field.xy[:, 1])
        win = np.concatenate(keys_t)
        src = np.concatenate(keys_s)
        times = np.concatenate(times_l)
        tie = np.concatenate(tie_l)
        order = np.lexsort((tie, times, src, win))
        win_o, src_o = win[order], src[order]
        if win_o.size == 0:
            self._score_revolutions(scan_time)
            return self.output(scan_time)
        cuts = np.flatnonzero(np.r_[True, (win_o[1:] != win_o[:-1]) | (src_o[1:] != src_o[:-1]), True])
        n_plots = plot_time.shape[0]
        n_ais = len(ais) if ais is not None else 0
        for a, b in itertools.pairwise(cuts):
            idx = order[a:b]
            window_start = float(win_o[a]) * self._window
            self._score_revolutions(window_start)
            if src_o[a] < n_radar:
                self._radar_batch(int(src_o[a]), plot_time[idx], xy[idx], cov[idx])
            elif src_o[a] == n_radar and ais is not None:
                self._ais_batch(ais.subset(idx - n_plots))
            elif field is not None:
                self._field_batch(field.subset(idx - n_plots - n_ais))
        self._score_revolutions(scan_time)
        return self.output(scan_time)

    def output(self, time: float) -> TrackOutput:
        """Confirmed tracks predicted to ``time`` (the IMM mixture mean moves with the shared CV F)."""
        tab = self.tracks
        rows = np.flatnonzero(tab.confirmed)
        dt = time - tab.t[rows]
        xc = tab.xc[rows]
        xy = xc[:, :2] + xc[:, 2:] * dt[:, None]
        lon, lat = to_wgs84(xy[:, 0], xy[:, 1]) if rows.size else (np.zeros(0), np.zeros(0))
        speed = np.hypot(xc[:, 2], xc[:, 3])
        grid = np.degrees(np.arctan2(xc[:, 2], xc[:, 3])) % 360.0
        cog = grid_to_true_deg(lon, lat, grid)
        mmsi = tab.mmsi[rows]
        ais = self.config.ais
        limit = np.where(speed >= ais.slow_kn * KNOT_MPS, ais.stale_moving_s, ais.stale_slow_s)
        stale = (time - tab.last_ais[rows]) > limit
        pos_cov = tab.pc[rows, :2, :2]
        a, b, c = pos_cov[:, 0, 0], pos_cov[:, 0, 1], pos_cov[:, 1, 1]
        major = 0.5 * (a + c) + np.sqrt(0.25 * (a - c) ** 2 + b * b)
        u = np.where(speed[:, None] > 1e-6, xc[:, 2:] / np.maximum(speed, 1e-6)[:, None], 0.0)
        vel_cov = tab.pc[rows, 2:, 2:]
        speed_var = np.einsum("ki,kij,kj->k", u, vel_cov, u)
        speed_var = np.where(speed > 1e-6, speed_var, 0.5 * (vel_cov[:, 0, 0] + vel_cov[:, 1, 1]))
        return TrackOutput(
            time=time,
            track_id=tab.uid[rows],
            xy=xy,
            lat=lat,
            lon=lon,
            sog_kn=speed / KNOT_MPS,
            cog_deg=cog,
            mmsi=mmsi,
            dark=(mmsi == 0) | stale,
            name=tuple(self.names.get(int(m), "") if m > 0 else "" for m in mmsi),
            mode_names=self.config.models.names,
            mode_probability=tab.mu[rows].copy(),
            age_s=time - tab.created[rows],
            plot_updates=tab.plot_updates[rows].copy(),
            ais_updates=tab.ais_updates[rows].copy(),
            field_updates=tab.field_updates[rows].copy(),
            since_update_s=time - tab.last_update[rows],
            position_sigma_m=np.sqrt(np.maximum(major, 0.0)),
            speed_sigma_kn=np.sqrt(np.maximum(speed_var, 0.0)) / KNOT_MPS,
            epoch=self.epoch,
        )

    def time_of(self, seconds: float) -> datetime:
        return self.epoch + timedelta(seconds=seconds)

    # ---- internals --------------------------------------------------------------------------
    def _score_revolutions(self, now: float) -> None:
        """Score every radar revolution (aligned on the epoch) that ended at or before ``now``."""
        cfg = self.config.management
        for radar in self.radars:
            period = radar.scan_period_s
            if len(self.tracks) == 0:  # nothing to score: skip the idle revolutions at once
                self._rev_done[radar.index] = max(self._rev_done[radar.index], int(np.floor(now / period)))
            while (self._rev_done[radar.index] + 1) * period <= now + 1e-9:
                k = self._rev_done[radar.index]
                start, end = k * period, (k + 1) * period
                pos, _ = self.tracks.predicted_position(end)
                end_of_revolution(self.tracks, radar.index, start, end, radar.in_coverage(pos), cfg)
                self._rev_done[radar.index] = k + 1

    def _candidates(
        self, time: FloatArray, xy: FloatArray, max_var: float, rows: IntArray | None = None
    ) -> tuple[IntArray, IntArray]:
        tab = self.tracks
        pos, pcov = tab.predicted_position(float(np.mean(time)))
        if rows is not None:
            pos, pcov = pos[rows], pcov[rows]
        radius = coarse_radius(pcov, max_var + 100.0, self.config.gate, self.config.coarse_gate_cap_m)
        ti, mj = coarse_pairs(pos, radius, xy)
        if rows is not None:
            ti = rows[ti]
        return ti, mj

    def _pair_prediction(self, ti: IntArray, t_meas: FloatArray) -> ImmPrediction:
        tab = self.tracks
        return predict(tab.x[ti], tab.p[ti], tab.mu[ti], t_meas - tab.t[ti], self.config.models)

    def _apply(
        self, pred: ImmPrediction, sel: IntArray, rows: IntArray, z: FloatArray, r: FloatArray, t: FloatArray
    ) -> None:
        sub = ImmPrediction(pred.x[sel], pred.p[sel], pred.c[sel], pred.x_comb[sel], pred.p_comb[sel])
        x, p, mu = update(sub, z, r)
        self.tracks.set_state(rows, x, p, mu, t)

    def _radar_batch(self, sensor: int, t: FloatArray, xy: FloatArray, cov: FloatArray) -> None:
        cfg = self.config
        tab = self.tracks
        n_meas = t.shape[0]
        assigned_meas = np.zeros(n_meas, dtype=bool)
        near_confirmed = np.zeros(n_meas, dtype=bool)
        if len(tab):
            max_var = float(np.max(cov[:, 0, 0] + cov[:, 1, 1]))
            ti, mj = self._candidates(t, xy, max_var)
            if ti.size:
                pred = self._pair_prediction(ti, t[mj])
                nu = xy[mj] - pred.x_comb[:, :2]
                s = pred.p_comb[:, :2, :2] + cov[mj]
                d2, logdet = mahalanobis2(nu, s)
                gated = d2 < cfg.gate
                near_confirmed[mj[gated & tab.confirmed[ti]]] = True
                clutter = self.radars[sensor].clutter_density_per_m2 + cfg.new_target_density_per_m2
                cost = (
                    d2
                    + logdet
                    + 2.0 * LOG_2PI
                    + 2.0 * np.log(clutter)
                    - 2.0 * np.log(cfg.management.detection_probability)
                )
                if cfg.association == "jpda":
                    g = np.flatnonzero(gated)
                    assigned_meas = self._jpda(sensor, pred, g, ti[g], mj[g], -0.5 * cost[g], t, xy, cov)
                else:
                    cost_raw = cost
                    cost = np.where(gated, np.minimum(cost, -1e-6), np.inf)
                    ta, ma = gnn(ti, mj, cost, len(tab), n_meas)
                    if ta.size:
                        key = ti * n_meas + mj
                        key_order = np.argsort(key)
                        sel = key_order[np.searchsorted(key, ta * n_meas + ma, sorter=key_order)]
                        self._apply(pred, sel, ta, xy[ma], cov[ma], t[ma])
                        tab.last_hit[ta, sensor] = t[ma]
                        tab.score[ta] -= 0.5 * cost_raw[sel]
                        tab.plot_updates[ta] += 1
                        assigned_meas[ma] = True
        new = ~assigned_meas & ~near_confirmed
        if new.any():
            self._initiate(t[new], xy[new], cov[new], sensor)

    def _jpda(
        self,
        sensor: int,
        pred: ImmPrediction,
        g: IntArray,
        ti: IntArray,
        mj: IntArray,
        log_l: FloatArray,
        t: FloatArray,
        xy: FloatArray,
        cov: FloatArray,
    ) -> npt.NDArray[np.bool_]:
        """IMM-JPDA update of the gated tracks; returns the plots mostly used (Σ β ≥ 0.5).

        Each track's posterior is the moment-matched mixture over its association hypotheses (each gated
        plot, updated at that plot's time, and "no plot", predicted to the time of its likeliest plot),
        weighted by β and by the mode probabilities each hypothesis gives.
        """
        tab = self.tracks
        n_meas = t.shape[0]
        used = np.zeros(n_meas, dtype=bool)
        if ti.size == 0:
            return used
        miss = 1.0 - self.config.management.detection_probability * 0.999
        beta_all, beta0_all = marginals(ti, mj, log_l, len(tab), n_meas, miss)
        rows, inv = np.unique(ti, return_inverse=True)
        beta0 = beta0_all[rows]
        sub = ImmPrediction(pred.x[g], pred.p[g], pred.c[g], pred.x_comb[g], pred.p_comb[g])
        xh, ph, muh = update(sub, xy[mj], cov[mj])  # per hypothesis (pair), per mode
        # "no plot": predicted to the time of the track's likeliest plot
        best = np.full(rows.size, -1.0)
        t_ref = np.zeros(rows.size)
        for k in range(ti.size):  # small: gated pairs of one batch
            if beta_all[k] > best[inv[k]]:
                best[inv[k]] = beta_all[k]
                t_ref[inv[k]] = t[mj[k]]
        p0 = self._pair_prediction(rows, t_ref)
        m = tab.mu.shape[1]
        w = beta_all[:, None] * muh  # (pairs, M)
        w0 = beta0[:, None] * p0.c  # (rows, M)
        mu = w0.copy()
        np.add.at(mu, inv, w)
        mu = np.maximum(mu, 1e-12)
        x = w0[..., None] * p0.x
        np.add.at(x, inv, w[..., None] * xh)
        x /= mu[..., None]
        d0 = p0.x - x
        pm = w0[..., None, None] * (p0.p + d0[..., :, None] * d0[..., None, :])
        dh = xh - x[inv]
        np.add.at(pm, inv, w[..., None, None] * (ph + dh[..., :, None] * dh[..., None, :]))
        pm /= mu[..., None, None]
        mu /= mu.sum(axis=1, keepdims=True)
        tab.set_state(rows, x.reshape(-1, m, 4), pm, mu, t_ref)
        hit = beta0 < 0.5
        tab.last_hit[rows[hit], sensor] = t_ref[hit]
        tab.plot_updates[rows[hit]] += 1
        lik = np.zeros(rows.size)
        np.add.at(lik, inv, np.exp(np.minimum(log_l, 700.0)))
        tab.score[rows[hit]] += np.log(np.maximum(lik[hit], 1e-300))
        load = np.zeros(n_meas)
        np.add.at(load, mj, beta_all)
        used[load >= 0.5] = True
        return used

    def _initiate(self, t: FloatArray, xy: FloatArray, cov: FloatArray, sensor: int) -> None:
        k = t.shape[0]
        m = len(self.config.models.models)
        x = np.zeros((k, m, 4))
        x[:, :, :2] = xy[:, None, :]
        p = np.zeros((k, m, 4, 4))
        p[:, :, :2, :2] = cov[:, None]
        sv2 = self.config.management.initial_speed_sigma_mps**2
        p[:, :, 2, 2] = p[:, :, 3, 3] = sv2
        mu = np.repeat(self._init_mu[None, :], k, axis=0)
        self.tracks.append(x, p, mu, t, np.zeros(k, dtype=bool), np.zeros(k, dtype=np.int64), sensor)

    def _field_batch(self, batch: FieldBatch) -> None:
        """Drone/observer position measurements: update the confirmed track each falls nearest to
        (Mahalanobis, inside the gate; GNN), never initiate one (``field`` module docstring)."""
        tab = self.tracks
        rows = np.flatnonzero(tab.confirmed)
        if rows.size == 0:
            return
        max_var = float(np.max(batch.cov[:, 0, 0] + batch.cov[:, 1, 1]))
        ti, mj = self._candidates(batch.time, batch.xy, max_var, rows)
        if ti.size == 0:
            return
        pred = self._pair_prediction(ti, batch.time[mj])
        nu = batch.xy[mj] - pred.x_comb[:, :2]
        d2, _ = mahalanobis2(nu, pred.p_comb[:, :2, :2] + batch.cov[mj])
        cost = np.where(d2 < self.config.gate, d2 - self.config.gate - 1e-6, np.inf)
        ta, ma = gnn(ti, mj, cost, len(tab), len(batch))
        if ta.size == 0:
            return
        key = ti * len(batch) + mj
        key_order = np.argsort(key)
        sel = key_order[np.searchsorted(key, ta * len(batch) + ma, sorter=key_order)]
        self._apply(pred, sel, ta, batch.xy[ma], batch.cov[ma], batch.time[ma])
        tab.field_updates[ta] += 1

    def _ais_batch(self, batch: AisBatch) -> None:
        tab = self.tracks
        cfg = self.config
        r_full = measurement_covariance(batch, cfg.ais)
        n = len(batch)
        row_of = np.full(n, -1, dtype=np.int64)
        if len(tab):
            bound = np.flatnonzero(tab.mmsi > 0)
            order = np.argsort(tab.mmsi[bound])
            sorted_mmsi = tab.mmsi[bound][order]
            pos = np.searchsorted(sorted_mmsi, batch.mmsi)
            pos_c = np.minimum(pos, max(sorted_mmsi.size - 1, 0))
            found = (
                (sorted_mmsi.size > 0) & (sorted_mmsi[pos_c] == batch.mmsi)
                if sorted_mmsi.size
                else np.zeros(n, bool)
            )
            if sorted_mmsi.size:
                row_of[found] = bound[order[pos_c[found]]]
            # A bound report far outside its track's gate means the binding went wrong: release it.
            b = np.flatnonzero(row_of >= 0)
            if b.size:
                pred = self._pair_prediction(row_of[b], batch.time[b])
                nu = batch.xy[b] - pred.x_comb[:, :2]
                d2, _ = mahalanobis2(nu, pred.p_comb[:, :2, :2] + r_full[b, :2, :2])
                bad = d2 > 10.0 * cfg.gate
                tab.mmsi[row_of[b[bad]]] = 0
                row_of[b[bad]] = -1
            unbound = np.flatnonzero(row_of < 0)
            free_rows = np.flatnonzero(tab.mmsi == 0)
            if unbound.size and free_rows.size:
                ti, mj = self._candidates(batch.time[unbound], batch.xy[unbound], 50.0, free_rows)
                if ti.size:
                    pred = self._pair_prediction(ti, batch.time[unbound][mj])
                    nu = batch.xy[unbound][mj] - pred.x_comb[:, :2]
                    d2, _ = mahalanobis2(nu, pred.p_comb[:, :2, :2] + r_full[unbound][mj][:, :2, :2])
                    cost = np.where(d2 < cfg.gate, d2 - cfg.gate - 1e-6, np.inf)
                    ta, ma = gnn(ti, mj, cost, len(tab), unbound.size)
                    row_of[unbound[ma]] = ta
                    tab.mmsi[ta] = batch.mmsi[unbound[ma]]
                    tab.confirmed[ta] = True
        upd = np.flatnonzero(row_of >= 0)
        # one report per track per batch (a vessel reports every 2–10 s, a batch spans 0.3 s)
        _, first = np.unique(row_of[upd], return_index=True)
        upd = upd[first]
        if upd.size:
            rows = row_of[upd]
            pred = self._pair_prediction(rows, batch.time[upd])
            has_v = np.isfinite(batch.vel[upd]).all(axis=1)
            for mask, d in ((has_v, 4), (~has_v, 2)):
                sel = np.flatnonzero(mask)
                if sel.size:
                    z = np.column_stack([batch.xy[upd[sel]], np.nan_to_num(batch.vel[upd[sel]])])[:, :d]
                    self._apply(pred, sel, rows[sel], z, r_full[upd[sel]][:, :d, :d], batch.time[upd[sel]])
            tab.last_ais[rows] = batch.time[upd]
            tab.ais_updates[rows] += 1
        new = np.flatnonzero(row_of < 0)
        if new.size:
            _, first = np.unique(batch.mmsi[new], return_index=True)
            new = new[first]
            k = new.size
            m = len(self.config.models.models)
            x = np.zeros((k, m, 4))
            x[:, :, :2] = batch.xy[new][:, None, :]
            x[:, :, 2:] = np.nan_to_num(batch.vel[new])[:, None, :]
            p = np.repeat(r_full[new][:, None], m, axis=1)
            no_v = ~np.isfinite(batch.vel[new]).all(axis=1)
            p[no_v, :, 2, 2] = p[no_v, :, 3, 3] = self.config.management.initial_speed_sigma_mps**2
            mu = np.repeat(self._init_mu[None, :], k, axis=0)
            self.tracks.append(x, p, mu, batch.time[new], np.ones(k, dtype=bool), batch.mmsi[new], None)
            tab = self.tracks
            tab.last_ais[-k:] = batch.time[new]
