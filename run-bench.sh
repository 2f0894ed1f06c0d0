#!/usr/bin/env bash
# Benchmark driver: the engine's backends against the NumPy/SciPy and R peers on the same files.
# See bench/README.md for what every number means.
#
#   ./run-bench.sh [--sizes "100000 1000000 3000000 15060897"] [--permutations 1000] [--repeats 3]
#                  [--peers] [--backends "cpu opencl cuda"] [--out bench/results] [--project]
#
# more options:
#   --seed S                  simulation seed (default 1)
#   --numpy-permutations K    permutations for the NumPy peer (default min(B, 50))
#   --r-permutations K        permutations for the R peers (default 3)
#   --r-max-size N            skip the R peers above N nodes (default: no limit)
#   --peer-timeout S          seconds before a peer run is abandoned (default 10800)
#   --no-engine               do not build or run the engine (peers only)
#   --toy-data                make data with bench/peers/make_toy_data.py instead of `gpuinference simulate`
#   --no-install              never apt-get install missing peers
# environment:
#   GPUINFERENCE_BIN          a published gpuinference binary to use instead of building the CLI
#   PYTHON                    Python interpreter for the peers (default: first of python3, /usr/bin/python3 with numpy+scipy)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
cd "$ROOT"

SIZES="100000 1000000 3000000 15060897"
B=1000
REPEATS=3
PEERS=0
BACKENDS="cpu opencl cuda"
OUT="bench/results"
PROJECT=0
SEED=1
NP_B=""
R_B=3
R_MAX=0
PEER_TIMEOUT=10800
ENGINE=1
TOY=0
INSTALL=1
CMDLINE="$0 $*"

usage() { sed -n '2,25p' "$0" | sed 's/^# \{0,1\}//'; exit "${1:-0}"; }
while [[ $# -gt 0 ]]; do
  case "$1" in
    --sizes) SIZES="$2"; shift 2 ;;
    --permutations) B="$2"; shift 2 ;;
    --repeats) REPEATS="$2"; shift 2 ;;
    --peers) PEERS=1; shift ;;
    --backends) BACKENDS="$2"; shift 2 ;;
    --out) OUT="$2"; shift 2 ;;
    --project) PROJECT=1; shift ;;
    --seed) SEED="$2"; shift 2 ;;
    --numpy-permutations) NP_B="$2"; shift 2 ;;
    --r-permutations) R_B="$2"; shift 2 ;;
    --r-max-size) R_MAX="$2"; shift 2 ;;
    --peer-timeout) PEER_TIMEOUT="$2"; shift 2 ;;
    --no-engine) ENGINE=0; shift ;;
    --toy-data) TOY=1; shift ;;
    --no-install) INSTALL=0; shift ;;
    -h|--help) usage 0 ;;
    *) echo "unknown option: $1" >&2; usage 2 ;;
  esac
done
[[ -n "$NP_B" ]] || NP_B=$(( B < 50 ? B : 50 ))

STAMP="$(date -u +%Y%m%dT%H%M%SZ)"
RUN="$OUT/$STAMP"
mkdir -p "$RUN" bench/work
RUNS="$RUN/runs.jsonl"
NOTES="$RUN/notes.txt"
: > "$RUNS"; : > "$NOTES"
log() { echo "[$(date -u +%H:%M:%S)] $*" >&2; }
note() { echo "$*" >> "$NOTES"; log "note: $*"; }

TIME=/usr/bin/time
if ! "$TIME" -v true 2>/dev/null; then
  note "/usr/bin/time -v is not available: no wall/peak RSS figures"
  TIME=""
fi
timed() {  # timed TIMEFILE cmd... : run under /usr/bin/time -v, never fail the script
  local tf="$1"; shift
  if [[ -n "$TIME" ]]; then "$TIME" -v -o "$tf" "$@" || true
  else "$@" || true; fi
}

# ---------------------------------------------------------------------------------------------
# tools
# ---------------------------------------------------------------------------------------------
SYSPY=""
for cand in "${PYTHON:-}" python3 /usr/bin/python3; do
  [[ -n "$cand" ]] || continue
  if command -v "$cand" >/dev/null && "$cand" -c "import sys" 2>/dev/null; then SYSPY="$cand"; break; fi
done
[[ -n "$SYSPY" ]] || { echo "python3 is required" >&2; exit 1; }

as_root() { if [[ $(id -u) -eq 0 ]]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else return 1; fi; }
APT_UPDATED=0
apt_install() {
  [[ $INSTALL -eq 1 ]] || return 1
  command -v apt-get >/dev/null || return 1
  if [[ $APT_UPDATED -eq 0 ]]; then as_root apt-get update -qq || true; APT_UPDATED=1; fi
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >&2
}

PEERPY=""
HAVE_R=0
find_peerpy() {
  for cand in "${PYTHON:-}" python3 /usr/bin/python3; do
    [[ -n "$cand" ]] || continue
    if command -v "$cand" >/dev/null && "$cand" -c "import numpy, scipy.sparse" 2>/dev/null; then PEERPY="$cand"; return 0; fi
  done
  return 1
}
if [[ $TOY -eq 1 && $PEERS -eq 0 ]]; then
  find_peerpy || { apt_install python3-numpy python3-scipy || true; find_peerpy; } || { echo "--toy-data needs numpy" >&2; exit 1; }
fi
if [[ $PEERS -eq 1 ]]; then
  if ! find_peerpy; then
    log "installing python3-numpy python3-scipy python3-pandas"
    apt_install python3-numpy python3-scipy python3-pandas || true
    find_peerpy || note "numpy/scipy not available: NumPy peer skipped"
  fi
  [[ -z "$PEERPY" ]] || "$PEERPY" -c "import pandas" 2>/dev/null || note "pandas missing: NumPy peer reads CSV with the csv module (slower load)"
  r_ok() { command -v Rscript >/dev/null && Rscript -e 'suppressMessages({library(Matrix); library(estimatr)})' >/dev/null 2>&1; }
  if ! r_ok; then
    log "installing r-base-core r-cran-matrix r-cran-estimatr r-cran-data.table"
    apt_install r-base-core r-cran-matrix r-cran-estimatr r-cran-sandwich r-cran-data.table || true
  fi
  if r_ok; then HAVE_R=1; else note "R with Matrix and estimatr not available: R peers skipped"; fi
fi

GI=()
if [[ $ENGINE -eq 1 || $TOY -eq 0 ]]; then
  if [[ -n "${GPUINFERENCE_BIN:-}" ]]; then
    GI=("$GPUINFERENCE_BIN")
  else
    log "building the CLI (Release)"
    dotnet build src/GpuInference.Cli -c Release -nologo -v q >&2
    # The framework-dependent build of this very commit; a RID-specific folder left by an earlier publish
    # (bin/Release/net10.0/linux-x64) would otherwise be picked up and measure a stale binary.
    DLL="src/GpuInference.Cli/bin/Release/net10.0/gpuinference.dll"
    [[ -f "$DLL" ]] || { echo "$DLL not found after the build" >&2; exit 1; }
    GI=(dotnet "$DLL")
  fi
  log "engine: ${GI[*]}"
fi

# available backends
RUN_BACKENDS=()
if [[ $ENGINE -eq 1 ]]; then
  DEVICES="$("${GI[@]}" devices 2>&1 || true)"
  printf '%s\n' "$DEVICES" > "$RUN/devices.txt"
  for be in $BACKENDS; do
    if grep -qiw -- "$be" <<<"$DEVICES"; then RUN_BACKENDS+=("$be")
    elif [[ "$be" == cpu ]]; then RUN_BACKENDS+=("$be"); note "'devices' does not list cpu; running it anyway"
    else note "backend $be not listed by 'gpuinference devices': skipped"; fi
  done
fi

# ---------------------------------------------------------------------------------------------
# data, then every tool on it
# ---------------------------------------------------------------------------------------------
for N in $SIZES; do
  DATA="bench/work/$N"
  [[ $TOY -eq 0 ]] || DATA="bench/work/toy$N"
  if [[ -s "$DATA/nodes.csv" && -s "$DATA/edges.csv" ]]; then
    log "N=$N: reusing $DATA"
  else
    mkdir -p "$DATA"
    if [[ $TOY -eq 1 ]]; then
      "$PEERPY" bench/peers/make_toy_data.py --n "$N" --seed "$SEED" --out "$DATA" >&2
    else
      log "N=$N: simulating"
      "${GI[@]}" simulate --n "$N" --seed "$SEED" --out "$DATA" >&2
    fi
  fi
  EDGES=$(( $(wc -l < "$DATA/edges.csv") - 1 ))
  log "N=$N: $EDGES edges in file"
  CMP=()

  for be in "${RUN_BACKENDS[@]}"; do
    for rep in $(seq 1 "$REPEATS"); do
      D="$RUN/engine/$N/$be/r$rep"; mkdir -p "$D"
      log "N=$N: gpuinference $be, repeat $rep/$REPEATS"
      timed "$D/time.txt" "${GI[@]}" analyze --nodes "$DATA/nodes.csv" --edges "$DATA/edges.csv" \
        --permutations "$B" --backend "$be" --out "$D" > "$D/stdout.txt" 2> "$D/stderr.txt"
      REP="$D/report.json"
      [[ -f "$REP" ]] || REP="$(find "$D" -name report.json -print -quit 2>/dev/null || true)"
      [[ -n "$REP" && -f "$REP" ]] || { note "N=$N $be repeat $rep: no report.json (see $D/stderr.txt)"; REP="$D/report.json"; }
      "$SYSPY" bench/peers/report.py record --runs "$RUNS" --kind engine --tool "gpuinference-$be" --backend "$be" \
        --size "$N" --repeat "$rep" --permutations "$B" --edges-file "$EDGES" --output "$REP" --time "$D/time.txt"
      [[ $rep -ne 1 || ! -f "$REP" ]] || CMP+=("$REP")
    done
  done

  if [[ $PEERS -eq 1 && -n "$PEERPY" ]]; then
    # memory for the batched NumPy engine's dense blocks: a quarter of the available memory
    AVAIL_GB=$(awk '/MemAvailable/ {printf "%.1f", $2/1048576/4}' /proc/meminfo)
    for rep in $(seq 1 "$REPEATS"); do
      D="$RUN/peers/$N/numpy/r$rep"; mkdir -p "$D"
      log "N=$N: numpy peer, $NP_B permutations, repeat $rep/$REPEATS"
      timed "$D/time.txt" timeout "$PEER_TIMEOUT" "$PEERPY" bench/peers/spillover_numpy.py --nodes "$DATA/nodes.csv" \
        --edges "$DATA/edges.csv" --permutations "$NP_B" --mem-gb "$AVAIL_GB" > "$D/out.json" 2> "$D/stderr.txt"
      "$SYSPY" bench/peers/report.py record --runs "$RUNS" --kind numpy --tool numpy --size "$N" --repeat "$rep" \
        --edges-file "$EDGES" --output "$D/out.json" --time "$D/time.txt"
      [[ $rep -ne 1 || ! -s "$D/out.json" ]] || CMP+=("$D/out.json")
    done
  fi
  if [[ $PEERS -eq 1 && $HAVE_R -eq 1 ]]; then
    if [[ $R_MAX -gt 0 && $N -gt $R_MAX ]]; then
      note "N=$N: R peers skipped (--r-max-size $R_MAX)"
    else
      for rep in $(seq 1 "$REPEATS"); do
        D="$RUN/peers/$N/r/r$rep"; mkdir -p "$D"
        log "N=$N: R peers, $R_B permutations, repeat $rep/$REPEATS"
        timed "$D/time.txt" timeout "$PEER_TIMEOUT" Rscript bench/peers/spillover_r.R --nodes "$DATA/nodes.csv" \
          --edges "$DATA/edges.csv" --permutations "$R_B" > "$D/out.json" 2> "$D/stderr.txt"
        "$SYSPY" bench/peers/report.py record --runs "$RUNS" --kind r --tool r --size "$N" --repeat "$rep" \
          --edges-file "$EDGES" --output "$D/out.json" --time "$D/time.txt"
        [[ $rep -ne 1 || ! -s "$D/out.json" ]] || CMP+=("$D/out.json")
      done
    fi
  fi
  if [[ ${#CMP[@]} -ge 2 ]]; then
    if "$SYSPY" bench/peers/report.py compare "${CMP[@]}" > "$RUN/compare-$N.txt" 2>&1; then
      log "N=$N: observed coefficients agree ($(tail -n 1 "$RUN/compare-$N.txt"))"
    else
      note "N=$N: observed coefficients DISAGREE across tools, see compare-$N.txt"
    fi
  fi
done

# ---------------------------------------------------------------------------------------------
# metadata and report
# ---------------------------------------------------------------------------------------------
CPU="$(lscpu 2>/dev/null | sed -n 's/^Model name: *//p' | head -n 1)"
GPU="$(nvidia-smi --query-gpu=name,memory.total --format=csv,noheader 2>/dev/null | paste -sd ';' - || true)"
COMMIT="$(git rev-parse HEAD 2>/dev/null || echo unknown)"
DIRTY="$(git status --porcelain --untracked-files=no 2>/dev/null | wc -l)"
STAMP="$STAMP" CPU="$CPU" GPU="$GPU" COMMIT="$COMMIT" DIRTY="$DIRTY" CMDLINE="$CMDLINE" B="$B" REPEATS="$REPEATS" \
NP_B="$NP_B" R_B="$R_B" SIZES="$SIZES" NOTES="$NOTES" RUNDIR="$RUN" "$SYSPY" - <<'EOF'
import json, os
mem = 0
for line in open("/proc/meminfo"):
    if line.startswith("MemTotal:"):
        mem = int(line.split()[1]) / 1048576
e = os.environ
meta = {"timestamp": e["STAMP"], "command": e["CMDLINE"], "commit": e["COMMIT"] + (" (dirty)" if e["DIRTY"] != "0" else ""),
        "machine": {"cpu": e["CPU"] or "unknown", "cores": os.cpu_count(), "memory_gb": round(mem, 1), "gpu": e["GPU"] or None},
        "permutations": int(e["B"]), "repeats": int(e["REPEATS"]), "numpy_permutations": int(e["NP_B"]),
        "r_permutations": int(e["R_B"]), "sizes": [int(s) for s in e["SIZES"].split()],
        "notes": [l.strip() for l in open(e["NOTES"]) if l.strip()]}
json.dump(meta, open(os.path.join(e["RUNDIR"], "meta.json"), "w"), indent=1)
EOF
PROJ=()
[[ $PROJECT -eq 0 ]] || PROJ=(--project)
"$SYSPY" bench/peers/report.py report --dir "$RUN" "${PROJ[@]}" > /dev/null
log "results: $RUN/results.md, $RUN/results.json, $RUN/scaling.svg"
