"""Admin forms for feeds: the society a user may pick is limited on the page and checked again on
the server, so a forged POST for another society is refused like any invalid input."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from activities import permissions
from activities.models import Feed
from cms.models import MemberSociety
from cms.roles import is_office

MIN_INTERVAL_MINUTES = 5
OPML_MAX_BYTES = getattr(settings, "LIANHE_OPML_MAX_BYTES", 1024 * 1024)
OTHER_SOCIETY = _("您只能为本学会登记订阅源，请从列表中选择本学会。")


def url_scheme_error(url):
    """A Chinese message when `url` is no http(s) address, else None."""
    parts = urlsplit(url or "")
    if parts.scheme.lower() not in ("http", "https") or not parts.netloc:
        return _("订阅地址必须以 http:// 或 https:// 开头。")
    return None


def _limit_societies(field, user):
    field.queryset = permissions.societies_for(user)
    field.error_messages["invalid_choice"] = OTHER_SOCIETY
    if not is_office(user) and len(field.queryset) == 1:
        # One society: nothing to choose.
        field.initial = field.queryset[0].pk
        field.empty_label = None


class FeedForm(WagtailAdminModelForm):
    class Meta:
        model = Feed
        fields = ["society", "url", "title", "active", "interval_minutes"]
        error_messages = {"url": {"invalid": _("请输入有效的订阅地址（http:// 或 https://）。")}}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        _limit_societies(self.fields["society"], self.for_user)
        self.fields["url"].help_text = _("RSS 或 Atom 订阅地址，以 http:// 或 https:// 开头")

    def clean_url(self):
        url = (self.cleaned_data.get("url") or "").strip()
        error = url_scheme_error(url)
        if error:
            raise forms.ValidationError(error)
        return url

    def clean_interval_minutes(self):
        minutes = self.cleaned_data.get("interval_minutes")
        if minutes is not None and minutes < MIN_INTERVAL_MINUTES:
            raise forms.ValidationError(
                _("抓取间隔不能少于 %(minutes)d 分钟。") % {"minutes": MIN_INTERVAL_MINUTES}
            )
        return minutes

    def clean(self):
        cleaned = super().clean()
        society, url = cleaned.get("society"), cleaned.get("url")
        if society is not None:
            allowed, reason = permissions.can_add_feed(self.for_user, society)
            if not allowed:
                self.add_error("society", reason)
                return cleaned
        if society is not None and url:
            duplicate = Feed.objects.filter(society=society, url=url)
            if self.instance.pk:
                duplicate = duplicate.exclude(pk=self.instance.pk)
            if duplicate.exists():
                self.add_error("url", _("本学会已登记过这个订阅地址，不能重复登记。"))
        return cleaned


class OpmlImportForm(forms.Form):
    society = forms.ModelChoiceField(label=_("成员学会"), queryset=MemberSociety.objects.none())
    file = forms.FileField(
        label=_("OPML 文件"),
        help_text=_("订阅列表（.opml 或 .xml），不超过 1 MB"),
    )

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        _limit_societies(self.fields["society"], user)

    def clean_society(self):
        society = self.cleaned_data["society"]
        allowed, reason = permissions.can_add_feed(self.user, society)
        if not allowed:
            raise forms.ValidationError(reason)
        return society

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > OPML_MAX_BYTES:
            raise forms.ValidationError(_("文件太大：OPML 文件不能超过 1 MB。"))
        return upload
