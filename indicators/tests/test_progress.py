"""Progress and projection arithmetic against hand-computed cases (indicators/progress.py).

Figures: document C 二（三）主要指标表 (高新技术企业数量 738 → 1500; 全社会R&D经费支出占GDP比重 2.36 → 2.8;
研发经费投入增长 年均 9.5 左右; 高新技术产业产值占比每年提高 1 个百分点 from 60.13).
"""

from __future__ import annotations

import pytest

from indicators.progress import growth_progress, level_progress, points_progress, target_path


def test_count_projects_at_compound_growth_hte():
    """C 二（三）: 高企 738 (2020) → 1500 (2025). 2023 = 1200 (by hand):
    share = (1200−738)/(1500−738) = 462/762 = 0.6063; CAGR 2020–23 = (1200/738)^(1/3) − 1 = 17.59%;
    projection = 1200 × 1.1759² = 1659.3 ≥ 1500 → on track; needed 2024–25 = (1500/1200)^(1/2) − 1 = 11.80%."""
    p = level_progress({2023: 1200}, baseline_year=2020, baseline_value=738, target_year=2025, target_value=1500,
                       compound=True, unit="家")
    assert p.share_of_way == pytest.approx(0.6063, abs=1e-4)
    assert p.achieved_rate == pytest.approx(0.1759, abs=1e-4)
    assert p.required_rate == pytest.approx(0.1180, abs=1e-4)
    assert p.projection == pytest.approx(1659.3, abs=0.1)
    assert p.status == "on_track"
    assert "17.59%" in p.rule and "11.80%" in p.rule and "正常推进" in p.rule


def test_percentage_projects_linearly_rd_intensity():
    """C 二（三）: R&D 占 GDP 2.36% (2020) → 2.8% (2025). 2023 = 2.45 (by hand): +0.03 points a year;
    projection 2.45 + 2 × 0.03 = 2.51; share 0.09/0.44 = 0.2045; projected share 0.15/0.44 = 0.3409 < 0.9 →
    off track; needed (2.8 − 2.45)/2 = 0.175 points a year."""
    p = level_progress({2021: 2.40, 2023: 2.45}, baseline_year=2020, baseline_value=2.36, target_year=2025,
                       target_value=2.8, compound=False, unit="%")
    assert p.achieved_rate == pytest.approx(0.03)
    assert p.projection == pytest.approx(2.51)
    assert p.share_of_way == pytest.approx(0.2045, abs=1e-4)
    assert p.projected_share == pytest.approx(0.3409, abs=1e-4)
    assert p.required_rate == pytest.approx(0.175)
    assert p.status == "off_track"


def test_at_risk_between_ninety_percent_and_target():
    """0 → 100 over 2020–2025; 57 in 2023 → 19 a year → 95 in 2025 = 95% of the way: at risk."""
    p = level_progress({2023: 57}, baseline_year=2020, baseline_value=0, target_year=2025, target_value=100,
                       compound=False)
    assert p.projection == pytest.approx(95)
    assert p.status == "at_risk"


def test_achieved_and_missed():
    assert level_progress({2024: 1501}, baseline_year=2020, baseline_value=738, target_year=2025,
                          target_value=1500, compound=True).status == "achieved"
    p = level_progress({2025: 390}, baseline_year=2020, baseline_value=370, target_year=2025, target_value=400,
                       compound=True)
    assert p.status == "missed" and "未达到" in p.rule


def test_no_data_and_single_point_without_baseline():
    assert level_progress({}, baseline_year=None, baseline_value=None, target_year=2025, target_value=15,
                          compound=True).status == "no_data"
    p = level_progress({2023: 9}, baseline_year=None, baseline_value=None, target_year=2025, target_value=15,
                       compound=True)
    assert p.status == "insufficient"
    assert p.required_rate == pytest.approx((15 / 9) ** 0.5 - 1)


def test_first_observation_is_the_base_when_the_document_gives_none():
    """C 五（五） 专利代理机构 15 家 (no baseline): 8 (2021) → 10 (2023): CAGR 11.80%, 2025 projection 12.5."""
    p = level_progress({2021: 8, 2023: 10}, baseline_year=2020, baseline_value=None, target_year=2025,
                       target_value=15, compound=True)
    assert p.base_year == 2021
    assert p.projection == pytest.approx(12.5)
    assert p.status == "off_track"


def test_annual_growth_target():
    """C 二（三）: 研发经费投入增长 年均 9.5 左右. 8.0% then 11.0%: √(1.08 × 1.11) − 1 = 9.49% ≥ 90% of 9.5 → at risk."""
    p = growth_progress({2021: 8.0, 2022: 11.0}, target_year=2025, target_rate=9.5, start_year=2020)
    assert p.achieved_rate == pytest.approx(9.49, abs=0.01)
    assert p.status == "at_risk"
    assert growth_progress({2021: 10.0}, target_year=2025, target_rate=9.5).status == "on_track"
    assert growth_progress({2021: 5.0}, target_year=2025, target_rate=9.5).status == "off_track"
    assert growth_progress({2022: 12.0}, target_year=2022, target_rate=16).status == "missed"


def test_annual_points_target():
    """C 二（三）: 高新技术产业产值占比每年提高 1 个百分点 from 60.13 (2020) → 65.13 by 2025.
    62.13 in 2022 is +1.0 a year → 65.13 in 2025: on track; 61.13 in 2022 (+0.5) → 62.63: off track."""
    p = points_progress({2022: 62.13}, baseline_year=2020, baseline_value=60.13, target_year=2025, points_per_year=1)
    assert p.target_value == pytest.approx(65.13)
    assert p.status == "on_track"
    assert "65.13%" in p.rule
    assert points_progress({2022: 61.13}, baseline_year=2020, baseline_value=60.13, target_year=2025,
                           points_per_year=1).status == "off_track"


def test_target_path_ends_at_target():
    path = target_path(2020, 738, 2025, 1500, compound=True)
    assert path[0] == (2020, 738) and path[-1][1] == pytest.approx(1500)
    assert path[1][1] == pytest.approx(738 * (1500 / 738) ** 0.2, rel=1e-4)
    assert target_path(2020, 2.36, 2025, 2.8, compound=False)[1][1] == pytest.approx(2.448)
