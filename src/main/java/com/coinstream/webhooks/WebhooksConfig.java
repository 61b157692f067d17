package com.coinstream.webhooks;

import java.time.Duration;

import io.smallrye.config.ConfigMapping;

/** Outbound webhooks (README "Webhooks"). */
@ConfigMapping(prefix = "coinstream.webhooks")
public interface WebhooksConfig {
    /**
     * Whether this instance sends webhooks (COINSTREAM_WEBHOOK_DISPATCH, default true). Every instance may; turn it off to keep
     * an instance to API work only. Events are written by every instance either way.
     */
    boolean dispatch();

    /** Loopback endpoints, plain http included (COINSTREAM_WEBHOOK_ALLOW_LOOPBACK; true in dev and test, false in prod). */
    boolean allowLoopback();

    /** Private, link-local, shared and loopback addresses (COINSTREAM_WEBHOOK_ALLOW_PRIVATE_ADDRESSES, default false). Metadata addresses stay refused. */
    boolean allowPrivateAddresses();

    /** How long an event is retried before it is given up and its subscription disabled (COINSTREAM_WEBHOOK_RETRY_PERIOD, default PT24H). */
    Duration retryPeriod();

    /** The first retry's delay; each next one doubles, with jitter (COINSTREAM_WEBHOOK_RETRY_INITIAL_DELAY, default PT10S). */
    Duration retryInitialDelay();

    /** The longest delay between two attempts (COINSTREAM_WEBHOOK_RETRY_MAX_DELAY, default PT1H). */
    Duration retryMaxDelay();

    /** Failed attempts in a row after which a subscription is disabled (COINSTREAM_WEBHOOK_MAX_CONSECUTIVE_FAILURES, default 100). */
    int maxConsecutiveFailures();

    /** Connect timeout (COINSTREAM_WEBHOOK_CONNECT_TIMEOUT, default PT2S). */
    Duration connectTimeout();

    /** Time for the whole response after connecting (COINSTREAM_WEBHOOK_RESPONSE_TIMEOUT, default PT5S). */
    Duration responseTimeout();

    /** How often each instance looks for due deliveries (COINSTREAM_WEBHOOK_POLL_INTERVAL, default PT0.2S). */
    Duration pollInterval();

    /**
     * How long a claimed delivery is reserved for the instance sending it (COINSTREAM_WEBHOOK_LEASE, default PT30S). If the
     * instance dies, another one sends it after this.
     */
    Duration lease();

    /** Attempts open at once to one subscription, across all instances (COINSTREAM_WEBHOOK_MAX_IN_FLIGHT, default 16). */
    int maxInFlight();

    /** Attempts one instance holds open at once, to all subscriptions (COINSTREAM_WEBHOOK_MAX_IN_FLIGHT_TOTAL, default 64). */
    int maxInFlightTotal();

    /** After a rotation the old secret keeps signing beside the new one for this long (COINSTREAM_WEBHOOK_SECRET_OVERLAP, default PT24H). */
    Duration secretOverlap();

    /** Subscriptions one owner may have (COINSTREAM_WEBHOOK_MAX_SUBSCRIPTIONS, default 10). */
    int maxSubscriptions();
}
