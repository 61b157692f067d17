package com.coinstream.db;

import io.smallrye.mutiny.Uni;

import java.util.Optional;

import com.coinstream.domain.ErrorCode;
import com.coinstream.domain.Refusal;

import io.vertx.pgclient.PgException;

/**
 * The one translator of database errors that a request, not a fault, can cause. Whatever the input gate lets through
 * and PostgreSQL still refuses (a value it cannot store, a reference to nothing, a lost race on a unique key) becomes a
 * coded refusal here, so it never reaches a client as INTERNAL. Anything not listed is a real fault and stays one.
 */
public final class DatabaseErrors {
    private DatabaseErrors() {
    }

    /** The refusal {@code failure} stands for, or empty when it is a real fault (or not a database error at all). */
    public static Optional<Refusal> refusal(Throwable failure) {
        String state = sqlState(failure);
        if (state == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(switch (state) {
            // data exceptions: text PostgreSQL cannot store (NUL, 22021/22P05), values out of range (22003), dates it cannot
            // represent (22008), malformed values (22P02, 22007), too long for a column (22001)
            case "22001", "22003", "22007", "22008", "22021", "22P02", "22P05", "22023", "2201E", "2201F" ->
                new Refusal(ErrorCode.INVALID_INPUT, "A value is out of the range this field accepts, or is not valid text", "input");
            // program limits a value can reach: a text too long for an index entry, a row too big (54000)
            case "54000" -> new Refusal(ErrorCode.INVALID_INPUT, "A value is too long", "input");
            case "23503" -> new Refusal(ErrorCode.NOT_FOUND, "The operation names something that does not exist", "input");
            case "23505", "23P01", "40001", "40P01", "55P03" ->
                new Refusal(ErrorCode.CONFLICT, "Another change to the same thing was made at the same time; read it again and retry");
            case "23514" -> new Refusal(ErrorCode.INVALID_STATE, "The change would break a rule of the data as it is now");
            // V21: an erased person's row is final
            case "CS001" -> new Refusal(ErrorCode.INVALID_STATE, "This account has been erased");
            default -> state.startsWith("22") ? new Refusal(ErrorCode.INVALID_INPUT, "A value is not valid for this field", "input") : null;
        });
    }

    /**
     * Whether {@code failure} is a pool that gave up waiting for a free connection (its connection timeout: every one was
     * in use all that time): the database is up, but busy with others' work, so the caller is told to send again.
     */
    public static boolean poolWaitTimedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof io.vertx.core.impl.NoStackTraceThrowable && "Timeout".equals(t.getMessage())) {
                return true;
            }
        }
        return false;
    }

    /**
     * {@code work}, failing with {@code refusal} instead when its pool gave up waiting for a connection
     * ({@link #poolWaitTimedOut}): a pool of a few connections kept for slow work (imports, audits), all busy.
     */
    public static <T> Uni<T> busyPoolRefused(Uni<T> work, java.util.function.Supplier<? extends RuntimeException> refusal) {
        return work.onFailure(DatabaseErrors::poolWaitTimedOut).transform(e -> refusal.get());
    }

    /** The constraint the first database error in the cause chain names (a unique violation's index), or null. */
    public static String constraint(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getConstraint();
            }
        }
        return null;
    }

    /** The SQLSTATE of the first database error in the cause chain, or null. */
    public static String sqlState(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof PgException pg) {
                return pg.getSqlState();
            }
            if (t instanceof java.sql.SQLException sql && sql.getSQLState() != null) {
                return sql.getSQLState();
            }
            if (t instanceof org.hibernate.JDBCException jdbc && jdbc.getSQLState() != null) {
                return jdbc.getSQLState();
            }
        }
        return null;
    }

    /** What a client is told when the database cannot be reached (UNAVAILABLE). */
    public static final String UNREACHABLE = "The service is temporarily unavailable (its database cannot be reached); try again shortly";

    /** Connection-level failures (refused, reset, closed, pool acquisition timed out) rather than a bug. */
    public static boolean unreachable(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause()) {
            String name = c.getClass().getName();
            String text = String.valueOf(c.getMessage());
            if (c instanceof java.net.ConnectException || c instanceof java.io.IOException
                    || name.startsWith("io.vertx.sqlclient.ClosedConnectionException") || name.startsWith("io.vertx.core.net.ConnectException")
                    || name.contains("NoStackTraceThrowable") || name.contains("ConnectTimeoutException")
                    || text.contains("Connection refused") || text.contains("Timeout") || text.contains("connection")) {
                return true;
            }
        }
        return false;
    }

}
