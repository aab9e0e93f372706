"""The notices workbook as PDF, through LibreOffice headless where installed."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from planner.i18n import _

__all__ = ["soffice", "to_pdf"]


def soffice() -> str | None:
    """The LibreOffice command (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(workbook: Path, out_dir: Path | None = None, timeout: float = 600) -> Path:
    """Convert ``workbook`` to PDF beside it (or in ``out_dir``); the PDF's path.

    Raises :class:`FileNotFoundError` without LibreOffice and
    :class:`RuntimeError` when it writes no PDF. A private LibreOffice profile
    is used, so a LibreOffice the user has open does not get in the way.
    """
    command = soffice()
    if command is None:
        raise FileNotFoundError(_("LibreOffice (soffice) is not installed"))
    target_dir = out_dir or workbook.parent
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        done = subprocess.run(
            [
                command,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(target_dir),
                str(workbook),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
        )
    pdf = target_dir / f"{workbook.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise RuntimeError(
            _("LibreOffice wrote no PDF: {output}").format(
                output=done.stderr.strip() or done.stdout
            )
        )
    return pdf
