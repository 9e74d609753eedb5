"""The OpenAPI description of the contact-record routes (web/api/contacts.py), merged into the document by
web/api/openapi.py."""
from __future__ import annotations

from processes.callcentre.vocabulary import (
    AGE_BANDS,
    CHANNELS,
    COUNTERPARTS,
    GENDERS,
    OUTCOMES,
    REPLY_CHANNELS,
    SATISFACTION,
    VOICE_KINDS,
)
from processes.departments import DEPARTMENTS
from processes.wards import load_wards

ROLES = ("operator and supervisor record and read contacts; an operator corrects their own records the same day, "
         "a supervisor any record and deletes (softly); auditor reads; supervisor and admin export CSV; dept_staff "
         "get 404 for every contact (they reach their hand-over tasks through /tasks).")


def _enum(values: dict) -> dict:
    return {"type": "string", "enum": list(values), "description": "、".join(f"{k}: {v}" for k, v in values.items())}


def contact_schemas() -> dict:
    text = {"type": "string", "maxLength": 4000}
    moment = {"type": "string", "format": "date-time", "description": "ISO 8601 with offset"}
    caller = {"type": "object", "properties": {"gender": _enum(GENDERS), "age_band": _enum(AGE_BANDS),
                                               "satisfaction": _enum(SATISFACTION)}}
    handover = {"type": "object", "required": ["callback_name", "callback_phone"], "properties": {
        "department": {**_enum(DEPARTMENTS), "description": "所管課 (default: dmn/inquiry_routing.dmn by category)"},
        "ward": {"type": "string", "enum": sorted(load_wards()), "description": "With a ward's department"},
        "callback_name": {"type": "string", "maxLength": 100}, "callback_phone": {"type": "string", "maxLength": 20},
        "callback_time": {"type": "string", "maxLength": 100}, "note": {"type": "string", "maxLength": 2000}},
        "description": "With outcome handed_over (and centre_callback): the callback details are stored apart, "
                       "encrypted, and deleted when the inquiry closes."}
    voice = {"type": "object", "required": ["kind", "intent"], "properties": {
        "kind": _enum(VOICE_KINDS), "intent": text, "said": text, "department": _enum(DEPARTMENTS)}}
    request = {"type": "object", "required": ["channel", "counterpart_type", "started_at", "category", "question",
                                              "outcome"], "properties": {
        "channel": _enum(CHANNELS), "counterpart_type": _enum(COUNTERPARTS), "started_at": moment,
        "ended_at": moment, "category": {"type": "string", "maxLength": 100}, "question": text, "answer": text,
        "outcome": _enum(OUTCOMES), "faq_ids": {"type": "array", "items": {"type": ["integer", "string"]}},
        "related_contact_ids": {"type": "array", "items": {"type": "integer"}},
        "case_id": {"type": ["integer", "null"]}, "call_id": {"type": "string", "maxLength": 64}, "caller": caller,
        "handover": handover, "voice": voice, "reason": {"type": "string", "maxLength": 2000,
                                                         "description": "Why it is not a city matter"},
        "reply_channel": _enum(REPLY_CHANNELS),
        "reply_email": {"type": "string", "description": "Send the answer by e-mail (outbox); kept nowhere else"}}}
    contact = {"type": "object", "properties": {
        **{k: v for k, v in request["properties"].items() if k not in ("handover", "voice", "reason", "reply_email")},
        "id": {"type": "integer"}, "operator": {"type": "string"},
        "completed_in_centre": {"type": "boolean", "description": "一次完了"},
        "after_call_seconds": {"type": ["integer", "null"]}, "talk_seconds": {"type": ["integer", "null"]},
        "handover": {"type": "object"}, "inquiry": {"type": "object"}, "voice": {"type": "object"},
        "warnings": {"type": "array", "items": {"type": "object", "properties": {
            "field": {"type": "string"}, "kind": {"type": "string"}, "message": {"type": "string"}}}}}}
    return {"ContactRequest": request, "Contact": contact}


def contact_paths(secured, ok, error, id_param, query) -> dict:
    ref = {"$ref": "#/components/schemas/Contact"}
    body = {"required": True, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ContactRequest"}}}}
    filters = [query("from", "First day (YYYY-MM-DD, JST) or date-time"), query("to", "Last day or date-time"),
               query("channel", "Channel", _enum(CHANNELS)), query("outcome", "Outcome", _enum(OUTCOMES)),
               query("counterpart_type", "Counterpart", _enum(COUNTERPARTS)), query("category", "Category"),
               query("operator", "Operator's username"), query("q", "Words in the question or answer"),
               query("case_id", "A case's number", {"type": "integer"})]
    paging = [query("page", "Page (from 1)", {"type": "integer"}), query("per_page", "Up to 200", {"type": "integer"})]
    listing = {"type": "object", "properties": {"items": {"type": "array", "items": ref}, "total": {"type": "integer"},
                                                "page": {"type": "integer"}, "pages": {"type": "integer"}}}
    return {
        "/api/v1/contacts": {
            "post": secured({"operationId": "createContact", "summary": "Record a contact (応対履歴)",
                             "description": "Answers the record with `completed_in_centre` and `warnings` (free "
                                            "text that looks like personal data). " + ROLES,
                             "requestBody": body, "responses": {"201": ok("The contact", ref)}}, 400, 403),
            "get": secured({"operationId": "listContacts", "summary": "Search contacts, newest first, in pages",
                            "description": ROLES, "parameters": filters + paging,
                            "responses": {"200": ok("A page of contacts", listing)}}, 400, 403)},
        "/api/v1/contacts/export.csv": {"get": secured({
            "operationId": "exportContacts", "summary": "CSV of every contact matching the filters (audited)",
            "description": "UTF-8 with BOM, RFC 4180, formula cells prefixed with '. supervisor, admin.",
            "parameters": filters, "responses": {"200": {"description": "CSV", "content": {"text/csv": {
                "schema": {"type": "string"}}}}}}, 400, 403)},
        "/api/v1/contacts/{contact_id}": {
            "get": secured({"operationId": "getContact", "summary": "One contact", "description": ROLES,
                            "parameters": [id_param("contact_id")], "responses": {"200": ok("The contact", ref)}},
                           403, 404),
            "patch": secured({"operationId": "correctContact", "summary": "Correct a contact", "description": ROLES,
                              "parameters": [id_param("contact_id")],
                              "requestBody": {"required": True, "content": {"application/json": {"schema": {
                                  "type": "object"}}}},
                              "responses": {"200": ok("The corrected contact", ref)}}, 400, 403, 404),
            "delete": secured({"operationId": "deleteContact", "summary": "Delete a contact (soft, audited)",
                               "description": ROLES, "parameters": [id_param("contact_id")],
                               "responses": {"204": {"description": "Deleted"}}}, 403, 404)},
        "/api/v1/contacts/{contact_id}/fax-reply.pdf": {"get": secured({
            "operationId": "getContactFaxReply", "summary": "The A4 FAX reply sheet (operator, supervisor)",
            "parameters": [id_param("contact_id")],
            "responses": {"200": {"description": "PDF", "content": {"application/pdf": {"schema": {
                "type": "string", "format": "binary"}}}}, "503": error("No PDF converter on this server")}},
            403, 404)},
        "/api/v1/cases/{case_id}/contacts": {"get": secured({
            "operationId": "listCaseContacts", "summary": "The contacts linked to a case (operator, supervisor, "
                                                          "auditor)", "parameters": [id_param("case_id")],
            "responses": {"200": ok("Contacts", listing)}}, 403, 404)},
        "/api/v1/tasks/{task_id}/callback": {"get": secured({
            "operationId": "getTaskCallback", "summary": "Name, phone and best time of a callback task (audited)",
            "description": "The staff of the callback task's department (and operators, supervisors); 404 once the "
                           "inquiry closed and the details were deleted.", "parameters": [id_param("task_id")],
            "responses": {"200": ok("The callback details", {"type": "object", "properties": {
                "name": {"type": "string"}, "phone": {"type": "string"}, "best_time": {"type": "string"}}})}},
            403, 404)},
    }
