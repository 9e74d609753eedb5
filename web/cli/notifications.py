"""`okuyami notifications ...`: staff e-mail addresses for notifications, and the e-mail outbox.

The commands take the CLI's context object (`ctx.obj`, web.cli.Context) through click, not by importing web.cli:
`python -m web.cli` runs that module as __main__, and importing it back here would be circular."""
from __future__ import annotations

import click
from sqlalchemy import select

from engine.db.models import User


@click.group()
def notifications() -> None:
    """Notifications: staff e-mail addresses and the e-mail outbox."""


@notifications.command("email")
@click.argument("name")
@click.argument("address", required=False, default="")
@click.pass_obj
def set_email(ctx, name: str, address: str) -> None:
    """Send NAME's notifications also to ADDRESS (leave ADDRESS out to stop e-mail; the bell stays)."""
    from processes.notifications import store

    platform = ctx.platform()
    with platform.database.transaction() as session:
        if session.scalar(select(User.id).where(User.username == name)) is None:
            raise click.ClickException(f"ユーザー「{name}」はいません。")
        if address and ("@" not in address or any(c.isspace() for c in address)):
            raise click.ClickException("メールアドレスの形式が正しくありません。")
        store.set_address(session, name, address or None)
    click.echo(f"{name} のお知らせを {address} にもメールします。" if address else f"{name} へのメールを止めました。")


@notifications.command("send")
@click.pass_obj
def send(ctx) -> None:
    """Send the e-mail waiting in the outbox now (the worker does this after every pass)."""
    from processes.notifications.scheduling import send_outbox

    platform = ctx.platform()
    if not platform.settings.smtp_host:
        raise click.ClickException("SMTP サーバー（smtp_host）が設定されていません。")
    result = send_outbox(platform)
    click.echo(f"送信 {result.sent}件、再試行待ち {result.retrying}件、宛先拒否 {result.failed}件")
