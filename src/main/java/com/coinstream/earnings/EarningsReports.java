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

import com.coinstream.domain.Times;
import com.coinstream.engagement.Leaderboards;
import com.coinstream.identity.SupporterBoard;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * A creator's earnings breakdowns, read from the rollups that the gift batches keep (migration V11) and, by stream,
 * from each stream's counter row (V58): their cost grows with the number of streams, gifts in the catalogue,
 * supporters, active hours and reversed gifts, never with the number of gifts. Reversed gifts are taken out of the
 * rollups by their reversal. Each report is one statement.
 */
@ApplicationScoped
public class EarningsReports {
    private final Pool pool;

    public EarningsReports(Pool pool) {
        this.pool = pool;
    }

    /** {@code anonymous}: a supporter's anonymous gifts, shown as "Anonymous". */
    public record Group(String key, long gifts, long quantity, long coins, long diamonds, boolean anonymous) {
    }

    /** Totals over whole UTC hours: {@code from} and {@code to} are rounded down to the hour. */
    public Uni<Earnings.Totals> totals(String creatorId, Instant from, Instant to) {
        return pool.preparedQuery("""
                select coalesce(sum(gifts), 0)::bigint as gifts, coalesce(sum(coins), 0)::bigint as coins, coalesce(sum(diamonds), 0)::bigint as diamonds
                from creator_hour_total where creator_id = $1 and hour >= date_trunc('hour', $2::timestamptz)
                  and hour < date_trunc('hour', $3::timestamptz)
                """).execute(Tuple.of(creatorId, utc(from), utc(to)))
                .map(rows -> {
                    Row r = rows.iterator().next();
                    return new Earnings.Totals(r.getLong("gifts"), r.getLong("coins"), r.getLong("diamonds"));
                });
    }

    /**
     * From each stream's counter row (the gift batch keeps its gifts, coins and diamonds, exact at commit),
     * less the stream's reversed gifts (rare, found by a partial index of reversed gifts by creator).
     */
    public Uni<List<Group>> byStream(String creatorId, int limit) {
        return grouped("""
                select q.stream_id::text as key, q.last - coalesce(r.gifts, 0) as gifts, 0::bigint as quantity,
                       q.coins - coalesce(r.coins, 0) as coins, q.diamonds - coalesce(r.diamonds, 0) as diamonds, false as anonymous
                from live_stream s
                join stream_gift_seq q on q.stream_id = s.id
                left join (select e.stream_id, count(*) as gifts, sum(e.coins)::bigint as coins, sum(e.diamonds)::bigint as diamonds
                           from gift_event e where e.creator_id = $1 and e.reversed_entry_id is not null group by e.stream_id) r
                    on r.stream_id = s.id
                where s.creator_id = $1 and q.last > coalesce(r.gifts, 0)
                order by diamonds desc, coins desc, key limit $2
                """, creatorId, limit);
    }

    public Uni<List<Group>> byGift(String creatorId, int limit) {
        return grouped("select gift_id::text as key, sum(gifts)::bigint as gifts, sum(quantity)::bigint as quantity, sum(coins)::bigint as coins, "
                + "sum(diamonds)::bigint as diamonds, false as anonymous from creator_gift_total where creator_id = $1 group by 1 "
                + "having sum(gifts)::bigint > 0 order by diamonds desc, coins desc, key limit $2", creatorId, limit);
    }

    /** All-time supporters, biggest first; people who stay off leaderboards are left out. */
    public Uni<List<Group>> bySender(String creatorId, int limit) {
        return grouped("select sender_id as key, gifts, 0::bigint as quantity, coins, diamonds, anonymous from ("
                + SupporterBoard.ranked(Leaderboards.sources('S', "$1", Leaderboards.Period.ALL_TIME, "date '1970-01-01'"), "0", "$2")
                + ") ranked order by coins desc, anonymous, tie", creatorId, limit);
    }

    private Uni<List<Group>> grouped(String sql, String creatorId, int limit) {
        return pool.preparedQuery(sql).execute(Tuple.of(creatorId, limit)).map(rows -> {
            List<Group> groups = new ArrayList<>();
            for (Row r : rows) {
                groups.add(new Group(r.getString("key"), r.getLong("gifts"), r.getLong("quantity"), r.getLong("coins"),
                        r.getLong("diamonds"), r.getBoolean("anonymous")));
            }
            return groups;
        });
    }

    /**
     * One bucket per calendar day in {@code zone}, the last {@code days} days up to today, days without gifts included.
     * From UTC hour buckets: in a zone with a half-hour offset, an hour counts on the day its UTC hour starts in.
     */
    public Uni<List<Earnings.Day>> byDay(String creatorId, ZoneId zone, LocalDate today, int days) {
        LocalDate first = today.minusDays(days - 1L);
        return pool.preparedQuery("""
                select (hour at time zone $2)::date as day, sum(gifts)::bigint as gifts, sum(diamonds)::bigint as diamonds
                from creator_hour_total where creator_id = $1 and hour >= date_trunc('hour', $3::timestamptz) group by 1
                """).execute(Tuple.of(creatorId, Times.sqlZone(zone), utc(first.atStartOfDay(zone).toInstant()))).map(rows -> {
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

    /** 24 buckets, hour 0-23 in {@code zone} (from UTC hour buckets, as byDay). */
    public Uni<List<Earnings.Hour>> byHour(String creatorId, ZoneId zone) {
        return pool.preparedQuery("""
                select extract(hour from hour at time zone $2)::int as hour, sum(gifts)::bigint as gifts, sum(diamonds)::bigint as diamonds
                from creator_hour_total where creator_id = $1 group by 1
                """).execute(Tuple.of(creatorId, Times.sqlZone(zone))).map(rows -> {
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
