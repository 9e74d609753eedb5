"""The root of the `okuyami` command: its context (the instance folder, the platform built once) and the group."""
from __future__ import annotations

import sys

import click

from engine.errors import OkuyamiError
from engine.logging_setup import configure_logging
from engine.settings import Settings, load_settings
from processes.platform import Platform, build_platform

SERVICES = {"serve", "worker", "demo"}


class Context:
    def __init__(self, instance: str | None):
        self.instance = instance
        self._platform: Platform | None = None

    def settings(self, **overrides) -> Settings:
        return load_settings(self.instance, **overrides)

    def platform(self, require_current_schema: bool = True) -> Platform:
        if self._platform is None:
            try:
                settings = self.settings()
                # A service logs at its level; a one-shot command only says what went wrong (its output is its
                # answer): WARNING and above, as JSON lines on standard error all the same.
                command = click.get_current_context(silent=True)
                serving = command is not None and command.info_name in SERVICES
                configure_logging(settings.log_level if serving else "WARNING", settings.spiff_log_level)
                self._platform = build_platform(settings, require_current_schema)
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
