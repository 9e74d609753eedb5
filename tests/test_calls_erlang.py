"""Erlang C against the published worked example (callcentrehelper.com, "Erlang C formula – made simple"):
100 calls in 30 minutes (200 an hour), 180 s handling, target 80 % within 20 s, so 10 Erlangs of traffic:
the probability of waiting is 68.21 % with 11 agents, 44.94 % with 12, 28.53 % with 13, 17.41 % with 14; the
service level is 39.0 %, 64.0 %, 79.6 % and 88.8 %; 14 agents are needed."""
from __future__ import annotations

import pytest

from processes.calls.erlang import erlang_c, seats_needed, service_level

PUBLISHED = [(11, 0.6821, 0.390), (12, 0.4494, 0.640), (13, 0.2853, 0.796), (14, 0.1741, 0.888)]


@pytest.mark.parametrize("agents, waits, level", PUBLISHED)
def test_the_published_example(agents, waits, level):
    assert erlang_c(10, agents) == pytest.approx(waits, abs=0.0001)
    assert service_level(10, agents, 180, 20) == pytest.approx(level, abs=0.001)


def test_the_seats_a_target_needs():
    assert seats_needed(200, 180, target=0.80, target_s=20) == 14
    assert seats_needed(200, 180, target=0.90, target_s=20) == 15
    assert seats_needed(0, 180) == 0


def test_no_more_seats_than_traffic_means_everyone_waits():
    assert erlang_c(10, 10) == 1.0 and service_level(10, 9, 180, 20) == 0.0


def test_large_centres_do_not_overflow():
    assert 500 < seats_needed(12000, 300) < 1100                            # 1,000 Erlangs
