#!/usr/bin/env bash
# The bench guard CI runs: a short uniform run (20 s) of bench/run.sh on the previous landed build (the commit in
# bench/GUARD_BASE) and on this tree, one right after the other (bench/compare.sh). It fails only when this tree writes
# more than 30% more per accepted gift than that build: WAL records (the whole cluster's, after the service drained) or
# rows. Those are counts, steady from run to run and machine to machine, where timings are not; they are printed, not judged.
#
#   bench/guard.sh                 GUARD_BASE=<ref> to compare against another build; GUARD_LIMIT=1.3 the allowed ratio
set -euo pipefail
cd "$(dirname "$0")/.."
BASE=${GUARD_BASE:-$(tr -d '[:space:]' < bench/GUARD_BASE)}
LIMIT=${GUARD_LIMIT:-1.3}
if ! git cat-file -e "$BASE^{commit}" 2>/dev/null; then
  echo "bench guard not run: the landed build $BASE is not in this clone's history (a shallow clone?)"
  exit 0
fi
export VIEWERS=${VIEWERS:-2000} CREATORS=${CREATORS:-200} DURATION=${DURATION:-20} CONNECTIONS=${CONNECTIONS:-16} WARMUP=${WARMUP:-10}
export WORKLOADS=uniform RESTART_COUNT=0 REFERENCES=0 READS=0 HOOKED_MODES=none ENGAGED_MODE=none QUICK=1
export ROUNDS_OUT=$PWD/bench/out/guard.md
bash bench/compare.sh "landed=$BASE" "now=."
# the rows: | build | commit | workload | connections | gifts/s | ... | WAL per gift | rows per gift (rollups) | errors | audit |
read_counts() {
  grep "^| $1 |" "$ROUNDS_OUT" | head -1 | awk -F'|' '{gsub(/ /, "", $11); split($12, r, "("); gsub(/ /, "", r[1]); print $11, r[1]}'
}
read -r BASE_WAL BASE_ROWS <<< "$(read_counts landed)"
read -r NOW_WAL NOW_ROWS <<< "$(read_counts now)"
[ -n "${BASE_WAL:-}" ] && [ -n "${NOW_WAL:-}" ] || { echo "bench guard: a run did not finish (bench/out/compare-*.log)"; exit 1; }
echo "bench guard: WAL records per gift $BASE_WAL (landed $BASE) -> $NOW_WAL; rows written per gift $BASE_ROWS -> $NOW_ROWS (limit ${LIMIT}x)"
fail=0
awk "BEGIN {exit !($NOW_WAL > $BASE_WAL * $LIMIT)}" && { echo "bench guard: WAL records per gift regressed past ${LIMIT}x"; fail=1; }
awk "BEGIN {exit !($NOW_ROWS > $BASE_ROWS * $LIMIT)}" && { echo "bench guard: rows written per gift regressed past ${LIMIT}x"; fail=1; }
grep "^| now |" "$ROUNDS_OUT" | grep -q "| clean |" || { echo "bench guard: this build's ledgerAudit was not clean"; fail=1; }
exit $fail
