"""A documented tidal-stream approximation for the Dover Strait (used when no current file is given).

The strait's streams are rectilinear and dominate drift there, so a uniform two-constituent stream
along the strait axis is the least that can be run without an ocean model:

``u(t) = A(t) cos(phase_HW_Dover(t) - w_M2 lag)``   (m/s, + = toward 035°), with
``A(t)`` between U_M2 + U_S2 (springs) and U_M2 − U_S2 (neaps) over the spring–neap cycle
(``TidalStream.along_axis_ms`` has the exact form).

* **Constituents.** M2 (28.9841042 °/h, 12.42 h) and S2 (30 °/h, 12 h): their beat gives the
  spring–neap cycle (14.77 days). Nothing else (no N2 perigee modulation, no diurnal inequality,
  no M4 asymmetry between flood and ebb, no nodal 18.6-year modulation, about ±4%).
* **Axis and rates.** Admiralty Sailing Directions (Dover Strait Pilot, NP 28, UKHO), stream data
  for the position 5.4 miles 082° from South Foreland lighthouse, south-west of South Sand Head (the
  open strait off Dover): north-east-going stream mean direction 035°, spring rate 2.3 kn, neap
  1.3 kn, begins −0200 HW Dover; south-west-going 214°, spring 2.2 kn, neap 1.2 kn, begins +0400
  HW Dover (text reproduced, British Crown Copyright, at
  https://visitmyharbour.com/articles/3171/hourly-tidal-streams-in-the-dover-strait). The same
  source gives 3.2/1.7 kn (020°/197°) 3.5 miles off Ramsgate: rates vary across the area. The
  Channel Swimming Association's guidance (https://www.channelswimmingassociation.com/swim-advice/
  channel-tides) puts the north-east-going (flood) stream from HW Dover −1.5 h to +4.5 h, i.e. the
  same timing within half an hour. Hence U_M2 = (2.3+1.3)/2 = 1.8 kn, U_S2 = (2.3−1.3)/2 = 0.5 kn
  (spring = M2+S2, neap = M2−S2), axis 035°/215°.
* **Timing.** The NE-going stream runs HW Dover −2 h to +4 h, so it peaks near HW Dover +1 h
  (``lag``). HW Dover is taken from HW Calais with the standard-port difference of the almanacs,
  HW Calais = HW Dover +0048.
* **Height phases (Calais).** ``p`` is the phase at the epoch 2026-01-01T00:00Z of
  ``cos(w t − p)`` with ``t`` in hours since the epoch. They were fitted by least squares (heights
  at high water, and zero slope there) to the 14 Calais high waters of 2026-09-29..10-05 in
  ``../shared/data/weather/tide_predictions_boulogne_calais_*.csv`` (SHOM-style predictions; see
  its PROVENANCE). Fitted to high waters only: the Channel tide is not a sine (shallow-water
  constituents make the rise shorter than the fall), and a fit to both high and low waters puts
  every high water ~30 min late. The fit reproduces those high waters within ±10 min; its
  spring–neap envelope puts neaps about half a day after the minimum of the published tide
  coefficients (both checked in ``tests/sar/test_tidal.py``). A week's data cannot separate M2
  from S2 as a year's analysis would; the nodal modulation and N2 (the anomalistic month) are
  absent, so the phase may drift by tens of minutes and the range by ~20% away from that week.
  The product never reads that file: the constants are here.

Limits (``LIMITS_TEXT``) are returned with every result that used this approximation.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import numpy.typing as npt

KNOT_MS = 1852.0 / 3600.0
EPOCH = datetime(2026, 1, 1, tzinfo=UTC)
M2_DEG_PER_H = 28.9841042
S2_DEG_PER_H = 30.0

#: Calais height phases at EPOCH (degrees) and S2/M2 amplitude ratio (1.965 m and 0.988 m), fitted
#: to the high waters (see module docstring). The ratio is an effective one for locating high water
#: (it absorbs what two constituents cannot say), not a harmonic constant of Calais.
CALAIS_M2_PHASE_DEG = 261.7
CALAIS_S2_PHASE_DEG = 355.9
CALAIS_S2_M2_HEIGHT_RATIO = 0.503
#: HW Calais = HW Dover + 0h48 (standard-port difference, Admiralty/Reeds almanac).
CALAIS_AFTER_DOVER_H = 0.8

#: Box (lon min, lat min, lon max, lat max) where a single strait-axis stream is a fair first
#: guess: between Dungeness/Le Touquet and the Downs/Dunkirk approaches. Outside it the streams
#: turn (east-west in the Channel, north-south in the Downs): refuse, ask for a current file.
STRAIT_BOX = (0.7, 50.45, 2.5, 51.35)

LIMITS_TEXT = (
    "Currents: tidal-stream approximation, not an ocean model. One uniform rectilinear stream "
    "along 035°/215° true (M2 + S2, spring 2.3 kn, neap 1.3 kn, NE-going peak near HW Dover +1 h), "
    "from Admiralty stream data off South Foreland (Dover Strait Pilot NP 28, UKHO). Not modelled: "
    "stronger streams off Cap Gris-Nez and over the banks, weaker streams and eddies near the "
    "coasts and in bays, the turn of the stream at different times across the strait, the "
    "asymmetry of flood and ebb, wind-driven and residual currents, waves (Stokes drift), "
    "surges. Phase checked to ±10 min of high water at Calais in one week of predictions (it may "
    "drift by tens of minutes in other weeks); spring-neap timing to about ±1 day; rates could be "
    "wrong by 30-50% locally. Valid only in the strait box 0.7-2.5°E, 50.45-51.35°N. Treat search "
    "areas as first guesses and "
    "supply an ocean-model current file (CF NetCDF) when one is available."
)


@dataclass(frozen=True, slots=True)
class TidalStream:
    """Rectilinear M2+S2 stream along ``axis_deg`` (degrees true, direction toward which it sets).

    Rates in m/s; ``lag_after_hw_dover_h`` is when the stream toward ``axis_deg`` peaks, in hours
    after HW Dover.
    """

    axis_deg: float = 35.0
    m2_rate_ms: float = 1.8 * KNOT_MS
    s2_rate_ms: float = 0.5 * KNOT_MS
    lag_after_hw_dover_h: float = 1.0
    calais_m2_phase_deg: float = CALAIS_M2_PHASE_DEG
    calais_s2_phase_deg: float = CALAIS_S2_PHASE_DEG
    calais_after_dover_h: float = CALAIS_AFTER_DOVER_H
    height_s2_m2_ratio: float = CALAIS_S2_M2_HEIGHT_RATIO

    def _dover_phases_rad(self) -> tuple[float, float]:
        # eta_Dover(t) = eta_Calais(t + d): the Dover phase is the Calais phase minus w*d.
        d = self.calais_after_dover_h
        p_m2 = np.deg2rad(self.calais_m2_phase_deg - M2_DEG_PER_H * d)
        p_s2 = np.deg2rad(self.calais_s2_phase_deg - S2_DEG_PER_H * d)
        return float(p_m2), float(p_s2)

    def dover_height_shape(self, hours: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Relative Dover tide curve (M2 + S2 with the fitted height ratio): its maxima are HW Dover."""
        t = np.asarray(hours, dtype=float)
        p_m2, p_s2 = self._dover_phases_rad()
        ratio = self.height_s2_m2_ratio
        w_m2, w_s2 = np.deg2rad(M2_DEG_PER_H), np.deg2rad(S2_DEG_PER_H)
        return np.asarray(np.cos(w_m2 * t - p_m2) + ratio * np.cos(w_s2 * t - p_s2), dtype=float)

    def along_axis_ms(self, hours: npt.ArrayLike) -> npt.NDArray[np.float64]:
        """Stream speed (m/s, signed: + toward ``axis_deg``) at ``hours`` since EPOCH.

        The stream is phased on HW Dover, as the Admiralty's stream data are: with the Dover tide's
        phasor ``z = e^{i(w_M2 t - p_M2)} + r e^{i(w_S2 t - p_S2)}`` (``arg z = 0`` at high water), the
        stream is ``A(t) cos(arg z - w_M2 lag)``, peaking ``lag`` hours after each high water, with the
        spring–neap amplitude ``A(t) = |U_M2 + U_S2 e^{i((w_S2 - w_M2) t - (p_S2 - p_M2))}|``: U_M2 + U_S2
        at springs, U_M2 − U_S2 at neaps.
        """
        t = np.asarray(hours, dtype=float)
        p_m2, p_s2 = self._dover_phases_rad()
        w_m2, w_s2 = np.deg2rad(M2_DEG_PER_H), np.deg2rad(S2_DEG_PER_H)
        z = np.exp(1j * (w_m2 * t - p_m2)) + self.height_s2_m2_ratio * np.exp(1j * (w_s2 * t - p_s2))
        spring_phase = (w_s2 - w_m2) * t - (p_s2 - p_m2)
        amplitude = np.abs(self.m2_rate_ms + self.s2_rate_ms * np.exp(1j * spring_phase))
        u = amplitude * np.cos(np.angle(z) - w_m2 * self.lag_after_hw_dover_h)
        return np.asarray(u, dtype=float)

    def velocity_ms(self, when: datetime) -> tuple[float, float]:
        """Eastward and northward stream (m/s) at ``when`` (tz-aware UTC)."""
        u = float(self.along_axis_ms(hours_since_epoch(when)))
        axis = np.deg2rad(self.axis_deg)
        return u * float(np.sin(axis)), u * float(np.cos(axis))


def hours_since_epoch(when: datetime) -> float:
    """Hours from EPOCH to ``when``; a naive datetime is taken as UTC."""
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return (when - EPOCH).total_seconds() / 3600.0


def in_strait(lon: float, lat: float) -> bool:
    """Whether (lon, lat) lies in ``STRAIT_BOX``, where the approximation may be used."""
    lon0, lat0, lon1, lat1 = STRAIT_BOX
    return lon0 <= lon <= lon1 and lat0 <= lat <= lat1
