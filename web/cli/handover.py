"""`okuyami handover export --out DIR [--recipient-key FILE]` writes everything the next contractor needs
(processes/handover/); `okuyami handover verify DIR` checks such a folder against its manifest."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def handover() -> None:
    """The handover to the next contractor: export and verify."""


@handover.command("export")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write (created if missing).")
@click.option("--recipient-key", "recipient_key", type=click.Path(exists=True, dir_okay=False, path_type=Path),
              help="The receiving side's public key (32 bytes, Base64); without it no personal data is written.")
@click.pass_obj
def export(ctx, out: Path, recipient_key: Path | None) -> None:
    """Write the cases, open work, records, models and accounts into DIR."""
    from processes.handover.export import export as write_export
    from processes.handover.sealed import KeyFileError, read_key

    key = None
    if recipient_key is not None:
        try:
            key = read_key(recipient_key)
        except KeyFileError as exc:
            raise click.ClickException(str(exc)) from exc
    if out.exists() and any(out.iterdir()):
        raise click.ClickException(f"{out} は空ではありません。空のフォルダか、まだないフォルダを指定してください。")
    platform = ctx.platform()
    with platform.database.transaction() as session:
        manifest = write_export(session, platform.runtime, out, "cli", key)
    files = manifest["files"]
    click.echo(f"案件 {files['cases.csv']['count']}件、開いている作業 {files['open_tasks.csv']['count']}件、"
               f"応対履歴 {files['contacts.csv']['count']}件、FAQ {files['faq_items.csv']['count']}件、"
               f"利用者 {files['users.csv']['count']}人を書き出しました（ファイル {len(files)}個）。")
    click.echo("個人情報は封印アーカイブ personal_data.sealed にのみ入れました。" if key is not None else
               "受け取る側の鍵が指定されていないため、個人情報は書き出していません。")
    click.echo(f"{out} に書き出しました。説明は {out / 'README.md'} にあります。")


@handover.command("verify")
@click.argument("folder", type=click.Path(file_okay=False, path_type=Path))
def verify(folder: Path) -> None:
    """Check DIR against its manifest.json (checksums and counts)."""
    from processes.handover.verify import verify as check

    problems = check(folder)
    if problems:
        for problem in problems:
            click.echo(problem)
        raise click.ClickException(f"{folder} の確認で {len(problems)}件の問題が見つかりました。")
    click.echo(f"{folder} のファイルはすべて目録（manifest.json）のとおりです。")


@handover.command("keygen")
@click.option("--out", "out", required=True, type=click.Path(dir_okay=False, path_type=Path),
              help="Private key file to write (the public key goes beside it as FILE.pub).")
def keygen(out: Path) -> None:
    """For the receiving side: a key pair; send FILE.pub to the city, keep FILE."""
    from processes.handover.sealed import new_key_pair

    if out.exists():
        raise click.ClickException(f"{out} はすでにあります。別の名前を指定してください。")
    public, private = new_key_pair()
    out.write_text(private + "\n", encoding="utf-8")
    out.chmod(0o600)
    Path(f"{out}.pub").write_text(public + "\n", encoding="utf-8")
    click.echo(f"秘密鍵を {out} に、公開鍵を {out}.pub に書きました。市へ渡すのは公開鍵（.pub）だけです。")
