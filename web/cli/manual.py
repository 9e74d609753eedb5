"""`okuyami manual build [--role ROLE] --out DIR`: the manual per role as HTML and A4 PDF (processes/manual/), from
the screenshots the manual's browser test took of the demo city (default test-artifacts/manual)."""
from __future__ import annotations

from pathlib import Path

import click

from engine.settings import PROJECT_ROOT


@click.group()
def manual() -> None:
    """The manuals per role."""


@manual.command("build")
@click.option("--role", "role", help="One role (operator, supervisor, dept_staff, counter, process_owner, admin, "
                                     "auditor); all when omitted.")
@click.option("--out", "out", required=True, type=click.Path(file_okay=False, path_type=Path))
@click.option("--screenshots", "screenshots", type=click.Path(file_okay=False, path_type=Path),
              default=PROJECT_ROOT / "test-artifacts" / "manual", show_default=True,
              help="The screenshots taken by tests/test_manual_browser.py.")
def build(role: str | None, out: Path, screenshots: Path) -> None:
    """Build the manual of ROLE (or of every role) into DIR."""
    from processes.manual.build import ManualBuildError
    from processes.manual.build import build as build_manual

    try:
        written = build_manual(out, screenshots, role)
    except ManualBuildError as exc:
        raise click.ClickException(str(exc)) from exc
    for path in written:
        click.echo(f"  {path}")
    click.echo(f"マニュアルを {out} に作りました（HTML {sum(p.suffix == '.html' for p in written)}件、"
               f"PDF {sum(p.suffix == '.pdf' for p in written)}件）。")
