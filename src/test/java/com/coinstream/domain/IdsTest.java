package com.coinstream.domain;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Optional;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** An id is one written form: another spelling of the same UUID names nothing (README "Input rules": NOT_FOUND). */
@Tag("fast")
class IdsTest {
    static final UUID STREAM = UUID.fromString("00000000-0000-4000-a000-0000000ca201");

    @Test
    void theWrittenFormInEitherCaseIsTheId() {
        assertEquals(Optional.of(STREAM), Ids.parse("00000000-0000-4000-a000-0000000ca201"));
        assertEquals(Optional.of(STREAM), Ids.parse("00000000-0000-4000-A000-0000000CA201"));
        assertEquals("00000000-0000-4000-a000-0000000ca201", Ids.canonical("00000000-0000-4000-A000-0000000CA201"));
    }

    @Test
    void whatUuidFromStringWouldStretchToAnIdNamesNothing() {
        for (String alias : new String[] { "0-0-4000-a000-ca201", "100000000-0-4000-a000-ca201", "+0000000-0000-4000-a000-0000000ca201",
                "00000000-0000-4000-a000-+000000ca201", "000000000000-4000-a000-0000000ca201-", "00000000-0000-4000-a000-0000000ca20\uff11",
                "{00000000-0000-4000-a000-0000000ca201}", "000000000000-4000-a000-00000000ca201", "00000000000040000a0000000000ca201",
                "", "nope" }) {
            assertTrue(Ids.parse(alias).isEmpty(), alias);
        }
        assertTrue(Ids.parse(null).isEmpty());
    }
}
