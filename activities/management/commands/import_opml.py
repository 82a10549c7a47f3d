from django.core.management.base import BaseCommand, CommandError

from activities.forms import OPML_MAX_BYTES
from activities.opml import OpmlError, import_opml
from cms.models import MemberSociety


class Command(BaseCommand):
    help = "从 OPML 文件为成员学会登记订阅源：python manage.py import_opml 学会简称 文件"

    def add_arguments(self, parser):
        parser.add_argument("society", help="成员学会简称（如 CMES）或中文名称")
        parser.add_argument("file", help="OPML 文件路径")

    def handle(self, *args, **options):
        name = options["society"]
        society = (
            MemberSociety.objects.filter(abbreviation__iexact=name).first()
            or MemberSociety.objects.filter(name=name).first()
        )
        if society is None:
            raise CommandError(f"没有简称为“{name}”的成员学会。")
        try:
            with open(options["file"], "rb") as handle:
                # One byte more than allowed tells a file that is too big without reading it all.
                data = handle.read(OPML_MAX_BYTES + 1)
        except OSError as error:
            raise CommandError(f"无法读取文件 {options['file']}：{error.strerror}") from error
        if len(data) > OPML_MAX_BYTES:
            raise CommandError("文件太大：OPML 文件不能超过 1 MB。")
        try:
            result = import_opml(society, data)
        except OpmlError as error:
            raise CommandError(f"{error}（未登记任何订阅源）") from error
        self.stdout.write(f"{society.name}：{result.summary()}")
        for feed in result.created:
            self.stdout.write(f"  + {feed.url}")
