"""A nomination's files: checked against their slot's rules on upload, stored under the slot's code
(never the uploader's name), downloaded under the slot's label, re-measured when the category
changes."""

import math
from pathlib import PurePosixPath

from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.file_checks import CheckResult, check_file
from campaigns.form_templates import safe_filename_part, short_label
from campaigns.models import NominationFile
from cms.upload_checks import megabytes

_EXTENSIONS = {"word": ".docx", "pdf": ".pdf"}


def check_upload(slot, upload):
    """Run the slot's checks on an uploaded file, reading no more of it than they need. A file
    over the slot's size limit is refused without being read."""
    rules = slot.rules()
    if rules.max_size_bytes and upload.size > rules.max_size_bytes:
        return CheckResult(
            ok=False,
            failures=[
                _("%(file)s 大小 %(size)s MB，超过 %(limit)s MB 上限")
                % {
                    "file": slot.code,
                    "size": megabytes(upload.size),
                    "limit": megabytes(rules.max_size_bytes),
                }
            ],
            facts={"filename": upload.name, "size": upload.size},
        )
    # Read where it is (over 2.5 MB, a temporary file on disk): only what the checks need.
    return check_file(rules, upload.name, upload)


def stored_name(slot, original_name):
    """The name a file is stored under: the slot's code and an extension from the slot's kind,
    never the uploader's."""
    extension = _EXTENSIONS.get(slot.kind)
    if extension is None:  # a video: keep .mov for QuickTime files
        extension = ".mov" if original_name.lower().endswith(".mov") else ".mp4"
    return f"{slot.code}{extension}"


def download_name(record, slot=None):
    """The name a stored file downloads under: the slot's code and label and the extension of
    its checked type (the stored name's), never the uploader's name: `文件1-推荐表.docx`."""
    extension = PurePosixPath(record.file.name).suffix.lower()
    parts = [record.slot_code, short_label(slot.label) if slot else ""]
    return "-".join(safe_filename_part(part) for part in parts if part) + extension


def store_file(nomination, slot, upload, result):
    """Store `upload` (checked: `result`) as `nomination`'s file for `slot`, replacing the one
    there; the replaced file leaves the storage once the transaction commits."""
    existing = nomination.files.filter(slot_code=slot.code).first()
    record = existing or NominationFile(nomination=nomination, slot_code=slot.code)
    old_name = existing.file.name if existing else None
    upload.seek(0)
    record.file.save(stored_name(slot, upload.name), upload, save=False)
    record.original_name = upload.name[-255:]
    record.size = upload.size
    record.check_ok = result.ok
    record.check_failures = list(result.failures)
    record.facts = dict(result.facts)
    record.save()
    if old_name:
        storage = record.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return record.file


def recheck_files(nomination):
    """After a change of category: drop files of slots that no longer apply, and measure the
    others against the rules of the category's slots."""
    slots = {slot.code: slot for slot in nomination.campaign.slots_for(nomination.category)}
    for record in nomination.files.all():
        slot = slots.get(record.slot_code)
        if slot is None:
            name, storage = record.file.name, record.file.storage
            record.delete()
            transaction.on_commit(lambda n=name, s=storage: s.delete(n))
            continue
        with record.file.open("rb") as handle:
            result = check_file(slot.rules(), record.original_name, handle)
        record.check_ok = result.ok
        record.check_failures = list(result.failures)
        record.facts = dict(result.facts)
        record.save(update_fields=["check_ok", "check_failures", "facts"])


def facts_summary(facts):
    """What the checks measured, as one line:
    `共 4,213 字；必备部分 4/4；时长 10分32秒；3 页；1.2 MB`."""
    facts = facts or {}
    parts = []
    if "characters" in facts:
        parts.append(_("共 %(count)s 字") % {"count": f"{facts['characters']:,}"})
    if facts.get("sections"):
        sections = facts["sections"]
        # A heading with nothing under it is not the section yet.
        found = sum(1 for s in sections if s.get("found") and not s.get("empty"))
        parts.append(_("必备部分 %(found)d/%(total)d") % {"found": found, "total": len(sections)})
    if "duration_seconds" in facts:
        minutes, seconds = divmod(math.ceil(facts["duration_seconds"]), 60)
        parts.append(_("时长 %(m)d分%(s)d秒") % {"m": minutes, "s": seconds})
    if "pages" in facts:
        parts.append(_("%(pages)d 页") % {"pages": facts["pages"]})
    if "size" in facts:
        parts.append(readable_size(facts["size"]))
    return "；".join(parts)


def readable_size(size):
    if size >= 1024 * 1024:
        return f"{megabytes(size)} MB"
    return f"{max(1, math.ceil(size / 1024))} KB"
