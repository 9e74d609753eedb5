"""What the browser tests share: the staff app served on a free port over a fresh SQLite instance, Debian's
Chromium through Playwright (never a downloaded browser), sign-in, screenshots under test-artifacts/ and axe-core
(vendored by scripts/setup) for serious or critical accessibility violations. Without Playwright or Chromium the
browser tests are skipped on a developer's machine and fail in CI (CI=true): a CI run without its browser must
not pass green."""
from __future__ import annotations

import os
import threading
import uuid
from contextlib import contextmanager
from pathlib import Path
from typing import Callable, Iterator, TypeVar
from urllib.parse import urlsplit

import pyotp
import pytest
from werkzeug.serving import make_server

from engine import accounts
from engine.db.migrate import upgrade
from engine.db.session import Database
from engine.settings import PROJECT_ROOT, load_settings
from processes.demo.cases import seed_demo_cases
from processes.platform import Platform, build_platform
from tests.web_support import PASSWORD, second_factor_code

try:
    from playwright import sync_api as playwright_api
except ImportError:
    playwright_api = None

ARTIFACTS = PROJECT_ROOT / "test-artifacts"
CHROMIUM = "/usr/bin/chromium"
T = TypeVar("T")
_DATABASES: dict[str, Database] = {}
"""The database behind each live server's base URL: the sign-in reads a person's authenticator secret there."""


@contextmanager
def live_server(folder: Path, data_key: str, prepare: Callable[[Platform], T]) -> Iterator[tuple[str, T]]:
    """The staff app on a free port over a new SQLite instance in `folder`; `prepare(platform)` seeds it first
    and its result is handed back beside the base URL."""
    url = f"sqlite:///{folder / 'okuyami.db'}"
    (folder / "okuyami.toml").write_text(
        f'database_url = "{url}"\nsecret_key = "browser-{uuid.uuid4().hex}"\ndata_key = "{data_key}"\n',
        encoding="utf-8")
    database = Database(url)
    upgrade(database)
    database.dispose()
    platform = build_platform(load_settings(folder, environ={}))
    prepared = prepare(platform)

    from web import create_app

    server = make_server("127.0.0.1", 0, create_app(platform=platform), threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_port}"
    _DATABASES[base] = platform.database
    try:
        yield base, prepared
    finally:
        _DATABASES.pop(base, None)
        server.shutdown()
        thread.join()
        platform.database.dispose()


def browser_missing() -> str | None:
    """Why the browser tests cannot run here, or None."""
    if playwright_api is None:
        return "Playwright is not installed (pip install -e '.[test]')"
    if not Path(CHROMIUM).is_file():
        return f"Chromium is not installed at {CHROMIUM} (scripts/setup installs Debian's chromium)"
    return None


@pytest.fixture(scope="module")
def browser():
    missing = browser_missing()
    if missing and os.environ.get("CI", "").lower() == "true":
        pytest.fail(f"CI=true and the browser tests cannot run: {missing}", pytrace=False)
    if missing:
        pytest.skip(missing)
    with playwright_api.sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        yield chromium
        chromium.close()


class SignedIn:
    """A page signed in as one person, collecting the console errors (a CSP refusal shows up there)."""

    def __init__(self, browser, base: str, username: str, password: str):
        self.base = base
        self.page = browser.new_page(viewport={"width": 1400, "height": 1000}, locale="ja-JP")
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        sign_in(self.page, base, username, password)

    def open(self, path: str):
        self.page.goto(f"{self.base}{path}")
        return self.page

    def csp_refusals(self) -> list[str]:
        return [e for e in self.errors if "Content Security Policy" in e]


def sign_in(page, base: str, username: str, password: str = PASSWORD) -> None:
    """Sign in on `page` as a person does, with the second factor where their role needs one outside the demo
    (issue #13, 10): the app's code from their secret, or enrolment at the first sign-in (the secret read off the
    page, one code typed, the recovery codes acknowledged)."""
    page.goto(f"{base}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button[type=submit]")
    page.wait_for_load_state()
    path = urlsplit(page.url).path
    if path == "/login/totp/enrol":
        secret = page.text_content(".secret dd code").replace(" ", "")
        page.fill("#code", pyotp.TOTP(secret).now())
        page.click("form button[type=submit]")
        page.wait_for_load_state()
        page.click("a.button.primary")                 # 保管しました。業務を始める
        page.wait_for_load_state()
    elif path == "/login/totp":
        page.fill("#code", second_factor_code(_DATABASES[base], username))
        page.click("form button[type=submit]")
        page.wait_for_load_state()
    assert "/login" not in page.url, f"{username} could not sign in"


def shot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def serious_violations(page) -> list[str]:
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(url="/static/vendor/axe.min.js")
    return page.evaluate(
        "async () => (await axe.run(document, {resultTypes: ['violations']})).violations"
        ".filter(v => ['serious', 'critical'].includes(v.impact)).map(v => v.id + ': ' + v.help)")


DEMO_CITY_USERS = {"sv": ("supervisor", None), "op": ("operator", None), "counter": ("counter", "nakahara")}


def demo_city_cases(platform) -> dict[str, int]:
    """The models, three accounts (DEMO_CITY_USERS) and the demo city's cases: {label: case id}."""
    with platform.database.transaction() as session:
        platform.registry.deploy(session, platform.repository_models(), actor="setup")
        for name, (role, ward) in DEMO_CITY_USERS.items():
            accounts.create_user(session, name, role, PASSWORD, ward=ward)
    report = seed_demo_cases(platform.runtime)
    return {line.split(":", 1)[1].strip(): int(line.split()[1].rstrip(":")) for line in report}


@pytest.fixture(scope="module")
def demo_city_server(tmp_path_factory, data_key):
    """The staff app on a free port over a fresh SQLite instance holding the demo city's cases:
    (base URL, {label: case id})."""
    with live_server(tmp_path_factory.mktemp("demo-city"), data_key, demo_city_cases) as served:
        yield served


def signed_in(browser, base: str, username: str):
    """A page signed in as one of DEMO_CITY_USERS, and the console errors it collects."""
    screen = SignedIn(browser, base, username, PASSWORD)
    return screen.page, screen.errors
