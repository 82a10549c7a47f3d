"""Walk the Wagtail admin as one person and collect the English UI text it shows.

The walk starts from the admin's own menu (the sidebar's props, so a new menu item is walked
without editing this file), opens every item, and follows the admin links each item's page
shows, one of each kind (an address with its numbers replaced), so that listings, edit views,
the explorer, history, usage and delete confirmations are all read."""

import json
import re
from urllib.parse import urldefrag, urlsplit

from lxml import html as lxml_html

# Words that stay Latin in a Chinese admin: proper and product names, abbreviations of the
# federation and its member societies, file types and units.
ALLOWED_WORDS = {
    # product and proper names
    "wagtail", "django", "lianhe", "imac", "cast", "cmes", "miit", "wimc", "xpcc", "opml",
    "rss", "atom", "word", "excel", "wechat", "github", "api", "json", "csv", "xlsx", "tsv",
    "html", "url", "urls", "http", "https", "www", "id", "ip", "email", "e-mail", "seo", "qr",
    "docx", "doc", "pdf", "mp4", "jpg", "jpeg", "png", "gif", "svg", "webp", "avif", "heic",
    "ico", "zip", "txt", "md", "kb", "mb", "gb", "kib", "mib", "px", "utc", "pm", "am",
    "ok", "cc", "ctrl", "alt", "shift", "cmd", "esc", "enter", "tab", "f10", "ai", "cn",
    # the demo's societies' abbreviations (cms/demo/__init__.py) and role words used as usernames
    "cis", "sae-china", "sae", "china", "ces", "cie", "caa", "csam", "caai", "csmnt", "csoe",
    "ctes", "csname", "csa", "csm", "csf",
    "admin", "editor", "secretary", "society", "expert", "applicant",
}  # fmt: skip

# Latin runs that are data, not UI: addresses, file names, slugs, usernames and e-mails.
NOT_TEXT = re.compile(
    r"https?://\S+|www\.\S+|\S+@\S+|/\S*|\S+\.(?:docx?|pdf|mp4|xlsx?|csv|png|jpe?g|gif|svg|zip)"
    r"|\b[a-z0-9]+(?:[-_][a-z0-9]+)+\b|\b[a-z]+\.[a-z]+\b",
    re.IGNORECASE,
)
WORD = re.compile(r"[A-Za-z][A-Za-z'’]*")
UI_ATTRIBUTES = ("placeholder", "title", "aria-label", "alt", "data-w-tooltip-content-value")
# Pages that change state on GET or are not HTML.
SKIP = re.compile(r"logout|/jsi18n/|/sprite/|export|/download|\.(?:docx|pdf|csv|xlsx|ics|xml)\b")


def english_words(text, allowed=()):
    """The Latin words of `text` that are UI English, not names, data or abbreviations."""
    text = NOT_TEXT.sub(" ", text)
    words = []
    for word in WORD.findall(text):
        low = word.lower().strip("'’")
        if len(low) < 2 or low in ALLOWED_WORDS or low in allowed:
            continue
        if word.isupper() and len(word) <= 8:  # an abbreviation such as CAST or CSNAME
            continue
        words.append(word)
    return words


def sidebar_menu(doc):
    """(label, url) of every item of the admin's sidebar menu, submenus included."""
    node = doc.get_element_by_id("wagtail-sidebar-props", None)
    if node is None:
        return []
    items = []

    def walk(value):
        if isinstance(value, dict):
            if isinstance(value.get("url"), str) and isinstance(value.get("label"), str):
                items.append((value["label"], value["url"]))
            for child in value.values():
                walk(child)
        elif isinstance(value, list):
            for child in value:
                walk(child)

    walk(json.loads(node.text_content()))
    return items


def visible_strings(doc):
    """The texts a person reads (or hears through a screen reader) on an admin page."""
    for bad in doc.xpath("//script|//style|//noscript"):
        bad.drop_tree()
    for text in doc.xpath("//body//text()"):
        if text.strip():
            yield text.strip()
    for attribute in UI_ATTRIBUTES:
        for value in doc.xpath(f"//body//@{attribute}"):
            if value.strip():
                yield value.strip()
    for value in doc.xpath("//body//input[@type='submit' or @type='button']/@value"):
        yield value


def data_words(strings):
    """Lower-case Latin words of the database's content (names and English titles the demo
    stores), which may be shown as they are."""
    words = set()
    for value in strings:
        words.update(w.lower() for w in WORD.findall(value or ""))
    return words


def pattern(url):
    return re.sub(r"\d+", "N", urlsplit(url).path)


class AdminWalk:
    def __init__(self, client, allowed=(), limit=400):
        self.client = client
        self.allowed = set(allowed)
        self.limit = limit
        self.seen = set()
        self.visited = []
        self.findings = {}  # url -> [english text]

    def check(self, url, response):
        doc = lxml_html.fromstring(response.content.decode())
        found = []
        menu = sidebar_menu(doc)
        for label, _ in menu:
            if english_words(label, self.allowed):
                found.append(f"menu: {label}")
        links = list(doc.xpath("//body//a/@href"))
        for text in visible_strings(doc):
            if english_words(text, self.allowed):
                found.append(text)
        if found:
            self.findings[url] = sorted(set(found))
        return links, menu

    def get(self, url, follow=True):
        url = urldefrag(url)[0]
        key = pattern(url)
        if key in self.seen or SKIP.search(url) or len(self.visited) >= self.limit:
            return None
        self.seen.add(key)
        response = self.client.get(url)
        self.visited.append((url, response.status_code))
        if response.status_code != 200 or "text/html" not in response.get("Content-Type", ""):
            return None
        return self.check(url, response)

    def page(self, url, response):
        """Check a response obtained elsewhere (a POST with a validation error)."""
        self.visited.append((url, response.status_code))
        return self.check(url, response)

    def walk(self, start="/admin/"):
        first = self.get(start)
        if first is None:
            return
        links, menu = first
        menu = [url for _, url in menu if url.startswith("/admin/")]
        pages = []
        for url in [start, *menu]:
            if url == start:
                pages.append(links)
                continue
            result = self.get(url)
            if result:
                pages.append(result[0])
        # One level beyond each menu item: its listings' rows, edit, history, usage, add.
        for links in pages:
            for href in links:
                if href.startswith("/admin/"):
                    self.get(href)
