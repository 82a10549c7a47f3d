from django.core.management.base import BaseCommand, CommandError
from django.utils.translation import gettext as _

from activities.ingest import ingest_feed
from activities.models import Feed


class Command(BaseCommand):
    help = "立即抓取全部启用的订阅源（不论是否到时间），或用 --feed 只抓取一个。"

    def add_arguments(self, parser):
        parser.add_argument("--feed", type=int, help="只抓取这个编号的订阅源")

    def handle(self, *args, feed=None, **options):
        feeds = Feed.objects.select_related("society").order_by("pk")
        if feed is not None:
            feeds = feeds.filter(pk=feed)
            if not feeds.exists():
                raise CommandError(_("没有编号为 %(id)s 的订阅源") % {"id": feed})
        else:
            feeds = feeds.filter(active=True)
        for item in feeds:
            # force: due or not; an inactive feed (--feed) is reported, not fetched.
            self.stdout.write(ingest_feed(item, force=True).summary())
