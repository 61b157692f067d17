package com.coinstream.db;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** A download's pace: what its client's buffers took at the start buys no time later; a steady slow reader is never cut off. */
@Tag("fast")
class CursorPaceTest {
    private static final long STALL = Duration.ofSeconds(30).toNanos();

    @Test
    void aTrickleAfterABurstIsCutOffWithinTwoStallTimeouts() {
        Cursors.Pace pace = new Cursors.Pace(Duration.ofSeconds(30), Duration.ofMinutes(10), 0);
        long burst = 1_000;
        for (int i = 0; i < 40_000; i++) {
            pace.row(burst); // a socket's buffers fill at once
        }
        assertThrows(Cursors.CutOff.class, () -> {
            for (long now = burst; now - burst <= 3 * STALL; now += STALL * 9 / 10) {
                pace.row(now); // then a row just before each stall timeout
            }
        });
    }

    @Test
    void aSteadySlowReaderReadsOnToTheDeadline() {
        Cursors.Pace pace = new Cursors.Pace(Duration.ofSeconds(30), Duration.ofMinutes(10), 0);
        long perRow = 2 * STALL / Cursors.MIN_ROWS_PER_TWO_STALLS * 9 / 10; // a little faster than the least pace
        long now = 5 * STALL; // the first row after a long wait for a connection
        for (; now < Duration.ofMinutes(10).toNanos() - perRow; now += perRow) {
            pace.row(now);
        }
        long late = Duration.ofMinutes(10).toNanos() + 1;
        assertThrows(Cursors.CutOff.class, () -> pace.row(late), "the longest allowed still ends it");
    }
}
