"""The counter's day: today's visits of a ward (any day can be chosen with the date field), for the corner's clerk
and supervisors. 前の日／次の日 step to the previous / next day the ward's corner is open (weekends, holidays and
the ward's closures skipped, per the business calendar); a closed day chosen by date says why it is closed."""
from __future__ import annotations

from datetime import date

from flask import Blueprint, render_template, request

from processes.calendar import BusinessCalendar, today_jst
from processes.okuyami.counter_day import counter_day
from processes.wards import load_wards
from web.extensions import platform
from web.guards import page_actor, roles_required
from web.staff.case_formatting import register as register_filters

bp = Blueprint("counter_day", __name__, url_prefix="/counter", template_folder="templates")
register_filters(bp)


def _day(value: str | None) -> tuple[date, str | None]:
    if not value:
        return today_jst(), None
    try:
        return date.fromisoformat(value), None
    except ValueError:
        return today_jst(), "日付は 2026-12-03 の形式で指定してください。今日の来庁を表示しています。"


@bp.get("/day")
@roles_required("counter", "supervisor")
def day():
    """A counter sees its own ward; a supervisor chooses the ward."""
    who = page_actor()
    wards = load_wards()
    chosen, problem = _day(request.args.get("day"))
    ward = who.ward if who.role == "counter" else request.args.get("ward") or next(iter(wards))
    if ward not in wards:
        ward, problem = next(iter(wards)), "その区はありません。区を選び直してください。"
    p = platform()
    with p.database.transaction() as session:
        visits = counter_day(session, p.runtime, who, ward, chosen)
    calendar = BusinessCalendar.default()
    return render_template("counter/day.html", visits=visits, day=chosen, ward=ward, wards=wards, problem=problem,
                           today=today_jst(), closed=calendar.closure_reason(chosen, ward),
                           previous=calendar.previous_business_day(chosen, ward),
                           following=calendar.next_business_day(chosen, ward), choose_ward=who.role != "counter")
