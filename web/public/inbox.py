"""Where the public side keeps what families send: sealed on arrival with the city's public key (from the export's
keys part) and written as ciphertext into the data directory's inbox; this side can never read it again.
Also the signed pull (`okuyami public pull --url`): GET /inbox/items and POST /inbox/ack, for the staff side only."""
from __future__ import annotations

from datetime import datetime, timezone

from flask import Blueprint, abort, current_app, jsonify, request

from processes.public import sealing

bp = Blueprint("public_inbox", __name__, url_prefix="/inbox")
PULL_BATCH = 200


def keys() -> dict:
    return current_app.extensions["public_export"].part("keys", lambda data: data)


def root():
    return current_app.extensions["public_export"].root


def accepting() -> bool:
    """Only with the city's public key in the export can anything be sealed (else nothing is taken)."""
    return bool(keys().get("box_public_key"))


def store(kind: str, payload: dict) -> str:
    """Seals the payload and writes it; returns the number shown to the family."""
    number = sealing.new_number(kind)
    received = datetime.now(timezone.utc).isoformat(timespec="seconds")
    blob = sealing.seal(keys()["box_public_key"], {**payload, "kind": kind, "number": number, "received_at": received})
    sealing.write_item(root(), kind, number, blob)
    return number


def _signed() -> None:
    if not sealing.signature_valid(keys().get("pull_verify_key"), request.headers.get(sealing.SIGNATURE_HEADER),
                                   request.method, request.path, request.get_data(cache=True)):
        abort(404)


@bp.get("/items")
def items():
    _signed()
    found = sealing.read_items(root(), PULL_BATCH)
    response = jsonify({"items": [{"kind": i.kind, "number": i.number, "sealed": sealing.b64(i.blob)}
                                  for i in found]})
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.post("/ack")
def ack():
    _signed()
    names = (request.get_json(silent=True) or {}).get("names")
    if not isinstance(names, list):
        abort(400)
    removed = sum(1 for name in names[:PULL_BATCH] if isinstance(name, str) and sealing.remove_item(root(), name))
    response = jsonify({"removed": removed})
    response.headers["Cache-Control"] = "no-store"
    return response
