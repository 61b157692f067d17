package com.coinstream.domain;

import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;

/** Instants as PostgreSQL timestamptz parameters, and the window every DateTime argument must fall in. */
public final class Times {
    /** The first instant a DateTime argument may name (README "Input rules"). */
    public static final Instant EARLIEST = Instant.parse("2000-01-01T00:00:00Z");
    /** The last instant a DateTime argument may name (so a range may end at it). */
    public static final Instant LATEST = Instant.parse("2100-01-01T00:00:00Z");

    private Times() {
    }

    public static OffsetDateTime utc(Instant at) {
        return OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    public static boolean inWindow(Instant at) {
        return !at.isBefore(EARLIEST) && !at.isAfter(LATEST);
    }
}
