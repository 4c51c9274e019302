"""Rule settings declared with unit, bounds and a sentence (OpenDrift's ``_add_config`` idea).

Every rule declares its settings once (``declare``); ``AlertSettings`` holds the values in force, checks
overrides against the declarations (unknown key, wrong type or out of bounds is a ``ConfigError`` naming
the bounds) and hands each rule its own values. The thresholds a rule used are stored with every alert
it raises (``Alert.thresholds``), so an alert can be judged later against the settings of its time.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from watchkeeper.core.errors import ConfigError

Value = float | int | bool


@dataclass(frozen=True, slots=True)
class Setting:
    """One setting: ``rule.name``, default, unit (SI or nautical, spelled out), bounds, a sentence."""

    key: str
    default: Value
    unit: str
    minimum: float | None
    maximum: float | None
    description: str

    @property
    def rule(self) -> str:
        return self.key.split(".", 1)[0]

    @property
    def name(self) -> str:
        return self.key.split(".", 1)[1]

    def check(self, value: Any) -> Value:
        """``value`` coerced to the setting's type; ``ConfigError`` when it does not fit."""
        if isinstance(self.default, bool):
            if not isinstance(value, bool):
                raise ConfigError(f"{self.key}: expected true/false, got {value!r}")
            return value
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise ConfigError(f"{self.key}: expected a number ({self.unit}), got {value!r}")
        number: Value = int(value) if isinstance(self.default, int) else float(value)
        if isinstance(self.default, int) and number != value:
            raise ConfigError(f"{self.key}: expected a whole number, got {value!r}")
        if (self.minimum is not None and number < self.minimum) or (
            self.maximum is not None and number > self.maximum
        ):
            raise ConfigError(
                f"{self.key} = {value!r} {self.unit} is outside [{self.minimum}, {self.maximum}] {self.unit}"
            )
        return number


_DECLARED: dict[str, Setting] = {}


def declare(
    key: str,
    default: Value,
    unit: str,
    minimum: float | None,
    maximum: float | None,
    description: str,
) -> Setting:
    """Declare a setting (once per key, at import time of the rule module)."""
    setting = Setting(key, default, unit, minimum, maximum, description)
    if "." not in key:
        raise ValueError(f"setting key {key!r} must be 'rule.name'")
    if key in _DECLARED and _DECLARED[key] != setting:
        raise ValueError(f"setting {key!r} declared twice differently")
    setting.check(default)
    _DECLARED[key] = setting
    return setting


def declared(rule: str | None = None) -> list[Setting]:
    """Every declared setting (of ``rule`` when given), sorted by key."""
    return sorted((s for s in _DECLARED.values() if rule is None or s.rule == rule), key=lambda s: s.key)


class AlertSettings:
    """The values in force: the declared defaults, overridden by ``overrides`` (``{"rule.name": value}``)."""

    def __init__(self, overrides: Mapping[str, Any] | None = None) -> None:
        _load_rules()
        self._values: dict[str, Value] = {k: s.default for k, s in _DECLARED.items()}
        for key, value in (overrides or {}).items():
            if key not in _DECLARED:
                known = ", ".join(sorted(_DECLARED))
                raise ConfigError(f"unknown alert setting {key!r}; known: {known}")
            self._values[key] = _DECLARED[key].check(value)

    def __getitem__(self, key: str) -> Value:
        return self._values[key]

    def number(self, key: str) -> float:
        value = self._values[key]
        return float(value)

    def flag(self, key: str) -> bool:
        return bool(self._values[key])

    def for_rule(self, rule: str) -> dict[str, Value]:
        """The rule's settings without the rule prefix (what an alert stores as its thresholds)."""
        prefix = rule + "."
        return {k[len(prefix) :]: v for k, v in sorted(self._values.items()) if k.startswith(prefix)}

    def as_dict(self) -> dict[str, Value]:
        return dict(sorted(self._values.items()))

    def overridden(self, keys: Iterable[str]) -> dict[str, Value]:
        return {k: self._values[k] for k in keys}


def _load_rules() -> None:
    """Import the rule and incident modules so that their declarations exist (``declare`` on import)."""
    from watchkeeper.alerts import context, rules  # noqa: F401
    from watchkeeper.incidents import book  # noqa: F401
