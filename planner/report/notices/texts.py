"""The words of the official documents, by key, in English (the msgids)
and through the message catalog (planner/locale) in Chinese.

A translator edits the catalog, never the layout. ``{...}`` are filled by
:mod:`planner.report.notices.documents`.
"""

from __future__ import annotations

from functools import cache

from planner.i18n import _, pgettext, use_language

__all__ = ["BLANK", "TEXTS", "text"]

# What a value not given in ``settings`` prints as: a line to write on.
BLANK = "________"


@cache
def _texts(lang: str) -> dict[str, str]:
    """Every text of the documents in ``lang`` (English msgids, Chinese from
    the catalog)."""
    with use_language(lang):
        return {
            "masthead": pgettext("masthead", "{bureau}"),
            "doc_number": _("No. {prefix}〔{year}〕{number}"),
            "notice_title": _("Notice to {school} on receiving exchange teachers from {year}"),
            "notice_to": _("To {school}:"),
            "notice_body": _(
                "Under the rules on teacher exchange in education groups, {n} teacher(s) of "
                "{sending} ({group}) will serve at your school from {years}, as listed in the "
                "annex."
            ),
            "notice_body2": _(
                "Please receive them by {report_date}, give them duties and manage and assess "
                "them during the exchange; at its end, send your assessment to the bureau."
            ),
            "annex_note": _("Annex: exchange teachers received by {school}"),
            "signature": _("{bureau}"),
            "seal": _("(seal)"),
            "cc": _("Copies to: {cc}"),
            "printed": _("{bureau}, issued {date}"),
            "sign_sending": _("Sending school (seal)"),
            "sign_receiving": _("Receiving school (seal)"),
            "sign_bureau": _("Education bureau (seal)"),
            "sign_date": _("Date: ____ / __ / __"),
            "annex": _("Annex"),
            "annex_title": _("{group}: exchange teachers received by {school} ({n})"),
            "annex_title_more": _(
                "{group}: exchange teachers received by {school} ({n}, continued)"
            ),
            "col_no": _("No."),
            "col_name": _("Name"),
            "col_staff_id": _("Staff id"),
            "col_subject": _("Subject"),
            "col_stage": _("Stage"),
            "col_position": _("Position"),
            "col_home": _("Sending school"),
            "col_years": _("School years"),
            "col_term": _("Years"),
            "years_span": _("{start}-{end}"),
            "letter_title": _("Teacher exchange letter"),
            "letter_to": _("Dear {name},"),
            "letter_body": _(
                "Under the rules on teacher exchange in education groups, you are to go from "
                "{home} to serve at {school} from school year {start}, for {term} year(s) "
                "({start}-{end}). "
                "Please report to {school} on {report_date}."
            ),
            "f_name": _("Name"),
            "f_staff_id": _("Staff id"),
            "f_subject": _("Subject"),
            "f_position": _("Position"),
            "f_home": _("Sending school"),
            "f_school": _("Receiving school"),
            "f_group": _("Education group"),
            "f_years": _("Term"),
            "f_term": pgettext("letter", "Years"),
            "f_report": _("Report on"),
            "term_years": _("{start}-{end}"),
            "term_count": _("{term} year(s)"),
            "index": _("Index"),
            "index_title": _("{scenario}: official documents"),
            "ix_no": _("No."),
            "ix_kind": _("Document"),
            "ix_group": _("Education group"),
            "ix_school": _("Receiving school"),
            "ix_count": _("Teachers"),
            "ix_sheet": _("Sheet"),
            "kind_notice": _("Notice to the receiving school"),
            "kind_annex": _("Annex: list of teachers"),
            "kind_letters": _("Teachers' letters"),
            "sheet_notice": pgettext("sheet name", "Notice"),
            "sheet_annex": pgettext("sheet name", "Annex"),
            "sheet_letters": pgettext("sheet name", "Letters"),
            "date": _("{y}-{m:02d}-{d:02d}"),
            "date_blank": _("____-__-__"),
            "page_footer": _("— &P —"),
        }


# key -> the text in English (the msgid); kept for readers of the table.


TEXTS: dict[str, str] = _texts("en")


def text(key: str, lang: str, **values: object) -> str:
    """The text of ``key`` in ``lang`` with ``values`` filled in."""
    return _texts("en" if lang == "en" else "zh")[key].format(**values)
