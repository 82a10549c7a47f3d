"""The project's Celery app, for the worker of `test_killed_worker.py`, with two places where a
pool process stalls while the file `$LIANHE_STALL_DIR/<what>` exists, leaving a
`<what>-stalled` file for the test to see before it kills the worker:

* `feed`: after the second draft of a feed is stored (the other entries are not yet);
* `export`: with the first half of a report's Word file written under its final name."""

import os
import time
from pathlib import Path

from celery.signals import worker_process_init

from cms.celery import app

__all__ = ["app"]

STALL = Path(os.environ.get("LIANHE_STALL_DIR", "/nonexistent"))


def _stall(what):
    (STALL / f"{what}-stalled").touch()
    time.sleep(120)


@worker_process_init.connect
def stall_where_asked(**kwargs):
    from django.core.files.base import ContentFile
    from django.core.files.storage import FileSystemStorage

    from activities import ingest

    store = ingest._store
    stored = []

    def stalling_store(*args, **kwargs):
        page = store(*args, **kwargs)
        stored.append(page)
        if len(stored) == 2 and (STALL / "feed").exists():
            _stall("feed")
        return page

    save = FileSystemStorage._save

    def stalling_save(self, name, content):
        if name.startswith("exports/") and (STALL / "export").exists():
            data = content.read()
            save(self, name, ContentFile(data[: len(data) // 2]))
            _stall("export")
        return save(self, name, content)

    ingest._store = stalling_store
    FileSystemStorage._save = stalling_save
