"""Tables of the Home Office small-boat series (schema made by migration ``0002_stats_weather``).

Counts are persons (``migrants_*``), boats, or French-reported prevention events. ``None`` means the
source has no value ("-" in the published workbook), never zero. A revised row replaces the old one
(keyed by date, week or breakdown); ``revised`` keeps the source's "Revised" note.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, CheckConstraint, Date, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from watchkeeper.store.models import Base


class CrossingDay(Base):
    """SB_01: people and boats detected arriving in the UK on one UK-local date."""

    __tablename__ = "crossings_daily"
    date: Mapped[date] = mapped_column(Date, primary_key=True)
    migrants_arrived: Mapped[int] = mapped_column(Integer, nullable=False)
    boats_arrived: Mapped[int] = mapped_column(Integer, nullable=False)
    boats_uncontrolled_landings: Mapped[int | None] = mapped_column(Integer)
    revised: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str] = mapped_column(String(255), nullable=False)

    __table_args__ = (
        CheckConstraint("migrants_arrived >= 0 AND boats_arrived >= 0", name="ck_crossings_daily_counts"),
    )


class CrossingWeek(Base):
    """SB_02: weekly sums (week ending Sunday) and the French prevention estimates (from 2024-05)."""

    __tablename__ = "crossings_weekly"
    week_ending: Mapped[date] = mapped_column(Date, primary_key=True)
    migrants_arrived: Mapped[int] = mapped_column(Integer, nullable=False)
    boats_arrived: Mapped[int] = mapped_column(Integer, nullable=False)
    boats_uncontrolled_landings: Mapped[int | None] = mapped_column(Integer)
    migrants_prevented_fr: Mapped[int | None] = mapped_column(Integer)
    events_prevented_fr: Mapped[int | None] = mapped_column(Integer)
    revised: Mapped[bool] = mapped_column(Boolean, nullable=False, default=False)
    source: Mapped[str] = mapped_column(String(255), nullable=False)

    __table_args__ = (
        CheckConstraint("migrants_arrived >= 0 AND boats_arrived >= 0", name="ck_crossings_weekly_counts"),
    )


class CrossingQuarterBreakdown(Base):
    """Final quarterly detections by nationality, region, sex and age group (persons)."""

    __tablename__ = "crossings_quarterly"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    quarter_end_date: Mapped[date] = mapped_column(Date, nullable=False)
    year: Mapped[int] = mapped_column(Integer, nullable=False)
    quarter: Mapped[int] = mapped_column(Integer, nullable=False)
    method_of_entry: Mapped[str] = mapped_column(String(64), nullable=False)
    nationality: Mapped[str] = mapped_column(String(128), nullable=False)
    region: Mapped[str] = mapped_column(String(128), nullable=False)
    sex: Mapped[str] = mapped_column(String(32), nullable=False)
    age_group: Mapped[str] = mapped_column(String(32), nullable=False)
    number_of_detections: Mapped[int] = mapped_column(Integer, nullable=False)
    source: Mapped[str] = mapped_column(String(255), nullable=False)

    __table_args__ = (
        UniqueConstraint(
            "quarter_end_date", "method_of_entry", "nationality", "region", "sex", "age_group",
            name="uq_crossings_quarterly_breakdown",
        ),
        CheckConstraint("number_of_detections >= 0", name="ck_crossings_quarterly_count"),
    )  # fmt: skip
