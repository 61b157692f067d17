package com.coinstream.security;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

import jakarta.inject.Inject;

import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.response.Response;
import io.vertx.mutiny.sqlclient.Pool;

/**
 * Hostile input: every case must get a clear error, never a 5xx or a stack trace, and must change
 * nothing in the database (row counts and the ledger audit compared before and after).
 */
@QuarkusTest
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostileInputTest {
    static final String MB = "x".repeat(1024 * 1024);
    static final String SEND = "mutation($i: SendGiftInput!) { sendGift(input: $i) { receipt { id } userErrors { code } } }";
    static final String BUY = "mutation($i: PurchaseCoinsInput!) { purchaseCoins(input: $i) { purchase { id } userErrors { code } } }";
    static final String GRANT = "mutation($i: GrantCoinsInput!) { grantCoins(input: $i) { wallet { coins } userErrors { code } } }";
    static final String PAYOUT = "mutation($i: RequestPayoutInput!) { requestPayout(input: $i) { payout { id } userErrors { code } } }";
    static final String LIMIT = "mutation($i: SetSpendingLimitInput!) { setSpendingLimit(input: $i) { spendingLimit { coins } userErrors { code } } }";
    static final String START = "mutation($i: StartLiveStreamInput!) { startLiveStream(input: $i) { liveStream { id } userErrors { code } } }";

    @Inject
    Pool pool;

    static String viewer;
    static String viewerId;
    static String creator;
    static String otherCreator;
    static String admin;
    static String stream;
    static String otherStream;
    static String othersGiftEvent;
    static String othersPayoutAccount;

    static String reminded;
    static String expiredMatch;
    static boolean ready;
    static final String GOAL = "mutation($i: SetStreamGoalInput!) { setStreamGoal(input: $i) { goal { id } userErrors { code } } }";

    void setUp() {
        if (ready) {
            return;
        }
        ready = true;
        Viewer v = Gifting.fundedViewer("hostile", 1000);
        viewerId = v.id();
        viewer = v.token();
        LiveCreator c = Gifting.liveCreator("hostilec");
        creator = c.token();
        stream = c.stream();
        LiveCreator o = Gifting.liveCreator("hostileo");
        otherCreator = o.token();
        otherStream = o.stream();
        admin = Tokens.admin("hostile-admin");
        Gql.ok(admin, "{ me { id } }");
        othersGiftEvent = Gifting.send(viewer, otherStream, Gifting.ROSE, 1, Flows.key()).getString("data.sendGift.receipt.id");
        othersPayoutAccount = Payouts.verifiedAccount(otherCreator);
        // three active goals on the creator's stream (a fourth is GOAL_LIMIT_REACHED), and a viewer past their session reminder
        for (int i = 0; i < 3; i++) {
            Gql.ok(creator, GOAL, Gql.vars("i", java.util.Map.of("streamId", stream, "title", "Goal " + i, "kind", "COINS", "target", 100)));
        }
        Viewer r = Gifting.fundedViewer("hostiler", 100);
        reminded = r.token();
        Gql.ok(reminded, "mutation { setSessionReminder(input: {coins: 1}) { userErrors { code } } }");
        Gifting.send(reminded, stream, Gifting.ROSE, 1, Flows.key());
        // an invitation that has already expired (answering it records EXPIRED: state that a refusal is allowed to write)
        expiredMatch = Gql.ok(creator, "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } } }",
                Gql.vars("i", java.util.Map.of("streamId", stream, "opponentStreamId", otherStream))).getString("data.inviteToMatch.match.id");
        Db.rows(Db.TEST_SCHEMA, "update live_match set status = 'EXPIRED', expires_at = clock_timestamp() where id = ?::uuid returning id", expiredMatch);
    }

    static String json(String query, String variablesJson) {
        return "{\"query\":" + quote(query) + (variablesJson == null ? "" : ",\"variables\":" + variablesJson) + "}";
    }

    static String quote(String s) {
        return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    static String gift(String streamId, String giftId, String quantity, String key) {
        return json(SEND, "{\"i\":{\"streamId\":" + streamId + ",\"giftId\":" + giftId + ",\"quantity\":" + quantity + ",\"idempotencyKey\":" + key + "}}");
    }

    static String s(String v) {
        return quote(v);
    }

    Stream<Arguments> cases() {
        List<Arguments> c = new ArrayList<>();
        String rose = s(Gifting.ROSE);
        String st = s("{STREAM}");
        // --- malformed JSON and documents
        for (String body : List.of("", "{", "[]", "null", "42", "\"text\"", "{\"query\":", "{\"query\": 5}", "{\"query\": null}",
                "{\"variables\": {}}", "{\"query\":\"{ me { id }\"}", "{\"query\":\"mutation { sendGift }\"}", "\u0000\u0001",
                "{\"query\":\"{ wallet { coins } }\", \"variables\": \"not an object\"}", "{\"query\":\"query { }\"}",
                "{\"query\":\"{ nope }\"}", "{\"query\":\"{ wallet { coins } }\",\"operationName\":\"Missing\"}")) {
            c.add(Arguments.of("malformed: " + body.replace('\u0000', '0'), "viewer", body));
        }
        // an operation name is a GraphQL name: a long run of "a." once overflowed the stack of the error message's cleaning
        c.add(Arguments.of("operationName a.a.a... (100 KB)", "viewer", "{\"query\":\"{ wallet { coins } }\",\"operationName\":\""
                + "a.".repeat(50_000) + "\"}"));
        c.add(Arguments.of("operationName not a name", "viewer", "{\"query\":\"{ wallet { coins } }\",\"operationName\":\"1 two\"}"));
        c.add(Arguments.of("operationName 256 characters", "viewer", "{\"query\":\"query " + "q".repeat(256) + " { wallet { coins } }\","
                + "\"operationName\":\"" + "q".repeat(256) + "\"}"));
        // --- wrong types
        c.add(Arguments.of("quantity string", "viewer", gift(st, rose, "\"abc\"", s(Flows.key()))));
        c.add(Arguments.of("quantity bool", "viewer", gift(st, rose, "true", s(Flows.key()))));
        c.add(Arguments.of("quantity float", "viewer", gift(st, rose, "1.5", s(Flows.key()))));
        c.add(Arguments.of("quantity object", "viewer", gift(st, rose, "{}", s(Flows.key()))));
        c.add(Arguments.of("streamId number", "viewer", gift("5", rose, "1", s(Flows.key()))));
        c.add(Arguments.of("streamId array", "viewer", gift("[\"a\"]", rose, "1", s(Flows.key()))));
        c.add(Arguments.of("key number", "viewer", gift(st, rose, "1", "123")));
        c.add(Arguments.of("coins float", "viewer", json(BUY, "{\"i\":{\"coins\":10.5,\"paymentMethodToken\":\"pm_card_ok\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("coins exponent", "viewer", json(BUY, "{\"i\":{\"coins\":1e3,\"paymentMethodToken\":\"pm_card_ok\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("coins text", "viewer", json(BUY, "{\"i\":{\"coins\":\"ten\",\"paymentMethodToken\":\"pm_card_ok\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("period enum", "viewer", json(LIMIT, "{\"i\":{\"period\":\"YEAR\",\"coins\":5}}")));
        c.add(Arguments.of("period lowercase", "viewer", json(LIMIT, "{\"i\":{\"period\":\"day\",\"coins\":5}}")));
        c.add(Arguments.of("payout kind", "creator", json("mutation { registerPayoutAccount(input: {kind: CASH, externalToken: \"tok_12345678\", label: \"x\"}) { payoutAccount { id } } }", null)));
        c.add(Arguments.of("input is a list", "viewer", json(SEND, "{\"i\":[1,2]}")));
        c.add(Arguments.of("first string", "viewer", json("query($f: Int) { transactions(first: $f) { nodes { id } } }", "{\"f\":\"ten\"}")));
        c.add(Arguments.of("region number", "viewer", json("query($r: String!) { coinPackages(region: $r) { id } }", "{\"r\": 7}")));
        // --- nulls where non-null
        c.add(Arguments.of("null key", "viewer", gift(st, rose, "1", "null")));
        c.add(Arguments.of("null stream", "viewer", gift("null", rose, "1", s(Flows.key()))));
        c.add(Arguments.of("null gift", "viewer", gift(st, "null", "1", s(Flows.key()))));
        c.add(Arguments.of("null input", "viewer", json(SEND, "{\"i\":null}")));
        c.add(Arguments.of("missing input", "viewer", json(SEND, "{}")));
        c.add(Arguments.of("null token", "viewer", json(BUY, "{\"i\":{\"coins\":10,\"paymentMethodToken\":null,\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("null grant coins", "admin", json(GRANT, "{\"i\":{\"userId\":" + s("{VIEWER_ID}") + ",\"coins\":null,\"reason\":\"r\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("null payout diamonds", "creator", json(PAYOUT, "{\"i\":{\"diamonds\":null,\"payoutAccountId\":\"x\",\"idempotencyKey\":\"k\"}}")));
        c.add(Arguments.of("null title", "creator", json(START, "{\"i\":{\"title\":null}}")));
        c.add(Arguments.of("null region arg", null, json("query($r: String!) { coinPackages(region: $r) { id } }", "{\"r\": null}")));
        // --- numbers at and beyond 2^31 and 2^63
        for (String n : List.of("0", "-1", "100", "2147483647", "2147483648", "-2147483648", "-2147483649", "4294967297", "9223372036854775807",
                "9223372036854775808", "-9223372036854775809", "18446744073709551621", "1e308")) {
            c.add(Arguments.of("quantity " + n, "viewer", gift(st, rose, n, s(Flows.key()))));
        }
        for (String n : List.of("0", "-1", "9223372036854775807", "9223372036854775808", "-9223372036854775808", "18446744073709551621")) {
            c.add(Arguments.of("purchase coins " + n, "viewer", json(BUY, "{\"i\":{\"coins\":" + n + ",\"paymentMethodToken\":\"pm_card_ok\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
            c.add(Arguments.of("grant coins " + n, "admin", json(GRANT, "{\"i\":{\"userId\":" + s("{VIEWER_ID}") + ",\"coins\":" + n + ",\"reason\":\"r\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
            c.add(Arguments.of("payout diamonds " + n, "creator", json(PAYOUT, "{\"i\":{\"diamonds\":" + n + ",\"payoutAccountId\":" + s("{PAYOUT_ACCOUNT}") + ",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        }
        // --- leaderboards and privacy
        String board = "query($i: LeaderboardInput!) { leaderboard(input: $i) { nodes { rank coins } } }";
        c.add(Arguments.of("leaderboard scope", null, json(board, "{\"i\":{\"scope\":\"EVERYONE\",\"period\":\"DAY\"}}")));
        c.add(Arguments.of("leaderboard period", null, json(board, "{\"i\":{\"scope\":\"TOP_GIFTERS\",\"period\":\"YEAR\"}}")));
        c.add(Arguments.of("leaderboard no creator", null, json(board, "{\"i\":{\"scope\":\"CREATOR_SUPPORTERS\",\"period\":\"DAY\"}}")));
        c.add(Arguments.of("leaderboard first -1", null, json(board, "{\"i\":{\"scope\":\"TOP_GIFTERS\",\"period\":\"DAY\",\"first\":-1}}")));
        c.add(Arguments.of("leaderboard forged cursor", null, json(board, "{\"i\":{\"scope\":\"TOP_GIFTERS\",\"period\":\"DAY\",\"after\":\"AAAA\"}}")));
        c.add(Arguments.of("leaderboard at text", null, json(board, "{\"i\":{\"scope\":\"TOP_GIFTERS\",\"period\":\"DAY\",\"at\":\"yesterday\"}}")));
        c.add(Arguments.of("leaderboard sql creator", null, json(board, "{\"i\":{\"scope\":\"CREATOR_SUPPORTERS\",\"period\":\"DAY\",\"creatorId\":\"' OR 1=1 --\"}}")));
        c.add(Arguments.of("privacy null", "viewer", json("mutation { setPrivacy(input: {hideFromLeaderboards: null}) { userErrors { code } } }", null)));
        c.add(Arguments.of("anonymous text", "viewer", json("mutation { sendGift(input: {streamId: \"x\", giftId: \"y\", idempotencyKey: \"k\", anonymous: \"yes\"}) { userErrors { code } } }", null)));
        c.add(Arguments.of("first 2^31", "viewer", json("{ transactions(first: 2147483648) { nodes { id } } }", null)));
        c.add(Arguments.of("first -5", "viewer", json("{ transactions(first: -5) { nodes { id } } }", null)));
        c.add(Arguments.of("limit coins 2^63", "viewer", json(LIMIT, "{\"i\":{\"period\":\"DAY\",\"coins\":9223372036854775808}}")));
        // --- negative amounts
        c.add(Arguments.of("negative limit", "viewer", json(LIMIT, "{\"i\":{\"period\":\"DAY\",\"coins\":-10}}")));
        c.add(Arguments.of("negative package price", "admin", json("mutation { createCoinPackage(input: {region: \"US\", coins: 10, price: {amount: \"-1.00\", currency: \"USD\"}}) { coinPackage { id } userErrors { code } } }", null)));
        c.add(Arguments.of("negative package coins", "admin", json("mutation { createCoinPackage(input: {region: \"US\", coins: -10, price: {amount: \"1.00\", currency: \"USD\"}}) { coinPackage { id } userErrors { code } } }", null)));
        c.add(Arguments.of("negative gift price", "admin", json("mutation { createGift(input: {name: \"Bad\", coins: -5, tier: 1, animationKey: \"a\"}) { gift { id } userErrors { code } } }", null)));
        c.add(Arguments.of("negative share", "admin", json("mutation { setRates(input: {creatorShare: {numerator: -1, denominator: 2}}) { rates { version } userErrors { code } } }", null)));
        c.add(Arguments.of("negative diamond value", "admin", json("mutation { setRates(input: {diamondValues: [{amount: \"-0.01\", currency: \"USD\"}]}) { rates { version } userErrors { code } } }", null)));
        // --- unicode and control characters
        for (String t : List.of("\u0000", "\u0007bell", "tab\tinside", "line\nbreak", "\u202Eevil", "\uD83C\uDF39 rose", "\uFFFF", "a".repeat(141))) {
            c.add(Arguments.of("title " + t.codePointAt(0), "otherCreator", json(START, "{\"i\":{\"title\":" + s(t).replace("\u0000", "\\u0000").replace("\u0007", "\\u0007").replace("\t", "\\t") + "}}")));
        }
        c.add(Arguments.of("key with newline", "viewer", gift(st, rose, "1", "\"a\\nb\"")));
        c.add(Arguments.of("key with NUL", "viewer", gift(st, rose, "1", "\"a\\u0000b\"")));
        c.add(Arguments.of("reason control", "admin", json(GRANT, "{\"i\":{\"userId\":" + s("{VIEWER_ID}") + ",\"coins\":5,\"reason\":\"\\u0007\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("label control", "creator", json("mutation { registerPayoutAccount(input: {kind: PAYPAL, externalToken: \"tok_12345678\", label: \"\\u0000\"}) { payoutAccount { id } userErrors { code } } }", null)));
        // --- 1 MB strings
        c.add(Arguments.of("1MB title", "otherCreator", json(START, "{\"i\":{\"title\":" + s(MB) + "}}")));
        c.add(Arguments.of("1MB key", "viewer", gift(st, rose, "1", s(MB))));
        c.add(Arguments.of("1MB token", "viewer", json(BUY, "{\"i\":{\"coins\":10,\"paymentMethodToken\":" + s(MB) + ",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("1MB query", "viewer", json("{ me { id " + " ".repeat(1024 * 1024) + "} }", null)));
        c.add(Arguments.of("1MB region", null, json("query($r: String!) { coinPackages(region: $r) { id } }", "{\"r\":" + s(MB) + "}")));
        // --- SQL-looking strings
        for (String sql : List.of("' OR 1=1 --", "1; drop table gift_event; --", "\" or \"\"=\"", "00000000-0000-4000-8000-000000000000' or '1'='1",
                "$1", "%' union select * from app_user --")) {
            c.add(Arguments.of("sql stream " + sql, "viewer", gift(s(sql), rose, "1", s(Flows.key()))));
            c.add(Arguments.of("sql user " + sql, "admin", json(GRANT, "{\"i\":{\"userId\":" + s(sql) + ",\"coins\":5,\"reason\":\"r\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        }
        c.add(Arguments.of("sql cursor", "viewer", json("{ transactions(first: 5, after: \"' or 1=1 --\") { nodes { id } } }", null)));
        c.add(Arguments.of("sql region", null, json("{ giftCatalogue(region: \"US'; delete from gift; --\") { id } }", null)));
        // --- unknown ids and other users' objects
        c.add(Arguments.of("unknown stream", "viewer", gift(s("00000000-0000-4000-8000-0000000000aa"), rose, "1", s(Flows.key()))));
        c.add(Arguments.of("unknown gift", "viewer", gift(st, s("00000000-0000-4000-8000-0000000000bb"), "1", s(Flows.key()))));
        c.add(Arguments.of("unknown package", "viewer", json(BUY, "{\"i\":{\"packageId\":\"00000000-0000-4000-8000-0000000000cc\",\"paymentMethodToken\":\"pm_card_ok\",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("others' gift ack", "creator", json("mutation { acknowledgeGift(input: {giftEventId: \"" + "%s" + "\"}) { giftEvent { id } userErrors { code } } }", null)));
        c.add(Arguments.of("others' stream end", "creator", json("mutation { endLiveStream(input: {streamId: \"%s\"}) { liveStream { id } userErrors { code } } }".replace("%s", "{OTHER_STREAM}"), null)));
        c.add(Arguments.of("others' payout account", "creator", json(PAYOUT, "{\"i\":{\"diamonds\":5000,\"payoutAccountId\":" + s("{PAYOUT_ACCOUNT}") + ",\"idempotencyKey\":" + s(Flows.key()) + "}}")));
        c.add(Arguments.of("unknown payout approve", "admin", json("mutation { approvePayout(input: {payoutId: \"00000000-0000-4000-8000-0000000000dd\"}) { payout { id } userErrors { code } } }", null)));
        c.add(Arguments.of("unknown purchase reversal", "admin", json("mutation { reversePurchase(input: {purchaseId: \"00000000-0000-4000-8000-0000000000ee\", kind: REFUND, idempotencyKey: \"k-rev\"}) { reversal { id } userErrors { code } } }", null)));
        c.add(Arguments.of("unknown hold user", "admin", json("mutation { placeHold(input: {userId: \"ghost\", reason: \"r\"}) { userErrors { code } } }", null)));
        c.add(Arguments.of("unknown gift update", "admin", json("mutation { updateGift(input: {giftId: \"00000000-0000-4000-8000-0000000000ff\", coins: 5}) { gift { id } userErrors { code } } }", null)));
        c.add(Arguments.of("verify unknown account", "admin", json("mutation { verifyPayoutAccount(input: {payoutAccountId: \"nope\"}) { payoutAccount { id } userErrors { code } } }", null)));
        // --- goals and the session reminder
        String goalOf = "{\"i\":{\"streamId\":%S,\"title\":%T,\"kind\":%K,\"target\":%N%G}}";
        java.util.function.Function<String[], String> goal = v -> json(GOAL, goalOf.replace("%S", v[0]).replace("%T", v[1]).replace("%K", v[2])
                .replace("%N", v[3]).replace("%G", v.length > 4 ? ",\"giftId\":" + v[4] : ""));
        c.add(Arguments.of("goal fourth active", "creator", goal.apply(new String[] { s("{STREAM}"), s("One more"), s("COINS"), "10" })));
        c.add(Arguments.of("goal title long", "creator", goal.apply(new String[] { s("{STREAM}"), s("x".repeat(81)), s("COINS"), "10" })));
        c.add(Arguments.of("goal title control", "creator", goal.apply(new String[] { s("{STREAM}"), s("a\u0000b"), s("COINS"), "10" })));
        c.add(Arguments.of("goal title blank", "creator", goal.apply(new String[] { s("{STREAM}"), s("   "), s("COINS"), "10" })));
        c.add(Arguments.of("goal target negative", "creator", goal.apply(new String[] { s("{STREAM}"), s("t"), s("COINS"), "-5" })));
        c.add(Arguments.of("goal target huge", "creator", goal.apply(new String[] { s("{STREAM}"), s("t"), s("COINS"), "99999999999999999999" })));
        c.add(Arguments.of("goal target fraction", "creator", goal.apply(new String[] { s("{STREAM}"), s("t"), s("COINS"), "1.5" })));
        c.add(Arguments.of("goal kind bogus", "creator", goal.apply(new String[] { s("{STREAM}"), s("t"), s("EVERYTHING"), "10" })));
        c.add(Arguments.of("goal unknown gift", "otherCreator", goal.apply(new String[] { s("{OTHER_STREAM}"), s("t"), s("GIFT"), "10", s("nope") })));
        c.add(Arguments.of("goal coins with gift", "otherCreator", goal.apply(new String[] { s("{OTHER_STREAM}"), s("t"), s("COINS"), "10", rose })));
        c.add(Arguments.of("goal others' stream", "otherCreator", goal.apply(new String[] { s("{STREAM}"), s("t"), s("COINS"), "10" })));
        c.add(Arguments.of("goal stream sql", "creator", goal.apply(new String[] { s("' OR 1=1 --"), s("t"), s("COINS"), "10" })));
        c.add(Arguments.of("end goal unknown", "creator", json("mutation { endStreamGoal(input: {goalId: \"00000000-0000-4000-8000-0000000000aa\"}) { goal { id } userErrors { code } } }", null)));
        c.add(Arguments.of("end goal malformed", "creator", json("mutation { endStreamGoal(input: {goalId: \"../x\"}) { goal { id } userErrors { code } } }", null)));
        c.add(Arguments.of("reminder zero", "viewer", json("mutation { setSessionReminder(input: {coins: 0}) { userErrors { code } } }", null)));
        c.add(Arguments.of("reminder negative", "viewer", json("mutation { setSessionReminder(input: {coins: -3}) { userErrors { code } } }", null)));
        c.add(Arguments.of("reminder huge", "viewer", json("mutation { setSessionReminder(input: {coins: 1000000000000}) { userErrors { code } } }", null)));
        c.add(Arguments.of("reminder text", "viewer", json("mutation { setSessionReminder(input: {coins: \"ten\"}) { userErrors { code } } }", null)));
        c.add(Arguments.of("reminder unconfirmed", "reminded", gift(s("{STREAM}"), rose, "1", s(Flows.key()))));
        c.add(Arguments.of("confirmed text", "viewer", json("mutation { sendGift(input: {streamId: \"x\", giftId: \"y\", idempotencyKey: \"k\", confirmed: \"yes\"}) { userErrors { code } } }", null)));
        // --- matches
        String inv = "mutation($i: InviteToMatchInput!) { inviteToMatch(input: $i) { match { id } userErrors { code } } }";
        c.add(Arguments.of("match self", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":" + s("{STREAM}") + "}}")));
        c.add(Arguments.of("match from others' stream", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{OTHER_STREAM}") + ",\"opponentStreamId\":" + s("{OTHER_STREAM}") + "}}")));
        c.add(Arguments.of("match duration short", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":" + s("{OTHER_STREAM}") + ",\"durationSeconds\":59}}")));
        c.add(Arguments.of("match duration long", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":" + s("{OTHER_STREAM}") + ",\"durationSeconds\":601}}")));
        c.add(Arguments.of("match duration text", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":" + s("{OTHER_STREAM}") + ",\"durationSeconds\":\"5m\"}}")));
        c.add(Arguments.of("match no gifts", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":" + s("{OTHER_STREAM}") + ",\"giftIds\":[]}}")));
        c.add(Arguments.of("match unknown gift", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":" + s("{OTHER_STREAM}") + ",\"giftIds\":[\"x\"]}}")));
        c.add(Arguments.of("match unknown opponent", "creator", json(inv, "{\"i\":{\"streamId\":" + s("{STREAM}") + ",\"opponentStreamId\":\"00000000-0000-4000-8000-0000000000ab\"}}")));
        c.add(Arguments.of("match respond unknown", "creator", json("mutation { respondToMatchInvite(input: {matchId: \"00000000-0000-4000-8000-0000000000ac\", accept: true}) { match { id } userErrors { code } } }", null)));
        c.add(Arguments.of("match respond null", "creator", json("mutation { respondToMatchInvite(input: {matchId: \"x\", accept: null}) { match { id } userErrors { code } } }", null)));
        c.add(Arguments.of("match respond expired", "otherCreator", json("mutation { respondToMatchInvite(input: {matchId: \"{EXPIRED_MATCH}\", accept: true}) { match { id } userErrors { code } } }", null)));
        // --- duplicate fields
        c.add(Arguments.of("duplicate JSON keys", "viewer", "{\"query\":\"{ wallet { coins } }\",\"query\":\"" + SEND.replace("\"", "\\\"") + "\"}"));
        c.add(Arguments.of("duplicate input fields", "viewer", json("mutation { sendGift(input: {streamId: \"{STREAM}\", streamId: \"x\", giftId: \"" + Gifting.ROSE + "\", idempotencyKey: \"k1\"}) { receipt { id } } }", null)));
        c.add(Arguments.of("duplicate argument", "viewer", json("{ transactions(first: 1, first: 2) { nodes { id } } }", null)));
        c.add(Arguments.of("duplicate operation names", "viewer", json("query A { me { id } } query A { wallet { coins } }", null)));
        c.add(Arguments.of("duplicate variables", "viewer", json("query($a: Int, $a: Int) { transactions(first: $a) { nodes { id } } }", null)));
        c.add(Arguments.of("two operations no name", "viewer", json("query A { me { id } } mutation B { startLiveStream(input: {title: \"x\"}) { liveStream { id } } }", null)));
        c.add(Arguments.of("conflicting aliases", "viewer", json("{ a: wallet { coins } a: me { id } }", null)));
        // --- webhooks
        String hook = "mutation($i: CreateWebhookSubscriptionInput!) { createWebhookSubscription(input: $i) { secret userErrors { code } } }";
        java.util.function.BiFunction<String, String, String> sub = (url, types) -> json(hook, "{\"i\":{\"url\":" + url + ",\"eventTypes\":" + types + "}}");
        String gifts = "[\"gift.sent\"]";
        for (String url : List.of("https://10.0.0.1/x", "https://169.254.169.254/latest", "https://[fd00::9]:9/x",
                "http://example.com/x", "file:///etc/passwd", "javascript:alert(1)", "https://user:pw@127.0.0.1/x", "", "   ",
                "https://" + "a".repeat(3000) + ".com/", "https://127.0.0.1/x\u0000y", "https://metadata.google.internal/")) {
            c.add(Arguments.of("webhook url " + (url.length() > 40 ? url.substring(0, 40) : url), "creator", sub.apply(s(url), gifts)));
        }
        c.add(Arguments.of("webhook url null", "creator", sub.apply("null", gifts)));
        c.add(Arguments.of("webhook url number", "creator", sub.apply("42", gifts)));
        c.add(Arguments.of("webhook no types", "creator", sub.apply(s("http://127.0.0.1:9/x"), "[]")));
        c.add(Arguments.of("webhook unknown type", "creator", sub.apply(s("http://127.0.0.1:9/x"), "[\"gift.*\"]")));
        c.add(Arguments.of("webhook admin type as creator", "creator", sub.apply(s("http://127.0.0.1:9/x"), "[\"purchase.succeeded\"]")));
        c.add(Arguments.of("webhook description long", "creator", json(hook, "{\"i\":{\"url\":\"http://127.0.0.1:9/x\",\"eventTypes\":"
                + gifts + ",\"description\":" + s("d".repeat(201)) + "}}")));
        c.add(Arguments.of("webhook as viewer", "viewer", sub.apply(s("http://127.0.0.1:9/x"), gifts)));
        c.add(Arguments.of("rotate malformed id", "creator", json("mutation { rotateWebhookSecret(input: {subscriptionId: \"' OR 1=1 --\"}) { secret userErrors { code } } }", null)));
        c.add(Arguments.of("delete unknown", "creator", json("mutation { deleteWebhookSubscription(input: {subscriptionId: \"00000000-0000-4000-8000-0000000000ad\"}) { userErrors { code } } }", null)));
        c.add(Arguments.of("replay nothing named", "creator", json("mutation { replayWebhookDeliveries(input: {subscriptionId: \"00000000-0000-4000-8000-0000000000ad\"}) { replayed userErrors { code } } }", null)));
        c.add(Arguments.of("replay backwards range", "admin", json("mutation { replayWebhookDeliveries(input: {subscriptionId: \"00000000-0000-4000-8000-0000000000ad\", from: \"2026-02-01T00:00:00Z\", to: \"2026-01-01T00:00:00Z\"}) { replayed userErrors { code } } }", null)));
        c.add(Arguments.of("replay delivery text", "admin", json("mutation { replayWebhookDeliveries(input: {subscriptionId: \"00000000-0000-4000-8000-0000000000ad\", deliveryId: \"1; drop table x\"}) { replayed userErrors { code } } }", null)));
        c.add(Arguments.of("deliveries malformed", "creator", json("{ webhookDeliveries(subscriptionId: \"../../etc\") { nodes { id } } }", null)));
        c.add(Arguments.of("deliveries first negative", "admin", json("{ webhookDeliveries(subscriptionId: \"00000000-0000-4000-8000-0000000000ad\", first: -1) { nodes { id } } }", null)));
        c.add(Arguments.of("audit log bad cursor", "admin", json("{ auditLog(after: \"forged\") { nodes { id } } }", null)));
        c.add(Arguments.of("audit log bad outcome", "admin", json("{ auditLog(filter: {outcome: MAYBE}) { nodes { id } } }", null)));
        c.add(Arguments.of("audit log as viewer", "viewer", json("{ auditLog { nodes { id } } }", null)));
        // --- money operations
        String imp = "mutation($i: ImportSettlementReportInput!) { importSettlementReport(input: $i) { run { id } userErrors { code field } } }";
        String header = "transaction_id,type,amount,currency,fee,date\n";
        for (String csv : List.of("", header, "id,type\nx,charge\n", header + "x,charge,1e3,USD,0,2026-11-30\n", header + "x,charge,NaN,USD,0,2026-11-30\n",
                header + "x,charge,1.00,USD,0,2026-02-30\n", header + "x,charge,1.00,US$,0,2026-11-30\n", header + "\"x,charge,1.00,USD,0,2026-11-30\n",
                header + "x,charge,99999999999999999999,USD,0,2026-11-30\n", header + "x\u0000y,charge,1.00,USD,0,2026-11-30\n",
                header + "=cmd|' /C calc'!A0,charge,1.00,USD,0,2026-11-30\n")) {
            c.add(Arguments.of("settlement " + csv.replace("\n", "|").substring(0, Math.min(40, csv.length())), "admin",
                    json(imp, "{\"i\":{\"csv\":" + s(csv) + "}}")));
        }
        c.add(Arguments.of("settlement csv null", "admin", json(imp, "{\"i\":{\"csv\":null}}")));
        c.add(Arguments.of("settlement as viewer", "viewer", json(imp, "{\"i\":{\"csv\":" + s(header + "x,charge,1.00,USD,0,2026-11-30\n") + "}}")));
        for (String month : List.of("2026-13", "26-01", "2026-1", "", "2026-01-01", "' OR 1=1")) {
            c.add(Arguments.of("statement month " + month, "creator", json("{ creatorStatement(month: " + s(month) + ") { earned } }", null)));
        }
        c.add(Arguments.of("statement as viewer", "viewer", json("{ creatorStatement(month: \"2026-01\") { earned } }", null)));
        c.add(Arguments.of("erasure reason long", "viewer", json("mutation { requestErasure(input: {reason: " + s("r".repeat(501)) + "}) { erasureRequest { id } userErrors { code } } }", null)));
        c.add(Arguments.of("erasure reason control", "viewer", json("mutation { requestErasure(input: {reason: \"a\\u0007b\"}) { erasureRequest { id } userErrors { code } } }", null)));
        c.add(Arguments.of("complete erasure malformed", "admin", json("mutation { completeErasure(input: {requestId: \"../x\"}) { erasureRequest { id } userErrors { code } } }", null)));
        c.add(Arguments.of("complete erasure unknown", "admin", json("mutation { completeErasure(input: {requestId: \"00000000-0000-4000-8000-0000000000ae\"}) { erasureRequest { id } userErrors { code } } }", null)));
        c.add(Arguments.of("complete erasure as viewer", "viewer", json("mutation { completeErasure(input: {requestId: \"00000000-0000-4000-8000-0000000000ae\"}) { erasureRequest { id } userErrors { code } } }", null)));
        return c.stream();
    }

    String fill(String body) {
        return body.replace("%s", othersGiftEvent).replace("{STREAM}", stream).replace("{OTHER_STREAM}", otherStream)
                .replace("{VIEWER_ID}", viewerId).replace("{EXPIRED_MATCH}", expiredMatch).replace("{PAYOUT_ACCOUNT}", othersPayoutAccount);
    }

    String token(String role) {
        return role == null ? null : switch (role) {
            case "viewer" -> viewer;
            case "creator" -> creator;
            case "otherCreator" -> otherCreator;
            case "admin" -> admin;
            case "reminded" -> reminded;
            default -> throw new IllegalArgumentException(role);
        };
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void hostileInputIsRefusedClearlyAndChangesNothing(String name, String role, String body) {
        setUp();
        String token = token(role);
        String before = snapshot();
        var spec = given().contentType("application/json").body(fill(body));
        if (token != null) {
            spec = spec.header("Authorization", "Bearer " + token);
        }
        Response r = spec.post("/graphql");
        String text = r.asString();
        assertTrue(r.statusCode() < 500, name + ": HTTP " + r.statusCode() + " " + abbreviate(text));
        assertFalse(text.contains("\tat ") || text.contains("Exception") || text.contains("java.") || text.contains("com.coinstream")
                || text.contains("SQL") || text.contains("postgres"), name + ": leaks internals: " + abbreviate(text));
        boolean clear = r.statusCode() >= 400 || clearGraphQLError(r);
        assertTrue(clear, name + ": no clear error: HTTP " + r.statusCode() + " " + abbreviate(text));
        assertEquals(before, snapshot(), name + ": the database changed");
    }

    static boolean clearGraphQLError(Response r) {
        var json = r.jsonPath();
        List<Object> errors = json.getList("errors");
        if (errors != null && !errors.isEmpty()) {
            return json.getString("errors[0].message") != null && json.getString("errors[0].extensions.code") != null;
        }
        String text = r.asString();
        return text.contains("\"userErrors\":[{");
    }

    String snapshot() {
        var row = pool.query("""
                select (select count(*) from journal_entry), (select count(*) from posting), (select count(*) from idempotency_key),
                       (select count(*) from purchase), (select count(*) from gift_event), (select count(*) from payout),
                       (select count(*) from live_stream), (select count(*) from coin_package), (select count(*) from gift),
                       (select count(*) from spending_limit), (select count(*) from payout_account), (select count(*) from app_user),
                       (select count(*) from rate_card), (select coalesce(sum(balance), 0) from account_balance),
                       (select count(*) from app_user where hold_reason is not null), (select count(*) from stream_goal),
                       (select count(*) from app_user where session_reminder_coins is not null),
                       (select count(*) from live_match),
                       """ + Db.MATCHES_AS_COMPARED + """
                       , (select count(*) from webhook_subscription), (select count(*) from webhook_delivery),
                       (select count(*) from settlement_report), (select count(*) from settlement_line), (select count(*) from provider_fee),
                       (select count(*) from erasure_request)
                """).execute().await().indefinitely().iterator().next();
        StringBuilder s = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
            s.append(row.getValue(i)).append(',');
        }
        return s + String.valueOf(LedgerChecks.audit().getBoolean("data.ledgerAudit.balanced"));
    }

    static String abbreviate(String s) {
        return s.length() > 400 ? s.substring(0, 400) + "..." : s;
    }
}
