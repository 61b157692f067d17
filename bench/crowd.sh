#!/usr/bin/env bash
# A crowd in the rooms: the packaged service with the README's JVM options, CONNECTIONS viewers (one WebSocket each)
# holding SUBSCRIPTIONS gift feeds each (bench/Crowd.java), then 15 s of gifting (wrk, 8 connections) while they
# listen. Prints what was taken and refused, the heap the crowd holds (after a full collection, against the service
# before it came), readiness during it, the gifts and ledgerAudit. About 2 minutes.
#
#   bench/crowd.sh                CONNECTIONS=2000 SUBSCRIPTIONS=1 VIEWERS=10000 CREATORS=200 SKIP_BUILD=1
#   JAVA=... JAVA_OPTS="..." COINSTREAM_WEBSOCKET_BUDGET=... bench/crowd.sh
#   APP_DIR=/tmp/coinstream-bench-<sha>/target/quarkus-app bench/crowd.sh      (another build, packaged there)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
CONNECTIONS=${CONNECTIONS:-2000}
SUBSCRIPTIONS=${SUBSCRIPTIONS:-1}
VIEWERS=${VIEWERS:-10000}
CREATORS=${CREATORS:-200}
PORT=${PORT:-8091}
SCHEMA=coinstream_crowd
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-"-Xms64m -Xmx144m -Xmn48m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:+UseSerialGC -Xss512k"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2} COINSTREAM_MANAGEMENT_PORT=${COINSTREAM_MANAGEMENT_PORT:-9912}
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || (apt-get update >/dev/null && apt-get install -y wrk >/dev/null)
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q package -DskipTests
bench_seeded_service crowd $SCHEMA "${APP_DIR:-target/quarkus-app}"
JCMD="$(dirname "$(readlink -f "$(command -v $JAVA)")")/jcmd"
heap() { "$JCMD" $PID GC.class_histogram | tail -n 1 | awk '{printf "%d", $3 / 1048576}'; }
BEFORE=$(heap)
echo "== crowd: $CONNECTIONS connections x $SUBSCRIPTIONS subscriptions"
java bench/Crowd.java "$PORT" "$OUT/crowd-tokens.txt" "$OUT/crowd-streams.txt" "$CONNECTIONS" "$SUBSCRIPTIONS" 25 > "$OUT/crowd-clients.txt" &
CROWD=$!
sleep 12
HELD=$(heap)
READY=$(curl -s -m 5 -o /dev/null -w '%{http_code} in %{time_total} s' "$(ready_url)" || true)
wrk -t1 -c8 -d15s -s bench/sendgift.lua "http://127.0.0.1:$PORT" -- "$OUT/crowd-tokens.txt" "$OUT/crowd-streams.txt" uniform \
  > "$OUT/crowd-wrk.txt" || true
wait $CROWD || true
AUDIT=$(curl -s -m 30 "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $(cat "$OUT/crowd-admin.txt")" \
  -d '{"query":"{ ledgerAudit { balanced reconciled } }"}' || echo "no answer")
cat "$OUT/crowd-clients.txt"
echo "heap after a full collection: $BEFORE MB before the crowd, $HELD MB with it; readiness during it: $READY"
echo "gifts while it listened: $(grep '^RESULT' "$OUT/crowd-wrk.txt" || echo none) ($(grep -o 'Requests/sec: *[0-9.]*' "$OUT/crowd-wrk.txt" || true))"
echo "event loop blocked warnings: $(grep -c 'has been blocked' "$OUT/crowd-service.log" || true); OutOfMemoryError: $(grep -c OutOfMemoryError "$OUT/crowd-service.log" || true)"
echo "ledgerAudit: $AUDIT"
echo "$JAVA $JAVA_OPTS, COINSTREAM_WEBSOCKET_BUDGET=${COINSTREAM_WEBSOCKET_BUDGET:-unset}"
