"""`okuyami calls`: import the phone exchange's events (queue_log or CSV, once or following a growing file), the
city's figures for a period, and the recorder's files indexed."""
from __future__ import annotations

import json
import sys
from datetime import date
from pathlib import Path

import click

from web.cli.root import Context, pass_context


def _day(value: str | None, name: str) -> date:
    try:
        return date.fromisoformat(value or "")
    except ValueError:
        click.echo(f"エラー: --{name} は YYYY-MM-DD の形で指定してください（例: 2026-12-01）。", err=True)
        sys.exit(2)


def _report(result) -> None:
    click.echo(f"追加した通話: {result.added}件、重複として数えなかった通話: {result.duplicates}件、"
               f"途中から完了した通話: {result.completed}件、不正な行: {len(result.malformed)}行")
    if result.incomplete:
        click.echo(f"受付（ENTERQUEUE）のない通話: {result.incomplete}件（スキップ）")
    for number, reason in result.malformed[:50]:
        click.echo(f"  {number}行目: {reason}", err=True)


@click.group()
def calls() -> None:
    """The phone exchange's calls: import, statistics, recordings."""


@calls.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--format", "fmt", type=click.Choice(["queue_log", "csv"]), default="queue_log", show_default=True)
@click.option("--follow", is_flag=True, help="Keep reading what the file grows by (queue_log; Ctrl+C stops).")
@click.option("--interval", default=2.0, show_default=True, help="Seconds between reads with --follow.")
@pass_context
def calls_import(ctx: Context, file: Path, fmt: str, follow: bool, interval: float) -> None:
    """Fold FILE's events into one row per call: calls added, duplicates skipped, malformed lines (by number)."""
    from processes.calls.importer import follow_file, import_file

    database = ctx.platform().database
    if not follow:
        _report(import_file(database, file, fmt))
        return
    if fmt != "queue_log":
        click.echo("エラー: --follow は queue_log 形式のときだけ使えます。", err=True)
        sys.exit(2)
    click.echo(f"{file} を追跡しています（終了は Ctrl+C）")
    try:
        follow_file(database, file, poll_seconds=interval,
                    on_pass=lambda r: _report(r) if r.added or r.completed or r.malformed else None)
    except KeyboardInterrupt:
        click.echo("追跡を終了しました。")


@calls.command("stats")
@click.option("--from", "start", required=True, metavar="YYYY-MM-DD", help="First day (JST, inclusive).")
@click.option("--to", "end", required=True, metavar="YYYY-MM-DD", help="Last day (JST, inclusive).")
@click.option("--json", "as_json", is_flag=True, help="The same document as GET /api/v1/calls/stats.")
@pass_context
def calls_stats(ctx: Context, start: str, end: str, as_json: bool) -> None:
    """受電応答率, 一次完了率 and the other figures of the city for the days FROM to TO."""
    from processes.calls.statistics import Period, statistics
    from processes.calls.views import stats_document

    first, last = _day(start, "from"), _day(end, "to")
    if last < first:
        click.echo("エラー: --to は --from と同じ日かそれより後の日にしてください。", err=True)
        sys.exit(2)
    with ctx.platform().database.transaction(write=False) as session:
        figures = statistics(session, Period(first, last))
    if as_json:
        click.echo(json.dumps(stats_document(figures), ensure_ascii=False, indent=2))
        return
    for label, value in stats_document(figures, labelled=True):
        click.echo(f"{label}: {value}")


@calls.command("recordings")
@click.argument("folder", type=click.Path(exists=True, file_okay=False, path_type=Path))
@pass_context
def calls_recordings(ctx: Context, folder: Path) -> None:
    """Index the recorder's FOLDER (its recordings.csv listing, else the audio files' names)."""
    from processes.calls.recordings import index_folder

    with ctx.platform().database.transaction() as session:
        result = index_folder(session, folder)
    click.echo(f"登録した録音: {result.added}件、登録済み: {result.known}件、読めない行: {result.unreadable}件")
