"""`okuyami db` and `okuyami keys`: the database schema and the data keys."""
from __future__ import annotations

import click

from engine import crypto
from engine.db.migrate import upgrade
from engine.db.session import Database
from web.cli.root import Context, pass_context


# database ---------------------------------------------------------------------------------------------------
@click.group()
def db() -> None:
    """Database schema."""


@db.command("upgrade")
@pass_context
def db_upgrade(ctx: Context) -> None:
    """Apply every Alembic migration."""
    database = Database(ctx.settings().database_url)
    upgrade(database)
    click.echo("データベースを最新の構成に更新しました。")


# keys -------------------------------------------------------------------------------------------------------
@click.group()
def keys() -> None:
    """Encryption keys."""


@keys.command("generate")
def keys_generate() -> None:
    """Print a new data key (32 random bytes, URL-safe base64) for OKUYAMI_DATA_KEY."""
    click.echo(crypto.generate_key())


@keys.command("reencrypt")
@pass_context
def keys_reencrypt(ctx: Context) -> None:
    """After adding a new key in front of OKUYAMI_DATA_KEY: rewrite stored data with it, so the old key can go."""
    from engine.db.reencrypt import reencrypt_instances

    rewritten, skipped = reencrypt_instances(ctx.platform().database)
    click.echo(f"{rewritten}件の案件を新しい鍵で暗号化し直しました。" + (
        f"（更新中だった{skipped}件は、その更新で新しい鍵になります）" if skipped else ""))
