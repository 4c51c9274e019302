"""Small-boat incidents: lifecycle, persons, outcome, linked tracks and alerts, notes, timeline.

``daily_outcomes`` gives the cell's daily outcome figures (incidents, persons landed in the UK, returned
to France, rescued, lost contact) for the statistics to show beside the Home Office series;
``incidents.store.IncidentStore(engine).outcome_provider()`` serves them in the form of
``stats.outcomes.OutcomeProvider`` (one row per day and marking).
"""

from __future__ import annotations

from watchkeeper.incidents.daily import DailyOutcome, as_outcome_mapping, daily_outcomes

__all__ = ["DailyOutcome", "as_outcome_mapping", "daily_outcomes"]
