package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket connection's place: nobody's connections (no token) are capped per client address, so one client cannot
 * take every place (overlays and signed-out rooms from other addresses still connect), and in all as a backstop; a place
 * is given back at close, and one that authenticates later moves to its person's count.
 */
@Tag("fast")
class ConnectionPlaceTest {
    @Test
    void connectionsWithoutATokenAreCappedPerAddressAndEachCloseFreesItsPlace() {
        String hostile = "203.0.113." + (System.nanoTime() % 200);
        List<GraphQLOverWebSocket.Place> open = new ArrayList<>();
        for (int i = 0; i < GraphQLOverWebSocket.MAX_ANONYMOUS_PER_ADDRESS; i++) {
            GraphQLOverWebSocket.Place place = new GraphQLOverWebSocket.Place(hostile);
            assertTrue(place.admit(null), "place " + i);
            assertTrue(place.admit(null), "acknowledged again (a ping, a second init): the same place");
            open.add(place);
        }
        GraphQLOverWebSocket.Place oneMore = new GraphQLOverWebSocket.Place(hostile);
        assertFalse(oneMore.admit(null));
        assertTrue(oneMore.refusal(null).contains("from one address"), oneMore.refusal(null));
        GraphQLOverWebSocket.Place overlay = new GraphQLOverWebSocket.Place("198.51.100.7");
        assertTrue(overlay.admit(null), "another address (an overlay) still connects");
        overlay.close();
        open.remove(0).close();
        assertTrue(oneMore.admit(null), "a closed connection's place is free again");
        // one that authenticates with a second connection_init leaves nobody's count for its person's
        assertTrue(open.get(0).admit("someone-" + System.nanoTime()));
        GraphQLOverWebSocket.Place another = new GraphQLOverWebSocket.Place(hostile);
        assertTrue(another.admit(null), "the authenticated one's place among nobody's was given back");
        another.close();
        oneMore.close();
        open.forEach(GraphQLOverWebSocket.Place::close);
        GraphQLOverWebSocket.Place last = new GraphQLOverWebSocket.Place(hostile);
        assertTrue(last.admit(null));
        last.close();
    }

    /** A close reason fits RFC 6455's 123 bytes (a 4409's names an id of up to 255 characters), cut at whole characters. */
    @Test
    void aCloseReasonIsCutToWhatAFrameHolds() {
        assertEquals("short", GraphQLOverWebSocket.closeReason("short"));
        String cut = GraphQLOverWebSocket.closeReason("Subscriber for " + "x".repeat(255) + " already exists");
        assertTrue(cut.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= GraphQLOverWebSocket.MAX_CLOSE_REASON, cut);
        assertTrue(cut.startsWith("Subscriber for xxx") && cut.endsWith("..."), cut);
        String emoji = GraphQLOverWebSocket.closeReason("\uD83C\uDF39".repeat(60));
        assertTrue(emoji.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= GraphQLOverWebSocket.MAX_CLOSE_REASON, emoji);
        assertTrue(!Character.isHighSurrogate(emoji.charAt(emoji.length() - 4)), "no character cut in half");
    }

    /** An IPv6 client holds a whole /64: its addresses count as one; IPv4 and anything else as written, and nothing is looked up. */
    @Test
    void anIpv6ClientCountsByItsSlash64() {
        assertEquals(GraphQLOverWebSocket.clientKey("2001:db8:1:2::1"), GraphQLOverWebSocket.clientKey("2001:db8:1:2:ffff::9"));
        assertNotEquals(GraphQLOverWebSocket.clientKey("2001:db8:1:2::1"), GraphQLOverWebSocket.clientKey("2001:db8:1:3::1"));
        assertEquals(GraphQLOverWebSocket.clientKey("[2001:db8:1:2::1]"), GraphQLOverWebSocket.clientKey("2001:db8:1:2::7"));
        assertEquals("203.0.113.9", GraphQLOverWebSocket.clientKey("203.0.113.9"));
        assertEquals("unknown:host.example", GraphQLOverWebSocket.clientKey("unknown:host.example"));
    }
}
