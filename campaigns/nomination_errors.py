"""What the nomination services raise when they refuse: the person may not act now, or the
request's content is refused. Both carry Chinese messages for the person refused."""

from django.core.exceptions import ValidationError


class ActionRefused(Exception):
    """The user may not do this now (permission, status or deadline); `reason` says why."""

    def __init__(self, reason):
        super().__init__(reason)
        self.reason = reason


class InvalidNomination(ValidationError):
    """The request is refused for its content; the messages name the field and the limit. A dict
    keys them by form field, as `Form.add_error(None, error)` expects."""
