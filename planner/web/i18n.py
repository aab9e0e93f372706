"""The workbench's texts, Chinese first, English on request."""

from __future__ import annotations

from typing import Any

LANGS = ("zh", "en")

# key -> (zh, en). API error messages and page labels.
TEXTS: dict[str, tuple[str, str]] = {
    # errors
    "not_found": ("找不到所请求的内容。", "Nothing is here."),
    "no_scenario": ("没有编号为 {id} 的场景。", "There is no scenario {id}."),
    "no_plan": ("没有编号为 {id} 的方案。", "There is no plan {id}."),
    "no_job": ("没有编号为 {id} 的求解任务。", "There is no solve job {id}."),
    "no_person": ("方案场景中没有人员 {id}。", "There is no person {id} in the plan's scenario."),
    "method": ("这个地址不接受 {method} 请求。", "This address does not take {method}."),
    "too_large": (
        "上传文件过大（上限 {limit} MB）。请只上传场景工作簿。",
        "The upload is too large (limit {limit} MB). Upload only the scenario workbook.",
    ),
    "no_file": (
        "请求中没有文件：请在表单字段 file 中上传 .xlsx 场景工作簿。",
        "No file in the request: upload the .xlsx scenario workbook in the form field 'file'.",
    ),
    "not_xlsx": (
        "上传的文件不是 Excel 工作簿（.xlsx）：{detail}。"
        "请在 Excel 或 WPS 中另存为 .xlsx 后再上传。",
        "The upload is not an Excel workbook (.xlsx): {detail}. Save it as .xlsx in Excel "
        "or WPS and upload it again.",
    ),
    "invalid_scenario": (
        "场景工作簿有 {n} 处问题，请按下表逐格修改后重新上传。",
        "The scenario workbook has {n} problem(s); correct each cell listed and upload again.",
    ),
    "invalid_body": ("请求内容有误：{detail}", "The request is not valid: {detail}"),
    "busy": (
        "这个场景已有一个求解正在进行（任务 {job}）。请等它结束或先停止它。",
        "A solve of this scenario is already running (job {job}). Wait for it or stop it first.",
    ),
    "superseded": (
        "该方案已被他人新发布的方案取代，请重新加载后再发布：{detail}",
        "This plan was superseded by a newer publication; reload before publishing: {detail}",
    ),
    "not_publishable": ("{detail}", "{detail}"),
    "archive": ("{detail}", "{detail}"),
    "internal": (
        "服务器内部错误，已记录。求解服务仍在运行，请重试或换一组设置。",
        "Internal server error; it has been logged. The server is still running: try again.",
    ),
    "explain_failed": ("无法给出解释：{detail}", "No explanation: {detail}"),
    "replan_args": (
        "重排需要同时给出 previous_plan 和 from_year。",
        "A replan needs both previous_plan and from_year.",
    ),
}

# Page labels (sent to the page as one JSON object).
LABELS: dict[str, tuple[str, str]] = {
    "title": ("集团化办学教师交流规划工作台", "Teacher rotation planner workbench"),
    "tab_scenario": ("① 场景", "① Scenario"),
    "tab_solve": ("② 求解", "② Solve"),
    "tab_plan": ("③ 方案", "③ Plan"),
    "tab_publish": ("④ 发布与重排", "④ Publish and replan"),
    "upload": ("上传场景工作簿", "Upload a scenario workbook"),
    "upload_btn": ("上传", "Upload"),
    "pick": ("或从档案库选择", "or pick from the archive"),
    "pick_btn": ("打开", "Open"),
    "problems": ("工作簿问题", "Workbook problems"),
    "sheet": ("工作表", "Sheet"),
    "row": ("行", "Row"),
    "column": ("列", "Column"),
    "value": ("当前值", "Value"),
    "fix": ("应改为", "Fix"),
    "summary": ("场景概况", "Scenario summary"),
    "name": ("名称", "Name"),
    "years": ("学年", "School years"),
    "groups": ("教育集团", "Groups"),
    "schools": ("学校", "Schools"),
    "staff": ("教职工", "Staff"),
    "needs": ("需求条目", "Needs"),
    "need_units": ("需求人次", "Need units"),
    "members": ("成员校", "Member schools"),
    "policy": ("政策参数", "Policy"),
    "preset": ("政策预设", "Policy preset"),
    "param": ("参数", "Parameter"),
    "source": ("依据条款", "Source clause"),
    "override": ("改为", "Override"),
    "time_limit": ("求解时限（秒）", "Time limit (s)"),
    "allow_shortfall": ("允许比例不足（无可行方案时）", "Allow quota shortfall (if infeasible)"),
    "solve_btn": ("开始求解", "Solve"),
    "stop_btn": ("停止", "Stop"),
    "state": ("状态", "State"),
    "level": ("目标层级", "Level"),
    "best": ("当前最优", "Best"),
    "bound": ("界", "Bound"),
    "elapsed": ("用时（秒）", "Elapsed (s)"),
    "queued": ("排队中", "queued"),
    "running": ("求解中", "running"),
    "done": ("已完成", "done"),
    "failed": ("失败", "failed"),
    "cancelled": ("已停止", "cancelled"),
    "log": ("求解日志", "Solver log"),
    "coverage": ("各成员校需求覆盖率（按学年）", "Coverage by school and year"),
    "rules": ("规则检查：要求与实际", "Rule checks: required and achieved"),
    "rule": ("规则", "Rule"),
    "group": ("集团", "Group"),
    "year": ("学年", "Year"),
    "scope": ("范围", "Scope"),
    "required": ("要求", "Required"),
    "achieved": ("实际", "Achieved"),
    "status": ("结果", "Status"),
    "note": ("说明", "Note"),
    "roster": ("交流名单", "Roster"),
    "filter": ("筛选（姓名、学校、学科…）", "Filter (name, school, subject...)"),
    "staff_id": ("工号", "Staff id"),
    "person": ("姓名", "Name"),
    "home": ("派出学校", "From"),
    "to_school": ("交流到", "To"),
    "subject": ("学科", "Subject"),
    "position": ("职务", "Position"),
    "start": ("起", "Start"),
    "end": ("止", "End"),
    "term": ("年限", "Term"),
    "actions": ("调整", "Adjust"),
    "pin": ("保留", "Pin"),
    "ban": ("不派", "Ban"),
    "unpin": ("取消", "Undo"),
    "pins": ("已保留", "Pinned"),
    "bans": ("不派出", "Banned"),
    "resolve_btn": ("按调整重新求解", "Re-solve with adjustments"),
    "explain": ("人员说明", "Person"),
    "explaining": ("正在计算（约几秒）…", "Working (a few seconds)..."),
    "checks": ("该人员的规则检查", "This person's rule checks"),
    "serves": ("服务的需求与比例", "Needs and quotas served"),
    "publish": ("发布方案", "Publish the plan"),
    "by": ("发布人", "Published by"),
    "publish_btn": ("发布", "Publish"),
    "published_ok": ("已发布为第 {version} 版。", "Published as version {version}."),
    "replan": ("从已发布方案重排", "Replan from the published plan"),
    "from_year": ("从学年", "From year"),
    "replan_btn": ("重排", "Replan"),
    "changes": ("变更及原因", "Changes and reasons"),
    "kind": ("变更", "Change"),
    "before": ("原安排", "Before"),
    "after": ("新安排", "After"),
    "reason": ("原因", "Reason"),
    "downloads": ("下载", "Downloads"),
    "dl_roster": ("交流名单及通知（Excel）", "Roster and notices (Excel)"),
    "dl_json": ("方案 JSON", "Plan JSON"),
    "plans": ("档案库中的方案", "Plans in the archive"),
    "plan": ("方案", "Plan"),
    "objective": ("目标值", "Goals"),
    "audit_ok": ("独立审核：全部规则满足", "Independent audit: every rule holds"),
    "audit_bad": ("独立审核：有违反", "Independent audit: violations"),
    "lowest": ("覆盖率最低", "lowest share"),
    "lang_switch": ("English", "中文"),
    "none": ("无", "none"),
    "ok": ("满足", "ok"),
    "violated": ("违反", "violated"),
    "uploading": ("正在读取工作簿…", "Reading the workbook..."),
    "scenario_ok": ("工作簿无问题。", "No problems in the workbook."),
    "coverage_total": ("总覆盖", "Coverage"),
    "fairness": ("最低覆盖率", "Lowest share"),
    "note_pub": ("备注", "Note"),
    "draft": ("草稿", "draft"),
    "published": ("已发布", "published"),
    "select_plan": ("查看", "View"),
    "optimal": ("最优", "optimal"),
    "feasible": ("可行（未证明最优）", "feasible (not proven optimal)"),
    "age": ("岁", "years old"),
}


def text(key: str, lang: str = "zh", **params: Any) -> str:
    zh, en = TEXTS.get(key, LABELS.get(key, (key, key)))
    template = en if lang == "en" else zh
    try:
        return template.format(**params)
    except (KeyError, IndexError):
        return template


def labels(lang: str) -> dict[str, str]:
    i = 1 if lang == "en" else 0
    return {k: v[i] for k, v in LABELS.items()}


def request_lang(request: Any, default: str) -> str:
    """The language asked for by ``?lang=`` or the ``lang`` cookie, else ``default``."""
    lang = request.query_params.get("lang") or request.cookies.get("lang") or default
    return lang if lang in LANGS else default
