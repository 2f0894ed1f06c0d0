#!/usr/bin/env python3
"""Spillover regression with a permutation null, as a careful NumPy/SciPy user would write it.

Model (Jones et al. 2017, Fig 3): for each analysis unit i (voted non-empty)
    voted_i = beta_b * nb_i + beta_f * nf_i + gamma_b * b_i + gamma_f * f_i + alpha_stratum(i) + e_i
where nb_i / nf_i count i's close friends (out-neighbours) with banner / feed, b_i / f_i are i's own
treatments, and the strata are (out-degree after dropping self-loops and duplicate edges) x vote2010.
Null: the graph is fixed, and the (banner, feed) pairs are permuted jointly over ALL nodes.

Two permutation engines, run on the same permutation stream (same seed, so the same null draws):
  loop     one permutation at a time: A @ banner_perm, A @ feed_perm (CSR x vector), stratum
           demeaning with np.bincount, 4x4 np.linalg.solve.
  batched  K permutations at a time: A @ V with V a dense N x K block (CSR x dense), where each
           column packs a permuted pair as banner + M*feed (M = power of two above the max degree;
           float32 when exact), so one sparse product gives both counts; stratum sums as a sparse indicator product,
           cross-products with einsum, K 4x4 systems with one batched np.linalg.solve.

Prints one JSON object on stdout; progress goes to stderr.

    python3 spillover_numpy.py --nodes DIR/nodes.csv --edges DIR/edges.csv --permutations 100 [--mode both]
"""
import argparse
import json
import math
import sys
import time

import numpy as np
import scipy.sparse as sp

try:
    import pandas as pd
except ImportError:  # pragma: no cover - fallback when pandas is missing
    pd = None

VOTE2010 = {"voted": 0, "abstained": 1, "unknown": 2}


def log(msg):
    print(msg, file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------------------------
# loading
# ----------------------------------------------------------------------------------------------
def read_nodes(path):
    if pd is not None:
        df = pd.read_csv(path, usecols=["id", "voted", "banner", "feed", "vote2010"],
                         dtype={"id": np.int64, "voted": np.float64, "banner": np.int8, "feed": np.int8,
                                "vote2010": "category"}, engine="c")
        codes = df["vote2010"].cat.categories
        lut = np.array([VOTE2010.get(str(c), -1) for c in codes], dtype=np.int8)
        v2010 = lut[df["vote2010"].cat.codes.to_numpy()]
        if (v2010 < 0).any():
            raise SystemExit(f"unknown vote2010 level in {path}: {sorted(set(codes) - set(VOTE2010))}")
        return (df["id"].to_numpy(), df["voted"].to_numpy(), df["banner"].to_numpy(),
                df["feed"].to_numpy(), v2010)
    import csv
    ids, voted, banner, feed, v2010 = [], [], [], [], []
    with open(path, newline="") as fh:
        r = csv.DictReader(fh)
        for row in r:
            ids.append(int(row["id"]))
            v = row["voted"]
            voted.append(float(v) if v != "" else math.nan)
            banner.append(int(row["banner"]))
            feed.append(int(row["feed"]))
            v2010.append(VOTE2010[row["vote2010"]])
    return (np.array(ids, np.int64), np.array(voted), np.array(banner, np.int8),
            np.array(feed, np.int8), np.array(v2010, np.int8))


def read_edges(path):
    if pd is not None:
        df = pd.read_csv(path, dtype={"src": np.int64, "dst": np.int64}, engine="c")
        return df["src"].to_numpy(), df["dst"].to_numpy()
    a = np.loadtxt(path, delimiter=",", skiprows=1, dtype=np.int64, ndmin=2)
    return a[:, 0], a[:, 1]


class Problem:
    """Everything that does not change across permutations."""

    def __init__(self, ids, voted, banner, feed, v2010, src_id, dst_id):
        n = ids.size
        # map ids to 0..n-1
        if np.array_equal(ids, np.arange(n)):
            src, dst = src_id, dst_id
        else:
            order = np.argsort(ids, kind="stable")
            sid = ids[order]
            if np.any(sid[1:] == sid[:-1]):
                raise SystemExit("duplicate node ids")
            def lookup(x):
                pos = np.searchsorted(sid, x)
                pos[pos >= n] = 0
                ok = sid[pos] == x
                return order[pos], ok
            src, ok1 = lookup(src_id)
            dst, ok2 = lookup(dst_id)
            ok = ok1 & ok2
            if not ok.all():
                log(f"warning: {int((~ok).sum())} edges name unknown ids; dropped")
                src, dst = src[ok], dst[ok]
        # drop self-loops and duplicate edges
        keep = src != dst
        key = np.unique(src[keep].astype(np.int64) * n + dst[keep])
        src = (key // n).astype(np.int64)
        dst = (key % n).astype(np.int32)
        self.edges_raw = int(src_id.size)
        self.edges = int(key.size)
        deg = np.bincount(src, minlength=n)
        indptr = np.zeros(n + 1, np.int64)
        np.cumsum(deg, out=indptr[1:])
        full = sp.csr_matrix((np.ones(key.size), dst, indptr), shape=(n, n))  # key is sorted by src

        units = np.flatnonzero(~np.isnan(voted))
        self.n = n
        self.units = units
        self.A = full[units]                       # U x N: rows are units, columns all nodes
        self.A.sort_indices()
        self.y = voted[units]
        # strata: out-degree x vote2010
        skey = deg[units].astype(np.int64) * 3 + v2010[units]
        _, self.strat = np.unique(skey, return_inverse=True)
        self.strat = self.strat.ravel()
        self.nstrata = int(self.strat.max()) + 1
        self.count = np.bincount(self.strat, minlength=self.nstrata).astype(np.float64)
        ymean = np.bincount(self.strat, weights=self.y, minlength=self.nstrata) / self.count
        self.yd = self.y - ymean[self.strat]       # demeaned outcome (fixed across permutations)
        self.banner = banner.astype(np.float64)
        self.feed = feed.astype(np.float64)
        self.maxdeg = int(deg.max()) if n else 0
        # indicator matrix G (S x U) for the batched stratum sums
        u = units.size
        self.G = sp.csr_matrix((np.ones(u), (self.strat, np.arange(u))), shape=(self.nstrata, u))

    # -- one permutation at a time ------------------------------------------------------------
    def fit(self, banner, feed):
        nb = self.A @ banner
        nf = self.A @ feed
        X = np.column_stack([nb, nf, banner[self.units], feed[self.units]])
        Xd = np.empty_like(X)
        for j in range(4):
            m = np.bincount(self.strat, weights=X[:, j], minlength=self.nstrata) / self.count
            Xd[:, j] = X[:, j] - m[self.strat]
        beta = np.linalg.solve(Xd.T @ Xd, Xd.T @ self.yd)
        return beta[0], beta[1]

    # -- K permutations at once -----------------------------------------------------------------
    def fit_batch(self, V, M):
        """V: N x K, column k = banner_k + M * feed_k; M a power of two above the largest degree, so the
        packed sums are exact integers and dividing by M is an exact multiplication."""
        A = self.A32 if V.dtype == np.float32 else self.A
        S = (A @ V).astype(np.float64, copy=False)  # U x K: nb + M * nf
        inv = 1.0 / M
        nf = np.floor(S * inv)
        nb = S - M * nf
        vu = V[self.units].astype(np.float64, copy=False)
        f = np.floor(vu * inv)
        b = vu - M * f
        X = (nb, nf, b, f)
        sums = [self.G @ x for x in X]               # S x K stratum sums
        K = V.shape[1]
        XtX = np.empty((K, 4, 4))
        for i in range(4):
            for j in range(i, 4):
                c = np.einsum("uk,uk->k", X[i], X[j]) - np.einsum("sk,sk->k", sums[i], sums[j] / self.count[:, None])
                XtX[:, i, j] = c
                XtX[:, j, i] = c
        Xty = np.stack([self.yd @ x for x in X], axis=1)   # K x 4 (yd is demeaned, so X'yd = Xd'yd)
        beta = np.linalg.solve(XtX, Xty[:, :, None])[:, :, 0]
        return beta[:, 0], beta[:, 1]


def summarize(obs, null):
    null = np.asarray(null)
    q = np.quantile(null, [0.005, 0.025, 0.5, 0.975, 0.995]) if null.size else [math.nan] * 5
    p = (1 + np.sum(np.abs(null) >= abs(obs))) / (null.size + 1)
    return q, float(p), float(null.mean()) if null.size else math.nan, float(null.std(ddof=1)) if null.size > 1 else math.nan


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--nodes", required=True)
    ap.add_argument("--edges", required=True)
    ap.add_argument("--permutations", "-B", type=int, default=100)
    ap.add_argument("--seed", type=int, default=20121106)
    ap.add_argument("--mode", choices=["both", "loop", "batched"], default="both")
    ap.add_argument("--batch", type=int, default=0, help="permutations per batch (0 = from --mem-gb, at most 16)")
    ap.add_argument("--mem-gb", type=float, default=4.0, help="memory for the dense batch blocks")
    ap.add_argument("--dump-null", help="write the null draws (banner, feed per row) of the reported engine here")
    a = ap.parse_args()
    B = a.permutations

    t0 = time.perf_counter()
    nodes = read_nodes(a.nodes)
    src, dst = read_edges(a.edges)
    t_read = time.perf_counter() - t0
    t1 = time.perf_counter()
    P = Problem(*nodes, src, dst)
    del nodes, src, dst
    t_prep = time.perf_counter() - t1
    load_s = time.perf_counter() - t0
    log(f"loaded: {P.n} nodes, {P.units.size} units, {P.edges} edges ({P.edges_raw} raw), {P.nstrata} strata, "
        f"read {t_read:.2f}s, prepare {t_prep:.2f}s")

    t0 = time.perf_counter()
    obs_b, obs_f = P.fit(P.banner, P.feed)
    observed_s = time.perf_counter() - t0
    log(f"observed: banner {obs_b:.10g} feed {obs_f:.10g} ({observed_s:.3f}s)")

    result = {"tool": "numpy", "nodes": P.n, "units": int(P.units.size), "edges": P.edges,
              "edges_raw": P.edges_raw, "strata": P.nstrata,
              "read_s": t_read, "prepare_s": t_prep, "load_s": load_s, "observed_s": observed_s,
              "permutations": B, "seed": a.seed, "banner": float(obs_b), "feed": float(obs_f)}

    runs = {}
    if a.mode in ("both", "loop") and B > 0:
        rng = np.random.default_rng(a.seed)
        nb_null, nf_null = np.empty(B), np.empty(B)
        t0 = time.perf_counter()
        for k in range(B):
            perm = rng.permutation(P.n)
            nb_null[k], nf_null[k] = P.fit(P.banner[perm], P.feed[perm])
        t = time.perf_counter() - t0
        runs["loop"] = (t, nb_null, nf_null)
        log(f"loop: {B} permutations in {t:.3f}s ({t / B:.4g}s each)")
    if a.mode in ("both", "batched") and B > 0:
        M = float(2 ** math.ceil(math.log2(P.maxdeg + 1)))
        # float32 is exact while every packed sum stays below 2^24; it halves the memory traffic
        dtype = np.float32 if M * M < 2 ** 24 else np.float64
        P.A32 = P.A.astype(np.float32)
        packed = (P.banner + M * P.feed).astype(dtype)
        K = a.batch or int(max(1, min(16, a.mem_gb * 1e9 / (4.0 * P.n + 72.0 * P.units.size))))
        K = min(K, B)
        rng = np.random.default_rng(a.seed)
        nb_null, nf_null = np.empty(B), np.empty(B)
        t0 = time.perf_counter()
        V = np.empty((P.n, K), dtype=dtype)
        for start in range(0, B, K):
            k = min(K, B - start)
            for j in range(k):
                V[:, j] = packed[rng.permutation(P.n)]
            nb_null[start:start + k], nf_null[start:start + k] = P.fit_batch(V[:, :k], M)
        t = time.perf_counter() - t0
        runs["batched"] = (t, nb_null, nf_null)
        result["batch"] = K
        result["batch_dtype"] = np.dtype(dtype).name
        log(f"batched (K={K}): {B} permutations in {t:.3f}s ({t / B:.4g}s each)")

    if runs:
        if len(runs) == 2:
            d = max(np.max(np.abs(runs["loop"][1] - runs["batched"][1])), np.max(np.abs(runs["loop"][2] - runs["batched"][2])))
            result["loop_vs_batched_max_abs_diff"] = float(d)
        for name, (t, _, _) in runs.items():
            result[f"{name}_per_permutation_s"] = t / B
        best = min(runs, key=lambda m: runs[m][0])
        t, nb_null, nf_null = runs[best]
        result["engine"] = best
        result["permutations_s"] = t
        result["per_permutation_s"] = t / B
        for name, obs, null in (("banner", obs_b, nb_null), ("feed", obs_f, nf_null)):
            q, p, mu, sd = summarize(obs, null)
            for tag, v in zip(("q005", "q025", "q500", "q975", "q995"), q):
                result[f"null_{name}_{tag}"] = float(v)
            result[f"null_{name}_mean"] = mu
            result[f"null_{name}_sd"] = sd
            result[f"p_{name}"] = p
        if a.dump_null:
            np.savetxt(a.dump_null, np.column_stack([nb_null, nf_null]), delimiter=",", header="banner,feed", comments="")
    print(json.dumps(result, indent=1))


if __name__ == "__main__":
    main()
