#!/usr/bin/env python3
"""Small synthetic data set in the format of `gpuinference simulate` (for testing the peers only).

nodes.csv: id,voted,banner,feed,vote2010,logged_in   (voted empty = in the graph, not an analysis unit)
edges.csv: src,dst                                    (dst is a close friend of src)

Ids are deliberately not 0..N-1, and the edge list contains a few self-loops and duplicate
edges, so that the peers' id mapping and edge cleaning are exercised.

    python3 make_toy_data.py --n 20000 --seed 1 --out bench/work/toy20000
"""
import argparse
import os

import numpy as np


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--n", type=int, required=True)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--out", required=True)
    ap.add_argument("--mean-friends", type=float, default=5.0)
    ap.add_argument("--unit-share", type=float, default=0.8, help="share of nodes with an outcome")
    a = ap.parse_args()

    rng = np.random.default_rng(a.seed)
    n = a.n
    ids = 1000 + 3 * rng.permutation(n).astype(np.int64)  # non-contiguous, shuffled ids

    # 2x2 design, heavily treated as in the 2012 experiment
    cell = rng.choice(4, size=n, p=[0.01, 0.015, 0.015, 0.96])  # 0 neither, 1 banner, 2 feed, 3 both
    banner = ((cell == 1) | (cell == 3)).astype(np.int8)
    feed = ((cell == 2) | (cell == 3)).astype(np.int8)
    v2010 = rng.choice(3, size=n, p=[0.55, 0.25, 0.20])
    v2010_names = np.array(["voted", "abstained", "unknown"])
    logged_in = rng.binomial(1, 0.67, size=n).astype(np.int8)

    # out-degree ~ Poisson(mean), targets uniform (no structure needed for testing)
    deg = rng.poisson(a.mean_friends, size=n)
    src = np.repeat(np.arange(n), deg)
    dst = rng.integers(0, n, size=src.size)
    # sprinkle self-loops and duplicates
    k = max(1, src.size // 200)
    pick = rng.integers(0, src.size, size=k)
    src = np.concatenate([src, src[pick], src[pick[: k // 2]]])
    dst = np.concatenate([dst, dst[pick], src[pick[: k // 2]]])

    nb = np.bincount(src, weights=banner[dst], minlength=n)
    nf = np.bincount(src, weights=feed[dst], minlength=n)
    base = np.array([0.80, 0.45, 0.60])[v2010]
    p = np.clip(base + 0.004 * banner + 0.002 * feed + 0.002 * nb + 0.0 * nf, 0, 1)
    voted = rng.binomial(1, p)
    is_unit = rng.random(n) < a.unit_share

    os.makedirs(a.out, exist_ok=True)
    with open(os.path.join(a.out, "nodes.csv"), "w") as fh:
        fh.write("id,voted,banner,feed,vote2010,logged_in\n")
        vs = np.where(is_unit, voted.astype(str), "")
        rows = (f"{i},{v},{b},{f},{w},{l}\n" for i, v, b, f, w, l in
                zip(ids.tolist(), vs.tolist(), banner.tolist(), feed.tolist(), v2010_names[v2010].tolist(), logged_in.tolist()))
        fh.writelines(rows)
    order = rng.permutation(src.size)
    with open(os.path.join(a.out, "edges.csv"), "w") as fh:
        fh.write("src,dst\n")
        fh.writelines(f"{s},{d}\n" for s, d in zip(ids[src[order]].tolist(), ids[dst[order]].tolist()))
    print(f"wrote {n} nodes, {src.size} edges to {a.out}")


if __name__ == "__main__":
    main()
