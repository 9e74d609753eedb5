"""Every role's screens at 1366×768 (the city's usual PC), in Chromium over the demo city: the operator, the
supervisor, department staff, the counter, the process owner, the administrator and the auditor each sign in and
open every screen of their menu. On each the menu is one line, nothing in the header wraps inside a word, no table
column is one character wide, no empty 「（）」 is shown and the page is no wider than the screen. Each screen is
screenshotted (test-artifacts/header-<role>-<n>.png)."""
from __future__ import annotations

import pytest

from engine import accounts
from processes.administration import live
from tests.browser_support import SignedIn, demo_city_cases, live_server, shot
from tests.web_support import PASSWORD

pytestmark = pytest.mark.slow
CITY_PC = {"width": 1366, "height": 768}
PEOPLE = {   # login: (role, ward, department, display name) beside demo_city_cases's op, sv and counter
    "kumin1": ("dept_staff", "nakahara", "kumin", "中原 区民課員"),
    "po1": ("process_owner", None, None, "区政 推進子"),
    "admin1": ("admin", None, None, "管理 太郎"),
    "auditor1": ("auditor", None, None, "監査 花子"),
}
ROLES = [("operator", "op"), ("supervisor", "sv"), ("dept_staff", "kumin1"), ("counter", "counter"),
         ("process_owner", "po1"), ("admin", "admin1"), ("auditor", "auditor1")]
PROBLEMS = """() => {
  const lines = e => {
    const walker = document.createTreeWalker(e, NodeFilter.SHOW_TEXT), bottoms = new Set();
    for (let n = walker.nextNode(); n; n = walker.nextNode()) {
      if (n.parentElement.closest('.visually-hidden') || !n.textContent.trim()) continue;
      const r = document.createRange(); r.selectNodeContents(n);
      [...r.getClientRects()].filter(x => x.width > 0).forEach(x => bottoms.add(Math.round(x.bottom)));
    }
    return bottoms.size; };
  const visible = e => e.offsetParent !== null && e.textContent.trim();
  const problems = [];
  const nav = document.querySelector('.site-header nav');
  const tops = new Set([...nav.querySelectorAll('a')].filter(visible).map(a => Math.round(a.getBoundingClientRect().top)));
  if (tops.size > 1) problems.push('menu on ' + tops.size + ' lines');
  if (nav.scrollWidth > nav.clientWidth + 1) problems.push('menu wider than the screen');
  [...document.querySelectorAll('.site-header a, .site-header span, .site-header button, .site-header .brand')]
    .filter(visible).filter(e => lines(e) > 1).forEach(e => problems.push('header wrapped: ' + e.textContent.trim()));
  [...document.querySelectorAll('main th, main td')].filter(visible)
    .filter(e => e.textContent.trim().length > 1 && e.getBoundingClientRect().width < 2.5 * parseFloat(getComputedStyle(e).fontSize))
    .forEach(e => problems.push('one-character column: ' + e.textContent.trim()));
  (document.body.innerText.match(/.{0,20}（\\s*）.{0,10}/g) || []).forEach(m => problems.push('empty （）: ' + m));
  if (document.documentElement.scrollWidth > window.innerWidth) problems.push('wider than the screen');
  return problems;
}"""


def _city(platform):
    cases = demo_city_cases(platform)
    with platform.database.transaction() as session:
        for name, (role, ward, department, display_name) in PEOPLE.items():
            accounts.create_user(session, name, role, PASSWORD, ward=ward, department=department,
                                 display_name=display_name)
    return cases


@pytest.fixture(scope="module")
def server(tmp_path_factory, data_key):
    with live_server(tmp_path_factory.mktemp("header-city"), data_key, _city) as served:
        yield served
    live.reset()


@pytest.mark.parametrize(("role", "login"), ROLES, ids=[role for role, _ in ROLES])
def test_every_screen_of_the_role_s_menu_fits_the_city_pc(browser, server, role, login):
    base, _ = server
    screen = SignedIn(browser, base, login, PASSWORD)
    page = screen.page
    page.set_viewport_size(CITY_PC)
    landing = page.url.removeprefix(base)
    menu = page.eval_on_selector_all(".site-header nav a", "links => links.map(a => a.getAttribute('href'))")
    assert menu, role
    failures = []
    for number, path in enumerate(dict.fromkeys([landing, *menu]), start=1):
        screen.open(path)
        page.wait_for_load_state()
        shot(page, f"header-{role}-{number}")
        failures += [f"{path}: {problem}" for problem in page.evaluate(PROBLEMS)]
    assert failures == [], "\n".join(failures)
    assert screen.csp_refusals() == []
    page.close()
