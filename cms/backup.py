"""Backups: the database and every stored file (public media and private uploads) in one
.tar.gz, with a manifest that lets `restore` (cms/restore.py) check it before changing anything.

The archive holds, in this order:

* `data.jsonl`: every row of the project's and Wagtail's tables, one object per line (Django's
  serialisation format, streamed from the database and through a temporary file, never held in
  memory). Primary keys are kept; foreign keys to content types and permissions are written as
  natural keys, because a new install numbers those rows itself when it migrates. Left out:
  content types and permissions (made by `migrate`), sessions (people sign in again), the search
  index (rebuilt by `update_index`) and Wagtail's "who is editing now" rows.
* `files/media/…` (MEDIA_ROOT: images, renditions, documents) and `files/private/…` (the private
  storage: nomination files, objections' attachments, the reports' Word files), read through
  their storages, so S3 works as well as folders.
* `manifest.json` last, once every hash is known: format and version, creation time, program
  versions, the migrations the database had, the number of objects per model, and the size and
  SHA-256 of `data.jsonl` and of every file.
"""

import contextlib
import datetime
import hashlib
import io
import json
import os
import platform
import tarfile
import tempfile
from importlib.metadata import PackageNotFoundError, version

from django.apps import apps
from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.core.files.storage import storages
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.jsonl import Serializer as JSONLSerializer
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.recorder import MigrationRecorder
from django.utils import timezone

from cms.storage import private_storage

FORMAT = "lianhe-backup"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATA = "data.jsonl"
FILES_PREFIX = "files/"
# Rows that a new install makes itself, or that must not come back.
EXCLUDED_APPS = {"contenttypes", "sessions", "wagtailsearch"}
EXCLUDED_MODELS = {"auth.permission", "wagtailadmin.editingsession"}
# Foreign keys to these are written as natural keys (their ids differ from install to install).
NATURAL_KEY_MODELS = (ContentType, Permission)
CHUNK = 1024 * 1024


class BackupError(Exception):
    """A backup or restore that cannot go on; the message is for the person who ran it."""


def storages_to_save():
    """{name in the archive: storage}: the public media and the private uploads."""
    return {"media": storages["default"], "private": private_storage()}


def dumped_models():
    """The models whose rows go into the archive, in Django's dependency order (natural keys
    first), each once: proxies and unmanaged models have no table of their own."""
    from django.core.serializers import sort_dependencies

    app_list = {}
    for model in apps.get_models():
        meta = model._meta
        if meta.proxy or not meta.managed:
            continue
        if meta.app_label in EXCLUDED_APPS or meta.label_lower in EXCLUDED_MODELS:
            continue
        app_list.setdefault(apps.get_app_config(meta.app_label), []).append(model)
    return sort_dependencies(app_list.items(), allow_cycles=True)


class PreciseEncoder(DjangoJSONEncoder):
    def default(self, o):
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONLSerializer):
    """Django's JSON Lines serialiser with natural keys for content types and permissions only
    (looked up once, not a query per row); every other reference stays a primary key."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.natural = {
            ContentType: {ct.pk: ct.natural_key() for ct in ContentType.objects.all()},
            Permission: {
                pk: (codename, app_label, model)
                for pk, codename, app_label, model in Permission.objects.values_list(
                    "pk", "codename", "content_type__app_label", "content_type__model"
                )
            },
        }

    def end_object(self, obj):
        # Django's encoder cuts times to milliseconds; a backup keeps them whole.
        options = {**self.json_kwargs, "cls": PreciseEncoder}
        json.dump(self.get_dump_object(obj), self.stream, **options)
        self.stream.write("\n")
        self._current = None

    def handle_fk_field(self, obj, field):
        keys = self.natural.get(field.remote_field.model)
        if keys is None:
            return super().handle_fk_field(obj, field)
        value = getattr(obj, field.attname)
        self._current[field.name] = None if value is None else keys[value]

    def handle_m2m_field(self, obj, field):
        if not field.remote_field.through._meta.auto_created:
            return
        ids = getattr(obj, field.name).order_by("pk").values_list("pk", flat=True)
        keys = self.natural.get(field.remote_field.model)
        self._current[field.name] = [keys[pk] if keys else pk for pk in ids]


def walk(storage, directory=""):
    """Every file name in a storage, depth first, in a stable order."""
    try:
        folders, files = storage.listdir(directory)
    except FileNotFoundError:
        return
    for name in sorted(files):
        yield f"{directory}/{name}" if directory else name
    for folder in sorted(folders):
        yield from walk(storage, f"{directory}/{folder}" if directory else folder)


class HashingReader:
    """A file object that hashes what is read through it (tarfile reads each file once)."""

    def __init__(self, raw):
        self.raw = raw
        self.hash = hashlib.sha256()
        self.size = 0

    def read(self, size=-1):
        data = self.raw.read(size)
        self.hash.update(data)
        self.size += len(data)
        return data


def program_versions():
    def of(package):
        try:
            return version(package)
        except PackageNotFoundError:
            return ""

    return {
        "lianhe": of("lianhe"),
        "django": of("django"),
        "wagtail": of("wagtail"),
        "python": platform.python_version(),
    }


def applied_migrations(using=DEFAULT_DB_ALIAS):
    applied = MigrationRecorder(connections[using]).applied_migrations()
    return sorted([app, name] for app, name in applied)


@contextlib.contextmanager
def snapshot(connection):
    """One consistent view of the database for the whole dump, without stopping writers.
    PostgreSQL: a REPEATABLE READ, READ ONLY transaction. SQLite: a deferred read transaction,
    which in WAL mode reads one snapshot while others write (Django's own atomic() would BEGIN
    IMMEDIATE, the write lock, and the editors' saves would time out during a long backup).
    Inside a transaction already (tests), that transaction is the snapshot."""
    if connection.in_atomic_block:
        yield
    elif connection.vendor == "sqlite":
        connection.ensure_connection()
        connection.connection.execute("BEGIN DEFERRED")
        try:
            yield
        finally:
            connection.connection.execute("COMMIT")
    else:
        with transaction.atomic(using=connection.alias):
            if connection.vendor == "postgresql":
                with connection.cursor() as cursor:
                    cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield


def dump_database(out, using=DEFAULT_DB_ALIAS):
    """Writes every row to `out` (a binary file) from one consistent snapshot; returns the
    number of objects per model."""
    connection = connections[using]
    counts = {}
    text = io.TextIOWrapper(out, encoding="utf-8", newline="\n", write_through=True)
    with snapshot(connection):
        serializer = Serializer()
        for model in dumped_models():
            queryset = model._base_manager.using(using).order_by(model._meta.pk.name)
            count = queryset.count()
            if not count:
                continue
            serializer.serialize(queryset.iterator(chunk_size=500), stream=text)
            counts[model._meta.label_lower] = count
    text.detach()
    return counts


def add_stream(archive, name, fileobj, size, mtime):
    info = tarfile.TarInfo(name)
    info.size = size
    info.mtime = mtime
    info.mode = 0o600
    reader = HashingReader(fileobj)
    archive.addfile(info, reader)
    if reader.size != size:
        raise BackupError(f"文件 {name} 在备份过程中发生了变化，请重新备份。")
    return {"path": name, "size": size, "sha256": reader.hash.hexdigest()}


def create_backup(path, using=DEFAULT_DB_ALIAS, progress=None):
    """Writes the archive to `path` (through a temporary file beside it, renamed when complete)
    and returns its manifest."""
    say = progress or (lambda message: None)
    created = timezone.now()
    mtime = int(created.timestamp())
    directory = os.path.dirname(os.path.abspath(path))
    handle, partial = tempfile.mkstemp(prefix=".lianhe-backup-", suffix=".part", dir=directory)
    os.close(handle)
    try:
        with (
            tempfile.TemporaryFile(dir=directory) as data,
            tarfile.open(partial, "w:gz", compresslevel=6, format=tarfile.PAX_FORMAT) as archive,
        ):
            say("导出数据库…")
            counts = dump_database(data, using)
            size = data.tell()
            data.seek(0)
            data_entry = add_stream(archive, DATA, data, size, mtime)
            files = []
            for prefix, storage in storages_to_save().items():
                say(f"打包文件（{prefix}）…")
                for name in walk(storage):
                    try:
                        size = storage.size(name)
                        handle = storage.open(name, "rb")
                    except FileNotFoundError:
                        continue  # deleted since it was listed: not part of this backup
                    with handle:
                        entry = add_stream(
                            archive, f"{FILES_PREFIX}{prefix}/{name}", handle, size, mtime
                        )
                    files.append(entry)
            manifest = {
                "format": FORMAT,
                "format_version": FORMAT_VERSION,
                "created": created.isoformat(),
                "versions": program_versions(),
                "database": connections[using].vendor,
                "migrations": applied_migrations(using),
                "objects": counts,
                "data": data_entry,
                "file_count": len(files),
                "files": files,
            }
            encoded = json.dumps(manifest, ensure_ascii=False, indent=1).encode()
            info = tarfile.TarInfo(MANIFEST)
            info.size, info.mtime, info.mode = len(encoded), mtime, 0o600
            archive.addfile(info, io.BytesIO(encoded))
        os.replace(partial, path)
    except BaseException:
        if os.path.exists(partial):
            os.unlink(partial)
        raise
    return manifest
