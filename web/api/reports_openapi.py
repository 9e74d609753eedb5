"""The OpenAPI description of the reports (web/api/reports.py), merged into the document by web/api/openapi.py."""
from __future__ import annotations

RATIO = {"type": ["number", "null"], "description": "0–1; null when nothing was counted"}


def _ward_schema() -> dict:
    counts = {k: {"type": "integer"} for k in ("bookings", "cancelled", "walk_ins", "visits")}
    minutes = {k: {"type": ["number", "null"]} for k in ("corner_minutes_median", "corner_minutes_longest")}
    return {"type": "object", "properties": {**counts, **minutes}}


def _monthly_schema() -> dict:
    return {"type": "object", "properties": {
        "month": {"type": "string", "description": "YYYY-MM"},
        "offered": {"type": "integer"}, "answered": {"type": "integer"},
        "service_level": {**RATIO, "description": "受電応答率 (answered within 10 s ÷ offered)"},
        "service_level_target": {"type": "number"},
        "first_contact_resolution": {**RATIO, "description": "一次完了率"},
        "first_contact_resolution_target": {"type": "number"},
        "bookings": {"type": "integer"},
        "visits": {"type": "object", "additionalProperties": _ward_schema(), "description": "by ward code"},
        "contacts": {"type": "object"}, "calls": {"type": "object"}, "calls_by_day": {"type": "array"},
        "survey_corner_satisfaction": {**RATIO, "description": "null until the survey answers are connected"},
        "trend": {"type": "array", "description": "the last 12 months, oldest first"}}}


def report_paths(secured, ok, error, id_param, query) -> dict:
    month = {"name": "month", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
             "description": "YYYY-MM"}
    return {
        "/api/v1/reports/monthly/{month}": {"get": secured({
            "operationId": "monthlyReport",
            "summary": "The monthly results (月次業務実績) as figures; supervisor, admin, auditor, process owner",
            "parameters": [month],
            "responses": {"200": ok("Figures", _monthly_schema())}}, 403, 422)},
    }
