package com.coinstream.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;

import jakarta.inject.Inject;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.FeedClient;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * The whole API against hostile values, driven by the schema itself (README "Limits and hostile input"): every argument
 * and input field of every query, mutation, subscription and field with arguments gets, as a variable and as a literal
 * and with a token that may call it, NUL and control characters, lone surrogates, huge strings, numbers past 32 and 64
 * bits and the largest of each width (2^31-1, 2^63-1, -2^63, 2^53+1), negatives, fractions, dates far away, unknown and
 * malformed ids (another spelling of a UUID among them), unknown enum values and 5,000 duplicate list
 * items. Every answer must be a coded refusal or a success, never INTERNAL and never a 5xx, and a refusal must leave the
 * database as it was. A field added to the schema is swept the day it is added: the test fails if any argument was
 * not exercised.
 */
@QuarkusTest
class SchemaSweepTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static final String UNKNOWN_ID = "00000000-0000-4000-8000-00000000dead";
    static final String INTROSPECTION = """
            { __schema { queryType { name } mutationType { name } subscriptionType { name }
                types { kind name
                  fields { name args { name defaultValue type { ...T } } type { ...T } }
                  inputFields { name defaultValue type { ...T } } enumValues { name } } } }
            fragment T on __Type { kind name ofType { kind name ofType { kind name ofType { kind name ofType { kind name } } } } }
            """;
    /** Tables whose rows are derived from others (rollups, the applier's queue) or that record refusals themselves. */
    static final Set<String> NOT_COMPARED = Set.of("admin_audit", "flyway_schema_history", "rollup_queue", "rollup_state", "creator_gift_total",
            // the ledger opens a person's or a currency's accounts (zero balance) on their first use, on a connection of its own, so
            // that a money transaction never waits to create one: balances are compared instead (their sum, and the rows not zero)
            "ledger_account", "account_balance",
            "creator_hour_total", "creator_hour_past", "board_now", "board_past", "stream_supporter_total",
            "purchase_stats", "cursor_key");

    @Inject
    Pool pool;

    @TestHTTPResource("/")
    java.net.URL base;

    record TypeRef(String kind, String name, TypeRef ofType) {
        static TypeRef of(JsonNode n) {
            return n == null || n.isNull() || n.isMissingNode() ? null : new TypeRef(n.path("kind").asText(), n.path("name").asText(null), of(n.get("ofType")));
        }

        TypeRef named() {
            return ofType == null ? this : ofType.named();
        }

        boolean nonNull() {
            return kind.equals("NON_NULL");
        }

        boolean list() {
            return kind.equals("LIST") || (nonNull() && ofType.kind.equals("LIST"));
        }

        String text() {
            return switch (kind) {
                case "NON_NULL" -> ofType.text() + "!";
                case "LIST" -> "[" + ofType.text() + "]";
                default -> name;
            };
        }
    }

    record Input(String name, TypeRef type, boolean hasDefault) {
    }

    record FieldDef(String owner, String name, List<Input> args, TypeRef type) {
        String key() {
            return owner + "." + name;
        }
    }

    /** A hostile value for one place, and how it is written as a literal. */
    record Hostile(String what, Object value, boolean variablesOnly) {
    }

    final Map<String, JsonNode> types = new HashMap<>();
    final Map<String, List<FieldDef>> fields = new HashMap<>();
    final Map<String, String> tokens = new LinkedHashMap<>();
    final Map<String, String> ids = new HashMap<>();
    final Set<String> exercised = new TreeSet<>();
    final List<String> failures = new ArrayList<>();
    int cases;

    // ---------------------------------------------------------------- fixtures

    void fixtures() {
        Viewer viewer = Gifting.fundedViewer("sweep", 10_000);
        LiveCreator creator = Gifting.liveCreator("sweepc");
        LiveCreator other = Gifting.liveCreator("sweepo");
        String admin = Tokens.admin("sweep-admin");
        Gql.ok(admin, "{ me { id } }");
        tokens.put("creator", creator.token());
        tokens.put("admin", admin);
        tokens.put("viewer", viewer.token());
        tokens.put("anonymous", null);
        ids.put("streamId", creator.stream());
        ids.put("opponentStreamId", other.stream());
        ids.put("creatorId", creator.id());
        ids.put("userId", viewer.id());
        ids.put("giftId", Gifting.ROSE);
        ids.put("packageId", Flows.PKG_70);
        ids.put("giftEventId", Gifting.send(viewer.token(), creator.stream(), Gifting.ROSE, 1, Flows.key()).getString("data.sendGift.receipt.id"));
        ids.put("purchaseId", Flows.buyPackage(viewer.token(), Flows.PKG_70, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id"));
        ids.put("payoutAccountId", Payouts.verifiedAccount(creator.token()));
        ids.put("goalId", Gql.ok(creator.token(), "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { goal { id } } }",
                Gql.vars("i", Map.of("streamId", creator.stream(), "title", "Sweep goal", "kind", "COINS", "target", 100))).getString("data.setStreamGoal.goal.id"));
        ids.put("matchId", Gql.ok(creator.token(), "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } } }",
                Gql.vars("i", Map.of("streamId", creator.stream(), "opponentStreamId", other.stream()))).getString("data.inviteToMatch.match.id"));
        // the sweep runs longer than an invitation's timeout: this one must not expire between a case's two snapshots
        Db.rows(Db.TEST_SCHEMA, "update live_match set expires_at = clock_timestamp() + interval '1 hour' where id = ?::uuid returning id",
                ids.get("matchId"));
        ids.put("subscriptionId", Gql.ok(creator.token(), "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) "
                + "{ subscription { id } } }", Gql.vars("i", Map.of("url", "http://127.0.0.1:9/sweep", "eventTypes", List.of("payout.failed"))))
                .getString("data.createWebhookSubscription.subscription.id"));
        var key = Gql.ok(creator.token(), "mutation { createOverlayKey(input: {label: \"sweep\"}) { overlayKey { id } key } }");
        ids.put("overlayKeyId", key.getString("data.createOverlayKey.overlayKey.id"));
        ids.put("overlayKey", key.getString("data.createOverlayKey.key"));
        String leaving = Tokens.viewer(Tokens.unique("sweepleaving"));
        ids.put("requestId", Gql.ok(leaving, "mutation { requestErasure(input: {reason: \"sweep\"}) { erasureRequest { id } } }")
                .getString("data.requestErasure.erasureRequest.id"));
        ids.put("runId", Gql.ok(admin, "mutation($i: ImportSettlementReportInput!) { importSettlementReport(input: $i) { run { id } } }",
                Gql.vars("i", Map.of("csv", "transaction_id,type,amount,currency,fee,date\nsweep_" + UUID.randomUUID() + ",charge,0.99,USD,0.30,2026-11-30\n")))
                .getString("data.importSettlementReport.run.id"));
    }

    // ---------------------------------------------------------------- the schema

    void introspect() {
        JsonNode schema = json(Gql.ok(null, INTROSPECTION).prettify()).path("data").path("__schema");
        for (JsonNode t : schema.path("types")) {
            types.put(t.path("name").asText(), t);
            List<FieldDef> defs = new ArrayList<>();
            for (JsonNode f : t.path("fields")) {
                List<Input> args = new ArrayList<>();
                for (JsonNode a : f.path("args")) {
                    args.add(new Input(a.path("name").asText(), TypeRef.of(a.path("type")), !a.path("defaultValue").isNull()));
                }
                defs.add(new FieldDef(t.path("name").asText(), f.path("name").asText(), args, TypeRef.of(f.path("type"))));
            }
            fields.put(t.path("name").asText(), defs);
        }
    }

    /** Every (field, argument path) the schema has: what the sweep must exercise. */
    Set<String> everyArgument() {
        Set<String> all = new TreeSet<>();
        for (List<FieldDef> defs : fields.values()) {
            for (FieldDef f : defs) {
                if (f.owner().startsWith("__")) {
                    continue;
                }
                for (Input a : f.args()) {
                    for (List<String> leaf : leaves(a.type(), new ArrayList<>(List.of(a.name())))) {
                        all.add(f.key() + "(" + String.join(".", leaf) + ")");
                    }
                }
            }
        }
        return all;
    }

    /** The paths to every leaf of an argument: the argument itself, and each input field inside it (a list's item as "0"). */
    List<List<String>> leaves(TypeRef type, List<String> path) {
        List<List<String>> out = new ArrayList<>();
        out.add(path);
        TypeRef named = type.named();
        if (named.kind().equals("INPUT_OBJECT") && path.size() < 6) {
            for (JsonNode f : types.get(named.name()).path("inputFields")) {
                List<String> next = new ArrayList<>(path);
                if (type.list()) {
                    next.add("0");
                }
                next.add(f.path("name").asText());
                out.addAll(leaves(TypeRef.of(f.path("type")), next));
            }
        }
        return out;
    }

    /** How to reach each object type from the root query (a selection prefix and suffix), preferring paths to fixtures. */
    Map<String, String[]> paths() {
        Map<String, String[]> paths = new HashMap<>();
        String query = types.containsKey("Query") ? "Query" : null;
        paths.put(query, new String[] { "", "" });
        Deque<String> queue = new ArrayDeque<>(List.of(query));
        while (!queue.isEmpty()) {
            String owner = queue.poll();
            List<FieldDef> defs = new ArrayList<>(fields.getOrDefault(owner, List.of()));
            defs.sort((a, b) -> Integer.compare(fixtureScore(b), fixtureScore(a)));
            for (FieldDef f : defs) {
                String target = f.type().named().name();
                JsonNode t = types.get(target);
                if (t == null || !t.path("kind").asText().equals("OBJECT") || paths.containsKey(target) || target.startsWith("__")) {
                    continue;
                }
                String args = arguments(f, null, null, false, new HashMap<>());
                if (args == null) {
                    continue;
                }
                String[] via = paths.get(owner);
                paths.put(target, new String[] { via[0] + f.name() + args + " { ", " }" + via[1] });
                queue.add(target);
            }
        }
        return paths;
    }

    int fixtureScore(FieldDef f) {
        return (int) f.args().stream().filter(a -> a.type().nonNull()).filter(a -> baselineId(f, a.name()) != null).count() * 2
                - (int) f.args().stream().filter(a -> a.type().nonNull()).count();
    }

    // ---------------------------------------------------------------- values

    String baselineId(FieldDef f, String name) {
        if (name.equals("id")) {
            return switch (f.name()) {
                case "liveStream" -> ids.get("streamId");
                case "match" -> ids.get("matchId");
                case "purchase" -> ids.get("purchaseId");
                case "reconciliationRun" -> ids.get("runId");
                default -> null;
            };
        }
        return ids.get(name);
    }

    /** A value that passes for the field: enough for the call to reach its resolver. */
    Object baseline(FieldDef f, String name, TypeRef type) {
        if (type.nonNull()) {
            return baseline(f, name, type.ofType());
        }
        if (type.kind().equals("LIST")) {
            return List.of(baseline(f, name, type.ofType()));
        }
        String scalar = type.name();
        JsonNode t = types.get(scalar);
        if (t != null && t.path("kind").asText().equals("ENUM")) {
            return new EnumValue(t.path("enumValues").get(0).path("name").asText());
        }
        if (t != null && t.path("kind").asText().equals("INPUT_OBJECT")) {
            Map<String, Object> object = new LinkedHashMap<>();
            for (JsonNode field : t.path("inputFields")) {
                TypeRef ft = TypeRef.of(field.path("type"));
                if (ft.nonNull() && field.path("defaultValue").isNull()) {
                    object.put(field.path("name").asText(), baseline(f, field.path("name").asText(), ft));
                }
            }
            return object;
        }
        String id = baselineId(f, name);
        return switch (scalar) {
            case "Int" -> name.equals("days") ? 7 : 1;
            case "BigInteger" -> name.equals("durationSeconds") ? 60 : name.equals("diamonds") ? 2000 : name.equals("denominator") ? 2 : 1;
            case "Boolean" -> Boolean.FALSE;
            case "DateTime" -> "2026-11-01T00:00:00Z";
            default -> id != null ? id : text(name);
        };
    }

    static String text(String name) {
        return switch (name) {
            case "region" -> "US";
            case "currency" -> "USD";
            case "month" -> "2026-11";
            case "amount" -> "1.00";
            case "url" -> "http://127.0.0.1:9/sweep";
            case "csv" -> "transaction_id,type,amount,currency,fee,date\nsweep_x,charge,0.99,USD,0.30,2026-11-30\n";
            case "idempotencyKey" -> UUID.randomUUID().toString();
            case "eventTypes" -> "gift.sent";
            case "paymentMethodToken" -> "pm_card_ok";
            case "externalToken" -> "pp_sweep_ABCDEF12";
            case "animationKey" -> "gifts/sweep";
            case "action" -> "grantCoins";
            default -> "Sweep";
        };
    }

    record EnumValue(String name) {
    }

    /** The hostile values for the place a path ends at (its named type, and whether it is a list). */
    List<Hostile> hostile(TypeRef type) {
        List<Hostile> out = new ArrayList<>();
        if (!type.nonNull()) {
            // a value the type allows: valid when it means "none", refused with a code where the place has a default
            out.add(new Hostile("explicit null", null, false));
        }
        if (type.list()) {
            out.add(new Hostile("5000 duplicates", "DUPLICATES", false));
        }
        String named = type.named().name();
        JsonNode t = types.get(named);
        if (t != null && t.path("kind").asText().equals("ENUM")) {
            out.add(new Hostile("unknown enum value", new EnumValue("NOT_A_VALUE"), false));
            return out;
        }
        if (t != null && t.path("kind").asText().equals("INPUT_OBJECT")) {
            out.add(new Hostile("a number for an object", 5, false));
            return out;
        }
        switch (named) {
            case "String" -> {
                out.add(new Hostile("NUL", "a\u0000b", false));
                out.add(new Hostile("bell and escape", "\u0007\u001b[31m", false));
                out.add(new Hostile("lone surrogate", "key\uD800", false));
                out.add(new Hostile("only invisible characters", "\u200B\u00A0\u2060", false));
                out.add(new Hostile("a line separator", "one\u2028two", false));
                out.add(new Hostile("bidi override and C1 controls", "\u202Eexe.txt\u0085\u009B", false));
                out.add(new Hostile("empty", "", false));
                out.add(new Hostile("blank marks", "\u2800\uFE0F \u034F", false));
                out.add(new Hostile("100 KB", "x".repeat(100_000), true));
                out.add(new Hostile("1 MB", "y".repeat(1 << 20), true));
            }
            case "ID" -> {
                out.add(new Hostile("unknown id", UNKNOWN_ID, false));
                out.add(new Hostile("malformed id", "../not-an-id", false));
                out.add(new Hostile("NUL id", "\u0000", false));
                out.add(new Hostile("long id", "i".repeat(300), false));
                out.add(new Hostile("another spelling of an id", "0-0-4000-a000-ca201", false));
            }
            case "Int", "BigInteger" -> {
                out.add(new Hostile("2^31", 2147483648L, false));
                out.add(new Hostile("2^63", new java.math.BigInteger("9223372036854775808"), false));
                // the largest of each width, which arithmetic before the database can overflow, and the first a double loses
                out.add(new Hostile("2^31-1", Integer.MAX_VALUE, false));
                out.add(new Hostile("2^63-1", Long.MAX_VALUE, false));
                out.add(new Hostile("-2^63", Long.MIN_VALUE, false));
                out.add(new Hostile("2^53+1", 9007199254740993L, false));
                out.add(new Hostile("-1", -1, false));
                out.add(new Hostile("0", 0, false));
                out.add(new Hostile("1.5", new java.math.BigDecimal("1.5"), false));
            }
            case "DateTime" -> {
                out.add(new Hostile("year -290000", "-290000-01-01T00:00:00Z", false));
                out.add(new Hostile("year +290000", "+290000-01-01T00:00:00Z", false));
                out.add(new Hostile("year 1", "0001-01-01T00:00:00Z", false));
                out.add(new Hostile("year 9999", "9999-12-31T23:59:59Z", false));
                out.add(new Hostile("no such day", "2026-02-30T00:00:00Z", false));
                out.add(new Hostile("no zone", "2026-01-01T00:00:00", false));
            }
            case "Boolean" -> out.add(new Hostile("a string for a Boolean", "yes", false));
            default -> out.add(new Hostile("a string", "x", false));
        }
        return out;
    }

    // ---------------------------------------------------------------- one case

    /**
     * The arguments of {@code f} as a GraphQL argument list, with {@code leaf} (a path inside one argument) replaced by
     * {@code hostile} as a literal, or as the variable $v when {@code asVariable}. Null when a required argument cannot be filled.
     */
    String arguments(FieldDef f, List<String> leaf, Object hostile, boolean asVariable, Map<String, Object> variables) {
        List<String> parts = new ArrayList<>();
        for (Input a : f.args()) {
            boolean targeted = leaf != null && leaf.get(0).equals(a.name());
            if (!targeted && (!a.type().nonNull() || a.hasDefault())) {
                continue;
            }
            Object value = baseline(f, a.name(), a.type());
            if (targeted) {
                value = replace(value, a.type(), leaf.subList(1, leaf.size()), hostile, f, a.name());
            }
            if (asVariable && targeted) {
                variables.put("v", value);
                parts.add(a.name() + ": $v");
            } else {
                parts.add(a.name() + ": " + literal(value));
            }
        }
        return parts.isEmpty() ? "" : "(" + String.join(", ", parts) + ")";
    }

    /** {@code value} with the place at {@code path} replaced by {@code hostile} (creating optional fields on the way). */
    @SuppressWarnings("unchecked")
    Object replace(Object value, TypeRef type, List<String> path, Object hostile, FieldDef f, String name) {
        if (path.isEmpty()) {
            if ("DUPLICATES".equals(hostile)) {
                Object item = baseline(f, name, type.nonNull() ? type.ofType().ofType() : type.ofType());
                return Collections.nCopies(5000, item);
            }
            return hostile;
        }
        TypeRef inner = type.nonNull() ? type.ofType() : type;
        if (inner.kind().equals("LIST")) {
            Object item = value instanceof List<?> l && !l.isEmpty() ? l.get(0) : baseline(f, name, inner.ofType());
            return List.of(replace(item, inner.ofType(), path.subList(1, path.size()), hostile, f, name));
        }
        Map<String, Object> object = new LinkedHashMap<>((Map<String, Object>) value);
        String field = path.get(0);
        TypeRef fieldType = null;
        for (JsonNode fn : types.get(inner.name()).path("inputFields")) {
            if (fn.path("name").asText().equals(field)) {
                fieldType = TypeRef.of(fn.path("type"));
            }
        }
        Object current = object.containsKey(field) ? object.get(field) : baseline(f, field, fieldType);
        object.put(field, replace(current, fieldType, path.subList(1, path.size()), hostile, f, field));
        return object;
    }

    String selection(FieldDef f) {
        TypeRef named = f.type().named();
        JsonNode t = types.get(named.name());
        String kind = t == null ? "SCALAR" : t.path("kind").asText();
        if (kind.equals("SCALAR") || kind.equals("ENUM")) {
            return "";
        }
        boolean payload = t.path("fields").findValues("name").stream().anyMatch(n -> n.asText().equals("userErrors"));
        return payload ? " { __typename userErrors { code field message } }" : " { __typename }";
    }

    void sweep(String operation, FieldDef f, String[] path, List<String> leaf, TypeRef leafType, List<String> roles) {
        for (Hostile h : hostile(leafType)) {
            for (boolean asVariable : new boolean[] { true, false }) {
                if (!asVariable && h.variablesOnly()) {
                    continue;
                }
                Map<String, Object> variables = new LinkedHashMap<>();
                String args = arguments(f, leaf, h.value(), asVariable, variables);
                String declared = asVariable ? "($v: " + declaredType(f, leaf) + ")" : "";
                String document = operation + declared + " { " + path[0] + f.name() + args + selection(f) + path[1] + " }";
                for (String role : roles) {
                    send(f.key() + "(" + String.join(".", leaf) + ") " + h.what() + (asVariable ? " as a variable" : " as a literal") + " as " + role,
                            operation, document, variables, tokens.get(role));
                }
            }
        }
        exercised.add(f.key() + "(" + String.join(".", leaf) + ")");
    }

    /** The type of the variable that carries the hostile value: the type at the leaf, made nullable. */
    String declaredType(FieldDef f, List<String> leaf) {
        TypeRef type = f.args().stream().filter(a -> a.name().equals(leaf.get(0))).findFirst().orElseThrow().type();
        for (String step : leaf.subList(1, leaf.size())) {
            TypeRef inner = type.nonNull() ? type.ofType() : type;
            if (step.matches("\\d+")) {
                type = inner.ofType();
                continue;
            }
            for (JsonNode fn : types.get(inner.named().name()).path("inputFields")) {
                if (fn.path("name").asText().equals(step)) {
                    type = TypeRef.of(fn.path("type"));
                }
            }
        }
        return (type.nonNull() ? type.ofType() : type).text();
    }

    void send(String what, String operation, String document, Map<String, Object> variables, String token) {
        cases++;
        String before = snapshot();
        String body = "{\"query\":" + string(document) + (variables.isEmpty() ? "" : ",\"variables\":" + json(variables)) + "}";
        List<String> codes = new ArrayList<>();
        boolean succeeded;
        int status;
        String text;
        if (operation.equals("subscription")) {
            String[] answer = subscribe(body, token);
            status = 200;
            text = answer[0];
            succeeded = answer[1] != null;
            collectCodes(json(text), codes);
        } else {
            var spec = given().contentType("application/json").body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            if (token != null) {
                spec = spec.header("Authorization", "Bearer " + token);
            }
            Response r = spec.post("/graphql");
            status = r.statusCode();
            text = r.asString();
            JsonNode answer = status == 413 ? null : json(text);
            collectCodes(answer, codes);
            succeeded = status == 200 && answer != null && codes.isEmpty() && !answer.path("data").isNull() && !answer.path("data").isMissingNode();
        }
        String abbreviated = text.length() > 300 ? text.substring(0, 300) + "..." : text;
        if (status >= 500) {
            failures.add(what + ": HTTP " + status + " " + abbreviated);
        } else if (codes.contains("INTERNAL") || codes.contains(null) || codes.contains("")) {
            failures.add(what + ": " + abbreviated);
        } else if (!succeeded) {
            String after = snapshot();
            if (!before.equals(after)) {
                failures.add(what + ": refused (" + codes + ") but the database changed: " + diff(before, after));
            }
        }
    }

    static void collectCodes(JsonNode answer, List<String> codes) {
        if (answer == null) {
            return;
        }
        JsonNode errors = answer.isArray() ? answer : answer.path("errors");
        for (JsonNode e : errors) {
            codes.add(e.path("extensions").path("code").asText(null));
        }
        answer.path("data").forEach(field -> field.path("userErrors").forEach(e -> codes.add(e.path("code").asText(null))));
    }

    /** A subscription's first answer: [the message as JSON text, non-null when it was accepted]. */
    String[] subscribe(String payload, String token) {
        try (FeedClient client = FeedClient.connect(base.getPort(), token)) {
            if (client.nextOf(10, "connection_ack") == null) {
                return new String[] { "[{\"message\":\"no ack\",\"extensions\":{\"code\":\"UNAUTHENTICATED\"}}]", null };
            }
            client.sendRaw("{\"id\":\"s\",\"type\":\"subscribe\",\"payload\":" + payload + "}");
            JsonNode reply = client.nextOf(3, "error", "next", "complete", "closed");
            if (reply == null) {
                return new String[] { "{}", "accepted" }; // live and waiting for events
            }
            if (reply.path("type").asText().equals("closed")) {
                // a message over the WebSocket limit: closed with its RFC 6455 status and a reason (1009), a refusal
                int status = reply.path("code").asInt();
                boolean coded = status >= 1000 && status != 1006 && !reply.path("reason").asText().isEmpty();
                return new String[] { "[{\"message\":" + string(status + " " + reply.path("reason").asText()) + ",\"extensions\":{\"code\":"
                        + (coded ? string("CLOSED_" + status) : "null") + "}}]", null };
            }
            JsonNode p = reply.path("payload");
            if (p.isMissingNode()) {
                return new String[] { "[{\"message\":" + string("answered " + reply) + "}]", null };
            }
            boolean accepted = reply.path("type").asText().equals("next") && p.path("errors").isMissingNode();
            return new String[] { p.toString(), accepted ? "accepted" : null };
        } catch (Exception e) {
            return new String[] { "{\"errors\":[{\"message\":\"" + e + "\"}]}", null };
        }
    }

    // ---------------------------------------------------------------- the database before and after

    String snapshot() {
        List<String> tables = new ArrayList<>();
        pool.query("select table_name from information_schema.tables where table_schema = current_schema() and table_type = 'BASE TABLE' "
                + "order by 1").execute().await().indefinitely().forEach(r -> tables.add(r.getString(0)));
        StringBuilder sql = new StringBuilder("select ");
        List<String> names = new ArrayList<>();
        for (String t : tables) {
            if (!NOT_COMPARED.contains(t)) {
                names.add(t);
                sql.append("(select count(*) from ").append(t).append("), ");
            }
        }
        // what a refusal must not have changed in place, beyond counts
        sql.append("(select coalesce(sum(balance), 0) from account_balance), (select count(*) from account_balance where balance <> 0), ")
                .append("(select md5(string_agg(concat_ws('|', account_id, slot, spent_on, spent_coins), ',' order by account_id, slot)) from account_balance where spent_on is not null), ")
                .append("(select md5(string_agg(concat_ws('|', id, hold_reason, session_reminder_coins, hide_from_leaderboards, display_name, erased_at), ',' order by id)) from app_user), ")
                .append("(select md5(string_agg(concat_ws('|', id, name, coins, tier, active_from, active_until), ',' order by id)) from gift), ")
                .append("(select md5(string_agg(concat_ws('|', id, coins, price_minor, active), ',' order by id)) from coin_package), ")
                .append("(select md5(string_agg(concat_ws('|', id, status, ended_at, title), ',' order by id)) from live_stream), ")
                .append("(select md5(string_agg(concat_ws('|', id, ended_at, title), ',' order by id)) from stream_goal), ")
                .append("(select md5(string_agg(concat_ws('|', id, status), ',' order by id)) from payout), ")
                .append("(select md5(string_agg(concat_ws('|', id, verified, label), ',' order by id)) from payout_account), ")
                .append("(select md5(string_agg(concat_ws('|', id, url, secret, description, status = 'DELETED'), ',' order by id)) from webhook_subscription), ")
                .append("(select md5(string_agg(concat_ws('|', id, revoked_at, label), ',' order by id)) from overlay_key), ")
                .append("(select md5(string_agg(concat_ws('|', id, status), ',' order by id)) from erasure_request), ")
                .append("(select md5(string_agg(concat_ws('|', user_id, period, coins), ',' order by user_id, period)) from spending_limit), ")
                .append(Db.MATCHES_AS_COMPARED);
        var row = pool.query(sql.toString()).execute().await().indefinitely().iterator().next();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            s.append(i < names.size() ? names.get(i) : "#" + i).append('=').append(row.getValue(i)).append('\n');
        }
        return s.toString();
    }

    static String diff(String before, String after) {
        List<String> a = List.of(before.split("\n"));
        List<String> b = List.of(after.split("\n"));
        List<String> changed = new ArrayList<>();
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            if (!a.get(i).equals(b.get(i))) {
                changed.add(a.get(i) + " -> " + b.get(i));
            }
        }
        return changed.toString();
    }

    // ---------------------------------------------------------------- JSON and literals, escaped to ASCII

    static JsonNode json(String text) {
        try {
            return JSON.readTree(text);
        } catch (Exception e) {
            return null;
        }
    }

    static String string(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c > 0x7e) {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.append('"').toString();
    }

    static String json(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof String s) {
            return string(s);
        }
        if (v instanceof EnumValue e) {
            return string(e.name());
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(string(k.toString()) + ":" + json(x)));
            return "{" + String.join(",", parts) + "}";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(json(x)));
            return "[" + String.join(",", parts) + "]";
        }
        return v.toString();
    }

    static String literal(Object v) {
        if (v instanceof EnumValue e) {
            return e.name();
        }
        if (v instanceof Map<?, ?> m) {
            List<String> parts = new ArrayList<>();
            m.forEach((k, x) -> parts.add(k + ": " + literal(x)));
            return "{" + String.join(", ", parts) + "}";
        }
        if (v instanceof List<?> l) {
            List<String> parts = new ArrayList<>();
            l.forEach(x -> parts.add(literal(x)));
            return "[" + String.join(", ", parts) + "]";
        }
        return json(v);
    }

    // ---------------------------------------------------------------- the sweep

    /**
     * The first role that gets past authorization on {@code f} (the sweep is about input, not about who may call). The
     * probe sends a value the input gate refuses (which it does after the role check), so a probe changes nothing.
     */
    List<String> roles(String operation, FieldDef f, String[] path) {
        List<String> probe = null;
        Object value = null;
        for (Input a : f.args()) {
            for (List<String> leaf : leaves(a.type(), new ArrayList<>(List.of(a.name())))) {
                String named = typeAt(a.type(), leaf).named().name();
                if (probe == null && (named.equals("String") || named.equals("ID"))) {
                    probe = leaf;
                    value = named.equals("String") ? "probe\u0000" : UNKNOWN_ID;
                }
            }
        }
        for (Map.Entry<String, String> role : tokens.entrySet()) {
            if (role.getValue() == null && operation.equals("subscription")) {
                continue;
            }
            Map<String, Object> variables = new LinkedHashMap<>();
            String args = arguments(f, probe, value, true, variables);
            String declared = probe == null ? "" : "($v: " + declaredType(f, probe) + ")";
            String document = operation + declared + " { " + path[0] + f.name() + args + selection(f) + path[1] + " }";
            String body = "{\"query\":" + string(document) + (variables.isEmpty() ? "" : ",\"variables\":" + json(variables)) + "}";
            String code;
            if (operation.equals("subscription")) {
                List<String> codes = new ArrayList<>();
                collectCodes(json(subscribe(body, role.getValue())[0]), codes);
                code = codes.isEmpty() ? null : codes.get(0);
            } else {
                var spec = given().contentType("application/json").body(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
                if (role.getValue() != null) {
                    spec = spec.header("Authorization", "Bearer " + role.getValue());
                }
                code = spec.post("/graphql").jsonPath().getString("errors[0].extensions.code");
            }
            if (!"FORBIDDEN".equals(code) && !"UNAUTHENTICATED".equals(code)) {
                return List.of(role.getKey());
            }
        }
        return List.of("admin");
    }

    @Test
    void everyArgumentOfTheSchemaRefusesHostileValuesClearlyAndChangesNothing() {
        fixtures();
        introspect();
        Map<String, String[]> paths = paths();
        JsonNode roots = json(Gql.ok(null, "{ __schema { queryType { name } mutationType { name } subscriptionType { name } } }").prettify())
                .path("data").path("__schema");
        Map<String, String> operationOf = new LinkedHashMap<>();
        operationOf.put(roots.path("queryType").path("name").asText(), "query");
        operationOf.put(roots.path("mutationType").path("name").asText(), "mutation");
        operationOf.put(roots.path("subscriptionType").path("name").asText(), "subscription");
        for (Map.Entry<String, List<FieldDef>> owner : new TreeSet<>(fields.keySet()).stream().map(k -> Map.entry(k, fields.get(k))).toList()) {
            if (owner.getKey().startsWith("__")) {
                continue;
            }
            String operation = operationOf.getOrDefault(owner.getKey(), "query");
            String[] path = operationOf.containsKey(owner.getKey()) ? new String[] { "", "" } : paths.get(owner.getKey());
            for (FieldDef f : owner.getValue()) {
                if (f.args().isEmpty()) {
                    continue;
                }
                if (path == null) {
                    failures.add(f.key() + ": no way to reach " + owner.getKey() + " from the root query");
                    continue;
                }
                List<String> roles = roles(operation, f, path);
                for (Input a : f.args()) {
                    for (List<String> leaf : leaves(a.type(), new ArrayList<>(List.of(a.name())))) {
                        sweep(operation, f, path, leaf, typeAt(a.type(), leaf), roles);
                    }
                }
            }
        }
        Set<String> missed = new LinkedHashSet<>(everyArgument());
        missed.removeAll(exercised);
        System.out.printf("SchemaSweepTest: %d cases over %d argument paths of %d fields%n", cases, exercised.size(),
                exercised.stream().map(e -> e.substring(0, e.indexOf('('))).distinct().count());
        assertEquals(Set.of(), missed, "arguments the sweep did not exercise");
        assertTrue(failures.isEmpty(), failures.size() + " of " + cases + " cases failed:\n" + String.join("\n", failures));
        LedgerChecks.assertClean();
    }

    TypeRef typeAt(TypeRef type, List<String> leaf) {
        TypeRef t = type;
        for (String step : leaf.subList(1, leaf.size())) {
            TypeRef inner = t.nonNull() ? t.ofType() : t;
            if (step.matches("\\d+")) {
                t = inner.ofType();
                continue;
            }
            for (JsonNode fn : types.get(inner.named().name()).path("inputFields")) {
                if (fn.path("name").asText().equals(step)) {
                    t = TypeRef.of(fn.path("type"));
                }
            }
        }
        return t;
    }
}
