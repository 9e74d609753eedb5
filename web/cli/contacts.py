"""`okuyami contacts`: the call centre's contact records exported as CSV (as the supervisors' download, audited),
and the routing table's answer for a category."""
from __future__ import annotations

import sys

import click

from web.cli.root import Context, pass_context


@click.group()
def contacts() -> None:
    """Contact records (応対履歴) of the call centre."""


@contacts.command("export")
@click.option("--from", "start", metavar="YYYY-MM-DD", help="First day (JST).")
@click.option("--to", "end", metavar="YYYY-MM-DD", help="Last day (JST).")
@click.option("--channel", type=click.Choice(["phone", "fax", "web_form", "email"]))
@click.option("--outcome", type=click.Choice(["answered", "booked", "transferred", "handed_over", "not_city_matter",
                                              "citizen_voice", "centre_callback"]))
@click.option("--q", "words", help="Words in the question or the answer.")
@click.option("--out", type=click.Path(dir_okay=False, writable=True), help="Write here (default: standard output).")
@pass_context
def contacts_export(ctx: Context, start, end, channel, outcome, words, out) -> None:
    """Every matching record as CSV (UTF-8 with BOM, RFC 4180, formula cells defused); audited as `cli`."""
    from engine.runtime import audit
    from processes.callcentre.export import export_csv
    from processes.callcentre.search import all_matching, read_filters

    args = {k: v for k, v in {"from": start, "to": end, "channel": channel, "outcome": outcome, "q": words}.items()
            if v}
    filters = read_filters(args)
    if filters.errors:
        for error in filters.errors:
            click.echo(f"エラー: {error.field}: {error.message}", err=True)
        sys.exit(2)
    with ctx.platform().database.transaction() as session:
        text, count = export_csv(session, all_matching(session, filters))
        audit.record(session, "cli", "contacts.exported", detail={"count": count, "filters": sorted(args)})
    if out:
        with open(out, "w", encoding="utf-8", newline="") as handle:
            handle.write(text)
        click.echo(f"{count}件の応対履歴を {out} に書き出しました。", err=True)
    else:
        click.echo(text, nl=False)


@contacts.command("route")
@click.argument("category")
def contacts_route(category: str) -> None:
    """Which department dmn/inquiry_routing.dmn hands a question of CATEGORY to."""
    from processes.callcentre.routing import routed_department
    from processes.departments import DEPARTMENTS

    code = routed_department(category)
    click.echo(f"{DEPARTMENTS.get(code, code)}（{code}）")
