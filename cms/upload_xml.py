"""The XML parts of an uploaded package, parsed as they inflate and never built into a tree: in
bounded memory and time, with every limit the parsers that read the package later (lxml,
python-docx) would otherwise hit with a traceback, or not at all.

No DTD (so no entity is ever declared, let alone expanded: the billion laughs), at most
MAX_XML_DEPTH levels, MAX_XML_ELEMENTS elements in the whole package, MAX_XML_TEXT characters
in a text node; libxml2 itself refuses attribute values over 10 MB.
"""

from django.utils.translation import gettext as _
from lxml import etree

from cms.upload_checks import DocumentRejected

MAX_XML_DEPTH = 128  # libxml2 refuses documents deeper than 256
MAX_XML_ELEMENTS = 500_000  # in the whole package; a 100-page form has about 100,000
MAX_XML_TEXT = 1_000_000  # characters in one text node; libxml2 refuses them over 10 MB


class XmlBudget:
    """What the XML parts of one package have used up between them."""

    def __init__(self):
        self.elements = 0


def bad_xml(label, part, detail, code="xml"):
    return DocumentRejected(
        _("%(label)s中的 %(part)s %(detail)s。") % {"label": label, "part": part, "detail": detail},
        code=code,
    )


def scan_xml(chunks, label, part, budget, on_element=None):
    """Parse the XML part `part` from `chunks` of bytes; `on_element(tag, attributes)` sees each
    element's start and keeps what it needs. Raises DocumentRejected."""
    scanner = _Scanner(label, part, budget, on_element)
    parser = etree.XMLParser(
        target=scanner, resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False
    )
    try:
        for chunk in chunks:
            parser.feed(chunk)
        parser.close()
    except etree.XMLSyntaxError as exc:
        raise bad_xml(label, part, _("不是格式正确的 XML")) from exc


class _Scanner:
    """An lxml parser target: counts, measures and refuses."""

    def __init__(self, label, part, budget, on_element):
        self.label, self.part, self.budget, self.on_element = label, part, budget, on_element
        self.depth = 0
        self.text = 0

    def doctype(self, *_args):
        raise bad_xml(
            self.label,
            self.part,
            _("含有 DTD（文档类型声明），可用于实体展开攻击，出于安全原因不予接受"),
            code="xml_dtd",
        )

    def start(self, tag, attributes, _nsmap=None):
        # Called for every element: kept short.
        self.depth += 1
        self.text = 0
        self.budget.elements += 1
        if self.depth > MAX_XML_DEPTH:
            raise bad_xml(
                self.label,
                self.part,
                _("嵌套过深：XML 不能超过 %(limit)d 层") % {"limit": MAX_XML_DEPTH},
                code="xml_depth",
            )
        if self.budget.elements > MAX_XML_ELEMENTS:
            raise bad_xml(
                self.label,
                self.part,
                _("使 XML 元素过多：整个文件不能超过 %(limit)s 个元素")
                % {"limit": f"{MAX_XML_ELEMENTS:,}"},
                code="xml_size",
            )
        if self.on_element is not None:
            self.on_element(tag, attributes)

    def end(self, _tag):
        self.depth -= 1
        self.text = 0

    def data(self, text):
        self.text += len(text)
        if self.text > MAX_XML_TEXT:
            raise bad_xml(
                self.label,
                self.part,
                _("的一段文字过长：不能超过 %(limit)s 个字符") % {"limit": f"{MAX_XML_TEXT:,}"},
                code="xml_size",
            )

    def close(self):
        return None
