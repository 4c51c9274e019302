"""Wiring the sharing capability into a running service (``api.runtime.Runtime``).

* ``open_field_ingestor(runtime)`` — the field intake (CoT and reports) on its own input log, at start.
* ``install_sharing(runtime)`` — CoT listeners (UDP, TCP, TLS; role ``ingest``) and the TAK publisher
  (role ``api``) as background tasks (publishing the AIS picture, dark radar tracks, open incidents,
  assets and the latest search areas: ``sharing.tak_sources``), from ``SharingSettings`` (environment
  ``WATCHKEEPER_COT_*``, ``WATCHKEEPER_TAK_*``); nothing when none is set (tests, the demo).

Settings: ``COT_HOST`` (default ``0.0.0.0``), ``COT_UDP_PORT``, ``COT_TCP_PORT``, ``COT_TLS_PORT`` +
``COT_TLS_CERT``/``COT_TLS_KEY`` (+ ``COT_TLS_CLIENT_CA`` for mutual TLS), ``COT_MARKING`` (marking of
what the listeners receive, default ``UK-ONLY``), ``TAK_DESTINATIONS`` (JSON list of
``{"name", "url", "clearance", "protocol", "tls": {...}}``), ``TAK_INTERVAL_S`` (default 5).
"""

from __future__ import annotations

from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import Field, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

from watchkeeper.assets.registry import AssetRegistry
from watchkeeper.core.clock import SystemClock
from watchkeeper.core.marking import DEFAULT_MARKING, parse_marking
from watchkeeper.ingest.cot.intake import FieldIngestor, FieldIntake, field_log_dir
from watchkeeper.ingest.cot.transports import CotStreamListener, CotUdpListener, tls_server_context
from watchkeeper.ingest.inputlog import InputLog
from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.sharing.tak import PictureSource, TakDestination, TakPublisher
from watchkeeper.sharing.tak_sources import cell_sources

if TYPE_CHECKING:
    from watchkeeper.api.runtime import Runtime

__all__ = ["FieldIngestor", "SharingSettings", "install_sharing", "open_field_ingestor"]


class SharingSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="WATCHKEEPER_", extra="ignore")

    cot_host: str = Field("0.0.0.0", description="address the CoT listeners bind")
    cot_udp_port: int | None = Field(None, ge=1, le=65535, description="CoT over UDP (XML or TAK mesh)")
    cot_tcp_port: int | None = Field(None, ge=1, le=65535, description="CoT over TCP (XML or TAK stream)")
    cot_tls_port: int | None = Field(None, ge=1, le=65535, description="CoT over TLS")
    cot_tls_cert: Path | None = Field(None, description="server certificate (PEM) for the TLS listener")
    cot_tls_key: Path | None = Field(None, description="its private key (PEM)")
    cot_tls_client_ca: Path | None = Field(None, description="CA of client certificates: mutual TLS when set")
    cot_marking: str = Field(DEFAULT_MARKING.value, description="marking of what the CoT listeners receive")
    tak_destinations: list[dict[str, Any]] = Field(default_factory=list, description="TAK out (JSON list)")
    tak_interval_s: float = Field(5.0, ge=0.5, le=600.0, description="seconds between TAK publications")

    @field_validator("cot_marking")
    @classmethod
    def _marking(cls, v: str) -> str:
        return parse_marking(v).value


def open_field_ingestor(runtime: Runtime, log_name: str | None = None) -> FieldIngestor:
    """The field intake. An api process without the ingest role files observer reports (they arrive over
    HTTP) through its own input log (``log_name``): one input log has one writer."""
    sharing = runtime.sharing
    log_dir = field_log_dir(runtime.settings.data_dir)
    if log_name is not None:
        log_dir = log_dir.with_name(log_name)
    intake = FieldIntake(
        InputLog(log_dir),
        RejectsLedger(runtime.engine),
        sharing.field,
        marking_for=lambda source: sharing.cot_marking,
    )
    return FieldIngestor(intake, runtime.bus)


def install_sharing(runtime: Runtime, settings: SharingSettings | None = None) -> TakPublisher | None:
    """Register the configured CoT listeners and TAK publisher; ``ValueError`` on bad settings. Returns
    the publisher (``runtime.tak``: other capabilities add their ``CotSource`` to it), if configured."""
    settings = settings or SharingSettings()
    runtime.sharing.cot_marking = settings.cot_marking
    clock = SystemClock()  # receive time is stamped at the edge

    async def on_units(source: str, units: list[bytes], received: datetime) -> None:
        assert runtime.field is not None
        await runtime.field.ingest_cot(source, units, received)

    async def on_end(source: str) -> None:
        if runtime.field is not None:
            await runtime.field.finish(source)

    host = settings.cot_host
    if settings.cot_udp_port is not None:
        udp = CotUdpListener(host, settings.cot_udp_port, on_units, clock)
        runtime.add_task(f"cot-udp-{udp.port}", lambda rt: udp.serve(), role="ingest")
    if settings.cot_tcp_port is not None:
        tcp = CotStreamListener(host, settings.cot_tcp_port, on_units, clock, on_end=on_end)
        runtime.add_task(f"cot-tcp-{tcp.port}", lambda rt: tcp.serve(), role="ingest")
    if settings.cot_tls_port is not None:
        if settings.cot_tls_cert is None or settings.cot_tls_key is None:
            raise ValueError("WATCHKEEPER_COT_TLS_PORT needs WATCHKEEPER_COT_TLS_CERT and _KEY")
        ctx = tls_server_context(settings.cot_tls_cert, settings.cot_tls_key, settings.cot_tls_client_ca)
        tls = CotStreamListener(host, settings.cot_tls_port, on_units, clock, ssl_context=ctx, on_end=on_end)
        runtime.add_task(f"cot-tls-{tls.port}", lambda rt: tls.serve(), role="ingest")
    if settings.tak_destinations:
        destinations = [TakDestination(**d) for d in settings.tak_destinations]
        publisher = TakPublisher(
            destinations,
            [
                PictureSource(runtime.picture, runtime.sharing.vessel_marking),
                *cell_sources(
                    runtime.engine,
                    lambda: runtime.sharing.resolve_tracks(runtime.latest_tracks),
                    AssetRegistry(runtime.engine, runtime.wall_clock),
                    lambda: runtime.clock,
                ),
            ],
        )
        interval = settings.tak_interval_s
        runtime.add_task("tak-out", lambda rt: publisher.run(interval), role="api")
        return publisher
    return None
