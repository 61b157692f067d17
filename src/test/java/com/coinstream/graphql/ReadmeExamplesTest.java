package com.coinstream.graphql;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import com.coinstream.support.FeedClient;
import com.coinstream.support.Gql;
import com.coinstream.support.Tokens;
import com.fasterxml.jackson.databind.JsonNode;

import graphql.language.AstPrinter;
import graphql.language.Definition;
import graphql.language.Document;
import graphql.language.OperationDefinition;
import graphql.parser.Parser;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.restassured.response.Response;

/**
 * Runs every GraphQL example of README.md, in the README's order, as the dev user each block names ({@code # as alice}),
 * on the dev seed: a newcomer can paste them into the GraphQL UI one after the other. {@code <id from sendGift>} stands
 * for the id that operation returned earlier. An example fails the test if it answers with top-level errors, or with
 * userErrors other than the one a {@code # expect CODE} line before it announces.
 */
@QuarkusTest
class ReadmeExamplesTest {
    static final Pattern BLOCK = Pattern.compile("```graphql\\n(.*?)```", Pattern.DOTALL);
    static final Pattern AS = Pattern.compile("^#\\s*as\\s+(\\w+).*$");
    static final Pattern EXPECT = Pattern.compile("^#\\s*expect\\s+([A-Z_]+).*$");
    static final Pattern PLACEHOLDER = Pattern.compile("<id from (\\w+)>");
    static final Map<String, String> TOKENS = Map.of(
            "alice", Tokens.token("alice", Set.of("viewer"), Tokens.ADULT, "US"),
            "bob", Tokens.token("bob", Set.of("viewer"), Tokens.ADULT, "US"),
            "carol", Tokens.token("carol", Set.of("viewer", "creator"), Tokens.ADULT, "US"),
            "dave", Tokens.token("dave", Set.of("viewer", "creator"), Tokens.ADULT, "GB"),
            "admin", Tokens.token("admin", Set.of("admin"), Tokens.ADULT, "US"));

    /** The id each operation returned, by its root field. */
    private final Map<String, String> ids = new HashMap<>();

    @Test
    void everyReadmeExampleRunsInOrderAgainstTheDevSeed() throws Exception {
        Matcher blocks = BLOCK.matcher(Files.readString(Path.of("README.md")));
        int operations = 0;
        while (blocks.find()) {
            String user = null;
            String expected = null;
            StringBuilder chunk = new StringBuilder();
            for (String line : blocks.group(1).split("\n")) {
                Matcher as = AS.matcher(line.strip());
                Matcher expect = EXPECT.matcher(line.strip());
                if (as.matches() || expect.matches()) {
                    operations += run(chunk.toString(), user, expected);
                    chunk.setLength(0);
                    expected = expect.matches() ? expect.group(1) : null;
                    user = as.matches() ? as.group(1) : user;
                } else {
                    chunk.append(line).append('\n');
                }
            }
            operations += run(chunk.toString(), user, expected);
        }
        assertTrue(operations > 30, "only " + operations + " operations found in README.md");
    }

    private int run(String text, String user, String expected) throws Exception {
        if (text.replaceAll("(?m)#.*$", "").isBlank()) {
            return 0;
        }
        assertNotNull(user, "a README GraphQL block does not say whose token it needs (# as alice): " + text);
        String token = "anyone".equals(user) ? null : TOKENS.get(user);
        assertTrue("anyone".equals(user) || token != null, "unknown dev user " + user);
        Document document = Parser.parse(text);
        int count = 0;
        for (Definition<?> definition : document.getDefinitions()) {
            OperationDefinition operation = (OperationDefinition) definition;
            String printed = substitute(AstPrinter.printAst(operation));
            if (operation.getOperation() == OperationDefinition.Operation.SUBSCRIPTION) {
                subscribe(token, printed);
            } else {
                Response r = Gql.post(token, printed, null);
                assertEquals(200, r.statusCode(), printed + "\n" + r.asString());
                assertNull(r.jsonPath().getList("errors"), "README example failed as " + user + ":\n" + printed + "\n" + r.asString());
                assertEquals(expected, userError(r), "README example answered an unexpected userError as " + user + ":\n" + printed + "\n"
                        + r.asString());
                expected = null;
                remember(r);
            }
            count++;
        }
        return count;
    }

    /** The code of the first userError of the operation's payload, if any. */
    private static String userError(Response r) {
        Map<String, Object> data = r.jsonPath().getMap("data");
        for (Object payload : data == null ? List.of() : data.values()) {
            if (payload instanceof Map<?, ?> map && map.get("userErrors") instanceof List<?> errors && !errors.isEmpty()) {
                return String.valueOf(((Map<?, ?>) errors.get(0)).get("code"));
            }
        }
        return null;
    }

    private String substitute(String text) {
        Matcher m = PLACEHOLDER.matcher(text);
        StringBuilder out = new StringBuilder();
        while (m.find()) {
            String id = ids.get(m.group(1));
            if (id == null) {
                fail("README example uses " + m.group() + " before any " + m.group(1) + " returned an id");
            }
            m.appendReplacement(out, id);
        }
        m.appendTail(out);
        return out.toString();
    }

    private void remember(Response r) {
        Map<String, Object> data = r.jsonPath().getMap("data");
        if (data != null) {
            data.forEach((field, value) -> {
                String id = firstId(value);
                if (id != null) {
                    ids.put(field, id);
                }
            });
        }
    }

    @SuppressWarnings("unchecked")
    private static String firstId(Object value) {
        if (value instanceof Map<?, ?> map) {
            if (map.get("id") instanceof String id) {
                return id;
            }
            for (Object v : map.values()) {
                String id = firstId(v);
                if (id != null) {
                    return id;
                }
            }
        } else if (value instanceof List<?> list) {
            for (Object v : new ArrayList<>((List<Object>) list)) {
                String id = firstId(v);
                if (id != null) {
                    return id;
                }
            }
        }
        return null;
    }

    private static void subscribe(String token, String subscription) throws Exception {
        try (FeedClient client = FeedClient.connect(RestAssured.port, token)) {
            assertNotNull(client.nextOf(10, "connection_ack"), "no connection_ack for " + subscription);
            client.subscribe("1", subscription);
            JsonNode message = client.nextOf(2, "error", "next", "complete");
            assertTrue(message == null || !"error".equals(message.path("type").asText()), subscription + " -> " + message);
        }
    }
}
