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
            assertEquals(position, seal.open(seal.seal(position)));
        }
    }

    @Test
    void cursorsTellNothingAboutTheirPositions() {
        String one = seal.seal(1);
        String two = seal.seal(2);
        assertNotEquals(one.substring(0, 4), two.substring(0, 4));
        assertEquals(22, one.length()); // 16 bytes, base64url without padding
    }

    @Test
    void anotherDeploymentsOrAForgedCursorIsRefused() {
        CursorSeal other = new CursorSeal("someone else's bytes".getBytes(StandardCharsets.UTF_8));
        assertEquals(-1, seal.open(other.seal(5)));
        assertEquals(-1, seal.open("not a cursor"));
        assertEquals(-1, seal.open("Y3MxOjQy")); // the old base64("cs1:42")
        String forged = seal.seal(7);
        char flipped = forged.charAt(3) == 'A' ? 'B' : 'A';
        assertEquals(-1, seal.open(forged.substring(0, 3) + flipped + forged.substring(4)));
    }
}
