package com.coinstream.time;

import java.time.Clock;
import java.time.Duration;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;

import io.quarkus.arc.DefaultBean;

/** The one source of "now". Tests replace it with a clock they can move; nothing sleeps. */
@ApplicationScoped
public class Clocks {

    @Produces
    @DefaultBean
    @ApplicationScoped
    Clock systemClock() {
        // PostgreSQL keeps microseconds: tick in microseconds so a returned time equals the stored one.
        return Clock.tick(Clock.systemUTC(), Duration.ofNanos(1000));
    }
}
