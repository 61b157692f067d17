package com.coinstream.events;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import io.vertx.core.json.JsonArray;

/**
 * Notices are packed by bytes as PostgreSQL counts them (a payload of 8000 bytes or more fails the whole statement, and
 * with it every notice of a gift batch), as well as by count.
 */
@Tag("fast")
class NoticePackingTest {
    /** A name of 64 characters, each with 19 combining marks: about 3.7 KB of UTF-8 in 1,280 UTF-16 units. */
    static final String HEAVY = ("a" + "\u20DD".repeat(19)).repeat(64);

    @Test
    void heavyNamesSplitPayloadsByBytesAndNothingIsLost() {
        List<String> notices = new ArrayList<>();
        for (int i = 0; i < 40; i++) {
            notices.add(new io.vertx.core.json.JsonObject().put("n", i).put("senderName", i % 2 == 0 ? HEAVY : "plain").encode());
        }
        List<String> payloads = ClusterEvents.packed(notices, 16);
        int seen = 0;
        for (String p : payloads) {
            assertTrue(p.getBytes(StandardCharsets.UTF_8).length <= ClusterEvents.MAX_PAYLOAD_BYTES, p.length() + " characters");
            JsonArray a = new JsonArray(p);
            assertTrue(a.size() <= 16);
            for (Object o : a) {
                assertEquals(seen++, ((io.vertx.core.json.JsonObject) o).getInteger("n"), "in order, each once");
            }
        }
        assertEquals(40, seen);
    }

    @Test
    void countsStillCapPayloadsAndAnOversizedNoticeIsLeftOutAlone() {
        List<String> small = new ArrayList<>();
        for (int i = 0; i < 33; i++) {
            small.add("\"u" + i + "\"");
        }
        assertEquals(List.of(16, 16, 1), ClusterEvents.packed(small, 16).stream().map(p -> new JsonArray(p).size()).toList());
        String huge = "\"" + "é".repeat(5000) + "\"";
        assertEquals(List.of("[\"a\",\"b\"]"), ClusterEvents.packed(List.of("\"a\"", huge, "\"b\""), 16));
    }

    /** Bytes are counted without encoding, as the encoder the database client uses would write them. */
    @Test
    void bytesCountedAsEncoded() {
        for (String text : List.of("", "plain", "é", "\u20AC", "\uD83C\uDF81 gift", HEAVY, "lone \uD800 high", "lone \uDC00 low", "end \uD83C")) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, ClusterEvents.utf8Bytes(text), text);
        }
    }
}
