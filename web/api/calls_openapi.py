"""The OpenAPI description of the phone figures and recordings (web/api/calls.py, web/api/recordings.py), merged
into the document by web/api/openapi.py."""
from __future__ import annotations

DAY = {"type": "string", "format": "date"}
NUMBER_OR_NULL = {"type": ["number", "null"]}


def _stats_schema() -> dict:
    hour = {"type": "object", "properties": {k: {"type": "integer"} for k in ("hour", "offered", "answered", "handled")}}
    counts = {k: {"type": "integer"} for k in ("offered", "answered", "abandoned", "short_abandoned",
                                                "unanswered_other", "transferred", "answered_within_10s")}
    return {"type": "object", "properties": {
        "from": DAY, "to": DAY, **counts,
        "service_level": {**NUMBER_OR_NULL, "description": "受電応答率: answered within 10 s ÷ offered (0–1)"},
        "first_contact_resolution": {**NUMBER_OR_NULL, "description": "一次完了率 from the phone contacts (0–1); "
                                                                      "null with no contacts"},
        "average_speed_of_answer_s": NUMBER_OR_NULL, "average_talk_time_s": NUMBER_OR_NULL,
        "average_handling_time_s": {**NUMBER_OR_NULL, "description": "talk + after-call work"},
        "by_hour": {"type": "array", "items": hour, "description": "hour 0–23 (JST)"}}}


def call_paths(secured, ok, error, id_param, query) -> dict:
    def day(name: str, description: str) -> dict:
        return {**query(name, description, DAY), "required": True}

    recording = {"type": "object", "properties": {
        "id": {"type": "integer"}, "call_id": {"type": ["string", "null"]}, "operator": {"type": ["string", "null"]},
        "started_at": {"type": "string", "format": "date-time"}, "duration_s": {"type": "integer"},
        "has_transcript": {"type": "boolean"}}}
    audio = {"description": "The recording (audio/wav); Range requests answer 206",
             "content": {"audio/wav": {"schema": {"type": "string", "format": "binary"}}}}
    return {
        "/api/v1/calls/stats": {"get": secured({
            "operationId": "callStats", "summary": "The city's phone figures for the days from–to, both inclusive "
                                                   "(JST); supervisor, admin, auditor; an operator gets their own",
            "parameters": [day("from", "First day (YYYY-MM-DD)"), day("to", "Last day (YYYY-MM-DD)")],
            "responses": {"200": ok("Figures", _stats_schema())}}, 403, 422)},
        "/api/v1/calls/staffing": {"get": secured({
            "operationId": "callStaffing", "summary": "Seats needed per hour (Erlang C, 85 % within 10 s) beside "
                                                      "the seats staffed (supervisor, admin, auditor)",
            "parameters": [day("date", "The day (YYYY-MM-DD)")],
            "responses": {"200": ok("Per hour", {"type": "object", "properties": {
                "date": DAY, "average_handling_time_s": {"type": "number"},
                "hours": {"type": "array", "items": {"type": "object", "properties": {
                    "hour": {"type": "integer"}, "forecast_calls": {"type": "number"},
                    "required_seats": {"type": "integer"}, "staffed_seats": {"type": "integer"}}}}}})}}, 403, 422)},
        "/api/v1/recordings": {"get": secured({
            "operationId": "listRecordings", "summary": "Call recordings (supervisor, admin, auditor; an operator "
                                                        "their own calls)",
            "parameters": [query("from", "First day", DAY), query("to", "Last day", DAY),
                           query("operator", "Operator (login ID)"), query("call_id", "The exchange's call id")],
            "responses": {"200": ok("Recordings", {"type": "object", "properties": {
                "items": {"type": "array", "items": recording}}})}}, 403, 422)},
        "/api/v1/recordings/{recording_id}/audio": {"get": secured({
            "operationId": "playRecording", "summary": "Play a recording back (the per-user playback right; audited)",
            "parameters": [id_param("recording_id")], "responses": {"200": audio, "206": audio}}, 403, 404)},
        "/api/v1/recordings/{recording_id}/export": {"get": secured({
            "operationId": "exportRecording", "summary": "Download a recording (admin only; audited)",
            "parameters": [id_param("recording_id")], "responses": {"200": audio}}, 403, 404)},
    }
