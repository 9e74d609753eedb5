"""`okuyami faq ...`: the FAQ's initial load from CSV (the export's format) and the 90-day purge of raw search
logs. Takes the CLI context through click (`ctx.obj`), like the other groups."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def faq() -> None:
    """The FAQ: CSV import, search-log purge."""


@faq.command("import")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--actor", default="import", show_default=True, help="Recorded as the editor of every revision.")
@click.pass_obj
def import_csv(ctx, file: Path, actor: str) -> None:
    """Import FILE.csv (as exported: UTF-8, header row); all rows or none, the bad rows named."""
    from processes.faq import csv_io
    from processes.tasks.validation import ValidationFailed

    platform = ctx.platform()
    try:
        with platform.database.transaction() as session:
            count = csv_io.import_csv(session, file.read_bytes(), actor)
    except ValidationFailed as failed:
        click.echo(failed.user_message, err=True)
        for error in failed.errors:
            click.echo(f"  {error.message}", err=True)
        raise SystemExit(1) from None
    click.echo(f"{count}件のFAQを取り込みました。")


@faq.command("purge-logs")
@click.pass_obj
def purge_logs(ctx) -> None:
    """Delete raw search logs older than 90 days (the counts per query stay)."""
    from processes.faq import logs

    with ctx.platform().database.transaction() as session:
        removed = logs.purge(session)
    click.echo(f"90日を過ぎた検索ログを{removed}件削除しました。")
