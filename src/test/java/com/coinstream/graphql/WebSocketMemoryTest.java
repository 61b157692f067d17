package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
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
 * address's connections and one caller's subscriptions hold at most a sixteenth of it each, every weight is given back
 * exactly once, whoever ends an operation first (the client, SmallRye, the connection's close), and SmallRye knows each
 * operation by an id never used twice on a connection.
 */
@Tag("fast")
class WebSocketMemoryTest {
    private static final long SUB = WebSocketMemory.SUBSCRIPTION;

    @Test
    void connectionsAreRefusedPastTheirAddressesShareAndTheBudgetAndAClosedOneFreesItsWeight() {
        WebSocketMemory memory = new WebSocketMemory(WebSocketMemory.MIN_BUDGET);
        List<WebSocketMemory.Connection> open = new ArrayList<>();
        for (WebSocketMemory.Connection c = memory.open("203.0.113.9"); c != null; c = memory.open("203.0.113.9")) {
            open.add(c);
        }
        assertEquals(WebSocketMemory.MIN_BUDGET / WebSocketMemory.SHARES / WebSocketMemory.CONNECTION, open.size(), "one address's share");
        assertNotNull(memory.open("198.51.100.7"), "another address still connects");
        open.get(0).person();
        WebSocketMemory.Connection persons = memory.open("203.0.113.9");
        assertNotNull(persons, "one acknowledged as a person's leaves its address's share");
        assertNull(memory.open("203.0.113.9"), "the share is full again");
        persons.close();
        persons.close();
        WebSocketMemory.Connection last = memory.open("203.0.113.9");
        assertNotNull(last, "closed: its place is free");
        assertNull(memory.open("203.0.113.9"), "closed twice, given back once");
        last.close();
        open.get(0).person();
        open.remove(0).close();
        WebSocketMemory.Connection again = memory.open("203.0.113.9");
        assertNotNull(again, "a closed connection's weight is free again");
        again.close();
        again.close();
        open.forEach(WebSocketMemory.Connection::close);
        List<WebSocketMemory.Connection> many = new ArrayList<>();
        for (int i = 0; ; i++) {
            WebSocketMemory.Connection c = memory.open("192.0.2." + i);
            if (c == null) {
                break;
            }
            many.add(c);
        }
        assertTrue(memory.budget() - memory.held() < WebSocketMemory.CONNECTION, "refused only once the budget is held");
        many.forEach(WebSocketMemory.Connection::close);
        assertTrue(memory.held() <= WebSocketMemory.CONNECTION, "each weight given back once (one connection from above still open)");
    }

    @Test
    void oneCallerHoldsAtMostTheirShareAndTheInstanceAtMostItsBudget() {
        WebSocketMemory memory = new WebSocketMemory(2 * WebSocketMemory.MIN_BUDGET); // a caller's share: 2 subscriptions
        WebSocketMemory.Connection c = memory.open("203.0.113.9");
        assertEquals(2, memory.perCallerSubscriptions());
        assertNull(c.start("1", "person a", SUB));
        assertNull(c.start("2", "person a", SUB));
        assertTrue(c.start("3", "person a", SUB).contains("per person"));
        assertNull(c.start("3", "address 203.0.113.9", SUB), "another caller has their own share");
        assertNotNull(c.endedByClient("1"));
        assertNull(c.endedByClient("1"), "ended once");
        assertNull(c.start("4", "person a", SUB), "an ended one frees its place");
        int taken = 3;
        String refused = null;
        for (int i = 0; refused == null; i++) {
            refused = c.start("x" + i, "caller " + (i / 2), SUB);
            if (refused == null) {
                taken++;
            }
        }
        assertTrue(refused.contains("memory allows"), refused);
        assertTrue(memory.budget() - memory.held() < SUB, "refused only once less than one is left: " + taken);
        c.close();
        assertEquals(0, memory.held(), "the close gave back the connection and every subscription");
        assertNull(c.start("late", "person b", SUB));
        assertEquals(0, memory.held(), "one started after the close is given back at once");
    }

    /** An address's subscriptions without a token and its connections have a share each: the first cannot block the second. */
    @Test
    void anAddressesSubscriptionsDoNotHoldItsConnectionsShare() {
        WebSocketMemory memory = new WebSocketMemory(4 * WebSocketMemory.MIN_BUDGET);
        WebSocketMemory.Connection c = memory.open("203.0.113.9");
        int i = 0;
        while (c.start("s" + i, "address 203.0.113.9", SUB) == null) {
            i++;
        }
        assertEquals(memory.perCallerSubscriptions(), i);
        WebSocketMemory.Connection person = memory.open("203.0.113.9");
        assertNotNull(person, "a person's connection from that address is still taken");
        person.close();
        c.close();
        assertEquals(0, memory.held());
    }

    /**
     * SmallRye knows an operation by the connection's own id: a client that completes an id and reuses it at once starts
     * a second operation under a new id, so the first one's late end (SmallRye's "complete") neither ends the second nor
     * gives back its weight.
     */
    @Test
    void aReusedIdIsANewOperationThatTheOldOnesLateEndCannotEnd() {
        WebSocketMemory memory = new WebSocketMemory(WebSocketMemory.MIN_BUDGET * 4);
        WebSocketMemory.Connection c = memory.open("203.0.113.9");
        assertNull(c.start("A", "person a", SUB));
        String first = c.internalOf("A");
        assertEquals(first, c.endedByClient("A"));
        assertNull(c.start("A", "person a", SUB));
        String second = c.internalOf("A");
        assertNotEquals(first, second);
        assertNull(c.endedByServer(first), "the first one's late complete: nothing of it runs, nothing is sent");
        assertTrue(c.isRunning("A"));
        assertEquals("A", c.clientOf(second));
        assertEquals(WebSocketMemory.CONNECTION + SUB, memory.held(), "the second still counts");
        assertEquals("A", c.endedByServer(second));
        c.close();
        assertEquals(0, memory.held());
    }

    @Test
    void endingsRacingTheCloseGiveEachWeightBackOnce() throws Exception {
        WebSocketMemory memory = new WebSocketMemory(64 * WebSocketMemory.MIN_BUDGET);
        for (int round = 0; round < 50; round++) {
            WebSocketMemory.Connection c = memory.open("203.0.113.9");
            for (int i = 0; i < 25; i++) {
                assertNull(c.start("s" + i, "person " + round, SUB + i));
            }
            List<CompletableFuture<Void>> racing = new ArrayList<>();
            for (int i = 0; i < 25; i++) {
                String id = "s" + i;
                String internal = c.internalOf(id);
                racing.add(CompletableFuture.runAsync(() -> c.endedByClient(id)));
                racing.add(CompletableFuture.runAsync(() -> c.endedByServer(internal)));
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

    /** The envelope of a message is read without its payload, and a client's id is replaced in place. */
    @Test
    void anEnvelopesIdIsFoundAndReplacedWhereverItStands() {
        GraphQLOverWebSocket.Envelope e = GraphQLOverWebSocket.envelope("{\"type\":\"next\",\"id\":\"op-7\",\"payload\":{\"id\":\"x\"}}");
        assertEquals("next", e.type());
        assertEquals("op-7", e.id());
        assertEquals("{\"payload\":{\"id\":\"x\"},\"type\":\"subscribe\",\"id\":\"op-3\"}",
                GraphQLOverWebSocket.withId("{\"payload\":{\"id\":\"x\"},\"type\":\"subscribe\",\"id\":\"a\\\"b\"}", "op-3"));
        assertNull(GraphQLOverWebSocket.read("{\"id\":\"a\",\"id\":\"b\",\"type\":\"subscribe\"}"), "a name twice in one object is no message");
    }
}
