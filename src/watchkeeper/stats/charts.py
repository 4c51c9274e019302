"""Charts of the figures (matplotlib, Agg backend): people and boats per period, people per boat,
French-prevented people where published. Written as PNG and SVG (``<stem>.png``, ``<stem>.svg``);
SVG metadata carries no date so the same data gives the same file."""

from __future__ import annotations

from pathlib import Path

import pandas as pd


def figures_chart(table: pd.DataFrame, stem: Path, title: str = "") -> list[Path]:
    """Bars of people (left axis) and a line of boats (right axis) per period of ``table``."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label = table.columns[0]
    x = range(len(table))
    fig, ax = plt.subplots(figsize=(max(6.0, min(18.0, 0.25 * len(table) + 4)), 4.5))
    people = table["migrants_arrived"].astype(float)
    ax.bar(x, people, color="#3b6ea5", label="people arrived (Home Office)")
    prevented = table["migrants_prevented_fr"].astype(float)
    if prevented.notna().any():
        ax.bar(x, prevented.fillna(0), color="#e0a030", alpha=0.7, label="people prevented (French estimate)")
    ax.set_ylabel("people")
    ax2 = ax.twinx()
    ax2.plot(
        list(x), table["boats_arrived"].astype(float), color="#b03030", marker=".", label="boats arrived"
    )
    ax2.set_ylabel("boats")
    step = max(1, len(table) // 24)
    ax.set_xticks(list(x)[::step])
    ax.set_xticklabels([str(v) for v in table[label]][::step], rotation=60, ha="right", fontsize=8)
    handles = ax.get_legend_handles_labels()[0] + ax2.get_legend_handles_labels()[0]
    labels = ax.get_legend_handles_labels()[1] + ax2.get_legend_handles_labels()[1]
    ax.legend(handles, labels, loc="upper left", fontsize=8)
    ax.set_title(title or f"Small-boat arrivals by {label}")
    fig.tight_layout()
    stem.parent.mkdir(parents=True, exist_ok=True)
    paths = [stem.with_suffix(".png"), stem.with_suffix(".svg")]
    fig.savefig(paths[0], dpi=120)
    fig.savefig(paths[1], metadata={"Date": None})
    plt.close(fig)
    return paths
