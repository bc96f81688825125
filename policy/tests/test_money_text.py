"""The 万元 figures of the explanations: the integer path of ``wan`` gives the decimal path's text."""

from __future__ import annotations

import random
from decimal import Decimal

import numpy as np

from policy.explain import _wan, wan


def test_whole_yuan_give_the_decimal_text():
    rng = random.Random(11)
    values = [1, 49, 50, 51, 99, 100, 149, 150, 5000, 9950, 9999, 10000, 10049, 10050, 123456, 200000, 1500000,
              25_475_500_000, 999_999_999_999_999]
    values += [rng.randrange(1, 10**12) for _ in range(5000)] + [rng.randrange(1, 10**6) * 50 for _ in range(2000)]
    for v in values:
        for x in (v, -v, float(v), float(-v), np.float64(v)):
            assert wan(x) == _wan(x), x


def test_fractions_of_a_yuan_give_the_decimal_text():
    rng = random.Random(12)
    values = [0.3, 49.99999, 50.0, 149.5, 149.99, 150.01, 6172.8, 1e-05, 123456.785, 99.99999999999999]
    values += [rng.uniform(0, 10**9) for _ in range(5000)] + [rng.randrange(1, 10**7) * 0.05 for _ in range(5000)]
    values += [rng.randrange(1, 10**6) * 100 + 49.5 + rng.random() for _ in range(2000)]
    for v in values:
        for x in (v, -v, np.float64(v)):
            assert wan(x) == _wan(x), x


def test_other_figures_keep_the_decimal_path():
    assert wan(0) == _wan(0) == "0 万元"
    assert wan(6172.8) == _wan(6172.8) == "0.62 万元"
    assert wan(Decimal("123456.78")) == _wan(Decimal("123456.78")) == "12.35 万元"
    assert wan(1e16) == _wan(1e16)
    assert wan(200000) == "20 万元" and wan(1_234_567) == "123.46 万元" and wan(1_230_000) == "123 万元"
    assert wan(1_200_000 + 5_000) == "120.5 万元"
