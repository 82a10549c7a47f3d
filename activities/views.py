"""The public side of member-society activities: the filtered list, the month calendar.

Every public list, calendar and feed starts from `public_activities`: live pages that no view
restriction hides, under a live society page, with their stream fields deferred and their society
and workstream joined, so that a listing costs the same few queries whatever its length."""

import re

from django import forms
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from activities.models import ActivityKind, ActivityPage
from activities.month_calendar import month_grid, neighbour_month, reachable
from cms.filter_forms import FilterForm, ignored
from cms.models import MemberSociety, Workstream
from cms.periods import month_bounds
from cms.restrictions import public_q

ACTIVITIES_PER_PAGE = 20
MONTH_RE = re.compile(r"^(\d{4})-(\d{2})$")


def public_activities(root):
    """Live, public activities below `root` (the index or one society's page), newest first."""
    return (
        ActivityPage.objects.live()
        .filter(public_q())
        .descendant_of(root)
        # An activity stays hidden while its society's page is unpublished.
        .filter(society__activities_page__live=True)
        .defer_streamfields()
        .select_related("society", "workstream")
        .order_by("-start_date", "-pk")
    )


def overlapping(queryset, first, last):
    """Activities whose [start_date, end_date or start_date] overlaps [first, last]."""
    return queryset.filter(start_date__lte=last).filter(
        Q(end_date__gte=first) | Q(end_date__isnull=True, start_date__gte=first)
    )


class MonthField(forms.CharField):
    """`YYYY-MM` (what `<input type="month">` sends) → (year, month)."""

    default_error_messages = {
        "invalid": _("月份：“%(value)s”应写作“年-月”，例如 2021-07，已忽略这一条件。")
    }

    def to_python(self, value):
        value = super().to_python(value).strip()
        if not value:
            return None
        match = MONTH_RE.match(value)
        if match:
            year, month = int(match.group(1)), int(match.group(2))
            if reachable(year, month):
                return year, month
        raise forms.ValidationError(
            self.error_messages["invalid"], code="invalid", params={"value": value[:20]}
        )


class ActivityFilterForm(FilterForm):
    """The visitors' filter of the activities."""

    society = forms.ChoiceField(
        label=_("成员学会"),
        required=False,
        error_messages={"invalid_choice": ignored(_("成员学会"))},
    )
    workstream = forms.TypedChoiceField(
        label=_("工作板块"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": ignored(_("工作板块"))},
    )
    month = MonthField(
        label=_("月份"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"type": "month", "placeholder": "2021-07"}),
        error_messages={"max_length": _("月份：输入过长，已忽略这一条件。")},
    )
    kind = forms.ChoiceField(
        label=_("活动类型"),
        required=False,
        error_messages={"invalid_choice": ignored(_("活动类型"))},
    )

    def __init__(self, data, *, societies=(), workstreams=(), with_society=True):
        super().__init__(data)
        self.fields["society"].choices = [("", _("全部学会"))] + [
            (s.abbreviation, s.name) for s in societies
        ]
        self.fields["workstream"].choices = [("", _("全部板块"))] + [
            (w.pk, w.name) for w in workstreams
        ]
        self.fields["kind"].choices = [("", _("全部类型")), *ActivityKind.choices]
        if not with_society:
            del self.fields["society"]


def filter_form(data, with_society=True):
    """The form with its choices: societies that have a live activities page, all workstreams."""
    societies = (
        MemberSociety.objects.filter(activities_page__live=True).order_by("pk")
        if with_society
        else ()
    )
    return ActivityFilterForm(
        data,
        societies=societies,
        workstreams=Workstream.objects.all(),
        with_society=with_society,
    )


def apply_filters(queryset, filters):
    if "society" in filters:
        queryset = queryset.filter(society__abbreviation=filters["society"])
    if "workstream" in filters:
        queryset = queryset.filter(workstream_id=filters["workstream"])
    if "month" in filters:
        queryset = overlapping(queryset, *month_bounds(*filters["month"]))
    if "kind" in filters:
        queryset = queryset.filter(kind=filters["kind"])
    return queryset


def filtered_activities(root, data, with_society=True):
    """(form, filters, queryset) for the query string `data`."""
    form = filter_form(data, with_society=with_society)
    form.is_valid()
    filters = form.filters()
    return form, filters, apply_filters(public_activities(root), filters)


def paginate(request, queryset):
    paginator = Paginator(queryset, ACTIVITIES_PER_PAGE)
    try:
        return paginator.page(request.GET.get("page", 1))
    except (PageNotAnInteger, EmptyPage):
        return paginator.page(1)


def list_context(request, root, with_society=True):
    form, filters, activities = filtered_activities(root, request.GET, with_society)
    page_obj = paginate(request, activities)
    return {
        "filter_form": form,
        "filters": filters,
        "filtered": bool(filters),
        "filter_notes": form.notes(),
        "page_obj": page_obj,
        "activities": page_obj.object_list,
    }


def calendar_context(request, index, year=None, month=None):
    """The month grid of `year`-`month` (this month in Asia/Shanghai without them)."""
    today = timezone.localdate()
    if year is None:
        year, month = today.year, today.month
    if not reachable(year, month):
        raise Http404
    first, last = month_bounds(year, month)
    activities = list(
        overlapping(public_activities(index), first, last).order_by("start_date", "pk")
    )
    previous, following = neighbour_month(year, month, -1), neighbour_month(year, month, 1)
    return {
        "grid": month_grid(year, month, activities, today),
        "month_start": first,
        "previous_month": previous,
        "next_month": following,
        "previous_url": _month_url(request, index, previous),
        "next_url": _month_url(request, index, following),
        "this_month_url": index.get_url(request) + index.reverse_subpage("calendar"),
        "is_this_month": (year, month) == (today.year, today.month),
    }


def _month_url(request, index, year_month):
    if year_month is None:
        return None
    year, month = year_month
    return index.get_url(request) + index.reverse_subpage(
        "calendar_month", kwargs={"year": f"{year:04d}", "month": f"{month:02d}"}
    )
