"""The service under load: ``watchkeeper serve``'s runtime and app, plus a plot-row listener per radar.

    python bench/_load_service.py --port 8123 --ais-tcp 127.0.0.1:PORT --radar-rows-tcp 127.0.0.1:PORT ...

The same ``Runtime``, ``create_app`` and ``--ais-tcp`` listener as ``watchkeeper serve`` (settings from
``WATCHKEEPER_*``); ``serve`` has no live listener for radar plot rows (the demo feeds them in process), so
this adds one: each ``--radar-rows-tcp`` connection's lines (scenario CSV rows) go through the runtime's
radar ingestor exactly as the demo's do (input log and fsync, decoding, rejects ledger,
``obs.radar.<sensor>``). Nothing else differs from ``serve``.
"""

from __future__ import annotations

import argparse
from datetime import datetime

from watchkeeper.api.app import create_app
from watchkeeper.api.cli import _run_server
from watchkeeper.api.listeners import add_ais_listeners, parse_host_port
from watchkeeper.api.runtime import Runtime
from watchkeeper.core.clock import SystemClock
from watchkeeper.core.settings import Settings
from watchkeeper.ingest.transports import read_tcp


def add_radar_row_listener(runtime: Runtime, host: str, port: int) -> None:
    clock = SystemClock()

    async def on_rows(source: str, lines: list[bytes], received: datetime) -> None:
        assert runtime.radar is not None, "no radars configured (WATCHKEEPER_RADARS_FILE)"
        await runtime.radar.ingest_rows(source, lines, received)

    async def reader(rt: Runtime) -> None:
        await read_tcp(host, port, on_rows, clock)

    runtime.add_task(f"radar-rows-tcp-{host}:{port}", reader)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--ais-tcp", default=None)
    parser.add_argument("--radar-rows-tcp", action="append", default=[])
    args = parser.parse_args()
    runtime = Runtime(Settings())
    add_ais_listeners(runtime, tcp=args.ais_tcp)
    for text in args.radar_rows_tcp:
        host, port = parse_host_port(text)
        add_radar_row_listener(runtime, host, port)
    _run_server(create_app(runtime.settings, runtime), "127.0.0.1", args.port)


if __name__ == "__main__":
    main()
