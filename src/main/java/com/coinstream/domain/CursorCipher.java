package com.coinstream.domain;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import io.quarkus.runtime.StartupEvent;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The deployment's cursor seal ({@link CursorSeal}), keyed from {@code cursor_key} (shared by every instance on the
 * database) once at start. Held statically because cursors are made and read in static paging helpers ({@link Page}).
 */
@ApplicationScoped
public class CursorCipher {
    private static volatile CursorSeal seal;
    private final Pool pool;

    public CursorCipher(Pool pool) {
        this.pool = pool;
    }

    void loadKey(@Observes StartupEvent ignored) {
        byte[] stored = pool.query("select key from cursor_key where id = 1").execute().await().indefinitely()
                .iterator().next().getBuffer("key").getBytes();
        seal = new CursorSeal(stored);
    }

    static String encode(String list, long position) {
        return current().seal(list, position);
    }

    /** The position in a cursor of {@code list}, or -1 when it is not a cursor of that list from this deployment. */
    static long decode(String list, String cursor) {
        return current().open(list, cursor);
    }

    private static CursorSeal current() {
        CursorSeal known = seal;
        if (known == null) {
            throw new IllegalStateException("cursor key not loaded yet");
        }
        return known;
    }
}
