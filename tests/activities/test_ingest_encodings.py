"""Feeds in the encodings member societies (and their sister societies abroad) really serve —
declared or not, with a byte-order mark or without — come out as their authors wrote them:
against the local feed server, with documents of three entries generated here (an encoding
detector needs a few hundred bytes of text)."""

import codecs
import datetime

import pytest

from activities.encodings import to_utf8
from activities.ingest import ingest_feed
from activities.models import ActivityPage, FeedStatus
from tests.activities.factories import FeedFactory
from tests.activities.feed_server import (  # noqa: F401 (fixtures)
    feed_server_fixture,
    local_feeds_fixture,
)

pytestmark = pytest.mark.django_db

NOW = datetime.datetime(2021, 7, 22, 2, 0, tzinfo=datetime.UTC)

# (feed title, [(entry title, paragraph)]).
TEXTS = {
    "traditional": (
        "香港工程師學會·學會動態",
        [
            (
                "香港工程師學會舉辦智能製造研討會",
                "研討會於灣仔會議展覽中心舉行，來自本港及澳門的三百多位工程師、學者和業界代表出席，"
                "就工業四點零、機械人技術及數碼轉型交流經驗。",
            ),
            (
                "澳門工程師學會與台灣電機工程學會簽署合作備忘錄",
                "雙方將在專業資格互認、青年工程師培訓及學術交流等方面加強合作，並定期舉辦聯合講座。",
            ),
            (
                "學會舉行周年會員大會暨選舉理事會",
                "大會審議通過年度工作報告及財務報告，選出新一屆理事會成員，會長致辭感謝會員支持。",
            ),
        ],
    ),
    "simplified": (
        "中国机械工程学会新闻",
        [
            (
                "中国机械工程学会智能制造论坛在杭州召开",
                "论坛由学会主办，来自全国的三百余位专家学者和企业代表参加，"
                "围绕工业互联网、数字孪生和智能工厂建设交流经验。",
            ),
            (
                "学会秘书处走访调研装备制造企业",
                "调研组深入生产一线，了解企业数字化转型需求，听取对学会服务工作的意见和建议。",
            ),
            (
                "学会召开常务理事会议审议年度工作报告",
                "会议审议通过了年度工作报告和财务报告，部署了下半年重点任务，各分会负责人参加会议。",
            ),
        ],
    ),
    # 喆 and 镕 are GBK, not GB2312.
    "gbk": (
        "中国机械工程学会·学会新闻",
        [
            (
                "院士喆镕出席智能制造论坛并作主旨报告",
                "论坛由学会主办，来自全国的三百余位专家学者和企业代表参加，"
                "围绕工业互联网、数字孪生和智能工厂建设交流经验。",
            ),
            (
                "学会秘书处走访调研装备制造企业",
                "调研组深入生产一线，了解企业数字化转型需求，听取对学会服务工作的意见和建议。",
            ),
            (
                "学会召开常务理事会议审议年度工作报告",
                "会议审议通过了年度工作报告和财务报告，部署了下半年重点任务，各分会负责人参加会议。",
            ),
        ],
    ),
    # 𬌗 (U+2C317) and 䶮 (U+4DAE) are GB18030 only (four bytes and two bytes beyond GBK).
    "gb18030": (
        "中国机械工程学会·学会新闻",
        [
            (
                "青年工程师王𬌗获智能制造创新奖",
                "颁奖仪式在北京举行，刘䶮等十位青年工程师获奖，"
                "来自全国的三百余位专家学者和企业代表参加。",
            ),
            (
                "学会秘书处走访调研装备制造企业",
                "调研组深入生产一线，了解企业数字化转型需求，听取对学会服务工作的意见和建议。",
            ),
            (
                "学会召开常务理事会议审议年度工作报告",
                "会议审议通过了年度工作报告和财务报告，部署了下半年重点任务，各分会负责人参加会议。",
            ),
        ],
    ),
    "japanese": (
        "日本機械学会・ニュース",
        [
            (
                "日本機械学会がスマート製造シンポジウムを開催",
                "シンポジウムには全国から三百名を超える研究者と技術者が参加し、"
                "デジタルツインやロボット技術について活発な議論が行われました。",
            ),
            (
                "学会事務局が製造業の企業を訪問しました",
                "訪問団は生産現場を見学し、デジタル化の課題について企業の担当者と意見交換を行いました。",
            ),
            (
                "年次総会で新しい理事会が選出されました",
                "総会では事業報告と決算報告が承認され、新しい会長が就任のあいさつを述べました。",
            ),
        ],
    ),
    "korean": (
        "대한기계학회 소식",
        [
            (
                "대한기계학회 스마트 제조 심포지엄 개최",
                "심포지엄에는 전국에서 삼백여 명의 연구자와 기술자가 참가하여 "
                "디지털 트윈과 로봇 기술에 대해 활발한 토론을 벌였습니다.",
            ),
            (
                "학회 사무국 제조 기업 방문",
                "방문단은 생산 현장을 견학하고 디지털 전환 과제에 대해 "
                "기업 담당자와 의견을 교환했습니다.",
            ),
            (
                "정기 총회에서 새 이사회 선출",
                "총회에서는 사업 보고와 결산 보고가 승인되었고 새 회장이 취임 인사를 했습니다.",
            ),
        ],
    ),
    "russian": (
        "Новости общества инженеров",
        [
            (
                "Российское общество инженеров провело симпозиум по умному производству",
                "В симпозиуме приняли участие более трёхсот исследователей и инженеров со всей "
                "страны, обсуждались цифровые двойники и робототехника.",
            ),
            (
                "Секретариат общества посетил промышленные предприятия",
                "Делегация осмотрела производственные площадки и обсудила с представителями "
                "предприятий задачи цифровой трансформации.",
            ),
            (
                "На ежегодном собрании избран новый совет",
                "Собрание утвердило отчёт о работе и финансовый отчёт, новый президент выступил "
                "с приветственным словом.",
            ),
        ],
    ),
}
BOMS = {
    "utf-8": codecs.BOM_UTF8,
    "utf-16-le": codecs.BOM_UTF16_LE,
    "utf-16-be": codecs.BOM_UTF16_BE,
    "utf-32-le": codecs.BOM_UTF32_LE,
    "utf-32-be": codecs.BOM_UTF32_BE,
}


def document(language, encoding, declaration=None, bom=False):
    """An RSS 2.0 feed of the language's three entries, encoded; with an XML declaration of
    `declaration` (none if None) and the encoding's byte-order mark if `bom`."""
    title, entries = TEXTS[language]
    head = f'<?xml version="1.0" encoding="{declaration}"?>\n' if declaration else ""
    parts = [f'{head}<rss version="2.0">\n<channel>\n<title>{title}</title>\n']
    parts.append("<link>https://www.example.org/</link>\n")
    for number, (entry_title, paragraph) in enumerate(entries, start=1):
        parts.append(
            f"<item>\n<title>{entry_title}</title>\n"
            f"<link>https://www.example.org/news/{number}.html</link>\n"
            f'<guid isPermaLink="false">news-{number}</guid>\n'
            f"<pubDate>Sat, {10 + number} Jul 2021 09:00:00 +0800</pubDate>\n"
            f"<description>{paragraph}</description>\n</item>\n"
        )
    parts.append("</channel>\n</rss>\n")
    data = "".join(parts).encode(encoding)
    return (BOMS[encoding] + data) if bom else data


UNDECLARED = "订阅源未声明编码，已按 GB18030（GBK）解码"


def detected(name):
    return f"订阅源未声明编码，已自动识别为 {name} 并按此解码"


CASES = {
    # id: (language, encoding, XML declaration, byte-order mark, HTTP content type, warning)
    "big5": ("traditional", "big5", None, False, "", detected("Big5")),
    "big5-declared": ("traditional", "big5", "Big5", False, "", ""),
    "big5-http": ("traditional", "big5", None, False, "text/xml; charset=big5", ""),
    "big5-declared-utf8": (
        "traditional",
        "big5",
        "UTF-8",
        False,
        "",
        "订阅源声明的编码（UTF-8）与实际内容不符，已自动识别为 Big5 并按此解码",
    ),
    # A server's default label on GBK and Big5 text.
    "gbk-http-latin1": (
        "gbk",
        "gbk",
        None,
        False,
        "text/xml; charset=ISO-8859-1",
        "订阅源声明的编码（ISO-8859-1）与实际内容不符，已按 GB18030 解码",
    ),
    "big5-declared-windows-1252": (
        "traditional",
        "big5",
        "windows-1252",
        False,
        "",
        "订阅源声明的编码（windows-1252）与实际内容不符，已自动识别为 Big5 并按此解码",
    ),
    # Text of a single-byte encoding is believed.
    "koi8-r-declared": ("russian", "koi8_r", "KOI8-R", False, "", ""),
    "gb2312": ("simplified", "gb2312", None, False, "", UNDECLARED),
    "gbk": ("gbk", "gbk", None, False, "", UNDECLARED),
    "gb18030": ("gb18030", "gb18030", None, False, "", UNDECLARED),
    "gb18030-declared-gb2312": ("gb18030", "gb18030", "GB2312", False, "", ""),
    "utf-8": ("simplified", "utf-8", None, False, "", ""),
    "utf-8-bom": ("traditional", "utf-8", "utf-8", True, "", ""),
    "utf-16-le-bom": ("simplified", "utf-16-le", "UTF-16", True, "", ""),
    "utf-16-be-bom": ("traditional", "utf-16-be", "UTF-16", True, "", ""),
    # The mark wins over what the server says.
    "utf-16-le-bom-http-utf8": (
        "simplified",
        "utf-16-le",
        None,
        True,
        "application/rss+xml; charset=utf-8",
        "",
    ),
    "utf-16-le": ("simplified", "utf-16-le", "UTF-16", False, "", ""),
    "utf-16-be": ("traditional", "utf-16-be", "utf-16", False, "", ""),
    "utf-16-le-undeclared": ("simplified", "utf-16-le", None, False, "", ""),
    "utf-16-be-declared-gbk": (
        "simplified",
        "utf-16-be",
        "GBK",
        False,
        "",
        "订阅源声明的编码（GBK）与实际内容不符，已按 UTF-16BE 解码",
    ),
    "utf-32-le-bom": ("gb18030", "utf-32-le", "UTF-32", True, "", ""),
    "utf-32-be-bom": ("traditional", "utf-32-be", None, True, "", ""),
    "utf-32-le": ("simplified", "utf-32-le", "UTF-32", False, "", ""),
    "utf-32-be": ("japanese", "utf-32-be", "UTF-32", False, "", ""),
    "shift_jis": ("japanese", "shift_jis", None, False, "", detected("Shift_JIS")),
    "euc-kr": ("korean", "euc_kr", None, False, "", detected("EUC-KR")),
    "koi8-r": ("russian", "koi8_r", None, False, "", detected("KOI8-R")),
}


@pytest.mark.parametrize("case", CASES)
def test_entries_come_out_as_written(society_pages, local_feeds, case):
    language, encoding, declaration, bom, content_type, warning = CASES[case]
    local_feeds.documents[case] = (
        document(language, encoding, declaration, bom),
        content_type or "application/rss+xml",
    )
    society = society_pages["CMES"].society
    feed = FeedFactory(society=society, url=local_feeds.url(f"/doc/{case}"), title="")
    result = ingest_feed(feed, now=NOW)

    assert (result.error, result.created, result.failed) == ("", 3, 0)
    feed_title, entries = TEXTS[language]
    pages = {page.title: page for page in ActivityPage.objects.filter(society=society)}
    assert set(pages) == {entry_title for entry_title, _paragraph in entries}
    for entry_title, paragraph in entries:
        assert pages[entry_title].summary == paragraph
    feed.refresh_from_db()
    assert feed.title == feed_title
    assert (feed.status, feed.last_error, feed.last_warning) == (FeedStatus.OK, "", warning)


def test_the_document_handed_on_is_utf8_with_no_mark_and_a_matching_declaration():
    data, warnings = to_utf8(document("simplified", "utf-16-le", "UTF-16", bom=True), "")
    assert warnings == []
    assert data.startswith(b'<?xml version="1.0" encoding="utf-8"?>\n<rss')
    assert "学会秘书处走访调研装备制造企业" in data.decode("utf-8")


def test_a_cut_utf16_document_is_refused_whole(society_pages, local_feeds):
    """An odd number of bytes: the last character is replaced, the XML is not well-formed and
    nothing is imported."""
    data = document("simplified", "utf-16-le", "UTF-16", bom=True)
    local_feeds.documents["cut"] = (data[: len(data) // 2 + 1], "application/rss+xml")
    feed = FeedFactory(society=society_pages["CMES"].society, url=local_feeds.url("/doc/cut"))
    result = ingest_feed(feed, now=NOW)
    assert result.error.startswith("XML 解析失败")
    assert ActivityPage.objects.count() == 0
