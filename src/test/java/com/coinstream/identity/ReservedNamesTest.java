package com.coinstream.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Names and ids only the service gives are known as a reader sees them, however they are spelled underneath. */
@Tag("fast")
class ReservedNamesTest {
    @Test
    void aNameThatReadsAsOneOnlyTheServiceGivesIsReserved() {
        for (String name : new String[] { "Anonymous", " anonymous ", "Anonymous\u200B", "Anon\u200Dymous", "\uFF21nonymous",
                "Erased user 3f9a1c07", "Erased\u00A0user 3f9a1c07", "Erased  user 3f9a1c07", "erased\u2003USER 00000000",
                "Anonymous\uFE0F", "Anonymous\u034F", "Anonymous\u3164", "\u0410nonymous", "An\u043Enymous", "An\u00F3nymous" }) {
            assertTrue(PublicProfile.reservedName(name), name);
        }
        for (String name : new String[] { "Anonymouse fan", "Ana Nymous", "Erased", "user", "Erasedd user" }) {
            assertFalse(PublicProfile.reservedName(name), name);
        }
    }

    @Test
    void anIdOnlyTheServiceShowsIsReserved() {
        for (String id : new String[] { "anonymous", "ANONYMOUS", "erased-3f9a1c07", "Erased-ABCDEF12" }) {
            assertTrue(PublicProfile.reservedId(id), id);
        }
        for (String id : new String[] { "anonymous-fan", "erased-3f9a1c0", "erased-3f9a1c07x", "toerase-3f9a1c07", "alice" }) {
            assertFalse(PublicProfile.reservedId(id), id);
        }
    }
}
