"""The evidence package format ``watchkeeper-evidence/1``: writing and verifying.

A package is one ZIP file (stored, not compressed; fixed entry times, so the same content gives the
same bytes) holding::

    README.txt          how to verify it, with or without watchkeeper
    manifest.json       what the package holds: header, every item's SHA-256 and chain value, the head
    manifest.sig        Ed25519 signature (64 raw bytes) of the exact bytes of manifest.json
    public_key.pem      the signer's public key (also in the manifest, raw, base64)
    items/000001.json   one item per file, canonical JSON (sorted keys, no spaces, UTF-8)
    ...

**Hash chain.** ``c0 = SHA-256("watchkeeper-evidence/1\\n" + package_id)``, and for item *i* (from 1)
``ci = SHA-256(c(i-1) || i as 8 bytes big-endian || kind || 0x00 || SHA-256(item bytes))`` over raw
digests; ``head = cn``. The chain fixes every item's content *and* position: changing, removing,
inserting or reordering an item changes every later chain value and the head.

**Signature.** The manifest (which holds the per-item hashes, the chain values, the head and the public
key with its fingerprint ``SHA-256(raw public key)``) is signed with the installation's Ed25519 key.

**What verification proves.** That the files are exactly those the holder of the signing key wrote,
in that order, and nothing was added or removed since. It proves *who* signed only against a
fingerprint known from elsewhere: a forger can re-sign a changed package with their own key, which
verification reports as a key that is not the expected one (``expected_fingerprint``), and the
installation's continuity record (``evidence_packages``) holds the head of every package it exported.
"""

from __future__ import annotations

import base64
import hashlib
import io
import json
import zipfile
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from watchkeeper.intel.evidence.keys import fingerprint, public_pem, public_raw

FORMAT = "watchkeeper-evidence/1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
PUBLIC_KEY = "public_key.pem"
README = "README.txt"
FIXED_ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_ITEM_BYTES = 64 * 1024 * 1024


def canonical_json(obj: Any) -> bytes:
    """Sorted keys, no insignificant spaces, UTF-8: the bytes that are hashed."""
    return json.dumps(
        obj, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    ).encode()


def chain_seed(package_id: str) -> bytes:
    return hashlib.sha256(f"{FORMAT}\n{package_id}".encode()).digest()


def chain_next(previous: bytes, seq: int, kind: str, item_sha256: bytes) -> bytes:
    return hashlib.sha256(previous + seq.to_bytes(8, "big") + kind.encode() + b"\x00" + item_sha256).digest()


def item_path(seq: int) -> str:
    return f"items/{seq:06d}.json"


README_TEXT = """\
watchkeeper evidence package ({format})

Package {package_id}, incident {incident_ref}, exported {created_at} by {exported_by}.
{count} items. Head of the hash chain: {head}
Signing key fingerprint (SHA-256 of the raw Ed25519 public key): {fingerprint}
{simulated}
Verify with watchkeeper:
    watchkeeper evidence verify PACKAGE.zip --expect-key {fingerprint}

Verify without watchkeeper (after unzipping):
  1. Signature of the manifest (OpenSSL 3):
       openssl pkeyutl -verify -pubin -inkey public_key.pem -rawin -in manifest.json -sigfile manifest.sig
  2. Every item: its SHA-256 (sha256sum items/*) must equal "sha256" of its entry in manifest.json.
  3. The chain: c0 = SHA-256("{format}\\n" + package_id); for item i = 1..n,
     ci = SHA-256(c(i-1) || i as 8-byte big-endian || kind || 0x00 || SHA-256(item)), raw digests;
     each ci must equal "chain" of item i and cn must equal "head".
  4. The fingerprint above must be the one the exporting installation publishes.
"""


@dataclass(frozen=True, slots=True)
class PackageItem:
    """One item as it goes into the package (``body`` is its JSON object)."""

    kind: str
    body: dict[str, Any]


@dataclass(slots=True)
class BuiltPackage:
    data: bytes
    manifest: dict[str, Any]
    manifest_sha256: str
    file_sha256: str
    head: str
    fingerprint: str


def build_package(
    header: dict[str, Any],
    items: Sequence[PackageItem],
    key: Ed25519PrivateKey,
) -> BuiltPackage:
    """The package bytes for ``items`` (in this order) under ``header`` (must hold ``package_id``)."""
    package_id = str(header["package_id"])
    pub = key.public_key()
    raw_pub = public_raw(pub)
    fp = fingerprint(raw_pub)
    entries = []
    files: list[tuple[str, bytes]] = []
    chain = chain_seed(package_id)
    for seq, item in enumerate(items, start=1):
        data = canonical_json({"seq": seq, "kind": item.kind, **item.body})
        if len(data) > MAX_ITEM_BYTES:
            raise ValueError(f"item {seq} ({item.kind}) is larger than {MAX_ITEM_BYTES} bytes")
        digest = hashlib.sha256(data).digest()
        chain = chain_next(chain, seq, item.kind, digest)
        path = item_path(seq)
        entries.append(
            {
                "seq": seq,
                "kind": item.kind,
                "path": path,
                "size": len(data),
                "sha256": digest.hex(),
                "chain": chain.hex(),
            }
        )
        files.append((path, data))
    counts = Counter(item.kind for item in items)
    manifest = {
        **header,
        "format": FORMAT,
        "hash": "sha256",
        "signature_algorithm": "Ed25519",
        "public_key": base64.b64encode(raw_pub).decode(),
        "key_fingerprint": fp,
        "item_counts": dict(sorted(counts.items())),
        "items": entries,
        "head": chain.hex(),
    }
    manifest_bytes = canonical_json(manifest)
    signature = key.sign(manifest_bytes)
    readme = README_TEXT.format(
        format=FORMAT,
        package_id=package_id,
        incident_ref=header.get("incident_ref", ""),
        created_at=header.get("created_at", ""),
        exported_by=header.get("exported_by", ""),
        count=len(items),
        head=chain.hex(),
        fingerprint=fp,
        simulated="\nSIMULATED: this package holds simulated data; it is not evidence of real events.\n"
        if header.get("simulated")
        else "",
    )
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", compression=zipfile.ZIP_STORED) as zf:
        for name, data in [
            (README, readme.encode()),
            (MANIFEST, manifest_bytes),
            (SIGNATURE, signature),
            (PUBLIC_KEY, public_pem(pub)),
            *files,
        ]:
            zf.writestr(zipfile.ZipInfo(name, date_time=FIXED_ZIP_TIME), data)
    blob = buf.getvalue()
    return BuiltPackage(
        data=blob,
        manifest=manifest,
        manifest_sha256=hashlib.sha256(manifest_bytes).hexdigest(),
        file_sha256=hashlib.sha256(blob).hexdigest(),
        head=chain.hex(),
        fingerprint=fp,
    )


@dataclass(slots=True)
class Verification:
    """The outcome of verifying a package: ``ok`` only when ``problems`` is empty."""

    problems: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    package_id: str | None = None
    incident_ref: str | None = None
    items: int = 0
    item_counts: dict[str, int] = field(default_factory=dict)
    head: str | None = None
    fingerprint: str | None = None
    file_sha256: str | None = None
    simulated: bool = False
    manifest: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.problems


def _read_entries(zf: zipfile.ZipFile, out: Verification) -> dict[str, bytes]:
    names = [i.filename for i in zf.infolist()]
    dupes = sorted(n for n, c in Counter(names).items() if c > 1)
    for name in dupes:
        out.problems.append(f"{name} appears more than once in the package")
    files: dict[str, bytes] = {}
    for info in zf.infolist():
        if info.file_size > MAX_ITEM_BYTES:
            out.problems.append(f"{info.filename} is larger than {MAX_ITEM_BYTES} bytes")
            continue
        try:
            files[info.filename] = zf.read(info)
        except (zipfile.BadZipFile, OSError) as exc:
            out.problems.append(f"{info.filename} cannot be read: {exc}")
    return files


def verify_bytes(data: bytes, expected_fingerprint: str | None = None) -> Verification:
    out = Verification(file_sha256=hashlib.sha256(data).hexdigest())
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as exc:
        out.problems.append(f"not a readable package (ZIP): {exc}")
        return out
    with zf:
        files = _read_entries(zf, out)
    for required in (MANIFEST, SIGNATURE, PUBLIC_KEY):
        if required not in files:
            out.problems.append(f"{required} is missing")
    if MANIFEST not in files:
        return out
    manifest_bytes = files[MANIFEST]
    try:
        manifest = json.loads(manifest_bytes)
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
    except ValueError as exc:
        out.problems.append(f"manifest.json is not valid JSON: {exc}")
        return out
    out.manifest = manifest
    if manifest.get("format") != FORMAT:
        out.problems.append(f"format {manifest.get('format')!r} is not {FORMAT}")
        return out
    out.package_id = str(manifest.get("package_id"))
    out.incident_ref = manifest.get("incident_ref")
    out.simulated = bool(manifest.get("simulated"))
    _check_signature(manifest, manifest_bytes, files, expected_fingerprint, out)
    _check_items(manifest, files, out)
    if out.simulated:
        out.warnings.append("SIMULATED: the package holds simulated data")
    return out


def _check_signature(
    manifest: dict[str, Any],
    manifest_bytes: bytes,
    files: dict[str, bytes],
    expected_fingerprint: str | None,
    out: Verification,
) -> None:
    try:
        raw = base64.b64decode(str(manifest.get("public_key", "")), validate=True)
        pub = Ed25519PublicKey.from_public_bytes(raw)
    except ValueError:
        out.problems.append("the public key in the manifest is not a valid Ed25519 key")
        return
    fp = fingerprint(raw)
    out.fingerprint = fp
    if manifest.get("key_fingerprint") != fp:
        out.problems.append("key_fingerprint in the manifest is not the SHA-256 of its public key")
    if PUBLIC_KEY in files and files[PUBLIC_KEY].strip() != public_pem(pub).strip():
        out.problems.append("public_key.pem is not the key named in the manifest")
    signature = files.get(SIGNATURE)
    if signature is not None:
        try:
            pub.verify(signature, manifest_bytes)
        except InvalidSignature:
            out.problems.append(
                "the signature does not match the manifest (manifest changed, or signed by another key)"
            )
    if expected_fingerprint is None:
        out.warnings.append(
            "signing key not checked against a trusted fingerprint (give --expect-key or --data-dir)"
        )
    elif expected_fingerprint.strip().lower() != fp:
        out.problems.append(
            f"signed with key {fp[:16]}…, not the expected key {expected_fingerprint.strip().lower()[:16]}…"
        )


def _check_items(manifest: dict[str, Any], files: dict[str, bytes], out: Verification) -> None:
    entries = manifest.get("items")
    if not isinstance(entries, list):
        out.problems.append("manifest has no item list")
        return
    chain = chain_seed(str(manifest.get("package_id")))
    listed = set()
    counts: Counter[str] = Counter()
    for position, entry in enumerate(entries, start=1):
        if not isinstance(entry, dict):
            out.problems.append(f"item entry {position} is not an object")
            return
        seq, kind, path = entry.get("seq"), str(entry.get("kind")), str(entry.get("path"))
        if seq != position:
            out.problems.append(f"item at position {position} says seq {seq}: items reordered or removed")
        if path != item_path(position):
            out.problems.append(f"item {position} points at {path}, expected {item_path(position)}")
        listed.add(path)
        data = files.get(path)
        if data is None:
            out.problems.append(f"item {position} ({kind}) is missing: {path}")
            digest = bytes.fromhex(str(entry.get("sha256", "00" * 32)))
        else:
            digest = hashlib.sha256(data).digest()
            if digest.hex() != entry.get("sha256"):
                out.problems.append(f"item {position} ({kind}) changed: its SHA-256 is not the manifest's")
            elif len(data) != entry.get("size"):
                out.problems.append(f"item {position} ({kind}) has the wrong size")
            else:
                _check_item_body(position, kind, data, out)
        chain = chain_next(chain, position, kind, digest)
        if chain.hex() != entry.get("chain"):
            out.problems.append(f"hash chain broken at item {position}")
        counts[kind] += 1
    if chain.hex() != manifest.get("head"):
        out.problems.append("the head of the hash chain is not the manifest's head")
    for name in sorted(files):
        if name.startswith("items/") and name not in listed:
            out.problems.append(f"{name} is in the package but not in the manifest")
        elif not name.startswith("items/") and name not in (MANIFEST, SIGNATURE, PUBLIC_KEY, README):
            out.problems.append(f"{name} is in the package but not part of the format")
    out.items = len(entries)
    out.item_counts = dict(sorted(counts.items()))
    out.head = str(manifest.get("head"))


def _check_item_body(position: int, kind: str, data: bytes, out: Verification) -> None:
    try:
        body = json.loads(data)
    except ValueError:
        out.problems.append(f"item {position} is not valid JSON")
        return
    if not isinstance(body, dict) or body.get("seq") != position or body.get("kind") != kind:
        out.problems.append(f"item {position} does not name itself as item {position} ({kind})")


def verify_file(path: Path, expected_fingerprint: str | None = None) -> Verification:
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Verification(problems=[f"cannot read {path}: {exc}"])
    return verify_bytes(data, expected_fingerprint)
