"""The store writes of file ingest (rejects ledger, positions, vessel states) in a child process.

Why a process and not a thread: measured (docs/benchmarks.md, ``bench/ais_ingest.py``), a writer thread
hardly overlapped the decoding. sqlite3's ``executemany`` releases the GIL around each row's step but
must take it back to bind the next row, and while the decoding thread runs Python a thread waiting for
the GIL gets it only after the switch interval — once per row. A child process has its own interpreter:
the decoder (parent) and the database writer (child) really run on two cores.

What crosses: plain rows (tuples and dicts: ``PictureStore.rows``, ``RejectsLedger.take_rows``), one
batch in flight (``submit`` waits for the previous batch's answer: memory bounded, back-pressure). Each
batch is one transaction in the child; an error there comes back and is raised by ``wait`` in the
parent. The child opens its own engine on the same URL (the schema is already migrated by the parent)
and never touches connections inherited from the parent. Durability is unchanged: a line is
acknowledged when the input log is fsync'd, before it is decoded; the store is derived from the log
(positions are idempotent on ``log_seq``), and everything is written when ``close`` returns.
"""

from __future__ import annotations

import contextlib
import multiprocessing
from multiprocessing.connection import Connection
from types import TracebackType
from typing import Any

from sqlalchemy import Engine

from watchkeeper.ingest.ledger import RejectsLedger
from watchkeeper.picture.store import PictureStore
from watchkeeper.store.db import make_engine

Rows = list[tuple[object, ...]]


def _in_memory(engine: Engine) -> bool:
    return engine.dialect.name == "sqlite" and engine.url.database in (None, "", ":memory:")


def _serve(url: str, pipe: Connection) -> None:
    engine = make_engine(url)
    store = PictureStore(engine)
    try:
        while True:
            batch = pipe.recv()
            if batch is None:
                break
            rejects, positions, vessels = batch
            try:
                with engine.begin() as conn:
                    RejectsLedger.write_rows(conn, rejects)
                    store.write_rows(conn, positions, vessels)
            except Exception as exc:  # sent back: the parent raises it
                pipe.send(f"{type(exc).__name__}: {exc}")
            else:
                pipe.send(None)
    finally:
        engine.dispose()
        pipe.close()


class StoreProcess:
    """Writes batches of rows in a child process, one batch in flight. An in-memory SQLite database
    cannot be shared with a child: then the rows are written here, synchronously."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._store = PictureStore(engine)
        self._pipe: Connection | None = None
        self._process: Any = None
        self._in_flight = False
        if not _in_memory(engine):
            ctx = multiprocessing.get_context("fork")  # no re-import: the child starts at once
            self._pipe, child = ctx.Pipe()
            url = engine.url.render_as_string(hide_password=False)
            self._process = ctx.Process(target=_serve, args=(url, child), name="ais-store", daemon=True)
            self._process.start()
            child.close()

    def submit(self, rejects: list[dict[str, object]], positions: Rows, vessels: Rows) -> None:
        """Write one batch (after the previous one is written)."""
        self.wait()
        if self._pipe is None:
            with self._engine.begin() as conn:
                RejectsLedger.write_rows(conn, rejects)
                self._store.write_rows(conn, positions, vessels)
            return
        self._pipe.send((rejects, positions, vessels))
        self._in_flight = True

    def wait(self) -> None:
        """Block until the batch in flight is written; raises what the child met."""
        if not self._in_flight or self._pipe is None:
            return
        self._in_flight = False
        try:
            error = self._pipe.recv()
        except EOFError:
            raise RuntimeError("the store process ended before writing its batch") from None
        if error is not None:
            raise RuntimeError(f"store process: {error}")

    def close(self) -> None:
        try:
            self.wait()
        finally:
            if self._pipe is not None:
                with contextlib.suppress(OSError):  # the child is gone already
                    self._pipe.send(None)
                self._pipe.close()
                self._pipe = None
                self._process.join(timeout=60)

    def __enter__(self) -> StoreProcess:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()
