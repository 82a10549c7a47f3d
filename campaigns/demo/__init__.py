"""Demo campaigns: the 2021 and 2024 "中国智能制造科技进展" calls (seeds 000 and 001) and the
MIIT 2021 pilot-demonstration call (seed 004), with every date the seeds give; plus one open
call marked 演示 so that the applicant account has something to apply to."""

import datetime

from django.contrib.auth.models import Permission
from django.contrib.contenttypes.models import ContentType
from django.utils import timezone

from campaigns.models import CampaignIndexPage, CampaignPage, Milestone, Nomination
from campaigns.models.milestones import MilestoneKind
from cms.models import MemberSociety, Workstream

ORDER = 50
D = datetime.date

SOCIETIES_2021 = [
    "中国机械工程学会",
    "中国仪器仪表学会",
    "中国汽车工程学会",
    "中国电工技术学会",
    "中国电子学会",
    "中国自动化学会",
    "中国农业机械学会",
    "中国人工智能学会",
    "中国微米纳米技术学会",
    "中国光学工程学会",
    "中国纺织工程学会",
    "中国造船工程学会",
    "中国宇航学会",
    "中国计量测试学会",
]
SOCIETIES_2024 = [*SOCIETIES_2021, "中国仿真学会"]

SCOPE_2021 = [
    (
        "智能制造领域科技突破",
        "智能制造装备与技术、工业互联网、智能制造标准。\n"
        "智能制造装备：高档数控机床与工业机器人、增材制造技术及装备、智能传感与控制装备、"
        "智能检测与装配装备、智能仓储与物流装备。\n"
        "智能制造共性关键技术：新型传感技术、故障诊断与健康维护技术、先进控制与优化技术、"
        "管理信息安全技术、信息识别技术、人工智能技术在制造业的应用。\n"
        "工业互联网基础：大数据平台、工业云，等。\n"
        "智能制造前沿技术和行业标准。",
    ),
    (
        "智能制造领域产业应用",
        "应用案例、解决方案：在汽车制造、电子制造、能源（电网）、轨道交通、物流、机械制造、"
        "石油化工、食品加工、家电等制造业领域的应用案例或解决方案。",
    ),
]
CRITERIA_2021 = [
    (
        "创新性",
        "在中国智能制造行业或产业领域中具有新颖性或实质性的突破、改进；以及解决智能制造领域的技术难点或行业热点问题。",
    ),
    (
        "引领性",
        "通过培育和发挥优势资源进入智能制造发展前沿，掌握智能制造行业或者产业领域中技术源头，成为国内技术制定者或者引领者。",
    ),
    ("应用性", "在我国制造业领域实际应用进展，即在智能制造实践案例中的应用范围和程度。"),
    (
        "经济效益或社会效益",
        "前者是指在我国制造业领域应用后在劳动生产率、投资回报率等方面实际取得一定影响；后者是指在我国制造业领域应用后对生态环境、生活环境改善的贡献程度，对行业（地区）创新能力和竞争力提升的贡献程度。",
    ),
    ("未来发展预期", "进一步开发、推广应用的适用性以及未来可预测的经济、社会效益。"),
    (
        "知识产权",
        "具有自主知识产权及采取的相应保护措施，保护程度及效果。同时，推荐的科技进展必须无知识产权争议。",
    ),
]
SECTIONS_2021 = "\n".join([
    "1 | 本项智能制造科技进展的背景和意义 | 背景 意义",
    "2 | 本项智能制造科技进展创新性和引领性（与同类、同行业的科技进展进行横向对比，要有指标、数据支撑） | 创新性 引领性",
    "3 | 本项智能制造科技进展目前的应用情况 | 应用情况",
    "4 | 本项智能制造科技进展应用前后，给企业带来的成本、生产效率、绿色环保等经济效益与社会效益方面的提升（前后数据的对比，能用表格最好） | 经济效益 社会效益",
    "5 | 本项智能制造科技进展进一步开发、推广应用的适用性以及未来可预测的经济、社会效益 | 推广应用",
    "6 | 本项智能制造科技进展所取得的知识产权情况 | 知识产权",
])  # fmt: skip

SCOPE_2024 = [
    (
        "智能制造技术",
        "聚焦关键技术、赋能技术，包括先进制造技术与新一代信息技术融合的交叉技术；传感与控制技术、先进设计技术、故障诊断与健康维护技术、数字孪生技术、工业软件、物联网、人工智能技术、工业大数据、工控安全技术、智能制造标准等。",
    ),
    (
        "智能产品",
        "聚焦于智能装备，包括数控机床、基础制造装备、工业机器人、增材制造装备、监测检验装备、自动识别设备、智能传感与控制装备、智能仓储与物流装备、控制系统、人机协作系统等。",
    ),
    ("智能生产", "聚焦于智能车间、智能工厂、智能供应链。"),
    (
        "智能服务",
        "聚焦于产品服务和生产性服务。制造业企业对产品全生命周期过程的智能服务，如网络协同制造、大规模个性化定制、智能运维、共享制造等。",
    ),
    (
        "制造业领域应用",
        "在制造装备、零部件制造、汽车、轨道交通装备、船舶及海洋工程装备、航空航天装备、电子信息、纺织、食品加工与制造、生物医药制造、钢铁化工、金属冶炼、家电等领域的智能制造应用场景、智能制造整体解决方案等。",
    ),
]
# The 2024 criteria table is an image in seed 001; its three headings are those of 文件1 and the
# split of the 100 points below is an assumption of the demo.
CRITERIA_2024 = [
    (
        "创新性",
        "本项进展科技突破的水平或实质性的升级改进程度、解决重点方向技术的难易程度、专利及授权情况。",
        40,
    ),
    (
        "引领性",
        "掌握智能制造行业或产业领域中技术源头、成为技术制定者或引领者、未来应用中具有的示范性/典型性/适用性。",
        30,
    ),
    ("应用性", "应用前后在经济效益、社会效益、应用和推广程度 3 个方面的提升。", 30),
]
SECTIONS_2024 = "\n".join([
    "一 | 本项智能制造科技进展的背景和意义 | 背景 意义",
    "二 | 本项智能制造科技进展的创新性 | 创新性 | 可从本项进展科技突破的水平或实质性的升级改进程度、解决重点方向技术的难易程度、专利及授权情况3个方面阐述，与同类、同行业的科技进展进行横向对比，要有指标、数据支撑。",
    "三 | 本项智能制造科技进展的引领性 | 引领性 | 可从掌握智能制造行业或产业领域中技术源头、成为技术制定者或引领者、未来应用中具有的示范性/典型性/适用性3个方面阐述。",
    "四 | 本项智能制造科技进展的应用性 | 应用性 | 本项科技进展应用前后，在经济效益、社会效益、应用和推广程度3个方面的提升，建议有前后数据的对比，能用表格最好。",
])  # fmt: skip

CONTACT_2021 = (
    "联系人：刘艳秋 范薇薇\n电话：010-68799025，68799093\n邮箱：liuyq@cmes.org，imac@cmes.org"
)
CONTACT_2024 = (
    "中国科协智能制造学会联合体：刘艳秋，010-68799025，liuyq@cmes.org\n"
    "中国纺织工程学会：白江，m13718277833@163.com"
)


def federation_slots(year, sections, evidence_required):
    return [
        {
            "code": "文件1",
            "label": f"“{year}中国智能制造科技进展”推荐表",
            "kind": "word",
            "char_limit": 5000,
            "sections": sections,
            "max_size_mb": 20,
            "description": "Word 文档，文字控制在 5000 字以内。",
        },
        {
            "code": "文件2",
            "label": "答辩视频",
            "kind": "video",
            "max_video_minutes": 12,
            "max_size_mb": 500,
            "description": "MP4 格式，根据文件1的内容录制，时长不超过 12 分钟。",
        },
        {
            "code": "文件3",
            "label": "承诺书",
            "kind": "pdf",
            "max_size_mb": 20,
            "description": "盖章或签字后扫描成 PDF 文档。",
        },
        {
            "code": "文件4",
            "label": "证明材料清单",
            "kind": "pdf",
            "required": evidence_required,
            "max_size_mb": 50,
            "description": "重点相关页扫描成 PDF 文档。",
        },
    ]


CAMPAIGNS = [
    {
        "slug": "2021-china-progress",
        "title": "2021 中国智能制造科技进展",
        "year": 2021,
        "introduction": (
            "<p>把握智能制造发展趋势，引导我国智能制造发展。征集活动通过联合体 14 家成员学会、"
            "联合体专家委员会专家推荐产生，经过初评、终评，最终遴选出“2021 中国智能制造十大科技"
            "进展”，在 2021 年世界智能制造大会上发布。</p>"
        ),
        "societies": SOCIETIES_2021,
        "scope": SCOPE_2021,
        "criteria": [(name, text, 10) for name, text in CRITERIA_2021],
        "slots": federation_slots(2021, SECTIONS_2021, True),
        "contact": CONTACT_2021,
        "milestones": [
            (
                MilestoneKind.OTHER,
                D(2021, 4, 10),
                None,
                "发出“2021 中国智能制造科技进展”征集活动邀请函",
            ),
            (
                MilestoneKind.CALL_OPENS,
                D(2021, 4, 15),
                None,
                "“2021 中国智能制造科技进展”征集开始，申报通道开通",
            ),
            (
                MilestoneKind.SUBMISSIONS_CLOSE,
                D(2021, 8, 15),
                None,
                "“2021 中国智能制造科技进展”评选材料征集截止",
            ),
            (
                MilestoneKind.FIRST_ROUND,
                D(2021, 8, 30),
                None,
                "“2021 中国智能制造科技进展”第一轮评选（初评）会议，选出 15 项进入终评",
            ),
            (
                MilestoneKind.FINAL_ROUND,
                D(2021, 10, 30),
                None,
                "“2021 中国智能制造科技进展”第二轮评选（终评）会",
            ),
            (
                MilestoneKind.RELEASE,
                D(2021, 12, 7),
                D(2021, 12, 10),
                "在 2021 世界智能制造大会上发布“2021 中国智能制造十大科技进展”",
            ),
        ],
    },
    {
        "slug": "2024-china-progress",
        "title": "2024 中国智能制造科技进展",
        "year": 2024,
        "introduction": (
            "<p>邀请联合体 15 家成员学会积极动员所在领域的国内外权威的行业组织、研究机构、高校、"
            "企业，以及智能制造领域专家共同参与推荐工作。成果将在 2024 世界智能制造大会上发布。</p>"
        ),
        "societies": SOCIETIES_2024,
        "scope": SCOPE_2024,
        "criteria": CRITERIA_2024,
        "slots": federation_slots(2024, SECTIONS_2024, False),
        "contact": CONTACT_2024,
        "milestones": [
            (
                MilestoneKind.CALL_OPENS,
                D(2024, 5, 29),
                None,
                "“2024 中国智能制造科技进展”推荐材料初步审核与提交开始",
            ),
            (
                MilestoneKind.SUBMISSIONS_CLOSE,
                D(2024, 8, 15),
                None,
                "“2024 中国智能制造科技进展”申报通道线上提交截止",
            ),
            (
                MilestoneKind.FIRST_ROUND,
                D(2024, 10, 15),
                None,
                "“2024 中国智能制造科技进展”第一轮遴选（初评，线上评审）完成，遴选出 15 项进入终评",
            ),
            (
                MilestoneKind.FINAL_ROUND,
                D(2024, 10, 31),
                None,
                "“2024 中国智能制造科技进展”第二轮遴选（终评）会",
            ),
            (
                MilestoneKind.RELEASE,
                D(2024, 12, 20),
                D(2024, 12, 22),
                "在 2024 世界智能制造大会上发布“2024 中国智能制造十大科技进展”",
            ),
        ],
    },
    {
        "slug": "2021-miit-pilot-demonstration",
        "title": "2021 年度智能制造试点示范行动",
        "year": 2021,
        "kind": "government",
        "organiser": "工业和信息化部办公厅 国家发展改革委办公厅 财政部办公厅 市场监管总局办公厅",
        "introduction": (
            "<p>工信厅联通装函〔2021〕263 号。主要包括智能制造优秀场景、智能制造示范工厂和智能制造"
            "先行区三个方面。每个场景字数请控制在 3000 字以内。</p>"
        ),
        "scope": [
            (
                "智能制造优秀场景",
                "场景描述应重点突出、言简意赅、逻辑严密，每个场景字数控制在 3000 字以内，可配图说明。",
            ),
            (
                "智能制造示范工厂",
                "需达到 GB/T 39116-2020《智能制造能力成熟度模型》二级及以上或满足相关行业智能制造指导性文件要求。",
            ),
            ("智能制造先行区", "按照一事一议方式开展。"),
        ],
        "recommender_types": ["省（区、市）", "计划单列市", "新疆生产建设兵团", "中央企业"],
        "quotas": [
            ("省（区、市）", "智能制造优秀场景", 20),
            ("省（区、市）", "智能制造示范工厂", 10),
            ("计划单列市", "智能制造优秀场景", 10),
            ("计划单列市", "智能制造示范工厂", 5),
            ("新疆生产建设兵团", "智能制造优秀场景", 10),
            ("新疆生产建设兵团", "智能制造示范工厂", 5),
            ("中央企业", "智能制造优秀场景", 6),
            ("中央企业", "智能制造示范工厂", 3),
        ],
        "slots": [
            {
                "code": "文件1",
                "label": "智能制造优秀场景申报书",
                "kind": "word",
                "char_limit": 3000,
                "category_name": "智能制造优秀场景",
                "max_size_mb": 20,
                "description": "每个场景字数控制在 3000 字以内，可配图说明。",
            },
            {
                "code": "文件1",
                "label": "智能制造示范工厂申报书",
                "kind": "word",
                "category_name": "智能制造示范工厂",
                "max_size_mb": 50,
            },
        ],
        "contact": "工业和信息化部装备工业一司 010-68205199\n国家发展改革委产业发展司 010-68501696",
        "milestones": [
            (
                MilestoneKind.SUBMISSIONS_CLOSE,
                D(2021, 11, 23),
                None,
                "各地主管部门完成 2021 年度智能制造试点示范行动推荐项目线上审核",
            ),
        ],
        "accepts_experts": False,
    },
]


def demo_open_campaign(today):
    """A call that is open today, marked 演示 everywhere (not a real campaign)."""
    year = today.year
    spec = dict(CAMPAIGNS[1])
    spec.update(
        slug=f"{year}-china-progress-demo",
        title=f"{year} 中国智能制造科技进展（演示）",
        year=year,
        introduction="<p>【演示数据】本征集活动仅用于演示申报流程，依照 2024 年工作方案设置。</p>",
        slots=federation_slots(year, SECTIONS_2024, False),
        milestones=[
            (
                MilestoneKind.CALL_OPENS,
                today - datetime.timedelta(days=30),
                None,
                f"【演示】“{year}中国智能制造科技进展”申报通道开通",
            ),
            (
                MilestoneKind.SUBMISSIONS_CLOSE,
                today + datetime.timedelta(days=60),
                None,
                f"【演示】“{year}中国智能制造科技进展”申报截止",
            ),
            (
                MilestoneKind.FIRST_ROUND,
                today + datetime.timedelta(days=120),
                None,
                f"【演示】“{year}中国智能制造科技进展”第一轮遴选（初评）",
            ),
        ],
    )
    return spec


def ensure_campaign_index(home):
    from cms.demo import ensure_child

    return ensure_child(
        home,
        CampaignIndexPage,
        "campaigns",
        "征集活动",
        intro="<p>联合体组织的科技进展征集与相关申报活动。</p>",
    )


def build_campaign(index, spec):
    """Create the campaign once; later runs leave an existing one as the editors left it."""
    existing = CampaignPage.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing, False
    from campaigns.models import (
        CampaignRecommender,
        Criterion,
        DocumentSlot,
        Quota,
        RecommenderType,
        ScopeCategory,
    )

    page = CampaignPage(
        title=spec["title"],
        slug=spec["slug"],
        year=spec["year"],
        kind=spec.get("kind", "federation"),
        organiser=spec.get("organiser", "中国科协智能制造学会联合体"),
        introduction=spec["introduction"],
        workstream=Workstream.objects.get(name="战略咨询"),
        accepts_expert_recommenders=spec.get("accepts_experts", True),
        contact=spec.get("contact", ""),
    )
    # modelcluster leaves sort_order empty (the admin's formsets fill it): without it the
    # order of the slots, and of every list an applicant reads, is the database's whim.
    page.categories = [
        ScopeCategory(name=n, description=d, sort_order=i) for i, (n, d) in enumerate(spec["scope"])
    ]
    page.criteria = [
        Criterion(name=n, explanation=e, max_score=m, sort_order=i)
        for i, (n, e, m) in enumerate(spec.get("criteria", []))
    ]
    page.document_slots = [
        DocumentSlot(sort_order=i, **slot) for i, slot in enumerate(spec["slots"])
    ]
    societies = {s.name: s for s in MemberSociety.objects.all()}
    page.recommending_societies = [
        CampaignRecommender(society=societies[name], sort_order=i)
        for i, name in enumerate(spec.get("societies", []))
    ]
    page.recommender_types = [
        RecommenderType(name=n, sort_order=i)
        for i, n in enumerate(spec.get("recommender_types", []))
    ]
    page.quotas = [
        Quota(recommender_type_name=t, category_name=c, limit=n)
        for t, c, n in spec.get("quotas", [])
    ]
    index.add_child(instance=page)
    page.save_revision().publish()
    for kind, date, end_date, title in spec["milestones"]:
        Milestone.objects.create(
            campaign=page, kind=kind, date=date, end_date=end_date, title=title
        )
    return page, True


def grant_permissions(groups):
    from cms.roles import OFFICE_ROLES

    perms = []
    for model in (Milestone, Nomination):
        content_type = ContentType.objects.get_for_model(model)
        perms += Permission.objects.filter(content_type=content_type)
    for role in OFFICE_ROLES:
        groups[role].permissions.add(*perms)


DEMO_NOMINATION = "【演示】基于数字孪生的离散制造产线协同优化系统"


def ensure_demo_nomination(campaign):
    """One nomination in the open demo call, submitted by the `applicant` account and endorsed by
    the `society` account (中国机械工程学会), so that the office finds one in formal review. Made
    through the same services as a real one, so its files are checked and its events logged."""
    from django.contrib.auth import get_user_model
    from django.core.files.uploadedfile import SimpleUploadedFile

    from campaigns.demo import files as demo_files
    from campaigns.nomination_files import check_upload
    from campaigns.nominations import ENDORSE, perform, save_nomination
    from campaigns.recommenders import SOCIETY_RECOMMENDER, Recommender

    if Nomination.objects.filter(campaign=campaign, project_name=DEMO_NOMINATION).exists():
        return None
    users = get_user_model().objects.in_bulk(["applicant", "society"], field_name="username")
    society = MemberSociety.objects.filter(abbreviation="CMES").first()
    if len(users) < 2 or society is None:
        return None
    category = campaign.categories.first().name
    files = {
        "word": (".docx", lambda slot: demo_files.recommendation_form(
            DEMO_NOMINATION, slot.form_sections())),
        "video": (".mp4", lambda slot: demo_files.video(seconds=95)),
        "pdf": (".pdf", lambda slot: demo_files.pdf()),
    }  # fmt: skip
    uploads = []
    for slot in campaign.slots_for(category):
        extension, build = files[slot.kind]
        upload = SimpleUploadedFile(f"{slot.code}（演示）{extension}", build(slot))
        uploads.append((slot, upload, check_upload(slot, upload)))
    nomination = save_nomination(
        campaign,
        users["applicant"],
        {
            "project_name": DEMO_NOMINATION,
            "category": category,
            "applicant_organisation": "【演示】某智能装备有限公司",
            "contact_person": "张三（演示）",
            "phone": "010-00000000",
            "email": "applicant@imac.example.org",
        },
        Recommender(SOCIETY_RECOMMENDER, society=society),
        uploads,
        submit=True,
    )
    return perform(nomination, ENDORSE, users["society"], "【演示】同意推荐，材料齐全。")


def load(context, stdout):
    index = ensure_campaign_index(context["home"])
    grant_permissions(context["groups"])
    from campaigns.demo.review import ensure_demo_expert

    ensure_demo_expert()
    specs = [*CAMPAIGNS, demo_open_campaign(timezone.localdate())]
    for spec in specs:
        page, created = build_campaign(index, spec)
        if created:
            stdout.write(f"征集活动：{page.title}（{page.url}）")
    open_demo = CampaignPage.objects.filter(slug=specs[-1]["slug"]).first()
    if open_demo is not None and open_demo.is_open():
        nomination = ensure_demo_nomination(open_demo)
        if nomination is not None:
            stdout.write(
                f"演示申报：{nomination.project_name}（{nomination.get_status_display()}）"
            )
    from campaigns.demo.review import ensure_review_demo

    review_round = ensure_review_demo(index)
    if review_round is not None:
        stdout.write(
            f"评审演示：{review_round}（{review_round.get_status_display()}），评审专家 expert 在 /review/ 评分"
        )
    context["campaign_index"] = index
    from campaigns.demo.showcase import load as load_showcase

    load_showcase(context, stdout)
