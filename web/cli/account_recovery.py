"""`okuyami users totp-reset NAME` and `okuyami users password NAME`: an administrator's help for a person who lost
their phone or forgot their password. Registered on the `users` group in web/cli/__init__.py."""
from __future__ import annotations

import sys

import click

from engine.errors import OkuyamiError
from processes.staff import passwords, totp


def _run(ctx_obj, action):
    platform = ctx_obj.platform()
    try:
        with platform.database.transaction() as session:
            return action(session)
    except OkuyamiError as exc:
        click.echo(f"エラー: {exc.user_message}\n({exc})", err=True)
        sys.exit(1)


@click.command("totp-reset")
@click.argument("name")
@click.option("--actor", default="cli", help="Who resets (recorded in the audit log).")
@click.pass_obj
def totp_reset(ctx_obj, name: str, actor: str) -> None:
    """Remove NAME's second factor (TOTP) and recovery codes: their next sign-in leads them to enrol again (in the
    demo they may sign in with the password alone)."""
    removed = _run(ctx_obj, lambda s: totp.reset(s, name, actor=actor))
    click.echo(f"ユーザー {name} の2段階認証を解除しました（回復コードも無効になりました）。"
               "次回のログインで改めて設定します。" if removed
               else f"ユーザー {name} は2段階認証を設定していません（変更はありません）。")


@click.command("password")
@click.argument("name")
@click.option("--password", prompt="新しいパスワード", hide_input=True, confirmation_prompt=True)
@click.option("--actor", default="cli", help="Who resets (recorded in the audit log).")
@click.pass_obj
def password_reset(ctx_obj, name: str, password: str, actor: str) -> None:
    """Set a new password for NAME; every session of NAME ends and a lockout is lifted."""
    _run(ctx_obj, lambda s: passwords.reset_password(s, name, password, actor=actor))
    click.echo(f"ユーザー {name} のパスワードを変更しました（ログイン中のセッションはすべて終了しました）。")


USER_COMMANDS = (totp_reset, password_reset)
