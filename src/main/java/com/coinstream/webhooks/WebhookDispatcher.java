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
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import org.jboss.logging.Logger;

import com.coinstream.db.DedicatedPools;
import com.coinstream.domain.Refusal;

import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
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
 * Sends the outbox, on every instance. A delivery is claimed with {@code FOR UPDATE SKIP LOCKED} and a lease (so two
 * instances never send it at once, and a dead instance's claim expires and is taken over), sent after commit, then
 * settled. Events of one stream go one at a time, in their stream order, per subscription: only the first pending one
 * is ever claimed, and after it succeeds the sender goes straight on to the next. Unordered events go out in parallel,
 * at most {@code maxInFlight} at once per subscription on this instance, so a slow endpoint only slows itself.
 */
@ApplicationScoped
public class WebhookDispatcher {
    private static final Logger LOG = Logger.getLogger(WebhookDispatcher.class);
    static final int MAX_IN_FLIGHT_TOTAL = 256;
    static final int CLAIM_ROUND = 64;
    private static final String RETURNING = " returning d.id, d.subscription_id, d.event_id, d.event_type, d.order_key, d.occurred_at, "
            + "d.data, d.attempts, d.lease_until, d.first_due_at, s.url, s.secret, "
            + "case when s.previous_secret_until > now() then s.previous_secret end as previous_secret";
    private static final String CLAIM = "with due as (select d.id from webhook_delivery d where d.status = 'PENDING' and d.next_attempt_at <= now() "
            + "and (d.lease_until is null or d.lease_until < now()) and d.subscription_id <> all($2::uuid[]) "
            + "and exists (select 1 from webhook_subscription s where s.id = d.subscription_id and s.status = 'ACTIVE') "
            + "and (d.order_key is null or not exists (select 1 from webhook_delivery p where p.subscription_id = d.subscription_id "
            + "and p.order_key = d.order_key and p.status = 'PENDING' and p.order_key is not null and p.order_seq < d.order_seq)) "
            + "order by d.next_attempt_at, d.id limit $1 for update of d skip locked) "
            + "update webhook_delivery d set lease_until = now() + $3 * interval '1 millisecond', attempts = d.attempts + 1, "
            + "last_attempt_at = now() from due, webhook_subscription s where d.id = due.id and s.id = d.subscription_id" + RETURNING;
    // The stream's first pending event, and only it: if another instance holds it, nothing (skipping it would send the
    // next one first).
    private static final String NEXT_IN_ORDER = "with head as (select d.id from webhook_delivery d where d.subscription_id = $1 "
            + "and d.order_key = $2 and d.status = 'PENDING' order by d.order_seq limit 1), "
            + "next as (select d.id from webhook_delivery d join head on d.id = head.id for update of d skip locked) "
            + "update webhook_delivery d set lease_until = now() + $3 * interval '1 millisecond', attempts = d.attempts + 1, "
            + "last_attempt_at = now() from next, webhook_subscription s where d.id = next.id and s.id = d.subscription_id "
            + "and s.status = 'ACTIVE' and d.next_attempt_at <= now() and (d.lease_until is null or d.lease_until < now())" + RETURNING;

    private final DedicatedPools pools;
    private final Vertx vertx;
    private final WebhooksConfig config;
    private final EndpointPolicy policy;
    private final Map<UUID, AtomicInteger> inFlight = new ConcurrentHashMap<>();
    private final AtomicInteger total = new AtomicInteger();
    private Pool pool;
    private HttpClient http;
    private long timer = -1;
    private volatile boolean claiming;

    public WebhookDispatcher(DedicatedPools pools, Vertx vertx, WebhooksConfig config) {
        this.pools = pools;
        this.vertx = vertx;
        this.config = config;
        this.policy = new EndpointPolicy(config.allowLoopback(), config.allowPrivateAddresses());
    }

    void start(@Observes StartupEvent ignored) {
        if (config.lease().compareTo(config.connectTimeout().plus(config.responseTimeout())) <= 0) {
            // else a slow endpoint's delivery could be claimed again, and sent twice, while the first attempt still runs
            throw new IllegalStateException("COINSTREAM_WEBHOOK_LEASE (" + config.lease() + ") must be longer than the connect and response "
                    + "timeouts together (" + config.connectTimeout().plus(config.responseTimeout()) + ")");
        }
        if (!config.dispatch()) {
            return;
        }
        pool = pools.pool("webhooks", 2, Map.of());
        http = vertx.getDelegate().createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setKeepAlive(true).setMaxPoolSize(MAX_IN_FLIGHT_TOTAL).setVerifyHost(true).setTrustAll(false));
        timer = vertx.setPeriodic(Math.max(10, config.pollInterval().toMillis()), id -> tick());
    }

    void stop(@Observes ShutdownEvent ignored) {
        if (timer >= 0) {
            vertx.cancelTimer(timer);
        }
    }

    private void tick() {
        int room = Math.min(CLAIM_ROUND, MAX_IN_FLIGHT_TOTAL - total.get());
        if (claiming || room <= 0) {
            return;
        }
        claiming = true;
        UUID[] saturated = inFlight.entrySet().stream().filter(e -> e.getValue().get() >= config.maxInFlight()).map(Map.Entry::getKey)
                .toArray(UUID[]::new);
        pool.preparedQuery(CLAIM).execute(Tuple.of(room, saturated, config.lease().toMillis())).subscribe().with(rows -> {
            claiming = false;
            claimed(rows).forEach(this::send);
        }, e -> {
            claiming = false;
            LOG.debugf("Webhook claim failed (retried next round): %s", e.getMessage());
        });
    }

    record Claimed(long id, UUID subscriptionId, UUID eventId, String type, UUID orderKey, OffsetDateTime occurredAt, JsonObject data,
            int attempts, OffsetDateTime lease, OffsetDateTime firstDue, String url, List<String> secrets) {
    }

    private List<Claimed> claimed(RowSet<Row> rows) {
        List<Claimed> out = new ArrayList<>();
        for (Row r : rows) {
            List<String> secrets = new ArrayList<>(List.of(r.getString("secret")));
            if (r.getString("previous_secret") != null) {
                secrets.add(r.getString("previous_secret"));
            }
            out.add(new Claimed(r.getLong("id"), r.getUUID("subscription_id"), r.getUUID("event_id"), r.getString("event_type"),
                    r.getUUID("order_key"), r.getOffsetDateTime("occurred_at"), (JsonObject) r.getValue("data"), r.getInteger("attempts"),
                    r.getOffsetDateTime("lease_until"), r.getOffsetDateTime("first_due_at"), r.getString("url"), List.copyOf(secrets)));
        }
        return out;
    }

    /** The body: the event's envelope around its versioned data. Signed exactly as sent. */
    static String body(Claimed c) {
        return new JsonObject().put("id", c.eventId().toString()).put("type", c.type()).put("version", 1)
                .put("createdAt", c.occurredAt().toInstant().toString()).put("data", c.data()).encode();
    }

    private void send(Claimed c) {
        total.incrementAndGet();
        AtomicInteger mine = inFlight.computeIfAbsent(c.subscriptionId(), k -> new AtomicInteger());
        mine.incrementAndGet();
        attempt(c).onItemOrFailure().transformToUni((outcome, failure) -> settle(c,
                failure != null ? new Outcome(0, "internal: " + failure.getClass().getSimpleName()) : outcome))
                .subscribe().with(next -> {
                    total.decrementAndGet();
                    mine.decrementAndGet();
                    if (next != null) {
                        send(next);
                    }
                }, e -> {
                    total.decrementAndGet();
                    mine.decrementAndGet();
                    LOG.debugf("Webhook delivery %d not settled (its lease expires and it is retried): %s", c.id(), e.getMessage());
                });
    }

    /** An attempt's result: the HTTP status (0 when none came) and the error, null on success. */
    record Outcome(int status, String error) {
        boolean ok() {
            return error == null;
        }
    }

    Uni<Outcome> attempt(Claimed c) {
        URI uri;
        try {
            uri = policy.parse(c.url());
        } catch (Refusal r) {
            return Uni.createFrom().item(new Outcome(0, "endpoint not allowed: " + r.getMessage()));
        }
        return vertx.executeBlocking(Uni.createFrom().item(() -> policy.resolve(uri)))
                .flatMap(addresses -> post(c, uri, addresses.get(0)))
                .onFailure(Refusal.class).recoverWithItem(r -> new Outcome(0, "endpoint not allowed: " + r.getMessage()))
                .onFailure().recoverWithItem(e -> new Outcome(0, describe(e)));
    }

    private Uni<Outcome> post(Claimed c, URI uri, InetAddress address) {
        boolean tls = "https".equalsIgnoreCase(uri.getScheme());
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
                + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        String body = body(c);
        long now = Instant.now().getEpochSecond();
        String messageId = "msg_" + c.eventId();
        RequestOptions options = new RequestOptions().setMethod(HttpMethod.POST).setHost(EndpointPolicy.bare(uri.getHost())).setPort(port)
                .setSsl(tls).setURI(path).setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
                .setIdleTimeout(config.responseTimeout().toMillis()).setFollowRedirects(false)
                .putHeader("content-type", "application/json").putHeader("user-agent", "Coinstream-Webhooks/1")
                .putHeader("webhook-id", messageId).putHeader("webhook-timestamp", Long.toString(now))
                .putHeader("webhook-signature", WebhookSignature.header(c.secrets(), messageId, now, body));
        return Uni.createFrom().completionStage(() -> http.request(options)
                .compose(request -> request.send(body))
                .compose(response -> response.body().map(ignored -> response.statusCode()))
                .toCompletionStage())
                .ifNoItem().after(config.responseTimeout()).failWith(() -> new TimeoutException())
                .map(status -> status >= 200 && status < 300 ? new Outcome(status, null) : new Outcome(status, "HTTP " + status));
    }

    private static String describe(Throwable e) {
        if (e instanceof TimeoutException) {
            return "timed out";
        }
        String message = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
        return message.length() > 200 ? message.substring(0, 200) : message;
    }

    /** Record the outcome; on success of an ordered event, claim the next one of its stream (null when there is none). */
    private Uni<Claimed> settle(Claimed c, Outcome outcome) {
        if (outcome.ok()) {
            Uni<RowSet<Row>> done = pool.preparedQuery("with d as (update webhook_delivery set status = 'DELIVERED', delivered_at = now(), "
                    + "lease_until = null, last_status_code = $2, last_error = null where id = $1 and lease_until = $3 returning subscription_id) "
                    + "update webhook_subscription s set consecutive_failures = 0 from d where s.id = d.subscription_id and s.consecutive_failures <> 0")
                    .execute(Tuple.of(c.id(), outcome.status(), c.lease()));
            if (c.orderKey() == null) {
                return done.replaceWith((Claimed) null);
            }
            return done.flatMap(ignored -> pool.preparedQuery(NEXT_IN_ORDER)
                    .execute(Tuple.of(c.subscriptionId(), c.orderKey(), config.lease().toMillis())))
                    .map(rows -> {
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
