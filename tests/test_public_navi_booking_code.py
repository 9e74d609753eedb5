"""The operator types the family's 回答コード into the booking screen and the interview is filled from it: the
family is not asked again. A mistyped code is refused in Japanese and nothing already entered is lost."""
from __future__ import annotations

import re

from processes.public.answers_code import encode
from processes.public.navi import current_version
from tests.case_support import reservation
from tests.page_support import page_csrf, text_of
from tests.test_booking_task_pages import posted

NEW = "/bookings/new"


def test_the_code_fills_the_interview_and_a_mistyped_code_is_refused(api_app, browsers):
    op = browsers["op"]
    version, schema = current_version()
    code = encode(version, schema, {"household_head": "no", "cards": ["mynumber_card"], "welfare_items": "unknown"})
    body = reservation()
    body["answers"] = {"funeral_held": "yes"}
    filled = op.post(NEW, data=posted(body, page_csrf(op, NEW), answers_code=code.lower()))
    page = text_of(filled)
    assert filled.status_code == 200
    assert re.search(r'name="answers\.household_head" value="no" checked', page)
    assert re.search(r'name="answers\.cards" value="mynumber_card" checked', page)
    assert re.search(r'name="answers\.funeral_held" value="yes" checked', page)       # kept from before
    assert body["applicant"]["name"] in page                                        # nothing typed is lost
    wrong = code[:-1] + ("0" if code[-1] != "0" else "1")
    refused = op.post(NEW, data=posted(body, page_csrf(op, NEW), answers_code=wrong))
    assert refused.status_code == 400
    assert "回答コードが正しくありません" in text_of(refused)
    assert not re.search(r'name="answers\.household_head" value="no" checked', text_of(refused))
