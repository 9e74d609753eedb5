"""The OpenAPI description of the reports (web/api/reports.py) and the incident reports (web/api/incidents.py), merged
into the document by web/api/openapi.py."""
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


def _incident_request() -> dict:
    from processes.reports.incident_vocabulary import ACCOUNT_FIELDS, INCIDENT_KINDS, REQUIRED_ACCOUNT_FIELDS

    texts = {key: {"type": "string", "maxLength": 2000, "description": label} for key, label in ACCOUNT_FIELDS.items()}
    return {"type": "object", "required": ["kind", "occurred_at", "personal_data", *REQUIRED_ACCOUNT_FIELDS],
            "properties": {"kind": {"type": "string", "enum": list(INCIDENT_KINDS), "description": "種別"},
                           "occurred_at": {"type": "string", "description": "発生日時 (ISO 8601; no offset: Tokyo)"},
                           "personal_data": {"type": "boolean", "description": "個人情報が関係するか"}, **texts}}


def _incident_schema() -> dict:
    return {"type": "object", "properties": {
        "id": {"type": "integer"}, "kind": {"type": "string"}, "kind_label": {"type": "string"},
        "occurred_at": {"type": "string"}, "personal_data": {"type": "boolean"},
        "state": {"type": "string", "enum": ["review", "submitted", "withdrawn"]},
        "submitted_at": {"type": ["string", "null"]}, "instance_id": {"type": ["integer", "null"]}}}


def report_paths(secured, ok, error, id_param, query) -> dict:
    month = {"name": "month", "in": "path", "required": True, "schema": {"type": "string", "pattern": r"^\d{4}-\d{2}$"},
             "description": "YYYY-MM"}
    return {
        "/api/v1/reports/monthly/{month}": {"get": secured({
            "operationId": "monthlyReport",
            "summary": "The monthly results (月次業務実績) as figures; supervisor, admin, auditor, process owner",
            "description": "`YYYY-MM.xlsx` or `YYYY-MM.pdf` as the month answers the report as a file "
                           "(XLSX with native charts, A4 PDF).",
            "parameters": [{**month, "schema": {"type": "string"}}],
            "responses": {"200": {"description": "Figures, or the XLSX / PDF file", "content": {
                "application/json": {"schema": _monthly_schema()},
                "application/pdf": {"schema": {"type": "string", "format": "binary"}},
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": {
                    "schema": {"type": "string", "format": "binary"}}}}}}, 403, 404, 422)},
        "/api/v1/incidents": {
            "post": secured({
                "operationId": "createIncident",
                "summary": "Draft an incident report (随時報告); a supervisor's review starts at once; "
                           "operator, supervisor, counter, admin",
                "requestBody": {"required": True, "content": {"application/json": {"schema": _incident_request()}}},
                "responses": {"201": ok("The incident (without its account)", _incident_schema())}}, 403, 422),
            "get": secured({
                "operationId": "listIncidents",
                "summary": "The incident reports, newest first, without their accounts; supervisor, admin, auditor, "
                           "process owner",
                "responses": {"200": ok("Incidents", {"type": "object", "properties": {
                    "items": {"type": "array", "items": _incident_schema()}}})}}, 403)},
    }
