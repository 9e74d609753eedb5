"""Encryption at rest: AES-GCM with a key ring for rotation, keyed blind indexes, and the workflow blob in the
database never holding personal data in clear."""
from __future__ import annotations

import json
import zlib

import pytest
from sqlalchemy import text

from engine import crypto
from engine.crypto import DecryptionFailed, KeyRing, generate_key
from engine.errors import ConfigurationError
from tests.support import TEST_DATA_KEY

NAME = "川崎 太郎"
OLD, NEW, OTHER = generate_key(), generate_key(), generate_key()


@pytest.fixture
def restore_key_ring():
    """Tests that reconfigure the global ring put the suite's key back afterwards."""
    assert crypto.keyring().primary_key_id == KeyRing([TEST_DATA_KEY]).primary_key_id
    yield
    crypto.configure([TEST_DATA_KEY])


def test_round_trip_and_fresh_ciphertext_each_time():
    ring = KeyRing([OLD])
    plaintext = NAME.encode("utf-8")

    first, second = ring.encrypt(plaintext), ring.encrypt(plaintext)

    assert first != second
    assert plaintext not in first
    assert ring.decrypt(first) == ring.decrypt(second) == plaintext


def test_associated_data_binds_the_ciphertext_to_its_context():
    ring = KeyRing([OLD])
    sealed = ring.encrypt(b"row 1", associated_data=b"instance:1")

    assert ring.decrypt(sealed, associated_data=b"instance:1") == b"row 1"
    with pytest.raises(DecryptionFailed):
        ring.decrypt(sealed, associated_data=b"instance:2")


@pytest.mark.parametrize("tamper", [
    lambda b: b[:-1] + bytes([b[-1] ^ 1]),          # tag
    lambda b: b[:20] + bytes([b[20] ^ 1]) + b[21:],  # ciphertext/nonce
    lambda b: b[:-3],                                # truncated
    lambda b: b"\x02" + b[1:],                       # unknown format version
    lambda b: b"",
], ids=["tag", "body", "truncated", "format", "empty"])
def test_tampered_ciphertext_is_refused(tamper):
    ring = KeyRing([OLD])

    with pytest.raises(DecryptionFailed):
        ring.decrypt(tamper(ring.encrypt(NAME.encode())))


def test_rotation_old_data_stays_readable_and_new_writes_use_the_new_key():
    written_before = KeyRing([OLD]).encrypt(b"before rotation")
    rotated = KeyRing([NEW, OLD])

    assert rotated.decrypt(written_before) == b"before rotation"
    assert rotated.needs_reencryption(written_before)
    written_after = rotated.encrypt(b"after rotation")
    assert not rotated.needs_reencryption(written_after)
    assert KeyRing([NEW]).decrypt(written_after) == b"after rotation"
    with pytest.raises(DecryptionFailed):
        KeyRing([OLD]).decrypt(written_after)


def test_a_key_that_is_not_in_the_ring_cannot_decrypt():
    sealed = KeyRing([OLD]).encrypt(b"secret")

    with pytest.raises(DecryptionFailed, match="not configured"):
        KeyRing([NEW, OTHER]).decrypt(sealed)


@pytest.mark.parametrize("keys", [[], ["not base64 at all!"], ["c2hvcnQ="], ["日本語の鍵"], [NEW, "too-short"]],
                         ids=["no key", "not base64", "16 bytes", "non-ascii", "bad second key"])
def test_invalid_key_text_is_a_configuration_error(keys):
    with pytest.raises(ConfigurationError):
        KeyRing(keys)


def test_blind_index_is_stable_keyed_and_not_the_value():
    ring = KeyRing([OLD])

    index = ring.blind_index(NAME)

    assert index == ring.blind_index(NAME) == KeyRing([OLD]).blind_index(f"  {NAME} ")
    assert index != ring.blind_index("川崎 次郎")
    assert index != KeyRing([OTHER]).blind_index(NAME)
    assert NAME not in index and len(index) == 64


def test_generated_keys_are_distinct_and_usable():
    keys = {generate_key() for _ in range(5)}

    assert len(keys) == 5
    for key in keys:
        assert KeyRing([key]).decrypt(KeyRing([key]).encrypt(b"x")) == b"x"


# the workflow blob in the database ----------------------------------------------------------------------------

def _raw_workflow(database, instance_id: int, column: str = "workflow") -> bytes:
    with database.engine.connect() as connection:
        value = connection.execute(text(f"SELECT {column} FROM process_instances WHERE id = :id"),
                                   {"id": instance_id}).scalar_one()
    return bytes(value)


def test_the_stored_workflow_holds_no_personal_data_in_clear(runtime, database):
    started = runtime.start("review", "op1", data={"age": 70, "deceased_name": NAME}, ward="nakahara")

    raw = _raw_workflow(database, started.id)

    escaped = json.dumps(NAME)[1:-1].encode("ascii")  # \u5ddd\u5d0e \u592a\u90ce
    for needle in (NAME.encode("utf-8"), escaped, b"deceased_name"):
        assert needle not in raw
    inside = zlib.decompress(crypto.keyring().decrypt(raw))  # only the key ring makes it readable
    assert escaped in inside or NAME.encode("utf-8") in inside
    with pytest.raises(DecryptionFailed):
        KeyRing([OTHER]).decrypt(raw)
    assert runtime.instance_data(started.id)["deceased_name"] == NAME


def test_the_case_data_stored_beside_the_workflow_is_encrypted_too(runtime, database):
    started = runtime.start("review", "op1", data={"age": 70, "deceased_name": NAME}, ward="nakahara")

    raw = _raw_workflow(database, started.id, "case_data")

    escaped = json.dumps(NAME)[1:-1].encode("ascii")
    for needle in (NAME.encode("utf-8"), escaped, b"deceased_name"):
        assert needle not in raw
    assert json.loads(zlib.decompress(crypto.keyring().decrypt(raw)))["deceased_name"] == NAME
    with pytest.raises(DecryptionFailed):
        KeyRing([OTHER]).decrypt(raw)


def test_after_rotation_cases_stay_readable_and_are_rewritten_with_the_new_key(
        runtime, database, restore_key_ring):
    started = runtime.start("review", "op1", data={"age": 70, "deceased_name": NAME})
    crypto.configure([NEW, TEST_DATA_KEY])
    assert crypto.keyring().needs_reencryption(_raw_workflow(database, started.id))

    [intake] = runtime.list_tasks(instance_id=started.id)
    assert runtime.task_data(intake.id)["deceased_name"] == NAME
    runtime.complete_task(intake.id, {"procedures": ["JU03"]}, "op1")

    raw = _raw_workflow(database, started.id)
    assert not crypto.keyring().needs_reencryption(raw)
    assert b"JU03" in zlib.decompress(KeyRing([NEW]).decrypt(raw))

    crypto.configure([OTHER])
    with pytest.raises(DecryptionFailed):
        runtime.instance_data(started.id)


def test_reencrypting_moves_every_case_to_the_new_key_so_the_old_one_can_be_removed(
        runtime, database, restore_key_ring):
    from engine.db.reencrypt import reencrypt_instances

    cases = [runtime.start("review", "op1", data={"age": 70 + n, "deceased_name": NAME}) for n in range(3)]
    crypto.configure([NEW, TEST_DATA_KEY])
    assert reencrypt_instances(database, batch=2) == (3, 0)
    assert reencrypt_instances(database) == (0, 0)  # nothing left under the old key

    crypto.configure([NEW])  # the old key is gone
    for case in cases:
        assert b"deceased_name" in zlib.decompress(KeyRing([NEW]).decrypt(_raw_workflow(database, case.id)))
        assert b"deceased_name" in zlib.decompress(KeyRing([NEW]).decrypt(_raw_workflow(database, case.id,
                                                                                       "case_data")))
        assert runtime.instance_data(case.id)["deceased_name"] == NAME
    assert runtime.get_instance(cases[0].id).row_version == cases[0].row_version  # data unchanged, no new version


def test_the_blind_indexer_for_many_values_gives_the_blind_index():
    ring, other = KeyRing([OLD, NEW]), KeyRing([OTHER])
    index = ring.blind_indexer()
    values = [NAME, f"  {NAME} ", "0441234567", "", "ｱ" * 300, "x" * 64, "y" * 65]
    assert [index(value) for value in values] == [ring.blind_index(value) for value in values]
    assert other.blind_indexer()(NAME) == other.blind_index(NAME) != index(NAME)
