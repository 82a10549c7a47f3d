"""A seeded fuzz of the Word entry points: a few hundred mutated .docx files (bytes flipped,
cut, XML parts damaged element by element, numbering made absurd) thrown at the report
importer and the nomination file checks. Each must end in a report or a clear refusal: never an
exception of another kind, never a half-written record."""

import io
import random
import re
import zipfile

import pytest
from django.core.exceptions import ValidationError

from campaigns.file_checks import SlotRules, check_file
from reports.importer import ReportImportError, import_report_bytes
from tests import world_docx
from tests.hostile_docx import member, raw_zip
from tests.reports.import_helpers import counts, parsed_seed, to_docx

pytestmark = pytest.mark.django_db

SEED = 20261204
CASES = 240
FORM = SlotRules(code="文件1", label="推荐表", kind="word", char_limit=3000)
XML_PARTS = ("word/document.xml", "word/numbering.xml", "word/styles.xml", "_rels/.rels")
ABSURD_NUMBERING = [
    (rb'w:val="chineseCounting"', rb'w:val="ideographTraditional"'),
    (rb'w:val="decimal"', rb'w:val="nonsense"'),
    (rb'<w:start w:val="1"/>', rb'<w:start w:val="-99999999999999999999"/>'),
    (rb'<w:start w:val="1"/>', rb'<w:start w:val="123456789"/>'),
    (rb'w:val="%1\xe3\x80\x81"', rb'w:val="%9%8%1%%"'),
    (rb'w:ilvl="1"', rb'w:ilvl="4294967296"'),
    (rb'<w:abstractNumId w:val="0"/>', rb'<w:abstractNumId w:val="77"/>'),
    (rb'<w:abstractNum w:abstractNumId="0">', rb'<w:abstractNum w:abstractNumId="0">'
     rb'<w:numStyleLink w:val="Loop"/>'),
]  # fmt: skip


def _parts(data):
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        return {info.filename: archive.read(info) for info in archive.infolist()}


def _zip(parts):
    return raw_zip([member(name, content) for name, content in parts.items()])


def _mutate_bytes(rng, data):
    data = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        choice = rng.random()
        position = rng.randrange(len(data))
        if choice < 0.5:
            data[position] = rng.randrange(256)
        elif choice < 0.75:
            del data[position : position + rng.randint(1, 64)]
        else:
            data[position:position] = rng.randbytes(rng.randint(1, 64))
    if rng.random() < 0.2:
        data = data[: rng.randrange(1, len(data))]
    return bytes(data)


def _mutate_xml(rng, content):
    """Damage an XML part the way converters and fuzzers do, usually keeping it well-formed."""
    text = content
    choice = rng.random()
    if choice < 0.3:  # drop a random element (and its content)
        tags = list(re.finditer(rb"<(w:[a-zA-Z]+)[ >][^<]*?</\1>", text))
        if tags:
            match = rng.choice(tags)
            text = text[: match.start()] + text[match.end() :]
    elif choice < 0.5:  # duplicate one
        tags = list(re.finditer(rb"<(w:[a-zA-Z]+)[ >].*?</\1>", text, re.S))
        if tags:
            match = rng.choice(tags)
            text = text[: match.end()] + match.group(0) + text[match.end() :]
    elif choice < 0.65:  # an attribute value replaced by something else
        values = list(re.finditer(rb'="[^"]*"', text))
        if values:
            match = rng.choice(values)
            junk = rng.choice([b'=""', b'="-1"', b'="99999999999999999999"', b'="\xe4\xb8\x80"'])
            text = text[: match.start()] + junk + text[match.end() :]
    elif choice < 0.8:  # a comment, a processing instruction or a CDATA section anywhere
        position = rng.randrange(len(text))
        while position and text[position - 1 : position] != b">":
            position -= 1
        insert = rng.choice([b"<!-- x -->", b"<?pi data?>", b"<![CDATA[ ]]>", b"\xe4\xb8\x80"])
        text = text[:position] + insert + text[position:]
    elif choice < 0.9:  # cut off
        text = text[: rng.randrange(1, len(text))]
    else:
        for old, new in rng.sample(ABSURD_NUMBERING, 3):
            text = text.replace(old, new)
    return text


def _cases():
    rng = random.Random(SEED)
    bases = [
        to_docx(parsed_seed()),
        world_docx.numbered_report(parsed_seed()),
        world_docx.strict(to_docx(parsed_seed())),
    ]
    for number in range(CASES):
        base = bases[number % len(bases)]
        if rng.random() < 0.3:
            yield _mutate_bytes(rng, base)
            continue
        parts = _parts(base)
        for _ in range(rng.randint(1, 3)):
            name = rng.choice([name for name in XML_PARTS if name in parts])
            parts[name] = _mutate_xml(rng, parts[name])
        yield _zip(parts)


def test_mutated_word_files_end_in_a_report_or_a_clear_refusal(news_index, report_index):
    outcomes = {"imported": 0, "refused": 0}
    crashes = []
    for number, data in enumerate(_cases()):
        failures = check_file(FORM, "推荐表.docx", data).failures
        assert all(isinstance(failure, str) and failure.startswith("文件1") for failure in failures)
        before = counts()
        try:
            result = import_report_bytes(data, "report.docx")
        except (ReportImportError, ValidationError) as exc:
            message = str(exc) if isinstance(exc, ReportImportError) else "；".join(exc.messages)
            assert message and "Traceback" not in message
            assert not re.search(r"[A-Za-z]{3,}Error", message), message
            assert counts() == before, f"case {number}: a refusal wrote something"
            outcomes["refused"] += 1
        except Exception as exc:  # what the test is looking for
            crashes.append((number, repr(exc)))
        else:
            # A whole report: its latest revision loads with its entries.
            latest = result.page.get_latest_revision_as_object()
            assert latest.period_start is not None
            outcomes["imported"] += 1
    assert crashes == []
    # The fuzz reaches both ends: some files survive their damage, most are refused.
    assert outcomes["imported"] > 10 and outcomes["refused"] > 10, outcomes
