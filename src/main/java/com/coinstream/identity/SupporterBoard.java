package com.coinstream.identity;

/**
 * The one rule for every ranked list of people who gave (a stream's topGifters, leaderboards, a match side's supporters,
 * a creator's topSupporters), so that no two answers can be compared to link an "Anonymous" entry to a person:
 * <ul>
 * <li>a person's named gifts are one row under their current display name (a pseudonym once they are erased), unless
 * they chose to stay off leaderboards;</li>
 * <li>all anonymous gifts, whoever sent them, are one "Anonymous" row: one sum, not a row per hidden sender. No setting of
 * the sender (hiding, erasure) changes that row, so it never moves when a person's named row does.</li>
 * </ul>
 * The rows are ranked by coins (the named row first on a tie, then by id).
 */
public final class SupporterBoard {
    private SupporterBoard() {
    }

    /**
     * One statement: the columns are {@code sender_id} (null for the anonymous row), {@code display_name},
     * {@code anonymous}, {@code coins}, {@code gifts} and {@code diamonds}.
     *
     * @param source a table or a parenthesised subquery with columns sender_id, anonymous, coins, gifts and diamonds (at most
     *        one row per sender and flag, as the rollups keep them)
     * @param where the condition on the source, aliased {@code t} (its key: a stream, a creator's period)
     * @param offset the parameter or literal of the rows to skip
     * @param limit the parameter or literal of the rows to return
     */
    public static String ranked(String source, String where, String offset, String limit) {
        return """
                select * from (
                  (select t.sender_id, u.display_name, false as anonymous, t.coins, t.gifts, t.diamonds
                   from %1$s t join app_user u on u.id = t.sender_id
                   where %2$s and not t.anonymous and t.coins > 0 and not u.hide_from_leaderboards
                   order by t.coins desc, t.sender_id limit (%3$s)::bigint + (%4$s)::bigint)
                  union all
                  (select null, 'Anonymous', true, sum(t.coins)::bigint, sum(t.gifts)::bigint, sum(t.diamonds)::bigint
                   from %1$s t where %2$s and t.anonymous having sum(t.coins) > 0)
                ) board
                order by coins desc, anonymous, sender_id offset %3$s limit %4$s""".formatted(source, where, offset, limit);
    }
}
