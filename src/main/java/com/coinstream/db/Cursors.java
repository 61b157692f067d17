package com.coinstream.db;

import java.util.function.Function;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;

/**
 * Large reads (exports): rows fetched 500 at a time from a cursor in a transaction of their own, pulled as the consumer
 * asks for them, so memory stays flat whatever the size. The connection goes back to the pool when the stream ends,
 * fails or is cancelled (a client that disconnects).
 */
public final class Cursors {
    static final int FETCH = 500;

    private Cursors() {
    }

    public static Multi<Row> stream(Pool pool, String sql, Tuple args) {
        return Multi.createFrom().resourceFromUni(pool::getConnection,
                connection -> connection.begin().toMulti().flatMap(tx -> connection.prepare(sql).toMulti()
                        .flatMap(statement -> statement.createStream(FETCH, args).toMulti())))
                .withFinalizer((Function<SqlConnection, Uni<Void>>) SqlConnection::close);
    }
}
