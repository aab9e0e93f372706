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


def _t(lang: str, zh: str, en: str) -> str:
    return en if lang == "en" else zh


db_option = click.option(
    "--db",
    "db",
    metavar="URL",
    default=None,
    help="Plan archive: an SQLite file path or postgresql+psycopg://user@host:port/db "
    "(default: $PLANNER_DB, else archive.sqlite3 in the per-user data folder). "
    "方案档案库地址。",
)


lang_option = common_lang_option("Language of messages and of the ledger workbook's headers.")


@contextmanager
def _archive_errors(lang: str) -> Iterator[None]:
    """Archive errors as click exceptions in ``lang``."""
    try:
        yield
    except Superseded as exc:
        raise SupersededError(exc.text(lang)) from None
    except ArchiveError as exc:
        raise InputError(exc.text(lang)) from None


def _fail(lang: str, zh: str, en: str) -> NoReturn:
    raise InputError(_t(lang, zh, en))


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


@click.command("publish")
@click.argument("plan_ref", metavar="PLAN_OR_ID")
@click.option("--by", "by", metavar="NAME", help="Who publishes (default: the login name).")
@click.option("--note", default="", help="Why, for the record (e.g. 区教育局 2023-07 会议通过).")
@click.option(
    "--expect-head",
    type=click.IntRange(min=0),
    default=None,
    help="The publication version this supersedes (default: the one the plan was made "
    "against); publishing fails if the archive has moved on.",
)
@click.option(
    "--scenario",
    "scenario_path",
    type=click.Path(exists=True, dir_okay=False, path_type=Path),
    help="With a plan JSON file: the scenario workbook it was made for.",
)
@click.option(
    "--from-year",
    type=int,
    default=None,
    help="With a plan JSON file from replan: the --from-year it was made with.",
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
    """Publish a plan as the district's plan for its school years.

    PLAN_OR_ID is a plan id from `planner plans`, or a plan JSON file
    (with --scenario). The publication becomes a new version superseding
    the newest one; published plans are never changed. 发布方案。
    """
    who = by or _login_name()
    with open_archive(db, lang) as store, _archive_errors(lang):
        plan_id = _plan_id(store, plan_ref, scenario_path, from_year, lang)
        pub = store.publish(plan_id, by=who, note=note, expected_head=expect_head)
    years = f"{pub.from_year}-{pub.to_year}"
    if pub.supersedes_version is None:
        click.echo(
            _t(
                lang,
                f"已发布方案 {plan_id} 为 v{pub.version}（{years} 学年），发布人 {who}。",
                f"published plan {plan_id} as v{pub.version} (school years {years}) by {who}.",
            )
        )
    else:
        click.echo(
            _t(
                lang,
                f"已发布方案 {plan_id} 为 v{pub.version}（{years} 学年），取代 "
                f"v{pub.supersedes_version}，发布人 {who}。",
                f"published plan {plan_id} as v{pub.version} (school years {years}), "
                f"superseding v{pub.supersedes_version}, by {who}.",
            )
        )


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
                lang,
                "--scenario 和 --from-year 只用于发布方案 JSON 文件；按编号发布时请去掉它们。",
                "--scenario and --from-year go with a plan JSON file; drop them when "
                "publishing by id.",
            )
        return int(ref)
    if not path.is_file():
        _fail(
            lang,
            f"{ref} 既不是方案编号，也不是存在的方案 JSON 文件。用 `planner plans` 查看方案编号。",
            f"{ref} is neither a plan id nor an existing plan JSON file. "
            "`planner plans` lists the plan ids.",
        )
    if scenario_path is None:
        _fail(
            lang,
            f"发布方案文件 {ref} 时需要用 --scenario 文件 指明它所依据的场景工作簿。",
            f"publishing the file {ref} needs the scenario workbook it was made for: "
            "--scenario FILE.",
        )
    try:
        document = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError) as exc:
        _fail(
            lang,
            f"无法读取方案文件 {ref}：{exc}。请使用 planner solve/replan --json 写出的文件。",
            f"cannot read the plan file {ref}: {exc}. Use a file written by "
            "planner solve/replan --json.",
        )
    if not isinstance(document, dict):
        raise BadInput("bad_document", detail=f"{ref} holds a {type(document).__name__}")
    scenario_id = store.store_scenario(scenario_path.read_bytes(), file_name=scenario_path.name)
    return store.store_plan(scenario_id, document, {"source_file": path.name}, from_year=from_year)


# -- planner plans -----------------------------------------------------------------


@click.command("plans")
@click.option("--json", "as_json", is_flag=True, help="Print the list as JSON.")
@db_option
@lang_option
def plans(as_json: bool, db: str | None, lang: str) -> None:
    """List the archive's plans, newest first: drafts and published, with goal values.

    列出档案库中的方案（最新在前）。
    """
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
            _t(
                lang,
                "档案库中还没有方案。用 planner solve 场景.xlsx --db 地址 求解并存档。",
                "the archive holds no plan yet. Solve with planner solve SCENARIO.xlsx --db URL.",
            )
        )
        return
    click.echo(
        _t(lang, f"当前发布版本：v{head}", f"newest publication: v{head}")
        if head
        else _t(lang, "尚无已发布方案", "nothing published yet")
    )
    by_version = {p.version: p for p in pubs}
    for info in infos:
        if info.versions:
            marks = []
            for v in info.versions:
                pub = by_version[v]
                mark = f"v{v} {pub.published_by} {pub.published_at:%Y-%m-%d}"
                marks.append(mark + (_t(lang, "（当前）", " (current)") if v == head else ""))
            status = _t(lang, "已发布 ", "published ") + ", ".join(marks)
        else:
            status = _t(lang, "草稿", "draft")
            if info.solve_status not in ("optimal", "feasible"):
                status += f" ({info.solve_status})"
        goals = ", ".join(f"{k}={v}" for k, v in info.goals.items())
        click.echo(
            f"#{info.id}  {status}  | {info.scenario_name} "
            f"{info.from_year}-{info.to_year}  | {info.created_at:%Y-%m-%d %H:%M} UTC  | "
            f"{goals}"
        )


# -- planner ledger -----------------------------------------------------------------


@click.command("ledger")
@click.option(
    "--out",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the ledger workbook (.xlsx) here.",
)
@click.option(
    "--until",
    type=int,
    default=None,
    help="Only school years up to this one (e.g. the current year: no planned years).",
)
@db_option
@lang_option
def ledger(out: Path | None, until: int | None, db: str | None, lang: str) -> None:
    """The exchange ledger: per person, exchange years by school, from history
    sheets and published plans (the record that counts for promotion).

    交流台账：每人每学年的交流学校，来自历史记录和已发布方案。
    """
    check_output_paths([("--out", out)], lang=lang)
    if out is not None and out.suffix.lower() != ".xlsx":
        _fail(
            lang,
            f"--out {out}：台账工作簿须以 .xlsx 结尾。",
            f"--out {out}: the ledger workbook's name must end in .xlsx.",
        )
    with open_archive(db, lang) as store:
        entries = store.ledger(until)
    people = ledger_summary(entries)
    click.echo(
        _t(
            lang,
            f"交流台账：{len(people)} 人，{len(entries)} 个交流学年",
            f"exchange ledger: {len(people)} people, {len(entries)} exchange years",
        )
    )
    for person in people:
        unit = _t(lang, "年", " yr")
        click.echo(
            f"{person.staff_id}  {person.staff_name}  {person.years}{unit}  {person.schools_text()}"
        )
    if out is not None:
        try:
            write_ledger_xlsx(entries, out, lang)
        except OSError as exc:
            _fail(
                lang,
                f"无法写入 {out}：{exc.strerror}。请换一个可写的路径，"
                "或先关闭在 Excel 中打开的该文件。",
                f"cannot write {out}: {exc.strerror}. Choose a writable path, or close the "
                "file if Excel has it open.",
            )
        click.echo(_t(lang, f"已写入 {out}", f"written {out}"))


# -- planner archive export / import --------------------------------------------------


@click.group("archive")
def archive() -> None:
    """Export the whole archive to files, or import such an export.

    导出或导入整个方案档案库（工作簿和 JSON 文件）。
    """


@archive.command("export")
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@db_option
@lang_option
def export_command(directory: Path, db: str | None, lang: str) -> None:
    """Write every scenario (.xlsx) and plan (.json) with a manifest to DIRECTORY
    (new or empty)."""
    with open_archive(db, lang) as store, _archive_errors(lang):
        manifest = store.export_all(directory)
    click.echo(
        _t(lang, f"已导出到 {directory}（清单 {manifest.name}）", f"exported to {directory}")
    )


@archive.command("import")
@click.argument("directory", type=click.Path(exists=True, file_okay=False, path_type=Path))
@db_option
@lang_option
def import_command(directory: Path, db: str | None, lang: str) -> None:
    """Restore an export from DIRECTORY into an empty archive (ids and versions kept)."""
    with open_archive(db, lang) as store, _archive_errors(lang):
        counts = store.import_all(directory)
    click.echo(
        _t(
            lang,
            f"已导入 {counts['scenarios']} 个场景、{counts['plans']} 个方案、"
            f"{counts['publications']} 次发布。",
            f"imported {counts['scenarios']} scenario(s), {counts['plans']} plan(s), "
            f"{counts['publications']} publication(s).",
        )
    )
