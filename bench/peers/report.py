#!/usr/bin/env python3
"""Bench bookkeeping for run-bench.sh (standard library only).

  report.py record  --runs RUNS.jsonl --tool T --size N --repeat R --output OUT.json [--time TIME.txt] ...
        turn one tool run (a peer's JSON on stdout or the engine's report.json, plus the /usr/bin/time -v
        log) into records appended to RUNS.jsonl
  report.py report  --dir RESULTS_DIR [--project]
        RESULTS_DIR/runs.jsonl + meta.json -> results.json, results.md, scaling.svg
  report.py compare A.json B.json [...] [--tol 1e-10]
        observed spillover coefficients of peers (top-level banner/feed) and engine reports
        (spillover.banner.estimate); exit 1 when two differ by more than tol
"""
import argparse
import json
import math
import os
import re
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import floor as floormod  # noqa: E402

PROJECT_NODES = 250_000_000
PROJECT_EDGES = 1_250_000_000
PROJECT_PERMUTATIONS = 1000
PEERS = ("numpy", "r-fast", "r-estimatr")


# ----------------------------------------------------------------------------------------------
# record
# ----------------------------------------------------------------------------------------------
def parse_time_v(path):
    out = {}
    if not path or not os.path.exists(path):
        return out
    txt = open(path, errors="replace").read()
    m = re.search(r"Maximum resident set size \(kbytes\): (\d+)", txt)
    if m:
        out["peak_rss_mb"] = int(m.group(1)) / 1024.0
    m = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): ([\d:.]+)", txt)
    if m:
        parts = [float(p) for p in m.group(1).split(":")]
        s = 0.0
        for p in parts:
            s = s * 60 + p
        out["wall_s"] = s
    m = re.search(r"Exit status: (\d+)", txt)
    if m:
        out["exit_status"] = int(m.group(1))
    return out


def dig(d, *keys):
    for k in keys:
        if not isinstance(d, dict) or k not in d:
            return None
        d = d[k]
    return d


def cmd_record(a):
    base = {"size": a.size, "repeat": a.repeat, "edges_file": a.edges_file}
    base.update(parse_time_v(a.time))
    recs = []
    data = None
    if a.output and os.path.exists(a.output) and os.path.getsize(a.output) > 0:
        try:
            data = json.load(open(a.output))
        except ValueError as e:
            print(f"record: {a.output}: not JSON ({e})", file=sys.stderr)
    if data is None:
        recs.append(dict(base, tool=a.tool, failed=True))
    elif a.kind == "engine":
        t = data.get("timings", {}) or {}
        # The engine writes per-phase seconds under timings_seconds (load, direct, observed, permutations).
        for phase, seconds in (data.get("timings_seconds") or {}).items():
            t.setdefault(f"{phase}_s", seconds)
        r = dict(base, tool=a.tool, backend=a.backend, permutations=a.permutations)
        for k in ("load_s", "observed_s", "permutations_s", "per_permutation_s"):
            if isinstance(t.get(k), (int, float)):
                r[k] = float(t[k])
        if "per_permutation_s" not in r and "permutations_s" in r and a.permutations:
            r["per_permutation_s"] = r["permutations_s"] / a.permutations
        r["banner"] = dig(data, "spillover", "banner", "estimate")
        r["feed"] = dig(data, "spillover", "feed", "estimate")
        recs.append(r)
    elif a.kind == "numpy":
        r = dict(base, tool="numpy")
        for k in ("load_s", "read_s", "prepare_s", "observed_s", "permutations", "permutations_s", "per_permutation_s",
                  "banner", "feed", "engine", "batch", "loop_per_permutation_s", "batched_per_permutation_s",
                  "nodes", "units", "edges"):
            if k in data:
                r[k] = data[k]
        recs.append(r)
    elif a.kind == "r":
        for eng in ("fast", "estimatr"):
            if f"{eng}_per_permutation_s" not in data:
                continue
            r = dict(base, tool=f"r-{eng}")
            for k in ("load_s", "read_s", "prepare_s", "nodes", "units", "edges"):
                if k in data:
                    r[k] = data[k]
            r["observed_s"] = data.get(f"{eng}_observed_s")
            r["permutations"] = data.get(f"{eng}_permutations")
            r["per_permutation_s"] = data.get(f"{eng}_per_permutation_s")
            if r["per_permutation_s"] is not None and r["permutations"]:
                r["permutations_s"] = r["per_permutation_s"] * r["permutations"]
            r["banner"] = data.get(f"{eng}_banner")
            r["feed"] = data.get(f"{eng}_feed")
            recs.append(r)
    with open(a.runs, "a") as fh:
        for r in recs:
            fh.write(json.dumps(r) + "\n")


# ----------------------------------------------------------------------------------------------
# compare
# ----------------------------------------------------------------------------------------------
def coefs(path):
    d = json.load(open(path))
    b, f = d.get("banner"), d.get("feed")
    if not isinstance(b, (int, float)):
        b, f = dig(d, "spillover", "banner", "estimate"), dig(d, "spillover", "feed", "estimate")
    return b, f


def cmd_compare(a):
    vals = [(p, *coefs(p)) for p in a.files]
    worst = 0.0
    for p, b, f in vals:
        print(f"{p}: banner {b!r} feed {f!r}")
    for i in range(len(vals)):
        for j in range(i + 1, len(vals)):
            d = max(abs(vals[i][1] - vals[j][1]), abs(vals[i][2] - vals[j][2]))
            worst = max(worst, d)
            print(f"max |diff| {vals[i][0]} vs {vals[j][0]}: {d:.3g}")
    ok = worst <= a.tol
    print(("agree" if ok else "DISAGREE") + f" (tolerance {a.tol:g})")
    sys.exit(0 if ok else 1)


# ----------------------------------------------------------------------------------------------
# report
# ----------------------------------------------------------------------------------------------
def med(xs):
    xs = [x for x in xs if isinstance(x, (int, float)) and not math.isnan(x)]
    return statistics.median(xs) if xs else None


def fmt(x, digits=3):
    if x is None:
        return "–"
    if x == 0:
        return "0"
    if abs(x) >= 1000:
        return f"{x:,.0f}"
    return f"{x:.{digits}g}"


def aggregate(runs, B):
    groups = {}
    for r in runs:
        groups.setdefault((r["size"], r["tool"]), []).append(r)
    out = []
    for (size, tool), rs in sorted(groups.items(), key=lambda kv: (kv[0][0], kv[0][1])):
        ok = [r for r in rs if not r.get("failed") and r.get("exit_status", 0) == 0]
        row = {"size": size, "tool": tool, "repeats": len(ok), "failed": len(rs) - len(ok)}
        for k in ("load_s", "observed_s", "permutations_s", "per_permutation_s", "wall_s", "peak_rss_mb"):
            row[k] = med([r.get(k) for r in ok])
        for k in ("permutations", "edges_file", "edges", "units", "nodes", "banner", "feed", "engine", "backend", "batch"):
            v = next((r.get(k) for r in ok if r.get(k) is not None), None)
            if v is not None:
                row[k] = v
        if row["per_permutation_s"] is not None:
            row["total_s"] = (row["load_s"] or 0) + (row["observed_s"] or 0) + B * row["per_permutation_s"]
            row["total_extrapolated"] = row.get("permutations") != B
        else:
            row["total_s"] = None
        out.append(row)
    return out


def fit_line(xs, ys):
    """Least squares y = a + c x; falls back to a line through the origin."""
    n = len(xs)
    if n >= 2:
        mx, my = sum(xs) / n, sum(ys) / n
        sxx = sum((x - mx) ** 2 for x in xs)
        if sxx > 0:
            c = sum((x - mx) * (y - my) for x, y in zip(xs, ys)) / sxx
            a0 = my - c * mx
            if c > 0:
                return a0, c
    c = sum(y for y in ys) / sum(xs)
    return 0.0, c


def projection(rows, tools, largest=3):
    proj = {}
    for tool in tools:
        pts = sorted((r["edges_file"], r) for r in rows if r["tool"] == tool and r.get("per_permutation_s") and r.get("edges_file"))
        pts = pts[-largest:]
        if not pts:
            continue
        E = [p[0] for p in pts]
        a0, c = fit_line(E, [p[1]["per_permutation_s"] for p in pts])
        per_perm = a0 + c * PROJECT_EDGES
        la, lc = fit_line(E, [p[1]["load_s"] or 0 for p in pts])
        load = la + lc * PROJECT_EDGES
        rss = [p[1].get("peak_rss_mb") for p in pts]
        if all(isinstance(x, (int, float)) for x in rss):
            ra, rc = fit_line(E, rss)
            rss_p = ra + rc * PROJECT_EDGES
        else:
            rss_p = None
        proj[tool] = {"fit_sizes": [p[1]["size"] for p in pts], "intercept_s": a0,
                      "per_edge_per_permutation_ns": c * 1e9,
                      "per_permutation_s": per_perm, "permutations_s": per_perm * PROJECT_PERMUTATIONS,
                      "load_s": load, "total_s": load + per_perm * PROJECT_PERMUTATIONS, "peak_rss_gb": rss_p / 1024 if rss_p else None}
    return proj


def gpu_floor(row, B, bw):
    E = row.get("edges") or row.get("edges_file")
    U = row.get("units") or row["size"]
    N = row.get("nodes") or row["size"]
    return floormod.floor_seconds(U, E, N, B, bw)


def floor_gpu(meta):
    """Bandwidth the GPU timings are compared against: H200 when the machine has one, else H100; None without a GPU
    (OpenCL then runs on the CPU, and a ratio to a GPU's floor would mean nothing)."""
    gpu = str((meta.get("machine") or {}).get("gpu") or "")
    if not gpu.strip():
        return None
    return ("H200", floormod.BANDWIDTH["h200"]) if "H200" in gpu.upper() else ("H100", floormod.BANDWIDTH["h100"])


def svg_plot(rows, tools, path, B, fl=("H100", floormod.BANDWIDTH["h100"])):
    W, H, L, R, T, Bm = 760, 500, 80, 190, 30, 60
    series = {}
    for r in rows:
        if r.get("permutations_s") and r.get("edges_file") and r.get("permutations"):
            series.setdefault(r["tool"], []).append((r["edges_file"] * r["permutations"], r["permutations_s"]))
    gpu_rows = [r for r in rows if str(r["tool"]).endswith(("cuda", "opencl")) and r.get("edges_file")]
    if gpu_rows and fl:
        series[f"{fl[0]} floor"] = sorted({(r["edges_file"] * B, gpu_floor(r, B, fl[1])) for r in gpu_rows})
    pts = [p for s in series.values() for p in s if p[0] > 0 and p[1] > 0]
    if not pts:
        open(path, "w").write('<svg xmlns="http://www.w3.org/2000/svg" width="400" height="40"><text x="10" y="25">no data</text></svg>\n')
        return
    x0, x1 = math.floor(math.log10(min(p[0] for p in pts))), math.ceil(math.log10(max(p[0] for p in pts)))
    y0, y1 = math.floor(math.log10(min(p[1] for p in pts))), math.ceil(math.log10(max(p[1] for p in pts)))
    x1, y1 = max(x1, x0 + 1), max(y1, y0 + 1)
    pw, ph = W - L - R, H - T - Bm
    X = lambda v: L + (math.log10(v) - x0) / (x1 - x0) * pw
    Y = lambda v: T + ph - (math.log10(v) - y0) / (y1 - y0) * ph
    colors = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf", "#7f7f7f"]
    o = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{W}" height="{H}" font-family="sans-serif" font-size="12">',
         f'<rect width="{W}" height="{H}" fill="white"/>',
         f'<rect x="{L}" y="{T}" width="{pw}" height="{ph}" fill="none" stroke="black"/>']
    for e in range(x0, x1 + 1):
        x = X(10 ** e)
        o.append(f'<line x1="{x:.1f}" y1="{T}" x2="{x:.1f}" y2="{T + ph}" stroke="#ddd"/>')
        o.append(f'<text x="{x:.1f}" y="{T + ph + 18}" text-anchor="middle">10<tspan dy="-6" font-size="9">{e}</tspan></text>')
    for e in range(y0, y1 + 1):
        y = Y(10 ** e)
        o.append(f'<line x1="{L}" y1="{y:.1f}" x2="{L + pw}" y2="{y:.1f}" stroke="#ddd"/>')
        o.append(f'<text x="{L - 6}" y="{y + 4:.1f}" text-anchor="end">10<tspan dy="-6" font-size="9">{e}</tspan></text>')
    o.append(f'<text x="{L + pw / 2}" y="{H - 15}" text-anchor="middle">edges × permutations (as run)</text>')
    o.append(f'<text transform="translate(20,{T + ph / 2}) rotate(-90)" text-anchor="middle">permutation time (s), log scale</text>')
    for i, (tool, s) in enumerate(sorted(series.items(), key=lambda kv: (kv[0].endswith(" floor"), kv[0]))):
        c = "#000" if tool.endswith(" floor") else colors[i % len(colors)]
        dash = ' stroke-dasharray="5,4"' if tool.endswith(" floor") else ""
        s = sorted(p for p in s if p[0] > 0 and p[1] > 0)
        o.append(f'<polyline fill="none" stroke="{c}" stroke-width="2"{dash} points="' +
                 " ".join(f"{X(x):.1f},{Y(y):.1f}" for x, y in s) + '"/>')
        for x, y in s:
            o.append(f'<circle cx="{X(x):.1f}" cy="{Y(y):.1f}" r="3.5" fill="{c}"/>')
        ly = T + 10 + 20 * i
        o.append(f'<line x1="{L + pw + 15}" y1="{ly}" x2="{L + pw + 40}" y2="{ly}" stroke="{c}" stroke-width="2"{dash}/>')
        o.append(f'<text x="{L + pw + 46}" y="{ly + 4}">{tool}</text>')
    o.append("</svg>")
    open(path, "w").write("\n".join(o) + "\n")


def cmd_report(a):
    d = a.dir
    meta = json.load(open(os.path.join(d, "meta.json")))
    B = meta["permutations"]
    runs = [json.loads(l) for l in open(os.path.join(d, "runs.jsonl")) if l.strip()] if os.path.exists(os.path.join(d, "runs.jsonl")) else []
    rows = aggregate(runs, B)
    tools = sorted({r["tool"] for r in rows}, key=lambda t: (t in PEERS, t))
    engines = [t for t in tools if t not in PEERS]
    peers = [t for t in PEERS if t in tools]
    res = dict(meta, results=rows)
    if a.project:
        res["projection"] = {"nodes": PROJECT_NODES, "edges": PROJECT_EDGES, "permutations": PROJECT_PERMUTATIONS,
                             "tools": projection(rows, tools),
                             "floor_s": {k: floormod.floor_seconds(PROJECT_NODES, PROJECT_EDGES, PROJECT_NODES, PROJECT_PERMUTATIONS, bw)
                                         for k, bw in floormod.BANDWIDTH.items()}}
    json.dump(res, open(os.path.join(d, "results.json"), "w"), indent=1)
    fl = floor_gpu(meta)
    svg_plot(rows, tools, os.path.join(d, "scaling.svg"), B, fl)

    m = meta.get("machine", {})
    L = [f"# Benchmark {meta.get('timestamp', '')}", "",
         f"- machine: {m.get('cpu', '?')}, {m.get('cores', '?')} cores, {m.get('memory_gb', '?')} GB; GPU: {m.get('gpu') or 'none'}",
         f"- commit: `{meta.get('commit', '?')}`", f"- command: `{meta.get('command', '')}`",
         f"- permutations B = {B}; repeats = {meta.get('repeats')}; peers run with B = {meta.get('numpy_permutations')} (numpy), "
         f"{meta.get('r_permutations')} (R); their totals for B are extrapolated: load + observed + B × per-permutation.",
         "- all times in seconds, medians over repeats; peak RSS from `/usr/bin/time -v`.", ""]
    if meta.get("notes"):
        L += ["Notes:", ""] + [f"- {n}" for n in meta["notes"]] + [""]
    sizes = sorted({r["size"] for r in rows})
    for size in sizes:
        rs = {r["tool"]: r for r in rows if r["size"] == size}
        any_r = next(iter(rs.values()))
        L.append(f"## N = {size:,} nodes, {fmt(any_r.get('edges_file'))} edges in file")
        L.append("")
        hdr = ["tool", "load", "observed", "per permutation", f"total (B={B})", "wall (as run)", "peak RSS MB"]
        hdr += [f"per-perm speedup vs {p}" for p in peers] + [f"total ratio vs {p}" for p in peers] + [f"× {fl[0] if fl else 'GPU'} floor"]
        L.append("| " + " | ".join(hdr) + " |")
        L.append("|" + "---|" * len(hdr))
        for t in tools:
            r = rs.get(t)
            if r is None:
                continue
            if r.get("per_permutation_s") is None:
                L.append(f"| {t} | failed ({r['failed']} of {r['failed'] + r['repeats']} runs) |" + " |" * (len(hdr) - 2))
                continue
            cells = [t + (f" ({r['engine']})" if r.get("engine") else ""), fmt(r["load_s"]), fmt(r["observed_s"]), fmt(r["per_permutation_s"]),
                     fmt(r["total_s"]) + ("*" if r.get("total_extrapolated") else ""), fmt(r.get("wall_s")), fmt(r.get("peak_rss_mb"))]
            for p in peers:
                pr = rs.get(p)
                cells.append(fmt(pr["per_permutation_s"] / r["per_permutation_s"]) + "×" if pr and pr.get("per_permutation_s") and t not in PEERS else "–")
            for p in peers:
                pr = rs.get(p)
                cells.append(fmt(pr["total_s"] / r["total_s"]) + "×" if pr and pr.get("total_s") and r.get("total_s") and t not in PEERS else "–")
            if fl and t.endswith(("cuda", "opencl")) and r.get("permutations_s"):
                fs = gpu_floor(r, r.get("permutations") or B, fl[1])
                cells.append(fmt(r["permutations_s"] / fs) + "×")
            else:
                cells.append("–")
            L.append("| " + " | ".join(cells) + " |")
        coef = [(t, r.get("banner"), r.get("feed")) for t, r in rs.items() if isinstance(r.get("banner"), (int, float))]
        if len(coef) >= 2:
            dmax = max(max(abs(x[1] - y[1]), abs(x[2] - y[2])) for x in coef for y in coef)
            L += ["", f"Observed coefficients agree across {len(coef)} tools to {dmax:.2g} "
                      f"(banner {coef[0][1]:.6g}, feed {coef[0][2]:.6g})."]
        L.append("")
    L += ["`*` extrapolated from fewer permutations.", "",
          "![scaling](scaling.svg)", ""]
    if a.project:
        p = res["projection"]
        L += [f"## Projection: {p['nodes']:.2g} nodes, {p['edges']:.3g} edges, {p['permutations']} permutations", "",
              "Per-permutation time fitted as a + c·E by least squares on each tool's largest measured sizes "
              "(at most 3), then evaluated at the projected edge count; load and peak RSS likewise linear in E.", "",
              "| tool | fitted sizes | c (ns per edge per permutation) | a (s) | permutations (s) | load (s) | total | peak RSS GB |",
              "|---|---|---|---|---|---|---|---|"]
        for t, q in p["tools"].items():
            L.append(f"| {t} | {', '.join(f'{s:,}' for s in q['fit_sizes'])} | {fmt(q['per_edge_per_permutation_ns'])} | {fmt(q['intercept_s'])} | "
                     f"{fmt(q['permutations_s'])} | {fmt(q['load_s'])} | {human(q['total_s'])} | {fmt(q['peak_rss_gb'])} |")
        L += ["", "Memory-traffic floor at that scale: " + ", ".join(f"{k.upper()} {v:.3g} s" for k, v in p["floor_s"].items()), ""]
    open(os.path.join(d, "results.md"), "w").write("\n".join(L))
    print("\n".join(L))


def human(s):
    if s is None:
        return "–"
    if s < 120:
        return f"{s:.3g} s"
    if s < 7200:
        return f"{s / 60:.3g} min"
    if s < 172800:
        return f"{s / 3600:.3g} h"
    return f"{s / 86400:.3g} days"


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="cmd", required=True)
    r = sub.add_parser("record")
    r.add_argument("--runs", required=True)
    r.add_argument("--kind", choices=["engine", "numpy", "r"], required=True)
    r.add_argument("--tool", required=True)
    r.add_argument("--backend")
    r.add_argument("--size", type=int, required=True)
    r.add_argument("--repeat", type=int, default=1)
    r.add_argument("--permutations", type=int)
    r.add_argument("--edges-file", type=int)
    r.add_argument("--output", required=True)
    r.add_argument("--time")
    p = sub.add_parser("report")
    p.add_argument("--dir", required=True)
    p.add_argument("--project", action="store_true")
    c = sub.add_parser("compare")
    c.add_argument("files", nargs="+")
    c.add_argument("--tol", type=float, default=1e-10)
    a = ap.parse_args()
    {"record": cmd_record, "report": cmd_report, "compare": cmd_compare}[a.cmd](a)


if __name__ == "__main__":
    main()
