#!/usr/bin/env bash
# Times the whole `ivrsim check` and `ivrsim import` commands on generated Amazon Connect
# flows (`cargo run --release --example synth -- N --connect`), best of RUNS (default 5).
# Issue 15's target: import plus check of a 2,000-block flow in under 1 s.
# Usage: scripts/bench-import.sh            (SIZES="2000 20000" by default)
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
runs=${RUNS:-5}
sizes=${SIZES:-"2000 20000"}
cargo build --release --bins --examples -q
bin=target/release/ivrsim
dir=target/bench-import
mkdir -p "$dir"

best() {
  local best_s="" t s kb
  for _ in $(seq "$runs"); do
    t=$(mktemp)
    /usr/bin/time -o "$t" -f '%e %M' "$@" >/dev/null 2>&1 || true
    read -r s kb < <(tail -1 "$t")
    rm -f "$t"
    if [[ -z $best_s ]] || awk "BEGIN{exit !($s < $best_s)}"; then
      best_s=$s best_kb=$kb
    fi
  done
  echo "$best_s s, peak RSS $((best_kb / 1024)) MB"
}

echo "machine: $(nproc) cores, $(uname -m)"
for n in $sizes; do
  flow=$dir/flow-$n.json
  target/release/examples/synth "$n" --connect >"$flow"
  blocks=$(grep -c '"Identifier"' "$flow")
  echo "flow of $blocks blocks ($(du -k "$flow" | cut -f1) KB):"
  echo "  ivrsim check FLOW:           $(best "$bin" check "$flow")"
  echo "  ivrsim import FLOW -o MENU:  $(best "$bin" import "$flow" -o "$dir/menu-$n.yaml")"
  "$bin" import "$flow" -o "$dir/menu-$n.yaml" >/dev/null 2>&1 || true
  echo "  ivrsim check MENU (written): $(best "$bin" check "$dir/menu-$n.yaml")"
done
