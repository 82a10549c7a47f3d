from django.core.management.base import BaseCommand

from activities.areas import sync_all_society_areas


class Command(BaseCommand):
    help = "为每个成员学会创建或更新用户组、活动页、图片集合及其权限（可重复运行）。"

    def handle(self, *args, **options):
        pages = sync_all_society_areas()
        done = [page for page in pages if page is not None]
        if len(done) < len(pages):
            self.stdout.write("尚无“成员学会活动”栏目：只更新了用户组。")
        self.stdout.write(f"已同步 {len(pages)} 个成员学会。")
