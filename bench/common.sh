# Sourced by the bench scripts, from the repository's top folder: where they write, how they reach PostgreSQL, the
# bench's own RSA key pair (standing in for the operator's identity provider) and the service's environment.
OUT=$PWD/bench/out
mkdir -p "$OUT"
ISSUER=https://bench.coinstream.invalid
PG="psql -h 127.0.0.1 -U postgres -d postgres -v ON_ERROR_STOP=1 -qtA"

# bench_keys: the RSA pair in $OUT, made once and kept (tokens minted by one script stay valid for the others).
bench_keys() {
  if [ ! -f "$OUT/jwt-private.pem" ]; then
    openssl genrsa 2048 2>/dev/null | openssl pkcs8 -topk8 -nocrypt -out "$OUT/jwt-private.pem"
    openssl rsa -in "$OUT/jwt-private.pem" -pubout -out "$OUT/jwt-public.pem" 2>/dev/null
  fi
}

# bench_service_env SCHEMA: the keys, and the variables the packaged service (prod profile) reads, on schema SCHEMA.
bench_service_env() {
  bench_keys
  export COINSTREAM_DB_HOST=127.0.0.1 COINSTREAM_DB_NAME=postgres COINSTREAM_DB_USER=postgres COINSTREAM_DB_SCHEMA=$1
  export MP_JWT_VERIFY_PUBLICKEY_LOCATION=$OUT/jwt-public.pem MP_JWT_VERIFY_ISSUER=$ISSUER
  export COINSTREAM_PAYMENT_PROVIDER=simulated COINSTREAM_PAYMENT_WEBHOOK_SECRET=bench-webhook-secret-0123456789
  # health and metrics are on the management interface, a port of its own
  export COINSTREAM_MANAGEMENT_PORT=${COINSTREAM_MANAGEMENT_PORT:-9900}
}

# ready_url: the service's readiness check (on its management port).
ready_url() {
  echo "http://127.0.0.1:${COINSTREAM_MANAGEMENT_PORT:-9900}/q/health/ready"
}
# is_ready: the readiness check answers UP, on the management port or (builds from before it had one, bench/compare.sh)
# on the service's own port $PORT.
is_ready() {
  curl -sf "$(ready_url)" >/dev/null || curl -sf "http://127.0.0.1:${PORT}/q/health/ready" >/dev/null
}
# queue_length SCHEMA: gifts' batches waiting for the rollup applier (0 for builds from before the queue, V14).
queue_length() {
  $PG -c "select case when to_regclass('$1.rollup_queue') is null then 0 else 1 end" | grep -q 1 \
    && $PG -c "select count(*) from $1.rollup_queue" || echo 0
}

# bench_seeded_service NAME SCHEMA APP_DIR: the packaged service from APP_DIR on a new SCHEMA ($JAVA $JAVA_OPTS, port
# $PORT; stopped when the script exits), seeded with $VIEWERS funded viewers and $CREATORS live creators; writes the
# live streams' ids, the viewers' tokens and an admin token to $OUT/NAME-streams.txt, -tokens.txt and -admin.txt, and
# the service's log to $OUT/NAME-service.log. Sets PID.
bench_seeded_service() {
  local name=$1 schema=$2 app=$3
  $PG -c "drop schema if exists $schema cascade" >/dev/null
  bench_service_env "$schema"
  (cd "$app" && exec $JAVA $JAVA_OPTS -Dquarkus.http.port=$PORT -jar quarkus-run.jar) > "$OUT/$name-service.log" 2>&1 &
  PID=$!
  # stopped at exit, and killed if it has not stopped 10 s later (a service out of heap no longer stops on SIGTERM, and
  # kept writing to the log the next run had truncated)
  trap 'kill $PID 2>/dev/null || true; for _ in $(seq 100); do kill -0 $PID 2>/dev/null || break; sleep 0.1; done; kill -9 $PID 2>/dev/null || true' EXIT
  until is_ready; do kill -0 $PID 2>/dev/null || { tail -30 "$OUT/$name-service.log"; exit 1; }; sleep 0.2; done
  PGOPTIONS="-c search_path=$schema" $PG -v viewers=$VIEWERS -v creators=$CREATORS -v coins=1000000 -f bench/seed.sql >/dev/null
  $PG -c "select id from $schema.live_stream where creator_id like 'bc%' order by seq" > "$OUT/$name-streams.txt"
  $PG -c "select pg_notify('coinstream_catalogue', 'seeded')" >/dev/null
  java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" bv "$VIEWERS" "$OUT/$name-tokens.txt"
  java bench/TokenMint.java "$OUT/jwt-private.pem" "$ISSUER" ops 1 "$OUT/$name-admin.txt" admin
}
