"""Faults survived, with real processes on one PostgreSQL database: two app processes (`okuyami serve`) and one
worker (`okuyami worker`). An app process is killed with kill -9 while a loop of bookings and then of pre-check
completions runs against it; the worker is killed with kill -9 while it fires timers and makes print packets. Then:
0 inconsistent cases (workflow blob, task rows, timers and audit agree), every booking that was answered 201 is
there, a signed-in session made by one app process goes on on the other (also once the first is killed), no
request failed but the one the killed process was serving, every timer fired exactly once and every packet was
made once the worker was started again."""
from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import func, select

from engine import accounts
from engine.db.models import AuditEntry, HumanTask, ProcessInstance, Timer
from engine.registry import ModelRegistry
from engine.registry.problems import ModelSource
from engine.registry.store import sources_in
from engine.runtime import WorkflowRuntime
from engine.settings import PROJECT_ROOT, load_settings
from processes.documents.models import CasePacket
from processes.operations.consistency import disagreements
from processes.platform import build_platform, check_rules
from tests.case_support import reservation
from tests.process_support import (
    App,
    Process,
    Unreachable,
    call,
    dedicated_postgres,
    page_path,
    sign_in,
    wait_until,
    write_instance,
)
from tests.support import fixture_sources
from tests.web_support import PASSWORD, add_user

pytestmark = pytest.mark.slow
BOOKINGS = 5
REMINDERS = 60


class City:
    def __init__(self, database, folder, logs):
        self.database, self.folder, self.logs = database, folder, logs
        self.tokens: dict[str, str] = {}

    def token(self, name: str, role: str, ward: str | None = None, department: str | None = None) -> str:
        if name not in self.tokens:
            add_user(self.database, name, role, ward=ward, department=department)
            with self.database.transaction() as session:
                self.tokens[name] = accounts.issue_token(session, name)
        return self.tokens[name]


@pytest.fixture(scope="module")
def city(tmp_path_factory):
    folder = tmp_path_factory.mktemp("faults")
    with dedicated_postgres() as database:
        registry = ModelRegistry(check_rules(load_settings(PROJECT_ROOT / "instance-unused", environ={})))
        [reminder] = fixture_sources("reminder.bpmn")   # its call-back task with one of the city's task forms
        reminder = ModelSource(reminder.name, reminder.content.replace(b'"intake.json"', b'"inquiry_callback.json"'))
        with database.transaction() as session:
            registry.deploy(session, sources_in([PROJECT_ROOT / "bpmn", PROJECT_ROOT / "dmn"]) + [reminder],
                            actor="test")
        yield City(database, write_instance(folder / "instance", database), folder)


def _run_then_kill(app: App, jobs: list, kill_after: int) -> tuple[int, int]:
    """Runs the jobs one after the other against `app` in a thread and kills the app (kill -9) once `kill_after`
    have been answered, while the next one is in flight; returns (answered, lost)."""
    answered, lost = [], []

    def loop():
        for job in jobs:
            try:
                job(app.base)
            except Unreachable:
                lost.append(job)
                return
            answered.append(job)

    worker = threading.Thread(target=loop)
    worker.start()
    wait_until(lambda: len(answered) >= kill_after or not worker.is_alive(), 240, "the first answers")
    app.kill9()
    worker.join(timeout=120)
    return len(answered), len(lost)


def test_kill_9_of_an_app_process_and_of_the_worker_loses_nothing(city):
    apps = [App(city.folder, city.logs / f"app{n}.log").start(wait=False) for n in (1, 2)]
    worker = Process(city.folder, ["worker", "--interval", "1"], city.logs / "worker.log").start()
    try:
        for app in apps:
            app.ready()
        _busy_day(city, apps, worker)
    finally:
        for process in (*apps, worker):
            process.stop()


def _busy_day(city, apps, worker):
    operator = city.token("op", "operator")
    browser = sign_in(apps[0].base, "op", PASSWORD)   # a session made by app 1 ...
    assert page_path(browser, apps[1].base + "/") == "/tasks"   # ... opens the worklist on app 2 (not /login)
    status, found = call(apps[1].base, "GET", "/slots?ward=nakahara", operator)
    assert status == 200, found
    slots = [s["start"] for s in found["slots"] if s["available"]][:BOOKINGS]
    committed: dict[int, str] = {}

    def booking(slot):
        def job(base):
            body = reservation({"deceased_birth_date": "1940-05-05", "date_of_death": "2026-11-20"},
                               slot_start=slot, date_of_death="2026-11-20", death_registered_on="2026-11-21")
            status, case = call(base, "POST", "/cases", operator, body)
            assert status == 201, case
            committed[case["id"]] = slot
        return job

    # bookings: app 1 is killed in the middle of the loop; the rest go to app 2
    jobs = [booking(slot) for slot in slots]
    answered, lost = _run_then_kill(apps[0], jobs[:4], kill_after=2)
    assert lost <= 1 and answered >= 2
    assert page_path(browser, apps[1].base + "/") == "/tasks"   # app 1 is gone, the session is not
    apps[0].start(wait=False)   # started again at once; it serves once it is up
    for job in jobs[answered + lost:]:
        job(apps[1].base)
    apps[0].ready()

    # pre-check completions: app 2 is killed in the middle; what it did not answer is done again on app 1
    completions = []
    for case_id in sorted(committed):
        status, case = call(apps[0].base, "GET", f"/cases/{case_id}", operator)
        assert status == 200, case
        for task in case["tasks"]:
            if task["role"] == "dept_staff":
                completions.append(_completion(city, task))
    answered, lost = _run_then_kill(apps[1], completions, kill_after=3)
    assert lost <= 1 and answered >= 3
    apps[1].start(wait=False)
    for job in completions[answered:]:
        job(apps[0].base, retry=True)

    # the worker: killed while it fires timers (and makes the packets of the cases now waiting for their visit)
    platform = build_platform(load_settings(city.folder, environ={}))
    reminders = _due_reminders(city.database)
    fired = lambda: _count(city.database, Timer, Timer.state == "FIRED")   # noqa: E731
    wait_until(lambda: fired() >= 3, 240, "the worker to start firing")
    worker.kill9()
    assert fired() < REMINDERS, "the worker was killed before it had fired every timer"
    worker.start()
    wait_until(lambda: fired() == REMINDERS, 240, "every timer to fire after the restart")
    visiting = _visit_ready(city.database)
    assert visiting, "pre-checks done: cases wait for their visit"
    wait_until(lambda: _packets_ready(city.database) >= set(visiting), 300, "every packet to be made")
    apps[1].ready()   # the app killed second serves again too
    assert call(apps[1].base, "GET", f"/cases/{min(committed)}", operator)[0] == 200

    assert disagreements(platform.runtime) == []
    with city.database.transaction(write=False) as session:
        for case_id in committed:
            instance = session.get(ProcessInstance, case_id)
            assert instance is not None and instance.status == "running", case_id
        assert {c: platform.runtime.instance_data(c)["slot_start"] for c in committed} == committed
        woken = dict(session.execute(select(AuditEntry.instance_id, func.count()).where(
            AuditEntry.action == "instance.woken", AuditEntry.instance_id.in_(reminders))
            .group_by(AuditEntry.instance_id)).all())
        escalations = dict(session.execute(select(HumanTask.instance_id, func.count()).where(
            HumanTask.spec_name == "escalate").group_by(HumanTask.instance_id)).all())
    assert woken == {case: 1 for case in reminders}
    assert escalations == {case: 1 for case in reminders}


def _completion(city, task):
    department = task["department"]
    token = city.token(f"{department}_naka", "dept_staff", ward="nakahara", department=department)

    def job(base, retry=False):
        status, detail = call(base, "GET", f"/tasks/{task['id']}", token)
        if retry and status == 200 and detail.get("state") == "COMPLETED":
            return
        assert status == 200, detail
        decisions = [{"id": p["id"], "action": "confirm"} for p in detail["data"]["assignment"]["procedures"]]
        status, done = call(base, "POST", f"/tasks/{task['id']}/complete", token,
                            {"precheck_result": {"decisions": decisions}})
        assert status == 200 or (retry and status in (404, 409)), (status, done)
    return job


def _due_reminders(database) -> list[int]:
    runtime = WorkflowRuntime(database, ModelRegistry(check_rules(load_settings(PROJECT_ROOT / "instance-unused",
                                                                                environ={}))))
    with time_machine.travel(datetime.now(timezone.utc) - timedelta(hours=2)):   # due an hour ago
        return [runtime.start("reminder", "op1", ward="saiwai").id for _ in range(REMINDERS)]


def _count(database, model, *where) -> int:
    with database.transaction(write=False) as session:
        return session.scalar(select(func.count()).select_from(model).where(*where))


def _visit_ready(database) -> list[int]:
    with database.transaction(write=False) as session:
        return list(session.scalars(select(HumanTask.instance_id).where(HumanTask.spec_name == "visit",
                                                                         HumanTask.state == "READY")))


def _packets_ready(database) -> set[int]:
    with database.transaction(write=False) as session:
        return set(session.scalars(select(CasePacket.case_id).where(CasePacket.status == "ready")))
