"""`okuyami timers`: the BPMN timers, listed and fired."""
from __future__ import annotations

import sys
from datetime import datetime

import click

from web.cli.root import Context, pass_context
from web.formatting import JST, jst

# timers -----------------------------------------------------------------------------------------------------
_TIMER_STATE_NAMES = {"WAITING": "待機中", "FIRED": "発火済み", "CANCELLED": "取消"}


@click.group()
def timers() -> None:
    """BPMN timers: list them, fire the due ones."""


@timers.command("list")
@click.option("--state", type=click.Choice(["WAITING", "FIRED", "CANCELLED"], case_sensitive=False),
              help="Only timers in this state.")
@click.option("--newest-first", is_flag=True, help="Latest due time first (default: due order).")
@click.option("--limit", default=100, show_default=True, type=int)
@pass_context
def timers_list(ctx: Context, state: str | None, newest_first: bool, limit: int) -> None:
    """Timers with their due time (JST), case, timer event and state."""
    from engine.scheduler import list_timers
    rows = list_timers(ctx.platform().runtime, state.upper() if state else None, limit, newest_first)
    if not rows:
        click.echo("該当するタイマーはありません。")
        return
    click.echo(f"{'期限（JST）':16} {'案件':>7} {'プロセス':20} {'状態':8} {'発火/取消（JST）':16} タイマー")
    for timer, process_id in rows:
        click.echo(f"{jst(timer.due_at):16} {'#' + str(timer.instance_id):>7} {process_id:20} "
                   f"{_TIMER_STATE_NAMES.get(timer.state, timer.state):8} {jst(timer.fired_at):16} "
                   f"{timer.event_name}（{timer.task_id}）")


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"ISO 8601 の日時ではありません: {value}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


@timers.command("run-due")
@click.option("--now", "now_text", metavar="ISO-8601",
              help="Fire what was due at this moment (replaying a missed window); without an offset it is JST. "
                   "It cannot be later than the clock: SpiffWorkflow fires timers by the clock.")
@pass_context
def timers_run_due(ctx: Context, now_text: str | None) -> None:
    """Fire the timers due now (or at --now), once each, then exit; print how many fired."""
    from processes.notifications.scheduling import fire_due_timers
    now = _parse_now(now_text)
    try:
        fired = fire_due_timers(ctx.platform(), now=now)
    except ValueError as exc:
        click.echo(f"エラー: --now に現在より後の日時は指定できません（{exc}）", err=True)
        sys.exit(1)
    click.echo(f"{fired}件のタイマーを発火しました。")
