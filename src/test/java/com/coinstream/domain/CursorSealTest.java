package com.coinstream.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;

import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Cursors are opaque, keyed per deployment, and refused when they were not made here. */
@Tag("fast")
class CursorSealTest {
    final CursorSeal seal = new CursorSeal("a deployment's random bytes".getBytes(StandardCharsets.UTF_8));

    @Test
    void aPositionComesBackFromItsCursor() {
        for (long position : new long[] { 0, 1, 41, 1_000_000_007L, Long.MAX_VALUE }) {
            assertEquals(position, seal.open("matches", seal.seal("matches", position)));
        }
    }

    @Test
    void cursorsTellNothingAboutTheirPositions() {
        String one = seal.seal("matches", 1);
        String two = seal.seal("matches", 2);
        assertNotEquals(one.substring(0, 4), two.substring(0, 4));
        assertEquals(22, one.length()); // 16 bytes, base64url without padding
    }

    @Test
    void anotherDeploymentsOrAForgedCursorIsRefused() {
        CursorSeal other = new CursorSeal("someone else's bytes".getBytes(StandardCharsets.UTF_8));
        assertEquals(-1, seal.open("matches", other.seal("matches", 5)));
        assertEquals(-1, seal.open("matches", "not a cursor"));
        assertEquals(-1, seal.open("matches", "Y3MxOjQy")); // the old base64("cs1:42")
        String forged = seal.seal("matches", 7);
        char flipped = forged.charAt(3) == 'A' ? 'B' : 'A';
        assertEquals(-1, seal.open("matches", forged.substring(0, 3) + flipped + forged.substring(4)));
    }

    /** A cursor of one list is refused by every other: a match's number read as a board's offset would show in its ranks. */
    @Test
    void aCursorOfOneListIsRefusedByAnother() {
        String match = seal.seal("matches", 41);
        assertEquals(-1, seal.open("leaderboard:TOP_GIFTERS:ALL_TIME:", match));
        assertEquals(-1, seal.open("payouts", match));
        assertEquals(41, seal.open("matches", match));
    }
}
