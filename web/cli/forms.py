"""`okuyami forms ...`: the municipal form templates and the print packets from the command line. Registered by
web/cli.py; its commands get the CLI's Context (ctx.obj) through click.pass_obj, so this module never imports
web.cli (which imports it)."""
from __future__ import annotations

import sys
from pathlib import Path

import click

from engine.documents.converter_pool import shared_pool
from engine.documents.errors import TemplateRejected
from engine.errors import OkuyamiError
from processes.documents.jobs import refresh_packets
from processes.documents.packets import build_packet, packet_view, read_packet_file
from processes.documents.templates import (
    current_template,
    field_catalogue,
    template_names,
    upload_template,
    validate_template,
    versions_of,
)


@click.group()
def forms() -> None:
    """Form templates (docx) and print packets."""


@forms.command("list")
@click.pass_obj
def forms_list(ctx) -> None:
    """Every template, the version in use and its uploaded versions."""
    platform = ctx.platform()
    with platform.database.transaction(write=False) as session:
        for name in template_names(session):
            versions = versions_of(session, name)
            click.echo(f"{name:28} 使用中: {current_template(session, name).label:8} 登録済みの版: {len(versions)}")


@forms.command("fields")
def forms_fields() -> None:
    """The fields a template may use."""
    for path, label in field_catalogue():
        click.echo(f"{path:36} {label}")


def _problems(exc: TemplateRejected) -> None:
    click.echo(f"使用できません（{len(exc.problems)}件の問題があります）:", err=True)
    for problem in exc.problems:
        click.echo(f"  ✗ {problem}", err=True)
    sys.exit(1)


@forms.command("validate")
@click.argument("files", nargs=-1, required=True, type=click.Path(exists=True, dir_okay=False))
def forms_validate(files: tuple[str, ...]) -> None:
    """Check template FILES: they open, use only known fields, and render the sample case."""
    failed = False
    for file in files:
        try:
            fields = validate_template(Path(file).read_bytes())
        except TemplateRejected as exc:
            failed = True
            click.echo(f"{file}: 使用できません", err=True)
            for problem in exc.problems:
                click.echo(f"  ✗ {problem}", err=True)
        else:
            click.echo(f"{file}: 問題はありません（項目 {len(fields)}件）")
    sys.exit(1 if failed else 0)


@forms.command("upload")
@click.argument("name")
@click.argument("file", type=click.Path(exists=True, dir_okay=False))
@click.option("--comment", default="", help="What changed, for the version history.")
@click.option("--actor", default="cli", help="Who uploads (recorded with the version).")
@click.pass_obj
def forms_upload(ctx, name: str, file: str, comment: str, actor: str) -> None:
    """Validate FILE and store it as the new version of template NAME."""
    platform = ctx.platform()
    try:
        with platform.database.transaction() as session:
            row = upload_template(session, name, Path(file).read_bytes(), actor, comment)
            version = row.version
    except TemplateRejected as exc:
        _problems(exc)
    click.echo(f"様式「{name}」の第{version}版を登録しました。")


@forms.command("packet")
@click.argument("case_id", type=int)
@click.option("--out", type=click.Path(dir_okay=False), help="Also write the PDF here.")
@click.option("--actor", default="cli", help="Who downloads (audit log), with --out.")
@click.pass_obj
def forms_packet(ctx, case_id: int, out: str | None, actor: str) -> None:
    """Make CASE_ID's print packet now (if missing or stale), optionally writing the PDF to --out."""
    platform = ctx.platform()
    try:
        build_packet(platform.database, platform.runtime, case_id, shared_pool(), public_url=platform.settings.public_url)
        view = packet_view(platform.database, platform.runtime, case_id)
    except OkuyamiError as exc:
        click.echo(f"エラー: {exc.user_message}", err=True)
        sys.exit(1)
    if view.state != "ready":
        click.echo(f"帳票を作成できませんでした: {view.error or view.state}", err=True)
        sys.exit(1)
    click.echo(f"案件 {case_id} の帳票: {', '.join(view.forms)}" + (f"（PDF なし: {view.no_pdf_reason}）" if not view.has_pdf else ""))
    if out and view.has_pdf:
        Path(out).write_bytes(read_packet_file(platform.database, case_id, actor, "pdf"))
        click.echo(f"{out} に保存しました。")


@forms.command("refresh")
@click.pass_obj
def forms_refresh(ctx) -> None:
    """One pass of the background job: make every missing or stale packet of the cases waiting for their visit."""
    platform = ctx.platform()
    click.echo(f"{refresh_packets(platform.database, platform.runtime, public_url=platform.settings.public_url)}件の帳票を作成しました。")
