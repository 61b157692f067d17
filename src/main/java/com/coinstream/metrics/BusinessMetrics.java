package com.coinstream.metrics;

import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;

/**
 * Business counters and timers, scraped at /q/metrics (Prometheus): gifts, coins spent, diamonds
 * credited, purchases, payouts, refusals by code, and sendGift latency. No user ids in tags.
 */
@ApplicationScoped
public class BusinessMetrics {
    private final MeterRegistry registry;
    private final Counter gifts;
    private final Counter coinsSpent;
    private final Counter diamondsCredited;
    private final Counter commission;
    private final Timer sendGift;

    public BusinessMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.gifts = Counter.builder("coinstream.gifts").description("Gifts sent (committed)").register(registry);
        this.coinsSpent = Counter.builder("coinstream.coins.spent").description("Coins spent on gifts").register(registry);
        this.diamondsCredited = Counter.builder("coinstream.diamonds.credited").description("Diamonds credited to creators")
                .register(registry);
        this.commission = Counter.builder("coinstream.commission").description("Platform commission, in diamond-units")
                .register(registry);
        this.sendGift = Timer.builder("coinstream.send.gift").description("sendGift latency, request to payload")
                .publishPercentileHistogram().register(registry);
    }

    /** A business refusal (a userError), by its code. */
    public void refusal(String code) {
        registry.counter("coinstream.refusals", "code", code).increment();
    }

    public void giftSent(long coins, long diamonds, long commissionUnits) {
        gifts.increment();
        coinsSpent.increment(coins);
        diamondsCredited.increment(diamonds);
        commission.increment(commissionUnits);
    }

    public void sendGiftTook(Duration duration) {
        sendGift.record(duration);
    }

    public void purchase(String status) {
        registry.counter("coinstream.purchases", "status", status).increment();
    }

    public void payout(String status) {
        registry.counter("coinstream.payouts", "status", status).increment();
    }
}
