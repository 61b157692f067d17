package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;

import io.quarkus.test.junit.QuarkusTest;

/**
 * The request bodies held at once are bounded by COINSTREAM_BODY_BUDGET, whatever the body limit: clients that declare
 * the largest body and send it slowly fill the budget, the next one is refused with 503 before its body is read, and
 * each reservation ends with its connection; and one client address holds at most an eighth of it.
 */
@QuarkusTest
class BodyBudgetTest {
    @ConfigProperty(name = "quarkus.http.test-port")
    int port;

    @Inject
    GraphQLConfig config;

    @Inject
    RequestShape shape;

    /** Every request gives its reservation back when it is answered, whoever answers it (SmallRye replaced the end handlers once). */
    @Test
    void everyAnsweredRequestGivesItsReservationBack() throws Exception {
        String token = Tokens.viewer(Tokens.unique("budgetback"));
        for (int i = 0; i < 20; i++) {
            Gql.ok(token, "{ me { id } }");
            Gql.post(token, "{ me { nosuchfield } }", null);
            Gql.post(null, "mutation { grantCoins(input: {userId: \"x\", coins: 1, reason: \"r\", idempotencyKey: \"k\"}) { userErrors { code } } }", null);
        }
        long until = System.nanoTime() + 5_000_000_000L;
        while (shape.reserved() != 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(0, shape.reserved(), "nothing stays reserved once every request was answered");
    }

    /**
     * A body that does not arrive within its deadline is answered 408, its connection closed (also when the request asked
     * for Connection: close itself, where Vert.x would have waited for the rest of the body) and its reservation given back.
     */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = { "", "Connection: close\r\n" })
    void aBodyThatStopsArrivingIsCutOffAtItsDeadline(String connection) throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(30_000);
            socket.getOutputStream().write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n" + connection
                    + "Content-Length: 1000\r\n\r\n{\"query\":").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long started = System.nanoTime();
            byte[] buffer = new byte[2048];
            int n = socket.getInputStream().read(buffer);
            String answer = n < 0 ? "closed" : new String(buffer, 0, n, StandardCharsets.UTF_8);
            long waited = (System.nanoTime() - started) / 1_000_000;
            assertTrue(answer.startsWith("HTTP/1.1 408"), answer);
            assertTrue(waited >= RequestShape.BODY_DEADLINE.toMillis() - 500, "cut off at the deadline, after " + waited + " ms");
            // the connection is closed (nothing sent after this is read, nor the request run: Vert.x keeps a connection open
            // whatever an answer's headers say, and the body handler passed the request on once the rest arrived)
            boolean closed;
            try {
                socket.setSoTimeout(5_000);
                int more = n;
                while (more >= 0) {
                    more = socket.getInputStream().read(buffer);
                }
                closed = true;
            } catch (java.net.SocketTimeoutException open) {
                closed = false;
            } catch (java.io.IOException reset) {
                closed = true;
            }
            assertTrue(closed, "nothing more is read or answered on that connection");
        }
        long until = System.nanoTime() + 5_000_000_000L;
        while (shape.reserved() != 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(0, shape.reserved());
    }

    /** A body sent in chunks (no length) to the payment provider's route reserves that route's largest body, not a GraphQL request's. */
    @Test
    void aChunkedBodyReservesItsRoutesLargestNotTheBudgetsLargest() throws Exception {
        try (Socket socket = new Socket("localhost", port)) {
            socket.setSoTimeout(20);
            socket.getOutputStream().write(("POST /webhooks/payments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"id\"\r\n").getBytes(StandardCharsets.US_ASCII));
            socket.getOutputStream().flush();
            long until = System.nanoTime() + 5_000_000_000L;
            while (shape.reserved() == 0 && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertEquals(64 * 1024, shape.reserved(), "the payment route's 64 KiB");
        }
        long until = System.nanoTime() + 15_000_000_000L;
        while (shape.reserved() != 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(0, shape.reserved(), "given back when the connection closed");
    }

    @Test
    void slowLargeBodiesFillTheBudgetAndTheNextIsRefusedUnread() throws Exception {
        long max = config.maxBodySize().asLongValue();
        long held = config.bodyBudget().asLongValue() / max;
        List<Socket> slow = new ArrayList<>();
        String refused = null;
        try {
            for (int i = 0; i <= held + 2 && refused == null; i++) {
                // from many client addresses (loopback ones), eight bodies each: one address holds at most an eighth
                Socket socket = new Socket("127.0.0.1", port, java.net.InetAddress.getByName("127.0.1." + (1 + i / 8)), 0);
                socket.setSoTimeout(i < held ? 20 : 2_000); // a held body answers nothing; past the budget, the refusal may take a moment
                slow.add(socket);
                socket.getOutputStream().write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + max + "\r\n\r\n{\"query\":").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                refused = answer(socket.getInputStream());
            }
            assertTrue(refused != null && refused.startsWith("HTTP/1.1 503"), "refused once " + held + " largest bodies are held: " + refused);
            assertTrue(refused.contains("RATE_LIMITED") && refused.toLowerCase().contains("retry-after: 1"), refused);
            assertTrue(slow.size() >= held, slow.size() + " bodies were held before the refusal, the budget holds " + held);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        // closed connections give their reservations back: a request is served again
        String me = null;
        for (int i = 0; i < 50; i++) {
            var r = Gql.post(Tokens.viewer(Tokens.unique("budget")), "{ me { id } }", null);
            if (r.statusCode() == 200) {
                me = r.jsonPath().getString("data.me.id");
                break;
            }
            assertEquals(503, r.statusCode(), r.asString());
            Thread.sleep(100);
        }
        assertTrue(me != null, "served again after the slow clients left");
    }

    /**
     * One client address holds at most an eighth of the budget: the next body it declares is refused (429, unread), while
     * another client is served, and its reservations end with its connections.
     */
    @Test
    void oneClientAddressHoldsAnEighthOfTheBudget() throws Exception {
        long max = config.maxBodySize().asLongValue();
        long share = config.bodyBudget().asLongValue() / RequestShape.CLIENT_SHARE / max;
        java.net.InetAddress from = java.net.InetAddress.getByName("127.0.2.1");
        List<Socket> slow = new ArrayList<>();
        String refused = null;
        try {
            for (int i = 0; i <= share + 2 && refused == null; i++) {
                Socket socket = new Socket("127.0.0.1", port, from, 0);
                socket.setSoTimeout(i < share ? 20 : 2_000);
                slow.add(socket);
                socket.getOutputStream().write(("POST /graphql HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                        + "Transfer-Encoding: chunked\r\n\r\n5\r\n{\"que\r\n").getBytes(StandardCharsets.US_ASCII));
                socket.getOutputStream().flush();
                refused = answer(socket.getInputStream());
            }
            assertTrue(refused != null && refused.startsWith("HTTP/1.1 429"), "refused once " + share + " largest bodies are held: " + refused);
            assertTrue(refused.contains("RATE_LIMITED") && refused.toLowerCase().contains("retry-after: 1"), refused);
            assertEquals(share, slow.size() - 1, "bodies held before the refusal");
            assertEquals(share * max, shape.reservedBy("127.0.2.1"));
            // another client is served meanwhile
            assertTrue(Gql.ok(Tokens.viewer(Tokens.unique("budgetother")), "{ me { id } }").getString("data.me.id") != null);
        } finally {
            for (Socket s : slow) {
                s.close();
            }
        }
        long until = System.nanoTime() + 15_000_000_000L;
        while (shape.reservedBy("127.0.2.1") != 0 && System.nanoTime() < until) {
            Thread.sleep(20);
        }
        assertEquals(0, shape.reservedBy("127.0.2.1"), "given back when the connections closed");
    }

    /** What the server answered within 20 ms, or null while it waits for the rest of the body. */
    private static String answer(InputStream in) throws Exception {
        byte[] buffer = new byte[2048];
        try {
            int n = in.read(buffer);
            return n < 0 ? "closed" : new String(buffer, 0, n, StandardCharsets.UTF_8);
        } catch (java.net.SocketTimeoutException e) {
            return null;
        }
    }
}
