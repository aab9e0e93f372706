"""The notices workbook as PDF, through LibreOffice headless where installed.

The documents name the fonts of GB/T 9704 (仿宋, 方正小标宋简体, 宋体). LibreOffice
reads fonts through fontconfig; :data:`FONTS_CONF` (shipped beside this
module) puts a free CJK serif face after each of them, so a machine without
them prints serif text in their place instead of a sans-serif fallback.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from planner.i18n import _

__all__ = ["FONTS_CONF", "convert_to_pdf", "soffice", "to_pdf"]

FONTS_CONF = Path(__file__).with_name("fonts.conf")


def soffice() -> str | None:
    """The LibreOffice command (``soffice`` or ``libreoffice``), or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def to_pdf(workbook: Path, out_dir: Path | None = None, timeout: float = 600) -> Path:
    """Convert ``workbook`` to PDF beside it (or in ``out_dir``); the PDF's path.

    Raises :class:`FileNotFoundError` without LibreOffice and
    :class:`RuntimeError` when it writes no PDF.
    """
    target_dir = out_dir or workbook.parent
    done = convert_to_pdf([workbook], target_dir, timeout)
    pdf = target_dir / f"{workbook.stem}.pdf"
    if done.returncode != 0 or not pdf.exists():
        raise RuntimeError(
            _("LibreOffice wrote no PDF: {output}").format(
                output=done.stderr.strip() or done.stdout
            )
        )
    return pdf


def convert_to_pdf(
    workbooks: Sequence[Path], out_dir: Path, timeout: float = 600
) -> subprocess.CompletedProcess[str]:
    """Run LibreOffice headless on ``workbooks``, writing ``NAME.pdf`` into
    ``out_dir``, with a private profile (a LibreOffice the user has open does
    not get in the way) and the documents' fonts (:data:`FONTS_CONF`, unless
    the environment names a fontconfig file of its own)."""
    command = soffice()
    if command is None:
        raise FileNotFoundError(_("LibreOffice (soffice) is not installed"))
    env = dict(os.environ)
    env.setdefault("FONTCONFIG_FILE", str(FONTS_CONF))
    with tempfile.TemporaryDirectory(prefix="lo-profile-") as profile:
        return subprocess.run(
            [
                command,
                f"-env:UserInstallation={Path(profile).as_uri()}",
                "--headless",
                "--convert-to",
                "pdf",
                "--outdir",
                str(out_dir),
                *map(str, workbooks),
            ],
            capture_output=True,
            text=True,
            timeout=timeout,
            env=env,
        )
