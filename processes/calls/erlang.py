"""Erlang C: the probability that a call waits, the service level it gives, and the seats a target needs."""
from __future__ import annotations

import math

MAX_SEATS = 5000


def erlang_c(traffic: float, seats: int) -> float:
    """Probability that a call has to wait, with `traffic` Erlangs offered to `seats` agents (1 when seats ≤ traffic)."""
    if traffic <= 0:
        return 0.0
    if seats <= traffic:
        return 1.0
    blocking = 1.0                  # Erlang B by its recursion (stable for any size, no factorials)
    for k in range(1, seats + 1):
        blocking = traffic * blocking / (k + traffic * blocking)
    return seats * blocking / (seats - traffic * (1 - blocking))

def service_level(traffic: float, seats: int, handling_s: float, target_s: float) -> float:
    """Share of calls answered within `target_s` seconds."""
    if traffic <= 0:
        return 1.0
    if seats <= traffic:
        return 0.0
    return 1.0 - erlang_c(traffic, seats) * math.exp(-(seats - traffic) * target_s / handling_s)


def seats_needed(calls_per_hour: float, handling_s: float, target: float = 0.85, target_s: float = 10) -> int:
    """The fewest seats for which `target` of the calls are answered within `target_s` seconds."""
    if calls_per_hour <= 0 or handling_s <= 0:
        return 0
    traffic = calls_per_hour * handling_s / 3600
    seats = max(1, math.floor(traffic) + 1)
    while seats < MAX_SEATS and service_level(traffic, seats, handling_s, target_s) < target:
        seats += 1
    return seats
