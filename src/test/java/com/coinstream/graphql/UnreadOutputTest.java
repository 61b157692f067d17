package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * Unread WebSocket output: a connection holds at most its share, all of them together at most the instance's budget, and
 * a client that reads (nothing waiting) is always written to.
 */
@Tag("fast")
class UnreadOutputTest {
    @Test
    void aConnectionThatDoesNotReadIsRefusedPastItsShareAndOneThatReadsNever() {
        UnreadOutput unread = new UnreadOutput(100, 1_000);
        UnreadOutput.Connection slow = unread.open();
        assertTrue(slow.take(60));
        assertTrue(slow.take(40));
        assertFalse(slow.take(1), "past its share");
        assertEquals(100, unread.held(), "a refused message counts nothing");
        UnreadOutput.Connection reader = unread.open();
        assertTrue(reader.take(500), "one answer to a client with nothing waiting is written, however big");
        reader.give(500);
        slow.give(100);
        assertEquals(0, unread.held());
    }

    @Test
    void connectionsEachUnderTheirShareAreRefusedOnceTheyTogetherHoldTheBudget() {
        UnreadOutput unread = new UnreadOutput(100_000, 240_000);
        UnreadOutput.Connection a = unread.open();
        UnreadOutput.Connection b = unread.open();
        UnreadOutput.Connection c = unread.open();
        assertTrue(a.take(90_000));
        assertTrue(b.take(90_000));
        assertTrue(c.take(60_000));
        assertFalse(c.take(30_000), "each under its share, the instance's budget passed");
        assertFalse(a.take(5_000), "under its share, over the budget");
        UnreadOutput.Connection reader = unread.open();
        assertTrue(reader.take(1_000), "a connection with nothing waiting is still written to");
        assertTrue(reader.take(1_000), "and one with an event on its way (a reader, under SLOW), however full the instance is");
        reader.give(2_000);
        b.give(90_000);
        assertTrue(a.take(10_000), "room again once writes complete");
        assertEquals(160_000, unread.held());
    }
}
