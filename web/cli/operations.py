"""`okuyami backup`, `restore`, `audit verify`, `purge`, `erase-all`: operating the system from the command line."""
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


def _demo_names() -> list[str]:
    from processes.demo.cases import FAMILIES, family_people
    names = set()
    for key in FAMILIES:
        names.update(person["name"] for person in family_people(key).values())
    return sorted(names)


@click.command("erase-all")
@click.option("--confirm", "confirm", help="The configured 全国地方公共団体コード (OKUYAMI_CITY_CODE; 141305 for Kawasaki).")
@click.option("--name", "names", multiple=True, help="A name to search the data folders for afterwards (besides "
                                                      "the demo families').")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path),
              help="Also write the verification report to this file (outside the instance and backup folders).")
@pass_context
def erase_all(ctx: Context, confirm: str | None, names: tuple[str, ...], report_path: Path | None) -> None:
    """Erase every table, stored file and backup at the end of the contract, then print a verification report."""
    from processes.operations.erase import check_confirmation
    from processes.operations.erase import erase_all as run_erase_all
    settings = ctx.settings()
    try:
        check_confirmation(settings, confirm)
    except OkuyamiError as exc:
        _fail(exc)
    if report_path is not None:
        inside = [Path(settings.instance_path)] + ([Path(settings.backup_folder)] if settings.backup_folder else [])
        if any(folder.resolve() in report_path.resolve().parents for folder in inside):
            _fail(OkuyamiError("the report would be erased with the data",
                               user_message="--report はインスタンスフォルダやバックアップフォルダの外を指定してください"
                                            "（消去の対象になるため）。何も消去していません。"))
    platform = ctx.platform(require_current_schema=False)
    try:
        report = run_erase_all(platform.database, settings, confirm, _demo_names() + list(names))
    except OkuyamiError as exc:
        _fail(exc)
    lines = _erase_report_lines(report)
    for line in lines:
        click.echo(line)
    if report_path is not None:
        report_path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    if not report.verified:
        sys.exit(1)


def _erase_report_lines(report) -> list[str]:
    from web.formatting import datetime_ja
    erased = sum(report.rows_before.values())
    lines = [f"全データ消去の検証報告（{datetime_ja(report.at)}）"]
    if report.tables_empty:
        lines.append(f"データベース: {len(report.rows_after)}表すべて空です（消去した行 合計{erased}行）")
    else:
        left = [f"{name}（{count}行）" for name, count in report.rows_after.items() if count]
        lines.append("データベース: 行が残っている表があります: " + "、".join(left))
    lines += [f"  {name}: {count}行 → {report.rows_after.get(name, 0)}行"
              for name, count in sorted(report.rows_before.items()) if count]
    gone = sum(report.files.values())
    lines.append(f"保存ファイル: {len(report.files)}件を削除し、{gone}件が残っていないことを確認しました")
    lines += [f"  残っています: {name}" for name, ok in report.files.items() if not ok]
    lines.append(f"バックアップ: {len(report.backups)}件を削除し、{sum(report.backups.values())}件が残っていないことを"
                 "確認しました")
    lines += [f"  残っています: {name}" for name, ok in report.backups.items() if not ok]
    if report.name_hits:
        lines.append(f"氏名の検索: 既知の氏名{report.names_searched}件のいずれかが次のファイルに残っています")
        lines += [f"  {path}" for path in report.name_hits]
    else:
        lines.append(f"氏名の検索: データフォルダの{report.files_searched}ファイルから既知の氏名{report.names_searched}件を"
                     "探し、どれも見つかりませんでした")
    lines.append("結果: " + ("消去を確認しました。" if report.verified else "消去を確認できませんでした。"))
    lines.append("注意: `okuyami backup --out` で他の場所に書き出したバックアップはこのコマンドでは消えません。"
                 "データ鍵とバックアップ鍵を設定から削除すると、残った暗号化データは読めなくなります。")
    return lines
