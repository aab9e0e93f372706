"""The official documents of a plan (``planner notices``), laid out after
GB/T 9704-2012 so that a bureau can print, seal and file them.

:func:`write_notices` writes one workbook: an index sheet, then for each
receiving school (in the order of the groups and the schools sheet)

* its 接收通知: the bureau's masthead, the document number (文号), the
  title, the addressee, the body, the annex note, the bureau's signature,
  date and seal space, seal lines for the sending and the receiving school,
  and the 版记 (抄送, 印发);
* its 附件 (the list of teachers it receives): a table whose title (group
  and school) and header row are repeated on every printed page;
* the 交流通知书 of each teacher it receives, one page each: name, id,
  subject, sending and receiving school, group, term (start and end school
  year, years), reporting date, seal lines for the sending school, the
  receiving school and the bureau.

The bureau, the number, the dates and 抄送 come from the scenario's
``settings`` (:class:`planner.data.DocumentSettings`); what is not given
prints as a line to write on. Every number comes from
:func:`planner.report.tables.roster_rows`. :func:`to_pdf` converts the
workbook with LibreOffice where it is installed.
"""

from __future__ import annotations

from planner.report.notices.documents import (
    SchoolNotice,
    document_values,
    school_notices,
    write_notices,
)
from planner.report.notices.pdf import soffice, to_pdf

__all__ = [
    "SchoolNotice",
    "document_values",
    "school_notices",
    "soffice",
    "to_pdf",
    "write_notices",
]
