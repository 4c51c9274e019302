from datetime import UTC, datetime, timedelta

import pytest

from watchkeeper.core.clock import EventClock, FixedClock
from watchkeeper.core.errors import ConfigError
from watchkeeper.core.settings import Settings

T0 = datetime(2026, 10, 5, 2, 0, tzinfo=UTC)


def test_event_clock_is_monotonic_and_ignores_late_data() -> None:
    clock = EventClock()
    assert not clock.started
    with pytest.raises(LookupError):
        clock.now()
    clock.observe(T0)
    clock.observe(T0 + timedelta(seconds=10))
    clock.observe(T0 + timedelta(seconds=5))  # late arrival never rewinds event time
    assert clock.now() == T0 + timedelta(seconds=10)


def test_fixed_clock_refuses_naive_time() -> None:
    with pytest.raises(ValueError):
        FixedClock(datetime(2026, 1, 1))
    assert FixedClock(T0).now() == T0


def test_production_refuses_development_secret_and_simulated_sources() -> None:
    with pytest.raises(ConfigError):
        Settings(environment="production", allow_simulated=False)
    with pytest.raises(ConfigError):
        Settings(environment="production", secret_key="x" * 40, allow_simulated=True)
    ok = Settings(environment="production", secret_key="x" * 40, allow_simulated=False)
    assert ok.environment == "production"


def test_default_database_is_sqlite_in_data_dir(tmp_path) -> None:  # type: ignore[no-untyped-def]
    s = Settings(data_dir=tmp_path)
    assert s.effective_database_url == f"sqlite:///{(tmp_path / 'watchkeeper.db').resolve()}"
    assert Settings(database_url="postgresql://x/y").effective_database_url == "postgresql://x/y"
