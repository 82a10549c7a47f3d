"""The twin-top-10 showcase (双十科技进展): what visitors list and filter, and the China items that
publishing a campaign's result creates.

Listings read only live, public pages with their stream fields deferred. An item's year is its
parent page, so the items of every year come in one query and are matched to their year by tree
path, never one query per item.

Publishing a result is the office's act: `create_china_items` turns the final round's selected
entries into draft AchievementPages (saved as revisions, never published here) for the editors
to complete and publish. The world list is entered by editors by hand."""

from dataclasses import dataclass, field

from django import forms
from django.db import transaction
from django.db.models import F
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log
from wagtail.models import Page

from campaigns.models import (
    AchievementPage,
    PublicNotice,
    ReviewRound,
    RoundEntry,
    ShowcaseIndexPage,
    ShowcaseListKind,
    ShowcaseYearPage,
)
from campaigns.models.review import RoundKind, RoundStatus
from campaigns.nomination_errors import ActionRefused
from campaigns.quotas import lock_campaign
from cms.filter_forms import FilterForm, ignored
from cms.models import MemberSociety
from cms.restrictions import public, public_q
from cms.roles import is_office

LIST_ORDER = {ShowcaseListKind.WORLD: 0, ShowcaseListKind.CHINA: 1}

# Ranked items first in rank order; unranked ones (editors have not set a rank yet) after them,
# in the order of the page tree.
BY_RANK = (F("rank").asc(nulls_last=True), "path")


def parent_path(page):
    return page.path[: -Page.steplen]


# --- listings ---------------------------------------------------------------------------------


def live_year_pages(index):
    """The index's live, public year pages, newest first."""
    return list(public(ShowcaseYearPage.objects.live()).child_of(index).order_by("-year"))


def live_achievements(root):
    """Live, public items under `root` (the index or one year), ready for a listing."""
    return (
        AchievementPage.objects.live()
        .filter(public_q())
        .descendant_of(root)
        .defer_streamfields()
        .select_related("recommender_society")
    )


class ShowcaseFilterForm(FilterForm):
    """The visitors' filter: every choice comes from the published items, so a select never offers
    a value that finds nothing. A value outside the choices is reported by its field's name and
    ignored."""

    year = forms.TypedChoiceField(
        label=gettext_lazy("年度"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": ignored(gettext_lazy("年度"))},
    )
    list = forms.ChoiceField(
        label=gettext_lazy("榜单"),
        required=False,
        error_messages={"invalid_choice": ignored(gettext_lazy("榜单"))},
    )
    category = forms.ChoiceField(
        label=gettext_lazy("类别"),
        required=False,
        error_messages={"invalid_choice": ignored(gettext_lazy("类别"))},
    )
    society = forms.TypedChoiceField(
        label=gettext_lazy("推荐学会"),
        required=False,
        coerce=int,
        empty_value=None,
        error_messages={"invalid_choice": ignored(gettext_lazy("推荐学会"))},
    )

    def __init__(self, data, *, years=(), categories=(), societies=(), with_year=True):
        super().__init__(data)
        self.fields["list"].choices = [("", _("全部榜单")), *ShowcaseListKind.choices]
        self.fields["category"].choices = [("", _("全部类别"))] + [(c, c) for c in categories]
        self.fields["society"].choices = [("", _("全部学会"))] + [(s.pk, s.name) for s in societies]
        if with_year:
            self.fields["year"].choices = [("", _("全部年度"))] + [(y, str(y)) for y in years]
        else:
            del self.fields["year"]


def filter_choices(root):
    """The categories and member societies of the live items under `root`."""
    items = public(AchievementPage.objects.live()).descendant_of(root)
    categories = sorted(
        items.exclude(category="").order_by().values_list("category", flat=True).distinct()
    )
    societies = MemberSociety.objects.filter(
        pk__in=items.filter(recommender_society__isnull=False).values("recommender_society")
    ).order_by("name")
    return categories, list(societies)


def apply_filters(queryset, filters, year_pages=()):
    if "year" in filters:
        year_page = next((p for p in year_pages if p.year == filters["year"]), None)
        queryset = queryset.descendant_of(year_page) if year_page else queryset.none()
    if "list" in filters:
        queryset = queryset.filter(list=filters["list"])
    if "category" in filters:
        queryset = queryset.filter(category=filters["category"])
    if "society" in filters:
        queryset = queryset.filter(recommender_society_id=filters["society"])
    return queryset


@dataclass
class YearSummary:
    page: ShowcaseYearPage
    world_count: int = 0
    china_count: int = 0
    synthetic_count: int = 0


def index_context(index, data):
    """The index: without conditions, the years newest first with their two lists' counts; with
    any condition, the matching items across the years."""
    years = live_year_pages(index)
    categories, societies = filter_choices(index)
    form = ShowcaseFilterForm(
        data, years=[p.year for p in years], categories=categories, societies=societies
    )
    form.is_valid()
    filters = form.filters()
    context = {"filter_form": form, "filters": filters, "filtered": bool(filters)}
    by_path = {p.path: p for p in years}
    if filters:
        items = []
        for item in apply_filters(live_achievements(index), filters, years):
            year_page = by_path.get(parent_path(item))
            if year_page is None:  # under an unpublished or private year
                continue
            item.year_page = year_page
            items.append(item)
        items.sort(
            key=lambda i: (
                -i.year_page.year,
                LIST_ORDER.get(i.list, 9),
                i.rank is None,
                i.rank or 0,
                i.path,
            )
        )
        context["achievements"] = items
        return context
    summaries = {p.path: YearSummary(p) for p in years}
    rows = (
        AchievementPage.objects.live()
        .filter(public_q())
        .descendant_of(index)
        .values_list("path", "list", "synthetic")
    )
    for path, list_key, synthetic in rows:
        summary = summaries.get(path[: -Page.steplen])
        if summary is None:
            continue
        if list_key == ShowcaseListKind.WORLD:
            summary.world_count += 1
        elif list_key == ShowcaseListKind.CHINA:
            summary.china_count += 1
        summary.synthetic_count += bool(synthetic)
    context["years"] = list(summaries.values())
    return context


@dataclass
class ShowcaseList:
    key: str
    label: str
    items: list = field(default_factory=list)


def year_context(year_page, data):
    """A year: its World and China lists by rank, filtered by list, category and society."""
    categories, societies = filter_choices(year_page)
    form = ShowcaseFilterForm(data, categories=categories, societies=societies, with_year=False)
    form.is_valid()
    filters = form.filters()
    lists = {key: ShowcaseList(key, label) for key, label in ShowcaseListKind.choices}
    items = apply_filters(live_achievements(year_page), filters).order_by(*BY_RANK)
    for item in items:
        if item.list in lists:
            lists[item.list].items.append(item)
    shown = [lists[filters["list"]]] if "list" in filters else list(lists.values())
    return {
        "filter_form": form,
        "filters": filters,
        "filtered": bool(filters),
        "lists": shown,
        "showcase_index": ShowcaseIndexPage.objects.filter(path=parent_path(year_page)).first(),
    }


def achievement_context(page):
    return {
        "year_page": ShowcaseYearPage.objects.filter(path=parent_path(page)).first(),
        "keywords": list(page.keywords.order_by("name")),
    }


# --- publishing a campaign's result -----------------------------------------------------------


def final_round(campaign):
    return ReviewRound.objects.filter(campaign=campaign, kind=RoundKind.FINAL).first()


def selected_entries(round_):
    """The final round's selected entries in rank order, the disqualified left out."""
    return list(
        RoundEntry.objects.filter(round=round_, advanced=True, disqualified=False)
        .select_related("nomination__recommender_society")
        .order_by(F("rank").asc(nulls_last=True), "pk")
    )


def showcase_index_for(campaign):
    """Where the year's page goes: the index already holding that year, else the first index."""
    year_page = ShowcaseYearPage.objects.filter(year=campaign.year).first()
    if year_page is not None:
        return ShowcaseIndexPage.objects.filter(path=parent_path(year_page)).first()
    return ShowcaseIndexPage.objects.order_by("path").first()


def can_create_china_items(user, campaign):
    """(allowed, reason): only the office, and only once the final round's result is confirmed
    by the panel chair and any public notice has ended."""
    from cms.cn_dates import cn_date

    if not getattr(user, "is_authenticated", False):
        return False, _("请先登录。")
    if not is_office(user):
        return False, _("只有联合体秘书处可以发布结果、生成双十条目。")
    round_ = final_round(campaign)
    if round_ is None:
        return False, _("“%(campaign)s”还没有终评轮次，不能发布结果。") % {
            "campaign": campaign.title
        }
    if round_.status != RoundStatus.CONFIRMED:
        return False, _(
            "终评结果尚未由评审组长确认（当前状态：%(status)s），确认后才能发布结果。"
        ) % {"status": round_.get_status_display()}
    notice = PublicNotice.objects.filter(campaign=campaign).first()
    if notice is not None and notice.closed_at is None:
        return False, _("公示尚未结束（公示期至 %(date)s），公示结束后才能发布结果。") % {
            "date": cn_date(notice.ends_on)
        }
    if not selected_entries(round_):
        return False, _("终评没有入选项目（或入选项目均已取消资格），没有可生成的条目。")
    if showcase_index_for(campaign) is None:
        return False, _("尚未建立“双十科技进展”栏目，请先在页面树中添加该栏目。")
    return True, ""


@dataclass
class PublishResult:
    year_page: ShowcaseYearPage
    year_page_created: bool
    created: list
    existing: list


def free_slug(parent, slug):
    taken = set(parent.get_children().values_list("slug", flat=True))
    candidate, n = slug, 2
    while candidate in taken:
        candidate, n = f"{slug}-{n}", n + 1
    return candidate


def _ensure_year_page(campaign, user):
    year_page = ShowcaseYearPage.objects.filter(year=campaign.year).first()
    if year_page is not None:
        return year_page, False
    index = showcase_index_for(campaign)
    year_page = ShowcaseYearPage(
        title=_("%(year)s 年智能制造“双十”科技进展") % {"year": campaign.year},
        slug=free_slug(index, str(campaign.year)),
        year=campaign.year,
        campaign=campaign,
        live=False,
    )
    index.add_child(instance=year_page)
    year_page.save_revision(user=user)
    log(instance=year_page, action="wagtail.create", user=user)
    return year_page, True


def create_china_items(campaign, user):
    """Publish `campaign`'s result: the year's page (a draft, if there is none) and one draft China
    item per selected entry of the confirmed final round, numbered in rank order without the
    disqualified. Safe to repeat: an entry that already has an item (in any state, however edited)
    gets no second one. Raises `ActionRefused` with the reason, and then changes nothing."""
    with transaction.atomic():
        lock_campaign(campaign.pk)  # two clicks at once still create each item once
        allowed, reason = can_create_china_items(user, campaign)
        if not allowed:
            raise ActionRefused(reason)
        entries = selected_entries(final_round(campaign))
        year_page, year_created = _ensure_year_page(campaign, user)
        # Any item of the nomination counts, wherever editors have moved it.
        have = dict(
            AchievementPage.objects.filter(
                nomination__in=[e.nomination_id for e in entries]
            ).values_list("nomination_id", "pk")
        )
        created, existing = [], []
        source = _("“%(campaign)s”终评结果") % {"campaign": campaign.title}
        for rank, entry in enumerate(entries, start=1):
            nomination = entry.nomination
            if nomination.pk in have:
                existing.append(have[nomination.pk])
                continue
            item = AchievementPage(
                title=nomination.project_name,
                slug=free_slug(year_page, f"china-{nomination.pk}"),
                list=ShowcaseListKind.CHINA,
                rank=rank,
                organisations=nomination.applicant_organisation,
                recommender=nomination.recommender_label[:100],
                recommender_society=nomination.recommender_society,
                category=nomination.category,
                nomination=nomination,
                source=source[:200],
                live=False,
            )
            year_page.add_child(instance=item)
            item.save_revision(user=user)
            log(instance=item, action="wagtail.create", user=user)
            created.append(item)
    return PublishResult(year_page, year_created, created, existing)


def preview_china_items(campaign):
    """What publishing would create: (rank, entry, already has an item) for the confirmation."""
    round_ = final_round(campaign)
    if round_ is None:
        return []
    entries = selected_entries(round_)
    done = set(
        AchievementPage.objects.filter(
            nomination__in=[e.nomination_id for e in entries]
        ).values_list("nomination_id", flat=True)
    )
    return [
        (rank, entry, entry.nomination_id in done) for rank, entry in enumerate(entries, start=1)
    ]
