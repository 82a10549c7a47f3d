"""Active content of a PDF (`cms.upload_pdf` finds it): what counts, and how it is named in a
refusal — the kind of script or action, the programs a Launch action starts, the embedded files
and, for those that are programs (by their first bytes or their name), what program they are."""

import zlib

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from pypdf.generic import ArrayObject, ByteStringObject

# The actions (`/S`) that are refused, and the kind each is named as.
ACTIONS = {
    "/JavaScript": "javascript",
    "/Launch": "launch",
    "/SubmitForm": "submit",
    "/ImportData": "import",
    "/RichMediaExecute": "richmedia",
}

# Names of embedded files that are programs, and what they are.
EXECUTABLE_EXTENSIONS = {
    **dict.fromkeys(("exe", "dll", "scr", "com", "pif", "cpl", "sys"), "Windows 程序"),
    **dict.fromkeys(("msi", "msp"), "Windows 安装包"),
    **dict.fromkeys(("bat", "cmd", "ps1", "vbs", "vbe", "js", "jse", "wsf", "hta"), "Windows 脚本"),
    "lnk": "Windows 快捷方式",
    "jar": "Java 程序",
    "apk": "安卓安装包",
    **dict.fromkeys(("app", "dmg", "pkg"), "macOS 程序"),
    **dict.fromkeys(("sh", "bash", "py", "pl"), "脚本"),
    **dict.fromkeys(("elf", "so", "bin", "run"), "Linux 程序"),
}
EXECUTABLE_MAGIC = (
    (b"MZ", "Windows 程序"),
    (b"\x7fELF", "Linux 程序"),
    (b"\xcf\xfa\xed\xfe", "macOS 程序"),
    (b"\xce\xfa\xed\xfe", "macOS 程序"),
    (b"\xfe\xed\xfa\xcf", "macOS 程序"),
    (b"\xfe\xed\xfa\xce", "macOS 程序"),
    (b"\xca\xfe\xba\xbe", "macOS 或 Java 程序"),
    (b"#!", "脚本"),
)
MAX_NAMES_SHOWN = 5


class Findings:
    """What was found, to be named in the refusal (`labels`)."""

    def __init__(self):
        self.kinds = {}  # what was found, in the order found
        self.launched = []  # programs a /Launch action starts
        self.embedded = {}  # embedded file name (or None) → what program it is (or None)

    def __bool__(self):
        return bool(self.kinds or self.embedded)

    def add(self, kind):
        self.kinds.setdefault(kind, None)

    def labels(self):
        labels = []
        for kind in self.kinds:
            if kind == "launch":
                programs = [f"“{name}”" for name in dict.fromkeys(self.launched)]
                labels.append(
                    _("启动外部程序%(programs)s的动作（Launch）") % {"programs": _listed(programs)}
                )
            elif kind in _KIND_LABELS:
                labels.append(_(_KIND_LABELS[kind]))
        named = {name: program for name, program in self.embedded.items() if name}
        programs = [f"“{name}”（{program}）" for name, program in named.items() if program]
        others = [f"“{name}”" for name, program in named.items() if not program]
        unnamed_program = self.embedded.get(None)
        if programs:
            labels.append(_("嵌入的可执行文件%(files)s") % {"files": _listed(programs)})
        elif unnamed_program:
            labels.append(_("嵌入的可执行文件（%(program)s）") % {"program": unnamed_program})
        if others:
            labels.append(_("嵌入文件%(files)s") % {"files": _listed(others)})
        elif not (programs or unnamed_program) and (self.embedded or "embedded" in self.kinds):
            labels.append(_("嵌入文件"))
        return labels


_KIND_LABELS = {
    "javascript": gettext_noop("JavaScript 脚本"),
    "richmedia": gettext_noop("富媒体内容（RichMedia）"),
    "submit": gettext_noop("提交表单数据的动作（SubmitForm）"),
    "import": gettext_noop("导入数据的动作（ImportData）"),
}


def _listed(items):
    """`“a”、“b”`, or the first few and how many there are."""
    shown = "、".join(items[:MAX_NAMES_SHOWN])
    if len(items) > MAX_NAMES_SHOWN:
        shown += _("等 %(count)d 个") % {"count": len(items)}
    return shown


def printable_name(name):
    """A file name as shown in a message: printable, without its folders, at most 80 characters."""
    if isinstance(name, ByteStringObject):
        name = bytes(name).decode("latin-1")
    text = "".join(c for c in str(name) if c.isprintable()).strip()
    # A path: the file's own name says what it is.
    text = text.replace("\\", "/").rstrip("/").rpartition("/")[2] or text
    return text[:80]


def program_in(stream):
    """What program an embedded file's data is, from its first bytes; None if it is none. Only
    a few bytes are inflated, never the whole file."""
    head = _head(stream)
    for magic, program in EXECUTABLE_MAGIC:
        if head.startswith(magic):
            return program
    return None


def _head(stream, count=16):
    raw = getattr(stream, "_data", b"") or b""  # as read from the file (decrypted), not decoded
    filters = dict.get(stream, "/Filter")
    if not isinstance(filters, ArrayObject):
        filters = [] if filters is None else [filters]
    if not filters:
        return bytes(raw[:count])
    if len(filters) == 1 and str(filters[0]) in ("/FlateDecode", "/Fl"):
        try:
            return zlib.decompressobj().decompress(bytes(raw[: 64 * 1024]), count)
        except zlib.error:
            return b""
    return b""
