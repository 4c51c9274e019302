"""Rule settings: declared with unit, bounds and a sentence; overrides checked against them."""

from __future__ import annotations

import pytest

from watchkeeper.alerts.config import AlertSettings, declared
from watchkeeper.alerts.types import RuleName
from watchkeeper.core.errors import ConfigError

RULE_GROUPS = {"engine", "incidents", "field", "zones"} | (
    {r.value for r in RuleName} - {"uk_waters", "fr_waters"}
)


def test_every_setting_is_declared_with_unit_bounds_and_a_sentence() -> None:
    AlertSettings()  # loads every declaration
    settings = declared()
    assert len(settings) >= 40
    groups = {s.rule for s in settings}
    assert groups == RULE_GROUPS, groups ^ RULE_GROUPS
    for s in settings:
        assert s.description.endswith((".", ")")) and len(s.description) > 30, s.key
        if not isinstance(s.default, bool):
            assert s.unit, s.key
            assert s.minimum is not None and s.maximum is not None and s.minimum <= s.default <= s.maximum, (
                s.key
            )


def test_overrides_are_checked_against_the_declarations() -> None:
    s = AlertSettings(
        {"cpa.max_cpa_nm": 0.3, "ais_gap.min_prior_reports": 3, "zones.small_craft_only": False}
    )
    assert s.number("cpa.max_cpa_nm") == 0.3
    assert s["ais_gap.min_prior_reports"] == 3 and isinstance(s["ais_gap.min_prior_reports"], int)
    assert s.flag("zones.small_craft_only") is False
    assert s.for_rule("cpa")["max_cpa_nm"] == 0.3
    with pytest.raises(ConfigError, match=r"unknown alert setting 'cpa\.max_cpa'"):
        AlertSettings({"cpa.max_cpa": 1.0})
    with pytest.raises(ConfigError, match=r"outside \[0.05, 5.0\] nm"):
        AlertSettings({"cpa.max_cpa_nm": 9.0})
    with pytest.raises(ConfigError, match="expected a number"):
        AlertSettings({"distress.max_speed_kn": "slow"})
    with pytest.raises(ConfigError, match="expected true/false"):
        AlertSettings({"zones.small_craft_only": 1})
    with pytest.raises(ConfigError, match="whole number"):
        AlertSettings({"ais_gap.min_prior_reports": 2.5})
