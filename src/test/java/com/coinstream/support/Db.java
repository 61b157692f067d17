package com.coinstream.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Plain JDBC on the schema a test's service uses: to read records after the fact, or to hold a row lock. */
public final class Db {
    public static final String TEST_SCHEMA = "coinstream_test";

    /**
     * Every match as a comparable word, for tests that assert a request changed nothing: a match that closes on its own
     * clock (RUNNING to FINISHED at ends_at, INVITED to EXPIRED at expires_at) reads the same before and after, even when
     * its moment falls between the two reads. A forfeit, a decline, a cancel or an acceptance still shows.
     */
    public static final String MATCHES_AS_COMPARED = "(select string_agg(case "
            + "when status = 'RUNNING' or (status = 'FINISHED' and forfeited_stream is null) then 'RUNNING until ' || ends_at "
            + "when status in ('INVITED', 'EXPIRED') then 'INVITED until ' || expires_at "
            + "else status end, ',' order by seq) from live_match)";

    private Db() {
    }

    public static Connection connect(String schema) {
        try {
            return DriverManager.getConnection("jdbc:postgresql://127.0.0.1:5432/postgres?currentSchema=" + schema, "postgres", "");
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of a query as column-name maps. */
    public static List<Map<String, Object>> rows(String schema, String sql, Object... args) {
        try (Connection c = connect(schema)) {
            return rows(c, sql, args);
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static List<Map<String, Object>> rows(Connection c, String sql, Object... args) {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            for (int i = 0; i < args.length; i++) {
                s.setObject(i + 1, args[i]);
            }
            List<Map<String, Object>> out = new ArrayList<>();
            if (!s.execute()) {
                return out;
            }
            try (ResultSet r = s.getResultSet()) {
                while (r.next()) {
                    Map<String, Object> row = new LinkedHashMap<>();
                    for (int i = 1; i <= r.getMetaData().getColumnCount(); i++) {
                        row.put(r.getMetaData().getColumnLabel(i), r.getObject(i));
                    }
                    out.add(row);
                }
            }
            return out;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    public static long number(String schema, String sql, Object... args) {
        return ((Number) rows(schema, sql, args).get(0).values().iterator().next()).longValue();
    }

    /** Transactions of this database (other than the asking one) idle inside a transaction for more than a second. */
    public static long transactionsIdleOverASecond() {
        return number(TEST_SCHEMA, "select count(*) from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() "
                + "and state like 'idle in transaction%' and now() - state_change > interval '1 second'");
    }
}
