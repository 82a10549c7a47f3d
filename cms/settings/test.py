import os
import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import DATABASES, cache, env, env_bool

DEBUG = False
SECRET_KEY = "test-only-key"  # noqa: S105 (tests only)
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
MEDIA_ROOT = env("MEDIA_ROOT", tempfile.mkdtemp(prefix="lianhe-test-media-"))
PRIVATE_MEDIA_ROOT = tempfile.mkdtemp(prefix="lianhe-test-private-")
CELERY_TASK_ALWAYS_EAGER = True
CELERY_BROKER_URL = "memory://localhost//"
# Local memory, whatever REDIS_URL the shell has.
CACHES = {name: cache(None, f"test-{name}") for name in ("default", "pages", "renditions")}
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LIANHE_BASE_URL = WAGTAILADMIN_BASE_URL = "http://testserver"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Tests change content through the ORM and inside transactions that never commit, so the
# page cache would never be emptied; the caching tests (tests/cms/test_caching.py) turn it on.
WAGTAIL_CACHE = False

if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3" and env_bool(
    "LIANHE_TEST_SQLITE_FILE"
):
    # The browser tests' live server answers each request in a thread of its own, as runserver
    # does. On a file, each thread has its own connection and they write concurrently with the
    # project's SQLite options, as in the demo; an in-memory database would hand every thread
    # one shared connection and hide what the demo's editors meet.
    DATABASES["default"]["TEST"] = {
        "NAME": str(Path(tempfile.gettempdir()) / f"lianhe-test-{os.getpid()}.sqlite3")
    }
