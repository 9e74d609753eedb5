"""The guidance sheet carries the survey: a QR code and a short address of a fresh token that names the ward and
the week of the visit (nothing links it to the case), answerable on the public side after the next export."""
from __future__ import annotations

import re

from click.testing import CliRunner
from sqlalchemy import select

from processes.calendar import today_jst
from processes.public.models import SurveyToken
from processes.public.survey import token_hash, week_of
from tests.page_support import new_case, text_of
from web.cli import main
from web.public.app import create_public_app


def test_the_guidance_sheet_prints_a_survey_address_and_qr_code(api_app, browsers, database, instance_dir, tmp_path):
    case_id = new_case(api_app, channel="walk_in", actor="counter_naka")
    html = text_of(browsers["counter_naka"].get(f"/cases/{case_id}/guidance"))
    assert "アンケートへのご協力のお願い" in html and "<svg" in html
    address = re.search(r'class="survey-address">([^<]+)<', html).group(1)
    token = address.rsplit("/survey/", 1)[1]
    assert re.fullmatch(r"[0-9A-Z]{12}", token)
    with database.transaction(write=False) as session:
        row = session.scalars(select(SurveyToken)).one()
    assert (row.token_hash, row.ward, row.week_start, row.kind) == (token_hash(token), "nakahara",
                                                                    week_of(today_jst()), "sheet")
    assert set(SurveyToken.__table__.columns.keys()) == {"id", "token_hash", "ward", "week_start", "kind",
                                                         "issued_on", "answered"}         # nothing names the case

    out = tmp_path / "public-data"
    result = CliRunner().invoke(main, ["--instance", str(instance_dir), "public", "export", "--out", str(out)],
                                catch_exceptions=False)
    assert result.exit_code == 0, result.output
    assert create_public_app(out).test_client().get(f"/survey/{token}").status_code == 200
