"""The procedure IDs (手続ID) of the city's specification 5(3)①, defined once, in the specification's order.

Everything else about a procedure (names, counters, items to bring, explanations, dates) is data in
catalogue.yaml; only the set of IDs is code, so that the DMN tables, the forms and the catalogue can never
disagree about which procedures exist. A new procedure gets its ID here first, then its catalogue entry.
"""
from __future__ import annotations


def _series(prefix: str, count: int) -> tuple[str, ...]:
    return tuple(f"{prefix}{n:02d}" for n in range(1, count + 1))


PROCEDURE_IDS: tuple[str, ...] = (
    *_series("JU", 5),   # 戸籍住民
    *_series("KA", 5),   # 介護保険
    *_series("KS", 24),  # 高齢・障害等
    *_series("HN", 3),   # 保険年金
    *_series("ZE", 2),   # 税務
    *_series("JI", 4),   # 児童家庭
    *_series("HO", 2),   # 保育
    *_series("EI", 2),   # 衛生
    *_series("FU", 3),   # 福祉（原爆被爆者援護）
)

PROCEDURE_ID_SET: frozenset[str] = frozenset(PROCEDURE_IDS)

WELFARE_IDS: tuple[str, ...] = _series("KS", 24)
"""高齢・障害等 KS01–KS24: the cards, allowances and services the interview asks about as one multi-select."""

assert len(PROCEDURE_IDS) == 50 == len(PROCEDURE_ID_SET)
