package com.coinstream.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Erasures;
import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.coinstream.support.Webhooks;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.test.junit.QuarkusTest;

/**
 * Edges a hostile reading of the code found after issues 28 and 29 (each failed before its fix): inputs that reach the
 * service outside GraphQL, values beyond what the gate's rules saw, and an erased person's writes in flight.
 */
@QuarkusTest
class EdgesHoldTest {
    static final String PLACE_HOLD = "mutation($i: PlaceHoldInput!) { placeHold(input: $i) { userErrors { code } } }";
    static final String AUDIT = "query($f: AuditLogFilter) { auditLog(filter: $f, first: 5) { nodes { action targetId outcome errorCode } } }";

    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void theProvidersEventsAreHeldToTheSameTextRulesAndAnswerWithCodes() {
        String token = Tokens.viewer(Tokens.unique("provtext"));
        String purchase = Flows.buyPackage(token, Flows.PKG_70, "pm_async", Flows.key()).getString("data.purchaseCoins.purchase.id");
        // a NUL or an endless reference is refused before anything is stored (PostgreSQL refused it as a 500 before)
        for (String ref : List.of("sim\\u0000ref", "r".repeat(5_000))) {
            String event = """
                    {"id":"evt_ref_%s","type":"payment.succeeded","data":{"purchaseId":"%s","paymentRef":"%s","amountMinor":99,"currency":"USD"}}"""
                    .formatted(ref.length(), purchase, ref);
            Webhooks.send(event).then().statusCode(400);
        }
        // a reason with an emoji: the reason is kept as a token, and the purchase fails (a 500 that the provider retried forever)
        String failed = """
                {"id":"evt_emoji_%s","type":"payment.failed","data":{"purchaseId":"%s","reason":"card \\uD83D\\uDCB3"}}""".formatted(purchase, purchase);
        Webhooks.send(failed).then().statusCode(200);
        assertEquals("FAILED", Gql.ok(token, "query($id: ID!) { purchase(id: $id) { status } }", Gql.vars("id", purchase)).getString("data.purchase.status"));
    }

    /** A malformed escape, or escaped bytes that are not UTF-8 (which Vert.x reads as U+FFFD: a name other than sent). */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "%zz", "q3%FF%ED%A0%80.csv", "a%C3" })
    void aSettlementUploadWithABrokenQueryStringIsAnsweredAtOnce(String fileName) throws Exception {
        // sent raw: no client library sends a malformed escape; read in a callback, it would have left the request unanswered
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            socket.setSoTimeout(10_000);
            String request = "POST /imports/settlement-reports?fileName=" + fileName + " HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + Tokens.admin()
                    + "\r\nContent-Type: text/csv\r\nContent-Length: 1\r\nConnection: close\r\n\r\nx";
            long refused = com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA,
                    "select count(*) from admin_audit where action = 'importSettlementReport' and outcome = 'REFUSED'");
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(answer.startsWith("HTTP/1.1 400"), answer); // (by the HTTP layer, or by the upload when it reads the query)
            if (!fileName.startsWith("%")) {
                assertTrue(answer.contains("BAD_REQUEST"), answer);
            }
            if (answer.contains("BAD_REQUEST")) {
                // the upload's own answer: the attempt is recorded, as every refused upload is
                assertEquals(refused + 1, com.coinstream.support.Db.number(com.coinstream.support.Db.TEST_SCHEMA,
                        "select count(*) from admin_audit where action = 'importSettlementReport' and outcome = 'REFUSED'"));
            }
        }
    }

    /** A client that breaks off its upload mid-body: the attempt is a refusal (the client's to resend), never INTERNAL. */
    @Test
    void aSettlementUploadCutOffMidBodyIsARefusalNotAFault() throws Exception {
        String admin = Tokens.unique("cutoff");
        try (java.net.Socket socket = new java.net.Socket("localhost", port)) {
            String request = "POST /imports/settlement-reports?fileName=cut.csv HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                    + Tokens.admin(admin) + "\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\ntransaction_id,type,amount,currency,fee,date\n";
            socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            Thread.sleep(500);
        } // closed with 99,950 bytes of the body still owed
        List<Map<String, Object>> records = List.of();
        for (int i = 0; i < 100 && records.isEmpty(); i++) {
            Thread.sleep(100);
            records = Gql.ok(Tokens.admin(), AUDIT, Gql.vars("f", Map.of("actorId", admin))).getList("data.auditLog.nodes");
        }
        assertEquals(1, records.size(), records.toString());
        assertEquals("REFUSED", records.get(0).get("outcome"), records.toString());
        assertEquals("BAD_REQUEST", records.get(0).get("errorCode"), records.toString());
    }

    /**
     * An upload that stalls mid-body holds no database connection, transaction or lock while it waits (it is written to a
     * temporary file first; the import held a transaction open from its first byte before), and at most two are read at
     * once: a third is refused with 429 RATE_LIMITED, and the slots come back when the stalled clients leave.
     */
    @Test
    void aStalledSettlementUploadHoldsNoTransactionAndUploadsAtOnceAreBounded() throws Exception {
        List<java.net.Socket> stalled = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 3; i++) {
                java.net.Socket socket = new java.net.Socket("localhost", port);
                socket.setSoTimeout(10_000);
                stalled.add(socket);
                String request = "POST /imports/settlement-reports?fileName=stalled.csv HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
                        + Tokens.admin() + "\r\nContent-Type: text/csv\r\nContent-Length: 100000\r\n\r\n"
                        + "transaction_id,type,amount,currency,fee,date\nsim_pi_stall_" + i + ",charge,0.99,USD,0.33,2026-11-30\n";
                socket.getOutputStream().write(request.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                Thread.sleep(300);
            }
            byte[] answer = new byte[2048];
            int n = stalled.get(2).getInputStream().read(answer);
            String third = n < 0 ? "closed" : new String(answer, 0, n, java.nio.charset.StandardCharsets.UTF_8);
            assertTrue(third.startsWith("HTTP/1.1 429") && third.contains("RATE_LIMITED"), third);
            Thread.sleep(2_000);
            assertEquals(0L, Db.transactionsIdleOverASecond(),
                    "no transaction waits on a stalled body");
        } finally {
            for (java.net.Socket s : stalled) {
                s.close();
            }
        }
        String csv = "transaction_id,type,amount,currency,fee,date\n";
        int status = 0;
        for (int i = 0; i < 50 && status != 200 && status != 422; i++) {
            Thread.sleep(100);
            status = io.restassured.RestAssured.given().contentType("text/csv").header("Authorization", "Bearer " + Tokens.admin())
                    .body(csv.getBytes(java.nio.charset.StandardCharsets.UTF_8)).post("/imports/settlement-reports").statusCode();
        }
        assertTrue(status == 200 || status == 422, "uploads are taken again once the stalled ones left: " + status);
    }

    @Test
    void anAdminAttemptWithAnEndlessTargetIsRefusedAndAudited() {
        String admin = Tokens.unique("longtarget");
        String target = "u".repeat(10_000);
        var r = Gql.post(Tokens.admin(admin), PLACE_HOLD, Gql.vars("i", Map.of("userId", target, "reason", "r", "a\u0000b", 1)));
        assertNotEquals("INTERNAL", Gql.errorCode(r), r.asString());
        List<Map<String, Object>> records = Gql.ok(Tokens.admin(), AUDIT, Gql.vars("f", Map.of("actorId", admin))).getList("data.auditLog.nodes");
        assertEquals(1, records.size(), records.toString());
        assertEquals("REFUSED", records.get(0).get("outcome"));
        assertTrue(records.get(0).get("targetId").toString().startsWith("uuu") && records.get(0).get("targetId").toString().length() < 300);
    }

    @Test
    void wholeNumbersBeyond64BitsAndMalformedStreamIdsAreRefused() {
        String viewer = Tokens.viewer(Tokens.unique("bigafter"));
        LiveCreator creator = Gifting.liveCreator("bigafter");
        var wrapped = Gql.post(viewer, "query($s: ID!, $a: BigInteger) { streamEvents(streamId: $s, after: $a) { sequence } }",
                Gql.vars("s", creator.stream(), "a", new java.math.BigInteger("18446744073709551621")));
        assertEquals("BAD_USER_INPUT", Gql.errorCode(wrapped), wrapped.asString()); // it read as "after 5" before
        for (String query : List.of("query($s: ID!) { streamEvents(streamId: $s) { sequence } }", "query($s: ID!) { topGifters(streamId: $s) { coins } }")) {
            assertEquals("NOT_FOUND", Gql.errorCode(Gql.post(viewer, query, Gql.vars("s", "not-a-stream"))), query);
        }
    }

    @Test
    void nothingOfAnErasedPersonIsWrittenEvenByARequestAlreadyPastItsChecks() {
        String id = Tokens.unique("fenced");
        String token = Tokens.creator(id);
        Gql.ok(token, "{ me { id } }");
        Erasures.erase(token);
        // what a request that passed its checks before the erasure would write after it: refused by the database
        for (String insert : List.of(
                "insert into spending_limit (user_id, period, coins, effective_at, created_at) values (?, 'DAY', 1, now(), now()) returning user_id",
                "insert into overlay_key (id, creator_id, label, key_hash, key_hint, created_at) values (gen_random_uuid(), ?, 'late', "
                        + "sha256(random()::text::bytea), 'abcd', now()) returning creator_id",
                "insert into payout_account (id, owner_id, kind, external_token, label, created_at) values (gen_random_uuid(), ?, 'PAYPAL', 'pp_late_12345', "
                        + "'late', now()) "
                        + "returning owner_id",
                // V29: an erasure request nobody could ever complete
                "insert into erasure_request (id, user_id, requested_at, eligible_at, status) values (gen_random_uuid(), ?, now(), now(), "
                        + "'REQUESTED') returning user_id")) {
            RuntimeException refused = assertThrows(RuntimeException.class, () -> Db.rows(Db.TEST_SCHEMA, insert, id), insert);
            Throwable cause = refused;
            while (cause != null && !(cause instanceof SQLException)) {
                cause = cause.getCause();
            }
            assertNotNull(cause, refused.toString());
            assertEquals("CS001", ((SQLException) cause).getSQLState(), insert);
        }
    }

    @Test
    void anErasedPersonsOpenConnectionCanDoNothingMore() throws Exception {
        String token = Tokens.viewer(Tokens.unique("openconn"));
        Gql.ok(token, "{ me { id } }");
        try (FeedClient client = FeedClient.connect(port, token)) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("before", "{ wallet { coins } }");
            assertNotNull(client.nextData("before", 10), "the connection works before the erasure");
            Erasures.erase(token);
            client.subscribe("after", "{ wallet { coins } }");
            JsonNode answer = client.nextOf(10, "next", "error");
            assertNotNull(answer);
            assertEquals("UNAUTHENTICATED", answer.toString().contains("UNAUTHENTICATED") ? "UNAUTHENTICATED" : answer.toString());
        }
    }

    @Test
    void aCreatorCannotTellAnAnonymousSenderByTheValueOfTheirGift() {
        LiveCreator creator = Gifting.liveCreator("anonvalue");
        var viewer = Gifting.fundedViewer("anonvalue", 100);
        String gift = Gql.ok(viewer.token(), Gifting.SEND, Gql.input("streamId", creator.stream(), "giftId", Gifting.ROSE, "quantity", 1,
                "idempotencyKey", Flows.key(), "anonymous", true)).getString("data.sendGift.receipt.id");
        String query = "{ %s(first: 5) { nodes { id anonymous value { amount currency } } } }";
        List<Map<String, Object>> received = Gql.ok(creator.token(), query.formatted("giftsReceived")).getList("data.giftsReceived.nodes");
        Map<String, Object> seen = received.stream().filter(n -> gift.equals(n.get("id"))).findFirst().orElseThrow();
        assertEquals(true, seen.get("anonymous"));
        assertEquals(null, seen.get("value"), "priced in the sender's currency at the sender's own price, it would name them");
        List<Map<String, Object>> sent = Gql.ok(viewer.token(), query.formatted("giftReceipts")).getList("data.giftReceipts.nodes");
        assertNotNull(sent.stream().filter(n -> gift.equals(n.get("id"))).findFirst().orElseThrow().get("value"), "the sender sees their own");
    }

    @Test
    void monthsAndDaysOutsideTheWindowAreRefusedBeforeAnythingIsRead() {
        LiveCreator creator = Gifting.liveCreator("farmonth");
        var far = Gql.post(creator.token(), "query($m: String!) { creatorStatement(month: $m) { earned } }", Gql.vars("m", "0001-01"));
        assertEquals("BAD_USER_INPUT", Gql.errorCode(far), far.asString());
        assertEquals(0, Gql.ok(creator.token(), "query($m: String!) { creatorStatement(month: $m) { earned } }", Gql.vars("m", "2026-11"))
                .getLong("data.creatorStatement.earned"));
        // the simulated provider's report: a status, not a stream broken half-way by a date PostgreSQL cannot hold
        io.restassured.RestAssured.given().header("Authorization", "Bearer " + Tokens.admin())
                .get("/dev/settlement-report?from=-5000-01-01&to=2026-01-01").then().statusCode(400);
    }

    @Test
    void anErasedCreatorsStreamsAreNotFoundByTheirUserId() {
        String id = Tokens.unique("goneCreator");
        String token = Tokens.creator(id);
        Gifting.startStream(token, "Before I go");
        Erasures.erase(token);
        List<Object> streams = Gql.ok(null, "query($c: ID) { liveStreams(creatorId: $c, liveOnly: false) { nodes { id } } }", Gql.vars("c", id))
                .getList("data.liveStreams.nodes");
        assertEquals(List.of(), streams, "asked for by the user id, the pseudonym's streams would name them");
    }
}
