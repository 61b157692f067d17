package com.coinstream.earnings;

import static com.coinstream.domain.Times.utc;

import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/** Aggregates over a creator's gift events. Each report is one statement. */
@ApplicationScoped
public class EarningsReports {
    private final Pool pool;

    public EarningsReports(Pool pool) {
        this.pool = pool;
    }

    public record Group(String key, long gifts, long quantity, long coins, long diamonds) {
    }

    public Uni<Earnings.Totals> totals(String creatorId, Instant from, Instant to) {
        return pool.preparedQuery("""
                select count(*) as gifts, coalesce(sum(coins), 0) as coins, coalesce(sum(diamonds), 0) as diamonds
                from gift_event where creator_id = $1 and created_at >= $2 and created_at < $3
                """).execute(Tuple.of(creatorId, utc(from), utc(to)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Earnings.Totals(r.getLong("gifts"), r.getLong("coins"), r.getLong("diamonds"));
                });
    }

    public Uni<List<Group>> byStream(String creatorId, int limit) {
        return grouped("stream_id::text", creatorId, limit);
    }

    public Uni<List<Group>> byGift(String creatorId, int limit) {
        return grouped("gift_id::text", creatorId, limit);
    }

    public Uni<List<Group>> bySender(String creatorId, int limit) {
        return grouped("sender_id", creatorId, limit);
    }

    private Uni<List<Group>> grouped(String keyExpression, String creatorId, int limit) {
        return pool.preparedQuery("select " + keyExpression + " as key, count(*) as gifts, sum(quantity) as quantity, "
                + "sum(coins) as coins, sum(diamonds) as diamonds from gift_event where creator_id = $1 "
                + "group by 1 order by diamonds desc, coins desc, key limit $2")
                .execute(Tuple.of(creatorId, limit)).map(rows -> {
                    List<Group> groups = new ArrayList<>();
                    for (Row r : rows) {
                        groups.add(new Group(r.getString("key"), r.getLong("gifts"), r.getLong("quantity"), r.getLong("coins"),
                                r.getLong("diamonds")));
                    }
                    return groups;
                });
    }

    /** One bucket per calendar day in {@code zone}, the last {@code days} days up to today, days without gifts included. */
    public Uni<List<Earnings.Day>> byDay(String creatorId, ZoneId zone, LocalDate today, int days) {
        LocalDate first = today.minusDays(days - 1L);
        return pool.preparedQuery("""
                select (created_at at time zone $2)::date as day, count(*) as gifts, sum(diamonds) as diamonds
                from gift_event where creator_id = $1 and created_at >= $3 group by 1
                """).execute(Tuple.of(creatorId, zone.getId(), utc(first.atStartOfDay(zone).toInstant()))).map(rows -> {
            Map<LocalDate, long[]> found = new HashMap<>();
            for (Row r : rows) {
                found.put(r.getLocalDate("day"), new long[] { r.getLong("gifts"), r.getLong("diamonds") });
            }
            List<Earnings.Day> list = new ArrayList<>();
            for (LocalDate d = first; !d.isAfter(today); d = d.plusDays(1)) {
                long[] v = found.getOrDefault(d, new long[2]);
                list.add(new Earnings.Day(d.toString(), v[0], v[1]));
            }
            return list;
        });
    }

    /** 24 buckets, hour 0-23 in {@code zone}. */
    public Uni<List<Earnings.Hour>> byHour(String creatorId, ZoneId zone) {
        return pool.preparedQuery("""
                select extract(hour from created_at at time zone $2)::int as hour, count(*) as gifts, sum(diamonds) as diamonds
                from gift_event where creator_id = $1 group by 1
                """).execute(Tuple.of(creatorId, zone.getId())).map(rows -> {
            long[][] buckets = new long[24][2];
            for (Row r : rows) {
                buckets[r.getInteger("hour")][0] = r.getLong("gifts");
                buckets[r.getInteger("hour")][1] = r.getLong("diamonds");
            }
            List<Earnings.Hour> hours = new ArrayList<>();
            for (int h = 0; h < 24; h++) {
                hours.add(new Earnings.Hour(h, buckets[h][0], buckets[h][1]));
            }
            return hours;
        });
    }

}
