"""Click commands of the plan archive, for the main ``planner`` group.

Command objects (register each with ``main.add_command``):

* :data:`publish` — ``planner publish PLAN_OR_ID [--by NAME] [--note TEXT]
  [--expect-head N] [--scenario FILE --from-year Y] [--db URL] [--lang]``
* :data:`plans` — ``planner plans [--json] [--db URL] [--lang]``
* :data:`ledger` — ``planner ledger [--out FILE.xlsx] [--until YEAR] [--db URL] [--lang]``
* :data:`archive` — a group: ``planner archive export DIR`` / ``planner archive import DIR``

Helpers for ``solve`` and ``replan`` (see :func:`record_draft`,
:func:`previous_from_archive`, :func:`solve_settings`, :data:`db_option`).

Text is Chinese by default, English with ``--lang en``. Exit codes: 0 done;
2 bad input or an archive that cannot be used (the message says how to fix
it); 6 the publication was superseded by someone else's (reload, replan,
publish again).
"""

from __future__ import annotations

import dataclasses
import getpass
import json
import os
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any, NoReturn

import click

from planner.archive.errors import ArchiveError, BadInput, Superseded
from planner.archive.ledger import ledger_summary, write_ledger_xlsx
from planner.archive.store import Archive, Published, _json_safe
from planner.cli.common import EXIT_BAD_INPUT, EXIT_SUPERSEDED, InputError, check_output_paths
from planner.cli.common import lang_option as common_lang_option
from planner.cli.language import command_language
from planner.i18n import _

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_SUPERSEDED",
    "archive",
    "db_option",
    "ledger",
    "open_archive",
    "plans",
    "previous_from_archive",
    "publish",
    "record_draft",
    "solve_settings",
]


class SupersededError(click.ClickException):
    """Someone else published first: exit 6."""

    exit_code = EXIT_SUPERSEDED


db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    default=None,
    help=_(
        "Plan archive: an SQLite file path or postgresql+psycopg://user@host:port/db "
        "(default: $PLANNER_DB, else archive.sqlite3 in the per-user data folder)."
    ),
)


lang_option = common_lang_option(_("Language of messages and of the ledger workbook's headers."))


@contextmanager
def _archive_errors(lang: str) -> Iterator[None]:
    """Archive errors as click exceptions in ``lang``."""
    try:
        yield
    except Superseded as exc:
        raise SupersededError(exc.text(lang)) from None
    except ArchiveError as exc:
        raise InputError(exc.text(lang)) from None


def _fail(message: str) -> NoReturn:
    raise InputError(message)


@contextmanager
def open_archive(db: str | None, lang: str = "zh") -> Iterator[Archive]:
    """The archive at ``db`` (or $PLANNER_DB, or the default), errors as click
    exceptions; closed when the block ends."""
    with _archive_errors(lang):
        store = Archive(db)
        try:
            yield store
        finally:
            store.close()


# -- helpers for solve and replan --------------------------------------------


def solve_settings(params: object, **extra: object) -> dict[str, Any]:
    """The solver settings worth keeping with a plan: a dataclass's fields
    (callables such as a log function left out) plus ``extra``."""
    out: dict[str, Any] = {}
    if dataclasses.is_dataclass(params) and not isinstance(params, type):
        for f in dataclasses.fields(params):
            value = getattr(params, f.name)
            if not callable(value):
                out[f.name] = value
    elif isinstance(params, Mapping):
        out.update(params)
    out.update(extra)
    return dict(_json_safe(out))


def record_draft(
    db: str | None,
    scenario_path: str | os.PathLike[str],
    document: Mapping[str, Any],
    settings: Mapping[str, Any] | None = None,
    *,
    from_year: int | None = None,
    based_on: int | None = None,
    lang: str = "zh",
) -> int | None:
    """Store the scenario workbook's bytes and the plan document as a draft;
    the draft's id, or None (nothing stored) when the document has no plan
    (infeasible, unknown). ``based_on``: the publication version the plan
    was made against (a replan: :attr:`Published.head`; default: newest now).
    Archive problems raise a click exception (exit 2)."""
    if document.get("status") not in ("optimal", "feasible"):
        return None
    path = Path(scenario_path)
    with open_archive(db, lang) as store:
        scenario_id = store.store_scenario(path.read_bytes(), file_name=path.name)
        return store.store_plan(
            scenario_id, document, settings, from_year=from_year, based_on=based_on
        )


def previous_from_archive(db: str | None, year: int, lang: str = "zh") -> Published:
    """The district's published plan covering ``year`` (for ``replan
    --from-year Y`` without ``--previous``): ``.plan`` a Plan, ``.document``
    the JSON, ``.head`` the archive's version to record with the new draft.
    None published raises a click exception (exit 2) saying what to do."""
    with open_archive(db, lang) as store, _archive_errors(lang):
        return store.published_for(year)


# -- planner publish ------------------------------------------------------------


@click.command(
    "publish",
    help=_(
        "Publish a plan as the district's plan for its school years.\n\n"
        "PLAN_OR_ID is a plan id from `planner plans`, or a plan JSON file (with --scenario). "
        "The publication becomes a new version superseding the newest one; published plans "
        "are never changed."
    ),
)
@click.argument("plan_ref", metavar="PLAN_OR_ID")
@click.option("--by", "by", metavar="NAME", help=_("Who publishes (default: the login name)."))
@click.option("--note", default="", help=_("Why, for the record (e.g. 区教育局 2023-07 会议通过)."))
@click.option(
    "--expect-head",
    type=click.IntRange(min=0),
    default=None,
    help=_(
        "The publication version this supersedes (default: the one the plan was made "
        "against); publishing fails if the archive has moved on."
    ),
)
@click.option(
    "--scenario",
    "scenario_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help=_("With a plan JSON file: the scenario workbook it was made for."),
)
@click.option(
    "--from-year",
    type=int,
    default=None,
    help=_("With a plan JSON file from replan: the --from-year it was made with."),
)
@db_option
@lang_option
def publish(
    plan_ref: str,
    by: str | None,
    note: str,
    expect_head: int | None,
    scenario_path: Path | None,
    from_year: int | None,
    db: str | None,
    lang: str,
) -> None:
    lang = command_language(lang)
    who = by or _login_name()
    with open_archive(db, lang) as store, _archive_errors(lang):
        plan_id = _plan_id(store, plan_ref, scenario_path, from_year, lang)
        pub = store.publish(plan_id, by=who, note=note, expected_head=expect_head)
    years = f"{pub.from_year}-{pub.to_year}"
    values = {
        "plan": plan_id,
        "version": pub.version,
        "years": years,
        "who": who,
        "old": pub.supersedes_version,
    }
    if pub.supersedes_version is None:
        done = _("published plan {plan} as v{version} (school years {years}) by {who}.")
    else:
        done = _(
            "published plan {plan} as v{version} (school years {years}), superseding v{old}, "
            "by {who}."
        )
    click.echo(done.format(**values))


def _login_name() -> str:
    try:
        return getpass.getuser()
    except Exception:  # no login name in a container
        return "unknown"


def _plan_id(
    store: Archive, ref: str, scenario_path: Path | None, from_year: int | None, lang: str
) -> int:
    path = Path(ref)
    if ref.isdigit() and not path.exists():
        if scenario_path is not None or from_year is not None:
            _fail(
                _(
                    "--scenario and --from-year go with a plan JSON file; drop them when "
                    "publishing by id."
                )
            )
        return int(ref)
    if not path.is_file():
        _fail(
            _(
                "{ref} is neither a plan id nor an existing plan JSON file. "
                "`planner plans` lists the plan ids."
            ).format(ref=ref)
        )
    if scenario_path is None:
        _fail(
            _(
                "publishing the file {ref} needs the scenario workbook it was made for: "
                "--scenario FILE."
            ).format(ref=ref)
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(
            _(
                "cannot read the plan file {ref}: {problem}. Use a file written by "
                "planner solve/replan --json."
            ).format(ref=ref, problem=exc)
        )
    if not isinstance(document, dict):
        raise BadInput("bad_document", detail=f"{ref} holds a {type(document).__name__}")
    scenario_id = store.store_scenario(scenario_path.read_bytes(), file_name=scenario_path.name)
    return store.store_plan(scenario_id, document, {"source_file": path.name}, from_year=from_year)


# -- planner plans -----------------------------------------------------------------


@click.command(
    "plans",
    help=_("List the archive's plans, newest first: drafts and published, with goal values."),
)
@click.option("--json", "as_json", is_flag=True, help=_("Print the list as JSON."))
@db_option
@lang_option
def plans(as_json: bool, db: str | None, lang: str) -> None:
    lang = command_language(lang)
    with open_archive(db, lang) as store:
        infos = store.plans()
        head = store.head()
        pubs = store.publications()
    if as_json:
        rows = [{**dataclasses.asdict(p), "created_at": p.created_at.isoformat()} for p in infos]
        click.echo(json.dumps({"head": head, "plans": rows}, ensure_ascii=False, indent=2))
        return
    if not infos:
        click.echo(
            _("the archive holds no plan yet. Solve with planner solve SCENARIO.xlsx --db URL.")
        )
        return
    click.echo(
        _("newest publication: v{head}").format(head=head) if head else _("nothing published yet")
    )
    by_version = {p.version: p for p in pubs}
    for info in infos:
        if info.versions:
            marks = []
            for v in info.versions:
                pub = by_version[v]
                mark = f"v{v} {pub.published_by} {pub.published_at:%Y-%m-%d}"
                marks.append(mark + (_(" (current)") if v == head else ""))
            status = _("published {versions}").format(versions=", ".join(marks))
        else:
            status = _("draft")
            if info.solve_status not in ("optimal", "feasible"):
                status += f" ({info.solve_status})"
        goals = ", ".join(f"{k}={v}" for k, v in info.goals.items())
        click.echo(
            f"#{info.id}  {status}  | {info.scenario_name} "
            f"{info.from_year}-{info.to_year}  | {info.created_at:%Y-%m-%d %H:%M} UTC  | "
            f"{goals}"
        )


# -- planner ledger -----------------------------------------------------------------


@click.command(
    "ledger",
    help=_(
        "The exchange ledger: per person, exchange years by school, from history sheets and "
        "published plans (the record that counts for promotion)."
    ),
)
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help=_("Write the ledger workbook (.xlsx) here."),
)
@click.option(
    "--until",
    type=int,
    default=None,
    help=_("Only school years up to this one (e.g. the current year: no planned years)."),
)
@db_option
@lang_option
def ledger(out: Path | None, until: int | None, db: str | None, lang: str) -> None:
    lang = command_language(lang)
    check_output_paths([("--out", out)], lang=lang)
    if out is not None and out.suffix.lower() != ".xlsx":
        _fail(_("--out {path}: the ledger workbook's name must end in .xlsx.").format(path=out))
    with open_archive(db, lang) as store:
        entries = store.ledger(until)
    people = ledger_summary(entries)
    click.echo(
        _("exchange ledger: {people} people, {years} exchange years").format(
            people=len(people), years=len(entries)
        )
    )
    for person in people:
        years = _("{n} yr").format(n=person.years)
        click.echo(f"{person.staff_id}  {person.staff_name}  {years}  {person.schools_text()}")
    if out is not None:
        try:
            write_ledger_xlsx(entries, out, lang)
        except OSError as exc:
            _fail(
                _(
                    "cannot write {path}: {problem}. Choose a writable path, or close the "
                    "file if Excel has it open."
                ).format(path=out, problem=exc.strerror)
            )
        click.echo(_("written {path}").format(path=out))


# -- planner archive export / import --------------------------------------------------


@click.group("archive", help=_("Export the whole archive to files, or import such an export."))
def archive() -> None:
    pass


@archive.command(
    "export",
    help=_(
        "Write every scenario (.xlsx) and plan (.json) with a manifest to DIRECTORY (new or empty)."
    ),
)
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@db_option
@lang_option
def export_command(directory: Path, db: str | None, lang: str) -> None:
    lang = command_language(lang)
    with open_archive(db, lang) as store, _archive_errors(lang):
        manifest = store.export_all(directory)
    click.echo(
        _("exported to {directory} (manifest {manifest})").format(
            directory=directory, manifest=manifest.name
        )
    )


@archive.command(
    "import",
    help=_("Restore an export from DIRECTORY into an empty archive (ids and versions kept)."),
)
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@lang_option
def import_command(directory: Path, db: str | None, lang: str) -> None:
    lang = command_language(lang)
    with open_archive(db, lang) as store, _archive_errors(lang):
        counts = store.import_all(directory)
    click.echo(
        _(
            "imported {scenarios} scenario(s), {plans} plan(s), {publications} publication(s)."
        ).format(**counts)
    )
