#!/usr/bin/env bash
# SimPy and ivrsim side by side on one M/M/c queue (issue 16): c = 10 call-takers, λ = 9
# callers/s, μ = 1/s (exponential), 10⁶ callers, both on one core (`taskset -c 0`). SimPy is
# pip-installed into a venv under target/ (not needed by `cargo test`); the SimPy model is
# scripts/simpy_mmc.py, the ivrsim model scripts/fixtures/mmc.yaml (a bare queue). Prints each
# side's wall-clock time (whole process, `/usr/bin/time`), callers per second and mean wait,
# the exact Erlang C mean wait beside them, and the ratio ivrsim/SimPy (target ≥ 50).
#
#   scripts/bench-simpy.sh                   # both halves
#   CUSTOMERS=100000 scripts/bench-simpy.sh  # fewer callers
#   SIMPY_ONLY=1 scripts/bench-simpy.sh      # the SimPy half alone
set -euo pipefail

root=$(git rev-parse --show-toplevel)
cd "$root"
customers=${CUSTOMERS:-1000000}
seed=${SEED:-1}
venv=target/simpy-venv
py=$venv/bin/python
model=scripts/fixtures/mmc.yaml

if ! [[ -x $py ]] || ! "$py" -c 'import simpy' 2>/dev/null; then
  echo "bench-simpy: installing SimPy into $venv" >&2
  python3 -m venv "$venv"
  "$venv/bin/pip" install -q simpy
fi

bin=target/release/ivrsim
if [[ -z ${SIMPY_ONLY:-} ]]; then
  cargo build --release -q --bin ivrsim
  if ! "$bin" simulate --help >/dev/null 2>&1; then
    echo "bench-simpy: \`$bin simulate\` does not exist yet (this build of ivrsim has no \`simulate\` command); run with SIMPY_ONLY=1 for the SimPy half" >&2
    exit 2
  fi
fi

# Runs a command on core 0; prints its standard output, and "SECONDS" on the last line.
timed() {
  local t out
  t=$(mktemp)
  out=$(/usr/bin/time -o "$t" -f '%e' taskset -c 0 "$@")
  echo "$out"
  tail -1 "$t"
  rm -f "$t"
}

# The exact mean wait of all callers, Erlang C: C(c, a)/(cμ − λ).
exact=$("$py" - <<'PY'
c, lam, mu = 10, 9.0, 1.0
a = lam / mu
b = 1.0
for k in range(1, c + 1):
    b = a * b / (k + a * b)
pw = b / (1 - a / c * (1 - b))
print(f"{pw / (c * mu - lam):.4f} {pw:.4f}")
PY
)
read -r exact_wait exact_pw <<<"$exact"

echo "M/M/c: c = 10, λ = 9/s, μ = 1/s, $customers callers, seed $seed, one core"
echo "Erlang C: P(wait) $exact_pw, mean wait $exact_wait s"

out=$(timed "$py" scripts/simpy_mmc.py --customers "$customers" --seed "$seed")
simpy_s=$(tail -1 <<<"$out")
simpy_json=$(head -n -1 <<<"$out")
read -r simpy_wait simpy_inner <<<"$("$py" -c 'import json,sys; d=json.loads(sys.argv[1]); print(format(d["mean_wait"], ".4f"), d["customers_per_s"])' "$simpy_json")"
awk -v n="$customers" -v s="$simpy_s" -v w="$simpy_wait" -v inner="$simpy_inner" 'BEGIN {
  printf "SimPy:  %8.2f s  %12.0f callers/s  (%.0f in the event loop alone)  mean wait %s s\n", s, n / s, inner, w }'

if [[ -n ${SIMPY_ONLY:-} ]]; then
  exit 0
fi

results=$(mktemp)
trap 'rm -f "$results"' EXIT
out=$(timed "$bin" simulate --traffic "$model" --callers "$customers" --seed "$seed" --replications 1 --days 2 -o "$results" --format json)
ivrsim_s=$(tail -1 <<<"$out")
ivrsim_json=$(head -n -1 <<<"$out")
# The mean wait of all callers (all are answered in M/M/c): the results' `total.asa_s`.
ivrsim_wait=$("$py" -c 'import json, sys; print(format(json.load(open(sys.argv[1]))["total"]["asa_s"]["mean"], ".4f"))' "$results" 2>/dev/null || echo "?")
awk -v n="$customers" -v s="$ivrsim_s" -v w="$ivrsim_wait" 'BEGIN {
  if (s <= 0) s = 0.01;
  printf "ivrsim: %8.2f s  %12.0f callers/s  mean wait %s s\n", s, n / s, w }'
awk -v a="$simpy_s" -v b="$ivrsim_s" 'BEGIN { if (b <= 0) b = 0.01; printf "ratio ivrsim/SimPy: %.1f× (target ≥ 50×)\n", a / b }'
