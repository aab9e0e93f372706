"""The message catalogs: every message has a Chinese entry, the committed
.mo is the compiled .po, placeholders survive translation, and the language
is chosen by --lang, then the environment, else Chinese."""

from __future__ import annotations

import io
import json
import os
import re
import string
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir, extract_python
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from click.testing import CliRunner

from planner import i18n
from planner.cli import main
from planner.cli.click_text import CLICK_MODULES
from planner.i18n import _, env_language, ngettext, pgettext, rule_label, use_language
from planner.report.notices.texts import text
from planner.rules import Rule

ROOT = Path(__file__).resolve().parent.parent
LC = ROOT / "planner" / "locale" / "zh_CN" / "LC_MESSAGES"
PO, MO = LC / "planner.po", LC / "planner.mo"
CLICK_PO, CLICK_MO = LC / "click.po", LC / "click.mo"


def _catalog(po: Path = PO):  # type: ignore[no-untyped-def]
    with po.open("rb") as handle:
        return read_po(handle, locale="zh_CN")


def _extracted() -> list[tuple[str | None, str | tuple[str, ...], str]]:
    """(context, msgid, file) of every message marked in planner/, read as
    pybabel extract reads them (babel.cfg)."""
    found = []
    for filename, _line, message, _comments, context in extract_from_dir(
        str(ROOT), method_map=[("planner/**.py", "python")]
    ):
        found.append((context, message, filename))
    return found


def test_every_message_has_a_chinese_entry() -> None:
    catalog = _catalog()
    found = _extracted()
    assert len(found) > 250  # the converted modules: sanity of the extraction itself
    missing = []
    for context, message, filename in found:
        msgid = message[0] if isinstance(message, tuple) else message
        entry = catalog.get(msgid, context=context)
        strings = entry.string if entry is not None else ""
        strings = strings if isinstance(strings, tuple) else (strings,)
        if entry is None or entry.fuzzy or not all(strings):
            missing.append(f"{filename}: {msgid!r}")
    assert missing == [], "no Chinese entry (pybabel update, translate, compile):\n" + "\n".join(
        missing
    )


@pytest.mark.parametrize(("po", "mo"), [(PO, MO), (CLICK_PO, CLICK_MO)], ids=["planner", "click"])
def test_the_committed_mo_is_the_compiled_po(po: Path, mo: Path) -> None:
    compiled = io.BytesIO()
    write_mo(compiled, _catalog(po))
    assert mo.read_bytes() == compiled.getvalue(), "run pybabel compile (docs/translating.md)"


def _fields(text: str) -> set[str]:
    return {name for _lit, name, _spec, _conv in string.Formatter().parse(text) if name}


@pytest.mark.parametrize("po", [PO, CLICK_PO], ids=["planner", "click"])
def test_placeholders_survive_translation(po: Path) -> None:
    wrong = []
    for entry in _catalog(po):
        if not entry.id:
            continue
        ids = entry.id if isinstance(entry.id, tuple) else (entry.id,)
        strings = entry.string if isinstance(entry.string, tuple) else (entry.string,)
        for translated in strings:
            if _fields(translated) != _fields(ids[-1]) and _fields(translated) != _fields(ids[0]):
                wrong.append(f"{entry.id!r} -> {translated!r}")
    assert wrong == []


def test_a_message_in_each_language() -> None:
    with use_language("zh"):
        assert _("draft") == "草稿"
        assert pgettext("change", "removed") == "取消"
        assert ngettext("{n} local process", "{n} local processes", 3) == "{n} 个本地进程"
        assert rule_label(Rule.TERM) == "任期 TERM"
        assert text("date", "zh", y=2023, m=8, d=5) == "2023年8月5日"
    with use_language("en"):
        assert _("draft") == "draft"
        assert ngettext("{n} local process", "{n} local processes", 3) == "{n} local processes"
        assert rule_label(Rule.TERM) == "TERM"
    assert text("date", "en", y=2023, m=8, d=5) == "2023-08-05"


@pytest.mark.parametrize(
    ("environ", "lang"),
    [
        ({}, "zh"),
        ({"LANG": "en_US.UTF-8"}, "en"),
        ({"LANG": "zh_CN.UTF-8"}, "zh"),
        ({"LANG": "C.UTF-8"}, "zh"),
        ({"LC_ALL": "en_GB.UTF-8", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"PLANNER_LANG": "en", "LANG": "zh_CN.UTF-8"}, "en"),
        ({"PLANNER_LANG": "zh", "LANG": "en_US.UTF-8"}, "zh"),
    ],
)
def test_the_environment_chooses_the_language(environ: dict[str, str], lang: str) -> None:
    assert env_language(environ) == lang


_CLEAN_ENV = dict.fromkeys(i18n.ENV_VARS)


@pytest.mark.parametrize(
    ("args", "environ", "expected"),
    [
        ([], {}, "已存在；如需覆盖请加 --force"),
        (["--lang", "en"], {}, "exists; use --force to overwrite it"),
        (["--lang", "zh"], {"LANG": "en_US.UTF-8"}, "已存在；如需覆盖请加 --force"),
        ([], {"LANG": "en_US.UTF-8"}, "exists; use --force to overwrite it"),
        ([], {"PLANNER_LANG": "en"}, "exists; use --force to overwrite it"),
        ([], {"PLANNER_LANG": "zh", "LANG": "en_US.UTF-8"}, "已存在；如需覆盖请加 --force"),
    ],
)
def test_a_command_speaks_lang_then_the_environment_then_chinese(
    tmp_path: Path, args: list[str], environ: dict[str, str], expected: str
) -> None:
    out = tmp_path / "t.xlsx"
    out.write_bytes(b"keep")
    with use_language(None):  # no language set by the test: the command decides
        result = CliRunner().invoke(
            main, ["template", str(out), *args], env={**_CLEAN_ENV, **environ}
        )
    assert result.exit_code == 2
    assert expected in result.output
    assert out.read_bytes() == b"keep"


def test_threads_keep_their_own_language() -> None:
    seen: dict[str, str] = {}
    barrier = threading.Barrier(2)

    def serve(lang: str) -> None:
        with use_language(lang):
            barrier.wait()  # both languages set before either reads
            seen[lang] = _("draft")

    threads = [threading.Thread(target=serve, args=(lang,)) for lang in ("zh", "en")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert seen == {"zh": "草稿", "en": "draft"}


@pytest.mark.zh
def test_a_test_marked_zh_runs_in_chinese() -> None:
    assert _("draft") == "草稿"


def test_tests_run_in_english() -> None:
    assert _("draft") == "draft"


_HELP_DUMP = """
import json, click
from planner.cli import main
from planner.cli.click_text import CLICK_MODULES
def walk(group, prefix=""):
    for name, command in sorted(group.commands.items()):
        yield prefix + name, command
        if isinstance(command, click.Group):
            yield from walk(command, prefix + name + " ")
rows = []
for name, command in walk(main):
    rows.append([name, "", command.help or ""])
    rows += [[name, p.opts[0], p.help or ""] for p in command.params if isinstance(p, click.Option)]
print(json.dumps(rows))
"""
# Four English words in a row: a sentence left untranslated (rule ids such
# as COVER,FAIR are upper case and do not count).
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ENGLISH_RUN = re.compile(r"[A-Za-z]*[a-z][A-Za-z]*(?:[ ,;]+[A-Za-z]*[a-z][A-Za-z]*){3,}")


def test_every_command_and_option_has_chinese_help() -> None:
    """``--help`` texts are translated when the commands are defined, so they
    are read in a fresh interpreter started in Chinese: every command and
    every option has a help text, with Chinese in it and no English sentence
    left over (a ``_()`` inside an f-string, which extraction cannot see,
    or a help text never marked)."""
    env = {**os.environ, "PLANNER_LANG": "zh"}
    out = subprocess.run(
        [sys.executable, "-c", _HELP_DUMP], capture_output=True, text=True, env=env, check=True
    ).stdout
    rows = json.loads(out)
    assert len(rows) > 100
    missing = [f"{name} {flag}".strip() for name, flag, help in rows if not help]
    english = [
        (f"{name} {flag}".strip(), help)
        for name, flag, help in rows
        if help and (_ENGLISH_RUN.search(help) or not _CJK.search(help))
    ]
    assert not missing, f"no help text: {missing}"
    assert not english, f"English left in the Chinese help: {english}"


def test_every_click_message_has_a_chinese_entry() -> None:
    """click's own messages, as extracted from the installed click's modules
    that the planner hands its lookups (a newer click with new words fails
    here until they are translated)."""
    import click

    catalog = _catalog(CLICK_PO)
    folder = Path(click.__file__).parent
    missing = []
    for name in CLICK_MODULES:
        path = folder / f"{name.split('.')[1]}.py"
        with path.open("rb") as handle:
            for _line, _funcname, message, _comments in extract_python(
                handle, ["_", "ngettext"], [], {}
            ):
                msgid = message[0] if isinstance(message, tuple) else message
                if msgid is None:  # _(a variable): not a message of its own
                    continue
                entry = catalog.get(msgid)
                strings = entry.string if entry and isinstance(entry.string, tuple) else ()
                if entry is None or entry.fuzzy or not (strings or entry.string):
                    missing.append(f"{path.name}: {msgid!r}")
    assert missing == []


@pytest.mark.parametrize(
    ("args", "environ", "expected", "absent"),
    [
        # English first: click keeps each command's --help option once made,
        # and its text must still follow the language of the next call.
        (
            ["--help"],
            {"PLANNER_LANG": "en"},
            ["Usage: planner [OPTIONS] COMMAND [ARGS]...", "Show this message and exit."],
            "用法",
        ),
        (
            ["solve", "--time-limit", "0"],
            {},
            ["错误：", "'--time-limit' 的取值无效", "不在范围"],
            "Invalid",
        ),
        (
            ["solve", "--bogus"],
            {},
            ["错误：没有选项 '--bogus'", "运行“planner solve --help”查看帮助"],
            "No such",
        ),
        (
            ["--help"],
            {},
            ["用法： planner [选项] 命令 [参数]...", "显示此帮助并退出"],
            "OPTIONS",
        ),
        (["solve", "--help"], {}, ["用法： planner solve [选项] [SCENARIO]"], "OPTIONS"),
        (
            ["replan", "--help"],
            {},
            ["[必填]", "[默认：60.0; x>=0.1]"],
            "required",
        ),
        (
            ["solve", "--time-limit", "0"],
            {"PLANNER_LANG": "en"},
            ["Error: Invalid value for '--time-limit'", "is not in the range"],
            "错误",
        ),
    ],
)
def test_click_speaks_the_planners_language(
    args: list[str], environ: dict[str, str], expected: list[str], absent: str
) -> None:
    """Usage lines, headings and option errors, which click writes, follow
    the planner's language: Chinese unless the environment says English."""
    with use_language(None):
        result = CliRunner().invoke(main, args, env={**_CLEAN_ENV, **environ}, prog_name="planner")
    for words in expected:
        assert words in result.output
    assert absent not in result.output
