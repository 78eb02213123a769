#!/usr/bin/env bash
# Cost per call before and after: `scripts/cost.sh [BEFORE]` builds `cargo bench --bench cost`
# at commit BEFORE (default bff79cc, the commit that added the bench) in a temporary git
# worktree and in the working tree, then runs the two alternately three times on this machine,
# so both columns come from the same machine and the same minutes. Both builds share this
# repository's target/ folder (dependencies are built once). The two builds of the crate get
# the same file names there and cargo judges freshness by the sources' times, so each build
# starts by touching its tree's src/lib.rs (the crate is compiled again), each executable is
# copied out as soon as it is built, and src/lib.rs here is touched again at exit, so that a
# later build here does not take the other tree's artifacts. The worktree is removed at exit.
# Allocation counts are exact; calls/s vary with the machine's load: read the best of the runs.
set -euo pipefail

before=${1:-bff79cc}
root=$(git rev-parse --show-toplevel)
tmp=$(mktemp -d)
cleanup() {
  touch "$root/src/lib.rs"
  git -C "$root" worktree remove --force "$tmp/before" >/dev/null 2>&1 || true
  rm -rf "$tmp"
}
trap cleanup EXIT
git -C "$root" worktree add --detach "$tmp/before" "$before" >/dev/null

# Builds the bench in folder $1 and copies its executable to $2.
build() {
  local exe
  touch "$1/src/lib.rs"
  exe=$(cd "$1" && CARGO_TARGET_DIR="$root/target" cargo bench --bench cost --no-run --message-format=json |
    grep -o '"executable":"[^"]*/deps/cost-[^"]*"' | tail -1 | cut -d'"' -f4)
  cp "$exe" "$2"
}
new=$tmp/cost-after
old=$tmp/cost-before
build "$root" "$new"
build "$tmp/before" "$old"

echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'); load: $(cut -d' ' -f1-3 /proc/loadavg); $(date -u '+%F %H:%M UTC')"
for i in 1 2 3; do
  echo "== before ($before), run $i"
  "$old" | tail -n +2
  echo "== after ($(git -C "$root" rev-parse --short HEAD)$(git -C "$root" diff --quiet || echo ', with changes')), run $i"
  "$new" | tail -n +2
done
