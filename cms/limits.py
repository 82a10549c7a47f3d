"""Limits on what a stranger can make the site do over and over.

Sign-in (the public page and the Wagtail admin alike, through `authenticate`): django-axes, ten
wrong passwords in a row for one username lock that username for 15 minutes, whatever the
address they come from, and every further attempt during the lock (right or wrong) is refused
and starts the 15 minutes again; a successful sign-in resets the count. The refusal is the login
page again, status 429, saying in Chinese how long to wait (`lockout_response`).

Mails (registration, the verification link, password reset): a count per action and per person
or address in Django's cache (Redis in production, shared by every worker), in a fixed window
(`MAIL_LIMITS`); past it the form is refused with the wait time and no mail is sent."""

import math
import time

from axes.backends import AxesStandaloneBackend
from django.conf import settings
from django.core.cache import cache
from django.shortcuts import render
from django.utils.translation import gettext as _

# action → (how many, in how many seconds)
MAIL_LIMITS = {
    "register": (5, 3600),  # new accounts from one address
    "verify": (3, 3600),  # verification links resent to one account
    "verify-address": (3, 3600),  # verification mails to one e-mail address
    "verify-ip": (10, 3600),  # verification mails asked for from one address
    "reset": (3, 3600),  # password-reset mails to one e-mail address
    "reset-ip": (10, 3600),  # password-reset requests from one address
}


def wait_text(seconds):
    minutes = max(1, math.ceil(seconds / 60))
    return _("%(minutes)d 分钟") % {"minutes": minutes}


class LimitReached(Exception):
    def __init__(self, wait, action=""):
        super().__init__(wait)
        self.wait = wait  # seconds
        self.action = action  # the limit reached, of MAIL_LIMITS


def _key(action, who):
    return f"lianhe-limit:{action}:{who}"


def check(action, who):
    """LimitReached if one more `action` by `who` would be past the limit; counts nothing."""
    limit, _window = MAIL_LIMITS[action]
    started = cache.get(_key(action, who))
    now = time.time()
    if started is not None and started[1] > now and started[0] >= limit:
        raise LimitReached(started[1] - now, action)


def count(action, who):
    """Count one more `action` by `who`; LimitReached (with the seconds to wait) past the limit,
    and then nothing is counted."""
    check(action, who)
    _limit, window = MAIL_LIMITS[action]
    key = _key(action, who)
    # The window starts with the first request: its end is stored beside the count.
    started = cache.get(key)
    now = time.time()
    if started is None or started[1] <= now:
        cache.set(key, (1, now + window), window)
        return
    used, ends = started
    cache.set(key, (used + 1, ends), max(1, int(ends - now)))


def count_each(pairs):
    """Count one more of each (action, who), or, when any is past its limit, none of them."""
    for action, who in pairs:
        check(action, who)
    for action, who in pairs:
        count(action, who)


def client_address(request):
    return request.META.get("REMOTE_ADDR", "")


# --- sign-in ------------------------------------------------------------------------------------


class LoginLimitBackend(AxesStandaloneBackend):
    """Axes' check in front of the model backend. Only requests are limited: `authenticate`
    without one (the test client's `login`, management commands) is not a sign-in attempt
    from the web, and axes would refuse to work without it."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        if request is None:
            return None
        return super().authenticate(request, username=username, password=password, **kwargs)


def lockout_response(request, original_response=None, credentials=None):
    """The sign-in page again (the admin's or the site's), status 429, saying how long to wait."""
    minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
    message = _("登录失败次数过多，该账号已暂时锁定。请 %(wait)s后再试。") % {
        "wait": wait_text(minutes * 60)
    }
    admin = request.path.startswith("/admin/")
    template = "wagtailadmin/login.html" if admin else "registration/login.html"
    from django.contrib.auth.forms import AuthenticationForm
    from wagtail.admin.forms.auth import LoginForm

    form = (LoginForm if admin else AuthenticationForm)(request)
    return render(
        request,
        template,
        {"form": form, "lockout_message": message, "next": request.POST.get("next", "")},
        status=429,
    )
