#!/usr/bin/env bash
# Coinstream Web measurements (a script, not a timed test): the packaged app in the prod profile with the
# bench's own JWT keys; headless Chromium from Debian driven by Playwright (test classpath).
#   1. what the stream room loads with prod sign-in configured (scripts and stylesheets: raw, gzip -9, and what the
#      service sends a browser that accepts br and gzip)
#   2. sendGift request -> alert on the stream overlay in a browser, p50/p95 over GIFTS gifts (default 100)
# Prints the figures and writes bench/out/web.txt.
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=${PORT:-8089}
GIFTS=${GIFTS:-100}
SCHEMA=coinstream_webbench
BASE=http://127.0.0.1:$PORT

command -v chromium >/dev/null || apt-get install -y -q chromium fonts-noto-color-emoji >/dev/null
pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start

echo "== build (prod package with the front end) and the test classpath (Playwright)"
./mvnw -B -q package -DskipTests
./mvnw -B -q dependency:build-classpath -Dmdep.includeScope=test -Dmdep.outputFile="$OUT/test-classpath.txt" >/dev/null

bench_keys
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" webfan 1 "$OUT/web-viewer.txt"
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" webcreator 1 "$OUT/web-creator.txt" creator
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" webops 1 "$OUT/web-admin.txt" admin
VIEWER=$(cat "$OUT/web-viewer.txt"); CREATOR=$(cat "$OUT/web-creator.txt"); ADMIN=$(cat "$OUT/web-admin.txt")

echo "== start the service (prod profile, fresh schema $SCHEMA)"
$PG -c "drop schema if exists $SCHEMA cascade" >/dev/null
bench_service_env $SCHEMA
# prod sign-in configured, as a real deployment has it: every page then loads the sign-in library's chunk (the provider
# itself is never asked here: nobody signs in, and no one was signed in in the bench's tab)
export COINSTREAM_WEB_OIDC_AUTHORITY=${COINSTREAM_WEB_OIDC_AUTHORITY:-https://id.example.com/realms/coinstream} COINSTREAM_WEB_OIDC_CLIENT_ID=${COINSTREAM_WEB_OIDC_CLIENT_ID:-coinstream-web}
java -Dquarkus.http.port=$PORT -jar target/quarkus-app/quarkus-run.jar > "$OUT/web-service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "$(ready_url)" >/dev/null; do kill -0 $PID 2>/dev/null || { tail -30 "$OUT/web-service.log"; exit 1; }; sleep 0.2; done

gql() { curl -sf "$BASE/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $1" -d "$2"; }
gql "$VIEWER" '{"query":"{ me { id } }"}' >/dev/null
gql "$ADMIN" '{"query":"mutation { grantCoins(input: {userId: \"webfan1\", coins: 100000, reason: \"web bench\", idempotencyKey: \"webbench-grant\"}) { userErrors { code } } }"}' >/dev/null
STREAM=$(gql "$CREATOR" '{"query":"mutation { startLiveStream(input: {title: \"Web bench\"}) { liveStream { id } } }"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
KEY=$(gql "$CREATOR" '{"query":"mutation { createOverlayKey(input: {label: \"bench\"}) { key } }"}' | sed -E 's/.*"key":"([^"]+)".*/\1/')

echo "== measure (stream $STREAM, $GIFTS gifts)"
PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD=1 java -cp "$(cat "$OUT/test-classpath.txt")" bench/WebBench.java "$BASE" "$STREAM" "$KEY" "$VIEWER" "$GIFTS" | tee "$OUT/web.txt"
AUDIT=$(gql "$ADMIN" '{"query":"{ ledgerAudit { balanced reconciled } }"}')
echo "ledgerAudit: $AUDIT" | tee -a "$OUT/web.txt"
