"""Issue #20, 3: a tab's count stops a little past the page shown (a history of a million completed tasks is not
counted row by row): the tab and the caption say 「N以上」, the pager says which page, and the next page still
comes; near the end the count is exact again."""
import re
from datetime import timedelta

from tests.api_support import VISIT
from tests.page_support import new_case, text_of


def _precheck(app, case_id, department):
    runtime = app.extensions["okuyami"].runtime
    return next(t for t in runtime.list_tasks(instance_id=case_id) if t.department == department)


def test_a_long_tab_is_counted_up_to_a_limit_and_still_pages_to_its_end(api_app, browsers, monkeypatch):
    import web.staff.worklist

    monkeypatch.setattr(web.staff.worklist, "PAGE_SIZE", 1)
    monkeypatch.setattr(web.staff.worklist, "COUNT_LIMIT", 2)
    visits = (VISIT, VISIT + timedelta(days=1), VISIT + timedelta(days=5))
    tasks = [_precheck(api_app, new_case(api_app, slot_start=v.isoformat()), "kumin") for v in visits]
    kumin = browsers["kumin_naka"]

    first = text_of(kumin.get("/tasks?tab=group&sort=due"))
    assert "対応待ちのタスク（2件以上のうち 1〜1件目を表示）" in first and "1 ページ目" in first
    assert re.search(r'data-tab="group">2以上<', first)
    counts = text_of(kumin.get("/tasks/counts?tab=group"))
    assert re.search(r'data-tab="group">2以上<', counts)

    last = text_of(kumin.get("/tasks?tab=group&sort=due&page=3"))
    assert "3件のうち 3〜3件目を表示" in last and "3 / 3 ページ" in last and 'rel="next"' not in last
    seen = [t.id for t in tasks
            if any(f'id="task-{t.id}"' in text_of(kumin.get(f"/tasks?tab=group&sort=due&page={p}")) for p in (1, 2, 3))]
    assert sorted(seen) == sorted(t.id for t in tasks)
