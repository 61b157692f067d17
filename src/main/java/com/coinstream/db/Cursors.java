package com.coinstream.db;

import java.util.ArrayList;
import java.util.List;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Large reads (exports): rows fetched {@value #PAGE} at a time, each page one short query of its own that starts after
 * the last row's key, pulled as the consumer asks for them. Memory stays flat whatever the size, and nothing (no
 * connection, transaction or cursor) is held between pages: a client that reads slowly or stalls holds nothing in the
 * database (a cursor in a transaction, held open for as long as the client took, was this before). Rows committed while
 * an export is read appear in it if they sort after the rows already sent.
 */
public final class Cursors {
    static final int PAGE = 500;

    private Cursors() {
    }

    /**
     * {@code sql} with one {@code %s} where the page's condition goes ({@code true} on the first page, {@code key > (the
     * last row's values)} after), ordered by {@code key}, which must be unique; {@code keyColumns} name the key's values in
     * a row, in the key's order. Arguments are {@code $1..$n}; the key's values follow them.
     */
    public static Multi<Row> pages(Pool pool, String sql, Tuple args, String key, String... keyColumns) {
        return Multi.createFrom().deferred(() -> {
            Object[][] after = { null };
            return Multi.createBy().repeating().uni(() -> page(pool, sql, args, key, after, keyColumns))
                    .whilst(rows -> rows.size() == PAGE)
                    .onItem().transformToIterable(rows -> rows);
        });
    }

    private static Uni<List<Row>> page(Pool pool, String sql, Tuple args, String key, Object[][] after, String... keyColumns) {
        Tuple values = Tuple.tuple();
        for (int i = 0; i < args.size(); i++) {
            values.addValue(args.getValue(i));
        }
        String condition = "true";
        if (after[0] != null) {
            StringBuilder placeholders = new StringBuilder();
            for (Object value : after[0]) {
                values.addValue(value);
                placeholders.append(placeholders.length() == 0 ? "" : ", ").append('$').append(values.size());
            }
            condition = key + " > (" + placeholders + ")";
        }
        return pool.preparedQuery(sql.formatted(condition) + " limit " + PAGE).execute(values).map(rows -> {
            List<Row> page = new ArrayList<>(rows.size());
            rows.forEach(page::add);
            if (!page.isEmpty()) {
                Row last = page.get(page.size() - 1);
                Object[] key2 = new Object[keyColumns.length];
                for (int i = 0; i < keyColumns.length; i++) {
                    key2[i] = last.getValue(keyColumns[i]);
                }
                after[0] = key2;
            }
            return page;
        });
    }
}
