#!/usr/bin/env bash
# Read costs against history (a script, not a timed test): median time of `earnings` (every breakdown), `topGifters`
# and `leaderboard` for one creator with 1,000 gifts, then with 1,000,000 gifts, on the packaged app (prod profile,
# the bench's own JWT keys).
#   - the first 1,000 gifts go through sendGift (the real path, rollups written by the batch);
#   - the other 999,000 are inserted with SQL straight into gift_event, spread over the last 60 days and 1,000 senders:
#     the same trigger and rollup applier keep the rollups, so the reads see what a million sendGifts would leave
#     behind; no ledger entries are written for them (this bench reads, it does not audit).
# Each figure: the median of REQUESTS (default 200) sequential requests after 50 warm-up requests, from curl's own
# timing (time_total, keep-alive off). Prints a table and writes bench/out/reads.txt.
#   SKIP_BUILD=1 bench/reads.sh    (reuse target/quarkus-app)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh
PORT=${PORT:-8089}
REQUESTS=${REQUESTS:-200}
SCHEMA=coinstream_readbench
BASE=http://127.0.0.1:$PORT

pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
if [ "${SKIP_BUILD:-0}" != "1" ]; then
  echo "== build (prod package)"
  ./mvnw -B -q package -DskipTests
fi
bench_keys
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" readfan 10 "$OUT/read-viewers.txt"
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" readstar 1 "$OUT/read-creator.txt" creator
java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" readops 1 "$OUT/read-admin.txt" admin
CREATOR=$(cat "$OUT/read-creator.txt"); ADMIN=$(cat "$OUT/read-admin.txt"); VIEWER=$(head -1 "$OUT/read-viewers.txt")

echo "== start the service (prod profile, fresh schema $SCHEMA)"
$PG -c "drop schema if exists $SCHEMA cascade" >/dev/null
bench_service_env $SCHEMA
export COINSTREAM_GIFT_RATE_PER_SECOND=100000
java -Xmx512m -Dquarkus.http.port=$PORT -jar target/quarkus-app/quarkus-run.jar > "$OUT/reads-service.log" 2>&1 &
PID=$!
trap 'kill $PID 2>/dev/null || true' EXIT
until curl -sf "$(ready_url)" >/dev/null; do kill -0 $PID 2>/dev/null || { tail -30 "$OUT/reads-service.log"; exit 1; }; sleep 0.2; done

gql() { curl -sf "$BASE/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $1" -d "$2"; }
gql "$CREATOR" '{"query":"{ me { id } }"}' >/dev/null
STREAM=$(gql "$CREATOR" '{"query":"mutation { startLiveStream(input: {title: \"Reads bench\"}) { liveStream { id } } }"}' | sed -E 's/.*"id":"([^"]+)".*/\1/')
i=0
while read -r T; do
  i=$((i + 1))
  gql "$T" '{"query":"{ me { id } }"}' >/dev/null
  gql "$ADMIN" "{\"query\":\"mutation { grantCoins(input: {userId: \\\"readfan$i\\\", coins: 100000, reason: \\\"reads bench\\\", idempotencyKey: \\\"readbench-$i\\\"}) { userErrors { code } } }\"}" >/dev/null
done < "$OUT/read-viewers.txt"

echo "== 1,000 gifts through sendGift"
send() {
  local n=$1 token
  token=$(sed -n "$(( (n % 10) + 1 ))p" "$OUT/read-viewers.txt")
  curl -sf "$BASE/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" \
    -d "{\"query\":\"mutation { sendGift(input: {streamId: \\\"$STREAM\\\", giftId: \\\"00000000-0000-4000-9000-00000000000$(( n % 2 == 0 ? 1 : 5 ))\\\", idempotencyKey: \\\"readbench-gift-$n\\\"}) { userErrors { code } } }\"}" \
    | grep -q '"userErrors":\[\]' || { echo "gift $n refused"; exit 1; }
}
export -f send; export BASE STREAM OUT
seq 1 1000 | xargs -P 8 -I{} bash -c 'send {}'

EARNINGS='{"query":"{ earnings { diamonds { pending available inPayout } cashValue { amount } totals { gifts coins diamonds } byStream(first: 10) { diamonds } byGift(first: 10) { quantity diamonds } topSupporters(first: 10) { coins } byDay(days: 30) { diamonds } hourOfDay { diamonds } } }"}'
TOP="{\"query\":\"{ topGifters(streamId: \\\"$STREAM\\\", first: 10) { coins gifts } }\"}"
BOARD='{"query":"{ leaderboard(input: {scope: CREATOR_SUPPORTERS, creatorId: \"readstar1\", period: ALL_TIME, first: 10}) { nodes { rank coins value { amount } } } }"}'
GIFTERS='{"query":"{ leaderboard(input: {scope: TOP_GIFTERS, period: MONTH, first: 10}) { nodes { rank coins } } }"}'

median() { # token body -> median ms of REQUESTS requests
  local token=$1 body=$2
  for _ in $(seq 1 50); do curl -s -o /dev/null "$BASE/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $token" -d "$body"; done
  for _ in $(seq 1 "$REQUESTS"); do
    curl -s -o /dev/null -w '%{time_total}\n' -H 'Connection: close' "$BASE/graphql" -H 'Content-Type: application/json' \
      -H "Authorization: Bearer $token" -d "$body"
  done | sort -n | awk '{ a[NR] = $1 } END { printf "%.1f", (NR % 2 ? a[(NR + 1) / 2] : (a[NR / 2] + a[NR / 2 + 1]) / 2) * 1000 }'
}
check() { gql "$1" "$2" | grep -q '"errors"' && { echo "query failed: $2"; gql "$1" "$2"; exit 1; } || true; }
for q in "$EARNINGS"; do check "$CREATOR" "$q"; done
for q in "$TOP" "$BOARD" "$GIFTERS"; do check "$VIEWER" "$q"; done

measure() {
  echo "$1 $(median "$CREATOR" "$EARNINGS") $(median "$VIEWER" "$TOP") $(median "$VIEWER" "$BOARD") $(median "$VIEWER" "$GIFTERS")"
}
echo "== medians at 1,000 gifts"
SMALL=$(measure 1000)
echo "$SMALL"

echo "== 999,000 more gifts to the same creator, by SQL (the rollup triggers run as for sendGift)"
$PG <<SQL
set search_path = $SCHEMA;
insert into app_user (id, display_name, region, created_at)
select 'readbulk' || i, 'Bulk viewer ' || i, 'US', now() from generate_series(1, 1000) i on conflict do nothing;
SQL
for chunk in $(seq 0 9); do
  $PG <<SQL
set search_path = $SCHEMA;
insert into gift_event (id, stream_id, gift_id, sender_id, creator_id, quantity, unit_coins, coins, diamonds, commission,
                        rate_version, value_minor, value_currency, entry_id, created_at, slot, stream_seq, stream_total, anonymous)
select gen_random_uuid(), '$STREAM', '00000000-0000-4000-9000-000000000001', 'readbulk' || (1 + n % 1000), 'readstar1', 1, 1, 1, 0, 1,
       1, 1, 'USD', 0, now() - (n % 5184000) * interval '1 second', (n % 2)::smallint, 1000 + n, 0, n % 50 = 0
from generate_series($chunk * 99900 + 1, ($chunk + 1) * 99900) n;
SQL
done
echo "   waiting for the rollup applier to fold them in"
until [ "$($PG -c "select count(*) from $SCHEMA.rollup_queue")" = "0" ]; do sleep 1; done
# the stream's sequence row holds its totals too (V27): the bulk gifts' count, coins and diamonds
$PG -c "update $SCHEMA.stream_gift_seq q set last = g.last, coins = g.coins, diamonds = g.diamonds
  from (select max(stream_seq) as last, sum(coins) as coins, sum(diamonds) as diamonds from $SCHEMA.gift_event where stream_id = '$STREAM') g
  where q.stream_id = '$STREAM'" >/dev/null
$PG -c "vacuum analyze" >/dev/null 2>&1 || true
COUNT=$($PG -c "select count(*) from $SCHEMA.gift_event where creator_id = 'readstar1'")
echo "gifts to the creator: $COUNT"
for q in "$EARNINGS"; do check "$CREATOR" "$q"; done
for q in "$TOP" "$BOARD" "$GIFTERS"; do check "$VIEWER" "$q"; done
echo "== medians at $COUNT gifts"
LARGE=$(measure "$COUNT")
echo "$LARGE"

{
  echo "# Reads against history ($(date -u +%Y-%m-%d), $(nproc) cores; median ms of $REQUESTS requests, curl time_total)"
  echo
  echo "| gifts to the creator | earnings (all breakdowns) | topGifters | leaderboard CREATOR_SUPPORTERS ALL_TIME | leaderboard TOP_GIFTERS MONTH |"
  echo "|---|---|---|---|---|"
  echo "$SMALL" | awk '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
  echo "$LARGE" | awk '{ printf "| %s | %s | %s | %s | %s |\n", $1, $2, $3, $4, $5 }'
} | tee "$OUT/reads.txt"
