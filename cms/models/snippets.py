import re

from django.contrib.auth.models import Group, Permission
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, FieldRowPanel
from wagtail.search import index

_SPACES = re.compile(r"\s+")
_PAREN_MAP = str.maketrans({"(": "（", ")": "）"})
_SYNONYM_SEPARATORS = re.compile(r"[,，、;；/\n]+")


def normalise_name(name):
    """Names as editors type them vary in spacing and in half/full-width brackets."""
    return _SPACES.sub("", (name or "")).translate(_PAREN_MAP)


class MemberSociety(index.Indexed, models.Model):
    name = models.CharField(_("中文名称"), max_length=100, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    abbreviation = models.CharField(_("简称"), max_length=20, unique=True)
    # Where the full name does not fit (a calendar cell): 自动化学会, not CAA.
    short_name = models.CharField(
        _("中文简称"),
        max_length=30,
        blank=True,
        help_text=_("例如：自动化学会（空则显示中文名称）"),
    )
    website = models.URLField(_("网站"), blank=True)
    logo = models.ForeignKey(
        "wagtailimages.Image",
        verbose_name=_("标志"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    member_since = models.DateField(_("加入日期"), null=True, blank=True)
    active = models.BooleanField(_("有效"), default=True)
    # The society's people: a user belongs to the societies whose groups they are in.
    group = models.OneToOneField(
        Group,
        verbose_name=_("用户组"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        editable=False,
        related_name="member_society",
    )

    panels = [
        FieldPanel("name"),
        FieldRowPanel([FieldPanel("short_name"), FieldPanel("abbreviation")]),
        FieldPanel("name_en"),
        FieldPanel("website"),
        FieldPanel("logo"),
        FieldRowPanel([FieldPanel("member_since"), FieldPanel("active")]),
    ]
    search_fields = [
        index.SearchField("name"),
        index.SearchField("name_en"),
        index.AutocompleteField("name"),
        index.FilterField("active"),
    ]

    class Meta:
        ordering = ["pk"]
        verbose_name = _("成员学会")
        verbose_name_plural = _("成员学会")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        with transaction.atomic():
            ensure_society_group(self)
            super().save(*args, **kwargs)

    @property
    def display_short_name(self):
        return self.short_name or self.name


def society_group_name(abbreviation):
    return f"成员学会·{abbreviation}"


def ensure_society_group(society):
    """Give `society` its group ("成员学会·CMES"), created with admin access so that adding a person
    to it is enough for them to work on the society's nominations; a changed abbreviation renames
    it."""
    name = society_group_name(society.abbreviation)
    group = society.group if society.group_id else None
    if group is None:
        group, created = Group.objects.get_or_create(name=name)
        if created:
            group.permissions.add(
                *Permission.objects.filter(
                    content_type__app_label="wagtailadmin", codename="access_admin"
                )
            )
        society.group = group
    elif group.name != name and not Group.objects.filter(name=name).exists():
        group.name = name
        group.save(update_fields=["name"])
    return group


class WorkstreamQuerySet(models.QuerySet):
    def match(self, name):
        """The workstream called `name` or having it as a synonym, or None."""
        wanted = normalise_name(name)
        if not wanted:
            return None
        for workstream in self:
            if wanted in workstream.all_names():
                return workstream
        return None


class Workstream(models.Model):
    name = models.CharField(_("名称"), max_length=60, unique=True)
    name_en = models.CharField(_("英文名称"), max_length=120, blank=True)
    synonyms = models.CharField(
        _("同义名称"),
        max_length=300,
        blank=True,
        help_text=_("以顿号或逗号分隔，例如：产学研融合、产学合作"),
    )
    order = models.PositiveIntegerField(_("排序"), default=0)

    objects = WorkstreamQuerySet.as_manager()

    panels = [
        FieldRowPanel([FieldPanel("name"), FieldPanel("name_en")]),
        FieldPanel("synonyms"),
        FieldPanel("order"),
    ]

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("工作板块")
        verbose_name_plural = _("工作板块")

    def __str__(self):
        return self.name

    def synonym_list(self):
        return [s.strip() for s in _SYNONYM_SEPARATORS.split(self.synonyms) if s.strip()]

    def all_names(self):
        return {normalise_name(self.name), *(normalise_name(s) for s in self.synonym_list())}
