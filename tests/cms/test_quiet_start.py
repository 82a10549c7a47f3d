"""`make run` as a newcomer sees it: the commands of the Makefile's `run` recipe, run for real
(migrate, the demo, the development server), print a few lines, no migration list and no
e-mail; the demo's e-mails are files in the mail folder; the output ends with the demo accounts
and the address to open, and that address answers."""

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
from django.conf import settings

from cms.demo import DEMO_ACCOUNTS

pytestmark = [
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(
        settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
        reason="the embedded default's start, on its SQLite file",
    ),
]


def run_recipe():
    """The `manage.py` command lines of the Makefile's `run` target, in order."""
    makefile = (settings.BASE_DIR / "Makefile").read_text(encoding="utf-8")
    recipe = makefile.split("\nrun:", 1)[1].split("\n\n", 1)[0]
    return [
        line.strip().lstrip("@").replace("$(PY) ", "").split()
        for line in recipe.splitlines()[1:]
        if "manage.py" in line
    ]


def free_port():
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_make_run_is_quiet_and_ends_with_the_accounts_and_the_address(sqlite_file, tmp_path):
    port = free_port()
    mail = tmp_path / "mail"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
        "DATABASE_URL": f"sqlite:///{sqlite_file}",
        "MEDIA_ROOT": str(tmp_path / "media"),
        "PRIVATE_MEDIA_ROOT": str(tmp_path / "private"),
        "EMAIL_FILE_PATH": str(mail),
        "PORT": str(port),
        "PYTHONUNBUFFERED": "1",
    }
    env.pop("EMAIL_BACKEND", None)
    commands = run_recipe()
    assert [c[1] for c in commands] == ["migrate", "load_demo", "runserver"]
    output = []
    for command in commands[:-1]:
        done = subprocess.run(
            [sys.executable, *command],
            cwd=settings.BASE_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=600,
            check=True,
        )
        output += (done.stdout + done.stderr).splitlines()
    server_command = [part.replace("$(PORT)", str(port)) for part in commands[-1]]
    server = subprocess.Popen(
        [sys.executable, *server_command, "--noreload"],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = server.stdout.readline()
            if not line:
                break
            output.append(line.rstrip("\n"))
            if line.startswith("请打开"):
                break
        home = urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=30)
        assert home.status == 200
    finally:
        server.terminate()
        server.wait(timeout=30)

    text = "\n".join(output)
    assert "Applying" not in text  # no migration list
    assert "Subject:" not in text and "=?utf-8?" not in text  # no e-mail
    assert len(output) < 40, text
    # Last: the accounts, then the address to open.
    assert re.fullmatch(rf"请打开 http://127\.0\.0\.1:{port}/ （后台 .*/admin/）", output[-1])
    table = output[-2 - len(DEMO_ACCOUNTS) - 1 : -2]
    assert table[0] == "演示账号："
    for line, account in zip(table[1:], DEMO_ACCOUNTS, strict=True):
        assert account.username in line and account.password in line
    # The demo's moderation e-mails were kept where a person can read them.
    assert list(mail.glob("*.log")), text
