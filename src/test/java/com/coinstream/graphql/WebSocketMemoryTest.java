package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * The instance's WebSocket memory (WebSocketMemory): connections and subscriptions are weighed against one budget, one
 * caller holds at most a sixteenth of it in subscriptions, and every weight is given back exactly once, whoever ends an
 * operation first (the client, the server, the connection's close).
 */
@Tag("fast")
class WebSocketMemoryTest {
    @Test
    void connectionsAreRefusedOnceTheBudgetIsHeldAndAClosedOneFreesItsWeight() {
        WebSocketMemory memory = new WebSocketMemory(WebSocketMemory.MIN_BUDGET);
        List<WebSocketMemory.Connection> open = new ArrayList<>();
        for (WebSocketMemory.Connection c = memory.open(); c != null; c = memory.open()) {
            open.add(c);
        }
        assertEquals(WebSocketMemory.MIN_BUDGET / WebSocketMemory.CONNECTION, open.size());
        open.remove(0).close();
        WebSocketMemory.Connection again = memory.open();
        assertNotNull(again, "a closed connection's weight is free again");
        again.close();
        again.close();
        open.forEach(WebSocketMemory.Connection::close);
        assertEquals(0, memory.held(), "each weight given back once");
    }

    @Test
    void oneCallerHoldsAtMostTheirShareAndTheInstanceAtMostItsBudget() {
        WebSocketMemory memory = new WebSocketMemory(2 * WebSocketMemory.MIN_BUDGET); // a caller's share: 2 subscriptions
        WebSocketMemory.Connection c = memory.open();
        assertEquals(2, memory.perCallerSubscriptions());
        assertNull(c.start("1", "person a"));
        assertNull(c.start("1", "person a"), "an id already running counts once");
        assertNull(c.start("2", "person a"));
        assertTrue(c.start("3", "person a").contains("per person"));
        assertNull(c.start("3", "address 203.0.113.9"), "another caller has their own share");
        c.ended("1");
        c.ended("1");
        assertNull(c.start("4", "person a"), "an ended one frees its place, once");
        // the instance's budget: the connection's weight and every caller's subscriptions together
        int taken = 3;
        String refused = null;
        for (int i = 0; refused == null; i++) {
            refused = c.start("x" + i, "caller " + (i / 2));
            if (refused == null) {
                taken++;
            }
        }
        assertTrue(refused.contains("memory allows"), refused);
        assertEquals((2 * WebSocketMemory.MIN_BUDGET - WebSocketMemory.CONNECTION) / WebSocketMemory.SUBSCRIPTION, taken);
        assertTrue(memory.budget() - memory.held() < WebSocketMemory.SUBSCRIPTION, "refused only once less than one is left");
        c.close();
        assertEquals(0, memory.held(), "the close gave back the connection and every subscription");
        assertTrue(c.start("late", "person b") == null && memory.held() == 0, "one started after the close is given back at once");
    }

    @Test
    void endingsRacingTheCloseGiveEachWeightBackOnce() throws Exception {
        WebSocketMemory memory = new WebSocketMemory(64 * WebSocketMemory.MIN_BUDGET);
        for (int round = 0; round < 50; round++) {
            WebSocketMemory.Connection c = memory.open();
            for (int i = 0; i < 25; i++) {
                assertNull(c.start("s" + i, "person " + round));
            }
            List<CompletableFuture<Void>> racing = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String id = "s" + i;
                racing.add(CompletableFuture.runAsync(() -> c.ended(id)));
            }
            racing.add(CompletableFuture.runAsync(c::close));
            CompletableFuture.allOf(racing.toArray(CompletableFuture[]::new)).get();
            assertEquals(0, memory.held(), "round " + round);
        }
    }

    @Test
    void aBudgetTooSmallForOneSubscriptionPerCallerStopsTheStart() {
        assertThrows(io.quarkus.runtime.configuration.ConfigurationException.class, () -> new WebSocketMemory(WebSocketMemory.MIN_BUDGET - 1));
    }
}
