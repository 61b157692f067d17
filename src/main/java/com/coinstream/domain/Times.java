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

    /**
     * {@code zone} as PostgreSQL's AT TIME ZONE reads it. A region (Europe/Paris) is passed as it is; a fixed offset
     * (+05:30, UTC+05:30, GMT-3) in POSIX form, whose sign is the reverse of ISO's: PostgreSQL reads "+05:30" as five and
     * a half hours WEST of Greenwich, so a creator in India got their days and hours shifted by eleven hours.
     */
    public static String sqlZone(java.time.ZoneId zone) {
        java.time.ZoneId normal = zone.normalized();
        if (normal instanceof java.time.ZoneOffset offset) {
            int west = -offset.getTotalSeconds();
            if (west == 0) {
                return "UTC";
            }
            int abs = Math.abs(west);
            return String.format(java.util.Locale.ROOT, "%s%02d:%02d:%02d", west < 0 ? "-" : "+", abs / 3600, abs / 60 % 60, abs % 60);
        }
        return normal.getId();
    }

    /**
     * A range's ends as given (either may be left out): refused when both are there and {@code from} is not before
     * {@code to} (an empty or reversed range is a mistake, never a question with an empty answer). The one rule for every
     * from/to pair.
     */
    public static void requireOrdered(Instant from, Instant to, String... field) {
        if (from != null && to != null && !from.isBefore(to)) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "from must be before to", field);
        }
    }

    /**
     * {@link #requireOrdered(Instant, Instant, String...)} for a range read in whole {@code unit}s, both ends rounded down
     * to one: a range that rounds to nothing (10:05 to 10:55 in hours) is as empty as a reversed one.
     */
    public static void requireOrdered(Instant from, Instant to, java.time.temporal.ChronoUnit unit, String... field) {
        if (from != null && to != null && !from.truncatedTo(unit).isBefore(to.truncatedTo(unit))) {
            throw new Refusal(ErrorCode.INVALID_INPUT, "from must be before to, in whole " + unit.toString().toLowerCase(java.util.Locale.ROOT)
                    + " (both are rounded down to one)", field);
        }
    }
}
