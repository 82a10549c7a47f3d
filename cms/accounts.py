"""Accounts on the public site: registration, email verification, resending the link.

An applicant registers with a username, an email address and a password, and is logged in at
once; a link signed with `django.core.signing` goes to the address. Following it marks the address
verified and puts the account in the 申报单位 group. Until then the account cannot submit
anything (the apps ask `is_email_verified`)."""

from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model, login
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import UserCreationForm
from django.core import signing
from django.db import transaction
from django.shortcuts import redirect, render, resolve_url
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST
from wagtail.admin.forms.auth import PasswordResetForm as WagtailPasswordResetForm

from cms import limits
from cms.models import AccountProfile
from cms.roles import Role, group_for

VERIFY_SALT = "lianhe.accounts.verify-email"
VERIFY_MAX_AGE = 7 * 24 * 3600  # seconds a verification link stays valid


# --- services ---------------------------------------------------------------------------------


def is_email_verified(user):
    """Whether `user`'s current email address has been verified."""
    if not getattr(user, "is_authenticated", False) or not user.email:
        return False
    try:
        profile = user.account_profile
    except AccountProfile.DoesNotExist:
        return False
    return bool(profile.email_verified_at and profile.verified_email.lower() == user.email.lower())


def verification_token(user):
    return signing.dumps({"user": user.pk, "email": user.email.lower()}, salt=VERIFY_SALT)


def user_for_token(token):
    """The user a verification token was made for, or None if it is forged, expired or for an
    address the account no longer has."""
    try:
        data = signing.loads(token, salt=VERIFY_SALT, max_age=VERIFY_MAX_AGE)
    except signing.BadSignature:  # SignatureExpired is a BadSignature
        return None
    user = get_user_model().objects.filter(pk=data.get("user"), is_active=True).first()
    if user is None or user.email.lower() != data.get("email"):
        return None
    return user


@transaction.atomic
def mark_email_verified(user):
    """Record `user`'s address as verified and make the account an applicant (申报单位). Safe to
    call again."""
    profile, _created = AccountProfile.objects.get_or_create(user=user)
    if not is_email_verified(user):
        profile.email_verified_at = timezone.now()
        profile.verified_email = user.email
        profile.save(update_fields=["email_verified_at", "verified_email"])
        user.account_profile = profile
    user.groups.add(group_for(Role.APPLICANT))
    return profile


def applicant_home():
    """Where a verified applicant goes next: settings.LIANHE_APPLICANT_HOME, a URL name the
    settings give (cms names no app's URL)."""
    return resolve_url(settings.LIANHE_APPLICANT_HOME)


def site_link(path):
    """A full link to `path` on the site: the configured address (settings.LIANHE_BASE_URL),
    never the Host header a request came with."""
    return settings.LIANHE_BASE_URL + path


def send_verification_email(request, user):
    """The link, through the outbox (`cms.notifications`): sent once the account is saved, and
    shown in 发件箱 with the mail server's answer. The caller has counted the limits
    (`count_verification_mail`)."""
    from cms.notifications import notify
    from cms.notifications.registrations import VERIFY_EMAIL_KIND

    link = reverse("verify_email", args=[verification_token(user)])
    notify(user, VERIFY_EMAIL_KIND, {"user": user, "days": VERIFY_MAX_AGE // 86400}, link)


def count_verification_mail(request, email, account=None):
    """Count one more verification mail to `email` (for `account`, when it exists) asked for
    from the request's address; LimitReached (nothing counted) past any limit."""
    pairs = [("verify", account.pk)] if account is not None else []
    pairs += [
        ("verify-address", email.strip().lower()),
        ("verify-ip", limits.client_address(request)),
    ]
    limits.count_each(pairs)


def limit_message(reached):
    wait = limits.wait_text(reached.wait)
    if reached.action == "register":
        return _("来自您所在网络的注册过多，请 %(wait)s后再试。") % {"wait": wait}
    if reached.action == "verify-address":
        return _("发往该邮箱的验证邮件过多，请 %(wait)s后再试。") % {"wait": wait}
    return _("验证邮件发送次数过多，请 %(wait)s后再试。") % {"wait": wait}


# --- forms ------------------------------------------------------------------------------------


class RegistrationForm(UserCreationForm):
    email = forms.EmailField(
        label=gettext_lazy("邮箱"),
        max_length=254,
        help_text=gettext_lazy("用于接收验证邮件和申报通知，验证后才能提交申报。"),
    )

    class Meta(UserCreationForm.Meta):
        model = get_user_model()
        fields = ("username", "email")

    def clean_email(self):
        email = self.cleaned_data["email"].strip()
        if get_user_model().objects.filter(email__iexact=email).exists():
            raise forms.ValidationError(
                _("邮箱：%(email)s 已被其他账号使用，请直接登录或换一个邮箱。") % {"email": email},
                code="duplicate_email",
            )
        return email


class LimitedPasswordResetForm(WagtailPasswordResetForm):
    """Wagtail's password reset, at most `limits.MAIL_LIMITS["reset"]` mails to one address an
    hour: past it the form says how long to wait and no mail goes out."""

    def clean(self):
        cleaned = super().clean()
        email = (cleaned.get("email") or "").strip().lower()
        if email:
            try:
                limits.count("reset", email)
            except limits.LimitReached as reached:
                raise forms.ValidationError(
                    _("发往该邮箱的重置密码邮件过多，请 %(wait)s后再试。")
                    % {"wait": limits.wait_text(reached.wait)},
                    code="rate_limited",
                ) from None
        return cleaned


# --- views ------------------------------------------------------------------------------------


def _safe_next(request):
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""


def register(request):
    if request.user.is_authenticated:
        return redirect("verify_email_sent")
    form = RegistrationForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            limits.check("register", limits.client_address(request))
            count_verification_mail(request, form.cleaned_data["email"])
            limits.count("register", limits.client_address(request))
        except limits.LimitReached as reached:
            form.add_error(None, limit_message(reached))
            return render(
                request,
                "registration/register.html",
                {"form": form, "next": _safe_next(request)},
                status=429,
            )
        user = form.save()
        login(request, user, backend="django.contrib.auth.backends.ModelBackend")
        send_verification_email(request, user)
        if next_url := _safe_next(request):
            request.session["after_verification"] = next_url
        return redirect("verify_email_sent")
    return render(
        request, "registration/register.html", {"form": form, "next": _safe_next(request)}
    )


@login_required
def verify_email_sent(request):
    return render(
        request,
        "registration/verify_email_sent.html",
        {"verified": is_email_verified(request.user), "applicant_home": applicant_home()},
    )


def verify_email(request, token):
    user = user_for_token(token)
    if user is None:
        return render(request, "registration/verify_email_failed.html", status=400)
    mark_email_verified(user)
    next_url = request.session.pop("after_verification", "")
    context = {"next": next_url, "applicant_home": applicant_home()}
    return render(request, "registration/verify_email_done.html", context)


@login_required
@require_POST
def resend_verification(request):
    if is_email_verified(request.user):
        messages.info(request, _("您的邮箱已经验证过了。"))
        return redirect("verify_email_sent")
    try:
        count_verification_mail(request, request.user.email, account=request.user)
    except limits.LimitReached as reached:
        messages.error(request, limit_message(reached))
    else:
        send_verification_email(request, request.user)
        messages.success(
            request, _("验证邮件已重新发送至 %(email)s。") % {"email": request.user.email}
        )
    return redirect("verify_email_sent")
