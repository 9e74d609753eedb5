"""`okuyami public export --out DIR` writes what the internet side may hold (processes/public/export.py);
`okuyami public serve --data DIR` serves the public application from such a directory, without the staff database
(it builds no platform and reads no settings)."""
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

    with ctx.platform().database.transaction(write=False) as session:
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
