import datetime

import factory
import wagtail_factories
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.utils import timezone
from taggit.models import Tag

from cms.models import (
    AccountProfile,
    DeliveryAttempt,
    FederationSettings,
    GroupRole,
    HomePage,
    MemberSociety,
    MessageState,
    Mode,
    NewsIndexPage,
    NewsPage,
    NewsPageTag,
    Notification,
    NotificationPreference,
    OutboxAttachment,
    OutboxMessage,
    StandardPage,
    Workstream,
)
from cms.roles import Role, group_for


class HomePageFactory(wagtail_factories.PageFactory):
    title = "首页"

    class Meta:
        model = HomePage


class StandardPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"关于联合体{n}")

    class Meta:
        model = StandardPage


class NewsIndexPageFactory(wagtail_factories.PageFactory):
    title = "新闻动态"

    class Meta:
        model = NewsIndexPage


def news_body(paragraphs=(), captions=()):
    """StreamField raw data: paragraphs then captioned pictures."""
    data = [{"type": "paragraph", "value": f"<p>{text}</p>"} for text in paragraphs]
    data += [{"type": "image", "value": {"image": None, "caption": c}} for c in captions]
    return data


class NewsPageFactory(wagtail_factories.PageFactory):
    title = factory.Sequence(lambda n: f"联合体召开第{n}次工作会议")
    date = factory.Sequence(lambda n: datetime.date(2021, 1, 1) + datetime.timedelta(days=n))
    lead = "会议在线召开。"
    body = factory.LazyFunction(lambda: news_body(["会议由秘书长主持。"]))

    class Meta:
        model = NewsPage


class MemberSocietyFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"中国测试学会{n}")
    abbreviation = factory.Sequence(lambda n: f"CTS{n}")

    class Meta:
        model = MemberSociety


class WorkstreamFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"板块{n}")
    order = factory.Sequence(lambda n: 100 + n)

    class Meta:
        model = Workstream
        django_get_or_create = ["name"]


class UserFactory(factory.django.DjangoModelFactory):
    """A user; `roles=[Role.EXPERT, …]` puts them in those roles' groups (made through
    `cms.roles.group_for`, never looked up in the demo data), `societies=[…]` in those member
    societies' groups, `verified=True` verifies their email as the link does (which makes them
    an applicant), `admin=True` lets them into the Wagtail admin."""

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda o: f"{o.username}@example.org")
    password = factory.django.Password("x-secret-1234")

    class Meta:
        model = get_user_model()
        skip_postgeneration_save = True

    @factory.post_generation
    def roles(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(group_for(role) for role in extracted))

    @factory.post_generation
    def societies(self, create, extracted, **kwargs):
        if create and extracted:
            self.groups.add(*(society.group for society in extracted))

    @factory.post_generation
    def verified(self, create, extracted, **kwargs):
        if create and extracted:
            from cms.accounts import mark_email_verified

            mark_email_verified(self)

    @factory.post_generation
    def admin(self, create, extracted, **kwargs):
        if create and extracted:
            access = Permission.objects.get(
                content_type__app_label="wagtailadmin", codename="access_admin"
            )
            self.user_permissions.add(access)


class AccountProfileFactory(factory.django.DjangoModelFactory):
    """An expert's profile (organisation, society); `verified=True` for a verified address."""

    user = factory.SubFactory(UserFactory)
    organisation = "某某大学"

    class Meta:
        model = AccountProfile
        django_get_or_create = ["user"]

    class Params:
        verified = factory.Trait(
            email_verified_at=factory.LazyFunction(timezone.now),
            verified_email=factory.SelfAttribute("user.email"),
        )


class GroupFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"用户组{n}")

    class Meta:
        model = Group
        django_get_or_create = ["name"]


class GroupRoleFactory(factory.django.DjangoModelFactory):
    """The record of which group plays a role (the expert's by default); `group_for` makes the
    same when a role's group is first needed."""

    group = factory.SubFactory(GroupFactory)
    code = Role.EXPERT

    class Meta:
        model = GroupRole
        django_get_or_create = ["code"]


class FederationSettingsFactory(factory.django.DjangoModelFactory):
    """The federation's settings of a site (a new site with its own root page unless given)."""

    site = factory.SubFactory(wagtail_factories.SiteFactory)
    address = "北京市海淀区"
    phone = "010-68799025"
    email = "imac@example.org"

    class Meta:
        model = FederationSettings
        django_get_or_create = ["site"]


class TagFactory(factory.django.DjangoModelFactory):
    name = factory.Sequence(lambda n: f"智能制造{n}")
    slug = factory.Sequence(lambda n: f"news-tag-{n}")

    class Meta:
        model = Tag
        django_get_or_create = ["name"]


class NewsPageTagFactory(factory.django.DjangoModelFactory):
    """A tag on a news page."""

    content_object = factory.SubFactory(NewsPageFactory)
    tag = factory.SubFactory(TagFactory)

    class Meta:
        model = NewsPageTag


class OutboxMessageFactory(factory.django.DjangoModelFactory):
    """A message waiting in the 发件箱 (`cms.notifications`), written as `notify` writes it."""

    recipient = factory.SubFactory(UserFactory)
    address = factory.LazyAttribute(lambda o: o.recipient.email)
    kind = "cms.verify_email"
    subject = "请验证您的邮箱 - 中国科协智能制造学会联合体"
    text_body = "感谢您注册中国科协智能制造学会联合体申报账号。"
    next_attempt_at = factory.LazyFunction(timezone.now)

    class Meta:
        model = OutboxMessage


class OutboxAttachmentFactory(factory.django.DjangoModelFactory):
    """A Word file a mail carries, as `notify(..., attachments=…)` stores it."""

    message = factory.SubFactory(OutboxMessageFactory)
    filename = "申报回执-2024-000001.docx"
    content_type = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    file = factory.django.FileField(filename="receipt.docx", data=b"PK\x03\x04")

    class Meta:
        model = OutboxAttachment


class DeliveryAttemptFactory(factory.django.DjangoModelFactory):
    message = factory.SubFactory(OutboxMessageFactory)
    outcome = MessageState.DEFERRED
    error = "SMTP 451 4.3.0 Temporary failure, try again later"

    class Meta:
        model = DeliveryAttempt


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread item of a person's inbox (通知)."""

    recipient = factory.SubFactory(UserFactory)
    kind = "cms.digest"
    subject = factory.Sequence(lambda n: f"第{n}条通知")
    text = "您的申报已获学会推荐。"
    link = "http://testserver/accounts/nominations/"
    mode = Mode.EMAIL

    class Meta:
        model = Notification


class NotificationPreferenceFactory(factory.django.DjangoModelFactory):
    user = factory.SubFactory(UserFactory)
    kind = factory.Sequence(lambda n: f"tests.kind{n}")
    mode = Mode.OFF

    class Meta:
        model = NotificationPreference
