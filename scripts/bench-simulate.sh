#!/usr/bin/env bash
# Whole-command figures of `ivrsim simulate` on the bundled hotline (issue 16), release build:
#
# 1. callers per second on one core: a year of scenarios/traffic/hotline-week.yaml, one
#    replication, pinned to core 0 (`taskset -c 0`); wall clock of the whole process
#    (`/usr/bin/time`), so loading, the walks computed on the engine and the text report
#    count; beside it the rate of the simulation alone, as `simulate` prints it on stderr;
# 2. the rayon speed-up: 8 replications of a year on 1 thread and on every core
#    (RAYON_NUM_THREADS), and their ratio; the results (JSON) are the same (checked);
# 3. peak memory (max RSS) of a week and of a year, one replication each.
#
#   scripts/bench-simulate.sh
#   RUNS=3 scripts/bench-simulate.sh   # best of 3 for each time
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
runs=${RUNS:-1}
cargo build --release -q --bin ivrsim
bin=target/release/ivrsim
menu=menus/hotline.yaml
traffic=scenarios/traffic/hotline-week.yaml
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# best_of CMD...: the least wall-clock seconds of $runs runs; the last run's stdout in $tmp/out,
# its max RSS (KiB) in $tmp/rss, the callers it simulated in $tmp/callers.
best_of() {
  local best=999999 t
  for _ in $(seq "$runs"); do
    /usr/bin/time -o "$tmp/time" -f '%e %M' "$@" >"$tmp/out" 2>"$tmp/err"
    read -r t rss <"$tmp/time"
    echo "$rss" >"$tmp/rss"
    best=$(awk -v a="$best" -v b="$t" 'BEGIN { print (b < a ? b : a) }')
  done
  sed -n 's/^simulated \([0-9]*\) callers.*/\1/p' "$tmp/err" >"$tmp/callers"
  echo "$best"
}

echo "machine: $(nproc) cores; $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"

t=$(best_of taskset -c 0 "$bin" simulate "$menu" --traffic "$traffic" --days 365 --replications 1 --format text)
n=$(cat "$tmp/callers")
awk -v n="$n" -v t="$t" 'BEGIN { if (t <= 0) t = 0.01; printf "one core, a year, 1 replication: %d callers in %.2f s = %.0f callers/s (target ≥ 1,000,000)\n", n, t, n / t }'
echo "  peak memory: $(( $(cat "$tmp/rss") / 1024 )) MiB; the simulation itself (without loading and printing): $(sed -n 's/^simulated .* (\([0-9]*\) callers\/s.*/\1/p' "$tmp/err") callers/s"

t=$(best_of taskset -c 0 "$bin" simulate "$menu" --traffic "$traffic" --days 7 --replications 1 --format text)
echo "one core, a week, 1 replication: $t s, peak memory $(( $(cat "$tmp/rss") / 1024 )) MiB"

t1=$(best_of env RAYON_NUM_THREADS=1 "$bin" simulate "$menu" --traffic "$traffic" --days 365 --replications 8 --format json)
cp "$tmp/out" "$tmp/one.json"
tn=$(best_of "$bin" simulate "$menu" --traffic "$traffic" --days 365 --replications 8 --format json)
cmp -s "$tmp/one.json" "$tmp/out" || { echo "results differ between 1 thread and $(nproc)" >&2; exit 1; }
awk -v a="$t1" -v b="$tn" -v c="$(nproc)" 'BEGIN { if (b <= 0) b = 0.01; printf "8 replications of a year: 1 thread %.2f s, %d threads %.2f s: speed-up %.2f× (same results)\n", a, c, b, a / b }'
