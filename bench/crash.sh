#!/usr/bin/env bash
# Crash safety: drive gifts, SIGKILL the service mid-load, restart it, then check that every gift whose
# response the client received is in the ledger, that no gift is half-applied, and that ledgerAudit is
# clean. Uses the packaged prod build and the benchmark's keys and seed (run bench/run.sh once first, or
# this script seeds a small data set itself).
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=${PORT:-8089}; SCHEMA=coinstream_crash; VIEWERS=${VIEWERS:-5000}; CREATORS=${CREATORS:-200}

command -v wrk >/dev/null || apt-get install -y wrk >/dev/null
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
bench_service_env $SCHEMA

start() {
  java -Dquarkus.http.port=$PORT -jar target/quarkus-app/quarkus-run.jar >> "$OUT/crash-service.log" 2>&1 &
  PID=$!
  until curl -sf "$(ready_url)" >/dev/null; do sleep 0.2; done
}

$PG -c "drop schema if exists $SCHEMA cascade" >/dev/null
: > "$OUT/crash-service.log"
start
PGOPTIONS="-c search_path=$SCHEMA" $PG -v viewers=$VIEWERS -v creators=$CREATORS -v coins=1000000 -f bench/seed.sql >/dev/null
$PG -c "select id from $SCHEMA.live_stream order by seq" > "$OUT/crash-streams.txt"
$PG -c "select pg_notify('coinstream_catalogue', 'seeded')" >/dev/null
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" bv "$VIEWERS" "$OUT/crash-tokens.txt"
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" ops 1 "$OUT/crash-admin.txt" admin
rm -f "$OUT"/acked-*.txt

echo "== load for 12 s, SIGKILL after 6 s"
ACK_DIR=$OUT wrk -t2 -c64 -d12s -s bench/sendgift.lua "http://127.0.0.1:$PORT" -- "$OUT/crash-tokens.txt" "$OUT/crash-streams.txt" uniform \
  > "$OUT/crash-wrk.txt" 2>&1 &
WRK=$!
sleep 6
kill -9 $PID
echo "   killed the service (pid $PID) mid-load"
wait $WRK || true
start
echo "   restarted"

cat "$OUT"/acked-*.txt 2>/dev/null | sort -u > "$OUT/acked.txt"
ACKED=$(wc -l < "$OUT/acked.txt")
MISSING=$($PG <<SQL | tail -1
create temp table acked (id uuid);
\copy acked from '$OUT/acked.txt'
select count(*) from acked a left join $SCHEMA.gift_event g on g.id = a.id where g.id is null;
SQL
)
HALF=$($PG -c "select count(*) from $SCHEMA.gift_event g left join $SCHEMA.journal_entry e on e.id = g.entry_id
               where e.id is null or (select count(*) from $SCHEMA.posting p where p.entry_id = g.entry_id) not between 4 and 5")
ORPHANS=$($PG -c "select count(*) from $SCHEMA.journal_entry e where e.kind = 'GIFT'
                  and not exists (select 1 from $SCHEMA.gift_event g where g.entry_id = e.id)")
AUDIT=$(curl -s "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $(cat $OUT/crash-admin.txt)" \
  -d '{"query":"{ ledgerAudit { balanced entries postings mismatches { kind } } }"}')
kill $PID
echo "acknowledged gifts: $ACKED; missing from the ledger after the crash: $MISSING; half-applied gifts: $HALF; entries without a gift: $ORPHANS"
echo "ledgerAudit after restart: $AUDIT"
[ "$MISSING" = "0" ] && [ "$HALF" = "0" ] && [ "$ORPHANS" = "0" ] && echo "$AUDIT" | grep -q '"balanced":true' && echo "$AUDIT" | grep -qF '"mismatches":[]' && echo "CRASH CHECK PASSED" || { echo "CRASH CHECK FAILED"; exit 1; }
