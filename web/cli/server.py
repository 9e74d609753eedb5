"""`okuyami serve`, `okuyami worker` and `okuyami demo`: the staff application, the timer worker, the demo city."""
from __future__ import annotations

from pathlib import Path

import click

from processes.calls.recordings import add_purge_job as add_recordings_purge_job
from processes.demo.city import DEMO_PASSWORD, DEMO_USERS, ensure_demo_instance, seed_demo
from processes.documents.jobs import add_packet_job
from processes.operations.jobs import add_operations_jobs
from processes.platform import Platform
from processes.public.jobs import add_public_pull_job
from processes.reports.jobs import add_report_jobs
from processes.roles import ROLES
from processes.tasks.drafts.jobs import add_draft_cleanup_job
from web.cli.root import Context, pass_context


# server and worker ------------------------------------------------------------------------------------------
def _serve(platform: Platform, host: str, port: int, with_scheduler: bool) -> None:
    import waitress

    from processes.notifications.scheduling import make_scheduler
    from web.app import create_app

    app = create_app(platform=platform)
    scheduler = make_scheduler(platform, background=True) if with_scheduler else None
    if scheduler:
        add_packet_job(scheduler, platform.database, platform.runtime, public_url=platform.settings.public_url)
        add_draft_cleanup_job(scheduler, platform.database)
        add_recordings_purge_job(scheduler, platform.database)
        add_report_jobs(scheduler, platform.database, platform.runtime)
        scheduler.start()
    click.echo(f"http://{host}:{port}/ で待ち受けています（終了は Ctrl+C）")
    try:
        waitress.serve(app, host=host, port=port, threads=8, ident="okuyami")
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the staff application."""
    platform = ctx.platform()
    _serve(platform, host, port, with_scheduler=platform.settings.demo)


@click.command()
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@pass_context
def worker(ctx: Context, interval: float, once: bool) -> None:
    """Fire due BPMN timers (APScheduler); the first pass runs at start and catches up after downtime."""
    from processes.notifications.scheduling import fire_due_timers, make_scheduler
    platform = ctx.platform()
    if once:
        click.echo(f"{fire_due_timers(platform)}件のタイマーを発火しました。")
        from processes.reports.builds import run_builds
        click.echo(f"{run_builds(platform.database, platform.runtime)}件の報告書ファイルを作成しました。")
        return
    click.echo(f"ワーカーを起動しました（{interval:g}秒ごと、終了は Ctrl+C）")
    scheduler = make_scheduler(platform, interval_seconds=interval)
    add_packet_job(scheduler, platform.database, platform.runtime, interval, platform.settings.public_url)
    add_draft_cleanup_job(scheduler, platform.database)
    add_recordings_purge_job(scheduler, platform.database)
    add_operations_jobs(scheduler, platform.database, platform.settings)
    add_report_jobs(scheduler, platform.database, platform.runtime)
    add_public_pull_job(scheduler, platform)
    scheduler.start()


@click.command()
@click.option("--seed-only", is_flag=True, help="Create and seed the demo city, then exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def demo(ctx: Context, seed_only: bool, host: str, port: int) -> None:
    """Create the demo city on SQLite under ./instance/ (users for every role, the models) and serve it."""
    instance = Path(ctx.instance or "instance")
    ensure_demo_instance(instance)
    ctx.instance = str(instance)
    platform = ctx.platform(require_current_schema=False)
    for line in seed_demo(platform):
        click.echo(f"  {line}")
    click.echo(f"デモ用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
    for user in DEMO_USERS:
        click.echo(f"  {user.username:18} {ROLES[user.role]}" + (f" / {user.ward}" if user.ward else "")
                   + (f" / {user.department}" if user.department else ""))
    if not seed_only:
        _serve(platform, host, port, with_scheduler=True)
