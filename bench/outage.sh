#!/usr/bin/env bash
# Database outage, by hand: stops the local PostgreSQL for a few seconds under a running service and
# checks that requests fail fast with a clear error, readiness turns DOWN, and the service recovers by
# itself when the database returns. (The automated test, DatabaseOutageTest, cuts a proxy instead.)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=${PORT:-8089}
CLUSTER="$(ls /etc/postgresql) main"
[ -f target/quarkus-app/quarkus-run.jar ] || ./mvnw -B -q package -DskipTests
bench_service_env coinstream_outage
java bench/TokenMint.java "$OUT/jwt-private.pem" "$MP_JWT_VERIFY_ISSUER" outage 1 "$OUT/outage-token.txt"
TOKEN=$(cat "$OUT/outage-token.txt")
java -Dquarkus.http.port=$PORT -jar target/quarkus-app/quarkus-run.jar > "$OUT/outage-service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null; pg_ctlcluster --skip-systemctl-redirect $CLUSTER start 2>/dev/null || true' EXIT
until curl -sf "$(ready_url)" >/dev/null; do sleep 0.2; done
q() { curl -s -m 10 -w ' [HTTP %{http_code}, %{time_total}s]' "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' \
        -H "Authorization: Bearer $TOKEN" -d '{"query":"{ wallet { coins } }"}'; echo; }
ready() { curl -s -o /dev/null -w '%{http_code}' "$(ready_url)"; }
echo "before:   $(q)  readiness $(ready)"
pg_ctlcluster --skip-systemctl-redirect $CLUSTER stop -m fast
echo "database stopped"
sleep 1
echo "during:   $(q)  readiness $(ready)"
sleep 3
echo "during:   $(q)  readiness $(ready)"
pg_ctlcluster --skip-systemctl-redirect $CLUSTER start || true
until pg_isready -h 127.0.0.1 -q; do sleep 0.2; done
echo "database started"
for i in $(seq 1 30); do
  OUT_Q=$(q)
  if echo "$OUT_Q" | grep -q '"coins"'; then echo "recovered after ${i}x0.5s: $OUT_Q  readiness $(ready)"; break; fi
  sleep 0.5
done
sleep 2; echo "after:    $(q)  readiness $(ready)"
