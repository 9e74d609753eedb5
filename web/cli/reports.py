"""`okuyami reports`: the daily log of a day, the monthly results of a month and the annual results of a fiscal
year, written to a file as HTML, XLSX or PDF."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from web.cli.root import Context, pass_context

FORMATS = ["html", "xlsx", "pdf"]


def _options(command):
    command = click.option("--out", type=click.Path(dir_okay=False, path_type=Path), required=True,
                           help="The file to write.")(command)
    return click.option("--format", "fmt", type=click.Choice(FORMATS), default="html", show_default=True)(command)


def _refuse(message: str) -> None:
    click.echo(f"エラー: {message}", err=True)
    sys.exit(2)


def _write(ctx: Context, make, fmt: str, out: Path) -> None:
    """Compute the figures (`make(session, runtime)`), then write them in the format asked for."""
    from processes.reports.versions import latest_texts
    from web.reports.output import report_file

    platform = ctx.platform()
    with platform.database.transaction(write=False) as session:
        figures = make(session, platform.runtime)
        texts = latest_texts(session, figures["kind"], figures["period"])
    out.write_bytes(report_file(figures, fmt, texts))
    click.echo(f"書き出しました: {out}")


@click.group()
def reports() -> None:
    """The reports the city is paid on: daily log, monthly and annual results."""


@reports.command("daily")
@click.option("--date", "day", required=True, help="The business day, YYYY-MM-DD.")
@_options
@pass_context
def daily(ctx: Context, day: str, fmt: str, out: Path) -> None:
    """Write the daily log (業務日誌) of DATE to OUT."""
    from processes.reports.figures import daily_log, parse_day
    from processes.tasks.validation import ValidationFailed

    try:
        when = parse_day(day)
    except ValidationFailed:
        _refuse("--date は YYYY-MM-DD の形で指定してください（例: 2026-12-01）。")
    _write(ctx, lambda session, runtime: daily_log(session, when), fmt, out)


@reports.command("monthly")
@click.option("--month", required=True, help="The month, YYYY-MM.")
@_options
@pass_context
def monthly(ctx: Context, month: str, fmt: str, out: Path) -> None:
    """Write the monthly results (月次業務実績) of MONTH to OUT."""
    from processes.reports.figures import monthly_results, parse_month
    from processes.tasks.validation import ValidationFailed

    try:
        period = parse_month(month)
    except ValidationFailed:
        _refuse("--month は YYYY-MM の形で指定してください（例: 2026-12）。")
    _write(ctx, lambda session, runtime: monthly_results(session, period, runtime), fmt, out)


@reports.command("annual")
@click.option("--fiscal-year", "year", required=True, help="The fiscal year (April to March), YYYY.")
@_options
@pass_context
def annual(ctx: Context, year: str, fmt: str, out: Path) -> None:
    """Write the annual results (年次業務実績・履行状況) of the fiscal year starting in April of YYYY to OUT."""
    from processes.reports.figures import annual_results, parse_fiscal_year
    from processes.tasks.validation import ValidationFailed

    try:
        fiscal_year = parse_fiscal_year(year)
    except ValidationFailed:
        _refuse("--fiscal-year は西暦4桁で指定してください（例: 2026 は令和8年度、2026年4月〜2027年3月）。")
    _write(ctx, lambda session, runtime: annual_results(session, fiscal_year), fmt, out)
