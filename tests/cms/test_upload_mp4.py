"""`cms.upload_mp4`: a video is measured from its box headers, in bounded memory and time, from a
file on disk as from bytes; crafted files (millions of tiny boxes, boxes nested a million deep,
a 64-bit size past the end) are refused quickly, each check also run under a 512 MB address
space limit."""

import io
import time

import pytest

from cms import upload_mp4
from cms.upload_checks import DocumentRejected
from cms.upload_mp4 import MAX_BOXES, mp4_duration_seconds
from tests import hostile_media as hostile

TOO_MANY_BOXES = (
    f"视频文件由过多的数据块组成（超过 {MAX_BOXES:,} 个），不是正常导出的视频，"
    "请导出为标准 MP4 后重新上传"
)
INCOMPLETE = "视频文件不完整（可能上传中断）"
INVALID = "不是有效的 MP4/MOV 视频文件"


class CountingFile(io.RawIOBase):
    """A file that counts the bytes read from it."""

    def __init__(self, path):
        self.file = open(path, "rb")  # noqa: SIM115 (closed with this object)
        self.bytes_read = 0

    def readable(self):
        return True

    def seekable(self):
        return True

    def seek(self, offset, whence=io.SEEK_SET):
        return self.file.seek(offset, whence)

    def tell(self):
        return self.file.tell()

    def read(self, size=-1):
        data = self.file.read(size)
        self.bytes_read += len(data)
        return data

    def close(self):
        self.file.close()
        super().close()


def refusal(data):
    with pytest.raises(DocumentRejected) as refused:
        mp4_duration_seconds(data)
    return refused.value.code, refused.value.message


def test_a_normal_mp4_from_bytes_and_from_a_file(tmp_path):
    data = hostile.normal_mp4(seconds=601.5)
    assert mp4_duration_seconds(data) == 601.5
    path = tmp_path / "video.mp4"
    path.write_bytes(data)
    with path.open("rb") as file:
        assert mp4_duration_seconds(file) == 601.5


def test_millions_of_tiny_boxes_are_refused_once_the_count_is_passed(tmp_path):
    path = hostile.write_tiny_boxes_mp4(tmp_path / "tiny.mp4", count=4_000_000)  # 32 MB
    with CountingFile(path) as file:
        started = time.monotonic()
        with pytest.raises(DocumentRejected) as refused:
            mp4_duration_seconds(file)
        seconds = time.monotonic() - started
        assert (refused.value.code, refused.value.message) == ("too_many_boxes", TOO_MANY_BOXES)
        # Only the boxes up to the limit were read, a header each: not the 32 MB.
        assert file.bytes_read <= (MAX_BOXES + 10) * 16
    assert seconds < 15


def test_the_box_count_is_what_bounds_the_work(monkeypatch):
    monkeypatch.setattr(upload_mp4, "MAX_BOXES", 50)
    data = hostile.normal_mp4() + hostile.TINY_BOX * 60
    assert refusal(data)[0] == "too_many_boxes"
    assert mp4_duration_seconds(hostile.normal_mp4() + hostile.TINY_BOX * 40) == 600.0


def test_boxes_nested_a_million_deep_are_not_followed():
    # Only moov/mvhd and moov/mvex/mehd are ever opened: the million levels are never walked.
    started = time.monotonic()
    assert refusal(hostile.nested_boxes_mp4(1_000_000)) == ("incomplete", INCOMPLETE)
    assert time.monotonic() - started < 2


def test_a_64_bit_box_size_past_the_end_of_the_file():
    assert refusal(hostile.lying_large_box_mp4()) == ("incomplete", INCOMPLETE)
    assert refusal(hostile.lying_nested_box_mp4()) == ("invalid", INVALID)


def test_a_large_video_is_measured_without_reading_its_media_data(tmp_path):
    # 400 MB of media data before the movie box, as without "fast start"; sparse on disk.
    path = hostile.write_sparse_large_mp4(tmp_path / "large.mp4", media_bytes=400 * 1024 * 1024)
    assert path.stat().st_size > 400 * 1024 * 1024
    with CountingFile(path) as file:
        assert mp4_duration_seconds(file) == 600.0
        # A few box headers and the movie header: far less than one MB of the 400.
        assert file.bytes_read < 4096


LIMITED = {
    "normal": (lambda path: path.write_bytes(hostile.normal_mp4()), "600.0"),
    "tiny-boxes": (hostile.write_tiny_boxes_mp4, "too_many_boxes"),
    "nested": (lambda path: path.write_bytes(hostile.nested_boxes_mp4()), "incomplete"),
    "64-bit-size-past-the-end": (
        lambda path: path.write_bytes(hostile.lying_large_box_mp4()),
        "incomplete",
    ),
    "400-MB-sparse": (hostile.write_sparse_large_mp4, "600.0"),
}


def test_every_check_runs_within_512_mb_of_address_space(tmp_path):
    """All the files above, one after the other in one process limited to 512 MB."""
    paths = []
    for case, (build, _expected) in LIMITED.items():
        paths.append(tmp_path / f"{case}.mp4")
        build(paths[-1])
    results = hostile.run_limited("mp4", *paths)
    for (case, (_build, expected)), result in zip(LIMITED.items(), results, strict=True):
        assert result.get("value", result.get("code")) == expected, (case, result)
        assert result["seconds"] < 15, (case, result)
    assert results[-1]["peak_bytes"] < hostile.ADDRESS_SPACE_LIMIT


def test_the_address_space_limit_holds(tmp_path):
    """The harness is real: under it, 100 MB can be had, 600 MB cannot."""
    path = tmp_path / "any"
    path.write_bytes(b"x")
    allowed = hostile.run_limited(f"allocate:{100 * 1024 * 1024}", path)[0]
    assert allowed["value"] == str(100 * 1024 * 1024)
    assert hostile.run_limited(f"allocate:{600 * 1024 * 1024}", path)[0].get("memory_error")
