"""The rules, registered in one place (Datasette's ``hookspecs`` idea): ``default_rules`` builds them all.

Importing this package declares every rule's settings (``alerts.config.declare``).
"""

from __future__ import annotations

from watchkeeper.alerts.rules.ais import AisGapRule, AisSpoofingRule
from watchkeeper.alerts.rules.base import Rule
from watchkeeper.alerts.rules.cpa import CpaRule
from watchkeeper.alerts.rules.departure import DepartureRule
from watchkeeper.alerts.rules.distress import DistressRule, LostContactRule
from watchkeeper.alerts.rules.loitering import LoiteringRule
from watchkeeper.alerts.rules.tss import TssCrossingRule
from watchkeeper.alerts.rules.zones import ZoneRule

__all__ = ["Rule", "default_rules"]


def default_rules() -> list[Rule]:
    """A fresh instance of every rule (each keeps its own per-subject memory)."""
    return [
        DepartureRule(),
        ZoneRule(),
        TssCrossingRule(),
        CpaRule(),
        DistressRule(),
        LostContactRule(),
        AisGapRule(),
        AisSpoofingRule(),
        LoiteringRule(),
    ]
