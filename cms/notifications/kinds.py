"""The registry of notification kinds. `cms` cannot name an app, so each app declares its own
kinds with the `lianhe_notification_kinds` Wagtail hook, a callable returning `Kind`s:

    @hooks.register(NOTIFICATION_KINDS_HOOK)
    def campaigns_notification_kinds():
        return [
            Kind(
                "campaigns.nomination_endorsed",
                gettext_lazy("申报已获学会推荐"),
                audience=gettext_lazy("申报单位"),
                subject_template="campaigns/notifications/endorsed_subject.txt",
                text_template="campaigns/notifications/endorsed.txt",
            ),
        ]

`register_kind(kind)` adds one without a hook (a test's own kind). A code is the app's name, a
dot and a name, so that two apps never pick one code."""

from dataclasses import dataclass

from wagtail import hooks

from cms.models import Mode

NOTIFICATION_KINDS_HOOK = "lianhe_notification_kinds"

# The templates a kind falls back to: the subject and the text given in the context
# (`context["subject"]`, `context["message"]`), for kinds that need no wording of their own.
DEFAULT_SUBJECT_TEMPLATE = "cms/notifications/default_subject.txt"
DEFAULT_TEXT_TEMPLATE = "cms/notifications/default_body.txt"


class UnknownKind(LookupError):
    """A notify() with a code nobody registered: a programming error, not bad input."""


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    # Who receives it, in words, for the preferences page and the 发件箱 (申报单位, 评审专家 …).
    audience: str = ""
    subject_template: str = DEFAULT_SUBJECT_TEMPLATE
    text_template: str = DEFAULT_TEXT_TEMPLATE
    # The HTML body; without one the text body is shown in the HTML layout.
    html_template: str = ""
    default_mode: str = Mode.EMAIL
    # Mails a person cannot turn off (an account's own mails: the verification link); they
    # carry no unsubscribe link and appear on no preferences page.
    required: bool = False
    # Whether it also appears in the person's inbox (通知).
    inbox: bool = True
    # The roles (`cms.roles.Role`) of the people it is sent to: its preference is offered to
    # them only (an applicant is not asked about feeds). Empty: anyone.
    roles: tuple = ()

    def __post_init__(self):
        # A kind one may take out of the mail must stay somewhere: in the inbox.
        if not self.required and not self.inbox:
            raise ValueError(f"{self.code}: a kind one may turn off must appear in the inbox")


_REGISTERED = {}


def register_kind(kind):
    _REGISTERED[kind.code] = kind
    return kind


def unregister_kind(code):
    _REGISTERED.pop(code, None)


def all_kinds():
    """Every kind, by code: the hooks' and those registered directly."""
    found = {}
    for kinds_for in hooks.get_hooks(NOTIFICATION_KINDS_HOOK):
        for kind in kinds_for():
            found[kind.code] = kind
    found.update(_REGISTERED)
    return found


def get_kind(code):
    try:
        return all_kinds()[code]
    except KeyError:
        raise UnknownKind(code) from None


def kind_label(code):
    kind = all_kinds().get(code)
    return kind.label if kind else code
