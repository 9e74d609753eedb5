"""The personal-data archive: a ZIP of JSON files sealed (PyNaCl SealedBox: X25519 + XSalsa20-Poly1305) to the
receiving side's public key, so that only the holder of the matching private key can open it."""
from __future__ import annotations

import base64
import binascii
import io
import json
import zipfile
from pathlib import Path

from nacl.exceptions import CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox

ARCHIVE_NAME = "personal_data.sealed"
KEY_BYTES = 32


class KeyFileError(ValueError):
    """A key file that holds no 32-byte key; the message is Japanese and says what is allowed."""


def read_key(path: Path) -> bytes:
    """A key file holds the 32-byte key as Base64 (standard or URL-safe, one line) or as the 32 raw bytes."""
    try:
        raw = path.read_bytes()
    except OSError as exc:
        raise KeyFileError(f"鍵ファイル {path} を読めませんでした。") from exc
    if len(raw) == KEY_BYTES:
        return raw
    text = raw.strip()
    for decode in (base64.b64decode, base64.urlsafe_b64decode):
        try:
            key = decode(text + b"=" * (-len(text) % 4))
        except (binascii.Error, ValueError):
            continue
        if len(key) == KEY_BYTES:
            return key
    raise KeyFileError("鍵ファイルには32バイトの公開鍵をBase64で1行（または32バイトそのまま）書いてください。")


def new_key_pair() -> tuple[str, str]:
    """(public, private) as Base64 lines: what the receiving side makes and keeps (the private one never leaves)."""
    private = PrivateKey.generate()
    return (base64.b64encode(bytes(private.public_key)).decode(), base64.b64encode(bytes(private)).decode())


def seal(files: dict[str, object], public_key: bytes) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in sorted(files.items()):
            archive.writestr(name, json.dumps(content, ensure_ascii=False, indent=1, default=str))
    return SealedBox(PublicKey(public_key)).encrypt(buffer.getvalue())


def open_sealed(blob: bytes, private_key: bytes) -> dict[str, object]:
    """The archive's files (name -> parsed JSON); raises ValueError when the key does not open it."""
    try:
        plain = SealedBox(PrivateKey(private_key)).decrypt(blob)
    except CryptoError as exc:
        raise ValueError("この秘密鍵では開けません。") from exc
    with zipfile.ZipFile(io.BytesIO(plain)) as archive:
        return {name: json.loads(archive.read(name)) for name in archive.namelist()}
