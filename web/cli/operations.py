"""`okuyami backup`, `okuyami restore`, `okuyami audit verify`: operating the system from the command line."""
from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import click

from engine.errors import OkuyamiError
from web.cli.root import Context, _fail, pass_context
from web.formatting import date_ja


@click.command()
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="The archive to write (encrypted with OKUYAMI_BACKUP_KEY).")
@pass_context
def backup(ctx: Context, out: Path) -> None:
    """Write one encrypted archive of the database and the stored files, with a manifest."""
    from processes.operations.backup import write_backup
    platform = ctx.platform(require_current_schema=False)
    settings = platform.settings
    try:
        manifest = write_backup(platform.database, settings.instance_path, out, settings.backup_key,
                                Path(settings.backup_folder) if settings.backup_folder else None)
    except OkuyamiError as exc:
        _fail(exc)
    rows = sum(manifest.tables.values())
    click.echo(f"バックアップを書き出しました: {out}（{len(manifest.tables)}表、{rows}行、"
               f"ファイル{len(manifest.checksums) - 1}件）")


@click.command()
@click.argument("archive", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--force", is_flag=True, help="Replace the contents of a database that is not empty.")
@pass_context
def restore(ctx: Context, archive: Path, force: bool) -> None:
    """Restore an archive made by `okuyami backup` into this instance's (empty) database."""
    from processes.operations.backup import restore_backup
    platform = ctx.platform(require_current_schema=False)
    settings = platform.settings
    try:
        manifest = restore_backup(platform.database, settings.instance_path, archive, settings.backup_key, force)
    except OkuyamiError as exc:
        _fail(exc)
    click.echo(f"復元しました（{len(manifest.tables)}表、{sum(manifest.tables.values())}行）。")


@click.group()
def audit() -> None:
    """The tamper-evident audit trail."""


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        raise click.BadParameter("日付は 2026-04-01 の形で指定してください。", param_hint=option) from None


@audit.command("verify")
@click.option("--from", "start", help="First day (YYYY-MM-DD, Asia/Tokyo).")
@click.option("--to", "end", help="Last day (YYYY-MM-DD, Asia/Tokyo).")
@pass_context
def audit_verify(ctx: Context, start: str | None, end: str | None) -> None:
    """Seal new audit entries into the chain, then check the chain over the period; exit 1 at a broken link."""
    from processes.operations.audit_chain import seal, verify
    first, last = _day(start, "--from"), _day(end, "--to")
    database = ctx.platform().database
    with database.transaction() as session:
        sealed = seal(session)
    with database.transaction(write=False) as session:
        report = verify(session, first, last)
    if sealed:
        click.echo(f"新しい監査記録{sealed}件をチェーンに封印しました。")
    if report.intact:
        click.echo(f"監査記録のチェーンは正常です（{report.checked}件を確認）。")
        return
    click.echo(f"監査記録のチェーンが壊れています: 記録番号{report.broken_at}"
               f"（{date_ja(report.broken_day)}）{report.reason}。", err=True)
    sys.exit(1)


@click.command()
@click.option("--dry-run", is_flag=True, help="Count what is due without deleting anything.")
@pass_context
def purge(ctx: Context, dry_run: bool) -> None:
    """Delete what has outlived its retention period and record each kind's count (the worker runs it nightly)."""
    from processes.operations.purge import not_purged_here
    from processes.operations.purge import purge as run_purge
    with ctx.platform().database.transaction() as session:
        results = run_purge(session, "okuyami purge", dry_run)
    verb = "削除対象" if dry_run else "削除しました"
    for result in results:
        click.echo(f"{result.label}: {result.count}件{verb}（{date_ja(result.up_to)}より前）")
    for label, why in not_purged_here():
        click.echo(f"{label}: {why}")
    if dry_run:
        click.echo("（確認のみ: 何も削除していません）")
