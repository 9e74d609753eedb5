"""What both sides agree on about sealed items, without any database: the public side seals with the city's public
key (libsodium sealed box: only the holder of the private key opens it, not even the public side itself), writes
each item as one file `<inbox>/<kind>/<number>.sealed`, and lets the staff side pull them.

The pull over HTTP is signed: the staff side signs the time, the method, the path and the body's hash with its
Ed25519 key; the public side checks it with the verify key the export carries and accepts it within five minutes. The web.public app imports this module
(it opens no database and reads no data key)."""
from __future__ import annotations

import base64
import hashlib
import json
import os
import secrets
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

from nacl.exceptions import BadSignatureError, CryptoError
from nacl.public import PrivateKey, PublicKey, SealedBox
from nacl.signing import SigningKey, VerifyKey

INBOX = "inbox"
USED = "used"
KINDS = ("booking", "inquiry", "survey")
PREFIXES = {"booking": "R", "inquiry": "Q", "survey": "S"}
SIGNATURE_HEADER = "X-Okuyami-Pull"
SIGNATURE_WINDOW_SECONDS = 300
_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"      # Crockford base32: no I, L, O, U


def b64(raw: bytes) -> str:
    return base64.b64encode(raw).decode("ascii")


def unb64(text: str) -> bytes:
    return base64.b64decode(text.encode("ascii"), validate=True)


def random_code(length: int) -> str:
    return "".join(secrets.choice(_ALPHABET) for _ in range(length))


def normalise_code(text: str) -> str:
    """A typed code as the alphabet spells it: upper case, I/L read as 1, O as 0, dashes and spaces dropped."""
    cleaned = text.strip().upper().replace("-", "").replace(" ", "")
    return cleaned.translate(str.maketrans({"I": "1", "L": "1", "O": "0"}))


def new_number(kind: str) -> str:
    """A number to show the family: the kind's letter, then eight characters (e.g. R-7KQ2-M9XD)."""
    code = random_code(8)
    return f"{PREFIXES[kind]}-{code[:4]}-{code[4:]}"


def seal(public_key: str, payload: dict) -> bytes:
    return SealedBox(PublicKey(unb64(public_key))).encrypt(
        json.dumps(payload, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def open_sealed(private_keys: list[bytes], blob: bytes) -> dict:
    """The payload, trying each private key (newest first); ValueError when none opens it or it is not JSON."""
    for key in private_keys:
        try:
            plain = SealedBox(PrivateKey(key)).decrypt(blob)
        except CryptoError:
            continue
        try:
            payload = json.loads(plain.decode("utf-8"))
        except (UnicodeDecodeError, ValueError) as exc:
            raise ValueError("the sealed item is not JSON") from exc
        if not isinstance(payload, dict):
            raise ValueError("the sealed item is not an object")
        return payload
    raise ValueError("no key of the city opens the sealed item")


def new_box_keys() -> tuple[str, bytes]:
    key = PrivateKey.generate()
    return b64(bytes(key.public_key)), bytes(key)


def new_signing_keys() -> tuple[str, bytes]:
    key = SigningKey.generate()
    return b64(bytes(key.verify_key)), bytes(key)


def _signed_text(stamp: str, method: str, path: str, body: bytes) -> bytes:
    return f"{stamp}|{method}|{path}|{hashlib.sha256(body).hexdigest()}".encode()


def pull_signature(sign_secret: bytes, method: str, path: str, body: bytes = b"", now: float | None = None) -> str:
    """The header value: the time and an Ed25519 signature over the time, the method, the path and the body's
    hash, so a request seen once can neither be replayed after five minutes nor turned into another."""
    stamp = str(int(now if now is not None else time.time()))
    return f"{stamp}.{b64(SigningKey(sign_secret).sign(_signed_text(stamp, method, path, body)).signature)}"


def signature_valid(verify_key: str | None, header: str | None, method: str, path: str, body: bytes = b"",
                    now: float | None = None) -> bool:
    if not verify_key or not header or "." not in header:
        return False
    stamp, signature = header.split(".", 1)
    if not stamp.isdigit() or abs(int(stamp) - (now if now is not None else time.time())) > SIGNATURE_WINDOW_SECONDS:
        return False
    try:
        VerifyKey(unb64(verify_key)).verify(_signed_text(stamp, method, path, body), unb64(signature))
    except (BadSignatureError, ValueError):
        return False
    return True


# ------------------------------------------------------------------------------------------------ the inbox folder
@dataclass(frozen=True)
class SealedItem:
    kind: str
    number: str
    blob: bytes

    @property
    def name(self) -> str:
        return f"{self.kind}/{self.number}"


def _safe_number(number: str) -> bool:
    return 0 < len(number) <= 40 and all(c.isalnum() or c == "-" for c in number)


def write_item(root: Path, kind: str, number: str, blob: bytes) -> None:
    """Written beside its final name and renamed into place: a pull never reads half an item."""
    folder = Path(root) / INBOX / kind
    folder.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=folder, prefix=".", suffix=".tmp")
    try:
        with os.fdopen(handle, "wb") as stream:
            stream.write(blob)
        os.replace(temporary, folder / f"{number}.sealed")
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def read_items(root: Path, limit: int = 500) -> list[SealedItem]:
    found = []
    for kind in KINDS:
        folder = Path(root) / INBOX / kind
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.sealed")):
            found.append(SealedItem(kind, path.stem, path.read_bytes()))
            if len(found) >= limit:
                return found
    return found


def remove_item(root: Path, name: str) -> bool:
    kind, _, number = name.partition("/")
    if kind not in KINDS or not _safe_number(number):
        return False
    path = Path(root) / INBOX / kind / f"{number}.sealed"
    existed = path.exists()
    path.unlink(missing_ok=True)
    return existed


def claim_once(root: Path, token_hash: str) -> bool:
    """True the first time a token's hash is claimed, False ever after (atomic across processes)."""
    if not token_hash.isalnum() or len(token_hash) > 64:
        return False
    folder = Path(root) / INBOX / USED
    folder.mkdir(parents=True, exist_ok=True)
    try:
        os.close(os.open(folder / token_hash, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644))
    except FileExistsError:
        return False
    return True


def claimed(root: Path, token_hash: str) -> bool:
    return token_hash.isalnum() and (Path(root) / INBOX / USED / token_hash).exists()


def release(root: Path, token_hash: str) -> None:
    """Undo a claim whose answer could not be written (the family may try again)."""
    if token_hash.isalnum():
        (Path(root) / INBOX / USED / token_hash).unlink(missing_ok=True)
