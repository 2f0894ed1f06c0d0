#!/usr/bin/env bash
# One prepared run on a machine with an NVIDIA GPU, from a self-contained publish (no SDK needed there):
#
#   dotnet publish src/GpuInference.Cli -c Release -r linux-x64 --self-contained -p:PublishTrimmed=true -o publish
#   bench/device-check.sh publish OUTDIR            # N=15060897 B=1000 by default
#
# 1. selfcheck --compile: every kernel on the device against the managed CPU code, bit for bit, and compiled to PTX;
# 2. the paper preset (`analyze`) at paper scale on cuda and on cpu: timings, and null.csv compared byte for byte;
# 3. the general engine (`test --engine general`) with the paper's model and with the larger model (2 treatments,
#    4 exposures, 5 covariates, fixed effects) on cuda and cpu, nulls compared the same way.
# Every report lands in OUTDIR (the generated data are deleted at the end); summary.txt has one line per run.
set -euo pipefail
BIN=$1/gpuinference
OUT=${2:-device-check}
N=${N:-15060897}
B=${B:-1000}
mkdir -p "$OUT"
DATA=$(mktemp -d)
trap 'rm -rf "$DATA"' EXIT
log() { echo "$*" | tee -a "$OUT/summary.txt"; }
seconds() { python3 -c "import json,sys; t=json.load(open('$1/report.json'))['timings_seconds']; print(' '.join(f'{k}={v:.3f}' for k,v in t.items()))" 2>/dev/null || echo "(no report)"; }

(nvidia-smi || true) > "$OUT/nvidia-smi.txt" 2>&1
"$BIN" devices > "$OUT/devices.txt" 2>&1 || true
log "selfcheck: exit $("$BIN" selfcheck --compile > "$OUT/selfcheck.txt" 2>&1; echo $?)"

"$BIN" simulate --n "$N" --seed 1 --out "$DATA" > /dev/null
awk -F, 'BEGIN { OFS = ","; srand(7) }
  NR == 1 { print $0, "x1", "x2", "x3", "x4", "x5"; next }
  { print $0, int(rand() * 80) + 18, (rand() < 0.5), sprintf("%.3f", rand() * 3), int(rand() * 5), sprintf("%.2f", rand() * 100) }' \
  "$DATA/nodes.csv" > "$DATA/nodes5.csv"

paper="voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010"
big="voted ~ count(banner) + count(feed) + share(banner) + any(feed) + banner + feed + x1 + x2 + x3 + x4 + x5 | degree^vote2010"
for backend in cuda cpu; do
  start=$(date +%s%N)
  "$BIN" analyze --nodes "$DATA/nodes.csv" --edges "$DATA/edges.csv" --backend $backend --permutations "$B" --seed 42 \
    --out "$OUT/analyze-$backend" > "$OUT/analyze-$backend.log" 2>&1 || true
  log "analyze $backend B=$B wall_ms=$((($(date +%s%N) - start) / 1000000)) $(seconds "$OUT/analyze-$backend")"
  for model in paper big; do
    formula=$paper; [ $model = big ] && formula=$big
    start=$(date +%s%N)
    "$BIN" test --nodes "$DATA/nodes5.csv" --edges "$DATA/edges.csv" --model "$formula" --permute banner,feed --test "count(banner)" \
      --engine general --backend $backend --permutations "$B" --seed 5 --out "$OUT/test-$model-$backend" > "$OUT/test-$model-$backend.log" 2>&1 || true
    log "test $model $backend B=$B wall_ms=$((($(date +%s%N) - start) / 1000000)) $(seconds "$OUT/test-$model-$backend")"
  done
done
for run in analyze test-paper test-big; do
  if [ ! -f "$OUT/$run-cuda/null.csv" ] || [ ! -f "$OUT/$run-cpu/null.csv" ]; then log "$run: a run wrote no null.csv (see its .log)"
  elif cmp -s "$OUT/$run-cuda/null.csv" "$OUT/$run-cpu/null.csv"; then log "$run: null.csv identical on cuda and cpu"
  else log "$run: null.csv DIFFERS between cuda and cpu"; fi
done
