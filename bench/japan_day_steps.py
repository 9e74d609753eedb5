"""The steps of bench/japan_day.py's business day, each through HTTP as staff and families do it: the operators'
calls (a booking with its interview, contact records, FAQ searches), the families' online requests and their
confirmation, the departments' pre-checks, the counters' visits (check-in, check-out) and the follow-up calls,
with the worklist and case-page reads that go with each completed task; the worker fires the timers that fall
due. Set-up (users, the wards' slots) goes through the administration services."""
from __future__ import annotations

import os
import threading
import time
import traceback
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from urllib.parse import quote

import psutil
from sqlalchemy import func, select

from bench.app_stack import City, Stack, run_command
from bench.families import reservation
from bench.japan_day_clock import DayClock
from bench.japan_day_plan import (
    CONTACT_CATEGORIES,
    FAMILIES_PER_SLOT,
    FAQ_WORDS,
    SLOT_TIMES,
    WARDS,
    CasePlan,
    DayPlan,
)
from bench.timed_http import CallFailed, TimedHttp
from engine.db.models import Timer
from engine.db.types import utcnow
from processes.administration.wards import corners, save_corner
from processes.calendar import JST
from processes.documents.models import CasePacket

TIMER_WAIT_SECONDS = 1800
SURVEY_DAYS = 15   # the survey's timer waits 14 days after the visit
PAGE = 50   # a worklist page as staff read it (web/staff/worklist.py PAGE_SIZE): the API lists 500 by default


@dataclass
class DayResult:
    cases: int
    seconds: float
    percentiles: dict
    completed_tasks: int
    reads: int
    contacts: int
    searches: int
    timers_fired: int
    packets: int
    database_bytes: int
    app_cpu_seconds: float
    database_cpu_seconds: float
    errors: list
    load_average: str
    worker_cpu_seconds: float = 0.0
    """Of app_cpu_seconds, the worker's (timers, print packets with their LibreOffice converters)."""


@dataclass
class Booked:
    case_id: int
    ward: str
    day: date
    plan: CasePlan


class Steps:
    def __init__(self, city: City, plan: DayPlan, clock: DayClock, http: TimedHttp):
        self.city, self.plan, self.clock, self.http = city, plan, clock, http
        self.lock = threading.Lock()
        self.local = threading.local()
        self.tokens: dict[tuple, str] = {}
        self.completed = self.reads = self.contacts = self.searches = 0
        self.booked: list[Booked] = []
        self.requested: dict[tuple[str, str], list[CasePlan]] = defaultdict(list)
        self.seats: dict[str, list[str]] = {}

    # ---- set-up ---------------------------------------------------------------------------------------------
    def configure_wards(self) -> None:
        """Four slots a day of 20 families in every ward, saved as the ward screen saves them; the public side's
        export then offers them."""
        with self.city.platform.database.transaction() as session:
            for code, corner in corners(session).items():
                ward = corner.ward
                save_corner(session, code, {"office": ward.office, "address": ward.address,
                                            "corner_location": ward.corner_location or "",
                                            "corner_floor": ward.corner_floor or "",
                                            "slot_times": ", ".join(SLOT_TIMES),
                                            "capacity": str(FAMILIES_PER_SLOT)}, actor="bench")
        self.city.export_public()

    def token(self, role: str, ward: str | None = None, department: str | None = None) -> str:
        key = (role, ward, department)
        with self.lock:
            if key not in self.tokens:
                name = "day_" + "_".join(part for part in key if part)
                self.tokens[key] = self.city.add_user(name, role, ward, department)
            return self.tokens[key]

    def _operator(self, number: int) -> str:
        key = ("operator", str(number % 8), None)
        with self.lock:
            if key not in self.tokens:
                self.tokens[key] = self.city.add_user(f"day_operator_{number % 8}", "operator")
            return self.tokens[key]

    def start(self, stack: Stack, pool) -> None:
        self.stack, self.pool = stack, pool
        self.clock.follow()
        self.bytes_before = self.city.database_bytes()
        self.cpu_before = self._app_cpu()
        self.worker_cpu_before = self._app_cpu(worker_only=True)
        self.database_cpu_before = self._database_cpu()
        self.timers_before = self._timers("FIRED")

    # ---- the day --------------------------------------------------------------------------------------------
    def day(self) -> DayResult:
        started = time.perf_counter()
        self.guarded(self.find_seats)
        self.each(self.take_call, self.plan.cases)
        self.progress(started, "bookings, online requests, contact records and FAQ searches done")
        self.guarded(self.pull_requests)
        self.guarded(self.confirm_web_requests)
        self.each(self.precheck, self.booked)
        self.progress(started, "online requests confirmed and pre-checks done")
        active = time.perf_counter() - started
        for day in sorted({b.day for b in self.booked}):
            self.progress(started, f"visits of {day.isoformat()}")
            self.clock.move_to(day)
            started = time.perf_counter()
            self.wait_for_timers()   # the reminders fell due on the days before the visits
            self.each(self.visit, [b for b in self.booked if b.day == day])
            self.wait_for_timers()
            active += time.perf_counter() - started
        if self.booked:
            self.clock.move_to(max(b.day for b in self.booked) + timedelta(days=SURVEY_DAYS))
            started = time.perf_counter()
            self.wait_for_timers()
            active += time.perf_counter() - started
        return DayResult(len(self.plan.cases), active, self.http.percentiles(), self.completed, self.reads,
                         self.contacts, self.searches, self._timers("FIRED") - self.timers_before,
                         self._packets(), self.city.database_bytes() - self.bytes_before,
                         self._app_cpu() - self.cpu_before, self._database_cpu() - self.database_cpu_before,
                         list(self.http.errors),
                         " ".join(f"{x:.2f}" for x in os.getloadavg()),
                         self._app_cpu(worker_only=True) - self.worker_cpu_before)

    def progress(self, started: float, what: str) -> None:
        print(f"japan_day: {time.perf_counter() - started:7.0f} s  {what} ({self.completed} tasks completed, "
              f"{len(self.http.errors)} errors)", flush=True)

    def guarded(self, step, *args) -> None:
        try:
            step(*args)
        except CallFailed:
            pass   # counted where it failed
        except Exception as exc:   # a bench bug or an unexpected answer: an error of the day, never silent
            self.http.errors.append(f"{step.__name__}: {type(exc).__name__} {exc} "
                                    f"{traceback.format_exc(limit=3)[-400:]}")

    def each(self, step, items) -> None:
        list(self.pool.map(lambda item: self.guarded(step, item), items))

    # ---- the operators' calls and the families' online requests ---------------------------------------------
    def find_seats(self) -> None:
        """Each ward's free seats from its first bookable day on, as the booking screen lists them."""
        last = self.clock.booking_day + timedelta(days=14 + self.plan.visit_days * 2)
        for ward in WARDS:
            found = self.http.call("空き枠", self.stack.staff, "GET",
                                   f"/api/v1/slots?ward={ward}&to={last.isoformat()}", self._operator(0))
            self.seats[ward] = [s["start"] for s in found["slots"] for _ in range(s["capacity"] - s["booked"])]
        self.taken = {ward: 0 for ward in WARDS}

    def _seat(self, ward: str) -> str:
        with self.lock:
            seat = self.seats[ward][self.taken[ward]]
            self.taken[ward] += 1
            return seat

    def take_call(self, case: CasePlan) -> None:
        token, seat = self._operator(case.number), self._seat(case.ward)
        case_id = None
        if case.channel == "phone":
            self.begin_task()
            created = self.http.call("予約登録（電話・問診）", self.stack.staff, "POST", "/api/v1/cases", token,
                                     reservation(case.ward, seat, case.number))
            case_id = created["id"]
            self._booked(case_id, case.ward, seat, case)
            self.completed_task(token, case_id)
        else:
            address = f"127.{10 + case.number // 65536}.{case.number // 256 % 256}.{case.number % 256 or 1}"
            with self.lock:
                self.requested[(case.ward, seat)].append(case)
            self.http.call("Web予約申込み（公開側）", self.stack.public, "POST", "/booking/request", None,
                           {**reservation(case.ward, seat, case.number), "contact_preference": "phone"},
                           source=address)
        for n in range(3):
            self.contact(token, case, case_id if n == 0 else None)
        for n in range(5):
            self.http.call("FAQ検索", self.stack.staff, "GET",
                           f"/api/v1/faqs/search?q={quote(FAQ_WORDS[(case.number + n) % len(FAQ_WORDS)])}", token)
            with self.lock:
                self.searches += 1

    def contact(self, token: str, case: CasePlan, case_id: int | None) -> None:
        now = datetime.now(JST)
        body = {"channel": "phone", "counterpart_type": "citizen", "outcome": "answered",
                "started_at": (now - timedelta(minutes=6)).isoformat(), "ended_at": now.isoformat(),
                "category": CONTACT_CATEGORIES[case.number % len(CONTACT_CATEGORIES)],
                "question": "必要な手続と持ち物について", "answer": "おくやみコーナーでの手続と持ち物を案内した"}
        if case_id is not None:
            body["case_id"] = case_id
        self.http.call("応対履歴の登録", self.stack.staff, "POST", "/api/v1/contacts", token, body)
        with self.lock:
            self.contacts += 1

    def _booked(self, case_id: int, ward: str, seat: str, case: CasePlan) -> None:
        with self.lock:
            self.booked.append(Booked(case_id, ward, datetime.fromisoformat(seat).astimezone(JST).date(), case))

    def pull_requests(self) -> None:
        """`okuyami public pull` brings the sealed requests in (as cron or the worker runs it)."""
        if not self.requested:
            return
        started = time.perf_counter()
        run_command(["public", "pull", "--data", str(self.city.public_data)], self.city)
        self.http.timed("Web申込みの取込み（pull）", time.perf_counter() - started)

    def confirm_web_requests(self) -> None:
        """The operators find the online requests in their worklist and confirm each requested slot."""
        waiting = sum(len(v) for v in self.requested.values())
        while waiting:
            found = self.read("ワークリスト", "/api/v1/tasks?role=operator", self._operator(0))
            mine = [t for t in found["tasks"] if t["name"] == "web_request_confirmation"]
            if not mine:
                raise RuntimeError(f"{waiting} online requests never reached the operators' worklist")
            self.each(self.confirm, mine)
            waiting -= len(mine)

    def confirm(self, task: dict) -> None:
        token = self._operator(task["id"])
        self.begin_task()
        detail = self.read("タスク（Web申込みの確認）", f"/api/v1/tasks/{task['id']}", token)
        data = detail["data"]
        seat = data["slot_start"]
        self.http.call("Web申込みの確定", self.stack.staff, "POST", f"/api/v1/tasks/{task['id']}/complete", token,
                       {"decision": "requested", "slot_start": seat, "family_contacted": True})
        with self.lock:
            key = (data["ward"], datetime.fromisoformat(seat).astimezone(JST).isoformat())
            case = (self.requested.get(key) or self.requested.get((data["ward"], seat)) or [None]).pop()
        self._booked(task["instance_id"], data["ward"], seat, case)
        self.completed_task(token, task["instance_id"])

    # ---- the departments, the counters and the follow-up calls ----------------------------------------------
    def tasks_of(self, token: str, case_id: int, name: str) -> list[dict]:
        found = self.read("案件ページ", f"/api/v1/cases/{case_id}", token)
        return [t for t in found["tasks"] if t["name"] == name and t["state"] == "READY"]

    def precheck(self, booked: Booked) -> None:
        self.begin_task()
        for task in self.tasks_of(self.token("counter", booked.ward), booked.case_id, "precheck"):
            token = self.token("dept_staff", task["ward"], task["department"])
            detail = self.read("タスク（事前確認）", f"/api/v1/tasks/{task['id']}", token)
            decisions = [{"id": p["id"], "action": "confirm"} for p in detail["data"]["assignment"]["procedures"]]
            self.http.call("事前確認の完了", self.stack.staff, "POST", f"/api/v1/tasks/{task['id']}/complete", token,
                           {"precheck_result": {"decisions": decisions}})
            self.completed_task(token, booked.case_id)
            self.begin_task()

    def visit(self, booked: Booked) -> None:
        token = self.token("counter", booked.ward)
        self.begin_task()
        checked_in = self.http.call("チェックイン", self.stack.staff, "POST",
                                    f"/api/v1/cases/{booked.case_id}/check-in", token)["checked_in_at"]
        [task] = self.tasks_of(token, booked.case_id, "visit")
        detail = self.read("タスク（来庁対応）", f"/api/v1/tasks/{task['id']}", token)
        outcomes = [{"id": p["id"], "outcome": "corner"} for p in detail["data"].get("procedures") or []
                    if p.get("status") != "dropped"]
        followup = booked.plan is not None and booked.plan.followup
        # each process's movable clock may lag the others' by the milliseconds it took to move it
        checked_out = max(datetime.now(JST), datetime.fromisoformat(checked_in) + timedelta(seconds=1))
        body = {"checked_in_at": checked_in, "checked_out_at": checked_out.isoformat(), "outcomes": outcomes,
                "followup_requested": followup}
        if followup:
            body["followup_reason"] = "年金の手続の進み具合を確認する"
        self.http.call("チェックアウト（来庁対応の完了）", self.stack.staff, "POST",
                       f"/api/v1/tasks/{task['id']}/complete", token, body)
        self.completed_task(token, booked.case_id)
        if followup:
            self.followup(booked)

    def followup(self, booked: Booked) -> None:
        self.begin_task()
        [task] = self.tasks_of(self.token("counter", booked.ward), booked.case_id, "followup_call")
        token = self._operator(booked.case_id) if task["role"] == "operator" else \
            self.token(task["role"], task["ward"], task["department"])
        self.read("タスク（フォローアップ電話）", f"/api/v1/tasks/{task['id']}", token)
        self.http.call("フォローアップ電話の完了", self.stack.staff, "POST", f"/api/v1/tasks/{task['id']}/complete", token,
                       {"called_at": datetime.now(JST).isoformat(), "result": "resolved",
                        "note": "手続は順調に進んでいるとのこと"})
        self.completed_task(token, booked.case_id)

    def read(self, operation: str, path: str, token: str) -> dict:
        """A page a member of staff reads (counted towards their task's reads)."""
        found = self.http.call(operation, self.stack.staff, "GET", path, token)
        self.local.reads = getattr(self.local, "reads", 0) + 1
        with self.lock:
            self.reads += 1
        return found

    def begin_task(self) -> None:
        self.local.reads = 0

    def completed_task(self, token: str, case_id: int) -> None:
        """The worklist and the case page, read until the task has had its 10 reads (staff look before and after
        each step)."""
        with self.lock:
            self.completed += 1
        while self.local.reads < self.plan.reads_per_task:
            if self.local.reads % 2 == 0:
                self.read("ワークリスト", f"/api/v1/tasks?limit={PAGE}", token)
            else:
                self.read("案件ページ", f"/api/v1/cases/{case_id}", token)

    # ---- what the worker does -------------------------------------------------------------------------------
    def wait_for_timers(self) -> None:
        """Until the worker has fired every timer due by now."""
        deadline = time.monotonic() + TIMER_WAIT_SECONDS
        while self._timers("WAITING", due=True):
            if time.monotonic() > deadline:
                self.http.errors.append("timers: still due after 30 minutes")
                return
            time.sleep(0.5)

    def _timers(self, state: str, due: bool = False) -> int:
        query = select(func.count()).select_from(Timer).where(Timer.state == state)
        if due:
            query = query.where(Timer.due_at <= utcnow())
        with self.city.platform.database.transaction(write=False) as session:
            return session.scalar(query)

    def _packets(self) -> int:
        with self.city.platform.database.transaction(write=False) as session:
            return session.scalar(select(func.count()).select_from(CasePacket).where(CasePacket.status == "ready"))

    def _database_cpu(self) -> float:
        """CPU seconds of the PostgreSQL backends serving this city's database (their process title names it; a
        backend that ended in between is not counted, the pools' connections last the whole day)."""
        total = 0.0
        for process in psutil.process_iter(["cmdline"]):
            try:
                if self.city.database_name in " ".join(process.info["cmdline"] or ()):
                    times = process.cpu_times()
                    total += times.user + times.system
            except psutil.Error:
                pass
        return total

    def _app_cpu(self, worker_only: bool = False) -> float:
        total = 0.0
        # gunicorn (master and app processes) and the worker (with its converters)
        for process in self.stack.processes[1:2] if worker_only else self.stack.processes[:2]:
            try:
                family = [psutil.Process(process.pid), *psutil.Process(process.pid).children(recursive=True)]
            except psutil.NoSuchProcess:
                continue
            for member in family:
                try:
                    times = member.cpu_times()
                    total += times.user + times.system
                except psutil.NoSuchProcess:
                    pass
        return total
