"""Settings shared by every mode. Everything that differs between machines comes from the
environment, with a default that runs on one machine with nothing installed."""

import datetime
import os
from pathlib import Path

import dj_database_url
from celery.schedules import crontab

BASE_DIR = Path(__file__).resolve().parent.parent.parent


def env(name, default=None):
    return os.environ.get(name, default)


def env_bool(name, default=False):
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name, default=""):
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


SECRET_KEY = env("SECRET_KEY", "dev-only-insecure-key-do-not-use-in-production")
DEBUG = env_bool("DEBUG", False)
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "127.0.0.1,localhost")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")

# The project's own apps (cms names none of them; where it must know them, it reads this).
LIANHE_APPS = ["cms", "reports", "campaigns", "activities"]
INSTALLED_APPS = [
    *LIANHE_APPS,
    "wagtail.contrib.forms",
    "wagtail.contrib.redirects",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.settings",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.api.v2",
    "wagtailcache",
    "rest_framework",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",
    # Wagtail's admin says "3 minutes ago" with humanize's naturaltime; humanize's Chinese
    # catalogue is read only when the app is installed.
    "django.contrib.humanize",
    # Sign-in attempts are limited (cms/limits.py).
    "axes",
    "csp",
]

# The page cache (cms/caching.py) wraps everything from the session on: wagtail-cache's update
# middleware near the top, its fetch middleware last, once the user is known. One language
# only, so no LocaleMiddleware: it would make every page vary by Accept-Language.
MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    # Content-Security-Policy (django-csp) and Permissions-Policy, on every response, the page
    # cache's included (cms/security_headers.py).
    "csp.middleware.CSPMiddleware",
    "cms.security_headers.SecurityHeadersMiddleware",
    "django.middleware.http.ConditionalGetMiddleware",
    "cms.caching.CacheHeadersMiddleware",
    "wagtailcache.cache.UpdateCacheMiddleware",
    "cms.caching.ServerCacheLifetimeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "wagtailcache.cache.FetchFromCacheMiddleware",
    # Turns a locked-out sign-in into the login page saying how long to wait (cms/limits.py).
    "axes.middleware.AxesMiddleware",
]

# The public site runs scripts from this site only: no inline script, no on* handler (the
# admin's own policy is in cms/security_headers.py). A few templates set a width or a colour
# in a style attribute.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'", "'unsafe-inline'"],
        "img-src": ["'self'", "data:"],
        "font-src": ["'self'", "data:"],
        "media-src": ["'self'"],
        "frame-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'self'"],
    }
}

ROOT_URLCONF = "cms.urls"
WSGI_APPLICATION = "cms.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
                "cms.context_processors.navigation",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{BASE_DIR / 'db.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "0")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # The embedded default serves several editors at once (and the editor's own background
    # requests: autosave, preview, editing sessions). SQLite's defaults fail them: a deferred
    # transaction that reads and then writes must upgrade its lock and gets "database is
    # locked" at once, whatever the timeout. IMMEDIATE takes the write lock when the
    # transaction begins, so a second writer waits (up to `timeout` seconds) instead; WAL lets
    # readers go on while one writes.
    DATABASES["default"]["OPTIONS"] = {
        "transaction_mode": "IMMEDIATE",
        "timeout": int(env("SQLITE_TIMEOUT", "20")),
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", "简体中文")]
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
TIME_ZONE = "Asia/Shanghai"
USE_I18N = True
USE_TZ = True
LOCALE_PATHS = [BASE_DIR / "locale"]

STATIC_URL = "/static/"
STATIC_ROOT = Path(env("STATIC_ROOT", str(BASE_DIR / "static_collected")))
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(BASE_DIR / "media")))
# Uploads that must not be served directly (nomination files); see cms/storage.py.
PRIVATE_MEDIA_ROOT = Path(env("PRIVATE_MEDIA_ROOT", str(BASE_DIR / "private_media")))
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# Sign-in limits (cms/limits.py): ten wrong passwords in a row lock the username for 15 minutes.
AUTHENTICATION_BACKENDS = [
    "cms.limits.LoginLimitBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_FAILURE_LIMIT = int(env("LOGIN_FAILURE_LIMIT", "10"))
AXES_COOLOFF_TIME = datetime.timedelta(minutes=int(env("LOGIN_LOCKOUT_MINUTES", "15")))
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_CALLABLE = "cms.limits.lockout_response"
AXES_VERBOSE = False
# axes.W006 warns that without the address an attacker could rotate user agents or cookies:
# the lock here is on the username alone, which neither changes.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "/"
# Where a newly verified applicant is sent (a URL name): the settings wire the apps, cms does not.
LIANHE_APPLICANT_HOME = "my_nominations"
LOGOUT_REDIRECT_URL = "/"
WAGTAIL_FRONTEND_LOGIN_URL = "/accounts/login/"


def cache(url, name, **options):
    """Redis at `url` when it is set, else this process's memory (cache `name`)."""
    if url:
        return {"BACKEND": "django_redis.cache.RedisCache", "LOCATION": url, **options}
    return {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": name, **options}


CACHES = {
    "default": cache(env("REDIS_URL"), "lianhe-default"),
    # Wagtail looks renditions up here before asking the database: a page with pictures
    # costs no rendition query once they are made.
    "renditions": cache(
        env("REDIS_URL"), "lianhe-renditions", KEY_PREFIX="renditions", TIMEOUT=7 * 24 * 3600
    ),
    # Anonymous pages (cms/caching.py). Emptied whole on every publication, so with Redis it
    # needs a database of its own: PAGE_CACHE_URL=redis://127.0.0.1:6379/2, never REDIS_URL's.
    "pages": cache(env("PAGE_CACHE_URL"), "lianhe-pages", TIMEOUT=24 * 3600),
}

WAGTAIL_CACHE = env_bool("PAGE_CACHE", True)
WAGTAIL_CACHE_BACKEND = "pages"
# Front-end cache (deploy/nginx/): Wagtail's frontend cache sends PURGE requests there.
if env("FRONTEND_CACHE_PURGE_URL"):
    WAGTAILFRONTENDCACHE = {
        "nginx": {
            "BACKEND": "cms.frontend_cache.NginxPurgeBackend",
            "LOCATION": env("FRONTEND_CACHE_PURGE_URL"),
        }
    }

WAGTAIL_SITE_NAME = "中国科协智能制造学会联合体"
# The site's address, for the links in e-mails (verification, password reset, notifications):
# never taken from a request's Host header. Production refuses to start without it.
LIANHE_BASE_URL = env(
    "LIANHE_BASE_URL", env("WAGTAILADMIN_BASE_URL", f"http://127.0.0.1:{env('PORT', '8000')}")
).rstrip("/")
WAGTAILADMIN_BASE_URL = LIANHE_BASE_URL
WAGTAILADMIN_USER_PASSWORD_RESET_FORM = "cms.accounts.LimitedPasswordResetForm"  # noqa: S105
WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "wagtail.search.backends.database"}}
WAGTAIL_I18N_ENABLED = False
WAGTAILDOCS_SERVE_METHOD = "serve_view"
# Documents and images get the checks of every upload (cms/upload_checks.py) through these form
# bases: a document must be the type its extension names from its first byte (no macros in
# Office files); the kinds are those the checks know, never a .doc or a .zip they cannot look into.
WAGTAILDOCS_DOCUMENT_FORM_BASE = "cms.upload_forms.CheckedDocumentForm"
WAGTAILIMAGES_IMAGE_FORM_BASE = "cms.upload_forms.CheckedImageForm"
WAGTAILDOCS_EXTENSIONS = ["pdf", "docx", "xlsx", "pptx", "txt", "csv"]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 50 * 1024 * 1024
# 50 million pixels (a 50 MP photograph), about 200 MB once decoded for a rendition; Wagtail's
# default is 128 million. The objections' pictures are held to the same limit.
WAGTAILIMAGES_MAX_IMAGE_PIXELS = 50_000_000
# Chinese titles give Chinese slugs, as editors expect; derived slugs (reports) are ASCII.
WAGTAIL_ALLOW_UNICODE_SLUGS = True
WAGTAIL_WORKFLOW_ENABLED = True
WAGTAIL_MODERATION_ENABLED = True
WAGTAIL_DATE_FORMAT = "%Y-%m-%d"
WAGTAIL_DATETIME_FORMAT = "%Y-%m-%d %H:%M"
# The federation works in one time zone; the account page offers only it instead of ~600 zones.
WAGTAIL_USER_TIME_ZONES = [TIME_ZONE]
# The machines are offline and a third-party avatar service is not for a federation's admin:
# avatars are the uploaded ones or Wagtail's default picture, never gravatar.com.
WAGTAIL_GRAVATAR_PROVIDER_URL = None

# Celery: eager unless a broker is configured, so the embedded default needs no service.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", "memory://localhost//")
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER", not env("CELERY_BROKER_URL"))
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env("CELERY_RESULT_BACKEND", None)
CELERY_TIMEZONE = TIME_ZONE
# What a worker killed mid-task (SIGKILL, the OOM killer, a machine lost) leaves behind. Every
# task is idempotent, so running one again is safe; what matters is how soon it runs again.
# * acks_late: a message is acknowledged when its task ends, not when it starts;
# * reject_on_worker_lost: a pool process that dies mid-task has its message put back at once
#   (instead of acknowledged as failed);
# * a whole worker killed acknowledges nothing: Redis gives its messages to another worker
#   after `visibility_timeout`, checked every unacked_restore_interval × unacked_restore_throttle
#   seconds (kombu's defaults: one hour, 10 × 10 s). The timeout must exceed the longest task,
#   or a task still running is started a second time. The longest is the due-feeds run: it
#   starts no feed after FEEDS_RUN_SECONDS (120 s) and a feed takes at most its lease (2 min,
#   activities/ingest.py), 4 minutes in all; a report's Word export takes seconds (3.6 s for
#   the demo's report on a busy two-core machine), a sync of every report less than one.
#   5 minutes, and CELERY_TASK_TIME_LIMIT stops any task (prefork pool) before its message is
#   given again (a task stopped so is failed and acknowledged, never run again and again);
# * prefetch 1: a message reserved behind a running task is unacknowledged too, its visibility
#   timeout running while it waits in the worker.
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": 300,
    "unacked_restore_interval": 10,
    "unacked_restore_throttle": 1,
}
CELERY_TASK_TIME_LIMIT = 270
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# Keyed by the periodic job each task wraps (`cms.jobs`): `run_periodic_jobs` runs the same jobs.
CELERY_BEAT_SCHEDULE = {
    "publish_scheduled": {"task": "cms.tasks.publish_scheduled", "schedule": 300.0},
    # A safety net: signals sync reports at once; this catches anything a lost task missed.
    "sync_reports": {"task": "reports.tasks.sync_all_reports", "schedule": 3600.0},
    # The month's draft report on the 1st, the reminders of due days and of waiting approvals.
    "monthly_rhythm": {"task": "reports.tasks.monthly_rhythm", "schedule": 3600.0},
    # Notices close the day after their last day; hourly is soon enough after midnight.
    "close_notices": {"task": "campaigns.tasks.close_notices", "schedule": 3600.0},
    # The applicants' deadline reminders (3 days, 1 day before; Beijing dates); hourly.
    "remind_unsubmitted_drafts": {
        "task": "campaigns.tasks.remind_unsubmitted_drafts",
        "schedule": 3600.0,
    },
    # The review's reminders (3 days and 1 day before a round's end) and missing sheets.
    "review_reminders": {"task": "campaigns.tasks.review_reminders", "schedule": 3600.0},
    # Each feed has its own interval; this only picks the feeds that are due.
    "ingest_feeds": {"task": "activities.tasks.ingest_due_feeds", "schedule": 300.0},
    # The outbox's retries (cms.notifications.delivery): each message waits its own time.
    "send_due_messages": {"task": "cms.tasks.send_due_messages", "schedule": 60.0},
    # Yesterday's digests, at 8:00 in Beijing (CELERY_TIMEZONE).
    "send_daily_digests": {
        "task": "cms.tasks.send_daily_digests",
        "schedule": crontab(hour=8, minute=0),
    },
}

# Feed ingestion (activities.fetch): what one fetch may cost, and whether feeds may live on
# private, loopback or link-local addresses (off: a feed URL must not reach the intranet).
FEEDS_ALLOW_PRIVATE_ADDRESSES = env_bool("FEEDS_ALLOW_PRIVATE_ADDRESSES", False)
FEEDS_CONNECT_TIMEOUT = float(env("FEEDS_CONNECT_TIMEOUT", "5"))
FEEDS_TOTAL_TIMEOUT = float(env("FEEDS_TOTAL_TIMEOUT", "20"))
FEEDS_MAX_BYTES = int(env("FEEDS_MAX_BYTES", str(5 * 1024 * 1024)))
FEEDS_MAX_REDIRECTS = 5
# Entries taken per fetch, the newest first (activities/ingest.py).
FEEDS_MAX_ENTRIES = int(env("FEEDS_MAX_ENTRIES", "200"))
# The periodic run over the due feeds starts no feed after this many seconds (the rest wait
# for the next run, five minutes later).
FEEDS_RUN_SECONDS = float(env("FEEDS_RUN_SECONDS", "120"))
FEEDS_USER_AGENT = "Lianhe feed reader (+https://imac.example.org)"

# Report export: the largest .docx the importer will open, and the largest total
# uncompressed size its zip may declare (a guard against zip bombs).
LIANHE_DOCX_MAX_UPLOAD_BYTES = int(env("LIANHE_DOCX_MAX_UPLOAD_BYTES", str(20 * 1024 * 1024)))
LIANHE_DOCX_MAX_UNCOMPRESSED_BYTES = int(
    env("LIANHE_DOCX_MAX_UNCOMPRESSED_BYTES", str(100 * 1024 * 1024))
)

# The embedded default keeps its mail in files (one .log per message, in mail/) where a person
# can read it later; never in the server's output. Production sends through SMTP.
EMAIL_BACKEND = env("EMAIL_BACKEND", "django.core.mail.backends.filebased.EmailBackend")
EMAIL_FILE_PATH = env("EMAIL_FILE_PATH", str(BASE_DIR / "mail"))
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "noreply@imac.example.org")

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "WARNING")},
    # pypdf warns once per broken cross-reference row: a hostile PDF (refused anyway) would
    # write thousands of lines.
    "loggers": {"pypdf": {"level": "ERROR"}},
}
