package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.DataInputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.FeedClient;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Tokens;
import com.fasterxml.jackson.databind.JsonNode;

import io.quarkus.test.junit.QuarkusTest;

/**
 * A WebSocket client meets the same edge as an HTTP one (GraphQLOverWebSocket): a subscribe message whose document does
 * not parse, is over the token limit, or whose payload has the wrong shape gets an error message with the HTTP path's
 * code, and the connection stays usable; a message over the size limit closes the connection with 1009 and a reason,
 * whether it came as one frame or as many.
 */
@QuarkusTest
class WebSocketEdgeTest {
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Test
    void aSubscriptionThatDoesNotParseIsRefusedWithACodeAndTheConnectionStaysOpen() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsedge");
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsedge")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            assertEquals("GRAPHQL_PARSE_FAILED", refusal(client, "a", "subscription { giftEvents(streamId: \"x\") { id "));
            assertEquals("QUERY_TOO_COMPLEX", refusal(client, "b", "subscription { giftEvents(streamId: \"x\") { id " + "__typename ".repeat(3_000) + "} }"));
            client.sendRaw("{\"id\":\"c\",\"type\":\"subscribe\",\"payload\":{\"query\":7}}");
            assertEquals("BAD_REQUEST", code(client.nextOf(5, "error", "next")));
            client.sendRaw("{\"id\":\"d\",\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { giftEvents(streamId: \\\"x\\\") { id } }\",\"variables\":\"text\"}}");
            assertEquals("BAD_REQUEST", code(client.nextOf(5, "error", "next")));
            // the same connection still subscribes
            client.subscribeGifts("ok", live.stream());
            client.sendRaw("{\"type\":\"ping\"}");
            JsonNode after = client.nextOf(5, "pong", "error", "closed");
            assertEquals("pong", after.path("type").asText(), "the connection is still open: " + after);
        }
    }

    /**
     * A mutation is sent as an HTTP POST: over a WebSocket, whose operations share one connection's request state (an
     * admin mutation's audit record among it), it is refused with BAD_REQUEST, and nothing is done nor recorded.
     */
    @Test
    void aMutationOverAWebSocketIsRefusedAndDoesNothing() throws Exception {
        String viewerId = Tokens.unique("wsgrant");
        String viewer = Tokens.viewer(viewerId);
        Gql.ok(viewer, "{ wallet { coins } }");
        String admin = Tokens.admin(Tokens.unique("wsadmin"));
        try (FeedClient client = FeedClient.connect(port, admin)) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("m", "mutation($i: GrantCoinsInput!) { grantCoins(input: $i) { wallet { coins } userErrors { code } } }",
                    Map.of("i", Map.of("userId", viewerId, "coins", 5, "reason", "over ws", "idempotencyKey", java.util.UUID.randomUUID().toString())));
            JsonNode refused = client.nextOf(5, "error", "next");
            assertEquals("BAD_REQUEST", code(refused), String.valueOf(refused));
            client.subscribe("n", "query Q { me { id } } mutation M { __typename }", Map.of());
            JsonNode ambiguous = client.nextOf(5, "error", "next", "complete");
            assertNotNull(ambiguous, "an operation SmallRye cannot choose is its own to answer");
            client.send(Map.of("id", "q", "type", "subscribe", "payload", Map.of("query", "query Q { me { id } } mutation M { __typename }",
                    "operationName", "M")));
            assertEquals("BAD_REQUEST", code(client.nextOf(5, "error", "next")));
            // a blank operationName is no name: the one operation, a mutation, is refused
            client.send(Map.of("id", "b", "type", "subscribe", "payload", Map.of("query", "mutation M { __typename }", "operationName", "")));
            assertEquals("BAD_REQUEST", code(client.nextOf(5, "error", "next")));
            // and with several operations a blank name runs the first: a mutation among them is refused
            client.send(Map.of("id", "c", "type", "subscribe", "payload", Map.of("query", "mutation A { __typename } query B { me { id } }",
                    "operationName", "")));
            assertEquals("BAD_REQUEST", code(client.nextOf(5, "error", "next")));
        }
        assertEquals(0L, Gql.ok(viewer, "{ wallet { coins } }").getLong("data.wallet.coins"));
        // refused before it ran, and recorded as the admin's refused attempt (once; beside the refusal, so a moment later)
        for (int i = 0; i < 50 && Gql.ok(Tokens.admin(), "query($t: ID) { auditLog(filter: {targetId: $t}) { nodes { action } } }",
                Gql.vars("t", viewerId)).getList("data.auditLog.nodes").isEmpty(); i++) {
            Thread.sleep(100);
        }
        assertEquals(java.util.List.of(Map.of("action", "grantCoins", "outcome", "REFUSED", "errorCode", "BAD_REQUEST")), Gql.ok(Tokens.admin(),
                "query($t: ID) { auditLog(filter: {targetId: $t}) { nodes { action outcome errorCode } } }",
                Gql.vars("t", viewerId)).getList("data.auditLog.nodes"));
    }

    /**
     * At most 25 subscriptions at once on one connection: one more is refused with RATE_LIMITED and the connection kept;
     * one the client completes, or the server ended (an unknown stream's error), no longer counts.
     */
    @Test
    void atMost25SubscriptionsAtOnceOnOneConnection() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsops");
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsops")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            for (int i = 0; i < 30; i++) {
                client.subscribeGifts("gone" + i, "00000000-0000-4000-8000-00000000dead");
                JsonNode ended = client.nextOf(5, "error", "complete");
                assertNotNull(ended, "the server ends a subscription to no stream");
                assertTrue(!"RATE_LIMITED".equals(ended.path("payload").path(0).path("extensions").path("code").asText()), ended.toString());
            }
            for (int i = 0; i < 25; i++) {
                client.subscribeGifts("s" + i, live.stream());
            }
            client.subscribeGifts("one-more", live.stream());
            JsonNode refused = client.nextOf(5, "error");
            assertNotNull(refused);
            assertEquals("one-more", refused.path("id").asText());
            assertEquals("RATE_LIMITED", code(refused));
            client.send(Map.of("id", "s0", "type", "complete"));
            client.subscribeGifts("again", live.stream());
            client.sendRaw("{\"type\":\"ping\"}");
            JsonNode after = client.nextOf(5, "pong", "error", "closed");
            assertEquals("pong", after.path("type").asText(), "one completed, one more taken: " + after);
        }
    }

    /**
     * One person's subscriptions on an instance hold at most a sixteenth of its WebSocket memory (WebSocketMemory: 76 under
     * the tests' budget, about what the README's heap gives): on a fourth connection, the 77th is refused with RATE_LIMITED, the
     * connection kept, and one the person ends frees its place. Without it, 2,000 people with one subscription each
     * filled a 144 MB heap and the instance stopped answering.
     */
    @Test
    void onePersonsSubscriptionsHoldAtMostTheirShareOfTheInstancesMemory() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsshare");
        String token = Tokens.viewer(Tokens.unique("wsshare"));
        // a sixteenth of the tests' 48M, each subscription 40 KiB and 8 bytes a character of its message (about 300)
        long share = 48L * 1024 * 1024 / WebSocketMemory.SHARES / WebSocketMemory.SUBSCRIPTION;
        assertEquals(76, share, "the tests' budget (application.properties)");
        try (FeedClient a = FeedClient.connect(port, token); FeedClient b = FeedClient.connect(port, token);
                FeedClient d = FeedClient.connect(port, token); FeedClient c = FeedClient.connect(port, token)) {
            for (FeedClient client : List.of(a, b, d, c)) {
                assertNotNull(client.nextOf(10, "connection_ack"));
            }
            for (int i = 0; i < 25; i++) {
                a.subscribeGifts("a" + i, live.stream());
                b.subscribeGifts("b" + i, live.stream());
            }
            for (FeedClient client : List.of(a, b)) { // (each connection's messages are taken in order: its pong follows its 25)
                client.sendRaw("{\"type\":\"ping\"}");
                assertEquals("pong", client.nextOf(5, "pong", "error", "closed").path("type").asText());
            }
            int running = 50;
            JsonNode refused = null;
            for (FeedClient client : List.of(d, c)) {
                for (int i = 0; i < 25 && refused == null; i++) {
                    client.subscribeGifts("x" + i, live.stream());
                    client.sendRaw("{\"type\":\"ping\"}");
                    JsonNode answer = client.nextOf(5, "pong", "error", "closed");
                    if ("pong".equals(answer.path("type").asText())) {
                        running++;
                    } else {
                        refused = answer;
                    }
                }
            }
            assertNotNull(refused, "refused within four connections' worth");
            assertTrue(running >= 66 && running <= share, "about a sixteenth of the budget runs: " + running);
            assertEquals("RATE_LIMITED", code(refused), refused.toString());
            assertTrue(refused.toString().contains("per person"), refused.toString());
            a.send(Map.of("id", "a0", "type", "complete"));
            a.sendRaw("{\"type\":\"ping\"}");
            assertNotNull(a.nextOf(5, "pong"));
            c.subscribeGifts("zz", live.stream()); // (an id as long as a0's: the same weight)
            c.sendRaw("{\"type\":\"ping\"}");
            assertEquals("pong", c.nextOf(5, "pong", "error", "closed").path("type").asText(), "one ended, one more taken");
            // another person is not held back by this one's share
            try (FeedClient other = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsshare")))) {
                assertNotNull(other.nextOf(10, "connection_ack"));
                other.subscribeGifts("x", live.stream());
                other.sendRaw("{\"type\":\"ping\"}");
                assertEquals("pong", other.nextOf(5, "pong", "error", "closed").path("type").asText());
            }
        }
    }

    /**
     * An id the client completes and reuses at once is a new operation: SmallRye knows each by an id of the connection's
     * own, so the first one's end (a query's late answer, here one over every live stream) neither stops the second nor
     * is sent under its id, and the second still delivers and still stops when the client completes it. SmallRye kept
     * operations by the client's id: the first's late "complete" removed the second from its table, which could then
     * neither be stopped nor counted.
     */
    @Test
    void anIdCompletedAndReusedAtOnceIsANewOperation() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsreuse");
        var viewer = Gifting.fundedViewer("wsreuse", 100);
        try (FeedClient client = FeedClient.connect(port, viewer.token())) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("A", "query { liveStreams(first: 50) { nodes { id title } } }");
            client.send(Map.of("id", "A", "type", "complete"));
            client.subscribeGifts("A", live.stream());
            client.sendRaw("{\"type\":\"ping\"}");
            assertNotNull(client.nextOf(5, "pong"));
            Thread.sleep(500); // (the query's answer, had it been sent, would be here by now)
            Gifting.send(viewer.token(), live.stream(), Gifting.ROSE, 1, com.coinstream.support.Flows.key());
            JsonNode event = client.nextOf(10, "next", "complete", "error");
            assertNotNull(event);
            assertEquals("next", event.path("type").asText(), "the query's answer was not sent, the subscription runs: " + event);
            assertEquals("A", event.path("id").asText());
            assertTrue(event.path("payload").path("data").has("giftEvents"), event.toString());
            client.send(Map.of("id", "A", "type", "complete"));
            client.sendRaw("{\"type\":\"ping\"}");
            assertNotNull(client.nextOf(5, "pong"));
            Gifting.send(viewer.token(), live.stream(), Gifting.ROSE, 1, com.coinstream.support.Flows.key());
            assertEquals(null, client.nextOf(3, "next"), "completed: nothing more of it");
        }
    }

    /**
     * One client address's connections that are not a person's (here never initialised) hold at most a sixteenth of the
     * WebSocket memory (192 under the tests' budget): one more is refused before its upgrade with 503 and RATE_LIMITED,
     * and a closed one frees its place. Before, one address could hold every place with connections it never used.
     */
    @Test
    void oneAddressesConnectionsWithoutAPersonHoldAtMostTheirShare() throws Exception {
        int share = (int) (48L * 1024 * 1024 / WebSocketMemory.SHARES / WebSocketMemory.CONNECTION);
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.URI uri = java.net.URI.create("ws://localhost:" + port + "/graphql");
        // all at once, well within the 10 s a connection may stay uninitialised
        List<java.util.concurrent.CompletableFuture<java.net.http.WebSocket>> opening = new java.util.ArrayList<>();
        for (int i = 0; i < share + 10; i++) {
            opening.add(http.newWebSocketBuilder().subprotocols("graphql-transport-ws").buildAsync(uri, new java.net.http.WebSocket.Listener() {
            }));
        }
        List<java.net.http.WebSocket> open = new java.util.ArrayList<>();
        List<java.net.http.WebSocketHandshakeException> refused = new java.util.ArrayList<>();
        try {
            for (var f : opening) {
                try {
                    open.add(f.get(10, java.util.concurrent.TimeUnit.SECONDS));
                } catch (java.util.concurrent.ExecutionException e) {
                    if (!(e.getCause() instanceof java.net.http.WebSocketHandshakeException handshake)) {
                        throw e;
                    }
                    refused.add(handshake);
                }
            }
            assertTrue(open.size() <= share, open.size() + " connections taken");
            assertTrue(refused.size() >= 10, refused.size() + " refused");
            var answer = refused.get(0).getResponse();
            assertEquals(503, answer.statusCode());
            assertTrue(String.valueOf(answer.body()).contains("RATE_LIMITED"), String.valueOf(answer.body()));
            assertEquals("5", answer.headers().firstValue("Retry-After").orElse(null));
        } finally {
            open.forEach(java.net.http.WebSocket::abort);
        }
        for (int attempt = 0; ; attempt++) { // (the closes arrive asynchronously)
            assertTrue(attempt < 40, "a closed connection's place is free again");
            try (FeedClient client = FeedClient.connect(port, null)) {
                JsonNode answer = client.nextOf(10, "connection_ack", "closed");
                if (answer != null && "connection_ack".equals(answer.path("type").asText())) {
                    break;
                }
            } catch (java.util.concurrent.ExecutionException e) {
                // refused: not yet
            }
            Thread.sleep(250);
        }
    }

    /**
     * A message type is one of the protocol's, exactly as written: SmallRye reads "Subscribe" as "subscribe", and such a
     * message ran unchecked (a mutation over the WebSocket, no cap, no weight, under the client's own id). It closes the
     * connection (4400); so does "Connection_Init", which Quarkus' authentication did not read as one.
     */
    @Test
    void aMessageTypeInAnotherCaseClosesWith4400() throws Exception {
        for (String type : List.of("Subscribe", "SUBSCRIBE", "Complete", "Connection_Init", "start", "data")) {
            try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wscase")))) {
                if (!type.equals("Connection_Init")) {
                    assertNotNull(client.nextOf(10, "connection_ack"));
                }
                client.send(Map.of("id", "m", "type", type, "payload", Map.of("query", "mutation { endLiveStream(input: {streamId: \"x\"}) { userErrors { code } } }")));
                JsonNode closed = client.nextOf(10, "closed");
                assertNotNull(closed, type);
                assertEquals(4400, closed.path("code").asInt(), type + ": " + closed);
            }
        }
    }

    /** A connection_init over 16 KiB closes the connection (4400): SmallRye keeps its payload for the connection's life. */
    @Test
    void aConnectionInitOverItsLimitClosesWith4400() throws Exception {
        try (FeedClient client = FeedClient.connect(port, "x".repeat(GraphQLOverWebSocket.MAX_INIT))) {
            JsonNode closed = client.nextOf(10, "closed", "connection_ack");
            assertEquals("closed", closed.path("type").asText(), closed.toString());
            assertEquals(4400, closed.path("code").asInt(), closed.toString());
        }
    }

    /**
     * A subscribe with the id of one still running closes the connection (4409, graphql-transport-ws), whatever its
     * payload: refused as a mutation or a bad document, its "error" would free the running one's place, and a connection
     * would hold subscriptions without count.
     */
    @Test
    void aSubscribeWithTheIdOfARunningOneClosesTheConnection() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsdupid");
        for (Object payload : java.util.List.<Object>of(Map.of("query", "mutation { setPrivacy(input: {}) { userErrors { code } } }"),
                Map.of("query", "{"), Map.of("query", "subscription($s: ID!) { giftEvents(streamId: $s) { id } }", "variables",
                        Map.of("s", live.stream())))) {
            try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsdupid")))) {
                assertNotNull(client.nextOf(10, "connection_ack"));
                client.subscribeGifts("a", live.stream());
                client.send(Map.of("id", "a", "type", "subscribe", "payload", payload));
                JsonNode closed = client.nextOf(5, "closed", "error");
                assertNotNull(closed, "closed, not left open: " + payload);
                assertEquals("closed", closed.path("type").asText(), closed.toString());
                assertEquals(4409, closed.path("code").asInt(), closed.toString());
            }
        }
    }

    /** A WebSocket upgrade written by hand (with {@code extraHeaders}, each ending in CRLF); the answer's head. */
    private static String upgrade(Socket socket, String extraHeaders) throws java.io.IOException {
        OutputStream out = socket.getOutputStream();
        out.write(("GET /graphql HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Protocol: graphql-transport-ws\r\n" + extraHeaders + "\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        DataInputStream in = new DataInputStream(socket.getInputStream());
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.readUnsignedByte());
        }
        return head.toString();
    }

    /** graphql-transport-ws: a subscribe before the connection is acknowledged closes it with 4401, unanswered. */
    @Test
    void aSubscribeBeforeTheAcknowledgementClosesTheConnection() throws Exception {
        try (FeedClient client = FeedClient.open(port)) {
            client.send(Map.of("id", "early", "type", "subscribe", "payload", Map.of("query", "{")));
            JsonNode closed = client.nextOf(5, "closed", "error", "next");
            assertNotNull(closed);
            assertEquals("closed", closed.path("type").asText(), closed.toString());
            assertEquals(4401, closed.path("code").asInt(), closed.toString());
        }
    }

    /**
     * An operation SmallRye refuses with an error (here, a field the schema lacks) is ended in its own table too: the same
     * id starts again (it was closed with 4409 as still running, and each refused subscribe stayed for the connection's life).
     */
    @Test
    void aRefusedOperationsIdStartsAgain() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsrefusedid");
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsrefusedid")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            for (int i = 0; i < 3; i++) {
                client.subscribe("x", "subscription { giftEvents(streamId: \"" + live.stream() + "\") { noSuchField } }");
                JsonNode refused = client.nextOf(5, "error", "closed");
                assertNotNull(refused);
                assertEquals("error", refused.path("type").asText(), refused.toString());
            }
            client.subscribeGifts("x", live.stream());
            client.send(Map.of("type", "ping"));
            JsonNode after = client.nextOf(5, "pong", "closed", "error");
            assertNotNull(after);
            assertEquals("pong", after.path("type").asText(), "the id runs again, the connection open: " + after);
        }
    }

    /** One person's walletChanged subscriptions: at most 10 at once on an instance (each reads the wallet on every change). */
    @Test
    void walletWatchersOfOnePersonAreCapped() throws Exception {
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wswatchers")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            for (int i = 0; i < 11; i++) {
                client.subscribe("w" + i, "subscription { walletChanged { coins } }");
            }
            // (a subscription's stream that fails is answered with its errors, then completed; they start in any order)
            JsonNode refused = client.nextOf(10, "error", "closed", "next");
            assertNotNull(refused);
            assertTrue(refused.toString().contains("RATE_LIMITED"), refused.toString());
            JsonNode more = client.nextOf(2, "error", "closed", "next");
            assertTrue(more == null || !more.toString().contains("RATE_LIMITED"), "one refused: " + more);
        }
    }

    /**
     * An upgrade request with a body is refused: Vert.x opened the socket once the body had arrived, so a body held back
     * until the token expired opened a connection no expiry closed.
     */
    @Test
    void anUpgradeWithABodyIsRefused() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            String head = upgrade(socket, "Content-Length: 1\r\n");
            assertTrue(head.startsWith("HTTP/1.1 400"), head);
        }
    }

    @Test
    void aSubscribeMessageWithoutAnIdIsAProtocolError() throws Exception {
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsedgeid")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.sendRaw("{\"type\":\"subscribe\",\"payload\":{\"query\":\"subscription { giftEvents(streamId: \\\"x\\\") { id } }\"}}");
            JsonNode closed = client.nextOf(5, "closed");
            assertNotNull(closed);
            assertEquals(4400, closed.path("code").asInt());
        }
    }

    /**
     * One person has at most 10 connections open at once on an instance (each may hold a megabyte for a client that does
     * not read): the 11th is closed (1013, try again later) instead of acknowledged, and a place freed is taken again.
     */
    @Test
    void onePersonsConnectionsAreCapped() throws Exception {
        String viewer = Tokens.viewer(Tokens.unique("wsmany"));
        List<FeedClient> open = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < GraphQLOverWebSocket.MAX_CONNECTIONS_PER_PERSON; i++) {
                FeedClient client = FeedClient.connect(port, viewer);
                open.add(client);
                assertNotNull(client.nextOf(10, "connection_ack"), "connection " + (i + 1));
            }
            try (FeedClient extra = FeedClient.connect(port, viewer)) {
                JsonNode closed = extra.nextOf(10, "closed", "connection_ack");
                assertEquals("closed", closed.path("type").asText(), closed.toString());
                assertEquals(1013, closed.path("code").asInt(), closed.toString());
            }
            // taken without a token, then authenticated by a second connection_init: still one of theirs
            try (FeedClient late = FeedClient.connect(port, null)) {
                assertNotNull(late.nextOf(10, "connection_ack"));
                late.send(Map.of("type", "connection_init", "payload", Map.of("Authorization", "Bearer " + viewer)));
                JsonNode closed = late.nextOf(10, "closed", "connection_ack");
                assertEquals("closed", closed.path("type").asText(), "not acknowledged as theirs past the cap: " + closed);
            }
            try (FeedClient someoneElse = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsother")))) {
                assertNotNull(someoneElse.nextOf(10, "connection_ack"), "another person is not held up");
            }
            open.remove(0).close();
            JsonNode again = null;
            for (int attempt = 0; attempt < 20 && again == null; attempt++) {
                FeedClient client = FeedClient.connect(port, viewer);
                JsonNode answer = client.nextOf(10, "closed", "connection_ack");
                if ("connection_ack".equals(answer.path("type").asText())) {
                    again = answer;
                    open.add(client);
                } else {
                    client.close();
                    Thread.sleep(100);
                }
            }
            assertNotNull(again, "a closed connection gives its place back");
        } finally {
            open.forEach(FeedClient::close);
        }
    }

    /** A connection authenticated by a token ends when the token does (1008): its subscriptions and its queries with it. */
    @Test
    void aConnectionEndsWhenItsTokenExpires() throws Exception {
        String viewer = Tokens.builder(Tokens.unique("wsexpiry"), java.util.Set.of("viewer"), "1990-01-01", "US")
                .expiresIn(java.time.Duration.ofSeconds(3)).sign(Tokens.key());
        try (FeedClient client = FeedClient.connect(port, viewer)) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribe("w", "subscription { walletChanged { coins } }");
            JsonNode closed = client.nextOf(20, "closed");
            assertNotNull(closed, "closed when the token expired");
            assertEquals(1008, closed.path("code").asInt(), closed.toString());
        }
    }

    /** A connection that is never acknowledged (no connection_init) is closed after 10 s (4408), not kept open by pings. */
    @Test
    void aConnectionNeverInitialisedIsClosedWith4408() throws Exception {
        try (FeedClient client = FeedClient.open(port)) {
            JsonNode closed = client.nextOf(20, "closed");
            assertNotNull(closed);
            assertEquals(4408, closed.path("code").asInt(), closed.toString());
        }
    }

    /** What these checks cannot read (a number of 1,001 digits Jackson refuses) or a binary frame is a protocol error (4400). */
    @Test
    void unreadableTextAndBinaryFramesCloseWith4400() throws Exception {
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsedgejson")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.sendRaw("{\"id\":\"a\",\"type\":\"subscribe\",\"payload\":{\"query\":\"mutation { __typename }\"},\"x\":" + "9".repeat(1001) + "}");
            JsonNode closed = client.nextOf(5, "closed");
            assertNotNull(closed);
            assertEquals(4400, closed.path("code").asInt(), closed.toString());
        }
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsedgebinary")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.sendBinary("{\"type\":\"ping\"}".getBytes(StandardCharsets.UTF_8));
            JsonNode closed = client.nextOf(5, "closed");
            assertNotNull(closed);
            assertEquals(4400, closed.path("code").asInt(), closed.toString());
        }
    }

    /** A message the protocol handler cannot read (a type that is no string) is a protocol error (4400), not silence. */
    @Test
    void aMessageOfNoReadableShapeClosesWith4400() throws Exception {
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsedgeshape")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.sendRaw("{\"type\":1}");
            JsonNode closed = client.nextOf(5, "closed");
            assertNotNull(closed, "answered, not left waiting");
            assertEquals(4400, closed.path("code").asInt());
        }
    }

    /** An operation id is kept while its subscription lives and echoed in every event: one longer than an ID is refused. */
    @Test
    void aSubscribeMessageWithAnIdLongerThanAnIdIsAProtocolError() throws Exception {
        LiveCreator live = Gifting.liveCreator("wsedgelongid");
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsedgelongid")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            client.subscribeGifts("x".repeat(255), live.stream());
            client.sendRaw("{\"type\":\"ping\"}");
            assertEquals("pong", client.nextOf(5, "pong", "error", "closed").path("type").asText(), "255 characters: taken");
            client.subscribeGifts("x".repeat(256), live.stream());
            JsonNode closed = client.nextOf(5, "closed");
            assertNotNull(closed);
            assertEquals(4400, closed.path("code").asInt());
        }
    }

    @Test
    void aMessageOverTheLimitInOneFrameClosesWith1009AndAReason() throws Exception {
        // (java.net.http's client may fragment a long message: this one writes the frame itself)
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(15_000);
            String head = upgrade(socket, "");
            assertTrue(head.startsWith("HTTP/1.1 101"), head);
            OutputStream out = socket.getOutputStream();
            DataInputStream in = new DataInputStream(socket.getInputStream());
            byte[] payload = ("{\"type\":\"ping\",\"payload\":{\"pad\":\"" + "x".repeat(GraphQLOverWebSocket.MAX_FRAME) + "\"}}")
                    .getBytes(StandardCharsets.UTF_8);
            out.write(new byte[] { (byte) 0x81, (byte) (0x80 | 127) }); // FIN, text; masked, 64-bit length
            out.write(ByteBuffer.allocate(8).putLong(payload.length).array());
            out.write(new byte[4]); // a mask of zeros leaves the payload as it is
            out.write(payload);
            out.flush();
            int opcode = in.readUnsignedByte() & 0x0f;
            int length = in.readUnsignedByte() & 0x7f;
            byte[] body = in.readNBytes(length);
            assertEquals(8, opcode, "a close frame");
            String reason = new String(body, 2, body.length - 2, StandardCharsets.UTF_8);
            assertTooBig(new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode()
                    .put("code", ((body[0] & 0xff) << 8) | (body[1] & 0xff)).put("reason", reason));
        }
    }

    @Test
    void aMessageOverTheLimitInManyFramesClosesWith1009AndAReason() throws Exception {
        try (FeedClient client = FeedClient.connect(port, Tokens.viewer(Tokens.unique("wsbigger")))) {
            assertNotNull(client.nextOf(10, "connection_ack"));
            String[] parts = new String[GraphQLOverWebSocket.MAX_MESSAGE / 32_768 + 2];
            parts[0] = "{\"type\":\"ping\",\"payload\":{\"pad\":\"";
            for (int i = 1; i < parts.length - 1; i++) {
                parts[i] = "x".repeat(32_768);
            }
            parts[parts.length - 1] = "\"}}";
            try {
                client.sendFragmented(parts);
            } catch (Exception e) {
                // the server may close before the last part is sent
            }
            assertTooBig(client.nextOf(15, "closed"));
        }
    }

    static void assertTooBig(JsonNode closed) {
        assertNotNull(closed, "the connection was closed");
        assertEquals(1009, closed.path("code").asInt(), "closed as too big: " + closed);
        assertTrue(closed.path("reason").asText().contains("too big"), closed.toString());
    }

    static String refusal(FeedClient client, String id, String query) throws Exception {
        client.subscribe(id, query, Map.of());
        JsonNode answer = client.nextOf(5, "error", "next");
        assertNotNull(answer, "answered");
        assertEquals(id, answer.path("id").asText());
        return code(answer);
    }

    static String code(JsonNode answer) {
        assertNotNull(answer, "answered");
        assertEquals("error", answer.path("type").asText(), answer.toString());
        return answer.path("payload").path(0).path("extensions").path("code").asText(null);
    }
}
