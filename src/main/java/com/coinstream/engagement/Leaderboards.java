package com.coinstream.engagement;

import java.time.DayOfWeek;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.TemporalAdjusters;
import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;

import org.eclipse.microprofile.graphql.Enum;

import com.coinstream.identity.PublicProfile;
import com.coinstream.identity.SupporterBoard;

import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Leaderboards, read from the rollups the gift batches keep (migration V11): a page is one index range read (top
 * creators: one aggregate over the period's creators), so its cost does not grow with the number of gifts.
 * Periods are UTC: the day, the ISO week from Monday, the month, and all time.
 */
@ApplicationScoped
public class Leaderboards {
    @Enum("LeaderboardScope")
    public enum Scope {
        CREATOR_SUPPORTERS, TOP_CREATORS, TOP_GIFTERS
    }

    @Enum("LeaderboardPeriod")
    public enum Period {
        DAY("D"), WEEK("W"), MONTH("M"), ALL_TIME("A");

        final String code;

        Period(String code) {
            this.code = code;
        }

        /** The first day of the period containing {@code at} (UTC). */
        public LocalDate start(Instant at) {
            LocalDate day = LocalDate.ofInstant(at, ZoneOffset.UTC);
            return switch (this) {
                case DAY -> day;
                case WEEK -> day.with(TemporalAdjusters.previousOrSame(DayOfWeek.MONDAY));
                case MONTH -> day.withDayOfMonth(1);
                case ALL_TIME -> LocalDate.EPOCH;
            };
        }

        /** The first day after the period, or null for all time. */
        public LocalDate end(LocalDate start) {
            return switch (this) {
                case DAY -> start.plusDays(1);
                case WEEK -> start.plusWeeks(1);
                case MONTH -> start.plusMonths(1);
                case ALL_TIME -> null;
            };
        }
    }

    /** One place on a leaderboard: {@code userId} is the supporter or creator; anonymous entries show as "Anonymous". */
    public record Entry(long rank, String userId, String displayName, boolean anonymous, long coins, long gifts) {
    }

    /**
     * A period's rows of one ranked board (V31): the people whose current row holds that period, and those whose row has
     * moved on since (board_past). Columns sender_id, anonymous, coins, gifts, diamonds, as {@link SupporterBoard} reads
     * them; each read in its own index's order (a current period's page stops after its rows).
     *
     * @param board 'S' a creator's supporters, 'G' the platform's gifters
     * @param owner the owner's parameter ('' for the platform's boards)
     * @param start the period start's parameter
     */
    public static List<String> sources(char board, String owner, Period period, String start) {
        if (period == Period.ALL_TIME) {
            return List.of(("(select who_id as sender_id, anonymous, a_coins as coins, a_gifts as gifts, a_diamonds as diamonds from board_now "
                    + "where board = '%s' and owner_id = %s and %s::date = date '1970-01-01')").formatted(board, owner, start));
        }
        String p = period.code.toLowerCase(java.util.Locale.ROOT);
        return List.of(("(select who_id as sender_id, anonymous, %2$s_coins as coins, %2$s_gifts as gifts, %2$s_diamonds as diamonds "
                + "from board_now where board = '%1$s' and owner_id = %3$s and %2$s_start = %4$s)").formatted(board, p, owner, start),
                ("(select who_id as sender_id, anonymous, coins, gifts, diamonds from board_past "
                        + "where board = '%s' and owner_id = %s and period = '%s' and period_start = %s)").formatted(board, owner, period.code, start));
    }

    private static final java.util.Map<Period, String> SUPPORTERS = new java.util.EnumMap<>(Period.class);
    private static final java.util.Map<Period, String> GIFTERS = new java.util.EnumMap<>(Period.class);
    static {
        for (Period p : Period.values()) {
            SUPPORTERS.put(p, SupporterBoard.ranked(sources('S', "$1", p, "$2"), "$3", "$4"));
            GIFTERS.put(p, SupporterBoard.ranked(sources('G', "''", p, "$1"), "$2", "$3"));
        }
    }
    private static final String CREATORS = """
            select t.creator_id as sender_id, u.display_name, false as anonymous, u.erased_at is not null as erased,
                   sum(t.coins)::bigint as coins, sum(t.gifts)::bigint as gifts
            from creator_total t join app_user u on u.id = t.creator_id
            where t.period = $1 and t.period_start = $2
            group by t.creator_id, u.display_name, u.erased_at having sum(t.coins) > 0
            order by coins desc, max(""" + SupporterBoard.TIE + ") offset $3 limit $4";

    private final Pool pool;

    public Leaderboards(Pool pool) {
        this.pool = pool;
    }

    /** Up to {@code limit} entries after the first {@code offset}, for the period starting {@code start}. */
    public Uni<List<Entry>> read(Scope scope, Period period, LocalDate start, String creatorId, long offset, int limit) {
        Tuple args = switch (scope) {
            case CREATOR_SUPPORTERS -> Tuple.of(creatorId, start, offset, limit);
            case TOP_GIFTERS -> Tuple.of(start, offset, limit);
            case TOP_CREATORS -> Tuple.of(period.code, start, offset, limit);
        };
        String sql = switch (scope) {
            case CREATOR_SUPPORTERS -> SUPPORTERS.get(period);
            case TOP_GIFTERS -> GIFTERS.get(period);
            case TOP_CREATORS -> CREATORS;
        };
        return pool.preparedQuery(sql).execute(args).map(rows -> {
            List<Entry> entries = new ArrayList<>();
            long rank = offset;
            for (Row r : rows) {
                // (an erased creator stays on the creators' board under their pseudonym and its id, never their user id)
                boolean erased = r.getColumnIndex("erased") >= 0 && r.getBoolean("erased");
                String id = PublicProfile.of(r.getString("sender_id"), r.getString("display_name"), erased).id();
                entries.add(new Entry(++rank, id, r.getString("display_name"), r.getBoolean("anonymous"), r.getLong("coins"), r.getLong("gifts")));
            }
            return entries;
        });
    }
}
