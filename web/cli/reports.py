"""`okuyami reports`: the daily log of a day and the monthly results of a month, written to a file."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from web.cli.root import Context, pass_context

FORMATS = ["html"]
"""XLSX and PDF are not built yet (issue #18, 5): only HTML is offered."""


def _write(out: Path, figures: dict) -> None:
    from web.reports.html import render_report

    out.write_text(render_report(figures), encoding="utf-8")
    click.echo(f"書き出しました: {out}")


@click.group()
def reports() -> None:
    """The reports the city is paid on: daily log, monthly results."""


@reports.command("daily")
@click.option("--date", "day", required=True, help="The business day, YYYY-MM-DD.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_context
def daily(ctx: Context, day: str, fmt: str, out: Path) -> None:
    """Write the daily log (業務日誌) of DATE to OUT."""
    from processes.reports.figures import daily_log

    try:
        when = date.fromisoformat(day)
    except ValueError:
        click.echo("エラー: --date は YYYY-MM-DD の形で指定してください（例: 2026-12-01）。", err=True)
        sys.exit(2)
    with ctx.platform().database.transaction(write=False) as session:
        figures = daily_log(session, when)
    _write(out, figures)


@reports.command("monthly")
@click.option("--month", required=True, help="The month, YYYY-MM.")
@click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True)
@pass_context
def monthly(ctx: Context, month: str, fmt: str, out: Path) -> None:
    """Write the monthly results (月次業務実績) of MONTH to OUT."""
    from processes.reports.figures import monthly_results, parse_month
    from processes.tasks.validation import ValidationFailed

    try:
        period = parse_month(month)
    except ValidationFailed:
        click.echo("エラー: --month は YYYY-MM の形で指定してください（例: 2026-12）。", err=True)
        sys.exit(2)
    with ctx.platform().database.transaction(write=False) as session:
        figures = monthly_results(session, period)
    _write(out, figures)
