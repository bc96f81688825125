"""Fixtures of the screening tests: an immediate queue (jobs run at once, on the real policy engine)."""

from __future__ import annotations

import pytest

#: 威政发〔2018〕20号 第7条: 新认定高新技术企业奖励 20 万元, 重新认定 10 万元 (policy_weihai/a/art_07/tests.yaml).
A07 = "A.07.hte_reward"
A07_FIRST, A07_RE = 200000, 100000
A_DOC = "威政发〔2018〕20号"


@pytest.fixture(autouse=True)
def immediate_queue(immediate_queue):
    """Every screening test runs queue tasks at once (the root conftest's fixture, made automatic here)."""
    yield
