"""Restoring a backup made by cms/backup.py on an empty install.

Everything that can refuse happens before anything is changed: the archive is read whole once
(a gzip or tar that is cut or corrupt fails here), its format version must be known, every
member must be a plain file listed in the manifest with the same size and SHA-256 (and nothing
listed may be missing), its migrations must be known to this program, and the target database
and file storages must be empty. Only then does `restore` migrate, empty the tables that
`migrate` filled (Wagtail's root page, default groups…), load the rows in one transaction and
write the files, each checked again as it is written; the search index is rebuilt at the end.
"""

import json
import posixpath
import tarfile
import zlib

from django.conf import settings
from django.core import serializers
from django.core.cache import caches
from django.core.files.base import File
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.db.migrations.executor import MigrationExecutor
from django.db.migrations.loader import MigrationLoader

from cms.backup import (
    CHUNK,
    DATA,
    FILES_PREFIX,
    FORMAT,
    FORMAT_VERSION,
    MANIFEST,
    BackupError,
    HashingReader,
    dumped_models,
    storages_to_save,
)

# Tables a fresh `migrate` fills on its own: their rows do not make a database "not empty".
MIGRATION_ROWS = {"wagtailcore.page": 2}
# Apps whose rows only a used install has (a new one has none): the project's own apps (the
# settings name them) and Wagtail's images and documents.
MEDIA_APPS = {"wagtailimages", "wagtaildocs"}


def content_apps():
    return set(settings.LIANHE_APPS) | MEDIA_APPS


def corrupt(reason):
    return BackupError(f"备份文件已损坏，无法恢复（{reason}）。未做任何修改。")


def safe_member_name(name):
    """A member name as written by `create_backup`: relative, normalised, no `..`."""
    normal = posixpath.normpath(name)
    return (
        normal == name
        and not name.startswith("/")
        and ".." not in name.split("/")
        and (name in (MANIFEST, DATA) or name.startswith(FILES_PREFIX))
    )


def read_archive(path):
    """Reads the archive once, hashing every member; returns its manifest once everything in
    it matches. Raises BackupError with the reason otherwise."""
    seen, manifest_bytes = _hash_members(path)
    manifest, listed = _parse_manifest(manifest_bytes)
    for name, (size, digest) in seen.items():
        if name not in listed:
            raise corrupt(f"{name} 不在清单中")
        if listed[name] != (size, digest):
            raise BackupError(
                f"备份中的文件 {name} 与清单记录的 SHA-256 不符，可能已被篡改或损坏。未做任何修改。"
            )
    missing = sorted(set(listed) - set(seen))
    if missing:
        raise corrupt(f"缺少 {len(missing)} 个文件，例如 {missing[0]}")
    return manifest


def _hash_members(path):
    """({member name: (size, SHA-256)}, the manifest's bytes or None), reading the archive once."""
    seen = {}
    manifest_bytes = None
    try:
        with tarfile.open(path, "r:gz") as archive:
            for member in archive:
                if not member.isfile() or not safe_member_name(member.name):
                    raise corrupt(f"包含不允许的条目 {member.name!r}")
                if member.name in seen or (member.name == MANIFEST and manifest_bytes):
                    raise corrupt(f"条目 {member.name} 出现了两次")
                handle = archive.extractfile(member)
                if member.name == MANIFEST:
                    if member.size > 64 * 1024 * 1024:
                        raise corrupt("清单过大")
                    manifest_bytes = handle.read()
                    continue
                reader = HashingReader(handle)
                while reader.read(CHUNK):
                    pass
                seen[member.name] = (reader.size, reader.hash.hexdigest())
    except FileNotFoundError:
        raise BackupError(f"找不到备份文件：{path}") from None
    except (tarfile.TarError, EOFError, zlib.error, OSError) as error:
        raise corrupt(f"无法读取压缩包：{error}") from None
    return seen, manifest_bytes


def _parse_manifest(manifest_bytes):
    """(the manifest, {path: (size, SHA-256)} of everything it lists, the data included)."""
    if manifest_bytes is None:
        raise corrupt("缺少清单 manifest.json")
    try:
        manifest = json.loads(manifest_bytes)
        format_name, format_version = manifest["format"], manifest["format_version"]
    except (ValueError, KeyError, TypeError):
        raise corrupt("清单无法解析") from None
    if format_name != FORMAT:
        raise BackupError(f"这不是联合体系统的备份文件（格式 {format_name!r}）。未做任何修改。")
    if format_version != FORMAT_VERSION:
        raise BackupError(
            f"不支持的备份格式版本 {format_version!r}（本程序只能恢复版本 {FORMAT_VERSION}）。"
            "请使用制作该备份的程序版本恢复。未做任何修改。"
        )
    try:
        listed = {entry["path"]: (entry["size"], entry["sha256"]) for entry in manifest["files"]}
        listed[DATA] = (manifest["data"]["size"], manifest["data"]["sha256"])
        if manifest["file_count"] != len(manifest["files"]):
            raise corrupt("清单中的文件数与文件列表不符")
    except (KeyError, TypeError):
        raise corrupt("清单不完整") from None
    return manifest, listed


def check_migrations(manifest):
    """The archive's schema must be one this program knows: a backup of a newer version would
    have tables and columns this one cannot load."""
    loader = MigrationLoader(None, ignore_no_migrations=True)
    known = set(loader.disk_migrations)
    unknown = sorted(
        f"{app}.{name}" for app, name in map(tuple, manifest.get("migrations", [])) if
        (app, name) not in known
    )  # fmt: skip
    if unknown:
        raise BackupError(
            f"备份来自更新的程序版本，包含本程序没有的数据库迁移（{'、'.join(unknown[:3])}"
            f"{' 等' if len(unknown) > 3 else ''}）。请先升级程序再恢复。未做任何修改。"
        )


def database_contents(using=DEFAULT_DB_ALIAS):
    """What makes the database "not empty", as {description: count}; empty when nothing."""
    connection = connections[using]
    tables = set(connection.introspection.table_names())
    if "django_migrations" not in tables:
        return {}
    found = {}
    apps = content_apps()
    for model in dumped_models():
        meta = model._meta
        if meta.db_table not in tables:
            continue
        is_content = meta.app_label in apps or meta.label_lower in (
            "auth.user",
            "wagtailcore.page",
        )
        if not is_content:
            continue
        count = model._base_manager.using(using).count()
        if count > MIGRATION_ROWS.get(meta.label_lower, 0):
            found[meta.label_lower] = (str(meta.verbose_name_plural), count)
    # Accounts and pages first: they are what a person recognises as "a site in use".
    first = [found.pop(label) for label in ("auth.user", "wagtailcore.page") if label in found]
    return dict([*first, *found.values()])


def storage_contents():
    found = {}
    for prefix, storage in storages_to_save().items():
        try:
            folders, files = storage.listdir("")
        except FileNotFoundError:
            continue
        if folders or files:
            found[prefix] = len(folders) + len(files)
    return found


def check_target_empty(using=DEFAULT_DB_ALIAS):
    contents = database_contents(using)
    if contents:
        summary = "、".join(f"{name} {count} 条" for name, count in list(contents.items())[:4])
        raise BackupError(
            f"目标数据库不是空的（已有 {summary}），恢复只能在空的新安装上进行。未做任何修改。"
            "如确需用备份覆盖现有全部数据，请加 --force。"
        )
    files = storage_contents()
    if files:
        where = "、".join({"media": "公开文件目录", "private": "私有文件目录"}[p] for p in files)
        raise BackupError(
            f"目标{where}不是空的，恢复只能在空的新安装上进行。未做任何修改。"
            "如确需覆盖，请加 --force。"
        )


def flush_tables(using):
    """Empties every table the archive fills (and sessions and the search index): rows that
    `migrate` made, or with --force the install's own. Content types and permissions stay."""
    connection = connections[using]
    existing = set(connection.introspection.table_names())
    keep = {"django_content_type", "auth_permission", "django_migrations"}
    tables = sorted(
        table
        for table in connection.introspection.django_table_names(include_views=False)
        if table in existing and table not in keep
    )
    sql = connection.ops.sql_flush(no_style(), tables, reset_sequences=False, allow_cascade=True)
    with connection.cursor() as cursor:
        for statement in sql:
            cursor.execute(statement)


def load_rows(archive, using):
    """Loads `data.jsonl` from the open archive; returns the number of objects."""
    connection = connections[using]
    stream = archive.extractfile(DATA)
    text = (line.decode("utf-8") for line in stream)
    loaded, deferred, models = 0, [], set()
    for item in serializers.deserialize("jsonl", text, using=using, handle_forward_references=True):
        item.save(using=using)
        models.add(type(item.object))
        if item.deferred_fields:
            deferred.append(item)
        loaded += 1
    for item in deferred:
        try:
            item.save_deferred_fields(using=using)
        except Exception as error:
            raise BackupError(
                f"备份中的 {item.object._meta.verbose_name} {item.object.pk} 引用了本安装中不存在的"
                f"对象（{error}）。已撤销，数据库未载入任何数据。"
            ) from None
    # The many-to-many tables Django made (a user's groups, a group's permissions) have their
    # own id sequences: the next row added after the restore must not take a restored id.
    for model in list(models):
        for field in model._meta.local_many_to_many:
            if field.remote_field.through._meta.auto_created:
                models.add(field.remote_field.through)
    with connection.cursor() as cursor:
        for statement in connection.ops.sequence_reset_sql(no_style(), list(models)):
            cursor.execute(statement)
    connection.check_constraints()
    return loaded


def write_files(archive, manifest, force):
    """Writes every file to its storage, checking its hash again; returns the names written
    (to remove them if the restore fails later)."""
    targets = storages_to_save()
    expected = {entry["path"]: entry["sha256"] for entry in manifest["files"]}
    written = []
    for member in archive:
        if member.name not in expected:
            continue
        prefix, name = member.name[len(FILES_PREFIX) :].split("/", 1)
        storage = targets[prefix]
        if force and storage.exists(name):
            storage.delete(name)
        reader = HashingReader(archive.extractfile(member))
        saved = storage.save(name, File(reader, name=name))
        written.append((storage, saved))
        if saved != name:
            raise BackupError(f"无法按原名写入文件 {name}（目标中已有同名文件）。")
        if reader.hash.hexdigest() != expected[member.name]:
            raise BackupError(f"写入时文件 {name} 的 SHA-256 与清单不符。已撤销。")
    return written


def restore_backup(path, using=DEFAULT_DB_ALIAS, force=False, progress=None):
    """Restores the archive at `path`; returns its manifest. Raises BackupError, with nothing
    changed, when the archive or the target is not fit."""
    say = progress or (lambda message: None)
    say("检查备份文件…")
    manifest = read_archive(path)
    check_migrations(manifest)
    if not force:
        check_target_empty(using)
    executor = MigrationExecutor(connections[using])
    if executor.migration_plan(executor.loader.graph.leaf_nodes()):
        say("数据库迁移…")
        call_command("migrate", database=using, interactive=False, verbosity=0)
    say("载入数据与文件…")
    written = []
    try:
        with transaction.atomic(using=using), tarfile.open(path, "r:gz") as archive:
            flush_tables(using)
            objects = load_rows(archive, using)
            written = write_files(archive, manifest, force)
    except BaseException:
        for storage, name in written:
            storage.delete(name)
        raise
    say("重建搜索索引…")
    call_command("update_index", verbosity=0)
    for alias in settings.CACHES:
        caches[alias].clear()
    manifest["loaded_objects"] = objects
    return manifest
