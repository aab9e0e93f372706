"""``planner serve``: the workbench on http://127.0.0.1:8000 (a standalone
click command; the CLI registers it on its main group)."""

from __future__ import annotations

import click

from planner.cli.common import lang_option
from planner.cli.language import command_language
from planner.i18n import _


@click.command(
    "serve",
    help=_("Start the planner's workbench in the browser (集团化办学教师交流规划工作台)."),
)
@click.option(
    "--host",
    default="127.0.0.1",
    show_default=True,
    help=_("Address to bind; another than 127.0.0.1 must be asked for."),
)
@click.option(
    "--port",
    default=8000,
    show_default=True,
    type=click.IntRange(0, 65535),
    help=_("Port to listen on."),
)
@click.option(
    "--db",
    "db",
    default=None,
    metavar="URL",
    help=_(
        "Plan archive: SQLite file or postgresql+psycopg://... "
        "(default: $PLANNER_DB or the per-user archive)."
    ),
)
@lang_option(_("Language of the page and messages (the page has a switch)."))
@click.option(
    "--max-upload-mb",
    default=20.0,
    show_default=True,
    type=click.FloatRange(0.1, 500),
    help=_("Largest scenario workbook the page accepts, in MB."),
)
def serve(host: str, port: int, db: str | None, lang: str | None, max_upload_mb: float) -> None:
    lang = command_language(lang)
    import uvicorn

    from planner.web.app import create_app

    app = create_app(db, lang=lang, max_upload_bytes=int(max_upload_mb * 2**20))
    if host not in ("127.0.0.1", "localhost", "::1"):
        click.echo(
            _("warning: serving on {host}: reachable from other machines").format(host=host),
            err=True,
        )
    click.echo(
        _("planner workbench: http://{host}:{port}/  (Ctrl+C to stop)").format(host=host, port=port)
    )
    uvicorn.run(app, host=host, port=port, log_level="warning", timeout_graceful_shutdown=5)
