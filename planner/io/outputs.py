"""Output files: checked before any work, written atomically.

:func:`check_outputs` is called by every command that writes a file, before
it reads or solves anything: no output may be an input (the scenario, the
built-in scenario when none is given, the policy file, the previous plan) or
another output, and each output's directory must be writable. A problem
raises :class:`OutputPathError` with a one-line message.

:func:`write_atomic` writes a file through a temporary file beside it,
named ``.NAME.PID-XXXX.planner.tmp`` so that a later run recognises the
leftovers of a killed run (whose process is gone) and removes them. The file
gets the permissions of the file it replaces, else those the umask gives a
new file; a symbolic link is followed (its target is written, the link kept).
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

from planner.i18n import _, use_language

__all__ = ["OutputPathError", "check_outputs", "remove_stale_temps", "write_atomic"]

# Every message of this module ({option}, {path}: the option and its path),
# translated when said (planner.i18n).
_MESSAGES: dict[str, Callable[[], str]] = {
    "same_input": lambda: _(
        "{option} {path}: this is an input file ({source}) and is never overwritten; "
        "choose another output name."
    ),
    "same_output": lambda: _(
        "{option} and {other} are the same file {path}; give the two outputs different names."
    ),
    "is_dir": lambda: _("{option} {path}: this is a directory, not a file; give a file name."),
    "parent_file": lambda: _(
        "{option} {path}: {parent} is a file, not a directory; choose another place."
    ),
    "not_writable": lambda: _(
        "{option} {path}: cannot write in the directory {parent} ({error}); "
        "choose a writable place."
    ),
}

_TEMP_SUFFIX = ".planner.tmp"


class OutputPathError(ValueError):
    """An output path that cannot or must not be written (exit 2)."""


def _say(key: str, lang: str, **values: object) -> str:
    """The message ``key`` in ``lang`` with ``values`` filled in."""
    with use_language(lang):
        return _MESSAGES[key]().format(**values)


def _same_file(a: Path, b: Path) -> bool:
    if os.path.realpath(a) == os.path.realpath(b):
        return True
    try:
        return a.exists() and b.exists() and os.path.samefile(a, b)
    except OSError:
        return False


def check_outputs(
    outputs: Sequence[tuple[str, Path | None]],
    inputs: Sequence[tuple[str, Path | None]],
    lang: str = "zh",
) -> None:
    """Refuse an output that is an input or another output, or cannot be written.

    ``outputs`` and ``inputs`` are (what it is, e.g. ``--json``; path or
    None) pairs. Raises :class:`OutputPathError` for the first problem.
    """
    given = [(name, Path(path)) for name, path in outputs if path is not None]
    sources = [(name, Path(path)) for name, path in inputs if path is not None]
    for i, (name, path) in enumerate(given):
        for source_name, source in sources:
            if _same_file(path, source):
                raise OutputPathError(
                    _say("same_input", lang, option=name, path=path, source=source_name)
                )
        for other_name, other in given[:i]:
            if _same_file(path, other):
                raise OutputPathError(
                    _say("same_output", lang, option=other_name, path=path, other=name)
                )
        _check_writable(name, path, lang)


def _check_writable(name: str, path: Path, lang: str) -> None:
    target = Path(os.path.realpath(path))
    if target.is_dir():
        raise OutputPathError(_say("is_dir", lang, option=name, path=path))
    parent = target.parent
    while not parent.exists():  # the writer creates missing directories
        parent = parent.parent
    if not parent.is_dir():
        raise OutputPathError(_say("parent_file", lang, option=name, path=path, parent=parent))
    probe = parent / f".{target.name}.{os.getpid()}-probe{_TEMP_SUFFIX}"
    try:
        fd = os.open(probe, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except OSError as exc:
        raise OutputPathError(
            _say(
                "not_writable",
                lang,
                option=name,
                path=path,
                parent=parent,
                error=exc.strerror or exc,
            )
        ) from None
    os.close(fd)
    probe.unlink(missing_ok=True)


_TEMP_NAME = re.compile(r"\.(?P<name>.+)\.(?P<pid>\d+)-[0-9a-z]+" + re.escape(_TEMP_SUFFIX))


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def remove_stale_temps(target: Path) -> list[Path]:
    """Remove the temporary files of ``target`` left by runs that are gone; return them."""
    removed: list[Path] = []
    try:
        entries = list(target.parent.iterdir())
    except OSError:
        return removed
    for entry in entries:
        match = _TEMP_NAME.fullmatch(entry.name)
        if match and match["name"] == target.name and not _alive(int(match["pid"])):
            try:
                entry.unlink()
            except OSError:
                continue
            removed.append(entry)
    return removed


def _new_file_mode(target: Path) -> int | None:
    """The target's own permissions if it exists (None: the umask's, as created)."""
    try:
        return target.stat().st_mode & 0o7777
    except OSError:
        return None


def write_atomic(path: str | Path, write: Callable[[Path], object]) -> Path:
    """Write ``path`` by ``write(temporary path)`` and a rename; return the file written.

    A symbolic link is followed: its target is replaced, the link stays.
    On any error the temporary file is removed and ``path`` is untouched.
    """
    target = Path(os.path.realpath(path))
    target.parent.mkdir(parents=True, exist_ok=True)
    remove_stale_temps(target)
    tmp = target.parent / f".{target.name}.{os.getpid()}-{secrets.token_hex(4)}{_TEMP_SUFFIX}"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)  # the umask applies
    os.close(fd)
    try:
        write(tmp)
        with tmp.open("r+b") as handle:
            os.fsync(handle.fileno())
        mode = _new_file_mode(target)
        if mode is not None:
            os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    return target
