"""The subject vocabulary: what a subject cell of the needs, core_keep and
mutual sheets may say.

Known are the subjects the core schools' staff teach (the staff sheet, as
written there) and a standard list of primary and junior school subjects
with their common short forms (:data:`SUBJECT_ALIASES`: 道法 → 道德与法治).
:meth:`SubjectVocabulary.resolve` reads a subject as a person would: a known
alias or another spelling (full-width, blanks) of a taught subject becomes
the form the staff sheet uses, with a note; a standard subject nobody teaches
is kept; anything else is refused with "是否应为 …？" where a close match
exists (:mod:`difflib`).
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field

from planner.io.findings import name_key

__all__ = ["STANDARD_SUBJECTS", "SUBJECT_ALIASES", "SubjectVocabulary"]

# Subjects of primary and junior school (义务教育课程方案).
STANDARD_SUBJECTS: tuple[str, ...] = (
    "语文", "数学", "英语", "道德与法治", "历史", "地理", "物理", "化学", "生物", "科学",
    "信息技术", "音乐", "体育", "美术", "劳动", "心理健康", "书法", "综合实践", "日语", "俄语",
)  # fmt: skip

# Common other names -> the standard subject.
SUBJECT_ALIASES: dict[str, str] = {
    "道法": "道德与法治", "思品": "道德与法治", "思想品德": "道德与法治",
    "品德与社会": "道德与法治", "品德与生活": "道德与法治", "政治": "道德与法治",
    "思想政治": "道德与法治", "信息": "信息技术", "信息科技": "信息技术",
    "计算机": "信息技术", "体育与健康": "体育", "体健": "体育", "生物学": "生物",
    "外语": "英语", "英文": "英语", "心理": "心理健康", "心理健康教育": "心理健康",
    "综合实践活动": "综合实践", "劳动教育": "劳动", "艺术": "美术",
}  # fmt: skip

assert set(SUBJECT_ALIASES.values()) <= set(STANDARD_SUBJECTS)

# A note (not an error): a subject read as the staff sheet's form.
NOTE = "工作表 '{0}' 第 {1} 行 '{2}' 列：学科 '{3}' 按 '{4}' 读取（{5}）。"
_AS_TAUGHT = "教职工表的写法"
_AS_STANDARD = "标准学科名"
# The problem: a subject that is nothing known.
UNKNOWN = (
    "学科 '{0}' 不是核心校教职工所教的学科，也不是常见学科名；{1}请改用教职工表中的学科名（{2}）。"
)
_DID_YOU_MEAN = "是否应为 {0}？"


def _canonical(key: str) -> str | None:
    """The standard subject a name key means (itself or by an alias), or None."""
    return _STANDARD_KEYS.get(key) or _ALIAS_KEYS.get(key)


_STANDARD_KEYS = {name_key(s): s for s in STANDARD_SUBJECTS}
_ALIAS_KEYS = {name_key(a): s for a, s in SUBJECT_ALIASES.items()}


@dataclass
class SubjectVocabulary:
    """The subjects taught (as the staff sheet writes them) and the standard list."""

    taught: list[str]
    _by_key: dict[str, str] = field(default_factory=dict, init=False)
    _by_standard: dict[str, str] = field(default_factory=dict, init=False)

    def __post_init__(self) -> None:
        for form in self.taught:  # the first form written wins
            key = name_key(form)
            self._by_key.setdefault(key, form)
            standard = _canonical(key)
            if standard is not None:
                self._by_standard.setdefault(standard, form)

    @classmethod
    def of(cls, taught: Iterable[str]) -> SubjectVocabulary:
        return cls(list(dict.fromkeys(t for t in taught if t)))

    def resolve(self, subject: str) -> tuple[str | None, str]:
        """(the subject as read, why it was read other than written) or, when it
        is nothing known, (None, the problem's message)."""
        if subject in self._by_key.values():
            return subject, ""
        key = name_key(subject)
        if key in self._by_key:
            return self._by_key[key], _AS_TAUGHT
        standard = _canonical(key)
        if standard is not None:
            form = self._by_standard.get(standard)
            if form is not None:
                return form, _AS_TAUGHT
            return standard, (_AS_STANDARD if standard != subject else "")
        return None, self._unknown(subject)

    def _unknown(self, subject: str) -> str:
        choices: dict[str, str] = {t: t for t in self.taught}
        for name in (*STANDARD_SUBJECTS, *SUBJECT_ALIASES):
            target = _canonical(name_key(name)) or name
            choices.setdefault(name, self._by_standard.get(target, target))
        close = difflib.get_close_matches(subject, list(choices), n=1, cutoff=0.5)
        hint = _DID_YOU_MEAN.format(choices[close[0]]) if close else ""
        return UNKNOWN.format(subject, hint, "、".join(self.taught[:12]) or "—")
