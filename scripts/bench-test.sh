#!/usr/bin/env bash
# End-to-end throughput of the `ivrsim test` binary at scale (issue 14): builds the release
# binary and the `synth` example, writes synthetic menus, generates a scenario suite for each
# with `ivrsim scenarios generate` (about 1,000, 10,000 and 100,000 scenarios), then times the
# whole `ivrsim test SUITE --coverage summary` (load, run, coverage, report) on one core
# (`taskset -c 0 ... --jobs 1`) and on every core (`--jobs` left to its default), each the best
# of RUNS runs (default 3). Prints scenarios/s and steps/s (steps: the summary's `(N steps)`),
# peak RSS (`/usr/bin/time -f %M`), the 100k/10k time ratio on one core (linear: about 10)
# and the speed-up of all cores over one.
#
#   scripts/bench-test.sh            # the three suites
#   SIZES="356 3560" RUNS=1 scripts/bench-test.sh   # synth node counts to use instead
#
# Menus and suites are kept in target/bench-test/ (made once per size).
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
runs=${RUNS:-3}
# `synth N` menus give about 2.8 generated scenarios per node.
sizes=${SIZES:-"356 3560 35600"}
cargo build --release --bins --examples -q
bin=target/release/ivrsim
dir=target/bench-test
mkdir -p "$dir"
cores=$(nproc)

# Times one command: prints "SECONDS PEAK_KB STEPS" of the fastest of $runs runs.
best() {
  local best_s="" best_kb="" steps="" t out
  for _ in $(seq "$runs"); do
    t=$(mktemp)
    out=$(/usr/bin/time -o "$t" -f '%e %M' "$@" 2>/dev/null | tail -1) || true
    read -r s kb <"$t"
    rm -f "$t"
    steps=$(sed -n 's/.*(\([0-9]*\) steps\?)$/\1/p' <<<"$out")
    if [[ -z $best_s ]] || awk "BEGIN{exit !($s < $best_s)}"; then
      best_s=$s best_kb=$kb
    fi
  done
  echo "$best_s $best_kb ${steps:-0}"
}

printf '%-9s %-6s %8s %12s %12s %9s\n' scenarios cores seconds scenarios/s steps/s "RSS MB"
declare -A one
for n in $sizes; do
  menu=$dir/m$n.yaml suite=$dir/s$n.yaml
  [[ -s $menu ]] || target/release/examples/synth "$n" >"$menu"
  [[ -s $suite ]] || "$bin" scenarios generate "$menu" -o "$suite" >/dev/null 2>&1
  count=$(grep -c '^  - name:' "$suite")
  for c in 1 "$cores"; do
    if [[ $c == 1 ]]; then
      read -r s kb steps < <(best taskset -c 0 "$bin" test "$suite" --coverage summary --jobs 1)
      one[$n]=$s
    else
      read -r s kb steps < <(best "$bin" test "$suite" --coverage summary)
    fi
    awk -v n="$count" -v c="$c" -v s="$s" -v st="$steps" -v kb="$kb" 'BEGIN {
      if (s <= 0) s = 0.01;
      printf "%-9d %-6s %8.2f %12.0f %12.0f %9.0f\n", n, c, s, n / s, st / s, kb / 1024 }'
    if [[ $c != 1 ]]; then
      awk -v a="${one[$n]}" -v b="$s" -v c="$c" 'BEGIN { if (b <= 0) b = 0.01; printf "          speed-up on %d cores: %.2fx\n", c, a / b }'
    fi
  done
done
set -- $sizes
if [[ $# -ge 3 ]]; then
  awk -v a="${one[$3]}" -v b="${one[$2]}" 'BEGIN { if (b <= 0) b = 0.01; printf "one core, time of the largest suite / the middle one: %.1f\n", a / b }'
fi
