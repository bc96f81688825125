"""Demo data of the expert database: a few hundred experts with plausible fields and organisations, one finished
review round (solved, scored, closed) and one open round in which the demo ``expert`` account has work.

Deterministic for a seed and idempotent (``--if-empty``); names and figures are synthetic.
"""

from __future__ import annotations

import datetime as dt
import random

from django.db import transaction
from django.utils import timezone

from experts import services
from experts.disciplines import CHAIN_DISCIPLINES
from experts.models import Assignment, DeclaredRelation, Employment, Expert, PairRule, ReviewRound
from registry.demo import person_name
from registry.models import IndustryChain, Organization, OrganizationKind, Person

#: Technical keywords per industry chain of document C (synthetic but plausible research directions).
CHAIN_KEYWORDS: dict[str, list[str]] = {
    "office_automation": ["激光打印", "喷墨打印", "图像处理", "嵌入式系统", "办公设备", "扫描成像", "墨粉材料"],
    "smart_terminals": ["物联网", "智能终端", "人机交互", "嵌入式系统", "自助服务终端", "边缘计算", "机器视觉"],
    "optoelectronics": ["光纤通信", "光电探测", "光纤传感", "光模块", "激光器", "光通信器件", "信号处理"],
    "integrated_circuits": ["集成电路设计", "半导体器件", "芯片封装", "功率器件", "电子元器件", "模拟电路", "传感器芯片"],
    "carbon_fiber": ["碳纤维", "复合材料", "预浸料", "界面改性", "树脂基体", "碳纤维原丝", "轻量化结构"],
    "advanced_polymers": ["高分子材料", "聚合物改性", "塑料助剂", "功能膜材料", "高分子合成", "可降解材料", "涂层材料"],
    "ships_offshore": ["船舶设计", "海洋工程装备", "船舶动力", "海工平台", "船舶配套", "水下机器人", "结构强度"],
    "special_vehicles": ["专用车辆", "底盘设计", "新能源汽车", "车辆动力学", "房车制造", "汽车零部件", "轻量化结构"],
    "tyres": ["轮胎设计", "橡胶材料", "硫化工艺", "橡胶配方", "轮胎检测", "绿色轮胎", "炭黑补强"],
    "electric_motors": ["永磁电机", "电机控制", "电力电子", "伺服驱动", "电机设计", "变频调速", "电磁兼容"],
    "laser_technology": ["激光加工", "激光器", "光学设计", "精密仪器", "激光焊接", "超快激光", "光学检测"],
    "marine_biomedicine": ["海洋生物", "海洋药物", "生物制品", "海洋多糖", "生物发酵", "活性物质提取", "海藻资源"],
    "marine_food": ["水产品加工", "海洋食品", "食品安全", "冷链保鲜", "海参加工", "功能食品", "蛋白质酶解"],
    "medicine_devices": ["医疗器械", "医用高分子", "体外诊断", "生物医用材料", "植入器械", "医学影像", "临床试验"],
    "herbal_medicine": ["中药材", "西洋参", "中药炮制", "有效成分", "中药质量控制", "道地药材", "药用植物栽培"],
    "textiles_apparel": ["纺织材料", "功能面料", "服装设计", "印染工艺", "纤维改性", "智能穿戴", "时尚设计"],
    "fishing_tackle": ["钓具", "碳纤维鱼竿", "户外用品", "复合材料", "渔线材料", "结构设计", "表面处理"],
}
TITLES = ["教授", "研究员", "正高级工程师", "高级工程师", "副教授", "副研究员"]
ROUND_NAME = "2025年度市级科技计划项目网评（示范）"
OPEN_ROUND_NAME = "2026年度市级科技计划项目网评（示范）"
CRITERIA = [{"name": "创新性", "max": 30}, {"name": "技术可行性", "max": 30}, {"name": "预期效益", "max": 25},
            {"name": "团队与基础", "max": 15}]


def _sector(org: Organization) -> str:
    return {OrganizationKind.ENTERPRISE: Expert.Sector.INDUSTRY, OrganizationKind.RESEARCH_INSTITUTION: Expert.Sector.ACADEMIA,
            OrganizationKind.SERVICE_PROVIDER: Expert.Sector.SERVICE}.get(org.kind, Expert.Sector.ACADEMIA)


def _item(rng: random.Random, chain: IndustryChain, applicant: Organization) -> dict:
    kws = rng.sample(CHAIN_KEYWORDS[chain.code], 3)
    verb = rng.choice(["关键技术研发及产业化", "研发与应用示范", "工艺优化及产业化", "关键装备研制"])
    return {
        "title": f"{kws[0]}与{kws[1]}{verb}", "keywords": "、".join(kws), "chain": chain,
        "abstract": f"项目面向{chain.name}产业链，围绕{kws[0]}、{kws[1]}和{kws[2]}开展攻关，突破{kws[1]}的技术瓶颈，"
                    f"形成具有自主知识产权的{kws[2]}技术，推动{chain.name}产业提质增效。",
        "disciplines": CHAIN_DISCIPLINES[chain.code][:1], "applicant": applicant,
    }


def generate(experts: int = 300, seed: int = 7, items: int = 40) -> dict:
    """Create the demo experts and rounds (expects the registry demo city; no experts yet)."""
    rng = random.Random(seed)
    chains = list(IndustryChain.objects.order_by("code"))
    institutions = list(Organization.objects.filter(kind=OrganizationKind.RESEARCH_INSTITUTION).order_by("id"))
    enterprises = list(Organization.objects.filter(kind=OrganizationKind.ENTERPRISE).select_related("industry_chain")
                       .order_by("id")[:600])
    providers = list(Organization.objects.filter(kind=OrganizationKind.SERVICE_PROVIDER).order_by("id")[:40])
    if not chains or not enterprises:
        raise RuntimeError("请先生成创新主体示范数据（manage.py generate_demo）。")
    with transaction.atomic():
        people = list(Person.objects.filter(kind=Person.Kind.EXPERT, expert_profile__isnull=True)
                      .select_related("organization__industry_chain", "industry_chain").order_by("id")[:experts])
        extra = []
        for k in range(experts - len(people)):
            r = rng.random()
            org = rng.choice(institutions) if r < 0.45 and institutions else rng.choice(providers) if r < 0.55 and providers \
                else rng.choice(enterprises)
            extra.append(Person(kind=Person.Kind.EXPERT, name=person_name(rng), organization=org,
                                title=TITLES[k % len(TITLES)], industry_chain=chains[k % len(chains)]))
        people += Person.objects.bulk_create(extra)
        made = []
        for n, p in enumerate(people):
            org = p.organization or rng.choice(institutions or enterprises)
            # an enterprise's expert works in the enterprise's own chain; others keep the registry person's chain
            chain = (org.industry_chain if org.kind == OrganizationKind.ENTERPRISE and org.industry_chain_id
                     else p.industry_chain or chains[n % len(chains)])
            second = rng.choice(chains) if rng.random() < 0.3 else None
            kws = rng.sample(CHAIN_KEYWORDS[chain.code], 4) + (rng.sample(CHAIN_KEYWORDS[second.code], 2) if second else [])
            e = Expert(person=p, user=p.account, organization=org, sector=_sector(org), title=p.title or TITLES[n % 6],
                       disciplines=sorted(set(CHAIN_DISCIPLINES[chain.code] + (CHAIN_DISCIPLINES[second.code][:1] if second else []))),
                       keywords="、".join(kws), admitted_on=dt.date(2019 + n % 6, 3, 1),
                       status=Expert.Status.SUSPENDED if n % 97 == 96 else Expert.Status.ADMITTED)
            made.append((e, [chain] + ([second] if second else [])))
        Expert.objects.bulk_create([e for e, _ in made])
        Expert.chains.through.objects.bulk_create([Expert.chains.through(expert_id=e.pk, industrychain_id=c.pk)
                                                   for e, cs in made for c in set(cs)])
        jobs, relations = [], []
        for e, _ in made:
            jobs.append(Employment(expert=e, organization=e.organization, start=dt.date(2012, 9, 1)))
            if rng.random() < 0.25:
                jobs.append(Employment(expert=e, organization=rng.choice(enterprises), start=dt.date(2015, 1, 1),
                                       end=dt.date(2023 + rng.randint(0, 2), 6, 30)))
            if rng.random() < 0.1:
                relations.append(DeclaredRelation(expert=e, organization=rng.choice(enterprises),
                                                  kind=DeclaredRelation.Kind.RELATIVE, note="亲属任职"))
        Employment.objects.bulk_create(jobs)
        DeclaredRelation.objects.bulk_create(relations, ignore_conflicts=True)

    # A finished round: solved, published, scored by every reviewer, closed.
    applicants = rng.sample(enterprises, items * 2)
    finished = services.create_round(
        None, name=ROUND_NAME, programme="市级科技计划项目", deadline=timezone.make_aware(dt.datetime(2025, 6, 30, 17)),
        review_start=dt.date(2025, 6, 1), reviewers_per_item=5, min_load=0, max_load=4, criteria=CRITERIA,
        items=[_item(rng, chains[(k * 5) % len(chains)], applicants[k]) for k in range(items)])
    services.solve_round(finished)
    services.transition(finished, "publish", None)
    quality = {it.pk: rng.uniform(0.55, 0.92) for it in finished.items.all()}
    from experts.models import Review

    reviews = []
    bias = {}
    for a in Assignment.objects.filter(round=finished).select_related("item"):
        b = bias.setdefault(a.expert_id, rng.uniform(-0.08, 0.08))
        q = min(0.98, max(0.2, quality[a.item_id] + b + rng.gauss(0, 0.05)))
        scores = {c["name"]: str(round(c["max"] * q)) for c in CRITERIA}
        total = sum(int(v) for v in scores.values())
        reviews.append(Review(assignment=a, scores=scores, total=total, comment="选题符合产业链需求，技术路线基本可行，建议关注产业化进度。"))
    Review.objects.bulk_create(reviews)
    Assignment.objects.filter(round=finished).update(status=Assignment.Status.SUBMITTED)
    ReviewRound.objects.filter(pk=finished.pk).update(status=ReviewRound.Status.CLOSED)

    # An open round: the demo expert has items waiting (pinned on three items of their chain).
    open_round = services.create_round(
        None, name=OPEN_ROUND_NAME, programme="市级科技计划项目",
        deadline=timezone.now().replace(microsecond=0) + dt.timedelta(days=20), review_start=timezone.localdate(),
        reviewers_per_item=3, min_load=0, max_load=3, criteria=CRITERIA,
        items=[_item(rng, chains[(k * 3) % len(chains)], applicants[items + k]) for k in range(12)])
    demo_expert = Expert.objects.filter(user__username="expert").first()
    if demo_expert:
        demo_expert.status = Expert.Status.ADMITTED
        demo_expert.save(update_fields=["status"])
        for it in open_round.items.order_by("id")[:3]:
            PairRule.objects.create(round=open_round, item=it, expert=demo_expert, kind=PairRule.Kind.PIN)
    services.solve_round(open_round)
    services.transition(open_round, "publish", None)
    return {"experts": len(made), "rounds": 2, "finished_reviews": len(reviews)}
