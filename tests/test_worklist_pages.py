"""The worklist as staff use it: my tasks, the group's unclaimed tasks, overdue tasks and completed tasks; claim,
unclaim and a supervisor's reassign (by htmx, the row and the tab counts change without reloading the page);
filters, sorting, and scope (another ward's task is 404)."""
import re
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text, update

from engine.db.models import HumanTask, User
from tests.api_support import VISIT
from tests.case_support import NOW
from tests.page_support import new_case, page_csrf, text_of

HTMX = {"HX-Request": "true"}


def _precheck(app, case_id, department):
    runtime = app.extensions["okuyami"].runtime
    return next(t for t in runtime.list_tasks(instance_id=case_id) if t.department == department)


def _count(page: str, tab: str) -> int:
    return int(re.search(rf'data-tab="{tab}">(\d+)<', page).group(1))


def _post(client, path, data=None, headers=None):
    return client.post(path, data={"csrf_token": page_csrf(client, "/tasks"), **(data or {})}, headers=headers or {})


def test_a_department_sees_its_unclaimed_precheck_claims_it_and_the_counts_follow(api_app, browsers):
    case_id = new_case(api_app)
    task = _precheck(api_app, case_id, "kumin")
    kumin = browsers["kumin_naka"]
    page = text_of(kumin.get("/tasks"))
    assert 'aria-current="page"' in page and "グループの未着手タスク" in page   # nothing claimed: the group's work
    assert "事前確認" in page and f"/prechecks/{task.id}\"" in page
    assert (_count(page, "mine"), _count(page, "group"), _count(page, "overdue")) == (0, 1, 0)
    assert 'hx-get="/tasks/counts?tab=group"' in page                        # the polled counts keep the tab
    assert "hoken_nenkin" not in page and "保険年金課" not in page.split("<tbody>")[1]

    claimed = _post(kumin, f"/tasks/{task.id}/claim", headers=HTMX)
    assert claimed.status_code == 200 and claimed.headers["HX-Trigger"] == "worklist-changed"
    row = text_of(claimed)
    assert row.lstrip().startswith(f'<tr id="task-{task.id}"') and "自分" in row and "解除する" in row
    counts = text_of(kumin.get("/tasks/counts"))
    assert "<html" not in counts and (_count(counts, "mine"), _count(counts, "group")) == (1, 0)
    mine = text_of(kumin.get("/tasks?tab=mine"))
    assert f'id="task-{task.id}"' in mine and "対応待ちのタスク（1件）" in mine

    released = _post(kumin, f"/tasks/{task.id}/unclaim")                  # without htmx: back to the list
    assert released.status_code == 302 and released.headers["Location"].startswith("/tasks")
    page = text_of(kumin.get("/tasks?tab=group"))
    assert "引き受けを解除しました" in page and _count(page, "group") == 1


def test_someone_elses_claim_cannot_be_released_or_taken(api_app, browsers):
    task = _precheck(api_app, new_case(api_app), "kumin")
    assert _post(browsers["sv"], f"/tasks/{task.id}/claim").status_code == 302
    refused = _post(browsers["kumin_naka"], f"/tasks/{task.id}/unclaim", headers=HTMX)
    assert "引き受けを解除できるのは" in text_of(refused)
    taken = _post(browsers["kumin_naka"], f"/tasks/{task.id}/claim", headers=HTMX)
    assert "すでに他の担当者が引き受けています" in text_of(taken)
    assert "sv" in text_of(taken)                                           # the row shows who holds it


def test_a_supervisor_reassigns_to_a_person_of_the_tasks_role_and_scope(api_app, browsers, database):
    task = _precheck(api_app, new_case(api_app), "kumin")
    for name in ("kumin_naka", "hoken_naka", "kumin_tama"):
        browsers[name]                                                     # the accounts exist
    supervisor = browsers["sv"]
    page = text_of(supervisor.get("/tasks?tab=group"))
    options = re.search(rf'id="assignee-{task.id}".*?</select>', page, re.S).group(0)
    assert "kumin_naka" in options and "hoken_naka" not in options and "kumin_tama" not in options

    wrong = _post(supervisor, f"/tasks/{task.id}/reassign", {"assignee": "kumin_tama"}, HTMX)
    assert "このタスクの役割・担当範囲の担当者を選んでください" in text_of(wrong)
    done = _post(supervisor, f"/tasks/{task.id}/reassign", {"assignee": "kumin_naka"}, HTMX)
    assert "kumin_naka さんに割り当てました" in text_of(done)
    assert f'id="task-{task.id}"' in text_of(browsers["kumin_naka"].get("/tasks?tab=mine"))
    with database.transaction(write=False) as session:
        entry = session.execute(text("SELECT actor, detail FROM audit_log WHERE action = 'task.reassigned'")).one()
    assert entry.actor == "sv" and "kumin_naka" in str(entry.detail)
    assert _post(browsers["kumin_naka"], f"/tasks/{task.id}/reassign", {"assignee": "kumin_naka"}).status_code == 403


def test_overdue_tasks_are_flagged_in_words_and_have_their_own_tab(api_app, browsers, clock):
    case_id = new_case(api_app)
    assert _count(text_of(browsers["kumin_naka"].get("/tasks")), "overdue") == 0
    clock.move_to(VISIT - timedelta(hours=16))                              # past the pre-check deadline (17:00)
    del browsers["kumin_naka"]                                              # a week later: signed in anew
    page = text_of(browsers["kumin_naka"].get("/tasks?tab=overdue"))
    assert _count(page, "overdue") == 1 and f"/prechecks/{_precheck(api_app, case_id, 'kumin').id}\"" in page
    assert "期限超過" in page.split("<tbody>")[1] and 'class="overdue"' in page
    assert "令和8年12月2日（水） 17:00" in page                               # due shown in JST and 和暦


def test_completed_tasks_stay_findable_by_case_number_and_date(api_app, browsers, clock, database):
    first, second = new_case(api_app), new_case(api_app, ward="tama")
    browsers["op"]
    with database.transaction() as session:
        session.scalar(select(User).where(User.username == "op")).display_name = "予約 花子"
    supervisor = browsers["sv"]
    page = text_of(supervisor.get("/tasks?tab=completed"))
    assert _count(page, "completed") == 2 and page.count("予約受付・問診") == 2
    assert re.findall(r"<td>([^<>]*)</td>\s*</tr>", page) == ["予約 花子"] * 2   # completed by: the operator's name
    only_first = text_of(supervisor.get(f"/tasks?tab=completed&case={first}"))
    assert f">{first}<" in only_first and f">{second}<" not in only_first
    today = NOW.date().isoformat()
    assert _count(text_of(supervisor.get(f"/tasks?tab=completed&completed_from={today}&completed_to={today}")),
                  "completed") == 2
    tomorrow = (NOW.date() + timedelta(days=1)).isoformat()
    assert "条件に合う完了したタスクはありません" in text_of(supervisor.get(f"/tasks?tab=completed&completed_from={tomorrow}"))


def test_filters_and_sorting_and_unreadable_filters_explained(api_app, browsers):
    new_case(api_app)
    new_case(api_app, ward="tama", slot_start=(VISIT + timedelta(days=1)).isoformat())
    supervisor = browsers["sv"]
    tama = text_of(supervisor.get("/tasks?tab=group&ward=tama"))
    assert "多摩区" in tama.split("<tbody>")[1] and "中原区" not in tama.split("<tbody>")[1]
    kumin = text_of(supervisor.get("/tasks?tab=group&department=kumin"))
    assert "区民課" in kumin.split("<tbody>")[1] and "保険年金課" not in kumin.split("<tbody>")[1]
    late_first = text_of(supervisor.get("/tasks?tab=group&sort=-due")).split("<tbody>")[1]
    assert late_first.index("多摩区") < late_first.index("中原区")
    early_first = text_of(supervisor.get("/tasks?tab=group&sort=due")).split("<tbody>")[1]
    assert early_first.index("中原区") < early_first.index("多摩区")
    assert "中原区" not in text_of(supervisor.get("/tasks?tab=group&due_from=2026-12-03")).split("</form>")[-1]
    bad = text_of(supervisor.get("/tasks?tab=group&due_to=someday&case=abc"))
    assert "日付は YYYY-MM-DD の形式で入力してください" in bad and "案件番号は数字で入力してください" in bad
    assert 'aria-invalid="true"' in bad


def test_another_wards_task_is_not_found_and_roles_without_tasks_see_none(api_app, browsers):
    task = _precheck(api_app, new_case(api_app, ward="tama", slot_start=VISIT.isoformat()), "kumin")
    assert _post(browsers["kumin_naka"], f"/tasks/{task.id}/claim").status_code == 404
    assert browsers["kumin_naka"].get(f"/tasks/{task.id}/form").status_code == 404
    assert "このロールには担当するタスクがありません" in text_of(browsers["po"].get("/tasks"))
    assert browsers["po"].get("/tasks/counts").status_code == 403
    anonymous = api_app.test_client().get("/tasks/counts")
    assert anonymous.status_code == 302 and "/login" in anonymous.headers["Location"]


def test_every_worklist_and_task_form_route_declares_its_roles(api_app):
    ours = [name for name in api_app.view_functions if name.startswith(("tasks.", "task_forms."))]
    assert len(ours) >= 7
    for name in ours:
        assert getattr(api_app.view_functions[name], "allowed_roles", None), name
    assert "supervisor" in api_app.view_functions["tasks.reassign_task"].allowed_roles
    assert api_app.view_functions["tasks.reassign_task"].allowed_roles == {"supervisor"}


def test_a_booking_started_elsewhere_waits_in_the_operators_group_tab(api_app, browsers):
    from processes.okuyami.cases import start_case

    runtime = api_app.extensions["okuyami"].runtime
    case = start_case(runtime, "booking", "op", ward="nakahara")
    page = text_of(browsers["op"].get("/tasks"))
    assert "予約受付・問診" in page and f">{case.id}<" in page


def test_a_long_list_comes_in_pages_that_keep_the_tab_and_filters(api_app, browsers, monkeypatch):
    import web.staff.worklist

    monkeypatch.setattr(web.staff.worklist, "PAGE_SIZE", 2)
    visits = (VISIT, VISIT + timedelta(days=1), VISIT + timedelta(days=5))   # Thursday, Friday, next Tuesday
    tasks = [_precheck(api_app, new_case(api_app, slot_start=v.isoformat()), "kumin") for v in visits]
    kumin = browsers["kumin_naka"]
    first = text_of(kumin.get("/tasks?tab=group&sort=due"))
    assert "対応待ちのタスク（3件のうち 1〜2件目を表示）" in first and "1 / 2 ページ" in first
    next_link = re.search(r'<a href="([^"]+)" rel="next">次の2件</a>', first).group(1).replace("&amp;", "&")
    assert "tab=group" in next_link and "sort=due" in next_link and "page=2" in next_link
    second = text_of(kumin.get(next_link))
    assert "3件のうち 3〜3件目を表示" in second and 'rel="prev"' in second and 'rel="next"' not in second
    shown = [t.id for t in tasks if f'id="task-{t.id}"' in first] + \
            [t.id for t in tasks if f'id="task-{t.id}"' in second]
    assert sorted(shown) == sorted(t.id for t in tasks)                  # every task once, none lost between pages
    unreadable = text_of(kumin.get("/tasks?tab=group&page=abc"))
    assert "ページの指定が正しくありません。" in unreadable and "1〜2件目" in unreadable


def test_a_row_seen_before_shows_what_changed_since(api_app, browsers, database):
    """Rows are kept once rendered (per process): a row opened again after its due time or the name of the person
    holding it changed shows the change, never the kept copy."""
    task = _precheck(api_app, new_case(api_app), "kumin")
    supervisor = browsers["sv"]
    browsers["kumin_naka"]                                                 # the account exists
    assert _post(supervisor, f"/tasks/{task.id}/reassign", {"assignee": "kumin_naka"}).status_code == 302

    def change(due_day: int, name: str | None = None):
        with database.transaction() as session:
            session.execute(update(HumanTask).where(HumanTask.id == task.id)
                            .values(due_at=datetime(2020, 1, due_day, 0, 30, tzinfo=timezone.utc)))
            if name:
                session.execute(update(User).where(User.username == "kumin_naka").values(display_name=name))

    def row():
        page = text_of(supervisor.get("/tasks?tab=overdue"))
        return re.search(rf'<tr id="task-{task.id}".*?</tr>', page, re.S).group(0)

    change(6)
    first = row()
    assert "令和2年1月6日（月） 9:30" in first and "改名 次郎" not in first
    assert row() == first                                                  # nothing changed: the same row
    change(7, "改名 次郎")
    again = row()
    assert "令和2年1月7日（火） 9:30" in again and "1月6日" not in again and "改名 次郎" in again


def test_the_page_around_the_rows_seen_before_shows_what_changed_since(api_app, browsers, database):
    """The page around the rows is kept once rendered (per process), like its rows: the same page asked for again
    after a new task, a renamed person or a message to show has them; another person in the same scope gets their
    own page; and each answer carries the session's own CSRF token, so the forms on a kept page still work."""
    from tests.web_support import add_user, login

    _precheck(api_app, new_case(api_app), "kumin")
    kumin = browsers["kumin_naka"]
    add_user(database, "kumin_naka2", "dept_staff", ward="nakahara", department="kumin")
    other = api_app.test_client()
    assert login(other, "kumin_naka2").status_code == 302
    for username, name in (("kumin_naka", "中原 一郎"), ("kumin_naka2", "中原 二郎")):
        with database.transaction() as session:
            session.execute(update(User).where(User.username == username).values(display_name=name))

    first = text_of(kumin.get("/tasks?tab=group"))
    assert text_of(kumin.get("/tasks?tab=group")) == first                  # nothing changed: the same page
    assert _count(first, "group") == 1 and "対応待ちのタスク（1件）" in first
    theirs = text_of(other.get("/tasks?tab=group"))
    assert page_csrf(other, "/tasks?tab=group") != page_csrf(kumin, "/tasks?tab=group")
    assert "中原 一郎" in first.split("<main")[0] and "中原 二郎" not in first
    assert "中原 二郎" in theirs.split("<main")[0] and "中原 一郎" not in theirs

    second_task = _precheck(api_app, new_case(api_app, slot_start=(VISIT + timedelta(days=1)).isoformat()), "kumin")
    with database.transaction() as session:
        session.execute(update(User).where(User.username == "kumin_naka").values(display_name="改名 三郎"))
    again = text_of(kumin.get("/tasks?tab=group"))
    assert _count(again, "group") == 2 and "対応待ちのタスク（2件）" in again and f'id="task-{second_task.id}"' in again
    assert "改名 三郎" in again.split("<main")[0]

    token = re.search(r'name="csrf_token" value="([^"]+)"', again).group(1)
    claimed = kumin.post(f"/tasks/{second_task.id}/claim", data={"csrf_token": token, "next": "/tasks?tab=group"})
    assert claimed.status_code == 302                                        # the kept page's forms carry the token
    shown = text_of(kumin.get("/tasks?tab=group"))
    assert "引き受けました" in shown and _count(shown, "group") == 1 and _count(shown, "mine") == 1
    assert "引き受けました" not in text_of(kumin.get("/tasks?tab=group"))     # a message is shown once


def test_a_kept_page_is_that_of_its_page_size(api_app, browsers, monkeypatch):
    """The same address, counts and number of rows at another page size is another page (its pager differs)."""
    import web.staff.worklist

    visits = (VISIT, VISIT + timedelta(days=1), VISIT + timedelta(days=5))
    for visit in visits:
        _precheck(api_app, new_case(api_app, slot_start=visit.isoformat()), "kumin")
    kumin = browsers["kumin_naka"]
    monkeypatch.setattr(web.staff.worklist, "PAGE_SIZE", 2)
    assert "3件のうち 3〜3件目を表示" in text_of(kumin.get("/tasks?tab=group&sort=due&page=2"))
    monkeypatch.setattr(web.staff.worklist, "PAGE_SIZE", 1)
    second = text_of(kumin.get("/tasks?tab=group&sort=due&page=2"))
    assert "3件のうち 2〜2件目を表示" in second and "2 / 3 ページ" in second and 'rel="next"' in second


def test_what_a_page_is_asked_for_never_stands_for_the_parts_written_in(api_app, browsers):
    """The rows, the CSRF token and the return address are written into a kept page at marks no value on the page
    can spell (every value is escaped): a filter typed as those marks is shown as typed, the rows stay in the table."""
    from web.staff.worklist_page import _ROWS
    from web.staff.worklist_rows import BACK_MARK, CSRF_MARK

    task = _precheck(api_app, new_case(api_app), "kumin")
    kumin = browsers["kumin_naka"]
    typed = f"{_ROWS}{CSRF_MARK}{BACK_MARK}"
    page = text_of(kumin.get("/tasks", query_string={"tab": "group", "case": typed}))
    assert _ROWS not in page and CSRF_MARK not in page and BACK_MARK not in page
    assert 'value="&lt;rows-3c9a51&gt;&lt;csrf-0f6b2c&gt;&lt;back-0f6b2c&gt;"' in page
    table = page.split("<tbody>")[1].split("</tbody>")[0]
    assert f'id="task-{task.id}"' in table and 'name="csrf_token" value="' in table
