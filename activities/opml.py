"""Import a society's feed list from OPML (what feed readers export).

The file comes from outside, so it is parsed with defusedxml and no DTD at all is accepted:
external entities (XXE) and entity expansion (billion laughs) are refused with a message, not
resolved. A file that is not OPML changes nothing; in a good file every `outline` with an
`xmlUrl`, at any depth, is one feed — http(s) addresses only, each at most once per society."""

import logging
from dataclasses import dataclass, field

from defusedxml import DefusedXmlException
from defusedxml import ElementTree as SafeET
from django.db import transaction
from django.utils.translation import gettext as _

from activities.forms import url_scheme_error
from activities.models import Feed

logger = logging.getLogger(__name__)

TITLE_MAX = Feed._meta.get_field("title").max_length
URL_MAX = Feed._meta.get_field("url").max_length


class OpmlError(ValueError):
    """The file as a whole is refused; the message says why, in Chinese."""


@dataclass
class OpmlResult:
    created: list = field(default_factory=list)  # Feed objects
    existing: list = field(default_factory=list)  # URLs already registered or repeated
    invalid: list = field(default_factory=list)  # (address as written, reason)

    def summary(self):
        text = _("新登记 %(created)d 个订阅源，已存在 %(existing)d 个，无效 %(invalid)d 个。") % {
            "created": len(self.created),
            "existing": len(self.existing),
            "invalid": len(self.invalid),
        }
        if self.invalid:
            shown = "；".join(f"{url or '（空）'}：{reason}" for url, reason in self.invalid[:5])
            text += _("无效条目：%(items)s") % {"items": shown}
        return text


def _local(tag):
    return tag.rsplit("}", 1)[-1].lower() if isinstance(tag, str) else ""


def parse_opml(data):
    """[(url, title)] in document order, and [(url, reason)] of the outlines refused."""
    try:
        root = SafeET.fromstring(data, forbid_dtd=True)
    except DefusedXmlException as error:
        logger.warning("OPML refused: %r", error)
        raise OpmlError(
            _("文件含有 DTD 或实体声明（可能是 XXE 或“十亿笑声”攻击），出于安全原因拒绝导入。")
        ) from error
    except SafeET.ParseError as error:
        raise OpmlError(
            _("文件不是有效的 XML（第 %(line)d 行附近有错误），请导出标准的 OPML 文件后再试。")
            % {"line": error.position[0] if error.position else 0}
        ) from error
    if _local(root.tag) != "opml" or root.find("body") is None:
        raise OpmlError(_("文件不是 OPML 订阅列表：缺少 <opml> 根元素或 <body>。"))
    feeds, invalid = [], []
    for outline in root.iter():
        if _local(outline.tag) != "outline":
            continue
        attributes = {key.lower(): value for key, value in outline.attrib.items()}
        if "xmlurl" not in attributes:
            continue  # a folder of feeds
        url = (attributes.get("xmlurl") or "").strip()
        title = (attributes.get("title") or attributes.get("text") or "").strip()
        error = url_scheme_error(url)
        if error is None and len(url) > URL_MAX:
            error = _("订阅地址太长（最多 %(max)d 个字符）。") % {"max": URL_MAX}
        if error:
            invalid.append((url, str(error)))
        else:
            feeds.append((url, title[:TITLE_MAX]))
    return feeds, invalid


def import_opml(society, data):
    """Register the feeds of OPML `data` (bytes) for `society`. Raises OpmlError for a file that
    is not OPML, and then nothing is created."""
    feeds, invalid = parse_opml(data)
    if not feeds and not invalid:
        raise OpmlError(_("OPML 文件中没有任何订阅源（带 xmlUrl 的 outline）。"))
    result = OpmlResult(invalid=invalid)
    seen = set()
    with transaction.atomic():
        registered = set(Feed.objects.filter(society=society).values_list("url", flat=True))
        for url, title in feeds:
            if url in seen or url in registered:
                result.existing.append(url)
                continue
            seen.add(url)
            # get_or_create: a concurrent import of the same list does not duplicate a feed.
            feed, created = Feed.objects.get_or_create(
                society=society, url=url, defaults={"title": title}
            )
            if created:
                result.created.append(feed)
            else:
                result.existing.append(url)
        for feed in result.created:
            enqueue_first_fetch(feed)
    return result


def enqueue_first_fetch(feed):
    """A new feed is fetched soon after it is committed. Without the task module the periodic
    job still takes it up: a feed that was never fetched is due."""
    try:
        from activities.tasks import enqueue_ingest
    except ImportError:
        return
    enqueue_ingest(feed.pk)
