#!/usr/bin/env bash
# Memory under a soak: the packaged service with the README's JVM options, steady gifting (wrk, uniform, 8 connections)
# and SUBSCRIBERS gift-feed subscribers coming and going (bench/Soak.java: each stays 5-30 s, then opens again) for
# SECONDS; peak RSS (VmHWM) and RSS every 10 s, then ledgerAudit. About 3 minutes plus SOAK_SECONDS.
#
#   bench/soak.sh                 SOAK_SECONDS=300 SUBSCRIBERS=400 VIEWERS=10000 CREATORS=200 SKIP_BUILD=1
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="..." bench/soak.sh
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
SOAK_SECONDS=${SOAK_SECONDS:-300}
SUBSCRIBERS=${SUBSCRIBERS:-400}
VIEWERS=${VIEWERS:-10000}
CREATORS=${CREATORS:-200}
PORT=${PORT:-8089}
SCHEMA=coinstream_soak
JAVA=${JAVA:-java}
JAVA_OPTS=${JAVA_OPTS:-"-Xms64m -Xmx144m -Xmn48m -XX:MaxMetaspaceSize=96m -XX:ReservedCodeCacheSize=64m -XX:+UseSerialGC -Xss512k -XX:SharedArchiveFile=app-cds.jsa"}
export MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX:-2}
# NMT=1: native memory tracking (summary), printed at the end beside /proc's split of the resident set
[ "${NMT:-0}" = 1 ] && JAVA_OPTS="$JAVA_OPTS -XX:NativeMemoryTracking=summary"
command -v wrk >/dev/null || apt-get install -y wrk >/dev/null || (apt-get update >/dev/null && apt-get install -y wrk >/dev/null)
[ "${SKIP_BUILD:-0}" = 1 ] || ./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true
bench_seeded_service soak $SCHEMA target/quarkus-app
echo "== soak: $SOAK_SECONDS s, $SUBSCRIBERS subscribers coming and going, steady gifting"
# GIFTING=0: quiet streams (subscribers come and go while no event flows)
if [ "${GIFTING:-1}" = 1 ]; then
  wrk -t1 -c8 -d${SOAK_SECONDS}s -s bench/sendgift.lua "http://127.0.0.1:$PORT" -- "$OUT/soak-tokens.txt" "$OUT/soak-streams.txt" uniform \
    > "$OUT/soak-wrk.txt" &
else
  echo "RESULT ok=0 failed=0" > "$OUT/soak-wrk.txt" & 
fi
WRK=$!
java bench/Soak.java "$PORT" "$OUT/soak-tokens.txt" "$OUT/soak-streams.txt" "$SUBSCRIBERS" "$SOAK_SECONDS" > "$OUT/soak-subscribers.txt" &
SUBS=$!
SAMPLES=()
for _ in $(seq $((SOAK_SECONDS / 10))); do
  sleep 10
  SAMPLES+=("$(awk '/VmRSS/ {printf "%d", $2/1024}' /proc/$PID/status)")
done
wait $WRK $SUBS || true
if [ "${NMT:-0}" = 1 ]; then
  "$(dirname "$(readlink -f "$(command -v $JAVA)")")/jcmd" $PID VM.native_memory summary > "$OUT/soak-nmt.txt" || true
  grep -E '^(Rss|Anonymous|Pss_File|Pss_Anon)' /proc/$PID/smaps_rollup >> "$OUT/soak-nmt.txt" || true
  # what the heap still holds once every subscriber has gone (a full GC first)
  "$(dirname "$(readlink -f "$(command -v $JAVA)")")/jcmd" $PID GC.class_histogram > "$OUT/soak-histogram.txt" || true
  head -40 "$OUT/soak-histogram.txt" >> "$OUT/soak-nmt.txt"
fi
PEAK=$(awk '/VmHWM/ {printf "%d", $2/1024}' /proc/$PID/status)
AUDIT=$(curl -s "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $(cat "$OUT/soak-admin.txt")" \
  -d '{"query":"{ ledgerAudit { balanced reconciled } }"}')
echo "SOAK $(grep '^SOAK' "$OUT/soak-subscribers.txt" | sed 's/^SOAK //'); gifts $(grep '^RESULT' "$OUT/soak-wrk.txt" | grep -o 'ok=[0-9]*') failed $(grep '^RESULT' "$OUT/soak-wrk.txt" | grep -o 'failed=[0-9]*')"
echo "RSS every 10 s (MB): ${SAMPLES[*]}"
echo "peak RSS (VmHWM): $PEAK MB; $JAVA $JAVA_OPTS"
echo "ledgerAudit: $AUDIT"
