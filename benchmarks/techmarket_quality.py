"""Prints precision@5 and recall@10 of the technology market's matcher on the generated labelled set.

    .venv/bin/python benchmarks/techmarket_quality.py --achievements 3000 --needs 300
    .venv/bin/python benchmarks/techmarket_quality.py --experts   # and the expert matching (experts_quality.py)
"""

from __future__ import annotations

import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from techmarket.quality import measure  # noqa: E402

if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--achievements", type=int, default=3000)
    ap.add_argument("--needs", type=int, default=300)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--experts", action="store_true",
                    help="also the experts matched to needs on the hand-labelled set (benchmarks/experts_quality.py)")
    a = ap.parse_args()
    r = measure(a.achievements, a.needs, a.seed)
    print(f"labelled set: {r['needs']} needs × {r['achievements']} achievements "
          f"({r['mean_relevant']:.1f} relevant per need on average)")
    print(f"precision@5  {r['precision_at_5']:.3f}")
    print(f"recall@10    {r['recall_at_10']:.3f}")
    if a.experts:
        from benchmarks import experts_quality

        experts_quality.main()
