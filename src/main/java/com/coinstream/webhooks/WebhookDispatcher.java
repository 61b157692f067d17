package com.coinstream.webhooks;

import java.net.InetAddress;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.coinstream.db.DedicatedPools;
import com.coinstream.domain.Refusal;
import com.coinstream.domain.Text;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.core.net.SocketAddress;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Sends the outbox, on every instance. Claims are made in a transaction that first locks the subscriptions with due
 * deliveries ({@code FOR UPDATE SKIP LOCKED}), then leases at most as many of each one's deliveries as its cap leaves room
 * for, counting the leases every instance holds: so a subscription never has more than {@code maxInFlight} attempts open
 * at once across all instances, and two instances never send one delivery at once. A dead instance's leases expire and
 * are taken over. Events of one stream go one at a time, in their stream order, per subscription: only the first pending
 * one is ever claimed, and the statement that settles it leases the next (one lease for another: the cap holds).
 * <p>
 * A receiver is untrusted: its response is read up to {@value #MAX_RESPONSE_BYTES} bytes and the rest is discarded unread
 * (the connection is reset), an attempt that exceeds the response timeout is reset and its connection freed, and one
 * instance holds at most {@code maxInFlightTotal} attempts open in all.
 */
@ApplicationScoped
public class WebhookDispatcher {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    /** The most of a receiver's response body that is read; only its status matters. */
    static final int MAX_RESPONSE_BYTES = 4096;
    static final int CLAIM_ROUND = 64;
    /** How long an attempt that could not start (no lookup thread for its host) waits before it is due again. */
    static final long POSTPONED_MS = 1000;
    private static final String RETURNING = " returning d.id, d.subscription_id, d.event_id, d.event_type, d.order_key, d.occurred_at, "
            + "d.attempts, d.lease_until, d.first_due_at, s.url, s.owner_id, s.secret, "
            + "case when s.previous_secret_until > now() then s.previous_secret end as previous_secret";
    private static final String DUE = "d.status = 'PENDING' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())";
    // The active subscriptions with due deliveries, oldest due first, locked for this claim (another instance's claim skips
    // them). Only active ones take the round's places: a disabled subscription's backlog waits without holding anyone back;
    // nor do the subscriptions of owners who hold their share of this instance's attempts already ($2).
    private static final String LOCK_DUE = "with due as (select d.subscription_id, min(d.next_attempt_at) as first_due from webhook_delivery d "
            + "join webhook_subscription a on a.id = d.subscription_id and a.status = 'ACTIVE' and a.owner_id <> all($2::text[]) "
            + "where " + DUE + " group by d.subscription_id order by first_due limit $1) "
            + "select s.id from webhook_subscription s join due on due.subscription_id = s.id where s.status = 'ACTIVE' "
            + "order by due.first_due for update of s skip locked";
    // Up to the cap per subscription, less the leases already open (on any instance), and up to the owner's share of this
    // instance's attempts, less those of theirs open here ($5 owners, $6 their attempts, $7 the share), in due order.
    private static final String CLAIM = "with subs as (select unnest($1::uuid[]) as id), "
            + "busy as (select d.subscription_id, count(*) as n from webhook_delivery d join subs on subs.id = d.subscription_id "
            + "where d.status = 'PENDING' and d.lease_until >= now() group by d.subscription_id), "
            + "due as (select d.id, d.subscription_id, d.next_attempt_at, row_number() over (partition by d.subscription_id "
            + "order by d.next_attempt_at, d.id) as rn from webhook_delivery d join subs on subs.id = d.subscription_id where " + DUE + " "
            + "and (d.order_key is null or not exists (select 1 from webhook_delivery p where p.subscription_id = d.subscription_id "
            + "and p.order_key = d.order_key and p.status = 'PENDING' and p.order_seq < d.order_seq))), "
            + "allowed as (select due.id, due.next_attempt_at, coalesce(ob.n, 0) as owner_busy, row_number() over (partition by o.owner_id "
            + "order by due.next_attempt_at, due.id) as orn from due left join busy on busy.subscription_id = due.subscription_id "
            + "join webhook_subscription o on o.id = due.subscription_id left join unnest($5::text[], $6::int[]) as ob(owner_id, n) "
            + "on ob.owner_id = o.owner_id where due.rn <= $2 - coalesce(busy.n, 0)), "
            + "pick as (select allowed.id from allowed where allowed.orn <= $7 - allowed.owner_busy "
            + "order by allowed.next_attempt_at, allowed.id limit $3) "
            + "update webhook_delivery d set lease_until = now() + $4 * interval '1 millisecond', attempts = d.attempts + 1, "
            + "last_attempt_at = now() from pick, webhook_subscription s where d.id = pick.id and s.id = d.subscription_id and " + DUE
            + RETURNING;
    // Settles a delivered event of a stream and, in the same statement, leases the stream's next pending one (and only it):
    // one lease is released and one taken, so the subscription's count of open attempts never grows here. (The snapshot
    // still sees the settled row as pending: it is left out by id.)
    private static final String DELIVERED_THEN_NEXT = "with settled as (update webhook_delivery set status = 'DELIVERED', delivered_at = now(), "
            + "lease_until = null, last_status_code = $2, last_error = null where id = $1 and lease_until = $3 returning subscription_id), "
            + "reset as (update webhook_subscription s set consecutive_failures = 0 from settled where s.id = settled.subscription_id "
            + "and s.consecutive_failures <> 0), "
            + "head as (select x.id from webhook_delivery x where x.subscription_id = $4 and x.order_key = $5 and x.status = 'PENDING' "
            + "and x.id <> $1 order by x.order_seq limit 1) "
            + "update webhook_delivery d set lease_until = now() + $6 * interval '1 millisecond', attempts = d.attempts + 1, "
            + "last_attempt_at = now() from head, webhook_subscription s where d.id = head.id and s.id = d.subscription_id "
            + "and s.status = 'ACTIVE' and " + DUE + " and exists (select 1 from settled)" + RETURNING;
    private static final String DELIVERED = "with d as (update webhook_delivery set status = 'DELIVERED', delivered_at = now(), "
            + "lease_until = null, last_status_code = $2, last_error = null where id = $1 and lease_until = $3 returning subscription_id) "
            + "update webhook_subscription s set consecutive_failures = 0 from d where s.id = d.subscription_id and s.consecutive_failures <> 0";

    private final DedicatedPools pools;
    private final Vertx vertx;
    private final WebhooksConfig config;
    private final EndpointPolicy policy;
    private final EndpointLookups lookups;
    private final AtomicInteger total = new AtomicInteger();
    /** This instance's open attempts by subscription owner: no owner holds more than {@link #ownerShare()} of them. */
    private final Map<String, Integer> byOwner = new java.util.concurrent.ConcurrentHashMap<>();
    private Pool pool;
    private HttpClient http;
    private long timer = -1;
    private volatile boolean claiming;

    public WebhookDispatcher(DedicatedPools pools, Vertx vertx, WebhooksConfig config, EndpointLookups lookups) {
        this.pools = pools;
        this.vertx = vertx;
        this.config = config;
        this.lookups = lookups;
        this.policy = new EndpointPolicy(config.allowLoopback(), config.allowPrivateAddresses());
    }

    void start(@Observes StartupEvent ignored) {
        if (config.lease().compareTo(config.connectTimeout().plus(config.responseTimeout())) <= 0) {
            // else a slow endpoint's delivery could be claimed again, and sent twice, while the first attempt still runs
            throw new io.quarkus.runtime.configuration.ConfigurationException("COINSTREAM_WEBHOOK_LEASE (" + config.lease() + ") must be longer than the connect and response "
                    + "timeouts together (" + config.connectTimeout().plus(config.responseTimeout()) + ")");
        }
        if (!config.dispatch()) {
            return;
        }
        pool = pools.pool("webhooks", 2, Map.of());
        http = vertx.getDelegate().createHttpClient(clientOptions(config.connectTimeout(), config.responseTimeout(), config.maxInFlightTotal()));
        timer = vertx.setPeriodic(Math.max(10, config.pollInterval().toMillis()), id -> tick());
    }

    /** How the service connects to receivers (a receiver is untrusted: each option bounds what one can make it hold or do). */
    static HttpClientOptions clientOptions(Duration connectTimeout, Duration responseTimeout, int maxInFlight) {
        return new HttpClientOptions()
                .setConnectTimeout((int) connectTimeout.toMillis())
                // a receiver that stalls its TLS handshake holds the connection no longer than a connect may take
                .setSslHandshakeTimeout(connectTimeout.toMillis()).setSslHandshakeTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                // the handshake's certificate checks and key exchange (whose costs the receiver chooses) off the event loop
                .setSslEngineOptions(new io.vertx.core.net.JdkSSLEngineOptions().setUseWorkerThread(true))
                // a kept-alive connection closes once idle as long as an attempt may last: the receiver's own Keep-Alive
                // header ("timeout=0": never) would otherwise keep it, and a creator's ports and addresses, open for ever
                .setIdleTimeout((int) connectTimeout.plus(responseTimeout).toMillis()).setIdleTimeoutUnit(java.util.concurrent.TimeUnit.MILLISECONDS)
                .setKeepAlive(true).setMaxPoolSize(maxInFlight).setVerifyHost(true).setTrustAll(false);
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
        if (http != null) {
            http.close(); // resets attempts still open: their leases expire and another instance sends them
        }
    }

    /**
     * The most of this instance's attempts one owner's subscriptions hold at once: half of them, so however many
     * subscriptions an owner points at a slow receiver, every other owner keeps the other half.
     */
    int ownerShare() {
        return Math.max(1, config.maxInFlightTotal() / 2);
    }

    private void tick() {
        int room = Math.min(CLAIM_ROUND, config.maxInFlightTotal() - total.get());
        if (claiming || room <= 0) {
            return;
        }
        claiming = true;
        Map<String, Integer> busy = Map.copyOf(byOwner);
        String[] owners = busy.keySet().toArray(String[]::new);
        Integer[] attempts = java.util.Arrays.stream(owners).map(busy::get).toArray(Integer[]::new);
        String[] full = busy.entrySet().stream().filter(e -> e.getValue() >= ownerShare()).map(Map.Entry::getKey).toArray(String[]::new);
        pool.withTransaction(tx -> tx.preparedQuery(LOCK_DUE).execute(Tuple.of(room, full)).flatMap(locked -> {
            List<UUID> subscriptions = new ArrayList<>();
            locked.forEach(r -> subscriptions.add(r.getUUID(0)));
            return subscriptions.isEmpty() ? Uni.createFrom().item(List.<Claimed>of())
                    : tx.preparedQuery(CLAIM).execute(Tuple.from(List.of(subscriptions.toArray(UUID[]::new), config.maxInFlight(), room,
                            config.lease().toMillis(), owners, attempts, ownerShare()))).map(this::claimed);
        })).subscribe().with(claimed -> {
            claiming = false;
            claimed.forEach(this::send);
        }, e -> {
            claiming = false;
            LOG.debugf("Webhook claim failed (retried next round): %s", e.getMessage());
        });
    }

    /** A leased delivery: what it is and where it goes; its payload is read when it is sent ({@link #write}). */
    record Claimed(long id, UUID subscriptionId, UUID eventId, String type, UUID orderKey, OffsetDateTime occurredAt,
            int attempts, OffsetDateTime lease, OffsetDateTime firstDue, String url, String owner, List<String> secrets) {
    }

    private List<Claimed> claimed(RowSet<Row> rows) {
        List<Claimed> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> secrets = new ArrayList<>(List.of(r.getString("secret")));
            if (r.getString("previous_secret") != null) {
                secrets.add(r.getString("previous_secret"));
            }
            out.add(new Claimed(r.getLong("id"), r.getUUID("subscription_id"), r.getUUID("event_id"), r.getString("event_type"),
                    r.getUUID("order_key"), r.getOffsetDateTime("occurred_at"), r.getInteger("attempts"),
                    r.getOffsetDateTime("lease_until"), r.getOffsetDateTime("first_due_at"), r.getString("url"), r.getString("owner_id"),
                    List.copyOf(secrets)));
        }
        return out;
    }

    /** The body: the event's envelope around its versioned data. Signed exactly as sent. */
    static String body(Claimed c, JsonObject data) {
        return new JsonObject().put("id", c.eventId().toString()).put("type", c.type()).put("version", 1)
                .put("createdAt", c.occurredAt().toInstant().toString()).put("data", data).encode();
    }

    private void send(Claimed c) {
        total.incrementAndGet();
        byOwner.merge(c.owner(), 1, Integer::sum);
        attempt(c).onItemOrFailure().transformToUni((outcome, failure) -> settle(c,
                failure != null ? Outcome.failed(0, "internal: " + failure.getClass().getSimpleName()) : outcome))
                .subscribe().with(next -> {
                    total.decrementAndGet();
                    byOwner.computeIfPresent(c.owner(), (k, n) -> n == 1 ? null : n - 1);
                    if (next != null) {
                        send(next);
                    }
                }, e -> {
                    total.decrementAndGet();
                    byOwner.computeIfPresent(c.owner(), (k, n) -> n == 1 ? null : n - 1);
                    LOG.debugf("Webhook delivery %d not settled (its lease expires and it is retried): %s", c.id(), e.getMessage());
                });
    }

    /**
     * An attempt's result: the HTTP status (0 when none came) and the error, null on success; or postponed: it could not
     * start (every lookup thread busy with other hosts), which is not the endpoint's failure and counts as no attempt.
     */
    record Outcome(int status, String error, boolean postponed) {
        static Outcome delivered(int status) {
            return new Outcome(status, null, false);
        }

        /** The error as a record keeps it (at most 200 characters, no NUL or other text PostgreSQL refuses): a receiver writes it. */
        static Outcome failed(int status, String error) {
            return new Outcome(status, Text.forRecord(error == null ? "failed" : error, 200), false);
        }

        boolean ok() {
            return error == null && !postponed;
        }
    }

    Uni<Outcome> attempt(Claimed c) {
        URI uri;
        try {
            uri = policy.parse(c.url());
        } catch (Refusal r) {
            return Uni.createFrom().item(Outcome.failed(0, "endpoint not allowed: " + r.getMessage()));
        }
        // The name is resolved off the event loop, on threads of their own, one lookup per host at a time (shared) and one
        // thread per subscription owner (another of theirs waiting: postponed, not counted as an attempt), within
        // the connect timeout (EndpointLookups); the whole attempt, lookup included, ends within the connect and response
        // timeouts together, so it never outlives its lease.
        long started = System.nanoTime();
        Duration budget = config.connectTimeout().plus(config.responseTimeout());
        return lookups.resolve(uri, config.connectTimeout(), c.owner())
                .flatMap(addresses -> post(c, uri, addresses.get(0), budget.minusNanos(System.nanoTime() - started)))
                .onFailure(EndpointLookups.Busy.class).recoverWithItem(b -> new Outcome(0, null, true))
                // not an attempt: postponed, not counted (a lease lost settles nothing anyway)
                .onFailure(NotToBeSent.class).recoverWithItem(n -> new Outcome(0, null, true))
                .onFailure(Refusal.class).recoverWithItem(r -> Outcome.failed(0, "endpoint not allowed: " + r.getMessage()))
                .onFailure().recoverWithItem(e -> Outcome.failed(0, describe(e)));
    }

    private Uni<Outcome> post(Claimed c, URI uri, InetAddress address, Duration budget) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(EndpointPolicy.bare(uri.getHost())).setPort(port)
                .setSsl(tls).setURI(path).setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setIdleTimeout(config.responseTimeout().toMillis()).setFollowRedirects(false)
                .putHeader("content-type", "application/json").putHeader("user-agent", "Coinstream-Webhooks/1");
        return Uni.createFrom().<Integer>emitter(em -> exchange(c, options, Math.max(1, budget.toMillis()), em))
                .map(status -> status >= 200 && status < 300 ? Outcome.delivered(status) : Outcome.failed(status, "HTTP " + status));
    }

    /**
     * The delivery's lease was lost, its subscription is no longer active, or its row is being rewritten (an erasure) for
     * longer than {@link #WRITE_LOCK_WAIT_MS}, while it was connecting: nothing is sent, and the attempt is not counted.
     */
    static final class NotToBeSent extends RuntimeException {
        NotToBeSent() {
            super("the delivery was taken back (lease lost, subscription no longer active, or its payload being rewritten) before it was sent",
                    null, false, false);
        }
    }

    /**
     * Writes the delivery's body on a connected request with the payload as it is now: read with a share lock in a
     * transaction that ends once the body is written. An erasure rewrites queued payloads under the row lock that this
     * waits for and holds, so a payload read before the erasure commits has left before it does, and one read after
     * carries the pseudonym: what was claimed before the erasure is never sent with the person's data after it. A delivery
     * whose lease was lost, or whose subscription is no longer active, is not sent.
     */
    private Uni<Void> write(Claimed c, HttpClientRequest request, AtomicBoolean over, AtomicBoolean written) {
        // A rewrite under way (an erasure reads the whole outbox) is waited for at most a second: an attempt never holds
        // this instance's two dispatch connections longer; one that waited in vain is postponed, not counted. An attempt
        // whose time ran out meanwhile (it waited for a connection of the pool) goes no further.
        if (over.get()) {
            return Uni.createFrom().failure(new NotToBeSent());
        }
        return pool.withTransaction(tx -> tx.query("set local lock_timeout = '" + WRITE_LOCK_WAIT_MS + "ms'").execute()
                .flatMap(set -> tx.preparedQuery("select d.data from webhook_delivery d where d.id = $1 and d.lease_until = $2 for share")
                        .execute(Tuple.of(c.id(), c.lease())))
                // the subscription in a statement of its own: one that waited for the delivery's lock sees what the erasure
                // committed (in one statement, only the locked row would be read again after the wait)
                .flatMap(rows -> !rows.iterator().hasNext() ? Uni.createFrom().<JsonObject> failure(new NotToBeSent())
                        : tx.preparedQuery("select 1 from webhook_subscription where id = $1 and status = 'ACTIVE'").execute(Tuple.of(c.subscriptionId()))
                                .map(active -> {
                                    if (!active.iterator().hasNext()) {
                                        throw new NotToBeSent();
                                    }
                                    return (JsonObject) rows.iterator().next().getValue("data");
                                }))
                .flatMap(data -> {
                    if (over.get()) {
                        return Uni.createFrom().failure(new NotToBeSent());
                    }
                    String body = body(c, data);
                    long now = Instant.now().getEpochSecond();
                    String messageId = "msg_" + c.eventId();
                    request.putHeader("webhook-id", messageId).putHeader("webhook-timestamp", Long.toString(now))
                            .putHeader("webhook-signature", WebhookSignature.header(c.secrets(), messageId, now, body));
                    // (marked before the write: a deadline that fires from now on may have let the body out, so it is the
                    // endpoint's time, counted; a delivery is never postponed after it may have been sent)
                    return Uni.createFrom().completionStage(() -> {
                        written.set(true);
                        return request.end(body).toCompletionStage();
                    });
                }))
                .onFailure(e -> "55P03".equals(com.coinstream.db.DatabaseErrors.sqlState(e))) // lock_timeout
                .transform(e -> new NotToBeSent());
    }

    /** How long an attempt waits for its delivery's row while another transaction rewrites it. */
    static final long WRITE_LOCK_WAIT_MS = 1000;

    /**
     * One request, bounded: connected, its body written ({@link #write}), the status once the head arrives, at most
     * {@link #MAX_RESPONSE_BYTES} of the body read (more is discarded unread by resetting the stream), and the whole
     * exchange reset when it outlasts {@code budgetMs} (what is left of the attempt's connect and response timeouts).
     */
    private void exchange(Claimed c, RequestOptions options, long budgetMs, io.smallrye.mutiny.subscription.UniEmitter<? super Integer> em) {
        AtomicBoolean done = new AtomicBoolean();
        AtomicBoolean reading = new AtomicBoolean(); // connected, the payload being read: the time is this side's, not the endpoint's
        AtomicBoolean written = new AtomicBoolean();
        AtomicReference<HttpClientRequest> open = new AtomicReference<>();
        io.vertx.core.Vertx core = vertx.getDelegate();
        long deadline = core.setTimer(budgetMs, id -> {
            if (done.compareAndSet(false, true)) {
                HttpClientRequest request = open.get();
                if (request != null) {
                    request.reset();
                }
                // out of time while waiting for this side's database (the payload not yet read and written): postponed,
                // never held against the endpoint
                em.fail(reading.get() && !written.get() ? new NotToBeSent() : new TimeoutException());
            }
        });
        Consumer<Integer> finish = status -> {
            if (done.compareAndSet(false, true)) {
                core.cancelTimer(deadline);
                em.complete(status);
            }
        };
        Consumer<Throwable> fail = e -> {
            if (done.compareAndSet(false, true)) {
                core.cancelTimer(deadline);
                em.fail(e);
            }
        };
        http.request(options).onFailure(fail::accept).onSuccess(request -> {
            open.set(request);
            if (done.get()) {
                request.reset();
                return;
            }
            request.response().onFailure(fail::accept).onSuccess(response -> {
                int status = response.statusCode();
                long[] read = { 0 };
                response.handler(chunk -> {
                    read[0] += chunk.length();
                    if (read[0] > MAX_RESPONSE_BYTES) {
                        request.reset(); // the rest is not read: the connection is closed, not drained
                        finish.accept(status);
                    }
                });
                response.exceptionHandler(e -> finish.accept(status));
                response.endHandler(v -> finish.accept(status));
            });
            reading.set(true);
            write(c, request, done, written).subscribe().with(ok -> { }, e -> {
                request.reset();
                fail.accept(e);
            });
        });
    }

    /**
     * What the delivery log says of an attempt that got no status: one of a few words, never the exception's text, which
     * named the address and port and said how the connection failed (the log was a port scanner of what the service
     * reaches) or carried the receiver's own bytes.
     */
    static String describe(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof io.netty.handler.timeout.TimeoutException
                    || t instanceof java.net.SocketTimeoutException || t instanceof io.netty.channel.ConnectTimeoutException) {
                return "timed out";
            }
            if (t instanceof javax.net.ssl.SSLException) {
                return "TLS failed";
            }
            if (t instanceof java.net.ConnectException) {
                return "could not connect";
            }
            if (t instanceof java.net.UnknownHostException) {
                return "address not found";
            }
        }
        return "connection failed";
    }

    /**
     * What an attempt's outcome counts as once its event has waited {@code retryPeriod} since it was first due: a postponed
     * attempt (no lookup thread for its host, say, while other owners' lookups hold them) is then a failure like any
     * other, so the event gives up as a failing one does; postponed for ever, it was never counted nor given up.
     */
    static Outcome counted(Outcome outcome, OffsetDateTime firstDue, Duration retryPeriod, Instant now) {
        if (outcome.postponed() && now.isAfter(firstDue.toInstant().plus(retryPeriod))) {
            return Outcome.failed(0, "not sent within the retry period: it could not start (no lookup thread for its host)");
        }
        return outcome;
    }

    /** Record the outcome; on success of an ordered event, claim the next one of its stream (null when there is none). */
    private Uni<Claimed> settle(Claimed c, Outcome attempted) {
        Outcome outcome = counted(attempted, c.firstDue(), config.retryPeriod(), Instant.now());
        if (outcome.postponed()) {
            // not an attempt: the lease goes back, the attempt is not counted, and no failure is held against the endpoint
            return pool.preparedQuery("update webhook_delivery set lease_until = null, attempts = greatest(attempts - 1, 0), "
                    + "next_attempt_at = now() + $3 * interval '1 millisecond' where id = $1 and lease_until = $2")
                    .execute(Tuple.of(c.id(), c.lease(), POSTPONED_MS)).replaceWith((Claimed) null);
        }
        if (outcome.ok()) {
            if (c.orderKey() == null) {
                return pool.preparedQuery(DELIVERED).execute(Tuple.of(c.id(), outcome.status(), c.lease())).replaceWith((Claimed) null);
            }
            return pool.preparedQuery(DELIVERED_THEN_NEXT).execute(Tuple.of(c.id(), outcome.status(), c.lease(), c.subscriptionId(),
                    c.orderKey(), config.lease().toMillis())).map(rows -> {
                        List<Claimed> next = claimed(rows);
                        return next.isEmpty() ? null : next.get(0);
                    });
        }
        Duration delay = backoff(c.attempts());
        Instant nextAt = Instant.now().plus(delay);
        boolean giveUp = nextAt.isAfter(c.firstDue().toInstant().plus(config.retryPeriod()));
        String reason = giveUp ? "event " + c.eventId() + " could not be delivered within " + config.retryPeriod() + " (last: " + outcome.error() + ")"
                : config.maxConsecutiveFailures() + " failed attempts in a row (last: " + outcome.error() + ")";
        return pool.preparedQuery("with d as (update webhook_delivery set status = case when $5 then 'FAILED' else 'PENDING' end, "
                + "lease_until = null, last_status_code = $2, last_error = $3, next_attempt_at = now() + $4 * interval '1 millisecond' "
                + "where id = $1 and lease_until = $6 returning subscription_id) "
                + "update webhook_subscription s set consecutive_failures = s.consecutive_failures + 1, "
                + "status = case when $5 or s.consecutive_failures + 1 >= $7 then 'DISABLED' else s.status end, "
                + "disabled_reason = case when $5 or s.consecutive_failures + 1 >= $7 then $8 else s.disabled_reason end, "
                + "disabled_at = case when $5 or s.consecutive_failures + 1 >= $7 then now() else s.disabled_at end "
                + "from d where s.id = d.subscription_id and s.status = 'ACTIVE'")
                .execute(Tuple.from(Arrays.asList(c.id(), outcome.status() == 0 ? null : outcome.status(), outcome.error(),
                        delay.toMillis(), giveUp, c.lease(), config.maxConsecutiveFailures(), reason)))
                .replaceWith((Claimed) null);
    }

    /** Exponential: the initial delay doubled per attempt made, capped, with equal jitter (half fixed, half random). */
    Duration backoff(int attemptsMade) {
        long initial = config.retryInitialDelay().toMillis();
        long cap = config.retryMaxDelay().toMillis();
        long exp = attemptsMade >= 40 ? cap : Math.min(cap, initial << Math.max(0, attemptsMade - 1));
        long half = exp / 2;
        return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
    }
}
