"""Read and check a scenario workbook of ``docs/scenario-format.en.md``.

:func:`read_scenario` reads every sheet and column of the contract (plus
the Chinese sheet names, header aliases and coded-value aliases of
:mod:`planner.io.schema`), checks every cell and every cross reference
(:mod:`planner.io.validation`), and raises one
:class:`~planner.problems.ScenarioError` carrying every problem found, each
naming the sheet, Excel row, column, the value found and the fix. It never
writes to the input file.

The sheets are read one by one: :func:`_read_settings`, :func:`_read_policy`
and :func:`_read_items` for each table sheet. :class:`_Reading` keeps what
they share: the tables, the problems, the Excel row of every item built, and
the ids of rows that could not be built (so that a reference to one is not
reported as unknown on top of the row's own problem).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from planner.data import (
    Ban,
    BudgetRow,
    Commitment,
    CoreKeep,
    DocumentSettings,
    Exchange,
    Group,
    MutualMove,
    Need,
    Scenario,
    School,
    Staff,
)
from planner.enums import Stage
from planner.io.cells import (
    EXPECT_DATE,
    EXPECT_HORIZON,
    EXPECT_YEAR,
    HORIZON_MAX,
    YEAR_MIN,
    norm,
    parse_date,
    parse_int_range,
    parse_text,
    parse_year,
)
from planner.io.policy_file import load_policy, policy_from_sheet
from planner.io.schema import (
    DOCUMENT_KEYS,
    FIELDS,
    ID_COLUMNS,
    SETTINGS_BY_NAME,
    SETTINGS_KEY_ALIASES,
    SETTINGS_KEYS,
    SHEET_COLUMNS,
    SHEET_ORDER,
    STAFF_STAGES,
    also_accepted,
    code_expected,
)
from planner.io.sheets import Row, Table, read_tables
from planner.io.subjects import NOTE as SUBJECT_NOTE
from planner.io.subjects import SubjectVocabulary
from planner.io.validation import Unparsed, duplicate_expected, scenario_findings
from planner.policy import Policy, policy_key
from planner.problems import Problem, ScenarioError

__all__ = ["read_scenario"]


def read_scenario(path: str | Path, policy_file: str | Path | None = None) -> Scenario:
    """Read and check a scenario workbook.

    The policy starts from ``policy_file`` (default: ``models/taishan-2022.yaml``)
    and takes the overrides of the workbook's ``policy`` sheet. Raises
    :class:`ScenarioError` with every problem found; never writes to ``path``.
    """
    r = _Reading(Path(path))
    r.tables = read_tables(r.path, r.problems)
    r.subjects = _taught_subjects(r)
    name, first_year, horizon = _read_settings(r)
    policy = _read_policy(r, policy_file)
    settings_ok = name is not None and first_year is not None and horizon is not None
    r.unparsed.settings = not settings_ok
    scenario = Scenario(
        name=name or "",
        first_year=first_year if first_year is not None else YEAR_MIN,
        horizon=horizon if horizon is not None else 1,
        policy=policy,
        groups=_read_items(r, "groups", Group),
        schools=_read_items(r, "schools", School, _check_school),
        staff=_read_items(r, "staff", Staff, _check_staff),
        needs=_read_items(r, "needs", Need, _subject_check(r)),
        core_keep=_read_items(r, "core_keep", CoreKeep, _subject_check(r)),
        commitments=_read_items(r, "commitments", Commitment),
        budget=_read_items(r, "budget", BudgetRow),
        history=_read_items(r, "history", Exchange),
        documents=r.documents,
        mutual=tuple(_read_items(r, "mutual", MutualMove, _both(_check_mutual, _subject_check(r)))),
        bans=tuple(_read_items(r, "bans", Ban)),
    )
    _duplicates_of_unbuilt_rows(r)
    for finding in scenario_findings(scenario, r.unparsed):
        table = r.tables.get(finding.sheet)
        r.problems.append(
            finding.problem(
                r.rows.get(finding.sheet),
                sheet_title=table.title if table else None,
                labels=table.labels if table else None,
            )
        )
    if r.problems:
        raise ScenarioError(_sorted_problems(r), source=str(r.path))
    scenario.notes.extend(r.notes)
    return scenario


@dataclass
class _Reading:
    """What the sheet readers of one workbook share."""

    path: Path
    problems: list[Problem] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # ids read other than as written
    tables: dict[str, Table] = field(default_factory=dict)
    unparsed: Unparsed = field(default_factory=Unparsed)
    # Excel row of each built item, per canonical sheet (settings: by key).
    rows: dict[str, dict[int | str, int]] = field(default_factory=dict)
    # Per id sheet: (Excel row, id, built?) of every row with a readable id.
    id_rows: dict[str, list[tuple[int, str, bool]]] = field(default_factory=dict)
    # The optional settings of the official documents (planner notices).
    documents: DocumentSettings = field(default_factory=DocumentSettings)
    # The subjects known (None: the staff sheet's subjects cannot be read).
    subjects: SubjectVocabulary | None = None

    def table_rows(self, sheet: str) -> Iterable[Row]:
        """The rows of a sheet that can be parsed (all required columns present).

        If columns are missing, the rows are not parsed, but their ids are
        noted so that references to them are not reported as unknown.
        """
        table = self.tables.get(sheet)
        if table is None:
            if sheet in ID_COLUMNS:
                self.unparsed.sheets.add(sheet)
            return
        if table.missing:
            id_column = ID_COLUMNS.get(sheet)
            if id_column is not None:
                if id_column in table.missing:
                    self.unparsed.sheets.add(sheet)
                else:
                    for item_id in self.readable_ids(sheet):
                        self.note_unparsed(sheet, item_id, None)
                if sheet == "schools":
                    # No school was built: no group's core schools can be counted.
                    self.unparsed.incomplete_groups.update(self.readable_ids("groups"))
            return
        for number, values in table.rows:
            yield Row(table, number, values, self.problems, self.notes)

    def readable_ids(self, sheet: str) -> set[str]:
        """The readable ids of every row of ``sheet``."""
        table = self.tables.get(sheet)
        id_column = ID_COLUMNS[sheet]
        if table is None or id_column not in table.index:
            return set()
        scratch: list[Problem] = []
        ids = (Row(table, n, values, scratch).readable_id(id_column) for n, values in table.rows)
        return {i for i in ids if i is not None}

    def note_unparsed(self, sheet: str, item_id: str, group_id: str | None) -> None:
        if sheet == "groups":
            self.unparsed.group_ids.add(item_id)
        elif sheet == "schools":
            self.unparsed.school_ids.add(item_id)
            if group_id is not None:
                self.unparsed.incomplete_groups.add(group_id)
        elif sheet == "staff":
            self.unparsed.staff_ids.add(item_id)

    def failed(self, sheet: str, row: Row) -> None:
        """Note the ids of a row that could not be built."""
        id_column = ID_COLUMNS.get(sheet)
        if id_column is None:
            return
        item_id = row.readable_id(id_column)
        if item_id is not None:
            group_id = row.readable_id("group_id") if sheet == "schools" else None
            self.note_unparsed(sheet, item_id, group_id)
            self.id_rows.setdefault(sheet, []).append((row.row, item_id, False))
        elif sheet == "schools":
            group_id = row.readable_id("group_id")
            if group_id is not None:
                self.unparsed.incomplete_groups.add(group_id)

    def make(
        self,
        sheet: str,
        row: Row,
        items: list[Any],
        factory: Callable[..., Any],
        values: dict[str, Any],
    ) -> None:
        """Append ``factory(**values)`` to ``items`` if every cell of ``row`` parsed."""
        if row.ok:
            try:
                item = factory(**values)
            except (ValueError, TypeError) as exc:
                row.fail(SHEET_COLUMNS[sheet][0], row.raw(SHEET_COLUMNS[sheet][0]), str(exc))
            else:
                self.rows.setdefault(sheet, {})[len(items)] = row.row
                items.append(item)
                id_column = ID_COLUMNS.get(sheet)
                if id_column is not None:
                    self.id_rows.setdefault(sheet, []).append((row.row, values[id_column], True))
                return
        self.failed(sheet, row)


# ---------------------------------------------------------------------------
# The table sheets
# ---------------------------------------------------------------------------


def _read_items(
    r: _Reading,
    sheet: str,
    factory: Callable[..., Any],
    check: Callable[[Row, dict[str, Any]], None] | None = None,
) -> list[Any]:
    """Build one item per row of ``sheet`` from the cells of ``FIELDS``."""
    items: list[Any] = []
    fields_ = FIELDS[sheet]
    for row in r.table_rows(sheet):
        values = row.parse(fields_)
        if check is not None:
            check(row, values)
        r.make(sheet, row, items, factory, values)
    return items


def _check_school(row: Row, values: dict[str, Any]) -> None:
    joined, left = values["joined_year"], values["left_year"]
    if joined is not None and left is not None and left <= joined:
        row.fail(
            "left_year",
            left,
            f"left_year must be after joined_year ({joined}): it is the first year the "
            "school is no longer a member",
        )


def _check_staff(row: Row, values: dict[str, Any]) -> None:
    if values["stage"] is Stage.NINE_YEAR:
        row.fail(
            "stage",
            row.raw("stage"),
            "stage: a staff member teaches one stage: " + code_expected(Stage, STAFF_STAGES),
        )


def _check_mutual(row: Row, values: dict[str, Any]) -> None:
    if values["stage"] is Stage.NINE_YEAR:
        row.fail(
            "stage",
            row.raw("stage"),
            "stage: the staff member who moves teaches one stage: "
            + code_expected(Stage, STAFF_STAGES),
        )


_Check = Callable[[Row, dict[str, Any]], None]


def _both(first: _Check, second: _Check) -> _Check:
    def check(row: Row, values: dict[str, Any]) -> None:
        first(row, values)
        second(row, values)

    return check


def _taught_subjects(r: _Reading) -> SubjectVocabulary | None:
    """The subjects of every row of the staff sheet, as written (rows that fail
    to parse included); None without a staff sheet or subject column."""
    table = r.tables.get("staff")
    if table is None or "subject" not in table.index or "staff" in r.unparsed.sheets:
        return None
    scratch: list[Problem] = []
    cells = (Row(table, n, values, scratch).raw("subject") for n, values in table.rows)
    return SubjectVocabulary.of(parse_text(c) for c in cells if c is not None)


def _subject_check(r: _Reading) -> _Check:
    """Read a row's subject by the vocabulary: as the staff sheet writes it
    (with a note), or refused with a did-you-mean."""

    def check(row: Row, values: dict[str, Any]) -> None:
        subject = values.get("subject")
        if not isinstance(subject, str) or r.subjects is None:
            return
        form, why = r.subjects.resolve(subject)
        if form is None:
            row.fail("subject", row.raw("subject"), why)
            return
        if why:
            table = row.table
            r.notes.append(
                SUBJECT_NOTE.format(
                    table.title, row.row, table.label("subject"), subject, form, why
                )
            )
        values["subject"] = form

    return check


# ---------------------------------------------------------------------------
# The key/value sheets: settings and policy
# ---------------------------------------------------------------------------


def _key_values(r: _Reading, sheet: str) -> tuple[dict[str, Any], dict[str, int]]:
    """A key/value sheet as raw values and the row of each key."""
    raw: dict[str, Any] = {}
    rows: dict[str, int] = {}
    table = r.tables.get(sheet)
    for row in r.table_rows(sheet):
        key_cell = row.raw("key")
        value = row.raw("value")
        if key_cell is None:
            row.fail("key", None, "a key is required in every row that has a value")
            continue
        key = str(key_cell).strip()
        if sheet == "settings":
            key = SETTINGS_BY_NAME.get(norm(key), key)
        else:
            key = policy_key(key) or key  # as headers match: "Term Min", 最长任期
        if key in rows:
            row.fail(
                "key",
                key,
                f"key '{key}' is given twice (first in row {rows[key]}); keep one row",
            )
            continue
        rows[key] = row.row
        if value is None:
            row.fail("value", None, f"{key}: a value is required; fill it in or delete the row")
            continue
        raw[key] = value
    if table is not None:
        by_key: dict[int | str, int] = {k: v for k, v in rows.items()}
        r.rows[sheet] = by_key
    return raw, rows


_SETTINGS_PARSERS: dict[str, tuple[Callable[[Any], Any], str]] = {
    "name": (parse_text, "the scenario's name"),
    "first_year": (parse_year, f"the first school year of the plan: {EXPECT_YEAR}"),
    "horizon": (parse_int_range(1, HORIZON_MAX), EXPECT_HORIZON),
    "bureau": (parse_text, "the bureau's name (text)"),
    "doc_prefix": (parse_text, "the prefix of the document number (text)"),
    "doc_number": (parse_text, "the running number of the document (text)"),
    "doc_date": (parse_date, EXPECT_DATE),
    "report_date": (parse_date, EXPECT_DATE),
    "cc": (parse_text, "who gets copies (text)"),
}


def _read_settings(r: _Reading) -> tuple[str | None, int | None, int | None]:
    """The scenario's name, first year and horizon (None where not readable)."""
    raw, rows = _key_values(r, "settings")
    table = r.tables.get("settings")
    if table is None or table.missing:
        return None, None, None
    values: dict[str, Any] = {}
    for key, value in raw.items():
        if key not in _SETTINGS_PARSERS:
            r.problems.append(
                Problem(
                    table.title,
                    rows[key],
                    table.label("key"),
                    key,
                    "unknown settings key; known keys: "
                    + ", ".join((*SETTINGS_KEYS, *DOCUMENT_KEYS)),
                )
            )
            continue
        parse, expected = _SETTINGS_PARSERS[key]
        try:
            parsed = parse(value)
        except (ValueError, TypeError):
            parsed = None
        if parsed is None or parsed == "":
            r.problems.append(
                Problem(
                    table.title,
                    rows[key],
                    table.label("value"),
                    value,
                    f"{key}: expected {expected}",
                )
            )
            continue
        values[key] = parsed
    r.documents = DocumentSettings(**{k: values[k] for k in DOCUMENT_KEYS if k in values})
    for key in SETTINGS_KEYS:
        if key not in rows:
            r.problems.append(
                Problem(
                    table.title,
                    None,
                    table.label("key"),
                    None,
                    f"no row with key '{key}'"
                    f"{also_accepted(SETTINGS_KEY_ALIASES[key])}; add one, value: "
                    f"{_SETTINGS_PARSERS[key][1]}",
                )
            )
    return values.get("name"), values.get("first_year"), values.get("horizon")


def _read_policy(r: _Reading, policy_file: str | Path | None) -> Policy:
    """The policy of ``policy_file`` with the overrides of the ``policy`` sheet."""
    try:
        base = load_policy(policy_file)
    except ScenarioError as exc:
        r.problems.extend(exc.problems)
        base = Policy()
    raw, rows = _key_values(r, "policy")
    table = r.tables.get("policy")
    if table is None or not raw:
        return base
    policy, problems = policy_from_sheet(base, raw, rows, table.title, table.label)
    r.problems.extend(problems)
    return policy


# ---------------------------------------------------------------------------
# After the sheets
# ---------------------------------------------------------------------------


def _duplicates_of_unbuilt_rows(r: _Reading) -> None:
    """Repeated ids where a row involved failed to parse.

    (Repeats between built rows are found by the validation.)
    """
    for sheet, entries in r.id_rows.items():
        table = r.tables[sheet]
        first: dict[str, tuple[int, bool]] = {}
        for row, item_id, built in entries:
            if item_id not in first:
                first[item_id] = (row, built)
                continue
            first_row, first_built = first[item_id]
            if not (built and first_built):
                r.problems.append(
                    Problem(
                        table.title,
                        row,
                        table.label(ID_COLUMNS[sheet]),
                        item_id,
                        duplicate_expected(sheet, item_id, f"row {first_row}"),
                    )
                )


def _sorted_problems(r: _Reading) -> list[Problem]:
    """The problems in the order of the sheets, then of the rows."""
    order = {t.title: SHEET_ORDER[t.sheet] for t in r.tables.values()}
    order.update({s: SHEET_ORDER[s] for s in SHEET_COLUMNS if s not in r.tables})

    def key(p: Problem) -> tuple[int, int]:
        return (order.get(p.sheet, -1), p.row or 0)

    return sorted(r.problems, key=key)
