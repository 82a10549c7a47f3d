"""A zip archive read in bounded memory and time, trusting nothing it declares.

Python's `zipfile` reads a whole member in one call with a 2 GB output budget: a member whose
declared size is small but whose deflate stream is not inflates in full before the declared
size cuts it short. Here the central directory is bounded before `zipfile` parses it, and every
member is inflated in chunks by `member_chunks`, which stops the moment a member gives more
than it declared. Once every member has been read this way (right size, complete stream,
right CRC), the parsers that read the package after the checks (python-docx, mammoth, lxml)
get no more from any member than its declared size.
"""

import struct
import zipfile
import zlib

from django.utils.translation import gettext as _

from cms.upload_checks import DocumentRejected

CHUNK = 64 * 1024
MAX_MEMBERS = 1000
# What a central directory of MAX_MEMBERS entries with long names can take.
MAX_CENTRAL_DIRECTORY_BYTES = MAX_MEMBERS * 1024
STORED, DEFLATED = zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED
METHOD_NAMES = {9: "Deflate64", 12: "bzip2", 14: "LZMA", 93: "Zstandard", 98: "PPMd", 99: "AES"}
ENCRYPTED, STRONG_ENCRYPTION, UTF8_NAME = 0x1, 0x40, 0x800

_END = struct.Struct("<4s4H2LH")  # end of central directory record
_END_SIGNATURE = b"PK\x05\x06"
_ZIP64_LOCATOR = struct.Struct("<4sLQL")
_ZIP64_END = struct.Struct("<4sQ2H2L4Q")
_LOCAL = struct.Struct("<4s5H3L2H")
_LOCAL_SIGNATURE = b"PK\x03\x04"


def open_archive(file, size, label, not_a_zip):
    """`zipfile.ZipFile` on `file` (`size` bytes, starting with a local file header), once its
    central directory is known to be within bounds and to sit where the archive says, with
    nothing before the archive. `not_a_zip(detail)` makes the refusal for a broken archive."""
    entries, directory_size = _central_directory(file, size, not_a_zip)
    if entries > MAX_MEMBERS or directory_size > MAX_CENTRAL_DIRECTORY_BYTES:
        raise _too_many_members(label, entries)
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError) as exc:
        raise not_a_zip(None) from exc
    members = archive.infolist()
    if len(members) > MAX_MEMBERS:
        raise _too_many_members(label, len(members))
    if members and min(member.header_offset for member in members) != 0:
        raise not_a_zip(_("zip 结构之前另有数据"))
    return archive


def _central_directory(file, size, not_a_zip):
    """(entries, bytes) of the central directory, from the end record (zip64 or not), which
    must be the archive's last bytes and follow the directory directly."""
    tail_size = min(size, _END.size + 0xFFFF)
    file.seek(size - tail_size)
    tail = file.read(tail_size)
    at = tail.rfind(_END_SIGNATURE)
    if at < 0 or len(tail) - at < _END.size:
        raise not_a_zip(None)
    fields = _END.unpack_from(tail, at)
    entries, directory_size, directory_offset, comment_size = fields[4:8]
    end_offset = size - tail_size + at
    if end_offset + _END.size + comment_size != size:
        raise not_a_zip(_("zip 结构之后另有数据"))
    directory_end = end_offset
    if 0xFFFF in fields[1:5] or 0xFFFFFFFF in (directory_size, directory_offset):
        locator_offset = end_offset - _ZIP64_LOCATOR.size
        if locator_offset < 0:
            raise not_a_zip(None)
        file.seek(locator_offset)
        signature, _disk, zip64_offset, _disks = _ZIP64_LOCATOR.unpack(
            file.read(_ZIP64_LOCATOR.size)
        )
        if signature != b"PK\x06\x07" or zip64_offset > locator_offset - _ZIP64_END.size:
            raise not_a_zip(None)
        file.seek(zip64_offset)
        record = _ZIP64_END.unpack(file.read(_ZIP64_END.size))
        if record[0] != b"PK\x06\x06":
            raise not_a_zip(None)
        entries, directory_size, directory_offset = record[7], record[8], record[9]
        directory_end = zip64_offset
    if directory_offset + directory_size != directory_end:
        raise not_a_zip(_("zip 结构之前另有数据"))
    return entries, directory_size


def _too_many_members(label, count):
    return DocumentRejected(
        _("%(label)s包含的部件过多（%(count)d 个），不能超过 %(limit)d 个，疑似压缩炸弹。")
        % {"label": label, "count": count, "limit": MAX_MEMBERS},
        code="zip_bomb",
    )


def check_methods(members, label):
    """Refuse encrypted members and any compression but stored and deflate (what Office and
    every zip reader here support)."""
    for member in members:
        if member.flag_bits & (ENCRYPTED | STRONG_ENCRYPTION) or member.compress_type == 99:
            raise DocumentRejected(
                _("%(label)s中的 %(name)s 已加密，无法检查，请去除密码后再上传。")
                % {"label": label, "name": member.filename},
                code="encrypted",
            )
        if member.compress_type not in (STORED, DEFLATED):
            method = METHOD_NAMES.get(member.compress_type, str(member.compress_type))
            raise DocumentRejected(
                _(
                    "%(label)s中的 %(name)s 使用了不支持的压缩方式（%(method)s），"
                    "请用 Office 重新保存后再上传。"
                )
                % {"label": label, "name": member.filename, "method": method},
                code="compression",
            )


def member_chunks(file, member, label):
    """The inflated content of `member`, in chunks of at most CHUNK bytes. Stops with a refusal
    as soon as the member gives more than its declared size, and refuses a member that is cut
    short, corrupt or fails its CRC. `check_methods` has run."""
    compressed = _data_start(file, member, label)
    declared, produced, crc = member.file_size, 0, 0
    if member.compress_type == STORED:
        if member.compress_size != declared:
            raise _lying_size(label, member)
        chunks = _stored(file, compressed, member, label)
    else:
        chunks = _inflated(file, compressed, member, label)
    for chunk in chunks:
        produced += len(chunk)
        if produced > declared:
            raise _lying_size(label, member)
        crc = zlib.crc32(chunk, crc)
        yield chunk
    if produced != declared:
        raise _corrupt(label, member)
    if crc != member.CRC:
        raise DocumentRejected(
            _("%(label)s已损坏：%(name)s 的校验和（CRC）不符。")
            % {"label": label, "name": member.filename},
            code="corrupt",
        )


def _data_start(file, member, label):
    """The compressed size of `member`, with `file` at its first byte, after checking the local
    header against the central directory's entry."""
    file.seek(member.header_offset)
    header = file.read(_LOCAL.size)
    if len(header) < _LOCAL.size or not header.startswith(_LOCAL_SIGNATURE):
        raise _corrupt(label, member)
    fields = _LOCAL.unpack(header)
    flags, method, name_size, extra_size = fields[2], fields[3], fields[9], fields[10]
    raw_name = file.read(name_size)
    name = raw_name.decode("utf-8" if flags & UTF8_NAME else "cp437", errors="replace")
    if method != member.compress_type or name != member.orig_filename:
        raise _corrupt(label, member)
    file.seek(extra_size, 1)
    return member.compress_size


def _stored(file, remaining, member, label):
    while remaining:
        chunk = file.read(min(CHUNK, remaining))
        if not chunk:
            raise _corrupt(label, member)
        remaining -= len(chunk)
        yield chunk


def _inflated(file, remaining, member, label):
    inflater = zlib.decompressobj(-zlib.MAX_WBITS)
    while not inflater.eof:
        data = inflater.unconsumed_tail
        if not data and remaining:
            data = file.read(min(CHUNK, remaining))
            remaining -= len(data)
        try:
            chunk = inflater.decompress(data, CHUNK)
        except zlib.error as exc:
            raise _corrupt(label, member) from exc
        if not chunk and not data:  # nothing left to inflate, and the stream has not ended
            raise _corrupt(label, member)
        if chunk:
            yield chunk


def _corrupt(label, member):
    return DocumentRejected(
        _("%(label)s已损坏：%(name)s 无法解压。") % {"label": label, "name": member.filename},
        code="corrupt",
    )


def _lying_size(label, member):
    return DocumentRejected(
        _(
            "%(label)s中的 %(name)s 解压后超过其声明的大小（%(size)s 字节），"
            "zip 结构不可信，疑似压缩炸弹。"
        )
        % {"label": label, "name": member.filename, "size": f"{member.file_size:,}"},
        code="zip_bomb",
    )
