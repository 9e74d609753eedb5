"""Issue #13, 4: a role that reads no cases (process owner, administrator, auditor) gets the same 404 for a case
that exists and for one that does not, so case numbers cannot be enumerated."""
from __future__ import annotations

import pytest

from tests.api_support import reservation


@pytest.mark.parametrize("user", ["po", "admin", "auditor"])
def test_an_existing_and_a_missing_case_answer_alike(api, user):
    case = api.post("/cases", "op", reservation()).get_json()

    existing = api.get(f"/cases/{case['id']}", user)
    missing = api.get(f"/cases/{case['id'] + 1000}", user)

    assert existing.status_code == missing.status_code == 404
    assert existing.get_json() == missing.get_json()
    assert existing.get_json()["error"]["message"] == "指定された案件は見つかりません。"


def test_a_case_reader_still_reads_the_case(api):
    case = api.post("/cases", "op", reservation()).get_json()

    assert api.get(f"/cases/{case['id']}", "sv").status_code == 200
