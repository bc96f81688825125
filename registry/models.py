"""The registry of innovation entities: who is who, where, with which qualifications, events and yearly facts.

These are the facts the policy rules read (facts → rules → entitlements). Every dated thing carries its date so that
"was X a high-tech enterprise on date D" and "which document applies to the event of date D" can be answered.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pgtrigger
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q

from registry.uscc import uscc_error


class Level(models.TextChoices):
    CITY = "city", "市级"
    PROVINCIAL = "provincial", "省级"
    NATIONAL = "national", "国家级"


class Region(models.Model):
    """A county-level division (GB/T 2260), a functional zone, or a town."""

    class Kind(models.TextChoices):
        CITY = "city", "地级市"
        DIVISION = "division", "区市"
        ZONE = "zone", "功能区/开发区"
        TOWN = "town", "镇/街道"

    code = models.CharField("编码", max_length=20, unique=True)
    division_code = models.CharField("行政区划代码", max_length=6, blank=True, help_text="GB/T 2260；功能区无此代码。")
    name = models.CharField("名称", max_length=50)
    short_name = models.CharField("简称", max_length=20, blank=True)
    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", verbose_name="上级", null=True, blank=True, on_delete=models.PROTECT)

    class Meta:
        verbose_name = "区域"
        verbose_name_plural = "区域"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class IndustryChain(models.Model):
    """An industry chain of the 14th five-year plan (document C, 六(一)–(七) "产业技术创新链")."""

    code = models.CharField("编码", max_length=40, unique=True)
    name = models.CharField("名称", max_length=50)
    cluster = models.CharField("产业集群", max_length=50, blank=True)

    class Meta:
        verbose_name = "产业链"
        verbose_name_plural = "产业链"
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class OrganizationKind(models.TextChoices):
    ENTERPRISE = "enterprise", "企业"
    RESEARCH_INSTITUTION = "research_institution", "高校院所"
    PLATFORM = "platform", "创新平台/载体"
    SERVICE_PROVIDER = "service_provider", "科技服务机构"


class PlatformType(models.TextChoices):
    NATIONAL_KEY_LABORATORY = "national_key_laboratory", "全国重点实验室"
    KEY_LABORATORY = "key_laboratory", "重点实验室"
    TECHNOLOGY_INNOVATION_CENTER = "technology_innovation_center", "技术创新中心"
    CLINICAL_RESEARCH_CENTER = "clinical_research_center", "临床医学研究中心"
    MANUFACTURING_INNOVATION_CENTER = "manufacturing_innovation_center", "制造业创新中心"
    NEW_RD_INSTITUTION = "new_rd_institution", "新型研发机构"
    INNOVATION_COMMUNITY = "innovation_community", "创新创业共同体"
    INNOVATION_CONSORTIUM = "innovation_consortium", "创新联合体"
    INCUBATOR = "incubator", "科技企业孵化器"
    MAKERSPACE = "makerspace", "众创空间"
    RURAL_MAKERSPACE = "rural_makerspace", "星创天地"
    ACCELERATOR = "accelerator", "加速器"
    UNIVERSITY_SCIENCE_PARK = "university_science_park", "大学科技园"
    PILOT_BASE = "pilot_base", "中试示范基地"
    INTERNATIONAL_COOPERATION_BASE = "international_cooperation_base", "国际合作基地"
    TECH_TRANSFER_DEMO_AGENCY = "tech_transfer_demo_agency", "技术转移示范机构"
    ACADEMICIAN_WORKSTATION = "academician_workstation", "院士工作站"
    FOREIGN_EXPERT_STUDIO = "foreign_expert_studio", "外国专家工作室"
    ENGINEERING_RESEARCH_CENTER = "engineering_research_center", "工程技术研究中心"


class InstitutionType(models.TextChoices):
    UNIVERSITY = "university", "高校"
    INSTITUTE = "institute", "科研院所"


class ProviderType(models.TextChoices):
    TECH_TRANSFER = "tech_transfer", "技术转移"
    IP = "ip", "知识产权"
    TESTING = "testing", "检验检测"
    CONSULTING = "consulting", "科技咨询"
    INSTRUMENT = "instrument", "大型科学仪器共享"
    INCUBATION = "incubation", "创业孵化"
    FINANCE = "finance", "科技金融"


def industry_sector_choices() -> list[tuple[str, str]]:
    """The industries of 《中小企业划型标准规定》 (工信部联企业〔2011〕300号) as the jurisdiction's vocabulary names them."""
    from policy.jurisdiction import current

    return list(current().vocabulary.get("industry_sector", {}).items())


def sme_size_choices() -> list[tuple[str, str]]:
    """The enterprise sizes one may declare (大型/中型/小型/微型), from the jurisdiction's vocabulary."""
    from policy.jurisdiction import current

    return list(current().vocabulary.get("sme_size", {}).items())


class Organization(models.Model):
    """An enterprise, research institution, innovation platform or service provider.

    One table for all kinds so that the directory, the rules and the accounts refer to one thing; kind-specific
    fields stay blank where they do not apply.
    """

    kind = models.CharField("主体类别", max_length=24, choices=OrganizationKind.choices, db_index=True)
    name = models.CharField("名称", max_length=120, db_index=True)
    uscc = models.CharField(
        "统一社会信用代码", max_length=18, unique=True, null=True, blank=True, help_text="平台/载体可不填。"
    )
    region = models.ForeignKey(Region, verbose_name="所在区市/功能区", on_delete=models.PROTECT)
    industry_chain = models.ForeignKey(
        IndustryChain, verbose_name="产业链", null=True, blank=True, on_delete=models.PROTECT
    )
    established_on = models.DateField("成立日期", null=True, blank=True)
    industry_sector = models.CharField(
        "所属行业", max_length=40, choices=industry_sector_choices, blank=True, default="", db_default="",
        help_text="按《中小企业划型标准规定》的行业，与年度数据的从业人员、营业收入、资产总额一起确定企业规模。",
    )
    institution_type = models.CharField("院所类别", max_length=12, choices=InstitutionType.choices, blank=True)
    located_locally = models.BooleanField("驻本市", default=True, help_text="高校院所：是否驻在本市。")
    platform_type = models.CharField("平台类别", max_length=40, choices=PlatformType.choices, blank=True)
    level = models.CharField("级别", max_length=12, choices=Level.choices, blank=True)
    provider_type = models.CharField("服务类别", max_length=16, choices=ProviderType.choices, blank=True)
    legal_representative = models.CharField("法定代表人/负责人", max_length=40, blank=True)
    address = models.CharField("地址", max_length=200, blank=True)
    created_at = models.DateTimeField("登记时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "创新主体"
        verbose_name_plural = "创新主体"
        ordering = ["id"]
        indexes = [
            models.Index(fields=["kind", "region"]),
            models.Index(fields=["industry_chain"]),
            models.Index(fields=["region", "industry_chain"]),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        errors: dict[str, str] = {}
        if self.uscc:
            self.uscc = self.uscc.strip().upper()
            problem = uscc_error(self.uscc)
            if problem:
                errors["uscc"] = problem
        elif self.kind != OrganizationKind.PLATFORM:
            errors["uscc"] = "统一社会信用代码必填（仅创新平台/载体可不填），请按营业执照或登记证书填写。"
        if self.kind == OrganizationKind.PLATFORM and not (self.platform_type and self.level):
            errors["platform_type"] = "创新平台/载体须选择平台类别和级别。"
        if self.established_on and self.established_on > dt.date.today():
            errors["established_on"] = "成立日期不能晚于今天，请核对。"
        if errors:
            raise ValidationError(errors)


class PlatformMembership(models.Model):
    """An organisation that leads (牵头) or participates in (参与) a platform or carrier."""

    class Role(models.TextChoices):
        LEAD = "lead", "牵头/依托单位"
        PARTICIPANT = "participant", "参与单位"

    platform = models.ForeignKey(
        Organization, verbose_name="平台", on_delete=models.CASCADE, related_name="memberships",
        limit_choices_to={"kind": OrganizationKind.PLATFORM},
    )
    organization = models.ForeignKey(
        Organization, verbose_name="单位", on_delete=models.CASCADE, related_name="platform_roles"
    )
    role = models.CharField("角色", max_length=12, choices=Role.choices)
    share_pct = models.DecimalField(
        "投入占比(%)", max_digits=5, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), "投入占比不能小于 0%%。"), MaxValueValidator(Decimal(100), "投入占比不能大于 100%%。")],
    )

    class Meta:
        verbose_name = "平台成员"
        verbose_name_plural = "平台成员"
        unique_together = [("platform", "organization")]


class QualificationKind(models.TextChoices):
    TECH_SME = "tech_sme", "科技型中小企业"
    HIGH_TECH_ENTERPRISE = "high_tech_enterprise", "高新技术企业"
    GAZELLE = "gazelle", "瞪羚企业"
    UNICORN = "unicorn", "独角兽企业"
    LEADING_TECH_ENTERPRISE = "leading_tech_enterprise", "科技领军企业"
    SPECIALISED_SME = "specialised_sme", "专精特新中小企业"
    LITTLE_GIANT = "little_giant", "专精特新“小巨人”企业"
    ABOVE_DESIGNATED_SIZE = "above_designated_size", "规模以上工业企业"


#: The cultivation tier path of document A art. 7 / B art. 17 / C 六(一).
TIER_PATH = [
    QualificationKind.TECH_SME,
    QualificationKind.HIGH_TECH_ENTERPRISE,
    QualificationKind.GAZELLE,
    QualificationKind.UNICORN,
]


class Qualification(models.Model):
    """A qualification in force over a validity window (valid_from ≤ d ≤ valid_to, both inclusive)."""

    class Certification(models.TextChoices):
        FIRST = "first_certification", "首次认定"
        RE = "recertification", "重新认定"

    organization = models.ForeignKey(
        Organization, verbose_name="主体", on_delete=models.CASCADE, related_name="qualifications"
    )
    kind = models.CharField("资质", max_length=32, choices=QualificationKind.choices, db_index=True)
    level = models.CharField("级别", max_length=12, choices=Level.choices, blank=True)
    certification = models.CharField("认定类型", max_length=24, choices=Certification.choices, blank=True)
    certificate_no = models.CharField("证书/入库编号", max_length=40, blank=True)
    year = models.PositiveSmallIntegerField("年度", null=True, blank=True, help_text="按年度评价的资质（科技型中小企业、规上）。")
    valid_from = models.DateField("有效期起")
    valid_to = models.DateField("有效期止")
    source = models.CharField("来源", max_length=60, blank=True)

    class Meta:
        verbose_name = "资质"
        verbose_name_plural = "资质"
        ordering = ["organization", "kind", "valid_from"]
        indexes = [
            models.Index(fields=["kind", "valid_from", "valid_to"]),
            models.Index(fields=["organization", "kind", "valid_to"]),
            # Rows the policy engine refuses (policy.facts looks for them in every batch): normally none, so the
            # look-up reads an empty index. Its condition is the one policy.facts.refused_qualifications() writes.
            models.Index(fields=["organization"], name="registry_qu_refused_idx",
                         condition=Q(valid_to__lt=models.F("valid_from")) | ~Q(kind__in=sorted(QualificationKind.values))),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.valid_from}—{self.valid_to}"

    def clean(self) -> None:
        if self.valid_from and self.valid_to and self.valid_to < self.valid_from:
            raise ValidationError({"valid_to": "有效期止不能早于有效期起，请核对证书日期。"})
        if self.valid_from and self.valid_from > dt.date.today():
            raise ValidationError({"valid_from": "有效期起不能晚于今天；尚未发生的认定请勿登记。"})

    @staticmethod
    def in_force(on: dt.date) -> Q:
        return Q(valid_from__lte=on, valid_to__gte=on)


class RecognitionKind(models.TextChoices):
    PLATFORM_APPROVAL = "platform_approval", "平台/载体获批"
    PLATFORM_EVALUATION = "platform_evaluation", "平台/载体考核评价"
    AWARD = "award", "科技奖励"
    CERTIFICATION = "certification", "认定/备案"
    PROJECT = "project", "承担科技项目"
    TALENT = "talent", "人才/团队入选"
    LISTING = "listing", "上市/挂牌"
    TECH_CONTRACT = "tech_contract", "技术合同登记"
    FINANCING = "financing", "融资/贷款/保险"
    STANDARD = "standard", "标准制定"
    OTHER = "other", "其他"


class Recognition(models.Model):
    """A dated qualifying event: a platform approved at a level, an award of a grade, a certification, a project…

    General on purpose: ``kind`` + ``subject`` (a platform type, an award name, a programme) + ``level`` + ``grade``
    + ``occurred_on`` + optional ``amount`` (for example the higher-level funds that a 1:1 matching rule reads),
    with anything else in ``attributes``. The rules read these; the date chooses the document.
    """

    organization = models.ForeignKey(
        Organization, verbose_name="主体", on_delete=models.CASCADE, related_name="recognitions"
    )
    kind = models.CharField("事件类别", max_length=24, choices=RecognitionKind.choices, db_index=True)
    subject = models.CharField("事项", max_length=60, help_text="如平台类别代码、奖项名称、计划名称。")
    title = models.CharField("名称", max_length=200, blank=True)
    level = models.CharField("级别", max_length=12, choices=Level.choices, blank=True)
    grade = models.CharField("等次", max_length=20, blank=True, help_text="如 一等奖、二等奖、A类。")
    occurred_on = models.DateField("发生日期", db_index=True)
    amount = models.DecimalField(
        "金额(元)", max_digits=16, decimal_places=2, null=True, blank=True,
        validators=[MinValueValidator(Decimal(0), "金额不能为负数。")],
        help_text="如上级拨付资金、合同成交额、贷款金额。",
    )
    platform = models.ForeignKey(
        Organization, verbose_name="相关平台", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    reference = models.CharField("依据文号", max_length=120, blank=True)
    attributes = models.JSONField("其他属性", default=dict, blank=True)

    class Meta:
        verbose_name = "认定与荣誉事件"
        verbose_name_plural = "认定与荣誉事件"
        ordering = ["-occurred_on", "-id"]
        # Screening reads one year's events of a range of organisations (policy.facts): both columns in one index;
        # and rows the policy engine refuses, normally none (the condition policy.facts.refused_recognitions() writes).
        indexes = [
            models.Index(fields=["organization", "occurred_on"], name="registry_re_org_date_idx"),
            models.Index(fields=["organization"], name="registry_re_refused_idx",
                         condition=Q(amount__lt=0) | ~Q(kind__in=sorted(RecognitionKind.values))
                         | ~Q(level__in=sorted(Level.values) + [""])),
        ]

    def __str__(self) -> str:
        return f"{self.occurred_on} {self.get_kind_display()} {self.title or self.subject}"

    def clean(self) -> None:
        if self.occurred_on and self.occurred_on > dt.date.today():
            raise ValidationError({"occurred_on": "已发生事件的日期不能晚于今天，请核对文件日期。"})


class AnnualFacts(models.Model):
    """An organisation's figures for one year. Money in yuan (元)."""

    class Source(models.TextChoices):
        SELF = "self", "主体填报"
        STATISTICS = "statistics", "统计部门"
        TAX = "tax", "税务部门"
        IMPORT = "import", "Excel 导入"
        DEMO = "demo", "示范数据"

    organization = models.ForeignKey(
        Organization, verbose_name="主体", on_delete=models.CASCADE, related_name="annual_facts"
    )
    year = models.PositiveSmallIntegerField("年度")
    sales_revenue = models.DecimalField("销售收入(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    main_business_revenue = models.DecimalField("主营业务收入(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    rd_expense = models.DecimalField("研发投入(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    rd_active = models.BooleanField("有研发活动", null=True, blank=True)
    employees = models.PositiveIntegerField("从业人员(人)", null=True, blank=True)
    rd_staff = models.PositiveIntegerField("研发人员(人)", null=True, blank=True)
    invention_patents_granted = models.PositiveIntegerField("发明专利授权(件)", null=True, blank=True)
    high_tech_product_revenue = models.DecimalField("高新技术产品收入(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    total_assets = models.DecimalField("资产总额(元)", max_digits=16, decimal_places=2, null=True, blank=True)
    sme_size = models.CharField(
        "企业规模", max_length=10, choices=sme_size_choices, blank=True, default="", db_default="",
        help_text="申报的企业规模；不填时按从业人员、营业收入、资产总额和所属行业划型。",
    )
    source = models.CharField("来源", max_length=12, choices=Source.choices, default=Source.SELF)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="录入人", null=True, blank=True, on_delete=models.SET_NULL
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    #: The figure fields, in display order; money fields must not be negative.
    MONEY_FIELDS = ("sales_revenue", "main_business_revenue", "rd_expense", "high_tech_product_revenue", "total_assets")
    COUNT_FIELDS = ("employees", "rd_staff", "invention_patents_granted")
    FIGURE_FIELDS = MONEY_FIELDS[:3] + ("rd_active",) + COUNT_FIELDS + MONEY_FIELDS[3:] + ("sme_size",)
    #: Sane bounds, also enforced by the database (CheckConstraint below): 1 万亿元, 1,000 万人/件, 1949 onwards.
    MONEY_MAX = 10**12
    COUNT_MAX = 10**7
    YEAR_MIN = 1949

    class Meta:
        verbose_name = "年度数据"
        verbose_name_plural = "年度数据"
        ordering = ["organization", "year"]
        constraints = [
            models.UniqueConstraint(fields=["organization", "year"], name="annual_facts_unique_year"),
            # Bad data cannot be stored by any path (issue 12): a sane year, money and counts below sane bounds.
            models.CheckConstraint(condition=models.Q(year__gte=1949, year__lte=2100), name="annual_facts_year_sane"),
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__gte": 0, f"{name}__lte": 10**12}),
                    name=f"annual_facts_{name}_sane",
                )
                for name in ("sales_revenue", "main_business_revenue", "rd_expense", "high_tech_product_revenue",
                             "total_assets")
            ],
            *[
                models.CheckConstraint(
                    condition=models.Q(**{f"{name}__isnull": True}) | models.Q(**{f"{name}__lte": 10**7}),
                    name=f"annual_facts_{name}_sane",
                )
                for name in ("employees", "rd_staff", "invention_patents_granted")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.organization} {self.year}"

    def clean(self) -> None:
        errors: dict[str, str] = {}
        for name in self.MONEY_FIELDS:
            value = getattr(self, name)
            if value is not None and value < 0:
                errors[name] = f"{self._meta.get_field(name).verbose_name}不能为负数，请填写 0 或正数。"
            elif value is not None and value > self.MONEY_MAX:
                errors[name] = f"{self._meta.get_field(name).verbose_name}超过 1 万亿元，请核对单位（以元为单位填写）。"
        for name in self.COUNT_FIELDS:
            value = getattr(self, name)
            if value is not None and value > self.COUNT_MAX:
                errors[name] = f"{self._meta.get_field(name).verbose_name}超过 1000 万，请核对。"
        if self.year is not None and not (self.YEAR_MIN <= self.year <= dt.date.today().year):
            errors["year"] = f"年度应在 {self.YEAR_MIN} 至 {dt.date.today().year} 年之间，请填写四位年份。"
        if self.rd_staff is not None and self.employees is not None and self.rd_staff > self.employees:
            errors["rd_staff"] = "研发人员不能多于从业人员，请核对。"
        if errors:
            raise ValidationError(errors)


class CultivationPool(models.TextChoices):
    HTE_POOL = "hte_pool", "高企培育库"
    GAZELLE_POOL = "gazelle_pool", "瞪羚培育库"
    LISTING_POOL = "listing_pool", "上市后备库"


class CultivationPoolEntry(models.Model):
    organization = models.ForeignKey(
        Organization, verbose_name="主体", on_delete=models.CASCADE, related_name="pool_entries"
    )
    pool = models.CharField("培育库", max_length=16, choices=CultivationPool.choices)
    entered_on = models.DateField("入库日期")
    exited_on = models.DateField("出库日期", null=True, blank=True)
    exit_reason = models.CharField("出库原因", max_length=100, blank=True)

    class Meta:
        verbose_name = "培育库记录"
        verbose_name_plural = "培育库记录"
        ordering = ["organization", "pool", "entered_on"]

    def clean(self) -> None:
        if self.exited_on and self.entered_on and self.exited_on < self.entered_on:
            raise ValidationError({"exited_on": "出库日期不能早于入库日期。"})


class Person(models.Model):
    class Kind(models.TextChoices):
        TALENT = "talent", "科技人才"
        EXPERT = "expert", "科技专家"

    kind = models.CharField("类别", max_length=10, choices=Kind.choices)
    name = models.CharField("姓名", max_length=40)
    organization = models.ForeignKey(
        Organization, verbose_name="工作单位", null=True, blank=True, on_delete=models.SET_NULL, related_name="people"
    )
    title = models.CharField("职称/职务", max_length=40, blank=True)
    field = models.CharField("专业领域", max_length=60, blank=True)
    industry_chain = models.ForeignKey(
        IndustryChain, verbose_name="产业链", null=True, blank=True, on_delete=models.SET_NULL
    )
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL, verbose_name="平台账户", null=True, blank=True, on_delete=models.SET_NULL
    )

    class Meta:
        verbose_name = "人才/专家"
        verbose_name_plural = "人才/专家"

    def __str__(self) -> str:
        return self.name


class ChangeRecord(models.Model):
    """Field-level history of the registry: who changed which value, when, through which channel."""

    organization = models.ForeignKey(
        Organization, verbose_name="主体", on_delete=models.CASCADE, related_name="changes"
    )
    record_type = models.CharField("对象", max_length=40)
    record_key = models.CharField("对象标识", max_length=40, blank=True, help_text="如年度数据的年度。")
    field = models.CharField("字段", max_length=60)
    old_value = models.TextField("原值", blank=True)
    new_value = models.TextField("新值", blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name="修改人", null=True, blank=True, on_delete=models.SET_NULL
    )
    channel = models.CharField("途径", max_length=12)
    at = models.DateTimeField("时间", auto_now_add=True)

    #: How the history page names what was changed and through which channel (the rows keep the codes).
    RECORD_TYPES = {"organization": "主体信息", "annualfacts": "年度数据"}
    CHANNELS = {"page": "页面填报", "api": "数据接口", "import": "Excel 导入", "admin": "后台维护", "demo": "示范数据"}
    #: Codes that older rows stored as values, before values were written by their labels.
    VALUE_CODES = {**{s.value: s.label for s in AnnualFacts.Source}, "True": "是", "False": "否"}

    class Meta:
        verbose_name = "变更记录"
        verbose_name_plural = "变更记录"
        ordering = ["-at", "-id"]
        # Append-only in the database (PostgreSQL; SQLite gets the same triggers from core's migration).
        triggers = [pgtrigger.Protect(name="history_append_only", operation=pgtrigger.Update | pgtrigger.Delete)]

    @property
    def record_type_display(self) -> str:
        return self.RECORD_TYPES.get(self.record_type, self.record_type)

    @property
    def channel_display(self) -> str:
        return self.CHANNELS.get(self.channel, self.channel)

    def _value(self, value: str) -> str:
        return self.VALUE_CODES.get(value, value) if self.field == "来源" else value

    @property
    def old_value_display(self) -> str:
        return self._value(self.old_value)

    @property
    def new_value_display(self) -> str:
        return self._value(self.new_value)

