#!/usr/bin/env bash
# Coinstream gift benchmark: the packaged service (prod profile, real JWT verification, every sendGift
# check, feed NOTIFY on) against the naive raw-SQL transaction run by pgbench on the same PostgreSQL,
# in the same run. Writes bench/RESULTS.md.
#
#   bench/run.sh                      full run: 100k viewers, 1k streams, 32 and 64 connections, 20 s/point
#   QUICK=1 bench/run.sh              quick look: 10k viewers, 32 connections, 8 s/point
#   VIEWERS= CREATORS= DURATION= CONNECTIONS="32 64" bench/run.sh
#   JAVA=/usr/lib/jvm/temurin-25-jdk-amd64/bin/java JAVA_OPTS="..." bench/run.sh    the service on another JVM, other options
#   WORKLOADS="uniform" RESTART_COUNT=0 REFERENCES=0 READS=0 bench/run.sh
#                                     leaner: only those workloads, no restarts, no pgbench references, no read
#                                     queries nor feed latency (bench/guard.sh runs it so)
set -euo pipefail
cd "$(dirname "$0")/.."
. bench/common.sh

if [ "${QUICK:-0}" = "1" ]; then
  VIEWERS=${VIEWERS:-10000}; CREATORS=${CREATORS:-1000}; DURATION=${DURATION:-8}; CONNECTIONS=${CONNECTIONS:-32}
else
  VIEWERS=${VIEWERS:-100000}; CREATORS=${CREATORS:-1000}; DURATION=${DURATION:-20}; CONNECTIONS=${CONNECTIONS:-"32 64"}
fi
PORT=${PORT:-8089}
SCHEMA=coinstream_bench

need() { command -v "$1" >/dev/null 2>&1; }
if ! need wrk || ! need pgbench; then
  echo "Installing wrk (and the PostgreSQL client for pgbench)"
  (apt-get install -y wrk postgresql-client >/dev/null 2>&1) || (apt-get update >/dev/null && apt-get install -y wrk postgresql-client >/dev/null)
fi
pg_isready -h 127.0.0.1 -q || pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main start
pg_restart() {
  pg_ctlcluster --skip-systemctl-redirect "$(ls /etc/postgresql)" main restart
  until pg_isready -h 127.0.0.1 -q; do sleep 0.2; done
}
# pg_stat_statements says what each gift costs PostgreSQL (WAL records: one per row and per index entry written).
# Loading it needs a restart, once; it stays loaded (it changes nothing else).
if ! $PG -c "show shared_preload_libraries" | grep -q pg_stat_statements; then
  echo "== load pg_stat_statements (restarts PostgreSQL once)"
  $PG -c "alter system set shared_preload_libraries = 'pg_stat_statements'" >/dev/null
  pg_restart
fi
$PG -c "create extension if not exists pg_stat_statements" >/dev/null
# pg_walinspect (contrib, PostgreSQL 15) says which table or index each WAL record of a point was for.
$PG -c "create extension if not exists pg_walinspect" >/dev/null
# PG_SETTINGS="name=value ...": PostgreSQL settings a deployment may choose, applied (ALTER SYSTEM, restart) for this run
# only and reset at the end. The naive and double-entry SQL run under the same settings, so the ratios stay fair.
PG_SETTINGS=${PG_SETTINGS:-}
if [ -n "$PG_SETTINGS" ]; then
  echo "== PostgreSQL settings for this run: $PG_SETTINGS"
  for kv in $PG_SETTINGS; do $PG -c "alter system set ${kv%%=*} = '${kv#*=}'" >/dev/null; done
  pg_restart
fi
reset_pg_settings() {
  [ -n "$PG_SETTINGS" ] || return 0
  for kv in $PG_SETTINGS; do $PG -c "alter system reset ${kv%%=*}" >/dev/null; done
  pg_restart
}

echo "== build (prod package, with an AppCDS archive of the classes loaded at start-up)"
./mvnw -B -q package -DskipTests -Dquarkus.package.jar.appcds.enabled=true

echo "== fresh schema $SCHEMA, start the service"
$PG -c "drop schema if exists $SCHEMA cascade" >/dev/null
bench_service_env $SCHEMA
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
  (cd target/quarkus-app && exec ${JAVA:-java} $JAVA_OPTS -Dquarkus.http.port=$PORT -jar quarkus-run.jar) > "$log" 2>&1 &
  PID=$!
  until is_ready; do
    kill -0 $PID 2>/dev/null || { echo "service died"; tail -30 "$log"; exit 1; }
    sleep 0.1
  done
  READY=$(( ($(date +%s%N) - t0) / 1000000 ))
  QUARKUS=$(grep -o 'started in [0-9.]*s' "$log" | head -1 | grep -o '[0-9.]*')
  echo "   ready after ${READY} ms (Quarkus: started in ${QUARKUS}s)"
}
trap 'kill $PID 2>/dev/null || true; reset_pg_settings' EXIT
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

WORKLOADS=${WORKLOADS:-uniform hot}
RESTART_COUNT=${RESTART_COUNT:-3}
echo "== restart the service against the seeded schema, $RESTART_COUNT times (start-up as an operator usually sees it)"
# The load then runs on the last process started against the seeded schema, as in production after a deploy.
RESTARTS=()
READIES=(0)
for i in $(seq "$RESTART_COUNT"); do
  kill $PID; wait $PID 2>/dev/null || true
  start_service "$OUT/service-restart.log"
  RESTARTS+=("$READY ms ($QUARKUS s)")
  READIES[$i]=$READY
done
RESTART_MS=$(printf '%s\n' "${READIES[@]}" | sort -n | sed -n "$(( RESTART_COUNT / 2 + 2 ))p")
RESTART_MS=${RESTART_MS:-0}
echo "== naive raw-SQL tables (same row counts)"
$PG -v viewers=$VIEWERS -v creators=$CREATORS -f bench/naive.sql >/dev/null
$PG -v viewers=$VIEWERS -v creators=$CREATORS -f bench/ledger.sql >/dev/null

gifts() { $PG -c "select count(*) from $SCHEMA.gift_event"; }
audit() {
  curl -s "http://127.0.0.1:$PORT/graphql" -H 'Content-Type: application/json' -H "Authorization: Bearer $ADMIN_TOKEN" \
    -d '{"query":"{ ledgerAudit { balanced mismatches { kind } } }"}'
}
# WAL records the whole cluster wrote (pg_stat_wal), and rows the service's schema had written (inserted, updated or
# deleted: pg_stat_user_tables), all of them and those of the rollups behind leaderboards and breakdowns (the ranked
# boards' tables before V31 and after it: board_now, board_past; a stream's supporters, unlogged since V44, counted among
# them from 2026-12-06 on).
cluster_wal() { $PG -c "select wal_records from pg_stat_wal"; }
rows_written() {
  $PG -F' ' -c "select coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del), 0),
      coalesce(sum(n_tup_ins + n_tup_upd + n_tup_del) filter (where relname in ('rollup_queue', 'creator_supporter_total', 'gifter_total',
      'creator_total', 'creator_gift_total', 'creator_stream_total', 'creator_hour_total', 'creator_hour_past', 'board_now', 'board_past',
      'stream_supporter_total')), 0)
    from pg_stat_user_tables where schemaname = '$SCHEMA'"
}
# wal_by_relation FROM TO GIFTS: WAL records per gift by the relation of their first block (a table, an index), or by
# their kind when they have none (commits), largest first: "name n.n" for each at least 0.1 per gift.
wal_by_relation() {
  $PG -F' ' -c "select coalesce(c.relname, w.resource_manager || ':' || split_part(w.record_type, ' ', 1)), round(count(*)::numeric / $3, 1)
    from pg_get_wal_records_info('$1', '$2') w
    left join lateral (select (regexp_match(w.block_ref, 'rel (\d+)/\d+/(\d+)'))::oid[] as m) b on true
    left join pg_class c on c.oid = pg_filenode_relation(case when b.m[1] = 1663 then 0 else b.m[1] end, b.m[2])
    group by 1 having count(*) >= $3 * 0.1 order by 2 desc" | awk '{printf "%s%s %s", (NR > 1 ? ", " : ""), $1, $2}'
}
# rows_by_table: the same count per table, one "table rows" line each (the per-writer breakdown of a point).
rows_by_table() {
  $PG -F' ' -c "select relname, n_tup_ins + n_tup_upd + n_tup_del from pg_stat_user_tables where schemaname = '$SCHEMA' order by relname collate \"C\""
}
# wait_sampler FILE: every 50 ms, what each running gift batch statement, and each COMMIT (nearly all of them the
# batches' during a point), waits on (pg_stat_activity), one line per statement sampled, until killed. (pg_stat_activity keeps a statement's first 1 KB: the batch statement is known by
# its opening comment, "The gift rules ...".) "Lock:object" at commit is PostgreSQL's one notification lock (a transaction that
# issued NOTIFY takes it to queue its notifications, one commit at a time); CPU means it was not waiting.
wait_sampler() {
  printf '%s\n' "select case when query = 'COMMIT' then 'commit ' else '' end || coalesce(wait_event_type || ':' || wait_event, 'CPU')
    from pg_stat_activity where state = 'active' and pid <> pg_backend_pid()
    and (query like '%gift rules%' or query like '%insert into gift_event%' or query = 'COMMIT')
    \\watch 0.05" > "$1.sql"
  # exec: the background job is psql itself, so killing it ends the sampling; line-buffered, as it is killed, not ended
  exec stdbuf -oL psql -h 127.0.0.1 -U postgres -d postgres -qtA -f "$1.sql" > "$1" 2>/dev/null
}
# wait_summary FILE: the share of samples per wait, largest first.
wait_summary() {
  { grep -v '^$' "$1" || true; } | sort | uniq -c | sort -rn | awk '{c[NR] = $1; t += $1; sub(/^ *[0-9]+ /, ""); n[NR] = $0} END {
    if (t == 0) { print "no samples"; exit }
    for (i = 1; i <= NR && i <= 4; i++) printf "%s%s %.0f%%", (i > 1 ? ", " : ""), n[i], 100 * c[i] / t }'
}
rss_mb() { awk '/VmHWM/ {printf "%d", $2/1024}' /proc/$PID/status; }
# CPU time (clock ticks) of the service and of all PostgreSQL processes, to say where the time goes.
service_ticks() { awk '{print $14 + $15}' /proc/$PID/stat; }
postgres_ticks() { for p in $(pgrep -u postgres); do awk '{print $14 + $15}' /proc/$p/stat 2>/dev/null; done | awk '{s += $1} END {print s + 0}'; }
TICK_US=$((1000000 / $(getconf CLK_TCK)))

# On two shared cores the C2 compiler keeps a core half busy for about a minute of load; measure the
# steady state, as a long-running service sees it, not the JIT.
WARMUP=${WARMUP:-30}
echo "== warm-up ($WARMUP s of each of: $WORKLOADS; 64 connections, discarded: JIT and caches)"
for MODE in $WORKLOADS; do
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
trap 'kill $PID 2>/dev/null || true; [ -z "${SINK:-}" ] || kill $SINK 2>/dev/null || true; reset_pg_settings' EXIT

ROWS=()
HISTOGRAMS=()
BY_TABLES=()
WAITS=()
declare -A T_RATE T_NAIVE T_LEDGER T_P99 T_P50 T_WAL T_ROWS
POINTS_OK=yes
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
  # (in the service's schema: the delete's trigger, V49, names the outbox as the service sees it)
  PGOPTIONS="-c search_path=$SCHEMA" $PG -c "update webhook_subscription set status = 'DELETED'" >/dev/null
}

for MODE in $WORKLOADS ${HOOKED_MODES:-hooked-uniform hooked-hot} ${ENGAGED_MODE:-engaged}; do
  [ "$MODE" = "engaged" ] && [ -n "${SINK:-}" ] && hook_report
  [ "$MODE" = "none" ] && continue
  LUA_MODE=${MODE/engaged/hot}
  LUA_MODE=${LUA_MODE#hooked-}
  [ "$MODE" = "engaged" ] && engage
  [ "${MODE%%-*}" = "hooked" ] && [ -z "${SINK:-}" ] && hook
  for C in $CONNECTIONS; do
    # Each point starts with the rollup queue empty: the previous point's backlog (a hot run leaves one) is not this one's.
    for _ in $(seq 120); do [ "$(queue_length $SCHEMA)" = 0 ] && break; sleep 1; done
    echo "== $MODE, $C connections"
    NAIVE=0 LEDGER=0
    [ "${REFERENCES:-1}" = 0 ] || NAIVE=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$C" -j 2 -T "$DURATION" \
      -D viewers=$VIEWERS -D creators=$CREATORS -f "bench/naive-$LUA_MODE.pgbench" postgres 2>/dev/null \
      | awk -F'= ' '/^tps/ {print int($2); exit}')
    [ "${REFERENCES:-1}" = 0 ] || LEDGER=$(pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$C" -j 2 -T "$DURATION" \
      -D viewers=$VIEWERS -D creators=$CREATORS -f "bench/ledger-$LUA_MODE.pgbench" postgres 2>/dev/null \
      | awk -F'= ' '/^tps/ {print int($2); exit}')
    $PG -c "select pg_stat_statements_reset()" >/dev/null
    BEFORE=$(gifts); S0=$(service_ticks); P0=$(postgres_ticks); W0=$(cluster_wal); L0=$($PG -c "select pg_current_wal_insert_lsn()"); read -r R0 RR0 <<< "$(rows_written)"; rows_by_table > "$OUT/rows0-$MODE-$C.txt"
    wait_sampler "$OUT/waits-$MODE-$C.txt" & SAMPLER=$!
    RESULT=$(wrk -t2 -c"$C" -d"${DURATION}s" --latency -s bench/sendgift.lua "http://127.0.0.1:$PORT" -- \
      "$OUT/tokens.txt" "$OUT/streams.txt" "$LUA_MODE" | tee "$OUT/wrk-$MODE-$C.txt" | grep '^RESULT')
    S1=$(service_ticks); P1=$(postgres_ticks); AFTER=$(gifts)
    kill $SAMPLER 2>/dev/null; wait $SAMPLER 2>/dev/null || true
    WAITS+=("| $MODE | $C | $(wait_summary "$OUT/waits-$MODE-$C.txt") |")
    # Counted from outside after the service drained: the rollup queue empty, then the backends' table statistics
    # flushed (PostgreSQL 15 sends an idle backend's at most 10 s late).
    for _ in $(seq 120); do [ "$(queue_length $SCHEMA)" = 0 ] && break; sleep 1; done
    sleep 11
    W1=$(cluster_wal); read -r R1 RR1 <<< "$(rows_written)"; rows_by_table > "$OUT/rows1-$MODE-$C.txt"
    # (the point's end as far as WAL is flushed: pg_walinspect refuses an end past the flushed WAL, "cannot accept
    # future end LSN", which a record inserted but not yet flushed, a background writer's, made happen)
    L1=$($PG -c "select pg_current_wal_flush_lsn()")
    PER=$(( AFTER - BEFORE > 0 ? AFTER - BEFORE : 1 ))
    CLUSTER_WAL=$(awk "BEGIN {printf \"%.1f\", ($W1 - $W0) / $PER}")
    ROWS_PER_GIFT=$(awk "BEGIN {printf \"%.1f\", ($R1 - $R0) / $PER}")
    ROLLUP_ROWS=$(awk "BEGIN {printf \"%.1f\", ($RR1 - $RR0) / $PER}")
    # rows per gift by table, largest first: "table n.n" for each table that wrote at least 0.05 per gift
    BY_TABLE=$(LC_ALL=C join "$OUT/rows0-$MODE-$C.txt" "$OUT/rows1-$MODE-$C.txt" \
      | awk -v per="$PER" '{d = ($3 - $2) / per; if (d >= 0.05) printf "%s %.1f\n", $1, d}' | sort -k2 -rn | paste -sd, - | sed 's/,/, /g')
    BY_TABLES+=("| $MODE | $C | $BY_TABLE | $(wal_by_relation "$L0" "$L1" "$PER") |")
    HISTOGRAMS+=("| $MODE | $C | $(grep '^HISTOGRAM' "$OUT/wrk-$MODE-$C.txt" | sed 's/^HISTOGRAM //') |")
    # Per accepted gift, over every statement the service ran during the point (the batch, the rollup applier, the
    # feed, lookups): WAL records (one per row and index entry written, plus commits) and the gift batch statement's time.
    PGSS=$($PG -F' ' -c "select round(sum(wal_records)::numeric / greatest($AFTER - $BEFORE, 1), 1),
        round((sum(wal_records) filter (where query like '%insert into gift_event%'))::numeric / greatest($AFTER - $BEFORE, 1), 1),
        round((sum(total_exec_time) filter (where query like '%insert into gift_event%'))::numeric * 1000 / greatest($AFTER - $BEFORE, 1))
        from pg_stat_statements where dbid = (select oid from pg_database where datname = current_database())
        and query not like '%pg_stat_statements%'")
    read -r WAL_PER_GIFT BATCH_WAL BATCH_US <<< "$PGSS"
    eval "$(echo "$RESULT" | sed 's/^RESULT //')"
    SECONDS_RUN=$(awk "BEGIN {print $duration_us / 1000000}")
    RATE=$(awk "BEGIN {printf \"%d\", $ok / $SECONDS_RUN}")
    ACCEPTED=$((AFTER - BEFORE))
    AUDIT=$(audit)
    CLEAN=$(echo "$AUDIT" | grep -qF '"balanced":true,"mismatches":[]' && echo clean || echo "NOT CLEAN: $AUDIT")
    # Every accepted gift got an ok response, except those still in flight at the cut-off (answered after wrk stopped).
    if [ "$ACCEPTED" -ge "$ok" ] && [ "$ACCEPTED" -le $((ok + inflight)) ]; then
      MATCH="yes ($ok ok + $((ACCEPTED - ok)) of $inflight in flight at cut-off)"
    else
      MATCH="NO ($ACCEPTED in DB vs $ok ok responses, $inflight in flight)"
    fi
    ERRORS=$((failed + socket_errors + refused))
    CPU_NOTE="service $(( (S1 - S0) * TICK_US / (ok > 0 ? ok : 1) )) us, PostgreSQL $(( (P1 - P0) * TICK_US / (ok > 0 ? ok : 1) )) us"
    KEY="$MODE-$C"
    T_RATE[$KEY]=$RATE; T_NAIVE[$KEY]=$NAIVE; T_LEDGER[$KEY]=$LEDGER; T_P99[$KEY]=$((p99_us / 1000))
    T_P50[$KEY]=$(awk "BEGIN {printf \"%.1f\", $p50_us/1000}"); T_WAL[$KEY]=$CLUSTER_WAL; T_ROWS[$KEY]=$ROWS_PER_GIFT
    [ "$ERRORS" = 0 ] && [ "$CLEAN" = clean ] && [ "${MATCH%% *}" = yes ] || POINTS_OK=no
    RATIO=$(awk "BEGIN {printf \"%.2f\", $RATE / ($NAIVE > 0 ? $NAIVE : 1)}")
    LEDGER_RATIO=$(awk "BEGIN {printf \"%.2f\", $RATE / ($LEDGER > 0 ? $LEDGER : 1)}")
    echo "   service $RATE gifts/s (p50 $((p50_us/1000)) ms, p99 $((p99_us/1000)) ms, errors $ERRORS) vs naive SQL $NAIVE tps: ${RATIO}x, vs double-entry SQL $LEDGER tps: ${LEDGER_RATIO}x; ledger $CLEAN; accepted=responses: $MATCH; CPU per gift: $CPU_NOTE"
    ROWS+=("| $MODE | $C | $RATE | $(awk "BEGIN {printf \"%.1f\", $p50_us/1000}") | $(awk "BEGIN {printf \"%.1f\", $p99_us/1000}") | $ERRORS | $NAIVE | ${RATIO}x | $LEDGER | ${LEDGER_RATIO}x | $CLEAN | $MATCH | $CPU_NOTE | $BATCH_WAL / $WAL_PER_GIFT | $CLUSTER_WAL | $ROWS_PER_GIFT ($ROLLUP_ROWS) | $BATCH_US |")
  done
done
[ -n "${SINK:-}" ] && hook_report
WALLET_RPS="not measured" CATALOGUE_RPS="not measured" FEED="FEED not measured"
if [ "${READS:-1}" = 1 ]; then
echo "== read queries (10 s, 32 connections)"
WALLET_RPS=$(wrk -t2 -c32 -d10s -s bench/query.lua "http://127.0.0.1:$PORT" -- "$OUT/tokens.txt" '{"query":"{ wallet { coins } }"}' \
  | awk '/Requests\/sec/ {printf "%d", $2}')
CATALOGUE_RPS=$(wrk -t2 -c32 -d10s -s bench/query.lua "http://127.0.0.1:$PORT" -- - '{"query":"{ giftCatalogue(region: \"US\") { id name coins tier } }"}' \
  | awk '/Requests\/sec/ {printf "%d", $2}')
echo "   wallet $WALLET_RPS req/s, giftCatalogue $CATALOGUE_RPS req/s"
echo "== gift feed latency: 100 subscribers on the hot stream"
FEED=$(java bench/FeedLatency.java "$PORT" "$OUT/tokens.txt" "$(head -1 "$OUT/streams.txt")" 100 500 00000000-0000-4000-9000-000000000001 | grep '^FEED')
echo "   $FEED"
fi
PEAK_RSS=$(rss_mb)


PG_SHOWN=$($PG -F'=' -c "select string_agg(name || '=' || current_setting(name), ', ' order by name) from pg_settings
  where name in ('shared_buffers', 'max_wal_size', 'checkpoint_timeout', 'wal_compression', 'wal_buffers', 'commit_delay',
                 'synchronous_commit', 'full_page_writes', 'autovacuum', 'shared_preload_libraries')")

# The issue's targets (issue 31), each marked met or not from this run's figures. A figure the run did not measure
# (a workload, a connection count, the restarts, the SQL references left out) is "not measured", never met.
ratio() { awk "BEGIN {printf \"%.2f\", ${1:-0} / (${2:-0} > 0 ? $2 : 1)}"; }
ge() { awk "BEGIN {exit !(${1:-0} >= ${2:-0})}"; }
mark() { if "$@"; then echo yes; else echo no; fi; }
# every measured point's value of one figure ("uniform 64: 26.3, hot 64: 25.0"), and whether each is at most $2
points() {
  local -n fig=$1; local k text="" ok=yes
  for k in $(printf '%s\n' "${!fig[@]}" | sort); do
    text+="${text:+, }${k%-*} ${k##*-}: ${fig[$k]}"
    ge "$2" "${fig[$k]}" || ok=no
  done
  [ -n "$text" ] && echo "$text | $ok" || echo "not measured | no"
}
targets() {
  local u64=${T_RATE[uniform-64]:-} h64=${T_RATE[hot-64]:-}
  echo "| 1. WAL records per gift ≤ 20, all writers (whole cluster, after the service drained) | $(points T_WAL 20) |"
  echo "| 1. rows written per gift ≤ 8, all writers (the rollups included) | $(points T_ROWS 8) |"
  if [ -n "$u64" ] && [ "${T_NAIVE[uniform-64]:-0}" -gt 0 ]; then
    local r; r=$(ratio "$u64" "${T_NAIVE[uniform-64]}")
    echo "| 2. uniform ≥ 0.5× the naive SQL at 64 connections | ${r}× ($u64 gifts/s vs ${T_NAIVE[uniform-64]} tps) | $(mark ge "$r" 0.5) |"
  else echo "| 2. uniform ≥ 0.5× the naive SQL at 64 connections | not measured (needs uniform at 64 connections and REFERENCES=1) | no |"; fi
  if [ -n "$h64" ] && [ "${T_NAIVE[hot-64]:-0}" -gt 0 ]; then
    local r; r=$(ratio "$h64" "${T_NAIVE[hot-64]}")
    echo "| 2. hot ≥ 2.5× the naive hot SQL at 64 connections | ${r}× ($h64 gifts/s vs ${T_NAIVE[hot-64]} tps) | $(mark ge "$r" 2.5) |"
  else echo "| 2. hot ≥ 2.5× the naive hot SQL at 64 connections | not measured (needs hot at 64 connections and REFERENCES=1) | no |"; fi
  if [ -n "$u64" ] && [ -n "$h64" ] && [ "${T_LEDGER[uniform-64]:-0}" -gt 0 ] && [ "${T_LEDGER[hot-64]:-0}" -gt 0 ]; then
    local ru rh; ru=$(ratio "$u64" "${T_LEDGER[uniform-64]}"); rh=$(ratio "$h64" "${T_LEDGER[hot-64]}")
    echo "| 2. ≥ 4× the double-entry SQL at 64 connections | uniform ${ru}×, hot ${rh}× | $(mark eval "ge $ru 4 && ge $rh 4") |"
  else echo "| 2. ≥ 4× the double-entry SQL at 64 connections | not measured (needs uniform and hot at 64 connections and REFERENCES=1) | no |"; fi
  if [ -n "$u64" ] && [ -n "$h64" ]; then
    local su sh; su=$(ratio "${T_P99[uniform-64]}" "${T_P50[uniform-64]}"); sh=$(ratio "${T_P99[hot-64]}" "${T_P50[hot-64]}")
    echo "| 3. p99 ≤ 2.5× the median at 64 connections | uniform ${T_P99[uniform-64]} / ${T_P50[uniform-64]} ms = ${su}×, hot ${T_P99[hot-64]} / ${T_P50[hot-64]} ms = ${sh}× | $(mark eval "ge 2.5 $su && ge 2.5 $sh") |"
  else echo "| 3. p99 ≤ 2.5× the median at 64 connections | not measured (needs uniform and hot at 64 connections) | no |"; fi
  local limit=3000 how="plain JVM"
  case "$JAVA_OPTS" in *AOTCache=*) limit=1000 how="from the AOT cache";; esac
  if [ "$RESTART_COUNT" -gt 0 ]; then
    echo "| 4. ready ≤ $((limit / 1000)).0 s $how, existing schema (\`bench/startup.sh\` for both JVMs) | median of $RESTART_COUNT restarts ${RESTART_MS} ms | $(mark ge "$limit" "$RESTART_MS") |"
  else echo "| 4. ready ≤ $((limit / 1000)).0 s $how, existing schema | not measured (RESTART_COUNT=0; \`bench/startup.sh\`) | no |"; fi
  echo "| 5. peak RSS ≤ 256 MB under the soak (\`bench/soak.sh\`) | not measured here: ${PEAK_RSS} MB peak under this run's load | no |"
  echo "| 6. zero errors, clean ledgerAudit, accepted = ok responses, every point | $( [ $POINTS_OK = yes ] && echo 'every point' || echo 'NOT every point: see the table') | $POINTS_OK |"
}

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
  echo "| workload | connections | service gifts/s | p50 ms | p99 ms | errors | naive SQL tps | ratio | double-entry SQL tps | ratio | ledgerAudit | accepted = ok responses | CPU per gift | WAL records per gift: batch statement / all statements | WAL records per gift, whole cluster | rows written per gift (of them rollups) | batch statement µs per gift |"
  echo "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"
  printf '%s\n' "${ROWS[@]}"
  echo
  echo "*WAL records per gift, whole cluster* is pg_stat_wal's count over the point, read after the service drained (its rollup"
  echo "queue empty), divided by the gifts accepted: every writer included (batch, rollups, outbox, notify, checkpoints' full-page"
  echo "images). *Rows written* is pg_stat_user_tables' inserted + updated + deleted rows of the service's schema over the same span."
  echo
  echo "Rows and WAL records written per gift, by table or index (the writers: the batch statement's tables, the rollup"
  echo "applier's and its queue, the outbox; pg_stat_user_tables and pg_walinspect over the point, largest first; WAL of a"
  echo "record with no block, a commit, by its kind):"
  echo
  echo "| workload | connections | rows per gift | WAL records per gift |"
  echo "|---|---|---|---|"
  printf '%s\n' "${BY_TABLES[@]}"
  echo
  echo "Latency histogram of each point (wrk, ms):"
  echo
  echo "| workload | connections | percentiles |"
  echo "|---|---|---|"
  printf '%s\n' "${HISTOGRAMS[@]}"
  echo
  echo "What the gift batch statement and the commits waited on (pg_stat_activity every 50 ms during the point; *commit"
  echo "Lock:object* is a commit's wait for PostgreSQL's one notification lock, *CPU* not waiting):"
  echo
  echo "| workload | connections | share of samples |"
  echo "|---|---|---|"
  printf '%s\n' "${WAITS[@]}"
  echo
  echo "Read queries (10 s, 32 connections): \`wallet\` ${WALLET_RPS} req/s (authenticated, random viewer), \`giftCatalogue\` ${CATALOGUE_RPS} req/s (anonymous)."
  echo
  echo "Gift feed: $(echo "$FEED" | sed 's/^FEED //') (delay from the sendGift response to each subscriber's event)."
  echo
  echo "Service start-up on an empty schema (Flyway creates it): ready after ${READY_MS} ms (Quarkus reports ${STARTED} s); three restarts against the existing schema: ready after $(printf '%s, ' "${RESTARTS[@]}" | sed 's/, $//') (median ${RESTART_MS} ms). Peak RSS (VmHWM) over the run: ${PEAK_RSS} MB, JVM options: \`$JAVA_OPTS\`, \`MALLOC_ARENA_MAX=$MALLOC_ARENA_MAX\`."
  echo
  echo "PostgreSQL settings of this run (service and SQL references alike): $PG_SHOWN."
  echo
  echo "## Targets (issue 31)"
  echo
  echo "| target | this run | met |"
  echo "|---|---|---|"
  targets

} > bench/RESULTS.md
echo
cat bench/RESULTS.md
