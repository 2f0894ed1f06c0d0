#!/usr/bin/env python3
"""Memory-traffic floor for the GPU permutation kernel.

One batch evaluates 64 permutations at once (one bit per permutation in a 64-bit word). Per batch the
kernel must at least move:

    CSR read            8 B x (U + 1) row offsets  +  4 B x E column indices
    neighbour gathers   2 x 8 B x E                 (the friend's bit-sliced banner and feed words)
    assignment words    2 x 8 B x N written         (bit-sliced banner/feed words of every node)
                      + 2 x 8 B x U read            (each unit's own words)

    batches       = ceil(B / 64)
    floor_seconds = batches x bytes_per_batch / bandwidth

U = analysis units (rows of the CSR), N = all nodes whose treatment is permuted (N >= U),
E = close-friend edges. Outcome/stratum reads and the per-batch reductions are left out: they are
O(U) and small next to the gathers. No cache reuse is assumed for the gathers (the node words of a
paper-scale problem, 16 B x N = 240 MB, do not fit in L2).

    python3 floor.py                                  # paper scale, H100 and H200
    python3 floor.py --units 1000000 --edges 5000000 --permutations 1000 --json
"""
import argparse
import json
import math

BANDWIDTH = {"h100": 3.35e12, "h200": 4.8e12}   # bytes/s, HBM3 / HBM3e peak
PAPER_UNITS = 15_060_897
PAPER_EDGES = 75_000_000


def floor_bytes(units, edges, nodes=None, permutations=1000, word_bits=64):
    nodes = units if nodes is None else nodes
    per_batch = {
        "csr_row_offsets": 8 * (units + 1),
        "csr_columns": 4 * edges,
        "neighbour_words": 2 * 8 * edges,
        "assignment_words": 2 * 8 * nodes + 2 * 8 * units,
    }
    batches = math.ceil(permutations / word_bits)
    total_batch = sum(per_batch.values())
    return {"units": units, "nodes": nodes, "edges": edges, "permutations": permutations,
            "batches": batches, "bytes_per_batch": per_batch, "bytes_per_batch_total": total_batch,
            "bytes_total": total_batch * batches}


def floor_seconds(units, edges, nodes=None, permutations=1000, bandwidth=BANDWIDTH["h100"]):
    return floor_bytes(units, edges, nodes, permutations)["bytes_total"] / bandwidth


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--units", type=int, default=PAPER_UNITS)
    ap.add_argument("--nodes", type=int, default=None, help="all permuted nodes (default = units)")
    ap.add_argument("--edges", type=int, default=PAPER_EDGES)
    ap.add_argument("--permutations", type=int, default=1000)
    ap.add_argument("--bandwidth", type=float, action="append",
                    help="bytes/s (repeatable); default: H100 3.35e12 and H200 4.8e12")
    ap.add_argument("--json", action="store_true")
    a = ap.parse_args()
    f = floor_bytes(a.units, a.edges, a.nodes, a.permutations)
    bws = {f"{bw:.3g} B/s": bw for bw in a.bandwidth} if a.bandwidth else {
        "H100 (3.35 TB/s)": BANDWIDTH["h100"], "H200 (4.8 TB/s)": BANDWIDTH["h200"]}
    f["floor_seconds"] = {k: f["bytes_total"] / bw for k, bw in bws.items()}
    if a.json:
        print(json.dumps(f, indent=1))
        return
    print(f"U = {f['units']:,} units, N = {f['nodes']:,} nodes, E = {f['edges']:,} edges, "
          f"B = {f['permutations']} permutations -> {f['batches']} batches of 64")
    for k, v in f["bytes_per_batch"].items():
        print(f"  {k:<18} {v / 1e6:12.1f} MB per batch")
    print(f"  {'total':<18} {f['bytes_per_batch_total'] / 1e6:12.1f} MB per batch, "
          f"{f['bytes_total'] / 1e9:.2f} GB for all batches")
    for k, s in f["floor_seconds"].items():
        print(f"  floor on {k}: {s * 1e3:.2f} ms  ({s / f['permutations'] * 1e6:.2f} us per permutation)")


if __name__ == "__main__":
    main()
