package com.coinstream.identity;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Instant;
import java.time.LocalDate;
import java.util.Optional;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** The one age rule: an adult on the date where it begins last, so nobody counts as one early in any time zone. */
@Tag("fast")
class AgeRuleTest {
    static final Optional<LocalDate> BORN = Optional.of(LocalDate.parse("2008-12-06"));

    @Test
    void theEighteenthBirthdayCountsOnceItHasBegunEverywhere() {
        // 00:30 UTC on the birthday: still the 5th at UTC-12 (Baker Island), as in Pago Pago (UTC-11)
        assertFalse(Caller.isAdult(BORN, Instant.parse("2026-12-06T00:30:00Z"), 18));
        assertFalse(Caller.isAdult(BORN, Instant.parse("2026-12-06T11:59:59Z"), 18));
        assertTrue(Caller.isAdult(BORN, Instant.parse("2026-12-06T12:00:00Z"), 18));
        assertFalse(Caller.isAdult(Optional.empty(), Instant.parse("2026-12-06T12:00:00Z"), 18));
    }
}
