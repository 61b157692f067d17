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
        UnreadOutput unread = new UnreadOutput(100, 240);
        UnreadOutput.Connection a = unread.open();
        UnreadOutput.Connection b = unread.open();
        UnreadOutput.Connection c = unread.open();
        assertTrue(a.take(90));
        assertTrue(b.take(90));
        assertTrue(c.take(60));
        assertFalse(c.take(30), "each under its share, the instance's budget passed");
        assertFalse(a.take(5), "under its share, over the budget");
        UnreadOutput.Connection reader = unread.open();
        assertTrue(reader.take(50), "a connection with nothing waiting is still written to");
        reader.give(50);
        b.give(90);
        assertTrue(a.take(10), "room again once writes complete");
        assertEquals(160, unread.held());
    }
}
