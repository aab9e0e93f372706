"""``Archive.scenarios()``: the stored workbooks listed without their bytes,
newest first. SQLite and PostgreSQL."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from pathlib import Path

import test_archive_support as support

from planner.archive import Archive, ScenarioInfo

archive_url = support.archive_url  # the fixture: SQLite and PostgreSQL

SCENARIOS = Path(__file__).resolve().parent.parent / "scenarios"


def test_scenarios_lists_what_was_stored_newest_first(archive_url: str, tmp_path: Path) -> None:
    first = (SCENARIOS / "story-2022.xlsx").read_bytes()
    second = (SCENARIOS / "story-2023.xlsx").read_bytes()
    with Archive(archive_url) as archive:
        assert archive.scenarios() == []
        assert archive.store_scenario(first, file_name="story-2022.xlsx") == 1
        assert archive.store_scenario(second, name="二三学年") == 2
        assert archive.store_scenario(first, file_name="again.xlsx") == 1  # kept once
        listed = archive.scenarios()
        manifest = json.loads(archive.export_all(tmp_path / "export").read_text("utf-8"))
    assert [(s.id, s.name, s.file_name, s.first_year, s.last_year, s.sha256) for s in listed] == [
        (2, "二三学年", None, 2022, 2025, hashlib.sha256(second).hexdigest()),
        (1, "三年轮岗示例 2022 (示例数据)", "story-2022.xlsx", 2022, 2025,
         hashlib.sha256(first).hexdigest()),
    ]  # fmt: skip
    assert all(isinstance(s, ScenarioInfo) for s in listed)
    assert all(s.stored_at.utcoffset() == dt.timedelta(0) for s in listed)
    assert listed[0].stored_at >= listed[1].stored_at
    # The export's manifest, read from the rows another way, agrees.
    assert sorted((s.id, s.sha256, s.stored_at.isoformat()) for s in listed) == [
        (m["id"], m["sha256"], m["stored_at"]) for m in manifest["scenarios"]
    ]
