"""Report files built by the worker (issue #18, 5): the report page's PDF, meeting pack and annual files are queued,
`okuyami worker --once` builds them, the build's page shows the state and progress while it waits (htmx
polls it) and offers the file when done; a failed build says so in Japanese; roles as for reading the reports. A
build whose worker died is taken again once its lease has run out; two workers never build the same file."""
from __future__ import annotations

import re
from datetime import timedelta
from io import BytesIO

import time_machine
from click.testing import CliRunner
from openpyxl import load_workbook
from sqlalchemy import select

import processes.reports.builds as builds
from processes.reports.models import ReportBuild
from tests.web_support import csrf_token, login
from web.cli import main


def _client(city, name):
    city.app.config["WTF_CSRF_ENABLED"] = True
    client = city.app.test_client()
    assert login(client, name).status_code == 302, name
    return client


def _queue(client, path, fmt):
    response = client.post(f"{path}/build", data={"csrf_token": csrf_token(client, "/reports"), "format": fmt})
    assert response.status_code == 302, response.status_code
    return response.headers["Location"]


def _build_id(location: str) -> int:
    return int(re.search(r"/reports/builds/(\d+)", location).group(1))


def _worker(city):
    result = CliRunner().invoke(main, ["--instance", str(city.instance), "worker", "--once"])
    assert result.exit_code == 0, result.output
    return result.output


def test_the_annual_workbook_is_queued_built_by_the_worker_and_offered(report_city):
    sv = _client(report_city, "sv")
    page = sv.get("/reports/annual/2026").get_data(as_text=True)
    assert "Excelを作成" in page and "PDFを作成" in page and "Excelでダウンロード" not in page
    location = _queue(sv, "/reports/annual/2026", "xlsx")
    waiting = sv.get(location).get_data(as_text=True)
    assert "状態：待機中（0%）" in waiting and 'hx-trigger="every 3s"' in waiting and "ファイルをダウンロード" not in waiting
    assert "令和8年度" in waiting and "Excel" in waiting
    assert "件の報告書ファイルを作成しました" in _worker(report_city)
    done = sv.get(location).get_data(as_text=True)
    assert "状態：完了" in done and 'hx-trigger="every 3s"' not in done and "ファイルをダウンロード" in done
    download = sv.get(f"{location}/file")
    assert download.status_code == 200 and 'filename="report-annual-2026.xlsx"' in download.headers["Content-Disposition"]
    assert load_workbook(BytesIO(download.data))["表紙"]["A2"].value == "令和8年度"
    # the auditor, a reader, may queue and fetch; an operator may not
    auditor = _client(report_city, "auditor")
    assert auditor.get(f"{location}/file").status_code == 200
    pack = _queue(auditor, "/reports/monthly/2026-11", "pack")
    operator = _client(report_city, "op")
    assert operator.get(location).status_code == 403 and operator.get(f"{location}/file").status_code == 403
    assert operator.post("/reports/monthly/2026-11/build", data={"format": "pdf"}).status_code in (400, 403)
    _worker(report_city)
    fetched = auditor.get(f"{pack}/file")
    assert fetched.status_code == 200 and fetched.data.startswith(b"%PDF")
    assert "report-monthly-pack-2026-11.pdf" in fetched.headers["Content-Disposition"]


def test_progress_is_recorded_while_the_worker_builds(report_city, monkeypatch):
    sv = _client(report_city, "sv")
    location = _queue(sv, "/reports/monthly/2026-10", "pdf")
    build_id = _build_id(location)
    seen = []
    real = builds.report_pdf

    def watched(document, pack=False):
        with report_city.database.transaction(write=False) as session:
            row = session.get(ReportBuild, build_id)
            seen.append((row.state, row.progress))
        seen.append(sv.get(location).get_data(as_text=True))
        return real(document, pack=pack)
    monkeypatch.setattr(builds, "report_pdf", watched)
    assert builds.run_builds(report_city.database, report_city.platform.runtime) >= 1
    assert seen[0] == ("running", 60) and "状態：作成中（60%）" in seen[1]
    with report_city.database.transaction(write=False) as session:
        row = session.get(ReportBuild, build_id)
        assert (row.state, row.progress, row.file[:4]) == ("done", 100, b"%PDF")


def test_a_failed_build_says_so_in_japanese(report_city, monkeypatch):
    sv = _client(report_city, "sv")
    location = _queue(sv, "/reports/daily/2026-12-01", "pdf")

    def broken(document, pack=False):
        raise RuntimeError("font missing")
    monkeypatch.setattr(builds, "report_pdf", broken)
    builds.run_builds(report_city.database, report_city.platform.runtime)
    page = sv.get(location).get_data(as_text=True)
    assert "状態：失敗" in page and "報告書のファイルを作成できませんでした" in page and "font missing" not in page
    assert sv.get(f"{location}/file").status_code == 302
    wrong = sv.post("/reports/daily/2026-12-01/build", follow_redirects=True,
                    data={"csrf_token": csrf_token(sv, "/reports"), "format": "pack"})
    assert "作成できる形式は Excel・PDF（月次は定例報告会資料も）です。" in wrong.get_data(as_text=True)
    with report_city.database.transaction(write=False) as session:
        assert session.scalars(select(ReportBuild.state).where(ReportBuild.format == "pack",
                                                                ReportBuild.kind == "daily")).all() == []
    assert sv.get("/reports/builds/999999", follow_redirects=True).status_code == 200


def test_a_build_whose_worker_died_is_taken_again_when_its_lease_runs_out(report_city):
    sv = _client(report_city, "sv")
    location = _queue(sv, "/reports/monthly/2026-09", "xlsx")
    build_id = _build_id(location)
    assert builds._claim(report_city.database, build_id, "city-host:4194303")     # a worker that then died
    assert "状態：作成中" in sv.get(location).get_data(as_text=True)

    builds.run_builds(report_city.database, report_city.platform.runtime)          # its lease still holds
    with report_city.database.transaction(write=False) as session:
        assert session.get(ReportBuild, build_id).state == "running"
    with time_machine.travel(builds.utcnow() + builds.LEASE + timedelta(seconds=1), tick=False):
        assert builds.run_builds(report_city.database, report_city.platform.runtime) >= 1
    with report_city.database.transaction(write=False) as session:
        row = session.get(ReportBuild, build_id)
        assert (row.state, row.progress, row.claimed_by, row.claimed_until) == ("done", 100, None, None)
    assert "ファイルをダウンロード" in sv.get(location).get_data(as_text=True)


def test_two_workers_never_build_the_same_file(report_city, monkeypatch):
    sv = _client(report_city, "sv")
    location = _queue(sv, "/reports/monthly/2026-08", "pdf")
    build_id = _build_id(location)
    made = []
    real = builds.report_pdf

    def second_worker_meanwhile(document, pack=False):
        made.append(build_id)
        builds.build_one(report_city.database, build_id, report_city.platform.runtime, worker="other-host:1")
        return real(document, pack=pack)
    monkeypatch.setattr(builds, "report_pdf", second_worker_meanwhile)
    builds.build_one(report_city.database, build_id, report_city.platform.runtime, worker="this-host:1")
    assert made == [build_id]                     # the second worker found it taken and left it
    with report_city.database.transaction(write=False) as session:
        assert session.get(ReportBuild, build_id).state == "done"
