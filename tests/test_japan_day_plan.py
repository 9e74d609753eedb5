"""bench/japan_day.py's plan of a business day has the proportions issue #20 asks for: about 3 contact records and
5 FAQ searches per case, 10 reads per completed task, the families spread over every ward and their visit days'
seats, some booking online and some visits asking for a follow-up call."""
from __future__ import annotations

from collections import Counter

import pytest

from bench.japan_day_plan import WARDS, plan_day, seats_per_ward_day


@pytest.mark.parametrize("cases", [65, 650, 6500])
def test_a_day_of_n_cases_has_the_issues_proportions(cases):
    plan = plan_day(cases)
    assert len(plan.cases) == cases
    assert plan.contacts == 3 * cases
    assert plan.searches == 5 * cases
    assert plan.reads_per_task == 10
    channels = Counter(c.channel for c in plan.cases)
    assert set(channels) == {"phone", "web"} and channels["web"] == cases // 5
    assert 0.3 <= sum(c.followup for c in plan.cases) / cases <= 0.34


def test_the_families_fill_every_ward_and_just_enough_visit_days():
    plan = plan_day(6500)
    per_ward = Counter(c.ward for c in plan.cases)
    assert set(per_ward) == set(WARDS)
    assert max(per_ward.values()) - min(per_ward.values()) <= 1
    assert (plan.visit_days - 1) * seats_per_ward_day() < max(per_ward.values()) <= plan.visit_days * seats_per_ward_day()


def test_a_day_without_cases_is_refused():
    with pytest.raises(ValueError):
        plan_day(0)
