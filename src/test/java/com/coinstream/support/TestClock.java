package com.coinstream.support;

import java.time.Clock;
import java.time.DayOfWeek;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.time.temporal.TemporalAdjusters;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

/** Replaces the system clock in tests: real time plus an offset that tests can move forward. */
@ApplicationScoped
public class TestClock extends Clock {
    private final AtomicReference<Duration> offset = new AtomicReference<>(Duration.ZERO);

    public void advance(Duration by) {
        offset.updateAndGet(o -> o.plus(by));
    }

    /**
     * Moves forward to the next {@code day} at {@code time} (UTC, the tests' viewers' zone), so a test that steps across
     * hours or days stays inside one week or one day whatever the date it runs on.
     */
    public void advanceToNext(DayOfWeek day, LocalTime time) {
        Instant now = instant();
        ZonedDateTime next = now.atZone(ZoneOffset.UTC).with(TemporalAdjusters.next(day)).with(time);
        advance(Duration.between(now, next.toInstant()));
    }

    public void reset() {
        offset.set(Duration.ZERO);
    }

    @Override
    public Instant instant() {
        return Instant.now().plus(offset.get()).truncatedTo(ChronoUnit.MICROS);
    }

    @Override
    public ZoneId getZone() {
        return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
        return Clock.offset(Clock.system(zone), offset.get());
    }
}
