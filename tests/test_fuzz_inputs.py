"""Fuzz suite: hostile and malformed inputs never give a traceback or a silent change.

A seeded generator takes the small valid scenario of ``conftest.make_scenario``
(written with :func:`planner.io.writer.write_scenario`) and applies one
mutation of each class -- missing sheet or column, wrong type per column
kind, out-of-range and absurd numbers, non-terminating decimals, unknown
codes, duplicate and dangling ids, Unicode look-alikes, merged cells,
formulas with and without saved values, corrupt and wrong-format files,
hostile policy YAML files, impossible birth dates, output paths that are
inputs or cannot be written -- and runs the CLI in-process on it
(``validate``; ``solve --out --json`` on a fraction, then ``check`` of the
plan). Every case must end in exit 0 with a valid audited plan, or exit 2
(validate: 3 for certain conflicts) with a message naming where (sheet or
file); never a traceback; nothing written on exit 2; the inputs' bytes
unchanged. The generator is seeded: the same cases on every run.
"""

from __future__ import annotations

import random
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import openpyxl
import pytest
from click.testing import CliRunner, Result
from conftest import make_scenario, staff

from planner.cli import main
from planner.io.writer import write_scenario

SEED = 20221
CASES_PER_CLASS = 16
SOLVE_EVERY = 4  # solve one in this many cases that validate

# A located message: a sheet, a file or an option names where the problem is.
_WHERE = re.compile(r"(sheet '|file '|--out |--json |OUT |SCENARIO|--policy)")


@dataclass
class Case:
    """One mutated input: the scenario workbook, maybe a policy file, extra options."""

    label: str
    scenario: Path
    policy: Path | None = None
    solve_options: tuple[str, ...] = ()
    outputs_bad: bool = False  # an output path that must be refused


Mutation = Callable[[random.Random, Path, Path], Case]

# ---------------------------------------------------------------------------
# Workbook edits
# ---------------------------------------------------------------------------

_SHEETS = ("settings", "groups", "schools", "staff", "needs")
_NUMERIC = {
    "schools": ("capacity",),
    "needs": ("count", "priority"),
    "groups": ("founded_year",),
}


def _edit(base: Path, out: Path, change: Callable[[openpyxl.Workbook], None]) -> Path:
    wb = openpyxl.load_workbook(base)
    change(wb)
    wb.save(out)
    return out


def _column(ws: openpyxl.worksheet.worksheet.Worksheet, name: str) -> int:
    for cell in ws[1]:
        if cell.value == name:
            return int(cell.column)
    ws.cell(row=1, column=ws.max_column + 1, value=name)
    return int(ws.max_column)


def _set(wb: openpyxl.Workbook, sheet: str, column: str, row: int, value: object) -> None:
    ws = wb[sheet]
    cell = ws.cell(row=row, column=_column(ws, column))
    cell.value = value
    if isinstance(value, str) and value.startswith("="):
        cell.data_type = "s"  # text, unless the mutation wants a formula


def _formula(wb: openpyxl.Workbook, sheet: str, column: str, row: int, text: str) -> None:
    ws = wb[sheet]
    ws.cell(row=row, column=_column(ws, column)).value = text


def _budget(wb: openpyxl.Workbook, amount: object) -> None:
    ws = wb["budget"] if "budget" in wb.sheetnames else wb.create_sheet("budget")
    ws.delete_rows(1, ws.max_row)
    ws.append(["year", "amount"])
    ws.append([2022, amount])


def _policy_value(wb: openpyxl.Workbook, key: str, value: object) -> None:
    ws = wb["policy"] if "policy" in wb.sheetnames else wb.create_sheet("policy")
    if ws.max_row <= 1 and ws.cell(1, 1).value is None:
        ws.append(["key", "value"])
    ws.append([key, value])


# ---------------------------------------------------------------------------
# Mutation classes: each returns a Case (rng, the valid base workbook, a work dir)
# ---------------------------------------------------------------------------


def missing_sheet_or_column(rng: random.Random, base: Path, work: Path) -> Case:
    sheet = rng.choice(_SHEETS)
    if rng.random() < 0.5:
        return Case(
            f"no sheet {sheet}", _edit(base, work / "s.xlsx", lambda wb: wb.remove(wb[sheet]))
        )

    def drop(wb: openpyxl.Workbook) -> None:
        ws = wb[sheet]
        ws.delete_cols(rng.randint(1, max(1, ws.max_column)))

    return Case(f"a column less in {sheet}", _edit(base, work / "s.xlsx", drop))


_WRONG = ["abc", "二十", True, "2022-13-45", "1.5", -3, "yes please", "#N/A", "   ", "=SUM(A1)"]
_KIND_COLUMNS = [
    ("groups", "founded_year"),
    ("schools", "role"),
    ("schools", "stage"),
    ("schools", "capacity"),
    ("staff", "birth_date"),
    ("staff", "level_ok"),
    ("staff", "honor"),
    ("staff", "unavailable"),
    ("needs", "year"),
    ("needs", "count"),
    ("needs", "priority"),
    ("staff", "staff_id"),
]


def wrong_type(rng: random.Random, base: Path, work: Path) -> Case:
    sheet, column = rng.choice(_KIND_COLUMNS)
    value = rng.choice(_WRONG)
    return Case(
        f"{sheet}.{column} = {value!r}",
        _edit(base, work / "s.xlsx", lambda wb: _set(wb, sheet, column, 2, value)),
    )


_ABSURD: list[object] = [
    -1, 10**15, 10**27, 10**28, 2**63, 1e20, 1e30, 1e300, 1e308, 1e-300, "1e300", "1E-300",
    "-0", 0, "９", "9" * 400, "NaN", "inf", 1.5,
]  # fmt: skip
_NUMBER_SLOTS = ["capacity", "count", "priority", "min_home", "amount", "cost_teacher", "year"]


def absurd_number(rng: random.Random, base: Path, work: Path) -> Case:
    slot, value = rng.choice(_NUMBER_SLOTS), rng.choice(_ABSURD)

    def change(wb: openpyxl.Workbook) -> None:
        if slot == "capacity":
            _set(wb, "schools", "capacity", 3, value)
        elif slot in ("count", "priority", "year"):
            _set(wb, "needs", slot, 2, value)
        elif slot == "min_home":
            ws = wb.create_sheet("core_keep")
            ws.append(["school_id", "subject", "min_home"])
            ws.append(["C1", "数学", value])
        elif slot == "amount":
            _budget(wb, value)
        else:
            _policy_value(wb, slot, value)

    return Case(f"{slot} = {value!r}", _edit(base, work / "s.xlsx", change))


_FRACTIONS = [1 / 3, 1 / 7, 2 / 3, 0.1 + 0.2, "0.3333333333333333", "1/3"]


def non_terminating(rng: random.Random, base: Path, work: Path) -> Case:
    value, slot = rng.choice(_FRACTIONS), rng.choice(["priority", "amount", "cost_teacher"])

    def change(wb: openpyxl.Workbook) -> None:
        if slot == "priority":
            _set(wb, "needs", "priority", 2, value)
        elif slot == "amount":
            _budget(wb, value)
        else:
            _policy_value(wb, "cost_teacher", value)

    return Case(f"{slot} = {value!r}", _edit(base, work / "s.xlsx", change))


_CODES = [("schools", "role"), ("schools", "stage"), ("staff", "position"), ("staff", "honor")]


def unknown_code(rng: random.Random, base: Path, work: Path) -> Case:
    sheet, column = rng.choice(_CODES)
    value = rng.choice(["xyz", "高中", "CORE ", "core\u200b", "Ｃｏｒｅ", "省级"])
    return Case(
        f"{sheet}.{column} = {value!r}",
        _edit(base, work / "s.xlsx", lambda wb: _set(wb, sheet, column, 3, value)),
    )


def duplicate_or_dangling(rng: random.Random, base: Path, work: Path) -> Case:
    kind = rng.choice(["dup staff", "dup school", "need school", "staff school", "preferred"])

    def change(wb: openpyxl.Workbook) -> None:
        if kind == "dup staff":
            _set(wb, "staff", "staff_id", 3, "S1")
        elif kind == "dup school":
            _set(wb, "schools", "school_id", 3, "C1")
        elif kind == "need school":
            _set(wb, "needs", "school_id", 2, "NOPE")
        elif kind == "staff school":
            _set(wb, "staff", "school_id", 2, "M9")
        else:
            _set(wb, "staff", "preferred_school", 2, "M9")

    return Case(kind, _edit(base, work / "s.xlsx", change))


_LOOKALIKES = ["Ｓ１", "S1\u200b", " S1 ", "\ufeffS1", "Ѕ1", "S\u00ad1", "S1\u3000"]


def lookalike_ids(rng: random.Random, base: Path, work: Path) -> Case:
    value = rng.choice(_LOOKALIKES)
    row = rng.choice([2, 3])  # row 2 holds S1: the same id, row 3: a duplicate of S1
    return Case(
        f"staff_id row {row} = {value!r}",
        _edit(base, work / "s.xlsx", lambda wb: _set(wb, "staff", "staff_id", row, value)),
    )


def merged_cells(rng: random.Random, base: Path, work: Path) -> Case:
    sheet = rng.choice(_SHEETS[1:])
    ref = rng.choice(["A1:B1", "B1:C1", "A2:A3", "B2:B3"])
    return Case(
        f"{sheet} merged {ref}",
        _edit(base, work / "s.xlsx", lambda wb: wb[sheet].merge_cells(ref)),
    )


def formulas(rng: random.Random, base: Path, work: Path) -> Case:
    sheet, column = rng.choice([("schools", "capacity"), ("needs", "count"), ("needs", "priority")])
    cached = rng.random() < 0.5
    path = _edit(base, work / "s.xlsx", lambda wb: _formula(wb, sheet, column, 2, "=1+1"))
    if cached:  # as Excel saves it: the formula and its value
        _rewrite_parts(
            path, lambda name, data: data.replace(b"<f>1+1</f><v></v>", b"<f>1+1</f><v>2</v>")
        )
    return Case(f"{sheet}.{column} =1+1 {'with' if cached else 'without'} value", path)


def _rewrite_parts(path: Path, change: Callable[[str, bytes], bytes]) -> None:
    with zipfile.ZipFile(path) as archive:
        parts = [(info, archive.read(info.filename)) for info in archive.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        for info, data in parts:
            archive.writestr(info.filename, change(info.filename, data))


_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


def corrupt_file(rng: random.Random, base: Path, work: Path) -> Case:
    kind = rng.choice(
        ["truncated", "xls", "encrypted", "random", "empty", "shared string", "bad xml", "text"]
    )
    path = work / "s.xlsx"
    data = base.read_bytes()
    if kind == "truncated":
        path.write_bytes(data[: rng.randint(10, len(data) - 10)])
    elif kind == "xls":
        path.write_bytes(_OLE + bytes(rng.randrange(256) for _ in range(600)))
    elif kind == "encrypted":
        stream = "EncryptionInfo".encode("utf-16-le")
        path.write_bytes(_OLE + b"\x00" * 500 + stream + b"\x00" * 100)
    elif kind == "random":
        path.write_bytes(bytes(rng.randrange(256) for _ in range(2000)))
    elif kind == "empty":
        path.write_bytes(b"")
    elif kind == "text":
        path.write_text("staff_id,name\nS1,张三\n", encoding="utf-8")
    else:
        path.write_bytes(data)
        if kind == "shared string":
            pattern = re.compile(rb'(t="s"[^>]*><v>)\d+(</v>)')
            _rewrite_parts(path, lambda n, d: pattern.sub(rb"\g<1>99999\g<2>", d, count=1))
        else:
            _rewrite_parts(
                path, lambda n, d: d[: len(d) // 2] if n.startswith("xl/worksheets/") else d
            )
    return Case(f"corrupt: {kind}", path)


_YAML = {
    "alias bomb": 'a: &a ["x","x","x","x","x","x","x","x","x"]\n'
    "b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]\nc: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]\n"
    "d: [*c,*c,*c,*c,*c,*c,*c,*c,*c]\nparameters: {term_min: 2}\n",
    "deep": "parameters: " + "[" * 20000 + "]" * 20000 + "\n",
    "not a mapping": "- 1\n- 2\n",
    "unknown key": "parameters:\n  nonsense: 3\n",
    "huge cost": "parameters:\n  cost_teacher: 1e300\n",
    "tiny ratio": "parameters:\n  ratio_first_year: 1e-300\n",
    "huge ratio %": "parameters:\n  ratio_first_year: 1e999999999%\n",
    "long int": "parameters:\n  term_min: " + "9" * 5000 + "\n",
    "python tag": "parameters: !!python/object/apply:os.system ['true']\n",
    "tabs": "parameters:\n\tterm_min: 2\n",
}


def hostile_yaml(rng: random.Random, base: Path, work: Path) -> Case:
    kind = rng.choice([*_YAML, "gbk comment", "utf-16", "binary", "too big"])
    policy = work / "p.yaml"
    if kind == "gbk comment":
        policy.write_bytes("# 交流政策\nparameters:\n  term_min: 2\n".encode("gbk"))
    elif kind == "utf-16":
        policy.write_bytes("parameters:\n  term_min: 2\n".encode("utf-16"))
    elif kind == "binary":
        policy.write_bytes(bytes(rng.randrange(256) for _ in range(300)))
    elif kind == "too big":
        policy.write_text("parameters:\n  term_min: 2\n" + "#" * 2_000_000 + "\n")
    else:
        policy.write_text(_YAML[kind], encoding="utf-8")
    scenario = work / "s.xlsx"
    scenario.write_bytes(base.read_bytes())
    return Case(f"policy: {kind}", scenario, policy)


def birth_dates(rng: random.Random, base: Path, work: Path) -> Case:
    value = rng.choice(["2030-01-01", "2010-06-01", "1900-01-01", "1940-05-05", "1985-02-30"])
    return Case(
        f"birth_date {value}",
        _edit(base, work / "s.xlsx", lambda wb: _set(wb, "staff", "birth_date", 2, value)),
    )


def bad_outputs(rng: random.Random, base: Path, work: Path) -> Case:
    scenario = work / "s.xlsx"
    scenario.write_bytes(base.read_bytes())
    policy = work / "p.yaml"
    policy.write_text("parameters:\n  term_min: 2\n", encoding="utf-8")
    (work / "file").write_text("x")
    kind = rng.choice(["out=scenario", "json=policy", "out=json", "parent file", "read-only"])
    options = {
        "out=scenario": ("--out", str(scenario)),
        "json=policy": ("--json", str(policy)),
        "out=json": ("--out", str(work / "x.out"), "--json", str(work / "x.out")),
        "parent file": ("--out", str(work / "file" / "r.xlsx")),
        "read-only": ("--json", "/proc/planner-fuzz/p.json"),
    }[kind]
    return Case(f"outputs: {kind}", scenario, policy, options, outputs_bad=True)


MUTATIONS: list[Mutation] = [
    missing_sheet_or_column,
    wrong_type,
    absurd_number,
    non_terminating,
    unknown_code,
    duplicate_or_dangling,
    lookalike_ids,
    merged_cells,
    formulas,
    corrupt_file,
    hostile_yaml,
    birth_dates,
    bad_outputs,
]

# ---------------------------------------------------------------------------
# The properties
# ---------------------------------------------------------------------------


def _run(args: list[str]) -> Result:
    result = CliRunner().invoke(main, args, catch_exceptions=True)
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(
            f"planner {' '.join(args)}: traceback {result.exception!r}\n{result.output}"
        ) from result.exception
    return result


def _assert_refusal(result: Result, case: Case) -> None:
    """Exit 2 with a message that names where the problem is."""
    assert result.exit_code == 2, (case.label, result.exit_code, result.output)
    assert "Traceback" not in result.output, case.label
    problems = [line for line in result.output.splitlines() if line.startswith("  - ")]
    assert _WHERE.search(result.output), (case.label, result.output)
    for line in problems:
        assert _WHERE.search(line), (case.label, line)


def _files(work: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in work.iterdir() if p.is_file()}


def _check_case(case: Case, work: Path, solve: bool) -> str:
    before = _files(work)
    policy = ["--policy", str(case.policy)] if case.policy is not None else []
    outcome = "refused"
    if not case.outputs_bad:
        result = _run(["validate", str(case.scenario), *policy])
        if result.exit_code == 2:
            _assert_refusal(result, case)
        else:
            assert result.exit_code in (0, 3), (case.label, result.exit_code, result.output)
            outcome = "valid"
        assert _files(work) == before, f"{case.label}: validate wrote or changed a file"
        if outcome == "refused" or not solve:
            return outcome
    roster, plan = work / "out" / "r.xlsx", work / "out" / "p.json"
    outputs = list(case.solve_options) or ["--out", str(roster), "--json", str(plan)]
    args = ["solve", str(case.scenario), *policy, "--quiet", "--time-limit", "5", *outputs]
    result = _run(args)
    if case.outputs_bad or result.exit_code == 2:
        _assert_refusal(result, case)
        assert _files(work) == before, f"{case.label}: written or changed on exit 2"
        assert not (work / "out").exists(), case.label
        return "refused"
    assert result.exit_code in (0, 3), (case.label, result.output)
    for name, data in before.items():
        assert (work / name).read_bytes() == data, f"{case.label}: input {name} changed"
    if result.exit_code == 0:
        for written in (plan, roster):
            check = _run(["check", str(case.scenario), str(written), *policy])
            assert check.exit_code == 0, (case.label, check.output)
            assert "valid" in check.output
        return "solved"
    return "infeasible"


def _cases() -> list[tuple[str, Mutation, int]]:
    rng = random.Random(SEED)
    return [
        (f"{m.__name__}-{i}", m, rng.randrange(2**32))
        for m in MUTATIONS
        for i in range(CASES_PER_CLASS)
    ]


@pytest.fixture(scope="module")
def base_workbook(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("base") / "base.xlsx"
    # Five staff, four of them eligible: the quotas of three years can be met
    # with REPEAT-GAP's year at home between two exchanges of one person.
    tiny = make_scenario()
    write_scenario(make_scenario(staff=[*tiny.staff, staff("S5")]), path)
    return path


def test_fuzz_inputs(base_workbook: Path, tmp_path: Path) -> None:
    """A few hundred seeded mutations: exit 0 with a valid plan, or a located refusal."""
    seen: dict[str, dict[str, int]] = {}
    valid_count = 0
    for name, mutation, seed in _cases():
        work = tmp_path / name
        work.mkdir()
        case = mutation(random.Random(seed), base_workbook, work)
        solve = case.outputs_bad or valid_count % SOLVE_EVERY == 0
        outcome = _check_case(case, work, solve)
        valid_count += outcome != "refused"
        kinds = seen.setdefault(mutation.__name__, {})
        kinds[outcome] = kinds.get(outcome, 0) + 1
    # every class was exercised, and the refusing classes refused
    assert set(seen) == {m.__name__ for m in MUTATIONS}
    for always_refused in ("corrupt_file", "merged_cells", "bad_outputs", "birth_dates"):
        assert set(seen[always_refused]) == {"refused"}, (always_refused, seen[always_refused])
    assert seen["lookalike_ids"].get("refused") and seen["lookalike_ids"].get("valid")
    assert sum(seen["absurd_number"].values()) == CASES_PER_CLASS


def test_base_workbook_solves(base_workbook: Path, tmp_path: Path) -> None:
    """The unmutated workbook validates and solves to a valid plan (the fuzz's baseline)."""
    case = Case("base", tmp_path / "s.xlsx")
    case.scenario.write_bytes(base_workbook.read_bytes())
    assert _check_case(case, tmp_path, solve=True) == "solved"


def test_priorities_refused_or_scaled(base_workbook: Path, tmp_path: Path) -> None:
    """Priorities 1/3, 1/7, 2/3 as Excel stores them (16 decimals) are read
    exactly as written, one more decimal is refused with the supported
    precision; 7, 3 and 14 (the same ratios times 21) are read exactly."""

    def with_priorities(values: list[object], name: str) -> Path:
        def change(wb: openpyxl.Workbook) -> None:
            ws = wb["needs"]
            ws.append(["M1", 2023, "数学", None, 1, None])
            for row, value in enumerate(values, start=2):
                _set(wb, "needs", "priority", row, value)

        return _edit(base_workbook, tmp_path / name, change)

    from planner.io.reader import read_scenario

    exact = read_scenario(with_priorities([1 / 3, 1 / 7, 2 / 3], "a.xlsx"))
    read = [n.priority for n in exact.needs]
    # The float cells as the reader takes them: within a float's precision.
    assert all(
        abs(r - Decimal(v)) < Decimal("1E-15")
        for r, v in zip(read, [1 / 3, 1 / 7, 2 / 3], strict=True)
    )
    refused = _run(["validate", str(with_priorities(["0.33333333333333333"] * 3, "c.xlsx"))])
    assert refused.exit_code == 2
    assert refused.output.count("at most 16 decimal places") == 3

    scaled = read_scenario(with_priorities([7, 3, 14], "b.xlsx"))
    assert [n.priority for n in scaled.needs] == [Decimal(7), Decimal(3), Decimal(14)]
