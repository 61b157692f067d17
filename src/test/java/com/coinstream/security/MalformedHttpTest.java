package com.coinstream.security;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.core.json.JsonObject;

/**
 * Refusals at the HTTP layer, sent as raw bytes (an HTTP client would encode them first): coded like every other
 * refusal where a route of ours or the body handler refuses (HttpRefusals), and a bare 400 where the request line itself
 * is not a request the service can read.
 */
@QuarkusTest
class MalformedHttpTest {
    @TestHTTPResource("/")
    java.net.URL base;

    /** The whole answer to {@code request} (sent as is), read until the service closes the connection. */
    String raw(String request) throws Exception {
        try (Socket socket = new Socket(base.getHost(), base.getPort())) {
            socket.setSoTimeout(15_000);
            socket.getOutputStream().write(request.getBytes(StandardCharsets.ISO_8859_1));
            socket.getOutputStream().flush();
            ByteArrayOutputStream answer = new ByteArrayOutputStream();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[4096];
            try {
                for (int n; (n = in.read(buffer)) >= 0;) {
                    answer.write(buffer, 0, n);
                }
            } catch (SocketTimeoutException | java.net.SocketException stopped) {
                // (what arrived is the answer: a connection left open, or reset after it)
            }
            return answer.toString(StandardCharsets.UTF_8);
        }
    }

    static void assertCoded(String answer, int status, String code) {
        assertTrue(answer.startsWith("HTTP/1.1 " + status + " "), answer);
        assertTrue(answer.toLowerCase().contains("content-type: application/json"), answer);
        String body = answer.substring(answer.indexOf("\r\n\r\n") + 4);
        JsonObject json = new JsonObject(body);
        String found = json.containsKey("errors") ? json.getJsonArray("errors").getJsonObject(0).getJsonObject("extensions").getString("code")
                : json.getString("code");
        assertEquals(code, found, answer);
    }

    /**
     * A request line whose path or query is not validly percent-encoded is not a request the service can read: it is
     * refused 400 (an empty answer) before any route of ours sees it, so none answers it 500.
     */
    @ParameterizedTest
    @ValueSource(strings = { "/%zz", "/%", "/exports/statements/%zz.csv", "/graphql?query=%zz", "/exports/gifts-received.csv?month=2026-01&x=%zz",
            "/room/%E0%A4%A" })
    void aPathOrQueryThatIsNotValidlyEncodedIsRefusedByTheHttpServer(String target) throws Exception {
        String answer = raw("GET " + target + " HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n");
        assertTrue(answer.startsWith("HTTP/1.1 400 "), answer);
    }

    /** Refused at its declared length, unread (its connection closed), coded. (GraphQL's: TokensAndLimitsTest.) */
    @Test
    void aPaymentEventOverItsRoutesLimitIsRefusedCodedUnread() throws Exception {
        assertCoded(raw("POST /webhooks/payments HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\nContent-Length: 20000000\r\n\r\n{"),
                413, "BAD_REQUEST");
    }

    @Test
    void thePaymentProvidersRouteCodesItsRefusals() throws Exception {
        assertCoded(raw("POST /webhooks/payments HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\nContent-Type: application/json\r\n"
                + "Content-Length: 2\r\n\r\n{}"), 401, "UNAUTHENTICATED");
    }
}
