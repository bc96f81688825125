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


# ---- issue 13: judged by the target year's value; no negative or inverted share ----------------------------------

def test_passed_target_is_judged_on_its_target_year_value_a_art2_hte():
    """A 第2条: 高新技术企业数量突破500家 by 2020. The 2018 count (560) already met it; 2025 (1500) must not be used.
    The page showed "−296.7% 已达成": (738 − 560)/(500 − 560) = −2.967, an inverted baseline."""
    p = level_progress({2018: 560, 2019: 650, 2020: 738, 2025: 1500}, baseline_year=None, baseline_value=None,
                       target_year=2020, target_value=500, compound=True, unit="家")
    assert p.status == "achieved" and p.final
    assert p.latest_year == 2020 and p.latest_value == 738
    # no base in the document: the way is counted from zero (never from an earlier count above the target)
    assert p.share_of_way == pytest.approx(738 / 500) and p.bar_width == 100
    assert (p.base_year, p.base_value, p.base_stated) == (2018, 560, False) and p.base_text == "2018年 560（最早观测）"
    assert "最终判定" in p.rule and "1500" not in p.rule
    assert "目标年（2020年）已过" in p.final_text


def test_missed_target_stays_missed_whatever_comes_later_a_art2():
    """A 第2条: 省级以上创新平台达到330个 by 2020. 2020 = 300 → 未达成 for good, even if 2023 = 400."""
    p = level_progress({2018: 250, 2020: 300, 2023: 400}, baseline_year=None, baseline_value=None, target_year=2020,
                       target_value=330, compound=True, unit="个")
    assert p.status == "missed" and p.final and p.latest_value == 300
    assert p.share_of_way == pytest.approx(300 / 330)


def test_no_target_year_value_gives_no_final_verdict():
    p = level_progress({2018: 250, 2023: 400}, baseline_year=None, baseline_value=None, target_year=2020,
                       target_value=330, compound=True)
    assert p.status == "insufficient" and p.final and "2020年" in p.rule


def test_share_of_way_is_never_negative():
    """C 二（三）: 高企 738 (2020) → 1500; a count that fell to 700 is 0% of the way, not −5%."""
    p = level_progress({2022: 700}, baseline_year=2020, baseline_value=738, target_year=2025, target_value=1500,
                       compound=True)
    assert p.share_of_way == 0.0 and p.bar_width == 0 and "低于基期值" in p.note
    assert p.projected_share is None or p.projected_share >= 0


def test_annual_points_after_target_year_use_the_target_year_a_art2():
    """A 第2条: 高新技术产业产值占比每年增加1个百分点 to 2020: base 2018 = 56.5 → 58.5 by 2020; 2025's 63.85 ignored.
    The page showed −215.0% 已达成."""
    p = points_progress({2018: 56.5, 2019: 57.2, 2020: 58.6, 2025: 63.85}, baseline_year=None, baseline_value=None,
                        target_year=2020, points_per_year=1)
    assert p.status == "achieved" and p.final and p.latest_year == 2020
    assert p.share_of_way == pytest.approx(2.1 / 2)


def test_growth_judged_up_to_target_year_and_final():
    """D 一（三）: 科技服务业增加值年均增长10%以上 to 2022."""
    p = growth_progress({2019: 11.0, 2020: 9.0, 2021: 10.5, 2022: 10.2, 2024: -5.0}, target_year=2022,
                        target_rate=10, start_year=2018)
    assert p.final and p.latest_year == 2022 and p.status == "achieved"


def test_one_year_span_is_not_written_as_a_range():
    """"2025—2025年年均增长" was shown when one year remained."""
    p = level_progress({2021: 900, 2024: 1400}, baseline_year=2020, baseline_value=738, target_year=2025,
                       target_value=1500, compound=True)
    assert "2025—2025" not in p.rule and "需2025年年均增长" in p.rule


def test_counts_read_as_whole_numbers_in_the_rule():
    """"1570.01个": a projected count is written as a whole number."""
    p = level_progress({2021: 900, 2023: 1200}, baseline_year=2020, baseline_value=738, target_year=2025,
                       target_value=1500, compound=True, unit="家", whole=True)
    assert "1,659家" in p.rule and "1,659.3" not in p.rule


def test_a_count_without_a_stated_base_is_counted_from_zero_a_art2():
    """Issue 26 item 15: A 第2条 国家级创新平台30个以上, 3 every year since 2018: 10% of the way, not 0.0%."""
    p = level_progress({2018: 3, 2019: 3, 2020: 3}, baseline_year=None, baseline_value=None, target_year=2020,
                       target_value=30, compound=True, unit="个", whole=True)
    assert p.share_text == "10.0%" and p.status == "missed"
    stated = level_progress({2022: 700}, baseline_year=2020, baseline_value=738, target_year=2025, target_value=1500,
                            compound=True)
    assert stated.base_text == "2020年 738" and stated.base_stated
