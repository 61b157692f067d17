#!/usr/bin/env bash
# Builds side by side, on this machine, one right after the other: bench/compare.sh LABEL=REF ... runs bench/run.sh (this
# tree's version of it) on each git ref, in a worktree of its own, and writes one row per build and workload to
# bench/ROUNDS.md (or $ROUNDS_OUT). Each build keeps its own seed (bench/seed.sql writes that build's schema).
# The run's size is bench/run.sh's: QUICK=1 by default here, uniform and hot only; set QUICK=0, HOOKED_MODES,
# ENGAGED_MODE, CONNECTIONS or DURATION to change it. A ref of "." is this working tree as it is.
#
#   bench/compare.sh pre-feature=4367414 round-two=65983f6 landed=a6cd9f8 now=.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT_FILE=${ROUNDS_OUT:-$ROOT/bench/ROUNDS.md}
export QUICK=${QUICK:-1} HOOKED_MODES=${HOOKED_MODES:-none} ENGAGED_MODE=${ENGAGED_MODE:-none}
mkdir -p "$ROOT/bench/out"
ROWS=()
for arg in "$@"; do
  label=${arg%%=*}; ref=${arg#*=}
  if [ "$ref" = "." ]; then
    dir=$ROOT; sha="$(git rev-parse --short HEAD)$(git diff --quiet HEAD -- src pom.xml || echo '+changes')"
  else
    sha=$(git rev-parse --short "$ref")
    dir=/tmp/coinstream-bench-$sha
    [ -d "$dir" ] || git worktree add -f "$dir" "$sha" >/dev/null 2>&1
    # this tree's harness, the build's own seed
    for f in run.sh common.sh sendgift.lua query.lua TokenMint.java FeedLatency.java WebhookSink.java naive.sql ledger.sql \
             naive-uniform.pgbench naive-hot.pgbench ledger-uniform.pgbench ledger-hot.pgbench; do
      cp "$ROOT/bench/$f" "$dir/bench/$f"
    done
  fi
  echo "== $label ($sha): bench/run.sh in $dir"
  [ "$dir" != "$ROOT" ] || cp bench/RESULTS.md "$ROOT/bench/out/RESULTS.md.kept" # the run of record stays as it is
  (cd "$dir" && bash bench/run.sh) > "$ROOT/bench/out/compare-$label.log" 2>&1 || { echo "   failed: bench/out/compare-$label.log"; tail -5 "$ROOT/bench/out/compare-$label.log"; continue; }
  # the run's table rows: workload | connections | gifts/s | p50 | p99 | errors | naive | ratio | double-entry | ratio |
  # audit | accepted | CPU | WAL batch / all statements | WAL cluster | rows (rollups) | batch µs
  while IFS= read -r line; do
    IFS='|' read -r _ mode c rate p50 p99 errors naive ratio ledger lratio audit _ _ _ cluster rows _ <<< "$line"
    # an audit that found mismatches: their kinds, not the whole answer
    case "$audit" in *"NOT CLEAN"*) audit=" not clean: $(echo "$audit" | grep -o '"kind":"[A-Z_]*"' | cut -d'"' -f4 | sort | uniq -c \
      | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}') ";; esac
    ROWS+=("| $label | $sha |$mode|$c|$rate|$ratio|$lratio|$p50|$p99|$cluster|$rows|$errors|$audit|")
  done < <(grep -E '^\| (uniform|hot|hooked-uniform|hooked-hot|engaged) \|' "$dir/bench/RESULTS.md" | awk -F'|' 'NF > 15')
  grep -o 'restarts against the existing schema: ready after [^)]*) ([^)]*) *([^)]*)[^.]*' "$dir/bench/RESULTS.md" | sed "s/^/   $label start-up: /" || true
  cp "$dir/bench/RESULTS.md" "$ROOT/bench/out/compare-$label-RESULTS.md"
  if [ "$dir" = "$ROOT" ]; then cp "$ROOT/bench/out/RESULTS.md.kept" bench/RESULTS.md; else git -C "$dir" checkout -q -- bench 2>/dev/null || true; fi
done
{
  echo "# Rounds, side by side"
  echo
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores, one build right after the other (\`bench/compare.sh $*\`,"
  echo "QUICK=$QUICK: each build's bench/run.sh with this tree's harness). Ratios are against the naive three-statement SQL and the"
  echo "hand-written double-entry SQL, run by pgbench in the same run. WAL and rows are per accepted gift, counted after the service drained."
  echo
  echo "| build | commit | workload | connections | gifts/s | × naive SQL | × double-entry SQL | p50 ms | p99 ms | WAL records per gift (cluster) | rows written per gift (rollups) | errors | ledgerAudit |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
} > "$OUT_FILE"
cat "$OUT_FILE"
