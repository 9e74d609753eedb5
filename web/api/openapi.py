"""The OpenAPI 3.1 document of /api/v1, served at /api/v1/openapi.json (built from the task forms, so a form
change shows up here without code)."""
from __future__ import annotations

import copy
import json

from flask import Blueprint, jsonify

from processes.tasks.validation import load_form
from processes.wards import load_wards
from web.api.calls_openapi import call_paths
from web.api.contacts_openapi import contact_paths, contact_schemas
from web.api.faqs_openapi import faq_paths, faq_schemas
from web.api.reports_openapi import report_paths
from web.extensions import platform

bp = Blueprint("openapi", __name__, url_prefix="/api/v1")

ROLES_TEXT = ("Roles: operator and supervisor work city-wide; counter is scoped to its ward; dept_staff to its "
              "ward and department; process_owner, admin and auditor have no access to case data or tasks "
              "(403). An object of another ward (or department) answers 404, never revealing that it exists.")


def _error(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}}


def _ok(description: str, schema: dict | None = None) -> dict:
    return {"description": description, "content": {"application/json": {"schema": schema or {"type": "object"}}}}


def _secured(operation: dict, *codes: int) -> dict:
    texts = {400: "Malformed request or query", 401: "Missing or invalid bearer token", 403: "Role not allowed",
             404: "Not found or outside the caller's scope", 409: "Conflict (stale task, slot taken)",
             422: "Invalid data; `errors` names each field"}
    operation.setdefault("responses", {}).update({str(c): _error(texts[c]) for c in (401, *codes)})
    operation["security"] = [{"bearer": []}]
    return operation


def _rewrite_refs(node):
    if isinstance(node, dict):
        return {k: (v.replace("#/$defs/", "#/components/schemas/") if k == "$ref" and isinstance(v, str)
                    else _rewrite_refs(v)) for k, v in node.items()}
    if isinstance(node, list):
        return [_rewrite_refs(v) for v in node]
    return node


def _case_request(forms_dir) -> tuple[dict, dict]:
    form = copy.deepcopy(load_form(forms_dir, "booking.json"))
    defs = _rewrite_refs(form.pop("$defs", {}))
    schema = _rewrite_refs({k: v for k, v in form.items() if k not in ("$schema",)})
    schema["required"] = [r for r in schema["required"] if r != "slot_start"]
    schema["description"] = ("予約情報と問診の回答。`slot_start` があれば電話予約（operator・supervisor）、なければ窓口受付"
                             "（counter、自区のみ）。 " + schema.get("description", ""))
    return schema, defs


def _query_parameter(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}}


def _model_operation(operation_id: str, summary: str, ok: dict, extra: dict | None = None) -> dict:
    """The request body is the model file itself (XML, or YAML for kind=catalogue), at most 5 MiB."""
    def param(name, description, schema=None):
        return _query_parameter(name, description, schema)
    return {"operationId": operation_id, "summary": summary,
            "parameters": [param("kind", "bpmn, dmn or catalogue (default: from the XML namespace)",
                                 {"type": "string", "enum": ["bpmn", "dmn", "catalogue"]}),
                           param("name", "Registry file name, e.g. okuyami_case.bpmn (default: from the ids)"),
                           param("comment", "Version comment (deploy)")],
            "requestBody": {"required": True, "content": {t: {"schema": {"type": "string"}} for t in
                                                          ("application/xml", "text/xml", "application/octet-stream")}},
            "responses": {"200" if operation_id == "validateModel" else "201": ok, **(extra or {}),
                          "400": _ok("Empty body or unknown kind", {"$ref": "#/components/schemas/ModelCheck"}),
                          "413": _error("The file is larger than 5 MiB")}}


def build_document(forms_dir) -> dict:
    case_request, defs = _case_request(forms_dir)
    def id_param(name):
        return {"name": name, "in": "path", "required": True, "schema": {"type": "integer"}}
    query = _query_parameter
    ward_schema = {"type": "string", "enum": sorted(load_wards())}
    paths = {
        "/api/v1/health": {"get": {"operationId": "health", "summary": "Liveness",
                                   "responses": {"200": _ok("OK")}}},
        "/api/v1/openapi.json": {"get": {"operationId": "openapi", "summary": "This document",
                                         "responses": {"200": _ok("The OpenAPI document")}}},
        "/api/v1/navi/evaluate": {"post": {
            "operationId": "naviEvaluate", "summary": "Public navi: answers in, procedures out (no login)",
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": _ok("The selected procedures", {}), "400": _error("Invalid answers"),
                          "503": _error("No selection table deployed yet (okuyami models deploy)")}}},
        "/api/v1/navi/codes/{code}": {"get": _secured({
            "operationId": "naviCode", "summary": "The answers a family's answers code (回答コード) from the home navi "
                                                  "carries, mapped onto today's interview",
            "parameters": [{"name": "code", "in": "path", "required": True, "description": "The answers code",
                            "schema": {"type": "string"}}],
            "responses": {"200": _ok("The answers, and the answer keys that no longer map onto today's interview", {
                "type": "object", "required": ["answers", "unanswered"], "properties": {
                    "answers": {"type": "object"}, "unanswered": {"type": "array", "items": {"type": "string"}}}}),
                          "400": _error("The code cannot be read; the Japanese message says why (e.g. 回答コードが"
                                        "正しくありません。聞き間違い・打ち間違いがないか、もう一度ご確認ください。), "
                                        "`errors` names the field `code`")}})},
        "/api/v1/me": {"get": _secured({"operationId": "me", "summary": "The caller",
                                        "responses": {"200": _ok("The caller's account")}})},
        "/api/v1/cases": {"post": _secured({
            "operationId": "createCase", "summary": "Create a case with its reservation data and answers",
            "description": "A booking (with `slot_start`, a free bookable slot of the ward): operator, supervisor. "
                           "A walk-in (without `slot_start`): counter of that ward. " + ROLES_TEXT,
            "requestBody": {"required": True, "content": {"application/json": {"schema": case_request}}},
            "responses": {"201": _ok("The case", {"$ref": "#/components/schemas/Case"})}}, 400, 403, 409, 422)},
        "/api/v1/cases/{case_id}": {"get": _secured({
            "operationId": "getCase", "summary": "Read a case",
            "description": "operator, supervisor, counter (own ward): with personal data, each read audited "
                           "(`case.viewed`). dept_staff (own ward): procedures and own department's tasks, no "
                           "personal data. " + ROLES_TEXT,
            "parameters": [id_param("case_id")],
            "responses": {"200": _ok("The case", {"$ref": "#/components/schemas/Case"})}}, 403, 404)},
        "/api/v1/cases/{case_id}/packet.pdf": {"get": _secured({
            "operationId": "getCasePacket", "summary": "The case's print packet: guidance sheet and forms, one PDF",
            "description": "Who may read the case with its personal data (operator, supervisor, counter of the ward); "
                           "each download audited (`packet.downloaded`). Made in the background once the pre-checks "
                           "are done and again when the case changes. " + ROLES_TEXT,
            "parameters": [id_param("case_id")],
            "responses": {"200": {"description": "The packet", "content": {"application/pdf": {
                              "schema": {"type": "string", "format": "binary"}}}},
                          "409": {**_error("Still being made; `progress` tells how far; retry after `Retry-After` s"),
                                  "headers": {"Retry-After": {"schema": {"type": "integer"}}}},
                          "503": _error("No PDF converter (LibreOffice) on this server")}}, 403, 404)},
        "/api/v1/cases/{case_id}/packet": {"post": _secured({
            "operationId": "requestCasePacket", "summary": "Make the case's print packet now if missing or stale",
            "description": "The same readers as the packet. A GET of the packet never starts it; the worker makes the "
                           "packets of the cases waiting for their visit. " + ROLES_TEXT,
            "parameters": [id_param("case_id")],
            "responses": {"202": _ok("The packet's progress", {"type": "object", "properties": {
                "state": {"type": "string"}, "done": {"type": "integer"}, "total": {"type": "integer"},
                "queued": {"type": "boolean"}}})}}, 403, 404)},
        "/api/v1/cases/{case_id}/move": {"post": _secured({
            "operationId": "moveCase", "summary": "Rebook a booked case to another free slot of its ward",
            "description": "operator, supervisor; while the pre-checks run. " + ROLES_TEXT,
            "parameters": [id_param("case_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["slot_start"],
                "properties": {"slot_start": {"type": "string", "format": "date-time"}}}}}},
            "responses": {"200": _ok("The case", {"$ref": "#/components/schemas/Case"})}}, 400, 403, 404, 409, 422)},
        "/api/v1/cases/{case_id}/cancel": {"post": _secured({
            "operationId": "cancelCase", "summary": "Cancel a booked case (before or awaiting the visit)",
            "description": "operator, supervisor. " + ROLES_TEXT,
            "parameters": [id_param("case_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["reason"],
                "properties": {"reason": {"type": "string", "minLength": 1, "maxLength": 400}}}}}},
            "responses": {"200": _ok("The case", {"$ref": "#/components/schemas/Case"})}}, 400, 403, 404, 409, 422)},
        "/api/v1/cases/{case_id}/check-in": {"post": _secured({
            "operationId": "checkInCase", "summary": "Record the family's arrival at the counter (the visit's day only)",
            "description": "counter of the case's ward; 409 with a Japanese message before or after the visit's day "
                           "or when the case is not at its visit. " + ROLES_TEXT,
            "parameters": [id_param("case_id")],
            "responses": {"200": _ok("The check-in", {"type": "object", "properties": {
                "case_id": {"type": "integer"}, "checked_in_at": {"type": "string", "format": "date-time"}}})}},
            403, 404, 409)},
        "/api/v1/tasks": {"get": _secured({
            "operationId": "listTasks", "summary": "Open tasks in the caller's scope",
            "description": "operator: operator tasks; supervisor: all; counter: own ward; dept_staff: own ward and "
                           "department. " + ROLES_TEXT,
            "parameters": [query("ward", "Ward code", ward_schema), query("department", "Department code"),
                           query("role", "Role code"),
                           query("state", "Task state", {"type": "string", "enum": ["READY", "COMPLETED", "CANCELLED"]}),
                           query("assignee", "Only `me`", {"type": "string", "enum": ["me"]}),
                           query("due_before", "Date (YYYY-MM-DD, JST) or date-time"),
                           query("overdue", "`true`: only open tasks past their due time; `false`: none of those",
                                 {"type": "string", "enum": ["true", "false"]}),
                           query("limit", "How many tasks at the most, 1–500 (default 500)"),
                           query("offset", "How many to pass over in due order, 0–1,000,000 (default 0)")],
            "responses": {"200": _ok("A page of tasks in due order", {"type": "object", "properties": {
                "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}},
                "limit": {"type": "integer"}, "offset": {"type": "integer"}}})}}, 400, 403)},
        "/api/v1/tasks/{task_id}": {"get": _secured({
            "operationId": "getTask", "summary": "One task with its form (JSON Schema) and current data",
            "description": "A department's pre-check shows only its `assignment`. " + ROLES_TEXT,
            "parameters": [id_param("task_id")],
            "responses": {"200": _ok("The task", {"$ref": "#/components/schemas/TaskDetail"})}}, 403, 404)},
        "/api/v1/tasks/{task_id}/claim": {"post": _secured({
            "operationId": "claimTask", "summary": "Claim a task", "parameters": [id_param("task_id")],
            "responses": {"200": _ok("The claimed task", {"$ref": "#/components/schemas/Task"})}}, 403, 404, 409)},
        "/api/v1/tasks/{task_id}/unclaim": {"post": _secured({
            "operationId": "unclaimTask", "summary": "Give back a task the caller has claimed (audit-logged)",
            "parameters": [id_param("task_id")],
            "responses": {"200": _ok("The task, unclaimed", {"$ref": "#/components/schemas/Task"})}}, 403, 404, 409)},
        "/api/v1/tasks/{task_id}/reassign": {"post": _secured({
            "operationId": "reassignTask", "summary": "Supervisor: hand a task to a named person (audit-logged)",
            "description": "`assignee` must be an active user of the task's role and ward/department, else 422 "
                           "naming `assignee`. Only a supervisor may reassign (403). " + ROLES_TEXT,
            "parameters": [id_param("task_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {
                "type": "object", "required": ["assignee"], "properties": {"assignee": {"type": "string"}}}}}},
            "responses": {"200": _ok("The reassigned task", {"$ref": "#/components/schemas/Task"})}},
            400, 403, 404, 409, 422)},
        "/api/v1/tasks/{task_id}/complete": {"post": _secured({
            "operationId": "completeTask", "summary": "Complete a task with its form data",
            "description": "The body is validated against the task's form (`form_schema`). " + ROLES_TEXT,
            "parameters": [id_param("task_id")],
            "requestBody": {"required": True, "content": {"application/json": {"schema": {"type": "object"}}}},
            "responses": {"200": _ok("Where the case went next")}}, 400, 403, 404, 409, 422)},
        "/api/v1/models/validate": {"post": _secured(_model_operation(
            "validateModel", "Validate a BPMN or DMN file without deploying (process_owner, supervisor, auditor)",
            _ok("`ok` and every problem (`element`: the element id or null, `message`: Japanese)",
                {"$ref": "#/components/schemas/ModelCheck"})), 403)},
        "/api/v1/models/deploy": {"post": _secured(_model_operation(
            "deployModel", "Deploy a valid BPMN or DMN file as a new version (process_owner)",
            _ok("Deployed: its `version`", {"$ref": "#/components/schemas/ModelCheck"}),
            {"200": _ok("Already the live version (`unchanged`)"),
             "422": _ok("Refused: `errors` and, for the selection DMN, `example_failures`; nothing written")}),
            403)},
        "/api/v1/slots": {"get": _secured({
            "operationId": "listSlots", "summary": "Visit slots of a ward corner (operator, supervisor, counter)",
            "parameters": [{**query("ward", "Ward code", ward_schema), "required": True},
                           query("from", "First day (YYYY-MM-DD)", {"type": "string", "format": "date"}),
                           query("to", "Last day (YYYY-MM-DD)", {"type": "string", "format": "date"})],
            "responses": {"200": _ok("Slots", {"type": "object", "properties": {
                "ward": {"type": "string"},
                "slots": {"type": "array", "items": {"$ref": "#/components/schemas/Slot"}}}})}}, 400, 403)},
    }
    paths.update(contact_paths(_secured, _ok, _error, id_param, query))
    paths.update(call_paths(_secured, _ok, _error, id_param, query))
    paths.update(faq_paths(_secured, _ok, _error, id_param, query))
    paths.update(report_paths(_secured, _ok, _error, id_param, query))
    task = {"type": "object", "properties": {k: {} for k in (
        "id", "instance_id", "name", "title", "role", "ward", "department", "state", "assignee", "form", "due_at",
        "created_at")}}
    task["properties"]["due_at"] = {"type": ["string", "null"], "format": "date-time"}
    task["properties"]["overdue"] = {"type": "boolean", "description": "Open and past its due time"}
    schemas = {
        **defs,
        "Error": {"type": "object", "required": ["error"], "properties": {
            "error": {"type": "object", "properties": {"status": {"type": "integer"}, "message": {"type": "string"}}},
            "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"], "properties": {
                "field": {"type": "string"}, "message": {"type": "string"}}}}}},
        "Task": task,
        **contact_schemas(),
        **faq_schemas(),
        "ModelCheck": {"type": "object", "required": ["ok", "errors"], "properties": {
            "ok": {"type": "boolean"}, "version": {"type": ["integer", "null"]},
            "errors": {"type": "array", "items": {"type": "object", "required": ["element", "message"], "properties": {
                "element": {"type": ["string", "null"]}, "message": {"type": "string"}}}}}},
        "TaskDetail": {"allOf": [{"$ref": "#/components/schemas/Task"}, {"type": "object", "properties": {
            "form_schema": {"type": ["object", "null"]}, "data": {"type": "object"}}}]},
        "Case": {"type": "object", "properties": {
            "id": {"type": "integer"}, "status": {"type": "string"}, "ward": {"type": ["string", "null"]},
            "summary": {"type": "object"}, "personal_data": {"type": ["object", "null"]},
            "procedures": {"type": "array", "items": {"type": "object", "properties": {
                "id": {"type": "string"}, "needs_confirmation": {"type": "boolean"}, "reason": {"type": "string"}}}},
            "tasks": {"type": "array", "items": {"$ref": "#/components/schemas/Task"}}}},
        "Slot": {"type": "object", "required": ["start", "end", "available", "capacity", "booked"], "properties": {
            "start": {"type": "string", "format": "date-time"}, "end": {"type": "string", "format": "date-time"},
            "available": {"type": "boolean"}, "capacity": {"type": "integer"}, "booked": {"type": "integer"}}},
    }
    return {"openapi": "3.1.0",
            "info": {"title": "okuyami API", "version": "1", "description": ROLES_TEXT},
            "paths": paths,
            "components": {"schemas": json.loads(json.dumps(schemas)),
                           "securitySchemes": {"bearer": {"type": "http", "scheme": "bearer",
                                                          "description": "`okuyami users token NAME`"}}}}


@bp.get("/openapi.json")
def document():
    return jsonify(build_document(platform().settings.forms_dir))
