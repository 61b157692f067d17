package com.coinstream.live;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.Map;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/**
 * startLiveStream and endLiveStream answer the stream as it was written (not read again after the commit, where a
 * failed read would answer an error for a change made): the same fields a later read finds.
 */
@QuarkusTest
class LiveStreamsTest {
    private static final String FIELDS = "id title status startedAt endedAt creator { id }";

    @Test
    void startAndEndAnswerTheStreamAsStored() {
        String creatorId = Tokens.unique("answers");
        String token = Tokens.creator(creatorId);
        JsonPath started = Gql.ok(token, "mutation($i: StartLiveStreamInput!) { startLiveStream(input: $i) { liveStream { " + FIELDS
                + " } userErrors { code } } }", Gql.vars("i", Map.of("title", "  On air  ")));
        Map<String, Object> answered = started.getMap("data.startLiveStream.liveStream");
        assertEquals("On air", answered.get("title"));
        assertEquals("LIVE", answered.get("status"));
        assertEquals(answered, read(token, (String) answered.get("id")), "the answer is the stream as stored (its time to the microsecond)");

        JsonPath ended = Gql.ok(token, "mutation($i: EndLiveStreamInput!) { endLiveStream(input: $i) { liveStream { " + FIELDS
                + " } userErrors { code } } }", Gql.vars("i", Map.of("streamId", answered.get("id"))));
        Map<String, Object> endAnswer = ended.getMap("data.endLiveStream.liveStream");
        assertEquals("ENDED", endAnswer.get("status"));
        assertNotNull(endAnswer.get("endedAt"));
        assertEquals(endAnswer, read(token, (String) answered.get("id")));
    }

    private static Map<String, Object> read(String token, String id) {
        return Gql.ok(token, "query($id: ID!) { liveStream(id: $id) { " + FIELDS + " } }", Gql.vars("id", id)).getMap("data.liveStream");
    }
}
