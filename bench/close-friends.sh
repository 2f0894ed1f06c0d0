#!/usr/bin/env bash
# Times `gpuinference close-friends` on a synthetic interaction log.
#   bench/close-friends.sh [ROWS] [REPEATS] [MEMORY] [DIR]
# ROWS (default 10^8) rows over ROWS/50 people are written once to DIR (default /tmp/gpuinference-close-friends,
# never the repository) by `close-friends simulate`; each repeat prints its wall time, peak RSS (/usr/bin/time -v)
# and phase times; the median wall time comes last.
set -euo pipefail
rows=${1:-100000000}
repeats=${2:-3}
memory=${3:-2G}
dir=${4:-/tmp/gpuinference-close-friends}
root=$(cd "$(dirname "$0")/.." && pwd)
dotnet build "$root/src/GpuInference.Cli" -c Release -v q -nologo >/dev/null
bin="$root/src/GpuInference.Cli/bin/Release/net10.0/gpuinference"
mkdir -p "$dir"
log="$dir/interactions-$rows.csv"
if [[ ! -s "$log" ]]; then
  /usr/bin/time -f "generated in %e s" "$bin" close-friends simulate --rows "$rows" --people $((rows / 50)) --seed 1 --out "$log" | tail -1
fi
echo "machine: $(nproc) cores, $(free -g | awk '/Mem:/ {print $2}') GB; commit $(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ' (dirty)')"
echo "input: $log ($(du -h "$log" | cut -f1)); command: gpuinference close-friends --interactions $log --out $dir/edges.csv --memory $memory"
walls=()
for ((i = 1; i <= repeats; i++)); do
  out=$( { /usr/bin/time -f "TIME %e %M %U %S" "$bin" close-friends --interactions "$log" --out "$dir/edges.csv" --memory "$memory" --temp "$dir"; } 2>&1 )
  wall=$(awk '/^TIME/ {print $2}' <<<"$out")
  rss=$(awk '/^TIME/ {printf "%.0f", $3 / 1024}' <<<"$out")
  cpu=$(awk '/^TIME/ {printf "%.1f", $4 + $5}' <<<"$out")
  phases=$(grep -E 'done in' <<<"$out" | sed -E 's/: done in / /; s/ s$//' | awk '{t=$NF; $NF=""; printf "%s%s %s s", sep, $0, t; sep="; "}')
  echo "repeat $i: ${wall} s wall, ${cpu} s CPU, peak RSS ${rss} MiB, load average $(cut -d' ' -f1 /proc/loadavg) after; $phases"
  walls+=("$wall")
done
grep -E 'people|cut-off share|spilled|close-friend edges' <<<"$out"
printf '%s\n' "${walls[@]}" | sort -n | awk '{a[NR]=$1} END {m = (NR % 2) ? a[(NR+1)/2] : (a[NR/2] + a[NR/2+1]) / 2; print "median wall: " m " s over " NR " repeats"}'
