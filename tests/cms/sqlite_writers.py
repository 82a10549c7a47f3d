"""Several editors saving at once on the embedded default's SQLite file, as a web server's
threads do: run as a script by tests/cms/test_sqlite_concurrency.py (a process of its own, so
that the settings are the real ones, not the test suite's).

    python tests/cms/sqlite_writers.py DB_FILE [--threads 8] [--saves 12] [--sqlite-defaults]

Prints one JSON line: the errors seen (their messages), the revisions written and expected.
`--sqlite-defaults` drops the project's SQLite options (Django's defaults), to show what they
are for."""

import argparse
import json
import os
import sys
import threading
from pathlib import Path


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("db_file")
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--saves", type=int, default=12)
    parser.add_argument("--sqlite-defaults", action="store_true")
    args = parser.parse_args()

    sys.path.insert(0, str(Path(__file__).resolve().parents[2]))
    os.environ["DATABASE_URL"] = f"sqlite:///{args.db_file}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")
    os.environ["DEBUG"] = "false"
    import django
    from django.conf import settings

    django.setup()
    if args.sqlite_defaults:
        settings.DATABASES["default"]["OPTIONS"] = {}

    from django.contrib.auth import get_user_model
    from django.db import connection, connections
    from wagtail.models import Page, Revision

    from cms.models import StandardPage

    root = Page.get_first_root_node()
    editor = get_user_model().objects.create_superuser("writer", password="x")
    pages = [
        root.add_child(instance=StandardPage(title=f"并发页面 {n}", slug=f"writer-{n}"))
        for n in range(args.threads)
    ]
    connection.close()
    errors = []
    start = threading.Barrier(args.threads)

    def write(page_id):
        try:
            start.wait()
            for n in range(args.saves):
                try:
                    # What the editor's views do: read the page, write a revision (a
                    # transaction that reads before it writes), sometimes publish it.
                    page = Page.objects.get(pk=page_id).specific
                    page.title = f"{page.title.split('·')[0]}·第 {n + 1} 稿"
                    revision = page.save_revision(user=editor, log_action=True)
                    if n % 4 == 3:
                        revision.publish(user=editor)
                except Exception as error:
                    errors.append(f"{type(error).__name__}: {error}")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=write, args=(page.pk,)) for page in pages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    written = Revision.objects.filter(object_id__in=[str(p.pk) for p in pages]).count()
    journal = connection.cursor().execute("PRAGMA journal_mode").fetchone()[0]
    print(
        json.dumps(
            {
                "errors": errors,
                "revisions": written,
                "expected": args.threads * args.saves,
                "journal_mode": journal,
            },
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main()
