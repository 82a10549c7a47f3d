"""The site under 64 concurrent clients for 60 s on PostgreSQL: the public pages and the apply
form at once, counting every error.

    .venv/bin/python bench/load.py [--duration 60 --public-clients 32 --apply-clients 32]
        [--database-url postgres://postgres@127.0.0.1:5432/lianhe_bench_load] [--quick]

Needs PostgreSQL on 127.0.0.1 and wrk (`apt-get install -y wrk`). Everything runs on 127.0.0.1
and stops by itself: each client's loop ends when the duration is over.

The data and the server are bench/site.py's (its functions, imported, not copied): a
throw-away database filled with the demo plus 1,000 news, 500 activities, eight 双十 years and
60 monthly reports (`--quick`: a fifth of it), served by `cms.settings.production` under
gunicorn on 127.0.0.1. Here gunicorn runs GUNICORN_WORKERS gthread workers of GUNICORN_THREADS
threads, with persistent database connections (DATABASE_CONN_MAX_AGE=60), without a page cache:
every request reaches Django and PostgreSQL.

During the same `--duration` seconds:

* `--public-clients` wrk connections cycle through the home page, the news index, a news page,
  a monthly report and a search for 智能制造 (a Lua script: wrk's own latency histogram gives
  p50/p95/p99, its counters the errors);
* `--apply-clients` applicants, each with an account of its own (verified e-mail, signed in:
  its own session and CSRF token), loop over: GET the demo's open call's apply form, then POST a
  nomination with its three files (a 1,200-character Word form, an MP4, a PDF) — a draft three
  times out of four, a submission (quota check under the campaign's row lock) the fourth.

An error is any response of 500 or above, a connection error or a timeout (and, for the apply
clients, anything but the expected 200 for the form and 302 for a saved draft or submission;
a refusal shown with 200 is counted apart). A thread polls pg_stat_activity every 0.2 s for
the largest number of connections to the database. The figures go to stdout and to
bench/results-load.md.
"""

import argparse
import asyncio
import datetime
import importlib.util
import os
import platform
import random
import re
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

BENCH_DIR = Path(__file__).resolve().parent
PROJECT_DIR = BENCH_DIR.parent
RESULTS = BENCH_DIR / "results-load.md"
DEFAULT_DATABASE_URL = "postgres://postgres@127.0.0.1:5432/lianhe_bench_load"
GUNICORN_WORKERS = 4
GUNICORN_THREADS = 4
TIMEOUT = 60.0

spec = importlib.util.spec_from_file_location("bench_site", BENCH_DIR / "site.py")
site = importlib.util.module_from_spec(spec)
spec.loader.exec_module(site)

WRK_SCRIPT = """
paths = {%s}
counter = 0
request = function()
  counter = counter + 1
  return wrk.format("GET", paths[(counter %% #paths) + 1])
end
done = function(summary, latency, requests)
  io.write(string.format("RESULT requests=%%d duration_us=%%d connect=%%d read=%%d write=%%d "
    .. "status=%%d timeout=%%d p50=%%d p95=%%d p99=%%d max=%%d\\n",
    summary.requests, summary.duration, summary.errors.connect, summary.errors.read,
    summary.errors.write, summary.errors.status, summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
"""


CHOICES = [
    "Why these settings: 64 clients do not need 64 server threads, and on 2 cores more threads "
    f"only queue on the CPU. {GUNICORN_WORKERS} gthread workers × {GUNICORN_THREADS} threads "
    f"answer {GUNICORN_WORKERS * GUNICORN_THREADS} requests at once (uploads and PostgreSQL "
    "waits overlap); the other connections wait in gunicorn's listen backlog (2,048) and are "
    "served in turn, so a client sees latency, never a refusal. Each thread keeps one persistent "
    "connection (DATABASE_CONN_MAX_AGE=60), so PostgreSQL sees at most "
    f"{GUNICORN_WORKERS * GUNICORN_THREADS} connections from the site, far below "
    "max_connections = 100 (left at its default: the server is shared with the test suites). "
    "No psycopg pool (Django's OPTIONS['pool']): with one connection per thread, reused for "
    "60 s, a pool would bound nothing more, and it needs psycopg-pool besides. More workers "
    "would need max_connections ≥ workers × threads + the suites' and the admin's connections.",
]


def quick_data():
    """A fifth of site.py's data: the same pages, built in a minute instead of five."""
    site.NEWS_TOTAL, site.ACTIVITIES_TOTAL = 200, 100
    site.SHOWCASE_YEARS = range(2023, 2025)
    site.REPORT_MONTHS = [(2020, month) for month in range(1, 13)]


def make_applicants(count):
    """`count` verified applicant accounts, each signed in with a session of its own (as
    Django's test client's force_login makes it: no password hashing for 64 accounts)."""
    from django.conf import settings
    from django.contrib.auth import (
        BACKEND_SESSION_KEY,
        HASH_SESSION_KEY,
        SESSION_KEY,
        get_user_model,
    )
    from django.contrib.sessions.backends.db import SessionStore

    from cms.accounts import mark_email_verified

    sessions = []
    for n in range(count):
        user = get_user_model().objects.create_user(
            f"load-applicant-{n:02d}", email=f"load-{n:02d}@example.com"
        )
        mark_email_verified(user)
        session = SessionStore()
        session[SESSION_KEY] = str(user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = user.get_session_auth_hash()
        session.create()
        sessions.append(session.session_key)
    return sessions


def apply_form_template():
    """The open demo call's apply URL, the form's fields and its three files, from the tests'
    helpers (real files: python-docx, MP4 boxes, pypdf)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.models import CampaignPage
    from tests.campaigns.nomination_helpers import apply_url, complete_files, form_data

    campaign = CampaignPage.objects.live().get(slug__endswith="-china-progress-demo")
    data, files = {}, {}
    for name, value in form_data(campaign, files=complete_files()).items():
        if isinstance(value, SimpleUploadedFile):
            files[name] = (value.name, value.read())
        else:
            data[name] = value
    return apply_url(campaign), data, files


def cookie(response, name):
    for header in response.headers.get_list("set-cookie"):
        match = re.match(rf"{name}=([^;]+)", header)
        if match:
            return match.group(1)
    return None


class Tally:
    def __init__(self):
        self.latencies = {"form": [], "post": []}
        self.statuses = {}
        self.errors = []
        self.refused = 0

    def record(self, kind, started, status=None, error=None):
        self.latencies[kind].append((time.perf_counter() - started) * 1000)
        key = f"{kind} {status or error}"
        self.statuses[key] = self.statuses.get(key, 0) + 1
        if error or (kind == "form" and status != 200) or (kind == "post" and status != 302):
            if kind == "post" and status == 200:
                self.refused += 1  # the form again, with the reason: not an error of the server
            else:
                self.errors.append(key)


async def applicant(port, session_key, url, data, files, number, deadline, tally):
    import httpx

    base = f"http://127.0.0.1:{port}"
    # The production settings mark the cookies Secure, which a client sends only over https:
    # on 127.0.0.1 (plain http) the client carries them itself.
    cookies = {"sessionid": session_key}
    async with httpx.AsyncClient(base_url=base, timeout=TIMEOUT, cookies=None) as client:
        iteration = 0
        while time.perf_counter() < deadline:
            header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            started = time.perf_counter()
            try:
                form = await client.get(url, headers=header)
            except httpx.HTTPError as error:
                tally.record("form", started, error=type(error).__name__)
                continue
            tally.record("form", started, status=form.status_code)
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form.text)
            if form.status_code != 200 or not token:
                await asyncio.sleep(1)
                continue
            cookies["csrftoken"] = cookie(form, "csrftoken") or cookies.get("csrftoken", "")
            header = {"Cookie": "; ".join(f"{k}={v}" for k, v in cookies.items())}
            iteration += 1
            fields = {
                **data,
                "csrfmiddlewaretoken": token.group(1),
                "project_name": f"负载测试项目 {number:02d}-{iteration:04d}",
                "action": "submit" if iteration % 4 == 0 else "save",
            }
            started = time.perf_counter()
            try:
                response = await client.post(url, data=fields, files=files, headers=header)
            except httpx.HTTPError as error:
                tally.record("post", started, error=type(error).__name__)
                continue
            tally.record("post", started, status=response.status_code)


async def apply_load(port, sessions, template, duration, tally):
    url, data, files = template
    deadline = time.perf_counter() + duration
    await asyncio.gather(
        *(
            applicant(port, key, url, data, files, n, deadline, tally)
            for n, key in enumerate(sessions)
        )
    )


def run_wrk(port, paths, clients, duration, workdir):
    script = Path(workdir) / "pages.lua"
    script.write_text(WRK_SCRIPT % ", ".join(f'"{p}"' for p in paths), encoding="utf-8")
    threads = min(2, clients)
    return subprocess.Popen(
        [
            "wrk",
            f"-t{threads}",
            f"-c{clients}",
            f"-d{duration}s",
            "--timeout",
            f"{TIMEOUT:.0f}s",
            "-s",
            str(script),
            f"http://127.0.0.1:{port}/",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )


def parse_wrk(output):
    match = re.search(r"^RESULT (.*)$", output, re.MULTILINE)
    if not match:
        raise RuntimeError(f"wrk 没有输出结果：\n{output}")
    values = {k: int(v) for k, v in (item.split("=") for item in match.group(1).split())}
    non_2xx = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", output)
    values["non_2xx"] = int(non_2xx.group(1)) if non_2xx else 0
    return values


class ConnectionWatch(threading.Thread):
    """The largest number of connections to the database while the load runs."""

    def __init__(self, database_url):
        super().__init__(daemon=True)
        import dj_database_url

        self.config = dj_database_url.parse(database_url)
        self.most = 0
        self.stop = threading.Event()

    def run(self):
        import psycopg

        config = self.config
        with psycopg.connect(
            host=config["HOST"] or "127.0.0.1", port=config["PORT"] or 5432,
            user=config["USER"] or "postgres", password=config["PASSWORD"] or None,
            dbname="postgres", autocommit=True,
        ) as connection:  # fmt: skip
            while not self.stop.wait(0.2):
                count = connection.execute(
                    "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [config["NAME"]]
                ).fetchone()[0]
                self.most = max(self.most, count)
            self.max_connections = connection.execute("SHOW max_connections").fetchone()[0]


def percentile(values, share):
    if not values:
        return 0.0
    return statistics.quantiles(values, n=100, method="inclusive")[share - 1]


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--database-url", default=DEFAULT_DATABASE_URL)
    parser.add_argument("--duration", type=int, default=60)
    parser.add_argument("--public-clients", type=int, default=32)
    parser.add_argument("--apply-clients", type=int, default=32)
    parser.add_argument("--quick", action="store_true", help="a fifth of bench/site.py's data")
    args = parser.parse_args()
    if args.quick:
        quick_data()
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="lianhe-bench-load-") as temp_dir:
        lock = site.recreate_database(args.database_url)
        try:
            site.configure_environment(temp_dir, args.database_url)
            import django

            django.setup()
            site.skip_commit_waits()
            from django.core.management import call_command
            from django.db import connections

            call_command("collectstatic", interactive=False, verbosity=0)
            step = time.perf_counter()
            loaded = site.load_data(random.Random(site.SEED))
            load_seconds = time.perf_counter() - step
            sessions = make_applicants(args.apply_clients)
            template = apply_form_template()
            pages = [t for t in site.targets(loaded) if t.key != "year"]
            connections.close_all()
            result = measure(args, temp_dir, pages, sessions, template)
        finally:
            lock.close()
    write_report(args, result, pages, load_seconds, time.perf_counter() - started)
    return 1 if result["errors"] else 0


def measure(args, temp_dir, pages, sessions, template):
    site.GUNICORN_WORKERS = GUNICORN_WORKERS
    extra = {"GUNICORN_CMD_ARGS": f"--worker-class gthread --threads {GUNICORN_THREADS}"}
    with site.Gunicorn(Path(temp_dir) / "gunicorn.log", **extra) as app:
        for target in pages:
            site.check(app.port, target)
        watch = ConnectionWatch(args.database_url)
        watch.start()
        tally = Tally()
        wrk = run_wrk(
            app.port, [t.path for t in pages], args.public_clients, args.duration, temp_dir
        )
        begun = time.perf_counter()
        asyncio.run(apply_load(app.port, sessions, template, args.duration, tally))
        apply_seconds = time.perf_counter() - begun
        output, _ = wrk.communicate(timeout=args.duration + TIMEOUT + 30)
        watch.stop.set()
        watch.join(5)
        log = (Path(temp_dir) / "gunicorn.log").read_text(errors="replace")
    public = parse_wrk(output)
    public_errors = sum(public[k] for k in ("connect", "read", "write", "timeout", "non_2xx"))
    from django.db.models import Count

    from campaigns.models import Nomination

    return {
        "public": public,
        "public_errors": public_errors,
        "apply": tally,
        "apply_seconds": apply_seconds,
        "errors": public_errors + len(tally.errors),
        "connections": watch.most,
        "max_connections": getattr(watch, "max_connections", "?"),
        "nominations": dict(
            Nomination.objects.filter(applicant__username__startswith="load-applicant-")
            .values_list("status")
            .annotate(n=Count("pk"))
            .order_by("status")
        ),
        "server_errors_logged": log.count("Traceback"),
    }


def write_report(args, result, pages, load_seconds, whole):
    public, tally = result["public"], result["apply"]
    seconds = public["duration_us"] / 1e6
    posts, forms = tally.latencies["post"], tally.latencies["form"]
    apply_total = len(posts) + len(forms)

    def ms(value):
        return site.ms(value)

    def apply_row(label, kind, latencies):
        errors = sum(1 for error in tally.errors if error.startswith(kind))
        quantiles = [percentile(latencies, share) for share in (50, 95, 99)]
        return (label, "", len(latencies), errors, *quantiles, len(latencies) / apply_seconds)

    apply_seconds = result["apply_seconds"]
    public_row = (
        "public pages (wrk)",
        args.public_clients,
        public["requests"],
        result["public_errors"],
        *(public[share] / 1000 for share in ("p50", "p95", "p99")),
        public["requests"] / seconds,
    )
    rows = [
        public_row,
        apply_row("apply: GET the form", "form", forms),
        apply_row("apply: POST with 3 files", "post", posts),
    ]
    lines = [
        "# Load test (`bench/load.py`): 64 concurrent clients on PostgreSQL",
        "",
        f"- run: `.venv/bin/python bench/load.py {' '.join(sys.argv[1:])}` on "
        f"{datetime.datetime.now(datetime.UTC):%Y-%m-%d %H:%M} UTC, {args.duration} s of load",
        f"- machine: {platform.platform()}; `nproc` = {os.cpu_count()} (shared by the load "
        "generators, gunicorn and PostgreSQL, and with other work on the machine)",
        f"- served: `cms.settings.production`, gunicorn {GUNICORN_WORKERS} gthread workers × "
        f"{GUNICORN_THREADS} threads on 127.0.0.1, no page cache, DATABASE_CONN_MAX_AGE=60; "
        f"data loaded in {load_seconds:.0f} s",
        f"- clients: {args.public_clients} wrk connections over {len(pages)} public pages ("
        + ", ".join(f"`{t.path}`" for t in pages)
        + f") and {args.apply_clients} signed-in applicants (one account, session and CSRF token "
        "each) on the open demo call's apply form, all at once",
        "",
        "| traffic | clients | requests | errors | p50 | p95 | p99 | req/s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for label, clients, count, errors, p50, p95, p99, rate in rows:
        lines.append(
            f"| {label} | {clients} | {count:,} | {errors} | {ms(p50)} | {ms(p95)} | {ms(p99)} "
            f"| {rate:.1f} |"
        )
    lines += [
        f"| **all** | {args.public_clients + args.apply_clients} | "
        f"{public['requests'] + apply_total:,} | {result['errors']} | | | | "
        f"{public['requests'] / seconds + apply_total / result['apply_seconds']:.1f} |",
        "",
        f"- errors (5xx, connection errors, timeouts): {result['errors']}; tracebacks in "
        f"gunicorn's log: {result['server_errors_logged']}",
        f"- responses of the apply clients: {dict(sorted(tally.statuses.items()))}; "
        f"refused with a message (200): {tally.refused}",
        f"- nominations made by the load: {result['nominations']}",
        f"- PostgreSQL: at most {result['connections']} connections to the database during the "
        f"run (max_connections = {result['max_connections']})",
        f"- whole run: {whole:.0f} s",
    ]
    if tally.errors:
        lines.append(f"- ⚠ apply errors: {sorted(set(tally.errors))}")
    lines += ["", *CHOICES]
    print("\n".join(lines))
    RESULTS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    print(f"\nwritten to {RESULTS.relative_to(PROJECT_DIR)}")


if __name__ == "__main__":
    sys.exit(main())
