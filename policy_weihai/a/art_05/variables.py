"""威政发〔2018〕20号 第5条 (and 威政办字〔2018〕107号 二（四）1): technology innovation centres, new R&D institutions,
city pilot centres and clinical research centres. B 第1条、第4条 restate them: not applied while B is in force."""

from __future__ import annotations

from openfisca_core.periods import YEAR
from openfisca_core.variables import Variable

from policy_weihai.entities import Event
from policy_weihai.variables.common import Path, Rule, rule_variables, select
from policy_weihai.variables.shared import A, D, fixed_amounts, not_b


class a05_tic_support(Variable):
    value_type = float
    entity = Event
    definition_period = YEAR
    label = "认定为国家级、省级技术创新中心，市级分别给予1000万元、500万元支持"
    reference = [f"{A} 第5条", f"{D} 二（四）1"]

    def formula(event, period, parameters):
        parts = [(select(event, period, "platform_approval", "technology_innovation_center", levels=level),
                  f"a.art_05.tic_{level}") for level in ("national", "provincial")]
        return fixed_amounts(event, period, parameters, parts, window=not_b)


VARIABLES: list[type] = [a05_tic_support]
VARIABLES += rule_variables(
    "a05_new_rd_institution_ceiling", "高校院所、企业自行建设的新型研发机构择优支持（最高200万元）", [f"{A} 第5条", f"{D} 二（四）1"],
    Rule((Path("a.art_05.new_rd_institution", "platform_approval", ("new_rd_institution",),
               org_kinds=("research_institution", "enterprise", "platform")),),
         window="a_replaced", caveat="政府引进或参与建设的新型研发机构按共建协议“一事一议”，不适用本额度"))
VARIABLES += rule_variables(
    "a05_city_tic_pilot_grant", "市级技术创新中心建设试点资金补助（企业牵头200万元、高校院所牵头300万元）",
    [f"{A} 第5条", f"{D} 二（四）1"],
    Rule((Path("a.art_05.city_tic_pilot_enterprise", "platform_approval", ("technology_innovation_center",),
               levels=("city",), role="lead", org_kinds=("enterprise",)),
          Path("a.art_05.city_tic_pilot_public", "platform_approval", ("technology_innovation_center",),
               levels=("city",), role="lead", org_kinds=("research_institution",))), window="a_replaced"))
VARIABLES += rule_variables(
    "a05_clinical_center_grant", "市级临床医学研究中心首次通过绩效评价100万元、升级为省级以上200万元后补助", f"{A} 第5条",
    Rule((Path("a.art_05.clinical_first_evaluation", "platform_evaluation", ("clinical_research_center",),
               levels=("city",)),
          Path("a.art_05.clinical_upgrade", "platform_approval", ("clinical_research_center",),
               levels=("provincial", "national"))),
         window="a_replaced", caveat="绩效评价补助限首次通过；升级补助用于开展后续临床研究"))
