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
