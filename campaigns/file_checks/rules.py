"""What a slot of a campaign asks of its file (`SlotRules`, `RequiredSection`) and what a check
found (`CheckResult`)."""

from dataclasses import dataclass, field

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class RequiredSection:
    number: str  # "一", "二", … or "1", "2", …
    keywords: tuple[str, ...]  # all must appear in the section's heading paragraph
    explanation: str = ""  # the guidance the blank form prints under the heading (not content)


@dataclass(frozen=True)
class SlotRules:
    code: str  # "文件1"
    label: str  # "推荐表"
    kind: str  # "word" | "video" | "pdf"
    required: bool = True
    char_limit: int | None = None
    required_sections: tuple[RequiredSection, ...] = ()
    max_video_minutes: float | None = None
    max_size_bytes: int | None = None


@dataclass
class CheckResult:
    ok: bool
    failures: list[str] = field(default_factory=list)
    facts: dict = field(default_factory=dict)


def problem(rules, exc):
    """A refusal of `cms.upload_*` (`DocumentRejected`, `DocxUnreadable`) under the slot's code."""
    return _("%(file)s %(problem)s") % {"file": rules.code, "problem": exc.message}
