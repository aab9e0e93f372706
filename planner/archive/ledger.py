"""The exchange ledger: per person and school year, where they served.

It is derived, never typed: for each school year the district's plan is the
newest publication whose years include it, and each exchange of that plan
under way in the year gives one row (source ``plan``). The history sheets of
the scenarios behind the published plans give rows for the years they name
(source ``history``); history is the record of what happened, so it wins
over a plan for the same person and year. A person is on exchange at one
school in a year, so (person, year) is unique.

:func:`write_ledger_xlsx` writes it as a workbook (Chinese headers by
default), atomically: a temporary file in the same folder renamed over the
target once complete. :func:`rebuild_ledger` derives it anew into the
archive's ``ledger`` table (inside the transaction that changed a
publication); :func:`read_ledger` reads that table back.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from openpyxl import Workbook
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from planner.archive.documents import exchange_list
from planner.archive.models import LedgerRow, PlanRow, PublicationRow, ScenarioRow
from planner.data import Exchange
from planner.io.outputs import write_atomic

__all__ = [
    "LedgerEntry",
    "PublishedSource",
    "derive_ledger",
    "ledger_summary",
    "read_ledger",
    "rebuild_ledger",
    "write_ledger_xlsx",
]


@dataclass(frozen=True)
class LedgerEntry:
    """One person on exchange at one school in one school year."""

    staff_id: str
    staff_name: str
    school_year: int
    school_id: str
    source: str  # "history" or "plan"
    publication_version: int | None = None  # the publication, for "plan" rows
    scenario_id: int | None = None  # the scenario whose history sheet, for "history" rows


@dataclass(frozen=True)
class PublishedSource:
    """What the ledger needs of one publication."""

    version: int
    from_year: int
    to_year: int
    exchanges: Sequence[Exchange]


def derive_ledger(
    publications: Iterable[PublishedSource],
    histories: Iterable[tuple[int, Sequence[Exchange]]],
    names: Mapping[str, str],
) -> list[LedgerEntry]:
    """The ledger of ``publications`` and ``histories`` ((scenario id, exchanges),
    later ones winning where two name the same person and year)."""
    governing: dict[int, PublishedSource] = {}
    for pub in sorted(publications, key=lambda p: p.version):
        for year in range(pub.from_year, pub.to_year + 1):
            governing[year] = pub
    rows: dict[tuple[str, int], LedgerEntry] = {}
    for year, pub in sorted(governing.items()):
        for ex in pub.exchanges:
            if ex.covers(year):
                rows[(ex.staff_id, year)] = LedgerEntry(
                    ex.staff_id,
                    names.get(ex.staff_id, ""),
                    year,
                    ex.school_id,
                    "plan",
                    publication_version=pub.version,
                )
    for scenario_id, exchanges in histories:
        for ex in exchanges:
            for year in ex.years():
                rows[(ex.staff_id, year)] = LedgerEntry(
                    ex.staff_id,
                    names.get(ex.staff_id, ""),
                    year,
                    ex.school_id,
                    "history",
                    scenario_id=scenario_id,
                )
    return sorted(rows.values(), key=lambda r: (r.staff_id, r.school_year))


def rebuild_ledger(session: Session) -> None:
    """Derive the ledger anew from every publication and the history sheets of
    the scenarios behind them, replacing the ``ledger`` table's rows."""
    pubs = session.execute(
        select(
            PublicationRow.id,
            PublicationRow.version,
            PublicationRow.from_year,
            PublicationRow.to_year,
            PlanRow.document,
            PlanRow.scenario_id,
        )
        .join(PlanRow, PlanRow.id == PublicationRow.plan_id)
        .order_by(PublicationRow.version)
    ).all()
    pub_id = {p.version: p.id for p in pubs}
    published_scenarios = {p.scenario_id for p in pubs}
    names: dict[str, str] = {}
    histories: list[tuple[int, list[Exchange]]] = []
    for scenario_id, staff_names, history in session.execute(
        select(ScenarioRow.id, ScenarioRow.staff_names, ScenarioRow.history).order_by(
            ScenarioRow.id
        )
    ):
        names.update(staff_names)
        if scenario_id in published_scenarios:
            histories.append((scenario_id, [Exchange(*h) for h in history]))
    entries = derive_ledger(
        [
            PublishedSource(p.version, p.from_year, p.to_year, exchange_list(p.document))
            for p in pubs
        ],
        histories,
        names,
    )
    session.execute(delete(LedgerRow))
    session.add_all(
        LedgerRow(
            staff_id=e.staff_id,
            staff_name=e.staff_name,
            school_year=e.school_year,
            school_id=e.school_id,
            source=e.source,
            publication_id=pub_id[e.publication_version]
            if e.publication_version is not None
            else None,
            scenario_id=e.scenario_id,
        )
        for e in entries
    )


def read_ledger(session: Session, until: int | None = None) -> list[LedgerEntry]:
    """The ``ledger`` table's rows (person, school year), up to ``until`` if given."""
    query = (
        select(LedgerRow, PublicationRow.version)
        .outerjoin(PublicationRow, PublicationRow.id == LedgerRow.publication_id)
        .order_by(LedgerRow.staff_id, LedgerRow.school_year)
    )
    if until is not None:
        query = query.where(LedgerRow.school_year <= until)
    return [
        LedgerEntry(
            r.staff_id,
            r.staff_name,
            r.school_year,
            r.school_id,
            r.source,
            publication_version=version,
            scenario_id=r.scenario_id,
        )
        for r, version in session.execute(query)
    ]


@dataclass(frozen=True)
class PersonSummary:
    staff_id: str
    staff_name: str
    years: int
    by_school: dict[str, list[int]]

    def schools_text(self) -> str:
        return "; ".join(
            f"{school}: {_years_text(years)}" for school, years in self.by_school.items()
        )


def _years_text(years: list[int]) -> str:
    """2019, 2020, 2021, 2024 -> '2019-2021, 2024'."""
    runs: list[list[int]] = []
    for year in sorted(years):
        if runs and year == runs[-1][-1] + 1:
            runs[-1].append(year)
        else:
            runs.append([year])
    return ", ".join(f"{r[0]}-{r[-1]}" if len(r) > 1 else str(r[0]) for r in runs)


def ledger_summary(entries: Iterable[LedgerEntry]) -> list[PersonSummary]:
    """Per person: total exchange years and the years at each school."""
    people: dict[str, tuple[str, dict[str, list[int]]]] = {}
    for e in sorted(entries, key=lambda r: (r.staff_id, r.school_year)):
        name, schools = people.setdefault(e.staff_id, (e.staff_name, {}))
        schools.setdefault(e.school_id, []).append(e.school_year)
        if e.staff_name and not name:
            people[e.staff_id] = (e.staff_name, schools)
    return [
        PersonSummary(staff_id, name, sum(len(y) for y in schools.values()), schools)
        for staff_id, (name, schools) in sorted(people.items())
    ]


HEADERS = {
    "zh": {
        "summary": "交流台账",
        "detail": "逐年明细",
        "summary_cols": ("工号", "姓名", "交流年数", "按学校的交流学年"),
        "detail_cols": ("工号", "姓名", "学年", "交流学校编号", "来源", "发布版本", "场景编号"),
        "history": "交流经历记录",
        "plan": "已发布方案",
    },
    "en": {
        "summary": "ledger",
        "detail": "by_year",
        "summary_cols": ("staff_id", "name", "exchange_years", "years_by_school"),
        "detail_cols": (
            "staff_id",
            "name",
            "school_year",
            "school_id",
            "source",
            "publication_version",
            "scenario_id",
        ),
        "history": "history",
        "plan": "published plan",
    },
}


def write_ledger_xlsx(entries: Sequence[LedgerEntry], path: str | Path, lang: str = "zh") -> Path:
    """Write the ledger workbook: a per-person summary and the per-year rows."""
    words = HEADERS["en" if lang == "en" else "zh"]
    book = Workbook()
    summary = book.active
    assert summary is not None
    summary.title = str(words["summary"])
    summary.append(list(words["summary_cols"]))
    for person in ledger_summary(entries):
        summary.append([person.staff_id, person.staff_name, person.years, person.schools_text()])
    detail = book.create_sheet(str(words["detail"]))
    detail.append(list(words["detail_cols"]))
    for e in entries:
        detail.append(
            [
                e.staff_id,
                e.staff_name,
                e.school_year,
                e.school_id,
                str(words[e.source]),
                e.publication_version,
                e.scenario_id,
            ]
        )
    for sheet, widths in ((summary, (14, 12, 10, 60)), (detail, (14, 12, 8, 14, 14, 10, 10))):
        sheet.freeze_panes = "A2"
        for column, width in zip("ABCDEFG", widths, strict=False):
            sheet.column_dimensions[column].width = width
    target = Path(path)
    write_atomic(target, book.save)
    return target
