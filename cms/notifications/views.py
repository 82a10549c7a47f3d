"""The public site's side: a person's inbox (通知), marking read, the preferences page and the
one-click unsubscribe link. Every view reads only the signed-in person's own rows."""

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_POST

from cms.models import Mode, Notification
from cms.notifications.inbox import inbox_of, mark_all_read, mark_read, unread_count
from cms.notifications.preferences import preferences_of, read_unsubscribe_token, set_mode

PER_PAGE = 20


def inbox_page(request, template):
    items = inbox_of(request.user).only(
        "pk", "kind", "subject", "text", "link", "created_at", "read_at"
    )
    page = Paginator(items, PER_PAGE).get_page(request.GET.get("page"))
    return render(request, template, {"page_obj": page, "unread": unread_count(request.user)})


@login_required
def inbox(request):
    return inbox_page(request, "cms/notifications/inbox.html")


def _back(request, default):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return redirect(target)
    return redirect(default)


@login_required
@require_POST
def read(request, pk):
    # Another person's notification is not found, never shown.
    notification = get_object_or_404(Notification, pk=pk, recipient=request.user)
    mark_read(request.user, notification)
    return _back(request, "notifications:inbox")


@login_required
@require_POST
def read_all(request):
    count = mark_all_read(request.user)
    messages.success(request, _("已将 %(count)d 条通知标为已读。") % {"count": count})
    return _back(request, "notifications:inbox")


class PreferencesForm(forms.Form):
    def __init__(self, *args, rows, **kwargs):
        super().__init__(*args, **kwargs)
        self.rows = rows
        for kind, mode in rows:
            self.fields[kind.code] = forms.ChoiceField(
                label=kind.label,
                choices=Mode.choices,
                initial=mode,
                help_text=kind.audience,
                widget=forms.RadioSelect,
            )


def preferences_page(request, template):
    form = PreferencesForm(request.POST or None, rows=preferences_of(request.user))
    if request.method == "POST" and form.is_valid():
        for code, mode in form.cleaned_data.items():
            set_mode(request.user, code, mode)
        messages.success(request, _("通知设置已保存。"))
        return redirect(request.path)
    return render(request, template, {"form": form})


@login_required
def preferences(request):
    return preferences_page(request, "cms/notifications/preferences.html")


# The token is the authority (no sign-in, as a mail program's one-click POST has no session
# or CSRF cookie); a GET only asks, so that a mail scanner opening the link changes nothing.
@csrf_exempt
def unsubscribe(request, token):
    found = read_unsubscribe_token(token)
    if found is None:
        return render(
            request,
            "components/refused.html",
            {
                "title": _("退订链接无效"),
                "reason": _("退订链接无效或已被改动，您的通知设置没有任何更改。"),
            },
            status=400,
        )
    user, kind = found
    done = request.method == "POST"
    if done:
        set_mode(user, kind.code, Mode.OFF)
    return render(request, "cms/notifications/unsubscribe.html", {"kind": kind, "done": done})
