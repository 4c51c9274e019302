"""Export of an evidence package and the continuity record (who exported, verified, handed over what).

``EvidenceService.export`` runs the record collectors in their order, then the input-line collector
for every input-log sequence they name, builds and signs the package (``evidence.package``), writes
it atomically (temporary file, fsync, rename), and records it: one ``evidence_packages`` row (its
head, manifest and file hashes, key fingerprint) and one ``evidence_continuity`` event, both
append-only, plus an audit row. Later events (``verified``, ``downloaded``, ``handed_over``) are
appended to the continuity record; nothing in it is ever changed.
"""

from __future__ import annotations

import hashlib
import os
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from sqlalchemy import Engine, insert, select
from sqlalchemy.orm import Session

from watchkeeper.core.clock import Clock
from watchkeeper.core.marking import combine
from watchkeeper.intel.access import (
    Auditor,
    IntelNotFound,
    Viewer,
    check_marking_for_writer,
    markings_for,
    sees,
)
from watchkeeper.intel.entities import IntelValidationError
from watchkeeper.intel.evidence.collectors import (
    AisPositionCollector,
    Collector,
    EvidenceItem,
    EvidenceScope,
    InputLineCollector,
    RejectCollector,
    iso,
)
from watchkeeper.intel.evidence.keys import fingerprint, public_raw
from watchkeeper.intel.evidence.package import PackageItem, Verification, build_package, verify_file
from watchkeeper.intel.models import ContinuityEvent, EvidencePackage

CONTINUITY_ACTIONS = ("exported", "verified", "verification_failed", "downloaded", "handed_over")


@dataclass(frozen=True, slots=True)
class ExportResult:
    package_id: str
    path: Path
    items: int
    item_counts: dict[str, int]
    head: str
    file_sha256: str
    key_fingerprint: str
    marking: str
    simulated: bool
    missing_inputs: list[int]


def default_collectors(engine: Engine) -> list[Collector]:
    """The record collectors of this build, in package order."""
    return [AisPositionCollector(engine), RejectCollector(engine)]


def _to_package_item(item: EvidenceItem, collector: str) -> PackageItem:
    body: dict[str, Any] = {"collector": collector, "record": item.record, "log_seqs": list(item.log_seqs)}
    if item.source_table:
        body["source_table"] = item.source_table
    if item.marking:
        body["marking"] = item.marking
    if item.simulated:
        body["simulated"] = True
    return PackageItem(item.kind, body)


def _write_atomically(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o640)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


class EvidenceService:
    def __init__(
        self,
        engine: Engine,
        audit: Auditor,
        clock: Clock,
        signing_key: Ed25519PrivateKey,
        input_log_dir: Path,
        collectors: Sequence[Collector] | None = None,
    ) -> None:
        self.engine = engine
        self.audit = audit
        self.clock = clock
        self.key = signing_key
        self.input_log_dir = input_log_dir
        self.collectors = list(collectors) if collectors is not None else default_collectors(engine)

    def export(
        self,
        viewer: Viewer,
        scope: EvidenceScope,
        out_path: Path,
        marking: str = "UK-ONLY",
        package_id: str | None = None,
    ) -> ExportResult:
        requested = check_marking_for_writer(viewer, marking)
        if out_path.exists():
            raise IntelValidationError(f"{out_path} exists: an evidence package is never overwritten")
        package_id = package_id or str(uuid.uuid4())
        items: list[PackageItem] = []
        markings = [requested.value]
        seqs: list[int] = []
        simulated = False
        collectors_meta = []
        for collector in self.collectors:
            n = 0
            for item in collector.collect(scope):
                items.append(_to_package_item(item, collector.kind))
                seqs.extend(item.log_seqs)
                simulated |= item.simulated
                if item.marking:
                    markings.append(item.marking)
                n += 1
            collectors_meta.append({"kind": collector.kind, "description": collector.description, "items": n})
        lines = InputLineCollector(self.input_log_dir)
        n_lines = 0
        for item in lines.collect_lines(seqs):
            items.append(_to_package_item(item, lines.kind))
            n_lines += 1
        collectors_meta.append({"kind": lines.kind, "description": lines.description, "items": n_lines})
        package_marking = combine(markings)
        if not sees(viewer, package_marking):
            raise IntelValidationError(
                f"the records in scope are {package_marking.value}: above your clearance"
            )
        created = self.clock.now()
        header = {
            "package_id": package_id,
            "incident_ref": scope.incident_ref,
            "scope": scope.to_json(),
            "created_at": iso(created),
            "exported_by": viewer.username,
            "marking": package_marking.value,
            "simulated": simulated,
            "collectors": collectors_meta,
            "missing_inputs": lines.missing,
        }
        built = build_package(header, items, self.key)
        _write_atomically(out_path, built.data)
        counts: dict[str, int] = built.manifest["item_counts"]
        with Session(self.engine) as s, s.begin():
            s.add(
                EvidencePackage(
                    package_id=package_id,
                    incident_ref=scope.incident_ref,
                    scope=scope.to_json(),
                    item_count=len(items),
                    head_sha256=built.head,
                    manifest_sha256=built.manifest_sha256,
                    file_sha256=built.file_sha256,
                    key_fingerprint=built.fingerprint,
                    simulated=simulated,
                    marking=package_marking.value,
                    exported_by=viewer.username,
                    created_at=created,
                )
            )
            s.flush()
            s.execute(
                insert(ContinuityEvent).values(
                    package_id=package_id,
                    time=created,
                    actor=viewer.username,
                    action="exported",
                    file_sha256=built.file_sha256,
                    detail={"file": out_path.name, "items": len(items), "head": built.head, "counts": counts},
                )
            )
        self.audit.write(
            viewer.username,
            "intel.evidence.export",
            "evidence_package",
            package_id,
            {
                "incident_ref": scope.incident_ref,
                "items": len(items),
                "head": built.head,
                "file_sha256": built.file_sha256,
            },
        )
        return ExportResult(
            package_id=package_id,
            path=out_path,
            items=len(items),
            item_counts=counts,
            head=built.head,
            file_sha256=built.file_sha256,
            key_fingerprint=built.fingerprint,
            marking=package_marking.value,
            simulated=simulated,
            missing_inputs=lines.missing,
        )

    # --- continuity --------------------------------------------------------------------------------

    def record(
        self, actor: str, package_id: str, action: str, file_sha256: str, detail: dict[str, Any]
    ) -> None:
        if action not in CONTINUITY_ACTIONS:
            raise IntelValidationError(
                f"continuity action {action!r}: one of {', '.join(CONTINUITY_ACTIONS)}"
            )
        with Session(self.engine) as s, s.begin():
            if s.get(EvidencePackage, package_id) is None:
                raise IntelNotFound(f"no evidence package {package_id}")
            s.execute(
                insert(ContinuityEvent).values(
                    package_id=package_id,
                    time=self.clock.now(),
                    actor=actor,
                    action=action,
                    file_sha256=file_sha256,
                    detail=detail,
                )
            )
        self.audit.write(actor, f"intel.evidence.{action}", "evidence_package", package_id, detail)

    def verify_and_record(
        self, actor: str, path: Path, expected_fingerprint: str | None = None
    ) -> Verification:
        """Verify ``path`` (against this installation's key unless told otherwise) and check it against
        the stored record of the package; the outcome goes to the continuity record when the package
        is one of ours."""
        fp = expected_fingerprint or self.fingerprint
        result = verify_file(path, fp)
        stored = self.stored(result.package_id) if result.package_id else None
        if result.package_id and stored is None:
            result.problems.append(f"package {result.package_id} was not exported by this installation")
        if stored is not None:
            if stored.head_sha256 != result.head:
                result.problems.append("the head differs from the one recorded at export")
            if stored.file_sha256 != result.file_sha256:
                result.warnings.append("the file's bytes differ from the exported file (re-packed?)")
            self.record(
                actor,
                stored.package_id,
                "verified" if result.ok else "verification_failed",
                result.file_sha256 or "",
                {"problems": result.problems[:20], "file": path.name},
            )
        return result

    @property
    def fingerprint(self) -> str:
        return fingerprint(public_raw(self.key.public_key()))

    def stored(self, package_id: str) -> EvidencePackage | None:
        with Session(self.engine, expire_on_commit=False) as s:
            return s.get(EvidencePackage, package_id)

    def packages(self, viewer: Viewer, incident_ref: str | None = None) -> list[EvidencePackage]:
        stmt = select(EvidencePackage).where(EvidencePackage.marking.in_(markings_for(viewer)))
        if incident_ref is not None:
            stmt = stmt.where(EvidencePackage.incident_ref == incident_ref)
        with Session(self.engine, expire_on_commit=False) as s:
            rows = list(s.scalars(stmt.order_by(EvidencePackage.created_at, EvidencePackage.package_id)))
        self.audit.write(
            viewer.username,
            "intel.evidence.list",
            "evidence_package",
            None,
            {"ids": [r.package_id for r in rows]},
        )
        return rows

    def continuity(self, viewer: Viewer, package_id: str) -> list[ContinuityEvent]:
        with Session(self.engine, expire_on_commit=False) as s:
            pkg = s.get(EvidencePackage, package_id)
            if pkg is None or not sees(viewer, pkg.marking):
                raise IntelNotFound(f"no evidence package {package_id}")
            rows = list(
                s.scalars(
                    select(ContinuityEvent)
                    .where(ContinuityEvent.package_id == package_id)
                    .order_by(ContinuityEvent.id)
                )
            )
        self.audit.write(viewer.username, "intel.evidence.continuity_read", "evidence_package", package_id)
        return rows


def file_sha256(path: Path) -> str:
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()
