"""Issue #19's load test: a busy morning against the production way of running the system, on loopback only and
bounded in time (5 minutes by default). 3 operators (free slots, bookings, the FAQ search, their cases), 7 counters
(one per ward: worklist, cases), 20 department staff (worklist, pre-check forms, completing them), 5 families on
the public side (the navi, the public FAQ search); the staff application under gunicorn with 2 worker processes of 4 threads (as deploy/ runs it), 1
`okuyami worker`, the public application, one PostgreSQL database seeded with the demo city. Halfway through, one
of the two app processes is killed with kill -9 (gunicorn's master starts a new one).

    python -m bench.load [--minutes 5] [--quick]

Prints the p95 of each page type in milliseconds and as a ratio to the p95 of GET /healthz on the idle app, one
request at a time, measured in the same run before the load (the baseline: a request that does nothing), the
number of requests, and the errors: none is expected but the requests the killed process was serving when it died
(connection errors within seconds of the kill). Exits 1 when there is any other error. Staff pages are read through
the JSON API (the same services as the screens).
"""
from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import random  # noqa: E402
import signal  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402

if __package__ in (None, ""):
    sys.path[0] = str(Path(__file__).resolve().parent.parent)

import gevent  # noqa: E402
import psutil  # noqa: E402
from locust import HttpUser, between, events, task  # noqa: E402
from locust.env import Environment  # noqa: E402

from bench.app_stack import City, drop_city, idle_baseline, new_city, running_stack  # noqa: E402
from bench.families import reservation  # noqa: E402

WARDS = ["kawasaki", "saiwai", "nakahara", "takatsu", "miyamae", "tama", "asao"]
OPERATOR_WARDS = [["kawasaki", "saiwai"], ["nakahara", "takatsu"], ["miyamae", "tama", "asao"]]
DEPARTMENT_STAFF = ([(w, "kumin") for w in WARDS] + [(w, "hoken_nenkin") for w in WARDS]
                    + [(w, "kourei_shogai") for w in WARDS[:6]])
FAQ_WORDS = ["葬祭費", "年金", "介護保険", "印鑑登録", "マイナンバー", "世帯主", "児童手当", "相続", "国民健康保険"]
CONNECTION_ERRORS = ("ConnectionError", "RemoteDisconnected", "ConnectionResetError", "ChunkedEncodingError",
                     "ProtocolError", "BrokenPipeError", "ConnectionRefusedError")
KILL_WINDOW_SECONDS = 5.0
CREDENTIALS: dict[str, itertools.cycle] = {}
STATE = {"killed_at": None, "failures": []}


# --------------------------------------------------------------------------------------------------- the users
# Every request on a new connection, as the reverse proxy in front of the app (nginx's default upstream HTTP/1.0)
# sends them: a client's idle keep-alive connection closed by the server at the same moment is no error of the app.
class Staff(HttpUser):
    abstract = True
    wait_time = between(1, 3)
    kind = ""

    def on_start(self):
        self.name_, self.token, self.extra = next(CREDENTIALS[self.kind])
        self.client.headers.update({"Authorization": f"Bearer {self.token}", "Connection": "close"})

    def api(self, method: str, path: str, name: str, **kwargs):
        with self.client.request(method, "/api/v1" + path, name=name, catch_response=True, **kwargs) as response:
            if response.status_code == 0:   # no answer: the error is recorded as it is
                return None
            if response.status_code >= 400:
                response.failure(f"HTTP {response.status_code}")
                return None
            return response.json()


class Operator(Staff):
    fixed_count = 3
    kind = "operator"

    @task(3)
    def slots(self):
        self.api("GET", f"/slots?ward={random.choice(self.extra)}", "空き枠")

    @task(3)
    def faq(self):
        self.api("GET", f"/faqs/search?q={random.choice(FAQ_WORDS)}", "FAQ検索（職員）")

    @task(1)
    def book(self):
        ward = random.choice(self.extra)
        found = self.api("GET", f"/slots?ward={ward}", "空き枠")
        free = [s["start"] for s in (found or {}).get("slots", []) if s["available"]]
        if not free:
            return
        with self.client.post("/api/v1/cases", json=reservation(ward, random.choice(free[:40])), name="予約登録",
                              catch_response=True) as response:
            if response.status_code == 0:
                return
            if response.status_code == 201:
                self.api("GET", f"/cases/{response.json()['id']}", "案件")
            elif response.status_code == 409:   # the slot filled meanwhile: the screen says so, not an error
                response.success()
            else:
                response.failure(f"HTTP {response.status_code}")


class Counter(Staff):
    fixed_count = 7
    kind = "counter"

    @task(3)
    def worklist(self):
        tasks = self.api("GET", "/tasks", "ワークリスト")
        if tasks and tasks["tasks"]:
            self.api("GET", f"/cases/{random.choice(tasks['tasks'])['instance_id']}", "案件")


class DepartmentStaff(Staff):
    fixed_count = 20
    kind = "dept_staff"

    @task
    def precheck(self):
        tasks = self.api("GET", "/tasks", "ワークリスト")
        ready = [t for t in (tasks or {}).get("tasks", []) if t.get("spec_name") == "precheck"]
        if not ready:
            return
        detail = self.api("GET", f"/tasks/{ready[0]['id']}", "タスク（事前確認）")
        if not detail:
            return
        decisions = [{"id": p["id"], "action": "confirm"} for p in detail["data"]["assignment"]["procedures"]]
        with self.client.post(f"/api/v1/tasks/{ready[0]['id']}/complete", name="事前確認の完了",
                              json={"precheck_result": {"decisions": decisions}}, catch_response=True) as response:
            if response.status_code >= 400 and response.status_code != 409:
                response.failure(f"HTTP {response.status_code}")


class Family(HttpUser):
    fixed_count = 5
    wait_time = between(2, 5)

    def on_start(self):
        self.client.headers["Connection"] = "close"

    @task(2)
    def navi(self):
        self.client.get("/navi", name="ナビ（公開）")
        self.client.get("/navi?step=1", name="ナビ（公開）")

    @task(1)
    def faq(self):
        self.client.get(f"/faq/search?q={random.choice(FAQ_WORDS)}", name="FAQ検索（公開）")


class Baseline(HttpUser):
    fixed_count = 1
    wait_time = between(0.5, 1.0)

    def on_start(self):
        self.client.headers["Connection"] = "close"

    @task
    def healthz(self):
        self.client.get("/healthz", name="GET /healthz（負荷中）")


@events.request.add_listener
def _remember_failure(request_type, name, response_time, response_length, exception=None, **_):
    if exception is not None:
        STATE["failures"].append((time.monotonic(), name, type(exception).__name__, str(exception)[:120]))


# --------------------------------------------------------------------------------------------------- the city
def _city(folder: Path) -> City:
    """A new PostgreSQL database with the demo city, the load test's accounts and the public side's export."""
    city = new_city(folder, "load")
    CREDENTIALS["operator"] = itertools.cycle(
        [(f"load_op{n}", city.add_user(f"load_op{n}", "operator"), wards) for n, wards in enumerate(OPERATOR_WARDS, 1)])
    CREDENTIALS["counter"] = itertools.cycle(
        [(f"load_counter_{w}", city.add_user(f"load_counter_{w}", "counter", w), w) for w in WARDS])
    CREDENTIALS["dept_staff"] = itertools.cycle(
        [(f"load_{d}_{w}", city.add_user(f"load_{d}_{w}", "dept_staff", w, d), (w, d)) for w, d in DEPARTMENT_STAFF])
    return city


def _kill_one_app_process(master: subprocess.Popen) -> int:
    victim = psutil.Process(master.pid).children()[0]
    STATE["killed_at"] = time.monotonic()
    os.kill(victim.pid, signal.SIGKILL)
    return victim.pid


# --------------------------------------------------------------------------------------------------- the run
def run(seconds: float) -> int:
    folder = Path(tempfile.mkdtemp(prefix="okuyami-load-"))
    print(f"load: seeding the demo city in a new PostgreSQL database ({folder})", flush=True)
    city = _city(folder)
    try:
        with running_stack(city) as stack:
            base_p95 = idle_baseline(stack.staff + "/healthz")
            for user_class in (Operator, Counter, DepartmentStaff, Baseline):
                user_class.host = stack.staff
            Family.host = stack.public
            environment = Environment(user_classes=[Operator, Counter, DepartmentStaff, Family, Baseline],
                                      events=events)
            runner = environment.create_local_runner()
            users = sum(c.fixed_count for c in (Operator, Counter, DepartmentStaff, Family, Baseline))
            print(f"load: {users} users for {seconds:.0f} s against 2 app processes (gunicorn), 1 worker and the "
                  "public side; one app process is killed with kill -9 halfway", flush=True)
            started = time.monotonic()
            runner.start(users, spawn_rate=10)
            gevent.spawn_later(seconds / 2, lambda: print(
                f"load: killed app process {_kill_one_app_process(stack.app)} at "
                f"{time.monotonic() - started:.0f} s", flush=True))
            gevent.spawn_later(seconds, runner.quit)
            runner.greenlet.join()
            return report(environment, base_p95)
    finally:
        drop_city(city)


def report(environment, base_p95: float) -> int:
    entries = sorted(environment.stats.entries.values(), key=lambda e: e.name)
    print(f"baseline: GET /healthz on the idle app, p95 {base_p95:.1f} ms (one request at a time, same run)")
    print(f"{'page type':<22}{'requests':>9}{'p95 ms':>9}{'x baseline':>12}")
    base_p95 = max(base_p95, 0.1)
    for entry in entries:
        p95 = entry.get_response_time_percentile(0.95)
        print(f"{entry.name:<22}{entry.num_requests:>9}{p95:>9.0f}{p95 / base_p95:>12.1f}")
    killed_at = STATE["killed_at"]
    in_flight = [f for f in STATE["failures"] if killed_at is not None and 0 <= f[0] - killed_at <= KILL_WINDOW_SECONDS
                 and f[2] in CONNECTION_ERRORS]
    others = [(e.method, e.name, e.error, e.occurrences) for e in environment.stats.errors.values()]
    other_count = sum(o[3] for o in others) - len(in_flight)
    print(f"errors: {other_count} (besides {len(in_flight)} request(s) the killed app process was serving)")
    if other_count:
        for method, name, error, occurrences in others:
            print(f"  {occurrences} x {method} {name}: {error}")
        for at, name, kind, message in STATE["failures"]:
            after = f"{at - killed_at:+.1f} s from the kill" if killed_at is not None else ""
            print(f"  {name}: {kind} {after} {message}")
    return 1 if other_count else 0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--minutes", type=float, default=5.0)
    parser.add_argument("--quick", action="store_true", help="40 seconds instead of the busy morning's 5 minutes")
    options = parser.parse_args()
    sys.exit(run(40.0 if options.quick else options.minutes * 60))


if __name__ == "__main__":
    main()
