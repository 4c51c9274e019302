"""The installation's evidence signing key: Ed25519 (RFC 8032) via ``cryptography``.

One key per installation, generated on first use in ``<data_dir>/keys/evidence-ed25519.pem``
(PKCS #8 PEM, file mode 0600 in a 0700 folder; never in the repository). When
``WATCHKEEPER_EVIDENCE_KEY_PASSPHRASE`` is set the PEM is encrypted with it (``BestAvailableEncryption``)
and must be set to load it again. Like OpenSSH, a key file readable by group or others is refused.

The **fingerprint** of a public key is the SHA-256 of its 32 raw bytes, in hex: what an officer
reads out or prints on the exhibit label, and what ``evidence verify --expect-key`` compares.
"""

from __future__ import annotations

import hashlib
import os
import stat
from pathlib import Path

from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey

from watchkeeper.core.errors import ConfigError

KEY_FILE = Path("keys") / "evidence-ed25519.pem"
PASSPHRASE_ENV = "WATCHKEEPER_EVIDENCE_KEY_PASSPHRASE"


def key_path(data_dir: Path) -> Path:
    return data_dir / KEY_FILE


def _passphrase() -> bytes | None:
    value = os.environ.get(PASSPHRASE_ENV)
    return value.encode() if value else None


def load_or_create_signing_key(data_dir: Path) -> Ed25519PrivateKey:
    """The installation's signing key; created (exclusively, 0600) when there is none yet."""
    path = key_path(data_dir)
    if path.exists():
        return load_signing_key(path)
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    key = Ed25519PrivateKey.generate()
    secret = _passphrase()
    encryption: serialization.KeySerializationEncryption = (
        serialization.BestAvailableEncryption(secret) if secret else serialization.NoEncryption()
    )
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, encryption)
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:  # another process made it first: use theirs
        return load_signing_key(path)
    with os.fdopen(fd, "wb") as fh:
        fh.write(pem)
        fh.flush()
        os.fsync(fh.fileno())
    return key


def load_signing_key(path: Path) -> Ed25519PrivateKey:
    mode = path.stat().st_mode
    if mode & (stat.S_IRWXG | stat.S_IRWXO):
        raise ConfigError(f"{path} is readable by others (mode {stat.filemode(mode)}): chmod 600 it")
    try:
        key = serialization.load_pem_private_key(path.read_bytes(), password=_passphrase())
    except (TypeError, ValueError) as exc:
        raise ConfigError(f"cannot load the evidence signing key {path}: {exc}") from None
    if not isinstance(key, Ed25519PrivateKey):
        raise ConfigError(f"{path} is not an Ed25519 key")
    return key


def public_raw(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)


def public_pem(key: Ed25519PublicKey) -> bytes:
    return key.public_bytes(serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo)


def fingerprint(raw_public_key: bytes) -> str:
    return hashlib.sha256(raw_public_key).hexdigest()


def installation_fingerprint(data_dir: Path) -> str | None:
    """The fingerprint of this installation's key, or None when it has none yet (nothing signed)."""
    path = key_path(data_dir)
    if not path.exists():
        return None
    return fingerprint(public_raw(load_signing_key(path).public_key()))
