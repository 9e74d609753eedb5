"""The OpenAPI document: valid OpenAPI 3.1, lists every /api/v1 route, and the API fuzzed against it by
schemathesis (in-process, WSGI) never answers with a server error."""
import re

import schemathesis
from hypothesis import HealthCheck, given, settings
from openapi_spec_validator import validate
from schemathesis.checks import not_a_server_error

from tests.api_support import reservation, walk_in


def _document(api):
    response = api.client.get("/api/v1/openapi.json")
    assert response.status_code == 200 and response.mimetype == "application/json"
    return response.get_json()


def test_the_document_is_valid_openapi_3_1(api):
    document = _document(api)
    assert document["openapi"] == "3.1.0"
    validate(document)


def test_the_document_lists_every_api_route_and_method(api, api_app):
    documented = {(path, method.upper()) for path, item in _document(api)["paths"].items() for method in item}
    routes = {(re.sub(r"<(?:\w+:)?(\w+)>", r"{\1}", rule.rule), method)
              for rule in api_app.url_map.iter_rules() if rule.rule.startswith("/api/v1")
              for method in rule.methods - {"HEAD", "OPTIONS"}}
    assert routes == documented


def test_the_case_request_is_the_booking_form_with_an_optional_slot(api):
    document = _document(api)
    body = document["paths"]["/api/v1/cases"]["post"]["requestBody"]["content"]["application/json"]["schema"]
    assert "slot_start" in body["properties"] and "slot_start" not in body["required"]
    assert "person" in document["components"]["schemas"]
    assert "#/$defs/" not in str(document)


def test_secured_operations_say_who_may_call_them(api):
    for path, item in _document(api)["paths"].items():
        for operation in item.values():
            if path in ("/api/v1/health", "/api/v1/openapi.json", "/api/v1/navi/evaluate"):
                assert "security" not in operation
            else:
                assert operation["security"] == [{"bearer": []}] and "401" in operation["responses"], path


def test_schemathesis_finds_no_server_error(api, api_app):
    # Some objects to hit: a booked case with its pre-checks and a walk-in with its visit.
    assert api.post("/cases", "op", reservation()).status_code == 201
    assert api.post("/cases", "counter_naka", walk_in()).status_code == 201
    schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", api_app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 10
    for user in ("sv", "counter_naka"):
        headers = {"Authorization": f"Bearer {api.tokens[user]}"}
        for operation in operations:
            _fuzz(operation, headers)()


def _fuzz(operation, headers):
    @given(case=operation.as_strategy())
    @settings(max_examples=12, deadline=None, database=None, derandomize=True,
              suppress_health_check=list(HealthCheck))
    def check(case):
        case.call_and_validate(headers=headers, checks=[not_a_server_error])

    return check
