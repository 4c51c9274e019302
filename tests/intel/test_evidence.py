"""Evidence packages: what goes in, that verification passes, and that every kind of tampering fails.

The feed is SIMULATED (``sim`` source, flagged simulated) but goes through the real input log,
decoder, position store and rejects ledger.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from datetime import timedelta
from pathlib import Path

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from evidence_helpers import BOAT, T0, Feed, ingest_feed, rezip, tamper, zip_entries
from intel_helpers import ANALYST, FR_ANALYST
from sqlalchemy import Engine, select, text
from sqlalchemy.exc import DatabaseError
from sqlalchemy.orm import Session

from watchkeeper.core.clock import FixedClock
from watchkeeper.core.errors import ConfigError
from watchkeeper.intel.entities import IntelValidationError
from watchkeeper.intel.evidence.collectors import EvidenceScope
from watchkeeper.intel.evidence.export import EvidenceService
from watchkeeper.intel.evidence.keys import (
    fingerprint,
    installation_fingerprint,
    key_path,
    load_or_create_signing_key,
    public_pem,
    public_raw,
)
from watchkeeper.intel.evidence.package import (
    PackageItem,
    build_package,
    chain_next,
    chain_seed,
    verify_bytes,
    verify_file,
)
from watchkeeper.intel.models import ContinuityEvent, EvidencePackage
from watchkeeper.store.audit import AuditWriter

SCOPE = EvidenceScope("INC-2026-0814-01", T0 + timedelta(minutes=2), T0 + timedelta(minutes=6), mmsis=(BOAT,))


@pytest.fixture
def feed(engine: Engine, tmp_path: Path) -> Feed:
    return ingest_feed(engine, tmp_path)


@pytest.fixture
def evidence(
    engine: Engine, audit: AuditWriter, clock: FixedClock, tmp_path: Path, feed: Feed
) -> EvidenceService:
    return EvidenceService(engine, audit, clock, load_or_create_signing_key(tmp_path), feed.log_dir)


@pytest.fixture
def package(evidence: EvidenceService, tmp_path: Path) -> bytes:
    result = evidence.export(ANALYST, SCOPE, tmp_path / "out" / "pkg.zip")
    return result.path.read_bytes()


def _items(data: bytes) -> list[dict]:  # type: ignore[type-arg]
    entries = zip_entries(data)
    return [json.loads(entries[n]) for n in sorted(entries) if n.startswith("items/")]


def test_package_holds_positions_rejects_and_the_input_lines_they_came_from(
    evidence: EvidenceService, package: bytes, feed: Feed
) -> None:
    result = verify_bytes(package, evidence.fingerprint)
    assert result.ok, result.problems
    # minutes 2..6 inclusive: five boat positions; bad lines at 3:05 and 5:05; seven raw lines behind them
    assert result.item_counts == {"ais_position": 5, "input_line": 7, "reject": 2}
    assert result.simulated and any("SIMULATED" in w for w in result.warnings)
    items = _items(package)
    assert [i["kind"] for i in items] == ["ais_position"] * 5 + ["reject"] * 2 + ["input_line"] * 7
    positions = [i["record"] for i in items if i["kind"] == "ais_position"]
    assert {p["mmsi"] for p in positions} == {BOAT}
    assert [p["time"] for p in positions] == [f"2026-08-14T03:0{k}:00Z" for k in range(2, 7)]
    lines = {i["record"]["log_seq"]: i["record"] for i in items if i["kind"] == "input_line"}
    for p in positions + [i["record"] for i in items if i["kind"] == "reject"]:
        raw = base64.b64decode(lines[p["log_seq"]]["raw_b64"])
        assert raw == feed.lines[p["log_seq"]]
    assert lines[positions[0]["log_seq"]]["text"] == feed.lines[positions[0]["log_seq"]].decode()
    readme = zip_entries(package)["README.txt"].decode()
    assert "SIMULATED" in readme and evidence.fingerprint in readme


def test_export_is_recorded_in_the_append_only_continuity_record(
    evidence: EvidenceService, package: bytes, engine: Engine, tmp_path: Path
) -> None:
    with Session(engine) as s:
        pkg = s.scalars(select(EvidencePackage)).one()
        events = s.scalars(select(ContinuityEvent)).all()
    manifest = json.loads(zip_entries(package)["manifest.json"])
    assert pkg.head_sha256 == manifest["head"] and pkg.exported_by == "analyst"
    assert pkg.key_fingerprint == evidence.fingerprint and pkg.item_count == 14
    assert [(e.action, e.actor) for e in events] == [("exported", "analyst")]
    verdict = evidence.verify_and_record("court_clerk", tmp_path / "out" / "pkg.zip")
    assert verdict.ok, verdict.problems
    actions = [(e.action, e.actor) for e in evidence.continuity(ANALYST, pkg.package_id)]
    assert actions == [("exported", "analyst"), ("verified", "court_clerk")]
    for sql in (
        "UPDATE evidence_continuity SET actor = 'x'",
        "DELETE FROM evidence_continuity",
        "UPDATE evidence_packages SET head_sha256 = 'x'",
        "DELETE FROM evidence_packages",
    ):
        with pytest.raises(DatabaseError, match="append-only"), engine.begin() as conn:
            conn.execute(text(sql))
    assert len(evidence.continuity(ANALYST, pkg.package_id)) == 2


def test_a_package_is_never_overwritten_and_needs_the_clearance(
    evidence: EvidenceService, tmp_path: Path
) -> None:
    out = tmp_path / "p.zip"
    evidence.export(ANALYST, SCOPE, out)
    with pytest.raises(IntelValidationError, match="never overwritten"):
        evidence.export(ANALYST, SCOPE, out)
    with pytest.raises(IntelValidationError, match="above your clearance"):
        evidence.export(FR_ANALYST, SCOPE, tmp_path / "q.zip")


def test_same_records_same_package_bytes(
    engine: Engine, audit: AuditWriter, clock: FixedClock, tmp_path: Path, feed: Feed
) -> None:
    key = load_or_create_signing_key(tmp_path)
    a = EvidenceService(engine, audit, clock, key, feed.log_dir).export(
        ANALYST, SCOPE, tmp_path / "a.zip", package_id="p-1"
    )
    # the continuity record refuses a second "p-1" (append-only), so rebuild from the same parts
    entries = zip_entries(a.path.read_bytes())
    manifest = json.loads(entries["manifest.json"])
    items = [
        PackageItem(i["kind"], {k: v for k, v in i.items() if k not in ("seq", "kind")})
        for i in _items(a.path.read_bytes())
    ]
    header = {
        k: manifest[k]
        for k in (
            "package_id",
            "incident_ref",
            "scope",
            "created_at",
            "exported_by",
            "marking",
            "simulated",
            "collectors",
            "missing_inputs",
        )
    }
    assert build_package(header, items, key).data == a.path.read_bytes()


# --- tampering ---------------------------------------------------------------------------------------


def _edit_item(entries: dict[str, bytes], path: str) -> None:
    body = json.loads(entries[path])
    body["record"]["lat"] = round(body["record"]["lat"] + 0.01, 6)  # move the boat 1.1 km north
    entries[path] = json.dumps(body, sort_keys=True, separators=(",", ":")).encode()


def _manifest(entries: dict[str, bytes]) -> dict:  # type: ignore[type-arg]
    return json.loads(entries["manifest.json"])


def _put_manifest(entries: dict[str, bytes], manifest: dict) -> None:  # type: ignore[type-arg]
    entries["manifest.json"] = json.dumps(manifest, sort_keys=True, separators=(",", ":")).encode()


def test_untouched_package_verifies(evidence: EvidenceService, package: bytes) -> None:
    assert verify_bytes(package, evidence.fingerprint).ok

    assert verify_bytes(rezip(zip_entries(package)), evidence.fingerprint).ok  # re-zipping is not tampering


def test_item_changed_fails(evidence: EvidenceService, package: bytes) -> None:
    bad = verify_bytes(tamper(package, lambda e: _edit_item(e, "items/000002.json")), evidence.fingerprint)
    assert not bad.ok
    assert "item 2 (ais_position) changed: its SHA-256 is not the manifest's" in bad.problems


def test_item_changed_and_manifest_hash_updated_fails_on_the_signature(
    evidence: EvidenceService, package: bytes
) -> None:
    def change(e: dict[str, bytes]) -> None:
        _edit_item(e, "items/000002.json")
        m = _manifest(e)
        chain = chain_seed(m["package_id"])
        for entry in m["items"]:
            data = e[entry["path"]]
            entry["sha256"], entry["size"] = hashlib.sha256(data).hexdigest(), len(data)
            chain = chain_next(chain, entry["seq"], entry["kind"], hashlib.sha256(data).digest())
            entry["chain"] = chain.hex()
        m["head"] = chain.hex()
        _put_manifest(e, m)

    bad = verify_bytes(tamper(package, change), evidence.fingerprint)
    assert bad.problems == [
        "the signature does not match the manifest (manifest changed, or signed by another key)"
    ]


def test_item_removed_fails(evidence: EvidenceService, package: bytes) -> None:
    bad = verify_bytes(tamper(package, lambda e: e.pop("items/000003.json")), evidence.fingerprint)
    assert "item 3 (ais_position) is missing: items/000003.json" in bad.problems

    def remove_everywhere(e: dict[str, bytes]) -> None:
        e.pop("items/000003.json")
        m = _manifest(e)
        m["items"] = [i for i in m["items"] if i["seq"] != 3]
        _put_manifest(e, m)

    bad = verify_bytes(tamper(package, remove_everywhere), evidence.fingerprint)
    assert any("signature does not match" in p for p in bad.problems)
    assert any("items reordered or removed" in p for p in bad.problems)
    assert any("hash chain broken at item 3" in p for p in bad.problems)


def test_items_reordered_fail(evidence: EvidenceService, package: bytes) -> None:
    def swap_files(e: dict[str, bytes]) -> None:
        e["items/000001.json"], e["items/000002.json"] = e["items/000002.json"], e["items/000001.json"]

    bad = verify_bytes(tamper(package, swap_files), evidence.fingerprint)
    assert {
        "item 1 (ais_position) changed: its SHA-256 is not the manifest's",
        "item 2 (ais_position) changed: its SHA-256 is not the manifest's",
    } <= set(bad.problems)

    def swap_entries(e: dict[str, bytes]) -> None:
        m = _manifest(e)
        m["items"][0], m["items"][1] = m["items"][1], m["items"][0]
        _put_manifest(e, m)

    bad = verify_bytes(tamper(package, swap_entries), evidence.fingerprint)
    assert any("signature does not match" in p for p in bad.problems)
    assert any("items reordered or removed" in p for p in bad.problems)


def test_item_added_or_stray_file_fails(evidence: EvidenceService, package: bytes) -> None:
    def add(e: dict[str, bytes]) -> None:
        e["items/000099.json"] = e["items/000001.json"]
        e["notes.txt"] = b"planted"

    bad = verify_bytes(tamper(package, add), evidence.fingerprint)
    assert "items/000099.json is in the package but not in the manifest" in bad.problems
    assert "notes.txt is in the package but not part of the format" in bad.problems


def test_signature_swapped_fails(evidence: EvidenceService, package: bytes, tmp_path: Path) -> None:
    other = evidence.export(ANALYST, SCOPE, tmp_path / "other.zip").path.read_bytes()
    other_sig = zip_entries(other)["manifest.sig"]
    for sig in (other_sig, os.urandom(64), zip_entries(package)["manifest.sig"][:32], b""):
        bad = verify_bytes(
            tamper(package, lambda e, s=sig: e.update({"manifest.sig": s})), evidence.fingerprint
        )  # type: ignore[misc]
        assert any("signature does not match" in p for p in bad.problems), sig
    bad = verify_bytes(tamper(package, lambda e: e.pop("manifest.sig")), evidence.fingerprint)
    assert "manifest.sig is missing" in bad.problems


def test_key_swapped_fails(evidence: EvidenceService, package: bytes) -> None:
    forger = Ed25519PrivateKey.generate()

    def swap_key_only(e: dict[str, bytes]) -> None:
        m = _manifest(e)
        raw = public_raw(forger.public_key())
        m["public_key"], m["key_fingerprint"] = base64.b64encode(raw).decode(), fingerprint(raw)
        _put_manifest(e, m)
        e["public_key.pem"] = public_pem(forger.public_key())

    bad = verify_bytes(tamper(package, swap_key_only), evidence.fingerprint)
    assert any("signature does not match" in p for p in bad.problems)
    assert any("not the expected key" in p for p in bad.problems)

    def swap_key_and_resign(e: dict[str, bytes]) -> None:
        swap_key_only(e)
        e["manifest.sig"] = forger.sign(e["manifest.json"])

    forged = tamper(package, swap_key_and_resign)
    internally = verify_bytes(forged)  # consistent in itself: only a trusted fingerprint tells
    assert internally.ok and any(
        "not checked against a trusted fingerprint" in w for w in internally.warnings
    )
    against_ours = verify_bytes(forged, evidence.fingerprint)
    assert [p for p in against_ours.problems if "not the expected key" in p]

    def pem_only(e: dict[str, bytes]) -> None:
        e["public_key.pem"] = public_pem(forger.public_key())

    assert (
        "public_key.pem is not the key named in the manifest"
        in verify_bytes(tamper(package, pem_only), evidence.fingerprint).problems
    )


def test_forged_rebuild_is_caught_by_the_key_and_the_stored_head(
    evidence: EvidenceService, package: bytes, tmp_path: Path
) -> None:
    """A forger who changes an item and rebuilds the whole package with their own key."""
    forger = Ed25519PrivateKey.generate()
    entries = zip_entries(package)
    manifest = _manifest(entries)
    items = []
    for body in _items(package):
        if body["seq"] == 2:
            body["record"]["lat"] += 0.01
        items.append(PackageItem(body.pop("kind"), {k: v for k, v in body.items() if k != "seq"}))
    header = {
        k: manifest[k]
        for k in (
            "package_id",
            "incident_ref",
            "scope",
            "created_at",
            "exported_by",
            "marking",
            "simulated",
            "collectors",
            "missing_inputs",
        )
    }
    forged = tmp_path / "forged.zip"
    forged.write_bytes(build_package(header, items, forger).data)
    assert verify_file(forged).ok  # a self-consistent forgery...
    verdict = evidence.verify_and_record("court_clerk", forged)  # ...fails against this installation
    assert any("not the expected key" in p for p in verdict.problems)
    assert "the head differs from the one recorded at export" in verdict.problems
    events = evidence.continuity(ANALYST, manifest["package_id"])
    assert events[-1].action == "verification_failed" and events[-1].actor == "court_clerk"


def test_garbage_and_truncated_files_fail_with_a_reason(package: bytes, tmp_path: Path) -> None:
    assert verify_bytes(b"not a zip").problems[0].startswith("not a readable package")
    assert not verify_bytes(package[: len(package) // 2]).ok
    assert verify_file(tmp_path / "absent.zip").problems[0].startswith("cannot read")


# --- input log and keys --------------------------------------------------------------------------------


def test_export_reads_the_input_log_without_touching_a_torn_tail(
    evidence: EvidenceService, feed: Feed, tmp_path: Path
) -> None:
    segment = sorted(feed.log_dir.iterdir())[-1]
    with segment.open("ab") as fh:
        fh.write(b"99\t1\t1\t50\tsim\n!AIVDM,1,1,,A,partial")  # a record still being written
    size = segment.stat().st_size
    result = evidence.export(ANALYST, SCOPE, tmp_path / "live.zip")
    assert result.item_counts["input_line"] == 7 and result.missing_inputs == []
    assert segment.stat().st_size == size


def test_missing_input_lines_are_declared_not_dropped(
    engine: Engine, audit: AuditWriter, clock: FixedClock, tmp_path: Path, feed: Feed
) -> None:
    service = EvidenceService(
        engine, audit, clock, load_or_create_signing_key(tmp_path), tmp_path / "elsewhere"
    )
    result = service.export(ANALYST, SCOPE, tmp_path / "nolog.zip")
    assert result.item_counts == {"ais_position": 5, "input_missing": 7, "reject": 2}
    assert len(result.missing_inputs) == 7
    assert verify_file(result.path, service.fingerprint).ok
    assert (
        json.loads(zip_entries(result.path.read_bytes())["manifest.json"])["missing_inputs"]
        == result.missing_inputs
    )


def test_signing_key_is_made_once_private_and_reused(tmp_path: Path) -> None:
    assert installation_fingerprint(tmp_path) is None
    key = load_or_create_signing_key(tmp_path)
    path = key_path(tmp_path)
    assert path.stat().st_mode & 0o777 == 0o600
    again = load_or_create_signing_key(tmp_path)
    assert again.public_key().public_bytes_raw() == key.public_key().public_bytes_raw()
    assert installation_fingerprint(tmp_path) is not None
    path.chmod(0o644)
    with pytest.raises(ConfigError, match="readable by others"):
        load_or_create_signing_key(tmp_path)


def test_passphrase_protected_key(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("WATCHKEEPER_EVIDENCE_KEY_PASSPHRASE", "long enough passphrase")
    key = load_or_create_signing_key(tmp_path)
    assert b"ENCRYPTED" in key_path(tmp_path).read_bytes()
    monkeypatch.delenv("WATCHKEEPER_EVIDENCE_KEY_PASSPHRASE")
    with pytest.raises(ConfigError, match="cannot load"):
        load_or_create_signing_key(tmp_path)
    assert key is not None
