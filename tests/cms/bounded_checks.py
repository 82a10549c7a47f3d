"""`python -m tests.cms.bounded_checks LIMIT FILE…`: every check an uploaded Word file meets
(the front door, the apply form's and `check_files`' slot check, the objection attachment, the
report import), run on each FILE in this process under an address-space limit of LIMIT bytes
(RLIMIT_AS), so that the test process itself is not limited. Prints one JSON line per check.

Run by tests/cms/test_upload_memory.py."""

import json
import resource
import sys
import time
from pathlib import Path

MIB = 1024 * 1024


def checks():
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.file_checks import SlotRules, check_file
    from campaigns.objections import check_attachment
    from cms.upload_checks import DOCX, check_upload
    from reports.import_blocks import read_docx

    form = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=5000)

    def slot_check(path):
        result = check_file(form, path.name, path.read_bytes())
        if not result.ok:
            raise ValueError(result.failures[0])

    return {
        "check_upload": lambda path: check_upload(path.open("rb"), DOCX, "文件1"),
        "check_file": slot_check,
        "objection": lambda path: check_attachment(
            SimpleUploadedFile(path.name, path.read_bytes())
        ),
        "import": lambda path: read_docx(path.read_bytes(), "文件1"),
    }


def outcome(check, path):
    from django.core.exceptions import ValidationError

    started = time.monotonic()
    try:
        check(path)
        result = {"outcome": "accepted", "message": ""}
    except MemoryError:
        result = {"outcome": "MemoryError", "message": ""}
    except ValidationError as error:
        result = {"outcome": "refused", "message": "；".join(error.messages)}
    except ValueError as error:
        result = {"outcome": "refused", "message": str(error)}
    except Exception as error:  # what the test is there to catch: a crash
        result = {"outcome": "crashed", "message": repr(error)}
    return {**result, "seconds": round(time.monotonic() - started, 2)}


def main(limit, paths):
    import django

    django.setup()
    run = checks()
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    try:
        bytearray(limit)
        limited = False
    except MemoryError:
        limited = True
    print(json.dumps({"limited": limited}))
    for path in map(Path, paths):
        for name, check in run.items():
            print(json.dumps({"file": path.stem, "check": name, **outcome(check, path)}))


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2:])
