"""Campaigns, real files, form data, people and nominations for the nomination tests.

Files are made for real: a recommendation form with python-docx (headings, a table, body text of
an exact character count), MP4 containers written box by box, PDFs written by pypdf."""

import datetime
import io
import struct

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document
from pypdf import PdfWriter

from campaigns import nominations
from campaigns.demo import (
    CAMPAIGNS,
    build_campaign,
    demo_open_campaign,
    ensure_campaign_index,
    grant_permissions,
)
from campaigns.file_checks import docx_character_count
from campaigns.models import Nomination, NominationEvent, NominationFile
from campaigns.models.milestones import MilestoneKind
from campaigns.nomination_files import check_upload
from campaigns.recommenders import SOCIETY_RECOMMENDER, Recommender
from cms.accounts import mark_email_verified
from cms.cjk_text import count_form_characters
from cms.roles import Role, group_for

DAY = datetime.timedelta(days=1)
HEADINGS_2024 = (
    "一、本项智能制造科技进展的背景和意义",
    "二、本项智能制造科技进展的创新性",
    "三、本项智能制造科技进展的引领性",
    "四、本项智能制造科技进展的应用性",
)
TABLE = (("指标", "应用前", "应用后"), ("生产效率", "100", "135"))


# --- files ------------------------------------------------------------------------------------


def docx_form(characters=1200, headings=HEADINGS_2024):
    """A recommendation form of exactly `characters` characters as the forms count them (Word's
    字数): each heading with body text under it, a table with figures under the last, the body
    text making up the rest. Its 字符数(不计空格) is 4 more: the table's figures "100" and "135"
    are a word each but three characters."""
    document = Document()
    used = sum(count_form_characters(h) for h in headings)
    used += sum(count_form_characters(value) for row in TABLE for value in row)
    filler = characters - used
    assert filler >= len(headings), "too few characters for the headings and the table"
    shares = [filler // max(len(headings), 1)] * max(len(headings), 1)
    shares[-1] += filler - sum(shares)
    for heading, share in zip(headings, shares, strict=False):
        document.add_heading(heading, level=2)
        document.add_paragraph("智" * share)
    if not headings:
        document.add_paragraph("智" * filler)
    table = document.add_table(rows=len(TABLE), cols=len(TABLE[0]))
    for row, values in zip(table.rows, TABLE, strict=True):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    buffer = io.BytesIO()
    document.save(buffer)
    data = buffer.getvalue()
    assert docx_character_count(data) == characters
    return data


CHINESE_LIST = (
    '<w:abstractNum xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
    ' w:abstractNumId="90"><w:lvl w:ilvl="0"><w:start w:val="1"/>'
    '<w:numFmt w:val="chineseCounting"/><w:lvlText w:val="%1、"/><w:suff w:val="nothing"/>'
    "</w:lvl></w:abstractNum>"
)


def word_numbered_form(paragraph):
    """The form as most applicants type it in Word: no section number typed, 一、二、三、四、
    drawn by Word's automatic numbering, the same `paragraph` under each heading."""
    from docx.oxml import parse_xml

    document = Document()
    numbering = document.part.numbering_part.element
    numbering.insert(0, parse_xml(CHINESE_LIST))
    numbering.append(
        parse_xml(
            '<w:num xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'
            ' w:numId="90"><w:abstractNumId w:val="90"/></w:num>'
        )
    )
    for heading in HEADINGS_2024:
        title = document.add_paragraph()
        title.add_run(heading.split("、", 1)[1]).bold = True
        title._p.get_or_add_pPr().append(
            parse_xml(
                '<w:numPr xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
                '<w:ilvl w:val="0"/><w:numId w:val="90"/></w:numPr>'
            )
        )
        document.add_paragraph(paragraph)
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def too_long(characters, limit, code="文件1"):
    """The check's message for a `docx_form(characters)` over a `limit`."""
    return (
        f"{code} 字数 {characters:,}（字符数（不计空格）{characters + 4:,}），"
        f"超过 {limit:,} 字上限（按 Word“字数统计”中的“字数”计）"
    )


def box(kind, payload):
    return struct.pack(">I4s", 8 + len(payload), kind) + payload


def mp4(seconds=600, timescale=600):
    """ftyp + moov/mvhd (version 0, with timescale and duration) + mdat."""
    ftyp = box(b"ftyp", b"isom" + struct.pack(">I", 512) + b"isomiso2avc1mp41")
    mvhd = box(
        b"mvhd",
        bytes(4)  # version 0, flags 0
        + struct.pack(">IIII", 0, 0, timescale, round(seconds * timescale))
        + struct.pack(">IH", 0x00010000, 0x0100)
        + bytes(10)
        + struct.pack(">9I", 0x00010000, 0, 0, 0, 0x00010000, 0, 0, 0, 0x40000000)
        + bytes(24)
        + struct.pack(">I", 2),
    )
    return ftyp + box(b"moov", mvhd) + box(b"mdat", bytes(256))


def truncated_mp4(seconds=600):
    """An upload cut off in the middle of the movie box."""
    data = mp4(seconds)
    return data[: data.index(b"moov") + 40]


def exe():
    """A Windows program, to be uploaded renamed as .mp4."""
    return (
        b"MZ\x90\x00\x03\x00\x00\x00" + bytes(56) + b"This program cannot be run in DOS mode." * 4
    )


def pdf(pages=1):
    writer = PdfWriter()
    for _page in range(pages):
        writer.add_blank_page(width=595, height=842)
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()


def complete_files():
    """Everything a 2024-style nomination needs (文件4 is optional)."""
    return {
        "文件1": ("推荐表.docx", docx_form(1200)),
        "文件2": ("答辩视频.mp4", mp4(600)),
        "文件3": ("承诺书.pdf", pdf()),
    }


# --- campaigns --------------------------------------------------------------------------------


def prepare_site(federation):
    """The campaign index under the demo site, and the office's nomination permissions as
    `load_demo` grants them."""
    grant_permissions(federation["groups"])
    return ensure_campaign_index(federation["home"])


def open_campaign(index, slug="open-call", quotas=(), today=None, **changes):
    """A 2024-style federation call open today (15 societies, experts accepted, four files)."""
    today = today or timezone.localdate()
    spec = demo_open_campaign(today)
    spec.update(slug=slug, title=f"征集活动 {slug}", quotas=list(quotas), **changes)
    return build_campaign(index, spec)[0]


def closed_campaign(index, slug="closed-call"):
    today = timezone.localdate()
    spec = demo_open_campaign(today)
    spec.update(
        slug=slug,
        title=f"征集活动 {slug}",
        milestones=[
            (MilestoneKind.CALL_OPENS, today - 60 * DAY, None, "申报通道开通"),
            (MilestoneKind.SUBMISSIONS_CLOSE, today - DAY, None, "申报截止"),
        ],
    )
    return build_campaign(index, spec)[0]


def government_campaign(index, slug="miit-call", quotas=None):
    """The MIIT call of seed 004 (recommender types, per-type quotas), open today."""
    today = timezone.localdate()
    spec = dict(CAMPAIGNS[2])
    spec.update(
        slug=slug,
        title=f"试点示范 {slug}",
        milestones=[
            (MilestoneKind.CALL_OPENS, today - 10 * DAY, None, "申报开始"),
            (MilestoneKind.SUBMISSIONS_CLOSE, today + 10 * DAY, None, "申报截止"),
        ],
    )
    if quotas is not None:
        spec["quotas"] = quotas
    return build_campaign(index, spec)[0]


# --- requests ---------------------------------------------------------------------------------


def apply_url(campaign):
    return campaign.url + "apply/"


def nomination_url(nomination):
    return f"{nomination.campaign.url}nominations/{nomination.pk}/"


def file_url(nomination, code):
    return f"{nomination.campaign.url}nominations/{nomination.pk}/files/{code}/"


def review_url(nomination):
    return reverse("nomination:inspect", args=[nomination.pk])


def form_data(campaign, society=None, action="save", files=None, category=None, **fields):
    """POST data for the nomination form; `files` maps slot codes to (name, bytes)."""
    category = category or campaign.categories.first().name
    recommender = campaign.recommending_societies.first()
    society = society or (recommender.society if recommender else None)
    data = {
        "project_name": "面向离散制造的数字孪生产线协同优化系统",
        "category": category,
        "recommender": f"society:{society.pk}" if society else "",
        "recommender_name": "",
        "applicant_organisation": "某某智能装备有限公司",
        "contact_person": "张三",
        "phone": "010-68799025",
        "email": "zhangsan@example.com",
        "action": action,
        **fields,
    }
    slots = {slot.code: slot for slot in campaign.slots_for(category)}
    for code, (name, content) in (files or {}).items():
        data[f"file_{slots[code].pk}"] = SimpleUploadedFile(name, content)
    return data


def page_text(response):
    from lxml import html

    return " ".join(html.fromstring(response.content.decode()).text_content().split())


def snapshot():
    """What bad input must leave as it was."""
    return (
        list(Nomination.objects.order_by("pk").values_list("pk", "status", "project_name")),
        NominationFile.objects.count(),
        NominationEvent.objects.count(),
    )


# --- people and nominations -------------------------------------------------------------------


def login(user):
    client = Client()
    client.force_login(user)
    return client


def make_applicant(username):
    user = get_user_model().objects.create_user(
        username, email=f"{username}@example.com", password="x-secret-1234"
    )
    mark_email_verified(user)
    return user


def make_society_user(username, society):
    user = get_user_model().objects.create_user(username, email=f"{username}@example.com")
    user.groups.add(society.group, group_for(Role.MEMBER_SOCIETY))
    return user


def uploads_for(campaign, category, files):
    slots = {slot.code: slot for slot in campaign.slots_for(category)}
    result = []
    for code, (name, content) in files.items():
        upload = SimpleUploadedFile(name, content)
        result.append((slots[code], upload, check_upload(slots[code], upload)))
    return result


def make_nomination(campaign, applicant, society, name, submit=True, category=None, files=None):
    """A nomination made through the services, with real files."""
    category = category or campaign.categories.first().name
    return nominations.save_nomination(
        campaign,
        applicant,
        {
            "project_name": name,
            "category": category,
            "applicant_organisation": "某某大学",
            "contact_person": "李四",
            "phone": "010-12345678",
            "email": "lisi@example.com",
        },
        Recommender(SOCIETY_RECOMMENDER, society=society),
        uploads_for(campaign, category, complete_files() if files is None else files),
        submit=submit,
    )
