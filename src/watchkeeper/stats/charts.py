"""Charts of the figures, exported as PNG and SVG (matplotlib's object API: no pyplot global state, so
the API can draw from several threads).

Kinds (``CHART_KINDS``): ``arrivals`` (people as bars, boats as a line), ``people_per_boat``,
``landings`` (boats and those in uncontrolled landings), ``prevented`` (French-prevented people as
bars, prevented events as a line; published from 2024-05 only), ``outcomes`` (the cell's incident
outcomes, when the table has them). A period with no source value is a gap, never a zero bar.

SVG and PNG carry no date or software stamp. The source is credited on every chart.
"""

from __future__ import annotations

import io
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd
from matplotlib.axes import Axes
from matplotlib.figure import Figure

from watchkeeper.core.errors import ConfigError
from watchkeeper.stats.outcomes import OUTCOME_FIELDS, PREFIX

ChartFormat = Literal["png", "svg"]
CHART_KINDS: dict[str, str] = {
    "arrivals": "People and boats arrived",
    "people_per_boat": "People per boat",
    "landings": "Boats arrived and boats in uncontrolled landings",
    "prevented": "Crossings prevented by France (French estimates)",
    "outcomes": "The cell's incident outcomes",
}
SOURCE_NOTE = (
    "Source: Home Office, 'Migrants detected crossing the English Channel in small boats' (provisional), "
    "Open Government Licence v3.0"
)
_PEOPLE, _BOATS, _AMBER, _GREY = "#3b6ea5", "#b03030", "#e0a030", "#7a8594"


def _series(table: pd.DataFrame, column: str) -> np.ndarray:
    return pd.to_numeric(table[column], errors="coerce").astype(float).to_numpy()


#: The column a chart cannot be drawn without.
_PRIMARY = {"arrivals": "migrants_arrived", "people_per_boat": "people_per_boat",
            "landings": "boats_arrived", "prevented": "migrants_prevented_fr"}  # fmt: skip


def _draw(fig: Figure, table: pd.DataFrame, kind: str) -> None:
    primary = _PRIMARY.get(kind)
    if primary is not None and (primary not in table.columns or np.isnan(_series(table, primary)).all()):
        raise ConfigError(f"no {primary} in this period (the source has none): nothing to chart")
    ax: Axes = fig.add_subplot(1, 1, 1)
    label = str(table.columns[0])
    x = np.arange(len(table))
    lines: list[tuple[object, str]] = []
    if kind == "arrivals":
        ax.bar(x, _series(table, "migrants_arrived"), color=_PEOPLE, label="people arrived")
        ax.set_ylabel("people")
        twin = ax.twinx()
        twin.plot(x, _series(table, "boats_arrived"), color=_BOATS, marker=".", label="boats arrived")
        twin.set_ylabel("boats")
        lines = [*zip(*twin.get_legend_handles_labels(), strict=True)]
    elif kind == "people_per_boat":
        ax.plot(x, _series(table, "people_per_boat"), color=_PEOPLE, marker=".", label="people per boat")
        ax.set_ylabel("people per boat")
    elif kind == "landings":
        ax.bar(x, _series(table, "boats_arrived"), color=_GREY, label="boats arrived")
        ax.bar(
            x, _series(table, "boats_uncontrolled_landings"), color=_BOATS,
            label="boats in uncontrolled landings (published from 2023)",
        )  # fmt: skip
        ax.set_ylabel("boats")
    elif kind == "prevented":
        ax.bar(
            x,
            _series(table, "migrants_prevented_fr"),
            color=_AMBER,
            label="people prevented (French estimate)",
        )
        ax.set_ylabel("people")
        twin = ax.twinx()
        twin.plot(
            x, _series(table, "events_prevented_fr"), color=_BOATS, marker=".", label="events prevented"
        )
        twin.set_ylabel("events")
        lines = [*zip(*twin.get_legend_handles_labels(), strict=True)]
    elif kind == "outcomes":
        cols = [f"{PREFIX}{c}" for c in OUTCOME_FIELDS if f"{PREFIX}{c}" in table.columns]
        if not cols:
            raise ConfigError("no incident outcomes in this table: the chart 'outcomes' needs them")
        width = 0.8 / len(cols)
        for i, col in enumerate(cols):
            ax.bar(x + (i - (len(cols) - 1) / 2) * width, _series(table, col), width=width,
                   label=col.removeprefix(PREFIX).replace("_", " "))  # fmt: skip
        ax.set_ylabel("count")
    else:
        raise ConfigError(f"unknown chart {kind!r}: one of {', '.join(CHART_KINDS)}")
    step = max(1, len(table) // 24)
    ax.set_xticks(x[::step])
    ax.set_xticklabels([str(v) for v in table[label]][::step], rotation=60, ha="right", fontsize=8)
    handles, names = ax.get_legend_handles_labels()
    for handle, name in lines:
        handles.append(handle)  # type: ignore[arg-type]
        names.append(name)
    ax.legend(handles, names, loc="upper left", fontsize=8)
    ax.set_title(f"{CHART_KINDS[kind]} by {label.replace('_', ' ')}")
    fig.text(0.01, 0.01, SOURCE_NOTE if kind != "outcomes" else "Source: the cell's incident log",
             fontsize=6, color=_GREY)  # fmt: skip


def render_chart(table: pd.DataFrame, kind: str = "arrivals", fmt: ChartFormat = "png") -> bytes:
    """The chart of ``table`` (a figures table) as PNG or SVG bytes."""
    if fmt not in ("png", "svg"):
        raise ConfigError(f"unknown chart format {fmt!r}: png or svg")
    if table.empty:
        raise ConfigError("no figures in this period: nothing to chart")
    fig = Figure(figsize=(max(6.0, min(18.0, 0.25 * len(table) + 4)), 4.5))
    _draw(fig, table, kind)
    fig.tight_layout(rect=(0, 0.03, 1, 1))
    buf = io.BytesIO()
    if fmt == "svg":
        fig.savefig(buf, format="svg", metadata={"Date": None})
    else:
        fig.savefig(buf, format="png", dpi=120, metadata={"Software": None})
    return buf.getvalue()


def figures_chart(table: pd.DataFrame, stem: Path, kind: str = "arrivals") -> list[Path]:
    """Write ``<stem>.png`` and ``<stem>.svg``; return both paths."""
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    for path in paths:
        path.write_bytes(render_chart(table, kind, "png" if path.suffix == ".png" else "svg"))
    return paths
