"""`okuyami training [--host H --port P]` starts the training city (processes/training/): its own instance folder
(INSTANCE/training), database and keys, the 研修環境 banner on every page, the exercises at /training;
`okuyami training reset` deletes its database so that the next start seeds a fresh city."""
from __future__ import annotations

import click

from engine.errors import OkuyamiError
from web.cli.root import Context, pass_context


def _production(ctx: Context):
    try:
        return ctx.settings()
    except OkuyamiError:
        return None


@click.group(invoke_without_command=True)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5001, show_default=True, type=int)
@click.option("--seed-only", is_flag=True, help="Create and seed the training city, then exit.")
@pass_context
@click.pass_context
def training(click_ctx: click.Context, ctx: Context, host: str, port: int, seed_only: bool) -> None:
    """The training city beside the real one: its own database, a banner on every page, exercises per role."""
    if click_ctx.invoked_subcommand is not None:
        return
    from processes.demo.city import DEMO_PASSWORD, DEMO_USERS, seed_demo
    from processes.platform import build_platform
    from processes.roles import ROLES
    from processes.training.instance import ensure_training_instance, training_path, training_settings
    from web.cli.server import _serve

    path = training_path(ctx.instance)
    ensure_training_instance(path)
    try:
        platform = build_platform(training_settings(path, _production(ctx)), require_current_schema=False)
    except OkuyamiError as exc:
        raise click.ClickException(f"研修環境を開けませんでした: {exc.user_message}") from exc
    seed_demo(platform)
    click.echo(f"研修環境: {path}（専用のデータベースと鍵。本番のデータベースには接続しません）")
    click.echo(f"研修用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
    for user in DEMO_USERS:
        click.echo(f"  {user.username:18} {ROLES[user.role]}")
    click.echo(f"課題の一覧: http://{host}:{port}/training")
    if not seed_only:
        _serve(platform, host, port, with_scheduler=True)


@training.command("reset")
@pass_context
def reset(ctx: Context) -> None:
    """Delete the training city's database; the next `okuyami training` starts it afresh."""
    from processes.training.instance import reset as reset_training
    from processes.training.instance import training_path

    path = training_path(ctx.instance)
    removed = reset_training(path)
    click.echo(f"研修環境（{path}）を初期状態に戻しました。次に okuyami training で起動すると、最初の状態から始まります。"
               if removed else f"研修環境（{path}）にはまだデータがありません。")
