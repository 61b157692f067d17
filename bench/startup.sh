#!/usr/bin/env bash
# Start-up of a packaged build, to the first ready answer, against an existing (migrated) schema.
#
#   bench/startup.sh [APP_DIR]        APP_DIR defaults to target/quarkus-app
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="-XX:AOTCache=app.aot" RUNS=5 bench/startup.sh
#
# The schema (SCHEMA, default coinstream_startup) is created by a first start that is not counted. Prints each run's time to ready
# (ms, measured from outside) and Quarkus' own "started in", then the median.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
APP=$(cd "${1:-target/quarkus-app}" && pwd)
JAVA=${JAVA:-java}
RUNS=${RUNS:-5}
JAVA_OPTS=${JAVA_OPTS:-}
export COINSTREAM_MANAGEMENT_PORT=${COINSTREAM_MANAGEMENT_PORT:-9911}
bench_service_env "${SCHEMA:-coinstream_startup}"
PORT=${PORT:-8111}
once() {
  local t0 pid ms
  t0=$(date +%s%N)
  (cd "$APP" && exec $JAVA $JAVA_OPTS -Dquarkus.http.port=$PORT -jar quarkus-run.jar) > "$OUT/startup.log" 2>&1 &
  pid=$!
  until is_ready; do
    kill -0 $pid 2>/dev/null || { echo "service died" >&2; tail -30 "$OUT/startup.log" >&2; exit 1; }
    sleep 0.02
  done
  ms=$(( ($(date +%s%N) - t0) / 1000000 ))
  echo "$ms $(grep -o 'started in [0-9.]*s' "$OUT/startup.log" | head -1 | grep -o '[0-9.]*')"
  kill $pid; wait $pid 2>/dev/null || true
}
once >/dev/null # creates or migrates the schema
TIMES=()
for i in $(seq "$RUNS"); do
  r=$(once); echo "run $i: ready after ${r% *} ms (Quarkus: ${r#* } s)"; TIMES+=("${r% *}")
done
echo "median: $(printf '%s\n' "${TIMES[@]}" | sort -n | sed -n "$(( (RUNS + 1) / 2 ))p") ms ($JAVA $JAVA_OPTS)"
