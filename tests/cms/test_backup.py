"""`manage.py backup` and `manage.py restore` (cms/backup.py, cms/restore.py).

The round trip backs up committed content (nominations with real files, a published monthly
report with entries and a press release, news with a picture) and restores it with
`manage.py restore` in another process, on an empty database of its own (SQLite: a second file;
PostgreSQL: a second database, dropped after) and empty file folders; then the nominations, their
files' SHA-256, the reports, the page tree, the pictures and the accounts must be the same.

The refusals (a target that is not empty, a cut or corrupt archive, a file changed after the
backup, an unknown format version, a member outside the archive's folders, a backup from a
newer program) each show the Chinese message and leave the database and the folders as they
were."""

import gzip
import io
import json
import os
import re
import sqlite3
import subprocess
import sys
import tarfile
import uuid
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection, transaction

from campaigns.models import Nomination, NominationFile
from cms.restore import database_contents
from tests.cms.backup_content import build_content, fingerprint

PROJECT_DIR = Path(__file__).resolve().parents[2]
RESTORE_SCRIPT = """
import json, sys
import django
django.setup()
from django.core.management import call_command
from django.contrib.auth import get_user_model
call_command("restore", sys.argv[1])
from cms.search import search_pages
from tests.cms.backup_content import fingerprint
found = [hit.title for group in search_pages(sys.argv[2]).groups for hit in group.results]
restored = fingerprint()
# A new row after the restore: the id sequences must be past the restored rows.
user = get_user_model().objects.create_user("after-restore")
user.groups.add(*get_user_model().objects.get(username="editor").groups.all())
print("RESULT " + json.dumps({"fingerprint": restored, "search": found}, default=str))
"""


# Targets: an empty database beside the test's own -------------------------------------------


class EmptyTarget:
    """A copy of the test database taken while it is empty (migrated, no content), as a new
    install's database is: migrating one from nothing takes a minute on this machine."""

    def __init__(self, tmp_path):
        self.tmp_path = tmp_path
        self.drop = None
        if connection.vendor == "sqlite":
            path = tmp_path / "restored.sqlite3"
            connection.ensure_connection()
            target = sqlite3.connect(path)
            connection.connection.backup(target)
            target.close()
            self.url = f"sqlite:///{path}"
        else:
            self.url = self.copy_postgres()

    def copy_postgres(self):
        import psycopg
        from psycopg import sql

        params = connection.get_connection_params()
        source = connection.settings_dict["NAME"]
        name = f"lianhe_restore_{uuid.uuid4().hex[:12]}"
        connection.close()  # a template must have no other session
        server = {k: v for k, v in params.items() if k in ("host", "port", "user", "password")}
        with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
            admin.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {}").format(
                    sql.Identifier(name), sql.Identifier(source)
                )
            )

        def drop():
            with psycopg.connect(dbname="postgres", autocommit=True, **server) as admin:
                admin.execute(
                    sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
                )

        self.drop = drop
        user = server.get("user") or "postgres"
        password = f":{server['password']}" if server.get("password") else ""
        host, port = server.get("host") or "127.0.0.1", server.get("port") or 5432
        return f"postgres://{user}{password}@{host}:{port}/{name}"

    def restore(self, archive, search):
        env = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "cms.settings.dev",
            "DATABASE_URL": self.url,
            "MEDIA_ROOT": str(self.tmp_path / "media"),
            "PRIVATE_MEDIA_ROOT": str(self.tmp_path / "private"),
            "EMAIL_BACKEND": "django.core.mail.backends.dummy.EmailBackend",
        }
        return subprocess.run(
            [sys.executable, "-c", RESTORE_SCRIPT, str(archive), search],
            cwd=PROJECT_DIR,
            env=env,
            capture_output=True,
            text=True,
            timeout=300,
        )


@pytest.fixture
def empty_target(transactional_db, tmp_path):
    assert database_contents() == {}, "the test database is not empty at the start"
    target = EmptyTarget(tmp_path)
    yield target
    if target.drop:
        target.drop()


# serialized_rollback, as every transactional test here: the flush after it must not let
# post_migrate re-create content types under new ids for the next serialized test.
@pytest.mark.django_db(transaction=True, serialized_rollback=True)
def test_restore_on_an_empty_install_brings_everything_back(empty_target, tmp_path):
    expected = build_content()
    archive = tmp_path / "lianhe.tar.gz"
    out = io.StringIO()
    call_command("backup", str(archive), stdout=out)
    assert re.search(r"备份完成：.*创建于 \d{4}年\d{1,2}月\d{1,2}日", out.getvalue())
    before = json.loads(json.dumps(fingerprint(), default=str))
    assert len(before["nominations"]) == 2 and before["images"]
    assert sum(len(n["files"]) for n in before["nominations"]) == 5

    run = empty_target.restore(archive, search="备份演练")
    assert run.returncode == 0, run.stderr[-3000:]
    assert "恢复完成" in run.stdout
    result = json.loads(run.stdout.split("RESULT ", 1)[1])
    after = result["fingerprint"]
    for key in before:
        assert after[key] == before[key], key
    # The search index was rebuilt for the restored pages.
    found = [re.sub(r"</?mark>", "", title) for title in result["search"]]
    assert expected["news_title"] in found
    # Every file of the archive is in its folder again, and nothing else.
    with tarfile.open(archive, "r:gz") as opened:
        manifest = json.load(opened.extractfile("manifest.json"))
    written = sorted(
        f"files/{p.relative_to(tmp_path).as_posix()}"
        for folder in ("media", "private")
        for p in (tmp_path / folder).rglob("*")
        if p.is_file()
    )
    assert written == sorted(entry["path"] for entry in manifest["files"])


# Refusals: nothing changed --------------------------------------------------------------------


@pytest.fixture(scope="module")
def archive(django_db_setup, django_db_blocker, tmp_path_factory):
    """A real backup of a small site (nominations with their files, a report, news), made once
    for the module in a transaction that is then rolled back: each test starts empty."""
    path = tmp_path_factory.mktemp("backup") / "site.tar.gz"
    with django_db_blocker.unblock(), transaction.atomic():
        build_content()
        call_command("backup", str(path), stdout=io.StringIO())
        transaction.set_rollback(True)
    return path


def state():
    private = Path(settings.PRIVATE_MEDIA_ROOT)
    return (
        list(Nomination.objects.order_by("pk").values_list("pk", "status", "project_name")),
        NominationFile.objects.count(),
        sorted(p.as_posix() for p in private.rglob("*") if p.is_file()),
    )


def refused(path, *args):
    before = state()
    with pytest.raises(CommandError) as error:
        call_command("restore", str(path), *args, stdout=io.StringIO())
    assert state() == before
    assert "未做任何修改" in str(error.value)
    return str(error.value)


def rewrite(source, target, change):
    """Copies the archive member by member; `change(name, data)` returns the new data, or
    None to leave the member out."""
    with tarfile.open(source, "r:gz") as old, tarfile.open(target, "w:gz") as new:
        for member in old:
            data = change(member.name, old.extractfile(member).read())
            if data is None:
                continue
            member.size = len(data)
            new.addfile(member, io.BytesIO(data))
    return target


def test_a_target_that_is_not_empty_is_refused(archive, db):
    get_user_model().objects.create_user("someone")
    message = refused(archive)
    assert "目标数据库不是空的" in message and "用户 1 条" in message and "--force" in message


def test_a_cut_or_corrupt_archive_is_refused(archive, db, tmp_path):
    data = archive.read_bytes()
    cut = tmp_path / "cut.tar.gz"
    cut.write_bytes(data[: len(data) // 2])
    assert "备份文件已损坏" in refused(cut)
    flipped = bytearray(data)
    flipped[len(data) // 2] ^= 0xFF
    broken = tmp_path / "broken.tar.gz"
    broken.write_bytes(bytes(flipped))
    # Either gzip's check or a member's SHA-256 finds it, whichever comes first.
    assert "损坏" in refused(broken)
    plain = tmp_path / "plain.tar.gz"
    plain.write_bytes(gzip.compress(b"not a tar archive" * 100))
    assert "备份文件已损坏" in refused(plain)


def test_a_file_changed_after_the_backup_is_refused(archive, db, tmp_path):
    def tamper(name, data):
        if name.endswith("文件3.pdf"):
            return data.replace(b"%PDF", b"%PDX", 1)  # same size, another hash
        return data

    message = refused(rewrite(archive, tmp_path / "tampered.tar.gz", tamper))
    assert "SHA-256" in message and "文件3.pdf" in message and "篡改" in message

    def drop(name, data):
        return None if name.endswith("文件1.docx") else data

    assert "缺少" in refused(rewrite(archive, tmp_path / "missing.tar.gz", drop))


def test_an_unknown_format_version_or_a_newer_program_is_refused(archive, db, tmp_path):
    def version(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["format_version"] = 2
            return json.dumps(manifest).encode()
        return data

    message = refused(rewrite(archive, tmp_path / "v2.tar.gz", version))
    assert "不支持的备份格式版本 2" in message

    def newer(name, data):
        if name == "manifest.json":
            manifest = json.loads(data)
            manifest["migrations"].append(["campaigns", "0099_from_the_future"])
            return json.dumps(manifest).encode()
        return data

    message = refused(rewrite(archive, tmp_path / "newer.tar.gz", newer))
    assert "更新的程序版本" in message and "campaigns.0099_from_the_future" in message


def test_a_member_outside_the_archive_folders_is_refused(archive, db, tmp_path):
    hostile = tmp_path / "hostile.tar.gz"
    with tarfile.open(archive, "r:gz") as old, tarfile.open(hostile, "w:gz") as new:
        for member in old:
            new.addfile(member, old.extractfile(member))
        evil = tarfile.TarInfo("files/private/../../../evil.sh")
        evil.size = 4
        new.addfile(evil, io.BytesIO(b"boom"))
        link = tarfile.TarInfo("files/media/link")
        link.type, link.linkname = tarfile.SYMTYPE, "/etc/passwd"
        new.addfile(link)
    assert "不允许的条目" in refused(hostile)
    assert not (tmp_path.parent / "evil.sh").exists()


def test_backup_refuses_to_overwrite_an_archive(archive, db):
    before = archive.read_bytes()
    with pytest.raises(CommandError, match="文件已存在"):
        call_command("backup", str(archive), stdout=io.StringIO())
    assert archive.read_bytes() == before
