"""Rendered check (issue 6): the roster of the built-in scenario and the
scenario template, printed to PDF by LibreOffice headless, are landscape,
carry their header row on every page and cut no column or Chinese text.

Runs ``scripts/render_check.py``; skipped where LibreOffice (``soffice``) or
poppler (``pdfinfo``, ``pdftotext``) is not installed. Takes about a minute.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

PROJECT = Path(__file__).resolve().parent.parent
TOOLS = ("soffice", "pdfinfo", "pdftotext")

pytestmark = pytest.mark.skipif(
    any(shutil.which(t) is None for t in TOOLS),
    reason="needs LibreOffice (soffice) and poppler-utils (pdfinfo, pdftotext)",
)


def test_rendered_roster_and_template_are_printable(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, str(PROJECT / "scripts" / "render_check.py"), "--out", str(tmp_path)],
        cwd=PROJECT,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "OK" in done.stdout
    assert len(list(tmp_path.glob("roster-zh--*.pdf"))) >= 8  # every roster sheet printed
    assert list(tmp_path.glob("template-zh--*.pdf"))
