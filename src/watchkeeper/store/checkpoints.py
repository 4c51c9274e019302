"""Worker checkpoints (table ``worker_checkpoints``, revision 0010).

One row per name: the sequence a worker's position covers and, for the stateful workers (tracker,
alerts), their state at that sequence, pickled. The ingest role keeps its publish watermark here (the
last input-log sequence published on the bus, no state).

``format`` names what wrote the state (the worker's own format string, which it changes when its state
changes shape): a checkpoint of another format is not unpickled — the worker starts fresh from that
sequence and says so. Pickle is acceptable here because the store is as trusted as the code itself (a
writer to it could already change every track and alert); it is never fed from the network.
"""

from __future__ import annotations

import pickle
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Engine, insert, select, update

from watchkeeper.store.models import WorkerCheckpoint


@dataclass(frozen=True, slots=True)
class Checkpoint:
    seq: int
    format: str
    state: bytes | None

    def restore(self, expected_format: str) -> Any | None:
        """The unpickled state, or None when there is none or it was written in another format."""
        if self.state is None or self.format != expected_format:
            return None
        return pickle.loads(self.state)  # the store is trusted: see the module docstring


class CheckpointStore:
    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def load(self, name: str) -> Checkpoint | None:
        with self.engine.connect() as conn:
            row = conn.execute(
                select(WorkerCheckpoint.seq, WorkerCheckpoint.format, WorkerCheckpoint.state).where(
                    WorkerCheckpoint.name == name
                )
            ).first()
        return None if row is None else Checkpoint(int(row[0]), str(row[1]), row[2])

    def save(self, name: str, seq: int, format: str, state: Any | None = None) -> None:
        """Upsert ``name``'s checkpoint at ``seq`` (state pickled when given), in one transaction."""
        blob = None if state is None else pickle.dumps(state, protocol=pickle.HIGHEST_PROTOCOL)
        with self.engine.begin() as conn:
            updated = conn.execute(
                update(WorkerCheckpoint)
                .where(WorkerCheckpoint.name == name)
                .values(seq=seq, format=format, state=blob)
            ).rowcount
            if not updated:
                conn.execute(insert(WorkerCheckpoint).values(name=name, seq=seq, format=format, state=blob))
