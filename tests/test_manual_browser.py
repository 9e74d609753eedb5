"""The manuals are built from the running system: every step's screen of every role is opened in the demo city as
that role and photographed (test-artifacts/manual/), the screen's help link opens the manual's section for it, and
`okuyami manual build` makes an HTML manual and an A4 PDF per role from those screenshots; a step without its
screenshot fails the build."""
from __future__ import annotations

import re
import shutil
from urllib.parse import urlsplit

import pytest
from click.testing import CliRunner

from processes.demo.city import DEMO_PASSWORD, DEMO_USERS, seed_demo
from processes.manual.build import ManualBuildError, build
from processes.manual.steps import manual
from processes.roles import ROLES
from tests.browser_support import ARTIFACTS, live_server, sign_in
from web.cli import main

pytestmark = pytest.mark.slow
SHOTS = ARTIFACTS / "manual"


@pytest.fixture(scope="module")
def demo_city(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("manual-city"), data_key, seed_demo) as (base, _):
        yield base


def test_every_step_of_every_manual_is_photographed_from_its_screen(browser, demo_city):
    SHOTS.mkdir(parents=True, exist_ok=True)
    for role in ROLES:
        user = next(u for u in DEMO_USERS if u.role == role)
        page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="ja-JP")
        sign_in(page, demo_city, user.username, DEMO_PASSWORD)
        for section in manual()[role]:
            for index, step in enumerate(section.steps, 1):
                response = page.goto(f"{demo_city}{step.url}")
                assert response.status < 400 and "/login" not in page.url, (role, step.url, response.status)
                if step.click:
                    page.click(step.click)
                    page.wait_for_load_state()
                page.screenshot(path=str(SHOTS / section.shot_name(index)))
                link = page.get_attribute("a.help-link", "href")       # the screen's help opens this section
                assert urlsplit(link).fragment == section.screen, (role, section.screen, link)
            page.goto(f"{demo_city}{link}")
            assert page.locator(f"section[id='{section.screen}'] h2").inner_text().endswith(section.title)
        if role == "counter":
            page.goto(f"{demo_city}/help")
            page.screenshot(path=str(ARTIFACTS / "help-counter.png"))
        page.close()


def test_the_manual_builds_as_html_and_a4_pdf_per_role(tmp_path):
    out = tmp_path / "manual"
    built = CliRunner().invoke(main, ["manual", "build", "--out", str(out), "--screenshots", str(SHOTS)])
    assert built.exit_code == 0, built.output
    for role in ROLES:
        html = (out / role / "index.html").read_text(encoding="utf-8")
        assert f"{ROLES[role]} 操作マニュアル" in html and all(s.title in html for s in manual()[role])
        pdf = (out / f"{role}.pdf").read_bytes()
        assert pdf.startswith(b"%PDF") and re.search(rb"/MediaBox \[0 0 59[45][.\d]* 84[12][.\d]*\]", pdf)  # A4 in points
    one = CliRunner().invoke(main, ["manual", "build", "--role", "counter", "--out", str(tmp_path / "one"),
                                    "--screenshots", str(SHOTS)])
    assert one.exit_code == 0 and sorted(p.name for p in (tmp_path / "one").iterdir()) == ["counter", "counter.pdf"]


def test_a_step_without_its_screen_fails_the_build(tmp_path):
    shots = tmp_path / "shots"
    shutil.copytree(SHOTS, shots)
    gone = manual()["counter"][0]
    (shots / gone.shot_name(1)).unlink()
    with pytest.raises(ManualBuildError, match=gone.title):
        build(tmp_path / "out", shots, "counter", pdf=False)
