"""Errors of the archive, each with a Chinese and an English text (through
the message catalog, planner/locale).

Every message says what is wrong and how to fix it. ``str(error)`` gives the
Chinese text followed by the English one; :meth:`ArchiveError.text` gives
one language (the CLI passes its ``--lang``).
"""

from __future__ import annotations

from functools import cache
from typing import Any

from planner.i18n import _, use_language

__all__ = [
    "ArchiveError",
    "ArchiveUnavailable",
    "BadExport",
    "BadInput",
    "NotFound",
    "NotPublishable",
    "PublishedImmutable",
    "SchemaTooNew",
    "Superseded",
]


# key -> the message (English msgid, Chinese from the catalog: planner/locale);
# str.format fields come from the error's params.
@cache
def _messages(lang: str) -> dict[str, str]:
    with use_language(lang):
        return {
            "unavailable": _(
                "cannot open the plan archive {url}: {detail}. Check the address given by "
                "--db or PLANNER_DB (an SQLite file path or "
                "postgresql+psycopg://user@host:port/dbname) and that the database server is "
                "running."
            ),
            "schema_too_new": _(
                "the archive {url} has schema revision {found}, newer than this planner knows "
                "(up to {known}). Upgrade planner before using this archive."
            ),
            "bad_workbook": _(
                "{what} is not a readable scenario workbook: {detail}. Fix it (`planner "
                "validate FILE` lists the problems) and store it again."
            ),
            "no_scenario": _(
                "there is no scenario {id} in the archive. `planner plans` lists the stored "
                "plans and their scenarios."
            ),
            "no_plan": _(
                "there is no plan {id} in the archive. `planner plans` lists every plan id."
            ),
            "bad_document": _(
                "the plan document is not in the contract form: {detail}. A plan JSON is "
                '{{"status": ..., "exchanges": [{{"staff_id", "school_id", "start_year", '
                '"end_year"}}], "objective": {{...}}}}; use a file written by planner '
                "solve/replan."
            ),
            "not_publishable": _(
                "plan {id} has status {status} and no roster to publish. Only optimal or "
                "feasible plans can be published; solve again (e.g. with --allow-shortfall) "
                "first."
            ),
            "superseded": _(
                "superseded, reload: plan {id} was made against publication v{expected}, but "
                "the archive is now at v{head} (published by {by} at {at}). See `planner "
                "plans`, replan from the newest publication and publish that; to supersede "
                "v{head} knowingly, pass --expect-head {head}."
            ),
            "immutable": _(
                "plan {id} is published and published plans cannot be changed or deleted. "
                "Store the adjusted plan as a new draft and publish it: it supersedes the old "
                "version."
            ),
            "no_publication": _(
                "no published plan in the archive covers school year {year} ({covered}). "
                "Publish a plan first (planner publish ID) or pass the previous plan with "
                "--previous FILE."
            ),
            "export_target": _(
                "the export directory {dir} exists and is not empty. Give a new or empty directory."
            ),
            "bad_export": _(
                "{dir} is not a complete archive export: {detail}. Use a directory written by "
                "`planner archive export`, with its files unchanged."
            ),
            "import_target": _(
                "an export can only be imported into an empty archive, and {url} already "
                "holds {count} scenario(s) or plan(s). Point --db at a new archive file or "
                "database."
            ),
            "plan_years": _(
                "the plan's first year {from_year} is outside the scenario's years "
                "{first}-{last}. Give a --from-year inside the scenario's years."
            ),
        }


class ArchiveError(Exception):
    """A problem with the archive or with what was asked of it."""

    key = "unavailable"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.text("zh") + "\n" + self.text("en"))

    def text(self, lang: str = "zh") -> str:
        return _messages("en" if lang == "en" else "zh")[self.key].format(**self.params)


class ArchiveUnavailable(ArchiveError):
    """The database cannot be opened or reached."""

    key = "unavailable"


class SchemaTooNew(ArchiveError):
    """The archive was made by a newer planner."""

    key = "schema_too_new"


class NotFound(ArchiveError):
    """A scenario, plan or publication that is not there (key chooses which)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        super().__init__(**params)


class BadInput(ArchiveError):
    """A workbook, plan document or option that cannot be used (key chooses which)."""

    def __init__(self, key: str, **params: Any) -> None:
        self.key = key
        super().__init__(**params)


class NotPublishable(ArchiveError):
    """A plan without a roster (infeasible or unknown)."""

    key = "not_publishable"


class Superseded(ArchiveError):
    """Someone published since the plan was made: reload and replan."""

    key = "superseded"


class PublishedImmutable(ArchiveError):
    """An attempt to change or delete a published plan."""

    key = "immutable"


class BadExport(ArchiveError):
    """An export directory that is incomplete or changed."""

    key = "bad_export"
