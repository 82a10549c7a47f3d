"""Measuring an uploaded MP4 or QuickTime (.mov) video in bounded memory and time.

The file is read as ISO-BMFF boxes: for each box one seek and one read of its header (8 or 16
bytes), and the payload only of the two small boxes that hold a duration (`moov/mvhd`,
`moov/mvex/mehd`, a few dozen bytes); never `mdat` nor any other payload. The work has bounds
that do not depend on the file: at most `MAX_BOXES` headers are read in all, and boxes are only
opened along the paths above, never deeper than `MAX_DEPTH`. A crafted file of millions of tiny
boxes is refused once the count is passed, whatever its size.

The file is any seekable binary file: a Django upload (on disk once it is over 2.5 MB), a stored
file, an open file, or `bytes` (wrapped in `BytesIO`). Errors are `DocumentRejected` with a
message that does not name the file (callers put their own label in front) and a `code`:
"invalid" (not an MP4/MOV file), "incomplete" (cut short, or no movie header), "no_duration"
(the header gives no duration), "too_many_boxes".
"""

import io
import re
import struct

from django.utils.translation import gettext as _

from cms.upload_checks import MOV_LEADING_BOXES, DocumentRejected

__all__ = ["MAX_BOXES", "MAX_DEPTH", "MOV_LEADING_BOXES", "mp4_duration_seconds"]

# A 12-minute video has a handful of top-level boxes; a fragmented one two per fragment, a few
# thousand even when cut every frame. Each header costs one small read.
MAX_BOXES = 200_000
# moov/mvex/mehd: no box is opened deeper than this.
MAX_DEPTH = 3
# Payloads read: mvhd (version 1: 4 + 28 bytes used), mehd (4 + 8).
_PAYLOAD_BYTES = 32

_BOX_TYPE = re.compile(rb"[\x20-\x7e\xa9]{4}")
_UNKNOWN_DURATIONS = frozenset({0, 0xFFFFFFFF, 0xFFFFFFFFFFFFFFFF})


def mp4_duration_seconds(file) -> float:
    """The duration of the MP4 or QuickTime movie in `file` (a seekable binary file or bytes),
    from its `moov/mvhd` box (for a fragmented MP4 without one there, `moov/mvex/mehd`).

    Every top-level box is walked, so that junk after the movie or a file cut short is found;
    nothing is decoded. The file's position is left anywhere."""
    reader = _BoxReader(file)
    first = reader.read_at(0, 8)
    if len(first) < 8 or not (first[4:8] == b"ftyp" or first[4:8] in MOV_LEADING_BOXES):
        raise _not_a_video()
    moov = None
    for kind, start, end in reader.boxes(0, reader.size, depth=1):
        if kind == b"moov" and moov is None:
            moov = (start, end)
    mvhd = moov and reader.first(b"mvhd", *moov, depth=2)
    if mvhd is None:
        raise _incomplete()
    timescale, duration = _movie_header(
        reader.read_at(mvhd[0], min(mvhd[1] - mvhd[0], _PAYLOAD_BYTES))
    )
    if duration in _UNKNOWN_DURATIONS:
        duration = _fragmented_duration(reader, moov)
    return duration / timescale


class _BoxReader:
    def __init__(self, file):
        if isinstance(file, (bytes, bytearray, memoryview)):
            file = io.BytesIO(file)
        self.file = file
        file.seek(0, io.SEEK_END)
        self.size = file.tell()
        self.count = 0

    def read_at(self, position, count):
        self.file.seek(position)
        return bytes(self.file.read(count))

    def payload(self, start, end):
        """The first bytes of a box's payload (those of `mvhd` and `mehd` that are used)."""
        return self.read_at(start, min(end - start, _PAYLOAD_BYTES))

    def boxes(self, start, end, depth):
        """(type, payload start, end) of each box between `start` and `end`, `depth` levels
        down (1: the top level)."""
        if depth > MAX_DEPTH:  # a programming error: only the paths above are opened
            raise ValueError(f"box depth {depth} is over {MAX_DEPTH}")
        nested = depth > 1
        position = start
        while position < end:
            self.count += 1
            if self.count > MAX_BOXES:
                raise _too_many_boxes()
            if end - position < 8:
                raise _box_overrun(nested)
            kind, size, header_size = self._header(position, end, nested)
            yield kind, position + header_size, position + size
            position += size

    def _header(self, position, end, nested):
        """(type, size, header size) of the box at `position`, checked against `end`."""
        header = self.read_at(position, min(16, end - position))
        if len(header) < 8:  # the file shrank under us
            raise _incomplete()
        size, kind = struct.unpack_from(">I4s", header)
        if not _BOX_TYPE.fullmatch(kind):
            raise _not_a_video()
        header_size = 8
        if size == 1:
            if len(header) < 16:
                raise _box_overrun(nested)
            size, header_size = struct.unpack_from(">Q", header, 8)[0], 16
        elif size == 0:  # the last box, running to the end of the file (or its parent)
            size = end - position
        if size < header_size:
            raise _not_a_video()
        if size > end - position:
            raise _box_overrun(nested)
        return kind, size, header_size

    def first(self, kind, start, end, depth):
        """(payload start, end) of the first `kind` box between `start` and `end`, or None; the
        boxes after it are not read."""
        for box_kind, box_start, box_end in self.boxes(start, end, depth):
            if box_kind == kind:
                return box_start, box_end
        return None


def _not_a_video():
    return DocumentRejected(_("不是有效的 MP4/MOV 视频文件"), code="invalid")


def _incomplete():
    return DocumentRejected(_("视频文件不完整（可能上传中断）"), code="incomplete")


def _too_many_boxes():
    return DocumentRejected(
        _(
            "视频文件由过多的数据块组成（超过 %(limit)s 个），不是正常导出的视频，"
            "请导出为标准 MP4 后重新上传"
        )
        % {"limit": f"{MAX_BOXES:,}"},
        code="too_many_boxes",
    )


def _box_overrun(nested):
    # At the top level a box running past the end means the upload was cut short; inside a box
    # that is itself complete, it means the file is corrupt.
    return _not_a_video() if nested else _incomplete()


def _movie_header(payload):
    """(timescale, duration) of an `mvhd` box's payload."""
    version = payload[0] if payload else None
    layout = {0: (">4x4xII", 20), 1: (">8x8xIQ", 32)}.get(version)
    if layout is None or len(payload) < layout[1]:
        raise _not_a_video()
    timescale, duration = struct.unpack_from(layout[0], payload, 4)
    if not timescale:
        raise _not_a_video()
    return timescale, duration


def _fragmented_duration(reader, moov):
    """A fragmented MP4 leaves the movie duration open; `moov/mvex/mehd` may still give it."""
    mvex = reader.first(b"mvex", *moov, depth=2)
    mehd = mvex and reader.first(b"mehd", *mvex, depth=3)
    if mehd:
        payload = reader.payload(*mehd)
        layout = {0: (">I", 8), 1: (">Q", 12)}.get(payload[0] if payload else None)
        if layout and len(payload) >= layout[1]:
            duration = struct.unpack_from(layout[0], payload, 4)[0]
            if duration not in _UNKNOWN_DURATIONS:
                return duration
    raise DocumentRejected(_("无法读取视频时长，请导出为标准 MP4 后重新上传"), code="no_duration")
