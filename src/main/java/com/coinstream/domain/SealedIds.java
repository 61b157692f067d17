package com.coinstream.domain;

/**
 * Row numbers shown as ids (a webhook delivery's): sealed as cursors are ({@link CursorSeal}), so an id tells nobody how
 * many rows were written between two of them (two test deliveries an hour apart told a creator the platform's delivery
 * volume), and one not of this kind, or not from this deployment, names nothing. Stable: the same row, the same id.
 */
public final class SealedIds {
    private SealedIds() {
    }

    public static String of(String kind, long row) {
        return CursorCipher.encode("id:" + kind, row);
    }

    /** The row an id of {@code kind} names, or -1 when it is not one. */
    public static long row(String kind, String id) {
        return id == null ? -1 : CursorCipher.decode("id:" + kind, id);
    }
}
