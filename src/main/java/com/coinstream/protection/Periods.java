package com.coinstream.protection;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.temporal.TemporalAdjusters;

/**
 * Calendar periods in the viewer's time zone (token claim zoneinfo, default UTC): the day, the ISO week
 * starting Monday, the month.
 */
public record Periods(LocalDate day, LocalDate weekStart, LocalDate monthStart, ZoneId zone) {

    public static Periods at(Instant now, ZoneId zone) {
        LocalDate day = LocalDate.ofInstant(now, zone);
        return new Periods(day, day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY)), day.withDayOfMonth(1), zone);
    }

    public LocalDate start(String period) {
        return switch (period) {
            case "DAY" -> day;
            case "WEEK" -> weekStart;
            case "MONTH" -> monthStart;
            default -> throw new IllegalArgumentException(period);
        };
    }

    /** When the period's spend goes back to zero. */
    public Instant resetsAt(String period) {
        LocalDate next = switch (period) {
            case "DAY" -> day.plusDays(1);
            case "WEEK" -> weekStart.plusWeeks(1);
            case "MONTH" -> monthStart.plusMonths(1);
            default -> throw new IllegalArgumentException(period);
        };
        return next.atStartOfDay(zone).toInstant();
    }

    public Instant startInstant(String period) {
        return start(period).atStartOfDay(zone).toInstant();
    }

    /** When the period {@code back} periods before the current one starts (0: the current one, -1: the next one). */
    public Instant startInstant(String period, int back) {
        LocalDate start = switch (period) {
            case "DAY" -> day.minusDays(back);
            case "WEEK" -> weekStart.minusWeeks(back);
            case "MONTH" -> monthStart.minusMonths(back);
            default -> throw new IllegalArgumentException(period);
        };
        return start.atStartOfDay(zone).toInstant();
    }
}
