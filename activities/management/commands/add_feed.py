from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.utils.translation import gettext as _

from activities.models import Feed
from cms.models import MemberSociety


class Command(BaseCommand):
    help = "为成员学会登记一个 RSS 或 Atom 订阅源，例如：add_feed CIS https://…/feed.xml"

    def add_arguments(self, parser):
        parser.add_argument("society", help="成员学会简称，例如 CIS")
        parser.add_argument("url", help="订阅源地址（http 或 https）")
        parser.add_argument("--title", default="", help="名称（留空则取订阅源自己的标题）")
        parser.add_argument(
            "--interval", type=int, default=60, help="抓取间隔（分钟，至少 5），默认 60"
        )

    def handle(self, *args, society, url, title="", interval=60, **options):
        from activities.tasks import enqueue_ingest

        member = MemberSociety.objects.filter(abbreviation__iexact=society.strip()).first()
        if member is None:
            known = MemberSociety.objects.order_by("abbreviation").values_list(
                "abbreviation", flat=True
            )
            raise CommandError(
                _("未知的成员学会：%(society)s。可用的简称：%(known)s")
                % {"society": society, "known": "、".join(known) or _("（无）")}
            )
        url = url.strip()
        if not url.lower().startswith(("http://", "https://")):
            raise CommandError(_("订阅地址必须以 http:// 或 https:// 开头：%(url)s") % {"url": url})
        if len(url) > 1000:
            raise CommandError(_("订阅地址过长（最多 1000 个字符）"))
        if interval < 5:
            raise CommandError(
                _("抓取间隔至少 5 分钟（收到 %(interval)s）") % {"interval": interval}
            )
        existing = Feed.objects.filter(society=member, url=url).first()
        if existing is not None:
            self.stdout.write(
                _("%(society)s 已登记过这个订阅源（编号 %(id)s），未做改动：%(url)s")
                % {"society": member.abbreviation, "id": existing.pk, "url": url}
            )
            return
        with transaction.atomic():
            feed = Feed.objects.create(
                society=member, url=url, title=title.strip(), interval_minutes=interval
            )
            # The first fetch happens soon, not at the next beat; after commit, so that a
            # worker sees the feed.
            enqueue_ingest(feed.pk)
        self.stdout.write(
            _("已为 %(society)s 登记订阅源（编号 %(id)s），每 %(interval)s 分钟抓取：%(url)s")
            % {"society": member.abbreviation, "id": feed.pk, "interval": interval, "url": url}
        )
