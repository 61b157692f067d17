package com.coinstream.statements;

import static io.restassured.RestAssured.given;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Map;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.support.Db;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Payouts;
import com.coinstream.support.TestClock;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;

/** Creators' statements equal the ledger; the CSV downloads are streamed and only for their owner. */
@QuarkusTest
class StatementsTest {
    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "quarkus.http.test-port")
    int exportPort;

    /**
     * An export is read from a cursor in a transaction of its own; a client that stops reading part-way is cut off after
     * the stall timeout (COINSTREAM_EXPORT_STALL_TIMEOUT, 3 s in tests), which ends that transaction: no client holds a
     * snapshot open for as long as it likes (it held one until the client read on or left).
     */
    @Test
    void aClientThatStopsReadingAnExportIsCutOffAndHoldsNoTransaction() throws Exception {
        String id = Tokens.unique("longhistory");
        String token = Tokens.viewer(id);
        Gql.ok(token, "{ me { id } }");
        int rows = 60_000;
        Db.rows(Db.TEST_SCHEMA, "insert into purchase (id, user_id, coins, price_minor, currency, status, provider, created_at, updated_at) "
                + "select gen_random_uuid(), ?, 70, 99, 'USD', 'FAILED', 'test', timestamptz '2026-11-01' + (n / 700) * interval '1 minute', now() "
                + "from generate_series(1, ?) n", id, rows);
        try (java.net.Socket socket = new java.net.Socket("localhost", exportPort)) {
            socket.setSoTimeout(20_000);
            socket.getOutputStream().write(("GET /exports/history.csv HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + token
                    + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            var in = socket.getInputStream();
            byte[] first = in.readNBytes(1024);
            assertTrue(new String(first, java.nio.charset.StandardCharsets.US_ASCII).startsWith("HTTP/1.1 200"));
            Thread.sleep(5_000); // the client stalls with megabytes still to come, past the stall timeout
            // (the cut-off comes a stall timeout after the last row the client's buffers took, which a loaded machine
            // reaches later: waited for within a bound; without it the transaction would stay open for as long as the
            // client stalls)
            long idle = Db.transactionsIdleOverASecond();
            for (int i = 0; i < 100 && idle > 0; i++) {
                Thread.sleep(100);
                idle = Db.transactionsIdleOverASecond();
            }
            assertEquals(0L, idle, "the stalled export's transaction ended");
            String whole = new String(first, java.nio.charset.StandardCharsets.ISO_8859_1)
                    + new String(in.readAllBytes(), java.nio.charset.StandardCharsets.ISO_8859_1);
            long lines = whole.lines().filter(l -> l.contains(",purchase,")).count();
            assertTrue(lines > 0 && lines < rows, "cut off part-way: " + lines + " of " + rows + " rows sent");
        } catch (java.net.SocketException reset) {
            // cut off: the connection was reset while the rest was read
        }
        assertEquals(0L, Db.transactionsIdleOverASecond());
    }

    /**
     * Downloads read on connections of their own (Cursors.CONNECTIONS): twenty clients that ask for a long export and read
     * nothing hold at most those, and the API answers at once meanwhile (they held the API's whole pool until each was
     * cut off at the stall timeout).
     */
    @Test
    void stalledDownloadsNeverHoldTheApisConnections() throws Exception {
        // six people (one download each at a time: more than the downloads' connections), each with a long history
        List<String> tokens = new java.util.ArrayList<>();
        for (int p = 0; p < 6; p++) {
            String id = Tokens.unique("stallmany");
            String token = Tokens.viewer(id);
            Gql.ok(token, "{ me { id } }");
            Db.rows(Db.TEST_SCHEMA, "insert into purchase (id, user_id, coins, price_minor, currency, status, provider, created_at, updated_at) "
                    + "select gen_random_uuid(), ?, 70, 99, 'USD', 'FAILED', 'test', timestamptz '2026-11-01' + (n / 700) * interval '1 minute', now() "
                    + "from generate_series(1, 60000) n", id);
            tokens.add(token);
        }
        String token = tokens.get(0);
        List<java.net.Socket> sockets = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < 20; i++) {
                java.net.Socket socket = new java.net.Socket("localhost", exportPort);
                socket.setReceiveBufferSize(4096);
                socket.getOutputStream().write(("GET /exports/history.csv HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " + tokens.get(i % tokens.size())
                        + "\r\nConnection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                sockets.add(socket);
            }
            Thread.sleep(1_000); // every download started, or waits for a connection of the downloads' own
            // (the downloads' transactions only: any other of the service's transactions, a webhook claim round between its
            // two statements say, is idle in transaction for a moment too)
            long exporting = Db.number(Db.TEST_SCHEMA, "select count(*) from pg_stat_activity where (state like 'idle in transaction%' "
                    + "or state = 'active') and query like '%from purchase p%' and pid <> pg_backend_pid()");
            assertTrue(exporting >= 1 && exporting <= com.coinstream.db.Cursors.CONNECTIONS, exporting + " transactions open for downloads");
            for (int i = 0; i < 5; i++) {
                long started = System.nanoTime();
                Gql.ok(token, "{ wallet { coins } }");
                long ms = (System.nanoTime() - started) / 1_000_000;
                assertTrue(ms < 1_500, "the API answered in " + ms + " ms while downloads stalled");
            }
        } finally {
            for (java.net.Socket socket : sockets) {
                socket.close();
            }
        }
        // the downloads still waiting find their clients gone, and end
        for (int i = 0; i < 300 && Db.transactionsIdleOverASecond() > 0; i++) {
            Thread.sleep(100);
        }
        assertEquals(0L, Db.transactionsIdleOverASecond());
    }

    @Inject
    Statements statements;

    /**
     * A statement lists the streams that earned most and sums the rest in one line, so the lines still add up to what the
     * month earned (here with one line listed; the service lists 1,000), and the CSV carries that line too.
     */
    @Test
    void aStatementListsTheStreamsThatEarnedMostAndSumsTheRest() {
        LiveCreator creator = Gifting.liveCreator("stmtmany");
        Viewer fan = Gifting.fundedViewer("stmtmanyfan", 500);
        Gifting.send(fan.token(), creator.stream(), Gifting.ROSE, 3, Flows.key());
        Gql.ok(creator.token(), "mutation($input: EndLiveStreamInput!) { endLiveStream(input: $input) { liveStream { status } } }",
                Gql.input("streamId", creator.stream()));
        String second = Gifting.startStream(creator.token(), "Second");
        Gifting.send(fan.token(), second, Gifting.PERFUME, 1, Flows.key());
        YearMonth month = YearMonth.from(clock.instant().atOffset(ZoneOffset.UTC));
        Statements.Statement s = statements.statement(creator.id(), month, 1).await().atMost(Duration.ofSeconds(10));
        assertEquals(1, s.streams().size());
        assertEquals(second, s.streams().get(0).streamId().toString(), "the stream that earned most is listed");
        assertEquals(1, s.otherStreams().streams());
        assertEquals(s.earned(), s.streams().get(0).diamonds() + s.otherStreams().diamonds(), "the lines add up to what was earned");
        assertTrue(StatementExports.statementLines(s).stream().anyMatch(l -> l.startsWith("other_streams,")), "and so does the CSV");
        JsonPath all = Gql.ok(creator.token(), "query($m: String!) { creatorStatement(month: $m) { streams { streamId } otherStreams { streams diamonds } } }",
                Gql.vars("m", month.toString()));
        assertEquals(2, all.getList("data.creatorStatement.streams").size(), "the service lists up to 1,000");
        assertEquals(0, all.getLong("data.creatorStatement.otherStreams.streams"));
    }

    static final String STATEMENT = """
            query($m: String!) { creatorStatement(month: $m) { month from to opening { pending available inPayout } closing { pending available inPayout }
              earned reversed matured payoutsRequested paidOut payoutsReturned streams { streamId title gifts diamonds }
              payouts { payoutId status diamonds amount { amount currency } externalReference } csvPath } }
            """;

    @Inject
    TestClock clock;

    @AfterEach
    void resetClock() {
        clock.reset();
    }

    /** A figure straight from the postings: the creator's account of {@code purpose}, entries of {@code kinds} (any if null), in [from, to). */
    static long postings(String creator, String purpose, String kind, String from, String to) {
        return Db.number(Db.TEST_SCHEMA, """
                select coalesce(sum(p.amount), 0) from posting p join ledger_account a on a.id = p.account_id join journal_entry e on e.id = p.entry_id
                where a.owner_id = ? and a.purpose = ? and (?::text is null or e.kind = ?) and (?::timestamptz is null or e.created_at >= ?::timestamptz)
                  and e.created_at < ?::timestamptz
                """, creator, purpose, kind, kind, from, from, to);
    }

    static void assertEqualsLedger(String creator, JsonPath s) {
        String from = s.getString("data.creatorStatement.from");
        String to = s.getString("data.creatorStatement.to");
        String p = "data.creatorStatement.";
        assertEquals(postings(creator, "DIAMONDS_PENDING", null, null, from), s.getLong(p + "opening.pending"));
        assertEquals(postings(creator, "DIAMONDS_AVAILABLE", null, null, from), s.getLong(p + "opening.available"));
        assertEquals(postings(creator, "DIAMONDS_IN_PAYOUT", null, null, from), s.getLong(p + "opening.inPayout"));
        assertEquals(postings(creator, "DIAMONDS_PENDING", null, null, to), s.getLong(p + "closing.pending"));
        assertEquals(postings(creator, "DIAMONDS_AVAILABLE", null, null, to), s.getLong(p + "closing.available"));
        assertEquals(postings(creator, "DIAMONDS_IN_PAYOUT", null, null, to), s.getLong(p + "closing.inPayout"));
        assertEquals(postings(creator, "DIAMONDS_PENDING", "GIFT", from, to), s.getLong(p + "earned"));
        assertEquals(-postings(creator, "DIAMONDS_PENDING", "REVERSAL", from, to), s.getLong(p + "reversed"));
        assertEquals(postings(creator, "DIAMONDS_AVAILABLE", "MATURITY", from, to), s.getLong(p + "matured"));
        assertEquals(-postings(creator, "DIAMONDS_AVAILABLE", "PAYOUT", from, to), s.getLong(p + "payoutsRequested"));
        assertEquals(-postings(creator, "DIAMONDS_IN_PAYOUT", "PAYOUT_PAID", from, to), s.getLong(p + "paidOut"));
        assertEquals(postings(creator, "DIAMONDS_AVAILABLE", "PAYOUT_REVERSAL", from, to), s.getLong(p + "payoutsReturned"));
        // and it adds up: closing = opening + the month's flows, account by account
        assertEquals(s.getLong(p + "opening.pending") + s.getLong(p + "earned") - s.getLong(p + "reversed") - s.getLong(p + "matured"),
                s.getLong(p + "closing.pending"));
        assertEquals(s.getLong(p + "opening.available") + s.getLong(p + "matured") - s.getLong(p + "payoutsRequested")
                + s.getLong(p + "payoutsReturned"), s.getLong(p + "closing.available"));
        assertEquals(s.getLong(p + "opening.inPayout") + s.getLong(p + "payoutsRequested") - s.getLong(p + "paidOut") - s.getLong(p + "payoutsReturned"),
                s.getLong(p + "closing.inPayout"));
        assertEquals(s.getLong(p + "earned"), s.<Integer> getList(p + "streams.diamonds").stream().mapToLong(Integer::longValue).sum(),
                "the streams' diamonds are the month's earnings");
    }

    @Test
    void theStatementOfEveryMonthEqualsTheLedgerAndTheMonthsChain() {
        LiveCreator creator = Gifting.liveCreator("stmt");
        String buyer = Tokens.unique("stmtfan");
        String buyerToken = Tokens.viewer(buyer);
        Flows.fund(buyer, buyerToken, 44999 * 2 + 500);
        String refunded = Tokens.viewer(Tokens.unique("stmtrefund"));
        String purchase = Flows.buyPackage(refunded, Flows.PKG_350, "pm_card_ok", Flows.key()).getString("data.purchaseCoins.purchase.id");
        Gifting.send(refunded, creator.stream(), Gifting.PERFUME, 1, Flows.key());
        for (int i = 0; i < 2; i++) {
            Gifting.send(buyerToken, creator.stream(), Payouts.UNIVERSE, 1, Flows.key());
        }
        Gifting.send(buyerToken, creator.stream(), Gifting.ROSE, 5, Flows.key());
        Gql.ok(Tokens.admin(), "mutation($input: ReversePurchaseInput!) { reversePurchase(input: $input) { userErrors { code } } }",
                Gql.input("purchaseId", purchase, "kind", "REFUND", "idempotencyKey", Flows.key()));
        // past the hold: matured; then payouts paid and rejected
        clock.advance(Duration.ofDays(7).plusMinutes(1));
        String account = Payouts.verifiedAccount(creator.token());
        String admin = Tokens.admin("stmt-ops");
        String paid = Payouts.request(creator.token(), 5000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String rejected = Payouts.request(creator.token(), 3000, account, Flows.key()).getString("data.requestPayout.payout.id");
        String act = "mutation($input: PayoutActionInput!) { %s(input: $input) { payout { status } userErrors { code } } }";
        Gql.ok(admin, act.formatted("approvePayout"), Gql.input("payoutId", paid));
        Gql.ok(admin, "mutation($input: MarkPayoutPaidInput!) { markPayoutPaid(input: $input) { payout { status } } }",
                Gql.input("payoutId", paid, "externalReference", "pp_stmt_1"));
        Gql.ok(admin, act.formatted("rejectPayout"), Gql.input("payoutId", rejected, "reason", "wrong account"));

        List<YearMonth> months = Db.rows(Db.TEST_SCHEMA, """
                select distinct e.created_at from posting p join ledger_account a on a.id = p.account_id join journal_entry e on e.id = p.entry_id
                where a.owner_id = ?""", creator.id()).stream()
                .map(r -> YearMonth.from(((java.sql.Timestamp) r.get("created_at")).toInstant().atOffset(ZoneOffset.UTC))).distinct().sorted().toList();
        YearMonth first = months.get(0);
        YearMonth last = months.get(months.size() - 1);
        long totalEarned = 0;
        long totalPaid = 0;
        JsonPath previous = null;
        for (YearMonth m = first.minusMonths(1); !m.isAfter(last.plusMonths(1)); m = m.plusMonths(1)) {
            JsonPath s = Gql.ok(creator.token(), STATEMENT, Gql.vars("m", m.toString()));
            assertNull(s.get("errors"), s.prettify());
            assertEqualsLedger(creator.id(), s);
            if (previous != null) {
                assertEquals(previous.getMap("data.creatorStatement.closing"), s.getMap("data.creatorStatement.opening"), "months chain");
            }
            totalEarned += s.getLong("data.creatorStatement.earned");
            totalPaid += s.getLong("data.creatorStatement.paidOut");
            if (s.getList("data.creatorStatement.payouts").size() > 0) {
                List<Map<String, Object>> payouts = s.getList("data.creatorStatement.payouts");
                assertTrue(payouts.stream().anyMatch(p -> "pp_stmt_1".equals(p.get("externalReference")) && "PAID".equals(p.get("status"))), payouts.toString());
            }
            previous = s;
        }
        assertEquals(Db.number(Db.TEST_SCHEMA, "select sum(diamonds) from gift_event where creator_id = ?", creator.id()), totalEarned);
        assertEquals(5000, totalPaid);

        // the CSV: the same figures, for the creator only
        String csv = given().header("Authorization", "Bearer " + creator.token()).get("/exports/statements/" + last + ".csv").then().statusCode(200)
                .header("Content-Disposition", org.hamcrest.Matchers.containsString("statement-" + last + ".csv")).extract().asString();
        assertTrue(csv.startsWith(StatementExports.STATEMENT_HEADER), csv);
        JsonPath lastStatement = Gql.ok(creator.token(), STATEMENT, Gql.vars("m", last.toString()));
        assertTrue(csv.contains("closing_available,,available diamonds at " + lastStatement.getString("data.creatorStatement.to") + ",,"
                + lastStatement.getLong("data.creatorStatement.closing.available") + ","), csv);
        // every refusal of an export is coded, as the GraphQL endpoint's are
        given().header("Authorization", "Bearer " + Tokens.viewer("stmtpeek")).get("/exports/statements/" + last + ".csv").then().statusCode(403)
                .body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("FORBIDDEN"));
        given().get("/exports/statements/" + last + ".csv").then().statusCode(401).header("WWW-Authenticate", "Bearer")
                .body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("UNAUTHENTICATED"));
        given().header("Authorization", "Bearer " + creator.token()).get("/exports/statements/2026-13.csv").then().statusCode(400)
                .body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("INVALID_INPUT"));
        given().header("Authorization", "Bearer " + creator.token()).get("/exports/gifts-received.csv").then().statusCode(400)
                .body("errors[0].extensions.code", org.hamcrest.Matchers.equalTo("INVALID_INPUT"));
        assertTrue(Gql.errorCode(Gql.post(creator.token(), STATEMENT, Gql.vars("m", "last month"))).equals("BAD_USER_INPUT"));

        // every gift received, and a viewer's own history
        String gifts = given().header("Authorization", "Bearer " + creator.token()).queryParam("month", first.toString())
                .get("/exports/gifts-received.csv").then().statusCode(200).extract().asString();
        assertEquals(Db.number(Db.TEST_SCHEMA, "select count(*) from gift_event where creator_id = ? and to_char(created_at at time zone 'UTC', 'YYYY-MM') = ?",
                creator.id(), first.toString()) + 1, gifts.lines().count());
        assertTrue(gifts.contains(",Universe,1,44999,"), gifts);
        String history = given().header("Authorization", "Bearer " + refunded).get("/exports/history.csv").then().statusCode(200).extract().asString();
        assertTrue(history.startsWith(StatementExports.HISTORY_HEADER));
        assertTrue(history.contains(",purchase," + purchase + ",350,4.99,USD,"), history);
        assertTrue(history.contains(",refund," + purchase + ","), history);
        assertTrue(history.contains(",-4.99,USD,coin debt"), "a refund returns the price: " + history);
        assertTrue(history.contains(",gift,"), history);
        // the columns add up to the wallet: every coin in and out, a gift the refund reversed coming back on its own row
        long coinsSum = history.lines().skip(1).mapToLong(l -> Long.parseLong(l.split(",")[3])).sum();
        assertEquals(Gql.ok(refunded, "{ wallet { coins } }").getLong("data.wallet.coins"), coinsSum, history);
        given().get("/exports/history.csv").then().statusCode(401);
        given().header("Authorization", "Bearer " + buyerToken).get("/exports/gifts-received.csv?month=2026-11").then().statusCode(403);
        LedgerChecks.assertClean();
    }

    /** A REST export refuses what it cannot serve with a coded JSON error, as the API does: never a bare status. */
    @Test
    void anExportRefusesWhatItCannotServeWithACode() {
        String token = Tokens.viewer(Tokens.unique("restedge"));
        var wrongMethod = given().header("Authorization", "Bearer " + token).post("/exports/history.csv");
        assertEquals(405, wrongMethod.statusCode());
        assertEquals("BAD_REQUEST", wrongMethod.jsonPath().getString("errors[0].extensions.code"), wrongMethod.asString());
        var wrongType = given().header("Authorization", "Bearer " + token).accept("application/xml").get("/exports/history.csv");
        assertEquals(406, wrongType.statusCode());
        assertEquals("BAD_REQUEST", wrongType.jsonPath().getString("errors[0].extensions.code"), wrongType.asString());
    }
}
