"""Every rule and every setting is documented in docs/design.md (Datasette's docs-checked-by-tests habit)."""

from __future__ import annotations

from pathlib import Path

from watchkeeper.alerts.config import AlertSettings, declared
from watchkeeper.alerts.types import RuleName

DESIGN = Path(__file__).resolve().parents[2] / "docs" / "design.md"


def test_every_rule_and_setting_is_in_the_design_notes() -> None:
    text = DESIGN.read_text(encoding="utf-8")
    AlertSettings()
    missing = [s.key for s in declared() if f"`{s.key}`" not in text]
    assert missing == [], f"undocumented settings: {missing}"
    rules = [r.value for r in RuleName if f"`{r.value}`" not in text]
    assert rules == [], f"undocumented rules: {rules}"
    for s in declared():  # the table shows the default in force
        row = next(line for line in text.splitlines() if line.startswith(f"| `{s.key}` |"))
        shown = row.split("|")[2].strip()
        expected = str(s.default).lower() if isinstance(s.default, bool) else f"{s.default:g}"
        assert shown == expected, (s.key, shown, expected)
