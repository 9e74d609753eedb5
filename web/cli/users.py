"""`okuyami users`: staff accounts and their API tokens."""
from __future__ import annotations

import click

from engine import accounts
from engine.errors import OkuyamiError
from processes.departments import DEPARTMENTS
from processes.roles import ROLES, SCOPED_ROLES
from processes.wards import load_wards
from web.cli.root import Context, _fail, pass_context


# users ------------------------------------------------------------------------------------------------------
@click.group()
def users() -> None:
    """Staff accounts."""


@users.command("create")
@click.argument("name")
@click.option("--role", required=True, type=click.Choice(sorted(ROLES)))
@click.option("--ward", type=click.Choice(sorted(load_wards())))
@click.option("--department", type=click.Choice(sorted(DEPARTMENTS)))
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--display-name", default=None)
@pass_context
def users_create(ctx: Context, name: str, role: str, ward: str | None, department: str | None, password: str,
                 display_name: str | None) -> None:
    """Create account NAME with ROLE (dept_staff needs --ward and --department, counter needs --ward)."""
    for scope in SCOPED_ROLES.get(role, ()):
        if {"ward": ward, "department": department}[scope] is None:
            raise click.UsageError(f"role {role} needs --{scope}")
    platform = ctx.platform()
    try:
        with platform.database.transaction() as session:
            accounts.create_user(session, name, role, password, display_name=display_name, ward=ward,
                                 department=department, actor="cli")
    except OkuyamiError as exc:
        _fail(exc)
    click.echo(f"ユーザー {name}（{ROLES[role]}）を作成しました。")


@users.command("token")
@click.argument("name")
@pass_context
def users_token(ctx: Context, name: str) -> None:
    """Print a new bearer token for NAME's JSON API access (the previous token stops working)."""
    platform = ctx.platform()
    try:
        with platform.database.transaction() as session:
            token = accounts.issue_token(session, name, actor="cli")
    except OkuyamiError as exc:
        _fail(exc)
    click.echo(token)
