"""Errors of the archive, each with a Chinese and an English text.

Every message says what is wrong and how to fix it. ``str(error)`` gives the
Chinese text followed by the English one; :meth:`ArchiveError.text` gives
one language (the CLI passes its ``--lang``).
"""

from __future__ import annotations

from typing import Any

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

# key -> (zh, en); str.format fields come from the error's params.
MESSAGES: dict[str, tuple[str, str]] = {
    "unavailable": (
        "无法打开方案档案库 {url}：{detail}。请检查 --db 或环境变量 PLANNER_DB 给出的地址"
        "（SQLite 文件路径或 postgresql+psycopg://用户@主机:端口/库名），以及数据库服务是否在运行。",
        "cannot open the plan archive {url}: {detail}. Check the address given by --db or "
        "PLANNER_DB (an SQLite file path or postgresql+psycopg://user@host:port/dbname) and "
        "that the database server is running.",
    ),
    "schema_too_new": (
        "档案库 {url} 的结构版本 {found} 比本程序认识的更新（本程序最高 {known}）。"
        "请升级 planner 后再使用这个档案库。",
        "the archive {url} has schema revision {found}, newer than this planner knows "
        "(up to {known}). Upgrade planner before using this archive.",
    ),
    "bad_workbook": (
        "{what} 不是可读取的场景工作簿：{detail}。请先用 `planner validate 文件` 修正后再存档。",
        "{what} is not a readable scenario workbook: {detail}. Fix it "
        "(`planner validate FILE` lists the problems) and store it again.",
    ),
    "no_scenario": (
        "档案库中没有编号为 {id} 的场景。用 `planner plans` 查看已存档的方案及其场景。",
        "there is no scenario {id} in the archive. `planner plans` lists the stored plans "
        "and their scenarios.",
    ),
    "no_plan": (
        "档案库中没有编号为 {id} 的方案。用 `planner plans` 查看全部方案编号。",
        "there is no plan {id} in the archive. `planner plans` lists every plan id.",
    ),
    "bad_document": (
        "方案文档不符合约定格式：{detail}。方案 JSON 应为 "
        '{{"status": ..., "exchanges": [{{"staff_id", "school_id", "start_year", "end_year"}}], '
        '"objective": {{...}}}}，请使用 planner solve/replan 写出的文件。',
        "the plan document is not in the contract form: {detail}. A plan JSON is "
        '{{"status": ..., "exchanges": [{{"staff_id", "school_id", "start_year", "end_year"}}], '
        '"objective": {{...}}}}; use a file written by planner solve/replan.',
    ),
    "not_publishable": (
        "方案 {id} 的状态是 {status}，没有可发布的交流名单。"
        "只有 optimal 或 feasible 的方案可以发布；"
        "请先放宽条件重新求解。",
        "plan {id} has status {status} and no roster to publish. Only optimal or feasible "
        "plans can be published; solve again (e.g. with --allow-shortfall) first.",
    ),
    "superseded": (
        "已被他人发布的方案取代，请重新加载：方案 {id} 基于发布版本 v{expected}，"
        "但档案库当前已是 v{head}（{by} 于 {at} 发布）。请用 `planner plans` 查看最新发布，"
        "基于它重新编制（replan）后再发布；确认要取代 v{head} 时可加 --expect-head {head}。",
        "superseded, reload: plan {id} was made against publication v{expected}, but the "
        "archive is now at v{head} (published by {by} at {at}). See `planner plans`, replan "
        "from the newest publication and publish that; to supersede v{head} knowingly, pass "
        "--expect-head {head}.",
    ),
    "immutable": (
        "方案 {id} 已发布，已发布的方案不可修改或删除。"
        "如需调整，请另存一个新方案并发布，它会取代旧版本。",
        "plan {id} is published and published plans cannot be changed or deleted. Store the "
        "adjusted plan as a new draft and publish it: it supersedes the old version.",
    ),
    "no_publication": (
        "档案库中没有覆盖 {year} 学年的已发布方案（{covered}）。请先发布一个方案"
        "（planner publish 编号），或用 --previous 文件 指定上一版方案。",
        "no published plan in the archive covers school year {year} ({covered}). Publish a "
        "plan first (planner publish ID) or pass the previous plan with --previous FILE.",
    ),
    "export_target": (
        "导出目录 {dir} 已存在且不为空。请指定一个新的或空的目录。",
        "the export directory {dir} exists and is not empty. Give a new or empty directory.",
    ),
    "bad_export": (
        "{dir} 不是完整的方案档案导出：{detail}。请使用 `planner archive export` 导出的目录，"
        "且不要改动其中的文件。",
        "{dir} is not a complete archive export: {detail}. Use a directory written by "
        "`planner archive export`, with its files unchanged.",
    ),
    "import_target": (
        "只能导入到空的档案库，而 {url} 已有 {count} 个场景或方案。"
        "请用 --db 指定一个新的档案库文件或数据库。",
        "an export can only be imported into an empty archive, and {url} already holds "
        "{count} scenario(s) or plan(s). Point --db at a new archive file or database.",
    ),
    "plan_years": (
        "方案的起始学年 {from_year} 不在场景的学年范围 {first}–{last} 内。"
        "请给出场景范围内的 --from-year。",
        "the plan's first year {from_year} is outside the scenario's years {first}-{last}. "
        "Give a --from-year inside the scenario's years.",
    ),
}


class ArchiveError(Exception):
    """A problem with the archive or with what was asked of it."""

    key = "unavailable"

    def __init__(self, **params: Any) -> None:
        self.params = params
        super().__init__(self.text("zh") + "\n" + self.text("en"))

    def text(self, lang: str = "zh") -> str:
        zh, en = MESSAGES[self.key]
        return (en if lang == "en" else zh).format(**self.params)


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
