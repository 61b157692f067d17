#!/usr/bin/env bash
# Exports of any size stream in constant memory. A creator with GIFTS (1,000,000) gifts in this month downloads every
# gift received as CSV, their statement (GraphQL and CSV) and their personal-data JSON; for each: time, size and the
# service's peak RSS while it ran (sampled every 20 ms), beside its RSS before. Writes bench/EXPORTS.md.
#
#   bench/exports.sh                 GIFTS=1000000
# The schema it seeds (coinstream_exports) holds the gifts and one pending-diamond posting per gift, written by SQL to
# size the reads; it is not a balanced ledger (no sender debits), so its ledgerAudit is not meaningful.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=${PORT:-8090}; SCHEMA=coinstream_exports; GIFTS=${GIFTS:-1000000}

[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
bench_service_env $SCHEMA
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# the same options as bench/run.sh (the container image's defaults)
JAVA_OPTS=${JAVA_OPTS:-"-Xms64m -Xmx144m -Xmn48m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:+UseSerialGC -Xss512k"}

$PG -c "drop schema if exists $SCHEMA cascade" >/dev/null
(cd target/quarkus-app && exec java $JAVA_OPTS -Dquarkus.http.port=$PORT -jar quarkus-run.jar) > "$OUT/exports-service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "$(ready_url)" >/dev/null; do kill -0 $PID || { tail -20 "$OUT/exports-service.log"; exit 1; }; sleep 0.2; done

echo "== seed one creator with $GIFTS gifts this month"
T0=$(date +%s)
PGOPTIONS="-c search_path=$SCHEMA" $PG <<SQL >/dev/null
begin;
insert into app_user (id, display_name, region, birthdate, created_at)
select 'ev' || i, 'Viewer ' || i, 'US', date '1990-01-01', now() from generate_series(1, 1000) i;
insert into app_user (id, display_name, region, birthdate, created_at) values ('ec1', 'Viewer 1', 'US', date '1985-01-01', now());
insert into ledger_account (owner_id, purpose, asset, allow_negative, created_at) values ('ec1', 'DIAMONDS_PENDING', 'DIAMOND', false, now());
insert into live_stream (id, creator_id, title, status, started_at) values (md5('exports-stream')::uuid, 'ec1', 'A long stream', 'LIVE', now());
insert into journal_entry (kind, cause_id, created_at)
select 'GIFT', md5('exports-gift-' || i)::uuid, date_trunc('month', now()) + (i % 86400) * interval '1 second' from generate_series(1, $GIFTS) i;
insert into posting (entry_id, account_id, slot, amount)
select e.id, (select id from ledger_account where owner_id = 'ec1'), 0, 1 from journal_entry e where e.kind = 'GIFT';
insert into gift_event (id, stream_id, gift_id, sender_id, creator_id, quantity, unit_coins, coins, diamonds, commission, rate_version,
                        entry_id, created_at, stream_seq, anonymous)
select e.cause_id, md5('exports-stream')::uuid, '00000000-0000-4000-9000-000000000001', 'ev' || (e.id % 1000 + 1), 'ec1', 1, 1, 1, 1, 0, 1,
       e.id, e.created_at, e.id, e.id % 10 = 0
from journal_entry e where e.kind = 'GIFT';
commit;
analyze;
SQL
echo "   seeded in $(( $(date +%s) - T0 )) s; waiting for the leaderboard rollups to fold them in"
for _ in $(seq 600); do [ "$($PG -c "select count(*) from $SCHEMA.rollup_queue")" = 0 ] && break; sleep 1; done
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" ec 1 "$OUT/exports-token.txt" creator
TOKEN=$(cat "$OUT/exports-token.txt")
MONTH=$(date -u +%Y-%m)

rss() { awk '/VmRSS/ {print int($2/1024)}' /proc/$PID/status; }
# measure NAME CMD...: runs CMD (writing to $OUT/exports-NAME.out), sampling the service's RSS; sets a result line.
ROWS=()
measure() {
  local name=$1; shift
  local before peak t0 t1 pid
  before=$(rss); peak=$before
  t0=$(date +%s%N)
  "$@" > "$OUT/exports-$name.out" &
  pid=$!
  while kill -0 $pid 2>/dev/null; do
    r=$(rss); [ "$r" -gt "$peak" ] && peak=$r
    sleep 0.02
  done
  wait $pid
  t1=$(date +%s%N)
  local bytes lines
  bytes=$(stat -c %s "$OUT/exports-$name.out"); lines=$(wc -l < "$OUT/exports-$name.out")
  echo "   $name: $(( (t1 - t0) / 1000000 )) ms, $lines lines, $((bytes / 1024 / 1024)) MiB; service RSS $before MB before, peak $peak MB"
  ROWS+=("| $name | $(( (t1 - t0) / 1000000 )) | $lines | $((bytes / 1024 / 1024)) | $before | $peak |")
}
get() { curl -sf -H "Authorization: Bearer $TOKEN" "http://127.0.0.1:$PORT$1"; }
gql() { curl -sf -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' "http://127.0.0.1:$PORT/graphql" -d "$1"; }

echo "== warm-up (a small download each, discarded)"
get "/exports/statements/$MONTH.csv" >/dev/null
get "/exports/my-data.json" >/dev/null
echo "== downloads"
measure gifts-received-csv get "/exports/gifts-received.csv?month=$MONTH"
measure statement-csv get "/exports/statements/$MONTH.csv"
measure statement-graphql gql "{\"query\":\"{ creatorStatement(month: \\\"$MONTH\\\") { earned closing { pending } streams { gifts diamonds } } }\"}"
measure my-data-json get "/exports/my-data.json"
grep -q ",$GIFTS,$GIFTS," "$OUT/exports-statement-csv.out" || { echo "the statement does not count $GIFTS gifts"; cat "$OUT/exports-statement-csv.out"; exit 1; }
[ "$(wc -l < "$OUT/exports-gifts-received-csv.out")" = $((GIFTS + 1)) ] || { echo "the gifts export is not $GIFTS lines"; exit 1; }
{
  echo "# Export measurements"
  echo
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') on $(nproc) cores; command \`bench/exports.sh\` (GIFTS=$GIFTS). One creator with $GIFTS gifts this"
  echo "month; the packaged service (prod profile) with the benchmark's JVM options \`$JAVA_OPTS\`. RSS is the service's resident"
  echo "memory sampled every 20 ms during each download."
  echo
  echo "| download | ms | lines | MiB | RSS before (MB) | RSS peak (MB) |"
  echo "|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "The gifts export streams from a database cursor 500 rows at a time, written as the client reads (the request demand"
  echo "is one item at a time), so the heap holds a few hundred rows whatever the size; the statement is aggregated in SQL."
  echo "The personal-data JSON is built in one statement and held whole (gifts received are summarised per stream in it;"
  echo "the gift by gift list is the CSV)."
} > bench/EXPORTS.md
cat bench/EXPORTS.md
