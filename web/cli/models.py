"""`okuyami models` and `okuyami navi`: deployed models, validating and deploying, evaluating the navi."""
from __future__ import annotations

import json
import sys

import click
from sqlalchemy import func, select

from engine.db.models import ProcessInstance
from engine.errors import ModelRejected
from engine.registry import ModelRegistry, ModelSource
from engine.settings import Settings
from processes.platform import check_rules
from web.cli.root import Context, pass_context
from web.formatting import jst


# models -----------------------------------------------------------------------------------------------------
@click.group()
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
@click.group()
def navi() -> None:
    """The procedure navi (手続の抽出)."""


@navi.command("evaluate")
@click.option("--answers", "answers_file", required=True, type=click.File("rb"),
              help="Interview answers as a JSON object (- for standard input).")
@pass_context
def navi_evaluate(ctx: Context, answers_file) -> None:
    """Print, as JSON, the procedures the answers select (the same as POST /api/v1/navi/evaluate)."""
    from engine.registry.live import DecisionNotDeployed
    from processes.okuyami.interview import InvalidAnswers
    from processes.okuyami.navi import evaluate_answers

    try:
        answers = json.loads(answers_file.read())
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        click.echo(f"エラー: 回答ファイルを JSON として読み込めません（{exc}）", err=True)
        sys.exit(1)
    try:
        with ctx.platform().database.transaction(write=False) as session:
            procedures = evaluate_answers(session, answers)
    except InvalidAnswers as exc:
        click.echo(json.dumps({"errors": [e.as_dict() for e in exc.errors]}, ensure_ascii=False, indent=2), err=True)
        sys.exit(1)
    except DecisionNotDeployed as exc:
        click.echo(f"エラー: {exc.user_message}", err=True)
        sys.exit(1)
    click.echo(json.dumps(procedures, ensure_ascii=False, indent=2))
