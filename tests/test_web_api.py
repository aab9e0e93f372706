"""The workbench's HTTP API (docs/http-api.md) with httpx against the
ASGI app: every endpoint, every error status, JSON errors only."""

from __future__ import annotations

import io
import json
import time
import zipfile
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
pytest.importorskip("httpx")

import test_web_support as support
from fastapi.testclient import TestClient

from planner import api
from planner.web.app import create_app

STORY22 = support.STORY[2022].read_bytes()
TAISHAN = support.TAISHAN.read_bytes()


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory):
    db = tmp_path_factory.mktemp("web") / "archive.db"
    app = create_app(f"sqlite:///{db}", max_upload_bytes=2 * 2**20, processes=1)
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


@pytest.fixture(scope="module")
def story(client: TestClient) -> dict:
    """story-2022 uploaded and solved once: its scenario, job and plan ids."""
    r = client.post("/api/scenarios", files={"file": ("story.xlsx", STORY22)})
    assert r.status_code == 201, r.text
    sid = r.json()["id"]
    r = client.post(f"/api/scenarios/{sid}/solve", json={"time_limit": 30})
    assert r.status_code == 202, r.text
    job = r.json()["job"]
    state = support.wait_job(client, job)
    assert state["state"] == "done", state
    return {"scenario": sid, "job": job, "plan": state["plan"], "upload": r}


def assert_json_error(r, status: int) -> dict:
    assert r.status_code == status, r.text
    assert r.headers["content-type"].startswith("application/json")
    body = r.json()
    assert isinstance(body["error"], str) and body["error"]
    assert isinstance(body["problems"], list)
    assert "Traceback" not in r.text
    return body


# -- page and health ----------------------------------------------------------


def test_page_is_chinese_by_default_and_switches(client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    assert "集团化办学教师交流规划工作台" in r.text and 'lang="zh-CN"' in r.text
    en = client.get("/?lang=en")
    assert "Teacher rotation planner workbench" in en.text
    assert client.cookies.get("lang") == "en"
    client.cookies.clear()
    assert client.get("/static/app.js").status_code == 200
    assert client.get("/static/app.css").status_code == 200


def test_health(client: TestClient) -> None:
    r = client.get("/api/health")
    assert r.status_code == 200
    assert r.json()["ok"] is True and r.json()["version"]


def test_unknown_route_and_method_are_json(client: TestClient) -> None:
    assert_json_error(client.get("/api/nothing"), 404)
    assert_json_error(client.get("/static/../pyproject.toml"), 404)
    assert_json_error(client.put("/api/health"), 405)


# -- scenarios ----------------------------------------------------------------


def test_upload_answers_the_contract(client: TestClient, story: dict) -> None:
    r = client.post("/api/scenarios", files={"file": ("x.xlsx", STORY22)})
    assert r.status_code == 201
    doc = r.json()
    assert doc["id"] == story["scenario"]  # the same bytes are kept once
    for key in ("id", "name", "first_year", "horizon", "staff", "schools", "problems"):
        assert key in doc
    assert (doc["first_year"], doc["horizon"], doc["staff"], doc["schools"]) == (2022, 4, 70, 6)
    assert doc["problems"] == []
    assert doc["summary"]["groups"] and doc["summary"]["policy"][0]["zh"]


def test_list_and_detail(client: TestClient, story: dict) -> None:
    listed = client.get("/api/scenarios").json()
    assert story["scenario"] in [s["id"] for s in listed]
    detail = client.get(f"/api/scenarios/{story['scenario']}")
    assert detail.status_code == 200 and detail.json()["staff"] == 70
    assert_json_error(client.get("/api/scenarios/999999"), 404)
    assert_json_error(client.get("/api/scenarios/..%2F..%2Fetc"), 404)


def test_invalid_workbook_is_422_with_cells(client: TestClient) -> None:
    r = client.post("/api/scenarios", files={"file": ("bad.xlsx", support.broken_workbook())})
    body = assert_json_error(r, 422)
    assert body["problems"], body
    p = body["problems"][0]
    assert p["sheet"] == "staff" and p["row"] == 3 and p["column"] == "birth_date"
    assert p["value"] == "not a date" and p["fix"] and p["expected"]
    assert "工作簿" in body["error"]


def test_upload_content_checks(client: TestClient) -> None:
    # A text file named .xlsx: refused by its content, not its name.
    body = assert_json_error(
        client.post("/api/scenarios", files={"file": ("s.xlsx", b"staff_id,name\n1,2\n")}), 422
    )
    assert body["code"] == "not_xlsx"
    # A zip that is not a workbook.
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("hello.txt", "hi")
    body = assert_json_error(
        client.post("/api/scenarios", files={"file": ("s.xlsx", buf.getvalue())}), 422
    )
    assert "workbook.xml" in body["error"]
    # Each request in its own language, the reason inside the message too.
    zh = assert_json_error(
        client.post("/api/scenarios?lang=zh", files={"file": ("s.xlsx", buf.getvalue())}), 422
    )
    en = assert_json_error(
        client.post("/api/scenarios?lang=en", files={"file": ("s.xlsx", buf.getvalue())}), 422
    )
    assert "缺少 [Content_Types].xml, xl/workbook.xml 的 zip 压缩包" in zh["error"]
    assert "a zip archive without [Content_Types].xml, xl/workbook.xml" in en["error"]
    # No file field at all, or not multipart.
    assert_json_error(client.post("/api/scenarios", data={"other": "x"}), 422)
    assert_json_error(client.post("/api/scenarios", json={"file": "x"}), 422)
    # A path as file name changes nothing: the name is only a label.
    r = client.post(
        "/api/scenarios",
        files={"file": ("../../etc/passwd", STORY22)},
    )
    assert r.status_code == 201


def test_upload_too_large_is_413(client: TestClient) -> None:
    big = b"PK\x03\x04" + b"\0" * (3 * 2**20)
    body = assert_json_error(client.post("/api/scenarios", files={"file": ("big.xlsx", big)}), 413)
    assert "MB" in body["error"]


# -- solve and jobs -----------------------------------------------------------


def test_job_state_and_events(client: TestClient, story: dict) -> None:
    state = client.get(f"/api/jobs/{story['job']}").json()
    assert state["state"] == "done" and state["plan"] == story["plan"]
    assert set(state["progress"]) >= {"level", "best", "bound", "elapsed"}
    assert state["progress"]["level"] and state["progress"]["elapsed"] > 0
    with client.stream("GET", f"/api/jobs/{story['job']}/events") as r:
        assert r.status_code == 200
        assert r.headers["content-type"].startswith("text/event-stream")
        text = "".join(r.iter_text())
    assert "event: state" in text and "event: end" in text
    data = json.loads(text.split("data: ", 1)[1].split("\n", 1)[0])
    assert data["state"] == "done"
    assert_json_error(client.get("/api/jobs/nope"), 404)
    assert_json_error(client.get("/api/jobs/nope/events"), 404)
    assert_json_error(client.delete("/api/jobs/nope"), 404)


def test_solve_errors(client: TestClient, story: dict) -> None:
    sid = story["scenario"]
    assert_json_error(client.post("/api/scenarios/424242/solve", json={}), 404)
    assert_json_error(client.post(f"/api/scenarios/{sid}/solve", json={"time_limit": -1}), 422)
    assert_json_error(
        client.post(
            f"/api/scenarios/{sid}/solve",
            content=b"{not json",
            headers={"content-type": "application/json"},
        ),
        422,
    )
    body = assert_json_error(
        client.post(f"/api/scenarios/{sid}/solve", json={"policy": {"max_age": "old"}}), 422
    )
    assert body["problems"][0]["column"] == "max_age"
    body = assert_json_error(
        client.post(f"/api/scenarios/{sid}/solve", json={"policy": {"no_such_key": 1}}), 422
    )
    assert body["problems"]
    assert_json_error(
        client.post(f"/api/scenarios/{sid}/solve", json={"allow_shortfall": ["AGE"]}), 422
    )
    assert_json_error(client.post(f"/api/scenarios/{sid}/solve", json={"from_year": 2023}), 422)
    assert_json_error(
        client.post(
            f"/api/scenarios/{sid}/solve", json={"previous_plan": "999", "from_year": 2023}
        ),
        404,
    )
    assert_json_error(
        client.post(f"/api/scenarios/{sid}/solve", json={"bans": [{"staff_id": "NOBODY"}]}), 422
    )
    assert_json_error(client.post(f"/api/scenarios/{sid}/solve", json={"preset": "../x"}), 422)


def test_second_solve_of_a_scenario_is_refused(client: TestClient, story: dict) -> None:
    sid = story["scenario"]
    first = client.post(f"/api/scenarios/{sid}/solve", json={"time_limit": 30})
    assert first.status_code == 202
    second = client.post(f"/api/scenarios/{sid}/solve", json={"time_limit": 30})
    body = assert_json_error(second, 409)
    assert first.json()["job"] in body["error"]
    assert support.wait_job(client, first.json()["job"])["state"] == "done"


def test_failed_solve_leaves_the_server_up(client: TestClient, story: dict) -> None:
    # Every teacher of a core school sent in the first year: no plan.
    r = client.post(
        f"/api/scenarios/{story['scenario']}/solve",
        json={"policy": {"ratio_first_year": 1}, "time_limit": 20},
    )
    assert r.status_code == 202
    state = support.wait_job(client, r.json()["job"])
    assert state["state"] == "failed" and state["plan"] is None
    assert state["problems"] and state["error"].startswith("no_plan")
    assert client.get("/api/health").json()["ok"]


@pytest.mark.parametrize(("lang", "chinese"), [("zh", True), ("en", False)])
def test_a_solve_job_speaks_the_requests_language(
    client: TestClient, story: dict, lang: str, chinese: bool
) -> None:
    """The job runs in its own process; its conflicts are in the language of
    the request that started it, whatever the server's environment says."""
    r = client.post(
        f"/api/scenarios/{story['scenario']}/solve?lang={lang}",
        json={"policy": {"ratio_first_year": 1}, "time_limit": 20},
    )
    assert r.status_code == 202
    state = support.wait_job(client, r.json()["job"])
    messages = " ".join(p["message"] for p in state["problems"])
    assert messages
    # Group names are Chinese data in both; the sentences are not.
    assert ("must start" not in messages) is chinese, messages
    assert ("staff are eligible" not in messages) is chinese, messages


def test_cancel_ends_the_solver_processes(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'a.db'}", processes=2)
    with TestClient(app, raise_server_exceptions=False) as c:
        sid = c.post("/api/scenarios", files={"file": ("t.xlsx", TAISHAN)}).json()["id"]
        job_id = c.post(f"/api/scenarios/{sid}/solve", json={"time_limit": 120}).json()["job"]
        job = app.state.bench().jobs.get(job_id)
        deadline = time.monotonic() + 60
        # Wait until CP-SAT's worker processes run beside the job process.
        while time.monotonic() < deadline and (
            job.pid is None or len(support.group_alive(job.pid)) < 2
        ):
            time.sleep(0.1)
        workers = support.group_alive(job.pid)
        assert len(workers) >= 2, workers
        r = c.delete(f"/api/jobs/{job_id}")
        assert r.status_code == 202
        assert c.get(f"/api/jobs/{job_id}").json()["state"] == "cancelled"
        deadline = time.monotonic() + 10
        while support.group_alive(job.pid) and time.monotonic() < deadline:
            time.sleep(0.1)
        assert support.group_alive(job.pid) == []
        # Cancelling again is harmless; the server goes on and solves again.
        assert c.delete(f"/api/jobs/{job_id}").status_code == 202
        assert c.get("/api/health").json()["ok"]
        small = c.post("/api/scenarios", files={"file": ("s.xlsx", STORY22)})
        job2 = c.post(f"/api/scenarios/{small.json()['id']}/solve", json={}).json()["job"]
        assert support.wait_job(c, job2)["state"] == "done"


# -- plans ----------------------------------------------------------------------


def test_plan_check_view_and_downloads(client: TestClient, story: dict, tmp_path: Path) -> None:
    pid = story["plan"]
    doc = client.get(f"/api/plans/{pid}").json()
    assert doc["status"] == "optimal" and doc["exchanges"]
    check = client.get(f"/api/plans/{pid}/check").json()
    assert check["valid"] is True and check["violations"] == [] and check["coverage"] > 0
    view = client.get(f"/api/plans/{pid}/view").json()
    assert view["chart"].startswith("<svg") and "lowest" in view["chart"]
    assert sum(s["lowest"] for s in view["coverage"]["schools"]) >= 1
    assert {r["rule"] for r in view["rules"]} >= {"TEACHER-QUOTA", "CADRE-QUOTA", "AGE"}
    assert len(view["roster"]) == len(doc["exchanges"])
    scenario = api.load_scenario(support.STORY[2022])
    # Groups by name, as a planner reads them; the id stays beside it.
    names = {g.group_id: g.name for g in scenario.groups}
    quota = [r for r in view["rules"] if r["rule"] == "TEACHER-QUOTA"]
    assert quota and all(r["group"] == names[r["group_id"]] for r in quota)
    for lang in ("zh", "en"):
        r = client.get(f"/api/plans/{pid}/roster.xlsx?lang={lang}")
        assert r.status_code == 200 and r.content[:2] == b"PK"
        path = tmp_path / f"roster-{lang}.xlsx"
        path.write_bytes(r.content)
        assert api.check_plan(scenario, path).valid
    r = client.get(f"/api/plans/{pid}/plan.json")
    assert json.loads(r.content)["exchanges"] == doc["exchanges"]
    assert_json_error(client.get(f"/api/plans/{pid}/roster.xlsx?lang=fr"), 422)
    for path in ("", "/check", "/view", "/roster.xlsx", "/plan.json"):
        assert_json_error(client.get(f"/api/plans/98765{path}"), 404)
    assert_json_error(client.get("/api/plans/abc"), 404)


def test_person_explanation(client: TestClient, story: dict) -> None:
    pid = story["plan"]
    doc = client.get(f"/api/plans/{pid}").json()
    staff_id = doc["exchanges"][0]["staff_id"]
    r = client.get(f"/api/plans/{pid}/people/{staff_id}")
    assert r.status_code == 200, r.text
    person = r.json()
    assert person["checks"] and {c["rule"] for c in person["checks"]} >= {"AGE", "TERM"}
    assert person["explanation"]["placed"] is True
    assert "被派往" in person["explanation"]["sentences_zh"][0]
    assert_json_error(client.get(f"/api/plans/{pid}/people/NOBODY"), 404)


def test_pins_bans_publish_superseded_and_replan(client: TestClient, story: dict) -> None:
    sid, first = story["scenario"], story["plan"]
    doc = client.get(f"/api/plans/{first}").json()
    pinned = doc["exchanges"][0]
    banned = doc["exchanges"][-1]["staff_id"]
    assert banned != pinned["staff_id"]
    r = client.post(
        f"/api/scenarios/{sid}/solve",
        json={"pins": [pinned], "bans": [{"staff_id": banned}], "time_limit": 30},
    )
    assert r.status_code == 202, r.text
    state = support.wait_job(client, r.json()["job"])
    assert state["state"] == "done", state
    second = state["plan"]
    new = client.get(f"/api/plans/{second}").json()
    assert pinned in new["exchanges"]
    assert banned not in {e["staff_id"] for e in new["exchanges"]}
    assert client.get(f"/api/plans/{second}/check").json()["valid"]
    assert client.get(f"/api/plans/{second}/view").json()["roster"][0]["pinned"] in (True, False)

    # Both plans were made against an empty archive: the first publication
    # wins, the other is told it was superseded (409), nothing is lost.
    r = client.post(f"/api/plans/{second}/publish", json={"by": "王老师", "note": "2022 学年方案"})
    assert r.status_code == 200, r.text
    assert r.json()["version"] >= 1
    body = assert_json_error(client.post(f"/api/plans/{first}/publish", json={"by": "李老师"}), 409)
    assert body["code"] == "superseded"
    assert_json_error(client.post("/api/plans/999999/publish", json={}), 404)
    assert_json_error(client.post(f"/api/plans/{second}/publish", json={"by": 5}), 422)
    published = client.get("/api/plans?published=true").json()
    assert [p["id"] for p in published] == [second]
    assert {p["id"] for p in client.get("/api/plans").json()} >= {first, second}
    assert first in [p["id"] for p in client.get("/api/plans?published=false").json()]

    # Next year: replan 2023 from the published plan, changes with reasons.
    up = client.post("/api/scenarios", files={"file": ("s.xlsx", support.STORY[2023].read_bytes())})
    assert up.status_code == 201
    r = client.post(
        f"/api/scenarios/{up.json()['id']}/solve",
        json={"previous_plan": "published", "from_year": 2023, "time_limit": 30},
    )
    assert r.status_code == 202, r.text
    state = support.wait_job(client, r.json()["job"])
    assert state["state"] == "done", state
    replan = client.get(f"/api/plans/{state['plan']}").json()
    assert isinstance(replan["changes"], list)
    assert all(c["reason"] for c in replan["changes"])
    assert client.get(f"/api/plans/{state['plan']}/check").json()["valid"]
    r = client.get(f"/api/plans/{state['plan']}/roster.xlsx")
    assert r.status_code == 200 and r.content[:2] == b"PK"


def test_internal_errors_are_json(tmp_path: Path) -> None:
    app = create_app(f"sqlite:///{tmp_path / 'b.db'}")
    with TestClient(app, raise_server_exceptions=False) as c:
        bench = app.state.bench()

        def boom(*args: object, **kwargs: object) -> None:
            raise RuntimeError("secret internals")

        bench.archive.plans = boom  # type: ignore[method-assign]
        r = c.get("/api/plans")
        body = assert_json_error(r, 500)
        assert "secret" not in r.text
        assert body["code"] == "internal"


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_progress_is_read_from_the_log_in_either_language(lang: str) -> None:
    """The job reads its progress (goal level, part, best, bound) from the
    solver's log lines, which are in the job's language: a real solve's log
    in Chinese gives the same progress as in English."""
    from planner.i18n import use_language
    from planner.model.solve import SolveParams
    from planner.web.jobs import parse_progress

    lines: list[str] = []
    with use_language(lang):
        outcome = api.solve_scenario(
            api.load_scenario(support.STORY[2022]), SolveParams(time_limit=30, log=lines.append)
        )
        progress = [p for line in lines if (p := parse_progress(line)) is not None]
    levels = {level.name: level for level in outcome.result.levels}
    # Every level's last report is its final value and bound, as the result says.
    last = {p["level"]: p for p in progress if not p["part"]}
    assert set(last) == set(levels)
    for name, level in levels.items():
        assert (last[name]["best"], last[name]["bound"]) == (
            float(level.value),
            float(level.bound),
        )
    # Each group's COVER done is read too ("COVER GA" ...), and nothing else.
    groups = {g.group_id for g in outcome.scenario.groups}
    assert {p["part"] for p in progress if p["part"] and p["level"] == "COVER"} == groups
    assert parse_progress("  读取场景 12 行", lang) is None
