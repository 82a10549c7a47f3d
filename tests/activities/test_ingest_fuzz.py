"""Seeded fuzzing of feed ingestion: good fixture feeds (RSS 2.0, Atom, GBK, odd titles) are
mutated the ways downloads and feed generators break them — cut short, bytes flipped, inserted
or deleted, tags duplicated or removed, the encoding declaration swapped or the document
re-encoded, NUL bytes, huge or empty titles, bad dates — and every variant goes through the
real entry point (`ingest_feed`, what the Celery task and the command call) against the local
feed server. Whatever the variant, no exception escapes, every message is a sentence (no repr),
and nothing is half written: a refused document stores nothing, an accepted one stores every
entry it has (each with its revision), none fails.

A failure names the variant: `variant(SEED, index)` rebuilds it."""

import datetime
import random
import re

import pytest
from wagtail.models import Revision

from activities.entries import to_item
from activities.ingest import ingest_feed
from activities.models import ActivityPage, FeedEntry, FeedStatus
from activities.parse import ParseError, parse
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    FIXTURES,
    feed_server_fixture,
    local_feeds_fixture,
)

pytestmark = pytest.mark.django_db

SEED = 20210722
VARIANTS = 200
NOW = datetime.datetime(2021, 7, 22, 2, 0, tzinfo=datetime.UTC)
SEEDS = ["rss2.xml", "atom.xml", "gbk.xml", "odd-titles.xml"]
ELEMENT = re.compile(rb"<(item|entry|title|description|summary|content|guid|link)\b.*?</\1>", re.S)
TEXT_OF = re.compile(rb"(<(title|pubDate|published|updated)\b[^>]*>)(.*?)(</\2>)", re.S)
DECLARATION = re.compile(rb'encoding="[^"]*"')
ENCODINGS = [b"UTF-8", b"GB2312", b"GBK", b"Big5", b"ISO-8859-1", b"UTF-16", b"Shift_JIS", b"x-no"]
BAD_DATES = [
    b"0000-00-00",
    b"9999-12-31T23:00:00Z",
    b"Fri, 31 Dec 9999 23:59:59 GMT",
    b"2021-02-30",
    b"\xe4\xb8\x8b\xe5\x91\xa8\xe4\xb8\x89",  # 下周三
    b"",
    b"-1",
    b"Thu, 01 Jan 1970 00:00:00 GMT",
]
# What a message shown to a user must never contain: a dict, a list, a repr.
REPR = re.compile(r"\{'|\['|Error\(|Exception\(|<[a-zA-Z_.]+ object")


def _truncate(rng, data):
    return data[: rng.randrange(len(data))]


def _flip(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        data[rng.randrange(len(data))] ^= 1 << rng.randrange(8)
    return bytes(data)


def _insert(rng, data):
    at = rng.randrange(len(data) + 1)
    return data[:at] + rng.randbytes(rng.randint(1, 16)) + data[at:]


def _delete(rng, data):
    at = rng.randrange(len(data))
    return data[:at] + data[at + rng.randint(1, 64) :]


def _nul(rng, data):
    at = rng.randrange(len(data) + 1)
    return data[:at] + b"\x00" + data[at:]


def _element(rng, data):
    matches = list(ELEMENT.finditer(data))
    return rng.choice(matches) if matches else None


def _duplicate(rng, data):
    match = _element(rng, data)
    if match is None:
        return data
    return data[: match.end()] + match.group(0) + data[match.end() :]


def _remove(rng, data):
    match = _element(rng, data)
    return data if match is None else data[: match.start()] + data[match.end() :]


def _declaration(rng, data):
    encoding = rng.choice(ENCODINGS)
    if DECLARATION.search(data):
        return DECLARATION.sub(b'encoding="' + encoding + b'"', data, count=1)
    return b'<?xml version="1.0" encoding="' + encoding + b'"?>\n' + data


def _reencode(rng, data):
    """The document in another encoding (its declaration unchanged: often wrong)."""
    for source in ("utf-8", "gb18030"):
        try:
            text = data.decode(source)
            break
        except UnicodeDecodeError:
            continue
    else:
        return data
    target = rng.choice(["utf-16-le", "utf-16-be", "utf-32-le", "big5", "gb18030", "utf-8-sig"])
    encoded = text.encode(target, errors="replace")
    if target.startswith("utf-16") and rng.random() < 0.5:
        encoded = ("\ufeff" + text).encode(target)
    return encoded


def _text(rng, data, names, values):
    matches = [match for match in TEXT_OF.finditer(data) if match.group(2) in names]
    if not matches:
        return data
    match = rng.choice(matches)
    return data[: match.start(3)] + rng.choice(values) + data[match.end(3) :]


def _huge_title(rng, data):
    size = rng.randint(300, 20000)
    cdata = b"<![CDATA[" + b"x" * size + b"]]>"
    values = [("题" * size).encode(), b"A" * size, b"&amp;" * size, cdata]
    return _text(rng, data, {b"title"}, values)


def _empty_title(rng, data):
    return _text(rng, data, {b"title"}, [b"", b"   ", b"&amp;", b"\xe2\x80\xa6\xe2\x80\xa6"])


def _bad_date(rng, data):
    return _text(rng, data, {b"pubDate", b"published", b"updated"}, BAD_DATES)


MUTATIONS = [
    _truncate,
    _flip,
    _insert,
    _delete,
    _nul,
    _duplicate,
    _remove,
    _declaration,
    _reencode,
    _huge_title,
    _empty_title,
    _bad_date,
]


def variant(seed, index):
    """(fixture name, mutations applied, bytes) of variant `index`."""
    rng = random.Random(seed * 1000 + index)
    name = SEEDS[index % len(SEEDS)]
    data = (FIXTURES / name).read_bytes()
    applied = []
    for _ in range(rng.choice([1, 1, 2, 3])):
        mutation = rng.choice(MUTATIONS)
        if data:
            data = mutation(rng, data)
            applied.append(mutation.__name__.strip("_"))
    return name, applied, data


def expected_entries(data):
    """How many entries an accepted document has (None: it is refused)."""
    try:
        parsed = parse(data, "application/xml")
    except ParseError:
        return None
    return len([to_item(entry) for entry in parsed.entries])


def assert_sentence(text, where):
    assert isinstance(text, str), where
    assert not REPR.search(text), f"{where}: {text[:300]}"


def test_mutated_feeds_are_refused_or_stored_whole(society_pages, local_feeds):
    society = society_pages["CAA"].society
    refused = accepted = 0
    for index in range(VARIANTS):
        name, applied, data = variant(SEED, index)
        where = f"variant {index} ({name}: {', '.join(applied)})"
        local_feeds.documents[f"v{index}"] = (data, "application/xml")
        feed = FeedFactory(society=society, url=local_feeds.url(f"/doc/v{index}"))
        pages, revisions = ActivityPage.objects.count(), Revision.objects.count()
        entries = FeedEntry.objects.count()

        result = ingest_feed(feed, now=NOW)  # nothing may escape

        feed.refresh_from_db()
        new_pages = ActivityPage.objects.count() - pages
        new_revisions = Revision.objects.count() - revisions
        for text in (result.error, feed.last_error, feed.last_warning, result.summary()):
            assert_sentence(text, where)
        assert feed.lease_until is None, where
        if result.error:
            refused += 1
            # Refused for what the document is, never for a bug (程序内部错误).
            assert "程序内部错误" not in result.error, where
            assert (new_pages, new_revisions) == (0, 0), where
            assert FeedEntry.objects.count() == entries, where
            assert feed.status == FeedStatus.ERROR, where
            assert feed.last_error == result.error, where
            continue
        accepted += 1
        assert (feed.status, feed.last_error) == (FeedStatus.OK, ""), where
        assert result.failed == 0, f"{where}: {feed.last_warning}"
        assert result.created + result.duplicates == expected_entries(data), where
        assert new_pages == new_revisions == result.created, where
        stored = FeedEntry.objects.filter(feed=feed)
        assert stored.count() == result.created, where
        assert not stored.filter(page__isnull=True).exists(), where
        for page in ActivityPage.objects.filter(feed_entries__feed=feed):
            assert page.title and page.slug and page.latest_revision_id, where
            assert len(page.title) <= 255 and len(page.slug) <= 255, where
            assert page.workflow_in_progress, where
    print(f"{refused} refused, {accepted} accepted")
    # The mutations are neither all fatal nor all harmless.
    assert refused > VARIANTS // 5 and accepted > VARIANTS // 5, (refused, accepted)
