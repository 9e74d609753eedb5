"""`okuyami public export --out DIR` writes what the internet side may hold (processes/public/export.py);
`okuyami public serve --data DIR` serves the public application from such a directory, without the staff database
(it builds no platform and reads no settings); `okuyami public pull --data DIR | --url URL` brings back what the
public side took in (processes/public/pull.py); `okuyami public tablet WARD` the corner tablet's survey address."""
from __future__ import annotations

from pathlib import Path

import click


@click.group()
def public() -> None:
    """The public (internet) side: the one-way export and the public application."""


@public.command("export")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path),
              help="Directory to write (created if missing).")
@click.pass_obj
def export(ctx, out: Path) -> None:
    """Write the published FAQ (and later parts) into DIR for the public side."""
    from processes.calendar import today_jst
    from processes.public.export import export as write_export

    with ctx.platform().database.transaction() as session:      # the city's keys are made on the first export
        manifest = write_export(session, out, today_jst())
    for name, counts in manifest["parts"].items():
        click.echo(f"{name}: " + "、".join(f"{key} {value}件" for key, value in counts.items()))
    click.echo(f"{out} に書き出しました。")


@public.command("serve")
@click.option("--data", "data", required=True, type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="A directory written by `okuyami public export`.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8080, show_default=True, type=int)
@click.option("--workers", default=2, show_default=True, type=int, help="Processes sharing the port (one per core).")
@click.option("--threads", default=4, show_default=True, type=int, help="Threads per process.")
def serve(data: Path, host: str, port: int, workers: int, threads: int) -> None:
    """Serve the public application (FAQ at /faq) from DIR."""
    from web.public.serve import serve as serve_public

    click.echo(f"http://{host}:{port}/faq で待ち受けています（{workers}プロセス、終了は Ctrl+C）")
    serve_public(data, host, port, workers=workers, threads=threads)


@public.command("pull")
@click.option("--data", "data", type=click.Path(exists=True, file_okay=False, path_type=Path),
              help="The public side's data directory on this machine.")
@click.option("--url", "url", help="A served public side (e.g. https://okuyami.example.jp).")
@click.pass_obj
def pull(ctx, data: Path | None, url: str | None) -> None:
    """Take the sealed booking requests, inquiries and survey answers from the public side."""
    from processes.public.pull import FolderSource, UrlSource, signing_secret
    from processes.public.pull import pull as pull_items

    if (data is None) == (url is None):
        raise click.UsageError("--data か --url のどちらか一方を指定してください。")
    platform = ctx.platform()
    source = FolderSource(data) if data is not None else UrlSource(url, signing_secret(platform.database))
    try:
        result = pull_items(platform.database, platform, source)
    except OSError as exc:
        raise click.ClickException(f"公開側から受け取れませんでした: {exc}") from exc
    click.echo(f"予約の申込み {result.booking}件、お問い合わせ {result.inquiry}件、アンケート回答 {result.survey}件を"
               f"取り込みました。")
    if result.kept:
        click.echo(f"取り込めなかったもの {result.kept}件はスーパーバイザーの確認待ちとして保管しました。")
        for problem in result.problems:
            click.echo(f"  {problem}")


@public.command("tablet")
@click.argument("ward")
@click.pass_obj
def tablet(ctx, ward: str) -> None:
    """A new survey address for WARD's corner tablet (the ward's earlier one stops after the next export)."""
    from processes.public.survey import issue_tablet, survey_path

    platform = ctx.platform()
    try:
        with platform.database.transaction() as session:
            token = issue_tablet(session, ward)
    except ValueError as exc:
        raise click.UsageError(f"区のコード {ward} は登録されていません。") from exc
    click.echo(f"{platform.settings.public_url.rstrip('/')}{survey_path(token)}")
    click.echo("次の `okuyami public export` のあとで使えます。")
