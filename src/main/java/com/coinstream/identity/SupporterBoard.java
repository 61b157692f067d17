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
        return ranked(java.util.List.of("(select * from " + source + " t where " + where + ")"), offset, limit);
    }

    /**
     * {@link #ranked(String, String, String, String)} over several sources that never hold the same person twice (a
     * board's current rows and its past ones): each source's named rows are ranked and cut on their own, so that each
     * can be read in its index's order and stop early, then merged; the "Anonymous" row sums the anonymous rows of all.
     *
     * @param sources parenthesised subqueries with columns sender_id, anonymous, coins, gifts and diamonds, their key
     *        conditions inside
     */
    /**
     * What equal amounts are ordered by (column {@code tie}): the id others see (an erased person's pseudonymous one, as
     * shown_id gives it, V46), never an erased person's own id, whose order beside other ids would tell about it. The
     * expression reads {@code u}, the person's app_user row.
     */
    public static final String TIE = "case when u.erased_at is not null then 'erased-' || substring(u.display_name from '[^ ]*$') else u.id end";

    public static String ranked(java.util.List<String> sources, String offset, String limit) {
        StringBuilder named = new StringBuilder();
        for (String source : sources) {
            named.append("""
                      (select t.sender_id, u.display_name, false as anonymous, t.coins, t.gifts, t.diamonds, %4$s as tie
                       from %1$s t join app_user u on u.id = t.sender_id
                       where not t.anonymous and t.coins > 0 and not u.hide_from_leaderboards
                       order by t.coins desc, t.sender_id limit (%2$s)::bigint + (%3$s)::bigint)
                      union all
                    """.formatted(source, offset, limit, TIE));
        }
        String all = String.join(" union all ", sources.stream().map(src -> "select * from " + src + " s").toList());
        return """
                select * from (
                %1$s  (select null, 'Anonymous', true, sum(t.coins)::bigint, sum(t.gifts)::bigint, sum(t.diamonds)::bigint, null
                   from (%2$s) t where t.anonymous having sum(t.coins) > 0)
                ) board
                order by coins desc, anonymous, tie offset %3$s limit %4$s""".formatted(named, all, offset, limit);
    }
}
