"""Chinese text helpers for search: word segmentation with jieba.

Wagtail's database backends (SQLite FTS5 and PostgreSQL full-text search) split text at spaces
and punctuation only, so a run of Chinese characters is one "word" and a query such as 机器 finds
nothing inside 工业机器人. Pages therefore index a segmented copy of their text
(`search_segmented`): jieba's search-mode tokens plus every pair of adjacent Chinese characters,
separated by spaces, which both backends tokenise the same way. Queries are segmented the same way
(`query_terms`) and their terms are ANDed.
"""

import logging
import re
import threading
from pathlib import Path

from django.core.exceptions import FieldDoesNotExist
from django.utils.html import strip_tags
from wagtail.fields import RichTextField, StreamField
from wagtail.rich_text import get_text_for_indexing

USER_DICT = Path(__file__).with_name("search_dict.txt")

_tokenizer = None
_lock = threading.Lock()

# Chinese characters (CJK unified ideographs, extension A and compatibility ideographs).
_CJK = r"\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_CJK_RUN = re.compile(f"[{_CJK}]+")
_CJK_ONLY = re.compile(f"^[{_CJK}]+$")
# A token worth indexing holds a letter or a digit; whitespace and punctuation are dropped.
_WORD = re.compile(r"\w")
# `key:value` parts of an admin query are Wagtail's filters (live:yes), not words.
_FILTER = re.compile(r"^\w+:\S+$")


def tokenizer():
    """jieba's tokenizer with the federation's dictionary, loaded once per process (loading the
    main dictionary takes about a second)."""
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import jieba

                jieba.setLogLevel(logging.WARNING)
                instance = jieba.Tokenizer()
                instance.load_userdict(str(USER_DICT))
                add_society_names(instance)
                _tokenizer = instance
    return _tokenizer


def add_society_names(instance):
    """Member societies added in the admin are words too. The table may not exist yet (before the
    first migration), in which case the dictionary file's names are enough."""
    from django.db import DatabaseError

    from cms.models import MemberSociety

    try:
        names = list(MemberSociety.objects.values_list("name", flat=True))
    except DatabaseError:
        return
    for name in names:
        if name:
            instance.add_word(name, freq=20000)


def tokens(text):
    """jieba search-mode tokens of `text`, lower-cased, without whitespace and punctuation."""
    if not text:
        return []
    return [
        token.lower()
        for token in tokenizer().cut_for_search(text)
        if _WORD.search(token) and not token.isspace()
    ]


def _bigrams(text):
    for run in _CJK_RUN.findall(text):
        for i in range(len(run) - 1):
            yield run[i : i + 2]


def segment(text):
    """Space-joined tokens to index: jieba's search-mode tokens, then each pair of adjacent
    Chinese characters not already among them. The pairs make any two-character query match even
    where jieba cut the text elsewhere (计算机器件 is 计算机 / 器件, yet contains 机器)."""
    words = tokens(text)
    seen = set(words)
    for pair in _bigrams(text or ""):
        if pair not in seen:
            seen.add(pair)
            words.append(pair)
    return " ".join(words)


def query_terms(query):
    """The terms a query is matched with, all of which must occur (AND).

    The query is segmented as the text is; only the finest tokens are kept (智能制造 gives 智能,
    制造, 智能制造: the last contains the others and is dropped), so that a text segmented
    differently still matches. A Chinese term of three characters or more (one jieba has no
    smaller word for) becomes its character pairs, which every text holding it indexes. Single
    Chinese characters (的, 和) are dropped when longer terms remain.
    """
    found = []
    for token in tokens(query):
        if token not in found:
            found.append(token)
    finest = [t for t in found if not any(o != t and o in t for o in found)]
    terms = []
    for term in finest:
        if len(term) > 2 and _CJK_ONLY.match(term):
            parts = [term[i : i + 2] for i in range(len(term) - 1)]
        else:
            parts = [term]
        for part in parts:
            if part not in terms:
                terms.append(part)
    longer = [t for t in terms if not (len(t) == 1 and _CJK_ONLY.match(t))]
    return longer or terms


def segment_query(query):
    """An admin query with its words segmented and its filters (live:yes) kept as they are."""
    parts = query.split()
    filters = [p for p in parts if _FILTER.match(p)]
    words = " ".join(p for p in parts if not _FILTER.match(p))
    return " ".join(filters + query_terms(words))


def field_text(obj, name):
    """Plain text of one field or method of a page: rich text and StreamField content without
    their markup, a method's result."""
    value = getattr(obj, name, None)
    if callable(value):
        value = value()
    if value is None:
        return ""
    try:
        field = obj._meta.get_field(name)
    except FieldDoesNotExist:  # a method or property
        field = None
    if isinstance(field, StreamField) or hasattr(value, "stream_block"):
        return "\n".join(
            strip_tags(str(part)) for part in value.stream_block.get_searchable_content(value)
        )
    if isinstance(field, RichTextField):
        return get_text_for_indexing(value)
    return str(value)


class SegmentedSearchMixin:
    """Gives a page type the segmented copy of its text to index. Each type names its text in
    `segmented_fields` and adds `index.SearchField("search_segmented")` (and, for the admin's
    title search, `index.AutocompleteField("search_segmented_title")`) to its search_fields."""

    segmented_fields = ("title",)

    def search_text(self):
        return "\n".join(filter(None, (field_text(self, name) for name in self.segmented_fields)))

    def search_segmented(self):
        return segment(self.search_text())

    def search_segmented_title(self):
        return segment(self.title)


def reindex_after_publish(sender, instance, **kwargs):
    """Index a published page again once its child rows (a report's entries) are saved: Wagtail
    indexes on the page's post_save, before modelcluster writes the children."""
    from wagtail.search import index

    if getattr(instance, "reindex_on_publish", False):
        index.insert_or_update_object(instance)
