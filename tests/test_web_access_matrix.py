"""Every route of the staff application, requested by every role of DOMAIN.md and anonymously.

The expectation comes from what the route declares: a page's `allowed_roles` (set by web/guards.py
`@roles_required`), an API route's rule from processes/access.py (API_RULES below), or its listing in PUBLIC. A
route that declares nothing fails the test, so routes added later are covered as soon as they exist. Allowed means
anything but 401, 403, a redirect to the login page or a server error (a 404 for an object outside one's ward, a
409 or 422 for an empty form are answers of a route one may use); denied means 403; anonymous means a redirect to
the login page (pages) or 401 (API). Routes with an object id get the id of a real case or task of the role's own
ward; a ward-scoped person asking for another ward's case or task gets 404 wherever their role may use the route.
Every answer carries the security headers, and no page has code the CSP would block.
"""
from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from sqlalchemy import select

from engine import accounts
from engine.db.models import AuditEntry
from processes.callcentre.access import CALLBACK_READERS
from processes.callcentre.access import DELETERS as CONTACT_DELETERS
from processes.callcentre.access import EXPORTERS as CONTACT_EXPORTERS
from processes.callcentre.access import HIDDEN_FROM as CONTACTS_HIDDEN_FROM
from processes.callcentre.access import READERS as CONTACT_READERS
from processes.callcentre.access import RECORDERS as CONTACT_RECORDERS
from processes.calls.access import STAFFING_READERS as CALL_STAFFING_READERS
from processes.calls.access import STATS_READERS as CALL_STATS_READERS
from processes.calls.recordings import EXPORTERS as RECORDING_EXPORTERS
from processes.calls.recordings import READERS as RECORDING_READERS
from processes.faq.access import EDITORS as FAQ_EDITORS
from processes.faq.access import READERS as FAQ_READERS
from processes.faq.access import REVIEWERS as FAQ_REVIEWERS
from processes.faq.access import USERS as FAQ_USERS
from processes.okuyami.cases import start_case
from processes.okuyami.visit import VISIT_ROLES
from processes.operations.readiness import beat
from processes.reports.access import READERS as REPORT_READERS
from processes.reports.incidents import REPORTERS as INCIDENT_REPORTERS
from processes.tasks.access import (
    BOOKING_CREATORS,
    CASE_READERS,
    PERSONAL_DATA_READERS,
    SLOT_READERS,
    WALK_IN_CREATORS,
)
from processes.tasks.worklists import REASSIGNERS, SEES_ALL_TASKS, WORKLIST_ROLES, scope_for
from tests.api_support import reservation
from tests.security_support import inline_code, security_header_problems
from tests.web_support import add_user, login
from web.guards import ALL_STAFF

PUBLIC = {
    "static",
    "auth.login", "auth.second_factor",          # the sign-in steps
    "auth_second_factor.enrol", "auth_second_factor.recovery",
    "api.health", "api.navi_evaluate",           # the public navi and the health check
    "openapi.document",                          # the API's description holds no data
    "ops.healthz", "ops.readyz", "ops.metrics",  # for machines; readyz and metrics from allowed addresses only
}
TASK_USERS = WORKLIST_ROLES | SEES_ALL_TASKS
PRECHECK_SCREENS = {"precheck.show", "precheck.submit", "task_forms.show", "task_forms.submit", "api_tasks.show"}
API_RULES = {  # the JSON API's roles, as processes/access.py (and the modules it names) enforce them
    "api.me": ALL_STAFF,
    "api_cases.create": BOOKING_CREATORS | WALK_IN_CREATORS,
    "api_cases.show": CASE_READERS,
    "api_case_actions.move": BOOKING_CREATORS,
    "api_case_actions.cancel": BOOKING_CREATORS,
    "api_visits.check_in_case": VISIT_ROLES,
    "api_packets.packet_pdf": PERSONAL_DATA_READERS,
    "api_packets.request_packet": PERSONAL_DATA_READERS,
    "api_slots.slots": SLOT_READERS,
    "api_navi_codes.show": ALL_STAFF,                                    # a code carries no personal data
    "api_tasks.tasks": TASK_USERS,
    "api_tasks.show": TASK_USERS,
    "api_tasks.claim": TASK_USERS,
    "api_tasks.unclaim": TASK_USERS,
    "api_tasks.complete": TASK_USERS,
    "api_tasks.reassign": REASSIGNERS,
    "api_models.validate": {"process_owner", "supervisor", "auditor"},   # web/api_models.py MODEL_VALIDATORS
    "api_models.deploy": {"process_owner"},                              # web/api_models.py MODEL_DEPLOYERS
    # processes/callcentre/access.py: dept_staff are "allowed" where they get 404 (a contact is never confirmed)
    "api_contacts.create": CONTACT_RECORDERS,
    "api_contacts.index": CONTACT_READERS,
    "api_contacts.export": CONTACT_EXPORTERS,
    "api_contacts.show": CONTACT_READERS | CONTACTS_HIDDEN_FROM,
    "api_contacts.correct": CONTACT_RECORDERS | CONTACTS_HIDDEN_FROM,
    "api_contacts.delete": CONTACT_DELETERS | CONTACTS_HIDDEN_FROM,
    "api_contacts.fax_reply": CONTACT_RECORDERS | CONTACTS_HIDDEN_FROM,
    "api_contacts.case_contacts": CONTACT_READERS,
    "api_contacts.callback": CALLBACK_READERS,
    # processes/calls/access.py and recordings.py (operators: their own figures and recordings)
    "api_calls.stats": CALL_STATS_READERS, "api_calls.staffing_forecast": CALL_STAFFING_READERS,
    "api_reports.monthly": REPORT_READERS,  # processes/reports/access.py
    "api_incidents.create": INCIDENT_REPORTERS, "api_incidents.index": REPORT_READERS,  # processes/reports/incidents.py
    "api_recordings.index": RECORDING_READERS, "api_recordings.audio": RECORDING_READERS,
    "api_recordings.export": RECORDING_EXPORTERS,
    # processes/faq/access.py
    "api_faqs.create": FAQ_EDITORS, "api_faqs.show": FAQ_READERS, "api_faqs.change": FAQ_EDITORS,
    "api_faqs.delete": FAQ_EDITORS, "api_faqs.revisions": FAQ_REVIEWERS, "api_faqs.search_items": FAQ_READERS,
    "api_faqs.used": FAQ_USERS, "api_faqs.export_csv": FAQ_REVIEWERS,
    "api_faq_vocabulary.category_list": FAQ_READERS, "api_faq_vocabulary.category_create": FAQ_EDITORS,
    "api_faq_vocabulary.category_copy": FAQ_EDITORS, "api_faq_vocabulary.proposal_list": FAQ_REVIEWERS,
    "api_faq_vocabulary.proposal_accept": FAQ_EDITORS, "api_faq_vocabulary.proposal_dismiss": FAQ_EDITORS,
    "api_faq_vocabulary.synonym_create": FAQ_EDITORS,
}
ENDS_THE_SESSION = {"auth.logout"}       # requested last, after every other route
# A role that reads no cases (not in CASE_READERS) gets 404 here, as for a case that does not exist (issue #13, 4): a 403 for existing
# cases only would tell which case numbers exist.
NOT_FOUND_FOR_OTHER_ROLES = {"api_cases.show", "api_packets.packet_pdf", "api_packets.request_packet"}
HOME_WARD, OTHER_WARD = "nakahara", "kawasaki"
USERS = {  # username: (role, ward, department); one per role of DOMAIN.md, scoped ones in 中原区
    "op": ("operator", None, None), "sv": ("supervisor", None, None),
    "kumin_naka": ("dept_staff", HOME_WARD, "kumin"), "counter_naka": ("counter", HOME_WARD, None),
    "po": ("process_owner", None, None), "admin": ("admin", None, None), "auditor": ("auditor", None, None),
}
OTHER_WARD_USERS = {"kumin_kawa": ("dept_staff", OTHER_WARD, "kumin"), "counter_kawa": ("counter", OTHER_WARD, None)}
ALL_USERS = {**USERS, **OTHER_WARD_USERS}
FAMILY_NAMES = {reservation()["deceased"]["name"], reservation()["applicant"]["name"]}
_PARAMETER = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")


def declared_roles(app, endpoint: str) -> frozenset[str] | None:
    declared = getattr(app.view_functions[endpoint], "allowed_roles", None)
    if declared is None:
        declared = API_RULES.get(endpoint)
    return None if declared is None else frozenset(declared)


def routes(app):
    """(endpoint, method, rule) of every route but static files, the session-ending ones last."""
    found = [(rule.endpoint, method, rule) for rule in app.url_map.iter_rules() if rule.endpoint != "static"
             for method in sorted(rule.methods - {"HEAD", "OPTIONS"})]
    return sorted(found, key=lambda r: (r[0] in ENDS_THE_SESSION, r[2].rule, r[1]))


def path_for(rule, case_id: int, task_id: int) -> str:
    def value(match):
        converter, name = match.group(1) or "default", match.group(2)
        if "task" in name:
            return str(task_id)
        if "case" in name or name == "instance_id":
            return str(case_id)
        return "1" if converter == "int" else "x"
    return _PARAMETER.sub(value, rule.rule)


def is_api(rule) -> bool:
    return rule.rule.startswith("/api/")


def to_login(response) -> bool:
    return response.status_code in (301, 302, 303, 307, 308) and \
        urlsplit(response.headers.get("Location", "")).path == "/login"


class Ward:
    """A booked case of one ward (pre-checks open), a case still at the operator's booking, a walk-in at the
    counter's intake: between them, a task for every role that has a worklist."""

    def __init__(self, api, runtime, ward: str):
        booked = api.post("/cases", "op", reservation(ward=ward, death_registered_municipality=f"川崎市{ward}"))
        assert booked.status_code == 201, booked.get_json()
        self.case_id = booked.get_json()["id"]
        start_case(runtime, "booking", "op", ward=ward)
        start_case(runtime, "walk_in", "op", ward=ward)
        self.tasks = [t for t in runtime.list_tasks(ward=ward)]
        assert {t.role for t in self.tasks} >= {"operator", "dept_staff", "counter"}

    def task_for(self, role: str, ward: str | None, department: str | None) -> int:
        filters = {k: v for k, v in scope_for(role, ward, department).filters().items() if v is not None}
        return next((t.id for t in self.tasks if all(getattr(t, k) == v for k, v in filters.items())),
                    self.tasks[0].id)


@pytest.fixture
def matrix(api_app, api, tokens, database, case_runtime):
    api_app.config["WTF_CSRF_ENABLED"] = False        # CSRF is tested on its own (test_web_login.py)
    for name, (role, ward, department) in OTHER_WARD_USERS.items():
        add_user(database, name, role, ward=ward, department=department)
        with database.transaction() as session:
            tokens[name] = accounts.issue_token(session, name)
    wards = {ward: Ward(api, case_runtime, ward) for ward in (HOME_WARD, OTHER_WARD)}
    with database.transaction() as session:
        beat(session)                                  # a worker seen: /readyz answers for the app, not 503
    pages = {}
    for name in ALL_USERS:
        tokens[name]                                   # creates the account
        client = api_app.test_client()
        response = login(client, name)                 # with the second factor where the role has one
        assert response.status_code == 302 and not to_login(response), name
        pages[name] = client
    return Matrix(api_app, api, pages, wards)


class Matrix:
    def __init__(self, app, api, pages, wards):
        self.app, self.api, self.pages, self.wards = app, api, pages, wards
        self.personal_reads: set[tuple[str, int]] = set()
        """(user, case id) of every answer that showed the family's names."""
        self.personal_endpoints: set[tuple[str, str]] = set()
        """(role, endpoint) of every answer that showed the family's names."""

    def request(self, user: str | None, method: str, path: str):
        if path.startswith("/api/v1"):
            sub = path.removeprefix("/api/v1")
            return self.api.get(sub, user) if method == "GET" else getattr(self.api.client, method.lower())(
                path, headers=self.api._headers(user), json={})
        client = self.pages[user] if user else self.app.test_client()
        return client.open(path, method=method)

    def ids_for(self, user: str, ward: str):
        """The booked case of `ward`, and the task of `ward` the user's role and department would work on."""
        role, _, department = ALL_USERS[user]
        place = self.wards[ward]
        return place.case_id, place.task_for(role, ward, department)


def _text(response) -> str:
    """The body of an HTML or JSON answer (a print packet's PDF is not read here)."""
    textual = response.mimetype.startswith("text/") or response.mimetype == "application/json"
    return response.get_data(as_text=True) if textual else ""


def _check(failures, label, response, expected):
    status = response.status_code
    failures.extend(f"{label}: header {problem}" for problem in security_header_problems(response))
    if response.mimetype == "text/html":
        failures.extend(f"{label}: the CSP would block {problem}"
                        for problem in inline_code(response.get_data(as_text=True)))
    if status >= 500:
        failures.append(f"{label}: server error {status}")
    elif expected == "allowed" and (status in (401, 403) or to_login(response)):
        failures.append(f"{label}: should be allowed, got {status} {response.headers.get('Location', '')}")
    elif expected == "allowed_to_leave" and status in (401, 403):
        failures.append(f"{label}: should be allowed, got {status}")
    elif expected == "denied" and status != 403:
        failures.append(f"{label}: should be 403, got {status}")
    elif expected == "login" and not to_login(response):
        failures.append(f"{label}: should redirect to the login page, got {status}")
    elif expected == "401" and status != 401:
        failures.append(f"{label}: should be 401, got {status}")
    elif expected == "hidden" and status not in (403, 404):
        failures.append(f"{label}: should be 403 or 404, got {status}")
    elif expected == "404" and status != 404:
        failures.append(f"{label}: another ward's object must be 404, got {status}")


def test_every_route_declares_who_may_use_it(api_app):
    undeclared = [f"{m} {rule.rule} ({endpoint})" for endpoint, m, rule in routes(api_app)
                  if endpoint not in PUBLIC and declared_roles(api_app, endpoint) is None]
    assert undeclared == [], ("routes without a declaration: decorate pages with web/guards.py @roles_required, "
                              "add API routes to API_RULES, or list public ones in PUBLIC: " + "; ".join(undeclared))
    for endpoint in PUBLIC - {"static"}:
        assert endpoint in api_app.view_functions, f"{endpoint} is listed as public but does not exist"


def test_every_route_as_every_role_anonymously_and_from_another_ward(api_app, matrix, database):
    failures: list[str] = []
    assert _another_wards_objects(api_app, matrix, failures) > 0
    assert _every_role(api_app, matrix, failures) > 0          # last: it ends with logout
    assert failures == [], "\n".join(failures)
    _personal_data_reads_are_audited(matrix, database)


def _personal_data_reads_are_audited(matrix, database):
    """Every answer that showed the family's names went to a role allowed to see them, and was audit-logged."""
    assert matrix.personal_reads, "no route showed a case's personal data: the matrix requested nothing useful"
    roles = {ALL_USERS[user][0] for user, _ in matrix.personal_reads}
    assert roles <= PERSONAL_DATA_READERS | {"dept_staff"}, f"personal data shown to {sorted(roles - PERSONAL_DATA_READERS)}"
    # Department staff see whom their pre-check is about (processes/tasks/access.PRECHECK_SUBJECT), nowhere else.
    department_reads = {endpoint for role, endpoint in matrix.personal_endpoints if role == "dept_staff"}
    assert department_reads <= PRECHECK_SCREENS, f"personal data shown to department staff on {department_reads}"
    with database.transaction(write=False) as session:
        logged = set(session.execute(select(AuditEntry.actor, AuditEntry.instance_id)
                                     .where(AuditEntry.action == "case.viewed")).all())
    assert {read for read in matrix.personal_reads if tuple(read) not in logged} == set()


def _every_role(api_app, matrix, failures) -> int:
    requested = 0
    for endpoint, method, rule in routes(api_app):
        allowed = declared_roles(api_app, endpoint)
        case_id, task_id = matrix.ids_for("op", HOME_WARD)
        anonymous = matrix.request(None, method, path_for(rule, case_id, task_id))
        if endpoint in PUBLIC:
            _check(failures, f"{method} {rule.rule} anonymously", anonymous, "public")
            continue
        _check(failures, f"{method} {rule.rule} anonymously", anonymous, "401" if is_api(rule) else "login")
        for user, (role, _, _) in USERS.items():
            case_id, task_id = matrix.ids_for(user, HOME_WARD)
            response = matrix.request(user, method, path_for(rule, case_id, task_id))
            requested += 1
            if response.status_code == 200 and FAMILY_NAMES & set(re.findall(r"川崎 \w+", _text(response))):
                matrix.personal_reads.add((user, case_id))
                matrix.personal_endpoints.add((role, endpoint))
            expected = "allowed" if allowed is not None and role in allowed else "denied"
            if expected == "denied" and endpoint in NOT_FOUND_FOR_OTHER_ROLES and role not in CASE_READERS:
                expected = "404"
            if expected == "allowed" and endpoint in ENDS_THE_SESSION:
                expected = "allowed_to_leave"        # its answer is the login page
            _check(failures, f"{method} {rule.rule} as {role}", response, expected)
    return requested


def _another_wards_objects(api_app, matrix, failures) -> int:
    """Pages and API alike: a ward's counter and department staff asking, by id, for the other ward's case or
    task get 404 wherever their role may use the route (403 or 404 where it may not: neither reveals anything)."""
    checked = 0
    pairs = [(user, OTHER_WARD, HOME_WARD) for user in OTHER_WARD_USERS] + \
            [(user, HOME_WARD, OTHER_WARD) for user in ("kumin_naka", "counter_naka")]
    for endpoint, method, rule in routes(api_app):
        if endpoint in PUBLIC or endpoint in ENDS_THE_SESSION or not re.search(r"<[^>]*(case|task)[^>]*>", rule.rule):
            continue
        allowed = declared_roles(api_app, endpoint) or frozenset()
        for user, own_ward, foreign_ward in pairs:
            role = ALL_USERS[user][0]
            case_id, task_id = matrix.ids_for(user, foreign_ward)
            response = matrix.request(user, method, path_for(rule, case_id, task_id))
            checked += role in allowed
            _check(failures, f"{method} {rule.rule} as {role} of {own_ward} for {foreign_ward}'s object", response,
                   "404" if role in allowed else "hidden")
    return checked
