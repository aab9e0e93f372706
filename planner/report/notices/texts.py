"""The words of the official documents, English and Chinese (key -> (en, zh)).

Kept in one table so that a translator (or the message catalogs) can take
them over without touching the layout. ``{...}`` are filled by
:mod:`planner.report.notices.documents`.
"""

from __future__ import annotations

__all__ = ["BLANK", "TEXTS", "text"]

# What a value not given in ``settings`` prints as: a line to write on.
BLANK = "________"

TEXTS: dict[str, tuple[str, str]] = {
    # the receiving school's notice (接收通知)
    "masthead": ("{bureau}", "{bureau}文件"),
    "doc_number": ("No. {prefix}〔{year}〕{number}", "{prefix}〔{year}〕{number}号"),
    "notice_title": (
        "Notice to {school} on receiving exchange teachers from {year}",
        "关于{school}接收{year}年集团化办学交流教师的通知",
    ),
    "notice_to": ("To {school}:", "{school}："),
    "notice_body": (
        "Under the rules on teacher exchange in education groups, {n} teacher(s) of "
        "{sending} ({group}) will serve at your school from {years}, as listed in the "
        "annex.",
        "根据集团化办学教师交流轮岗有关规定，经研究，{group}核心校{sending}{n}名教师"
        "自{years}到你校交流，名单见附件。",
    ),
    "notice_body2": (
        "Please receive them by {report_date}, give them duties and manage and assess "
        "them during the exchange; at its end, send your assessment to the bureau.",
        "请你校于{report_date}前做好接收和工作安排，交流期间按规定对交流教师进行管理和考核；"
        "交流期满，由你校出具考核意见报区教育局。",
    ),
    "annex_note": (
        "Annex: exchange teachers received by {school}",
        "附件：{school}接收交流教师名单",
    ),
    "signature": ("{bureau}", "{bureau}"),
    "seal": ("(seal)", "（盖章）"),
    "cc": ("Copies to: {cc}", "抄送：{cc}。"),
    "printed": ("{bureau}, issued {date}", "{bureau}　　　　{date}印发"),
    # signature and seal lines
    "sign_sending": ("Sending school (seal)", "派出学校（盖章）"),
    "sign_receiving": ("Receiving school (seal)", "接收学校（盖章）"),
    "sign_bureau": ("Education bureau (seal)", "教育行政部门（盖章）"),
    "sign_date": ("Date: ____ / __ / __", "____年__月__日"),
    # the annex table (附件)
    "annex": ("Annex", "附件"),
    "annex_title": (
        "{group}: exchange teachers received by {school} ({n})",
        "{group}　{school}接收交流教师名单（共{n}人）",
    ),
    "annex_title_more": (
        "{group}: exchange teachers received by {school} ({n}, continued)",
        "{group}　{school}接收交流教师名单（共{n}人，续）",
    ),
    "col_no": ("No.", "序号"),
    "col_name": ("Name", "姓名"),
    "col_staff_id": ("Staff id", "工号"),
    "col_subject": ("Subject", "学科"),
    "col_stage": ("Stage", "学段"),
    "col_position": ("Position", "职务"),
    "col_home": ("Sending school", "派出学校"),
    "col_years": ("School years", "起止学年"),
    "col_term": ("Years", "年限"),
    "years_span": ("{start}-{end}", "{start}—{end}学年"),
    # the teacher's letter (交流通知书)
    "letter_title": ("Teacher exchange letter", "教师交流轮岗通知书"),
    "letter_to": ("Dear {name},", "{name}同志："),
    "letter_body": (
        "Under the rules on teacher exchange in education groups, you are to serve at "
        "{school} from school year {start}, for {term} year(s) ({start}-{end}). Please "
        "report to {school} on {report_date}.",
        "根据集团化办学教师交流轮岗有关规定，经研究，决定你自{start}学年起由{home}到{school}"
        "交流轮岗，任期{term}年（{start}—{end}学年）。请于{report_date}到{school}报到。",
    ),
    "f_name": ("Name", "姓名"),
    "f_staff_id": ("Staff id", "工号"),
    "f_subject": ("Subject", "学科"),
    "f_position": ("Position", "职务"),
    "f_home": ("Sending school", "派出学校"),
    "f_school": ("Receiving school", "接收学校"),
    "f_group": ("Education group", "教育集团"),
    "f_years": ("Term", "交流期限"),
    "f_term": ("Years", "交流年限"),
    "f_report": ("Report on", "报到日期"),
    "term_years": ("{start}-{end}", "{start}—{end}学年"),
    "term_count": ("{term} year(s)", "{term}年"),
    # the index sheet
    "index": ("Index", "目录"),
    "index_title": ("{scenario}: official documents", "{scenario}：交流轮岗公文"),
    "ix_no": ("No.", "序号"),
    "ix_kind": ("Document", "文书"),
    "ix_group": ("Education group", "教育集团"),
    "ix_school": ("Receiving school", "接收学校"),
    "ix_count": ("Teachers", "人数"),
    "ix_sheet": ("Sheet", "工作表"),
    "kind_notice": ("Notice to the receiving school", "接收通知"),
    "kind_annex": ("Annex: list of teachers", "附件名单"),
    "kind_letters": ("Teachers' letters", "交流通知书"),
    # sheet names (a school's name follows)
    "sheet_notice": ("Notice", "接收通知"),
    "sheet_annex": ("Annex", "名单"),
    "sheet_letters": ("Letters", "通知书"),
    "date": ("{y}-{m:02d}-{d:02d}", "{y}年{m}月{d}日"),
    "date_blank": ("____-__-__", "____年__月__日"),
    "page_footer": ("— &P —", "— &P —"),
}


def text(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in."""
    en, zh = TEXTS[key]
    return (zh if lang == "zh" else en).format(**values)
