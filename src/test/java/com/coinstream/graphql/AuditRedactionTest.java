package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** What the audit log keeps of an input: no secrets, no tokens, no credentials in URLs. */
@Tag("fast")
class AuditRedactionTest {
    static final ObjectMapper JSON = new ObjectMapper();

    static String redacted(String input) throws Exception {
        JsonNode tree = JSON.readTree(input);
        AdminActionInterceptor.redact(tree);
        return tree.toString();
    }

    @Test
    void secretsTokensAndPasswordsAreRedactedAtAnyDepth() throws Exception {
        assertEquals("{\"userId\":\"u1\",\"secret\":\"[redacted]\",\"nested\":[{\"externalToken\":\"[redacted]\",\"password\":\"[redacted]\"}],"
                + "\"reason\":\"r\",\"apiKeyCredential\":\"[redacted]\",\"authorization\":\"[redacted]\",\"token\":null}",
                redacted("{\"userId\":\"u1\",\"secret\":\"whsec_x\",\"nested\":[{\"externalToken\":\"pp_123\",\"password\":\"p\"}],"
                        + "\"reason\":\"r\",\"apiKeyCredential\":\"k\",\"authorization\":\"Bearer x\",\"token\":null}"));
    }

    @Test
    void aUrlKeepsSchemeHostPortAndPathOnly() throws Exception {
        assertEquals("{\"url\":\"https://hooks.example.com:8443/in\"}", redacted("{\"url\":\"https://bob:pw@hooks.example.com:8443/in?sig=abc#frag\"}"));
        assertEquals("{\"url\":\"[redacted]\"}", redacted("{\"url\":\"not a url with spaces\"}"));
    }

    @Test
    void anyInputCanBeRecordedHoweverLongAndWhateverItsKeys() throws Exception {
        String huge = "x".repeat(100_000);
        JsonNode tree = JSON.readTree(redacted("{\"userId\":\"" + huge + "\",\"a\\u0000b\":1,\"" + "k".repeat(500) + "\":2}"));
        String userId = tree.get("userId").asText();
        assertEquals(true, userId.length() < 1100 && userId.endsWith("(99000 more)"), userId.substring(userId.length() - 20));
        assertEquals(1, tree.get("a\uFFFDb").asInt(), tree.toString());
        assertEquals(3, tree.size());
        var draft = AdminActionInterceptor.draft(JSON, "placeHold", java.util.Optional.empty(), JSON.readTree("{\"userId\":\"" + huge + "\"}"));
        assertEquals(true, draft.targetId().length() <= AdminActionInterceptor.MAX_TARGET + 20, draft.targetId());
        // a pair is never split by the cut
        String emoji = "\uD83C\uDF39".repeat(600);
        String kept = com.coinstream.domain.Text.forRecord(emoji);
        assertEquals(null, com.coinstream.domain.Text.encodingProblem(kept));
    }

    /** A refused attempt's made-up text is recorded as sent, but never so that it reads otherwise to the admins reading it. */
    @Test
    void bidirectionalControlsAreNotRecorded() throws Exception {
        var draft = AdminActionInterceptor.draftOfUncheckedInput(JSON, "placeHold", java.util.Optional.empty(),
                JSON.readTree("{\"userId\":\"\u202Enimda\u202C\",\"reason\":\"\u2067x\u2069 \u200F\"}"));
        assertEquals(null, draft.targetId(), "an id that cannot be kept as sent names no one");
        assertEquals("\uFFFDx\uFFFD \u200F", draft.reason());
        assertEquals(false, draft.input().matches("(?s).*[\u202A-\u202E\u2066-\u2069].*"), draft.input());
    }

    /** What a record keeps: pairs and ordinary text as they are; each unpaired surrogate, control, noncharacter and bidi control as U+FFFD. */
    @Test
    void aRecordReplacesEachUnacceptableUnitAndKeepsTheRest() {
        String sent = "ok \uD83C\uDF39 \uD800x\uDC00\u0000\t\uFFFE\u202E\u00E9";
        assertEquals("ok \uD83C\uDF39 \uFFFDx\uFFFD\uFFFD\t\uFFFD\uFFFD\u00E9", com.coinstream.domain.Text.forRecord(sent));
        assertEquals(false, com.coinstream.domain.Text.recordedAsSent(sent));
        assertEquals(true, com.coinstream.domain.Text.recordedAsSent("caf\u00E9 \uD83C\uDF39\n"));
        assertEquals(true, com.coinstream.domain.Text.recordedAsSent("plain"));
        assertEquals(false, com.coinstream.domain.Text.recordedAsSent("\uD83C"), "a high surrogate at the end");
    }
}
