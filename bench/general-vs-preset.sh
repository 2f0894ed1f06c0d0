#!/usr/bin/env bash
# The general engine (`test`) against the paper preset (`analyze`) at N = 10^6, permutation phase only, same run,
# alternating. Prints one line per repeat; bench/RESULTS.md records the medians and ratios.
#
#   bench/general-vs-preset.sh [DIR] [B] [REPEATS]
#
# DIR holds nodes.csv and edges.csv from `gpuinference simulate --n 1000000 --seed 3 [--local-share 0]`; the script
# adds five covariates (nodes5.csv) for the larger model. Set GPUINFERENCE_BIN to a published binary to use it.
set -euo pipefail
DIR=${1:-/tmp/bench1m}
B=${2:-256}
REPEATS=${3:-3}
BIN=${GPUINFERENCE_BIN:-"dotnet $(dirname "$0")/../src/GpuInference.Cli/bin/Release/net10.0/gpuinference.dll"}
OUT=$(mktemp -d)
trap 'rm -rf "$OUT"' EXIT

[ -f "$DIR/nodes5.csv" ] || awk -F, 'BEGIN { OFS = ","; srand(7) }
  NR == 1 { print $0, "x1", "x2", "x3", "x4", "x5"; next }
  { print $0, int(rand() * 80) + 18, (rand() < 0.5), sprintf("%.3f", rand() * 3), int(rand() * 5), sprintf("%.2f", rand() * 100) }' \
  "$DIR/nodes.csv" > "$DIR/nodes5.csv"

paper="voted ~ count(banner) + count(feed) + banner + feed | degree^vote2010"
big="voted ~ count(banner) + count(feed) + share(banner) + any(feed) + banner + feed + x1 + x2 + x3 + x4 + x5 | degree^vote2010"
seconds() { python3 -c "import json; print(round(json.load(open('$1/report.json'))['timings_seconds']['permutations'], 3))"; }
# --engine general: the paper's model with one tested coefficient would otherwise run on the preset's own kernels.
general() { # name, model, extra options
  $BIN test --nodes "$DIR/nodes5.csv" --edges "$DIR/edges.csv" --model "$2" --permute banner,feed --permutations "$B" --seed 5 \
    --backend cpu --engine general ${3:-} --out "$OUT/$1" > /dev/null
  seconds "$OUT/$1"
}

# Per model: one tested coefficient; the default run (every moving term and their joint Wald statistic, weighted by
# the observed fit's HC2 covariance); and --statistic t (t statistics and the Wald, HC2 recomputed in every permutation).
for r in $(seq "$REPEATS"); do
  $BIN analyze --nodes "$DIR/nodes.csv" --edges "$DIR/edges.csv" --backend cpu --permutations "$B" --seed 5 --out "$OUT/preset" > /dev/null
  preset=$(seconds "$OUT/preset")
  paper_coef=$(general paper-coef "$paper" "--test count(banner)")
  paper_default=$(general paper-default "$paper")
  paper_t=$(general paper-t "$paper" "--statistic t")
  big_coef=$(general big-coef "$big" "--test count(banner)")
  big_default=$(general big-default "$big")
  big_t=$(general big-t "$big" "--statistic t")
  echo "$DIR B=$B preset=$preset paper-coef=$paper_coef paper-default=$paper_default paper-t-hc2=$paper_t" \
    "big-coef=$big_coef big-default=$big_default big-t-hc2=$big_t load=$(cut -d' ' -f1 /proc/loadavg)"
done
