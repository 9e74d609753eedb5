"""The operator's booking screen in a real browser: the family reads out its 回答コード, the operator types it in,
and the interview is filled (the procedure list follows); axe-core finds no serious or critical violation."""
from __future__ import annotations

import pytest

from processes.public.answers_code import encode
from processes.public.navi import current_version
from tests.browser_support import serious_violations, shot, signed_in

pytestmark = pytest.mark.slow


def test_the_operator_fills_the_interview_from_the_familys_code(demo_city_server, browser):
    base, _ = demo_city_server
    page, errors = signed_in(browser, base, "op")
    page.goto(f"{base}/bookings/new")
    version, schema = current_version()
    code = encode(version, schema, {"household_head": "no", "health_insurance": "kouki", "cards": ["juki_card"]})
    page.get_by_label("回答コード（ご家族が手続ナビで受け取ったコード）").fill(code)
    page.get_by_role("button", name="コードで問診を埋める").click()
    page.wait_for_load_state()
    assert page.locator("input[name='answers.household_head'][value=no]").is_checked()
    assert page.locator("input[name='answers.health_insurance'][value=kouki]").is_checked()
    assert page.locator("input[name='answers.cards'][value=juki_card]").is_checked()
    page.locator("#f-answers_code").scroll_into_view_if_needed()
    shot(page, "public-navi-code-on-booking")
    assert serious_violations(page) == []
    assert errors == []
