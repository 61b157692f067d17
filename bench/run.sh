#!/usr/bin/env bash
# Coinstream gift benchmark: the packaged service (prod profile, real JWT verification, every sendGift
# check, feed NOTIFY on) against the naive raw-SQL transaction run by pgbench on the same PostgreSQL,
# in the same run. Writes bench/RESULTS.md.
#
#   bench/run.sh                      full run: 100k viewers, 1k streams, 32 and 64 connections, 20 s/point
#   QUICK=1 bench/run.sh              quick look: 10k viewers, 32 connections, 8 s/point
#   VIEWERS= CREATORS= DURATION= CONNECTIONS="32 64" bench/run.sh
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=$ROOT/bench/out
mkdir -p "$OUT"

if [ "${QUICK:-0}" = "1" ]; then
  VIEWERS=${VIEWERS:-10000}; CREATORS=${CREATORS:-1000}; DURATION=${DURATION:-8}; CONNECTIONS=${CONNECTIONS:-32}
else
  VIEWERS=${VIEWERS:-100000}; CREATORS=${CREATORS:-1000}; DURATION=${DURATION:-20}; CONNECTIONS=${CONNECTIONS:-"32 64"}
fi
PORT=${PORT:-8089}
SCHEMA=coinstream_bench
ISSUER=https://bench.coinstream.invalid
PG="psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA"

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need pgbench; then
  echo "Installing wrk (and the PostgreSQL client for pgbench)"
  (apt-get install -y wrk postgresql-client >/dev/null 2>&1) || (apt-get update >/dev/null && apt-get install -y wrk postgresql-client >/dev/null)
fi
pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start

echo "== build (prod package, with an AppCDS archive of the classes loaded at start-up)"
./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true

echo "== keys: the bench's own RSA pair, standing in for the operator's identity provider"
if [ ! -f "$OUT/jwt-private.pem" ]; then
  openssl genrsa 2048 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$OUT/jwt-private.pem"
  openssl rsa -in "$OUT/jwt-private.pem" -pubout -out "$OUT/jwt-public.pem" 2>/dev/null
fi

echo "== fresh schema $SCHEMA, start the service"
$PG -c "drop schema if exists $SCHEMA cascade" >/dev/null
export COINSTREAM_DB_HOST=127.0.0.1 COINSTREAM_DB_NAME=postgres COINSTREAM_DB_USER=postgres COINSTREAM_DB_SCHEMA=$SCHEMA
export MP_JWT_VERIFY_PUBLICKEY_LOCATION=$OUT/jwt-public.pem MP_JWT_VERIFY_ISSUER=$ISSUER
export COINSTREAM_PAYMENT_PROVIDER=simulated COINSTREAM_PAYMENT_WEBHOOK_SECRET=bench-webhook-secret-0123456789
# The "hooked" workloads send webhooks to a receiver on this machine (bench only: production refuses loopback).
export COINSTREAM_WEBHOOK_ALLOW_LOOPBACK=true
SINK_PORT=${SINK_PORT:-8189}
# Heap capped so the process stays near the 300 MB RSS target; serial GC suits two shared cores; two
# malloc arenas instead of one per thread; the AppCDS archive must be used from the directory it was built in.
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
JAVA_OPTS=${JAVA_OPTS:-"-Xms64m -Xmx144m -Xmn48m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:+UseSerialGC -Xss512k -XX:SharedArchiveFile=app-cds.jsa"}
# start_service LOG: starts the packaged service (PID), waits until ready; sets READY (ms) and QUARKUS (s).
start_service() {
  local log=$1 t0
  t0=$(date +%s%N)
  (cd target/quarkus-app && exec java $JAVA_OPTS -Dquarkus.http.port=$PORT -jar quarkus-run.jar) > "$log" 2>&1 &
  PID=$!
  until curl -sf "http://127.0.0.1:$PORT/q/health/ready" >/dev/null; do
    kill -0 $PID 2>/dev/null || { echo "service died"; tail -30 "$log"; exit 1; }
    sleep 0.1
  done
  READY=$(( ($(date +%s%N) - t0) / 1000000 ))
  QUARKUS=$(grep -o 'started in [0-9.]*s' "$log" | head -1 | grep -o '[0-9.]*')
  echo "   ready after ${READY} ms (Quarkus: started in ${QUARKUS}s)"
}
trap 'kill $PID 2>/dev/null || true' EXIT
start_service "$OUT/service.log"
READY_MS=$READY STARTED=$QUARKUS

echo "== seed $VIEWERS funded viewers and $CREATORS live streams (admin SQL path, balanced GRANT entries)"
PGOPTIONS="-c search_path=$SCHEMA" $PG -v viewers=$VIEWERS -v creators=$CREATORS -v coins=1000000 -f bench/seed.sql >/dev/null
$PG -c "select id from $SCHEMA.live_stream where creator_id like 'bc%' order by seq" > "$OUT/streams.txt"
# The gift catalogue and streams were written behind the service's back: let it reload the catalogue now.
$PG -c "select pg_notify('coinstream_catalogue', 'seeded')" >/dev/null
echo "== mint $VIEWERS viewer tokens"
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" bv "$VIEWERS" "$OUT/tokens.txt"
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" ops 1 "$OUT/admin-token.txt" admin
ADMIN_TOKEN=$(cat "$OUT/admin-token.txt")

echo "== restart the service against the seeded schema (start-up as an operator usually sees it)"
# The load then runs on a process started against the seeded schema, as in production after a deploy.
kill $PID; wait $PID 2>/dev/null || true
start_service "$OUT/service-restart.log"
RESTART_MS=$READY RESTARTED=$QUARKUS
echo "== naive raw-SQL tables (same row counts)"
$PG -v viewers=$VIEWERS -v creators=$CREATORS -f bench/naive.sql >/dev/null
$PG -v viewers=$VIEWERS -v creators=$CREATORS -f bench/ledger.sql >/dev/null

gifts() { $PG -c "select count(*) from $SCHEMA.gift_event"; }
audit() {
  curl -s "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $ADMIN_TOKEN" \
    -d '{"query":"{ ledgerAudit { balanced mismatches { kind } } }"}'
}
rss_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' /proc/$PID/status; }
# CPU time (clock ticks) of the service and of all PostgreSQL processes, to say where the time goes.
service_ticks() { awk '{print $14 + $15}' /proc/$PID/stat; }
postgres_ticks() { for p in $(pgrep -u postgres); do awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# On two shared cores the C2 compiler keeps a core half busy for about a minute of load; measure the
# steady state, as a long-running service sees it, not the JIT.
WARMUP=${WARMUP:-30}
echo "== warm-up ($WARMUP s uniform + $WARMUP s hot, 64 connections, discarded: JIT and caches)"
for MODE in uniform hot; do
  wrk -t2 -c64 -d${WARMUP}s -s bench/sendgift.lua "http://127.0.0.1:$PORT" -- "$OUT/tokens.txt" "$OUT/streams.txt" $MODE >/dev/null
done

# "engaged": the hot creator's stream with two active goals, in a running LIVE Match against the second stream.
engage() {
  java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" bc 2 "$OUT/creator-tokens.txt" creator
  local c1 c2 s1 s2 match
  c1=$(sed -n 1p "$OUT/creator-tokens.txt"); c2=$(sed -n 2p "$OUT/creator-tokens.txt")
  s1=$($PG -c "select id from $SCHEMA.live_stream where creator_id = 'bc1' and status = 'LIVE'")
  s2=$($PG -c "select id from $SCHEMA.live_stream where creator_id = 'bc2' and status = 'LIVE'")
  [ "$s1" = "$(head -1 "$OUT/streams.txt")" ] || { echo "the hot stream is not bc1's"; exit 1; }
  q() { curl -sf "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $1" -d "$2"; }
  q "$c1" "{\"query\":\"mutation { setStreamGoal(input: {streamId: \\\"$s1\\\", title: \\\"A billion coins\\\", kind: COINS, target: 1000000000}) { userErrors { code } } }\"}" | grep -q '"userErrors":\[\]'
  q "$c1" "{\"query\":\"mutation { setStreamGoal(input: {streamId: \\\"$s1\\\", title: \\\"A million roses\\\", kind: GIFT, giftId: \\\"00000000-0000-4000-9000-000000000001\\\", target: 1000000}) { userErrors { code } } }\"}" | grep -q '"userErrors":\[\]'
  match=$(q "$c1" "{\"query\":\"mutation { inviteToMatch(input: {streamId: \\\"$s1\\\", opponentStreamId: \\\"$s2\\\", durationSeconds: 600}) { match { id } userErrors { code } } }\"}" | sed -E 's/.*"id":"([^"]+)".*/\1/')
  q "$c2" "{\"query\":\"mutation { respondToMatchInvite(input: {matchId: \\\"$match\\\", accept: true}) { match { status } } }\"}" | grep -q RUNNING
  echo "   hot stream $s1: 2 goals, match $match running against $s2"
}

# "hooked-uniform" / "hooked-hot": the same workloads with one creator (bc1, the hot stream's) subscribed to gift.sent,
# delivered to a local receiver; the outbox rows are written by the gift batch statement for that creator's gifts only.
hook() {
  java bench/WebhookSink.java "$SINK_PORT" > "$OUT/sink.log" 2>&1 &
  SINK=$!
  until curl -sf "http://127.0.0.1:$SINK_PORT/count" >/dev/null; do sleep 0.2; done
  local c1
  c1=$(sed -n 1p "$OUT/creator-tokens.txt" 2>/dev/null || true)
  [ -n "$c1" ] || { java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" bc 2 "$OUT/creator-tokens.txt" creator; c1=$(sed -n 1p "$OUT/creator-tokens.txt"); }
  curl -sf "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $c1" \
    -d "{\"query\":\"mutation { createWebhookSubscription(input: {url: \\\"http://127.0.0.1:$SINK_PORT/hook\\\", eventTypes: [\\\"gift.sent\\\"]}) { subscription { id } userErrors { code } } }\"}" \
    | grep -q '"userErrors":\[\]' || { echo "could not subscribe bc1"; exit 1; }
  HOOKED_FROM=$($PG -c "select coalesce(max(seq), 0) from $SCHEMA.gift_event")
  echo "   bc1 subscribed to gift.sent -> http://127.0.0.1:$SINK_PORT/hook"
}
trap 'kill $PID 2>/dev/null || true; kill ${SINK:-0} 2>/dev/null || true' EXIT

ROWS=()
# hook_report: after the hooked workloads, wait for the outbox to drain and count what the receiver got.
hook_report() {
  local expected t0 delivered counts
  expected=$($PG -c "select count(*) from $SCHEMA.gift_event where creator_id = 'bc1' and seq > $HOOKED_FROM")
  t0=$(date +%s)
  while :; do
    delivered=$($PG -c "select count(*) from $SCHEMA.webhook_delivery where status = 'DELIVERED'")
    [ "$delivered" -ge "$expected" ] || [ $(( $(date +%s) - t0 )) -ge 600 ] && break
    sleep 1
  done
  counts=$(curl -sf "http://127.0.0.1:$SINK_PORT/count")
  WEBHOOK_NOTE="bc1's gifts during the hooked workloads: $expected; delivered $delivered, $(( $(date +%s) - t0 )) s after the last workload ended; the receiver got ${counts% *} requests for ${counts#* } distinct messages"
  echo "   $WEBHOOK_NOTE"
  kill $SINK 2>/dev/null || true
  SINK=""
  $PG -c "update $SCHEMA.webhook_subscription set status = 'DELETED'" >/dev/null
}

for MODE in uniform hot ${HOOKED_MODES:-hooked-uniform hooked-hot} ${ENGAGED_MODE:-engaged}; do
  [ "$MODE" = "engaged" ] && [ -n "${SINK:-}" ] && hook_report
  [ "$MODE" = "none" ] && continue
  LUA_MODE=${MODE/engaged/hot}
  LUA_MODE=${LUA_MODE#hooked-}
  [ "$MODE" = "engaged" ] && engage
  [ "${MODE%%-*}" = "hooked" ] && [ -z "${SINK:-}" ] && hook
  for C in $CONNECTIONS; do
    # Each point starts with the rollup queue empty: the previous point's backlog (a hot run leaves one) is not this one's.
    for _ in $(seq 120); do [ "$($PG -c "select count(*) from $SCHEMA.rollup_queue")" = 0 ] && break; sleep 1; done
    echo "== $MODE, $C connections"
    NAIVE=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$C" -j 2 -T "$DURATION" \
      -D viewers=$VIEWERS -D creators=$CREATORS -f "bench/naive-$LUA_MODE.pgbench" postgres 2>/dev/null \
      | awk -F'= ' '/^tps/ {print int($2); exit}')
    LEDGER=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$C" -j 2 -T "$DURATION" \
      -D viewers=$VIEWERS -D creators=$CREATORS -f "bench/ledger-$LUA_MODE.pgbench" postgres 2>/dev/null \
      | awk -F'= ' '/^tps/ {print int($2); exit}')
    BEFORE=$(gifts); S0=$(service_ticks); P0=$(postgres_ticks)
    RESULT=$(wrk -t2 -c"$C" -d"${DURATION}s" --latency -s bench/sendgift.lua "http://127.0.0.1:$PORT" -- \
      "$OUT/tokens.txt" "$OUT/streams.txt" "$LUA_MODE" | tee "$OUT/wrk-$MODE-$C.txt" | grep '^RESULT')
    S1=$(service_ticks); P1=$(postgres_ticks); AFTER=$(gifts)
    eval "$(echo "$RESULT" | sed 's/^RESULT //')"
    SECONDS_RUN=$(awk "BEGIN {print $duration_us / 1000000}")
    RATE=$(awk "BEGIN {printf \"%d\", $ok / $SECONDS_RUN}")
    ACCEPTED=$((AFTER - BEFORE))
    AUDIT=$(audit)
    CLEAN=$(echo "$AUDIT" | grep -q '"balanced":true' && echo clean || echo "NOT CLEAN: $AUDIT")
    # Every accepted gift got an ok response, except those still in flight at the cut-off (answered after wrk stopped).
    if [ "$ACCEPTED" -ge "$ok" ] && [ "$ACCEPTED" -le $((ok + inflight)) ]; then
      MATCH="yes ($ok ok + $((ACCEPTED - ok)) of $inflight in flight at cut-off)"
    else
      MATCH="NO ($ACCEPTED in DB vs $ok ok responses, $inflight in flight)"
    fi
    ERRORS=$((failed + socket_errors + refused))
    CPU_NOTE="service $(( (S1 - S0) * TICK_US / (ok > 0 ? ok : 1) )) us, PostgreSQL $(( (P1 - P0) * TICK_US / (ok > 0 ? ok : 1) )) us"
    RATIO=$(awk "BEGIN {printf \"%.2f\", $RATE / ($NAIVE > 0 ? $NAIVE : 1)}")
    LEDGER_RATIO=$(awk "BEGIN {printf \"%.2f\", $RATE / ($LEDGER > 0 ? $LEDGER : 1)}")
    echo "   service $RATE gifts/s (p50 $((p50_us/1000)) ms, p99 $((p99_us/1000)) ms, errors $ERRORS) vs naive SQL $NAIVE tps: ${RATIO}x, vs double-entry SQL $LEDGER tps: ${LEDGER_RATIO}x; ledger $CLEAN; accepted=responses: $MATCH; CPU per gift: $CPU_NOTE"
    ROWS+=("| $MODE | $C | $RATE | $(awk "BEGIN {printf \"%.1f\", $p50_us/1000}") | $(awk "BEGIN {printf \"%.1f\", $p99_us/1000}") | $ERRORS | $NAIVE | ${RATIO}x | $LEDGER | ${LEDGER_RATIO}x | $CLEAN | $MATCH | $CPU_NOTE |")
  done
done
[ -n "${SINK:-}" ] && hook_report
echo "== read queries (10 s, 32 connections)"
WALLET_RPS=$(wrk -t2 -c32 -d10s -s bench/query.lua "http://127.0.0.1:$PORT" -- "$OUT/tokens.txt" '{"query":"{ wallet { coins } }"}' \
  | awk '/Requests\/sec/ {printf "%d", $2}')
CATALOGUE_RPS=$(wrk -t2 -c32 -d10s -s bench/query.lua "http://127.0.0.1:$PORT" -- - '{"query":"{ giftCatalogue(region: \"US\") { id name coins tier } }"}' \
  | awk '/Requests\/sec/ {printf "%d", $2}')
echo "   wallet $WALLET_RPS req/s, giftCatalogue $CATALOGUE_RPS req/s"
echo "== gift feed latency: 100 subscribers on the hot stream"
FEED=$(java bench/FeedLatency.java "$PORT" "$OUT/tokens.txt" "$(head -1 "$OUT/streams.txt")" 100 500 00000000-0000-4000-9000-000000000001 | grep '^FEED')
echo "   $FEED"
PEAK_RSS=$(rss_mb)


CORES=$(nproc)
MEM=$(awk '/MemTotal/ {printf "%.0f GiB", $2/1024/1024}' /proc/meminfo)
CPU=$(awk -F': ' '/model name/ {print $2; exit}' /proc/cpuinfo)
{
  echo "# Benchmark results"
  echo
  echo "Run: $(date -u '+%Y-%m-%d %H:%M UTC') on $CORES cores ($CPU), $MEM RAM; PostgreSQL $($PG -c 'show server_version') (autovacuum $($PG -c 'show autovacuum'), synchronous_commit $($PG -c 'show synchronous_commit')), $(java -version 2>&1 | head -1)."
  echo "Database, service and load generator share the machine. Command: \`bench/run.sh\`$( [ "${QUICK:-0}" = 1 ] && echo ' (QUICK=1)')."
  echo
  echo "Seeded: $VIEWERS funded viewers, $CREATORS live creator streams. Each point runs $DURATION s. The service runs the"
  echo "packaged app in the prod profile with RS256 JWT verification, every sendGift check and the feed NOTIFY,"
  echo "after a warm-up of ${WARMUP} s per workload (discarded)."
  echo "*naive SQL* is pgbench running the three-statement transaction (debit wallet if covered, credit creator row, insert event)"
  echo "on the same server with the same row counts; *hot* sends every gift to one creator; *engaged* is *hot* with that"
  echo "creator's stream holding two active goals and in a running LIVE Match against another stream (compared with the naive hot SQL);"
  echo "*double-entry SQL* is pgbench running the gift as a hand-made double-entry ledger writes it (bench/ledger.sql): the conditional"
  echo "wallet debit, the creator credit, the commission balance row, an entry row, three posting rows and the event, in one transaction;"
  echo "*hooked-uniform* and *hooked-hot* are *uniform* and *hot* with one creator (the hot one) subscribed to \`gift.sent\`, each of its"
  echo "gifts written to the webhook outbox by the batch statement and sent, signed, to a receiver on this machine."
  echo
  echo "Webhooks: ${WEBHOOK_NOTE:-not measured}."
  echo
  echo "| workload | connections | service gifts/s | p50 ms | p99 ms | errors | naive SQL tps | ratio | double-entry SQL tps | ratio | ledgerAudit | accepted = ok responses | CPU per gift |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "Read queries (10 s, 32 connections): \`wallet\` ${WALLET_RPS} req/s (authenticated, random viewer), \`giftCatalogue\` ${CATALOGUE_RPS} req/s (anonymous)."
  echo
  echo "Gift feed: $(echo "$FEED" | sed 's/^FEED //') (delay from the sendGift response to each subscriber's event)."
  echo
  echo "Service start-up on an empty schema (Flyway creates it): ready after ${READY_MS} ms (Quarkus reports ${STARTED} s); restart against the existing schema: ready after ${RESTART_MS} ms (Quarkus reports ${RESTARTED} s). Peak RSS (VmHWM) over the run: ${PEAK_RSS} MB, JVM options: \`$JAVA_OPTS\`, \`MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\`."
} > bench/RESULTS.md
echo
cat bench/RESULTS.md
