"""The `okuyami` command: one click group for the database, models, users, keys, the server and the worker."""
from __future__ import annotations

import json
import sys
from datetime import datetime
from pathlib import Path

import click
from sqlalchemy import func, select

from engine import accounts, crypto
from engine.db.migrate import upgrade
from engine.db.models import ProcessInstance
from engine.db.session import Database
from engine.errors import ModelRejected, OkuyamiError
from engine.registry import ModelRegistry, ModelSource
from engine.settings import Settings, load_settings
from processes.documents.jobs import add_packet_job
from processes.demo import DEMO_PASSWORD, DEMO_USERS, ensure_demo_instance, seed_demo
from processes.departments import DEPARTMENTS
from processes.okuyami.wards import load_wards
from processes.platform import Platform, build_platform, check_rules
from processes.roles import ROLES, SCOPED_ROLES

from .formatting import JST, jst


class Context:
    def __init__(self, instance: str | None):
        self.instance = instance
        self._platform: Platform | None = None

    def settings(self, **overrides) -> Settings:
        return load_settings(self.instance, **overrides)

    def platform(self, require_current_schema: bool = True) -> Platform:
        if self._platform is None:
            try:
                self._platform = build_platform(self.settings(), require_current_schema)
            except OkuyamiError as exc:
                _fail(exc)
        return self._platform


pass_context = click.make_pass_decorator(Context)


def _fail(exc: OkuyamiError) -> None:
    click.echo(f"エラー: {exc.user_message}\n({exc})", err=True)
    sys.exit(1)


@click.group()
@click.option("--instance", envvar="OKUYAMI_INSTANCE_PATH", type=click.Path(file_okay=False),
              help="Instance folder with okuyami.toml (default ./instance).")
@click.pass_context
def main(ctx: click.Context, instance: str | None) -> None:
    """おくやみコーナー業務システム (okuyami)."""
    ctx.obj = Context(instance)


# database ---------------------------------------------------------------------------------------------------
@main.group()
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
@main.group()
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


# models -----------------------------------------------------------------------------------------------------
@main.group()
def models() -> None:
    """BPMN and DMN models: list, validate, deploy."""


def _sources(settings: Settings, files: tuple[str, ...]) -> list[ModelSource]:
    """The repository's models with the named files laid over them (a named file replaces its namesake)."""
    from engine.registry.store import sources_in
    given = [ModelSource.from_path(f) for f in files]
    names = {s.name for s in given}
    return [s for s in sources_in([settings.bpmn_dir, settings.dmn_dir]) if s.name not in names] + given


def _print_problems(problems) -> None:
    for problem in problems:
        click.echo(f"  ✗ {problem}", err=True)


@models.command("validate")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--json", "as_json", is_flag=True, help="Print the result as JSON.")
@pass_context
def models_validate(ctx: Context, files: tuple[str, ...], as_json: bool) -> None:
    """Validate FILES (with the repository's models), or the repository's models when none is named."""
    settings = ctx.settings()
    registry = ModelRegistry(check_rules(settings))
    sources = _sources(settings, files)
    parsed, problems = registry.validate(sources)
    if as_json:
        click.echo(json.dumps({"ok": not problems, "processes": sorted(parsed.processes),
                               "errors": [p.as_dict() for p in problems]}, ensure_ascii=False, indent=2))
    elif problems:
        click.echo(f"{len(problems)}件の問題があります:", err=True)
        _print_problems(problems)
    else:
        click.echo(f"問題はありません（{len(sources)}ファイル、プロセス: {', '.join(sorted(parsed.processes)) or 'なし'}）")
    sys.exit(1 if problems else 0)


@models.command("deploy")
@click.argument("files", nargs=-1, type=click.Path(exists=True, dir_okay=False))
@click.option("--comment", default="", help="What changed, for the version history.")
@click.option("--actor", default="cli", help="Who deploys (recorded with the version).")
@pass_context
def models_deploy(ctx: Context, files: tuple[str, ...], comment: str, actor: str) -> None:
    """Deploy FILES, or the repository's models when none is named. A refused deploy changes nothing."""
    platform = ctx.platform()
    sources = [ModelSource.from_path(f) for f in files] or platform.repository_models()
    try:
        with platform.database.transaction() as session:
            result = platform.registry.deploy(session, sources, actor=actor, comment=comment)
            lines = [f"  + {v.process_id} v{v.version}（{v.name}）" for v in result.new_versions]
            lines += [f"  = {v.process_id} v{v.version}（変更なし）" for v in result.unchanged]
    except ModelRejected as exc:
        click.echo(f"登録できませんでした。{len(exc.problems)}件の問題があります（何も変更していません）:", err=True)
        _print_problems(exc.problems)
        sys.exit(1)
    click.echo("登録しました:\n" + "\n".join(lines) if lines else "登録するプロセスがありません。")


@models.command("list")
@pass_context
def models_list(ctx: Context) -> None:
    """Every deployed process version, with who deployed it and how many running cases use it."""
    platform = ctx.platform()
    with platform.database.transaction(write=False) as session:
        running = dict(session.execute(select(ProcessInstance.process_version_id, func.count())
                                       .where(ProcessInstance.status == "running")
                                       .group_by(ProcessInstance.process_version_id)).all())
        versions = platform.registry.list_versions(session)
        latest = {}
        for v in versions:
            latest[v.process_id] = max(latest.get(v.process_id, 0), v.version)
        if not versions:
            click.echo("登録済みのプロセスはありません。")
        for v in versions:
            live = "稼働中" if latest[v.process_id] == v.version else "      "
            click.echo(f"{v.process_id:30} v{v.version:<3} {live} {jst(v.deployed_at)} {v.deployed_by:12} "
                       f"実行中の案件 {running.get(v.id, 0):>4}件  {v.name}")


# navi -------------------------------------------------------------------------------------------------------
@main.group()
def navi() -> None:
    """The procedure navi (手続の抽出)."""


@navi.command("evaluate")
@click.option("--answers", "answers_file", required=True, type=click.File("rb"),
              help="Interview answers as a JSON object (- for standard input).")
@pass_context
def navi_evaluate(ctx: Context, answers_file) -> None:
    """Print, as JSON, the procedures the answers select (the same as POST /api/v1/navi/evaluate)."""
    from processes.okuyami.interview import InvalidAnswers
    from processes.okuyami.navi import evaluate_answers

    try:
        answers = json.loads(answers_file.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        click.echo(f"エラー: 回答ファイルを JSON として読み込めません（{exc}）", err=True)
        sys.exit(1)
    try:
        procedures = evaluate_answers(answers, ctx.settings().dmn_dir)
    except InvalidAnswers as exc:
        click.echo(json.dumps({"errors": [e.as_dict() for e in exc.errors]}, ensure_ascii=False, indent=2), err=True)
        sys.exit(1)
    click.echo(json.dumps(procedures, ensure_ascii=False, indent=2))


# users ------------------------------------------------------------------------------------------------------
@main.group()
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


# server and worker ------------------------------------------------------------------------------------------
def _serve(platform: Platform, host: str, port: int, with_scheduler: bool) -> None:
    import waitress

    from processes.notifications.scheduling import make_scheduler
    from .app import create_app

    app = create_app(platform=platform)
    scheduler = make_scheduler(platform, background=True) if with_scheduler else None
    if scheduler:
        add_packet_job(scheduler, platform.database, platform.runtime)
        scheduler.start()
    click.echo(f"http://{host}:{port}/ で待ち受けています（終了は Ctrl+C）")
    try:
        waitress.serve(app, host=host, port=port, threads=8, ident="okuyami")
    finally:
        if scheduler:
            scheduler.shutdown(wait=False)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def serve(ctx: Context, host: str, port: int) -> None:
    """Serve the staff application."""
    platform = ctx.platform()
    _serve(platform, host, port, with_scheduler=platform.settings.demo)


@main.command()
@click.option("--interval", default=30.0, show_default=True, help="Seconds between passes.")
@click.option("--once", is_flag=True, help="Run one pass and exit.")
@pass_context
def worker(ctx: Context, interval: float, once: bool) -> None:
    """Fire due BPMN timers (APScheduler); the first pass runs at start and catches up after downtime."""
    from processes.notifications.scheduling import fire_due_timers, make_scheduler
    platform = ctx.platform()
    if once:
        click.echo(f"{fire_due_timers(platform)}件のタイマーを発火しました。")
        return
    click.echo(f"ワーカーを起動しました（{interval:g}秒ごと、終了は Ctrl+C）")
    scheduler = make_scheduler(platform, interval_seconds=interval)
    add_packet_job(scheduler, platform.database, platform.runtime, interval)
    scheduler.start()


# timers -----------------------------------------------------------------------------------------------------
_TIMER_STATE_NAMES = {"WAITING": "待機中", "FIRED": "発火済み", "CANCELLED": "取消"}


@main.group()
def timers() -> None:
    """BPMN timers: list them, fire the due ones."""


@timers.command("list")
@click.option("--state", type=click.Choice(["WAITING", "FIRED", "CANCELLED"], case_sensitive=False),
              help="Only timers in this state.")
@click.option("--newest-first", is_flag=True, help="Latest due time first (default: due order).")
@click.option("--limit", default=100, show_default=True, type=int)
@pass_context
def timers_list(ctx: Context, state: str | None, newest_first: bool, limit: int) -> None:
    """Timers with their due time (JST), case, timer event and state."""
    from engine.scheduler import list_timers
    rows = list_timers(ctx.platform().runtime, state.upper() if state else None, limit, newest_first)
    if not rows:
        click.echo("該当するタイマーはありません。")
        return
    click.echo(f"{'期限（JST）':16} {'案件':>7} {'プロセス':20} {'状態':8} {'発火/取消（JST）':16} タイマー")
    for timer, process_id in rows:
        click.echo(f"{jst(timer.due_at):16} {'#' + str(timer.instance_id):>7} {process_id:20} "
                   f"{_TIMER_STATE_NAMES.get(timer.state, timer.state):8} {jst(timer.fired_at):16} "
                   f"{timer.event_name}（{timer.task_id}）")


def _parse_now(value: str | None) -> datetime | None:
    if value is None:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError as exc:
        raise click.BadParameter(f"ISO 8601 の日時ではありません: {value}") from exc
    return moment if moment.tzinfo else moment.replace(tzinfo=JST)


@timers.command("run-due")
@click.option("--now", "now_text", metavar="ISO-8601",
              help="Fire what was due at this moment (replaying a missed window); without an offset it is JST. "
                   "It cannot be later than the clock: SpiffWorkflow fires timers by the clock.")
@pass_context
def timers_run_due(ctx: Context, now_text: str | None) -> None:
    """Fire the timers due now (or at --now), once each, then exit; print how many fired."""
    from processes.notifications.scheduling import fire_due_timers
    now = _parse_now(now_text)
    try:
        fired = fire_due_timers(ctx.platform(), now=now)
    except ValueError as exc:
        click.echo(f"エラー: --now に現在より後の日時は指定できません（{exc}）", err=True)
        sys.exit(1)
    click.echo(f"{fired}件のタイマーを発火しました。")


@main.command()
@click.option("--seed-only", is_flag=True, help="Create and seed the demo city, then exit.")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@pass_context
def demo(ctx: Context, seed_only: bool, host: str, port: int) -> None:
    """Create the demo city on SQLite under ./instance/ (users for every role, the models) and serve it."""
    instance = Path(ctx.instance or "instance")
    ensure_demo_instance(instance)
    ctx.instance = str(instance)
    platform = ctx.platform(require_current_schema=False)
    for line in seed_demo(platform):
        click.echo(f"  {line}")
    click.echo(f"デモ用ユーザー（パスワードはすべて {DEMO_PASSWORD}）:")
    for user in DEMO_USERS:
        click.echo(f"  {user.username:18} {ROLES[user.role]}" + (f" / {user.ward}" if user.ward else "")
                   + (f" / {user.department}" if user.department else ""))
    if not seed_only:
        _serve(platform, host, port, with_scheduler=True)


from .cli_forms import forms  # noqa: E402 - a group in its own module, registered here
main.add_command(forms)

from .staff_cli import USER_COMMANDS  # noqa: E402 - `users totp-reset`, `users password`, in their own module
for command in USER_COMMANDS: users.add_command(command)  # noqa: E701

from .notifications_cli import notifications  # noqa: E402 - `okuyami notifications ...`, in its own module
main.add_command(notifications)

if __name__ == "__main__":
    main()
