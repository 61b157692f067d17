package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.Set;

import org.junit.jupiter.api.Test;

import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.Rollups;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.StatementCounter;
import com.coinstream.support.Tokens;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class ReceiptsAndEarningsTest {

    @Test
    void aHundredReceiptsWithTheirRelationsCostABoundedNumberOfStatements() {
        LiveCreator creator = Gifting.liveCreator("nplus1");
        Viewer[] fans = new Viewer[20];
        for (int i = 0; i < fans.length; i++) {
            fans[i] = Gifting.fundedViewer("n1fan" + i, 100);
        }
        for (int i = 0; i < 100; i++) {
            Gifting.send(fans[i % fans.length].token(), creator.stream(), i % 2 == 0 ? Gifting.ROSE : Gifting.FINGER_HEART, 1, Flows.key());
        }
        String query = """
                { giftsReceived(first: 100) { nodes { id coins
                    sender { displayName } creator { displayName } gift { name tier }
                    stream { title status totals { coins gifts } creator { displayName } } } } }
                """;
        Gql.ok(creator.token(), query); // warm the caller registration
        // the fewest of three: the counter sees every statement of the instance, and the service's background work (the
        // rollup applier after these 100 gifts, the outbox) may run one beside any single query
        long statements = Long.MAX_VALUE;
        io.restassured.path.json.JsonPath r = null;
        for (int attempt = 0; attempt < 3; attempt++) {
            long before = StatementCounter.count();
            r = Gql.ok(creator.token(), query);
            statements = Math.min(statements, StatementCounter.count() - before);
        }
        List<Map<String, Object>> nodes = r.getList("data.giftsReceived.nodes");
        assertEquals(100, nodes.size());
        assertTrue(nodes.stream().allMatch(n -> n.get("sender") != null && n.get("gift") != null && n.get("stream") != null));
        // one for the page, one each for senders, creators, streams, stream totals and stream creators
        assertTrue(statements <= 6, "statements for 100 receipts: " + statements);
    }

    @Test
    void creatorsSeeBalancesBreakdownsAndTopSupporters() {
        String creatorId = Tokens.unique("earner");
        String creator = Tokens.token(creatorId, Set.of("viewer", "creator"), Tokens.ADULT, "US");
        String stream = Gql.ok(creator, "mutation { startLiveStream(input: {title: \"earn\"}) { liveStream { id } } }")
                .getString("data.startLiveStream.liveStream.id");
        Viewer big = Gifting.fundedViewer("bigfan", 5000);
        Viewer small = Gifting.fundedViewer("smallfan", 100);
        Gifting.send(big.token(), stream, Gifting.GALAXY, 2, Flows.key());      // 2000 coins -> 1000 diamonds
        Gifting.send(small.token(), stream, Gifting.PERFUME, 1, Flows.key());   // 20 coins -> 10 diamonds
        Rollups.drain(); // (the breakdowns are rollups, applied shortly after the batch commits)

        var e = Gql.ok(creator, """
                { earnings { diamonds { pending available inPayout } cashValue { amount currency }
                    totals { gifts coins diamonds }
                    byStream { stream { id } gifts diamonds }
                    byGift { gift { name } quantity diamonds }
                    topSupporters(first: 2) { supporter { id } coins }
                    hourOfDay { hour gifts diamonds } } }
                """);
        assertEquals(1010, e.getLong("data.earnings.diamonds.pending"));
        assertEquals(0, e.getLong("data.earnings.diamonds.available"));
        assertEquals("5.05", e.getString("data.earnings.cashValue.amount")); // 1010 x 0.005
        assertEquals(2, e.getLong("data.earnings.totals.gifts"));
        assertEquals(2020, e.getLong("data.earnings.totals.coins"));
        // totals count whole hours: a range within one hour, or from a time past the default end, is an empty question
        for (String range : new String[] { "from: \"2026-11-01T10:05:00Z\", to: \"2026-11-01T10:55:00Z\"", "from: \"9000-01-01T00:00:00Z\"" }) {
            var empty = Gql.post(creator, "{ earnings { totals(" + range + ") { coins } } }", null);
            assertEquals("BAD_USER_INPUT", Gql.errorCode(empty), range + ": " + empty.asString());
        }
        assertEquals(stream, e.getString("data.earnings.byStream[0].stream.id"));
        assertEquals("Galaxy", e.getString("data.earnings.byGift[0].gift.name"));
        assertEquals(2, e.getLong("data.earnings.byGift[0].quantity"));
        assertEquals(big.id(), e.getString("data.earnings.topSupporters[0].supporter.id"));
        assertEquals(24, e.getList("data.earnings.hourOfDay").size());
        assertEquals(2L, e.<Map<String, Object>> getList("data.earnings.hourOfDay").stream()
                .mapToLong(h -> ((Number) h.get("gifts")).longValue()).sum());

        var top = Gql.ok(null, "query($s: ID!) { topGifters(streamId: $s, first: 5) { supporter { displayName } coins gifts } }",
                Gql.vars("s", stream));
        assertEquals(2000, top.getLong("data.topGifters[0].coins"));
        assertEquals(2, top.getList("data.topGifters").size());

        var received = Gql.ok(creator, "{ giftsReceived(first: 5) { nodes { coins creatorDiamonds platformCommission value { amount } } } }");
        assertEquals(2, received.getList("data.giftsReceived.nodes").size());
        assertNotNull(received.getString("data.giftsReceived.nodes[0].value.amount"));
        assertEquals("FORBIDDEN", Gql.errorCode(Gql.post(big.token(), "{ earnings { diamonds { pending } } }", null)));
    }

    @Test
    void ratesArePublicAndVersioned() {
        var r = Gql.ok(null, "{ rates { version creatorShare { numerator denominator percent } diamondValue { amount currency } coinBasePrice(region: \"US\") { coins price { amount } } effectiveFrom rounding } }");
        assertEquals(2, r.getLong("data.rates.creatorShare.denominator"));
        assertEquals("50", r.getString("data.rates.creatorShare.percent"));
        assertEquals("0.005", r.getString("data.rates.diamondValue.amount"));
        assertEquals(70, r.getLong("data.rates.coinBasePrice.coins"));
        assertEquals("0.99", r.getString("data.rates.coinBasePrice.price.amount"));
        var denied = Gql.post(Tokens.viewer("v"), "mutation { setRates(input: {creatorShare: {numerator: 9, denominator: 10}}) { rates { version } } }", null);
        assertEquals("FORBIDDEN", Gql.errorCode(denied));
        var bad = Gql.ok(Tokens.admin(), "mutation { setRates(input: {creatorShare: {numerator: 3, denominator: 2}}) { rates { version } userErrors { code } } }");
        assertEquals("INVALID_INPUT", bad.getString("data.setRates.userErrors[0].code"));
        var past = Gql.ok(Tokens.admin(), "mutation { setRates(input: {creatorShare: {numerator: 1, denominator: 2}, effectiveFrom: \"2020-01-01T00:00:00Z\"}) { userErrors { code } } }");
        assertEquals("INVALID_INPUT", past.getString("data.setRates.userErrors[0].code"));
        // an input that names no change publishes no version (an empty list is no change either)
        for (String nothing : new String[] { "{}", "{effectiveFrom: \"2099-01-01T00:00:00Z\"}", "{diamondValues: [], coinBasePrices: []}" }) {
            var none = Gql.ok(Tokens.admin(), "mutation { setRates(input: " + nothing + ") { rates { version } userErrors { code field } } }");
            assertEquals("INVALID_INPUT", none.getString("data.setRates.userErrors[0].code"), nothing);
            assertEquals(List.of("input"), none.getList("data.setRates.userErrors[0].field"), nothing);
        }
        assertEquals(r.getInt("data.rates.version"), Gql.ok(null, "{ rates { version } }").getInt("data.rates.version"));
        // a version scheduled for next year changes nothing today
        var future = Gql.ok(Tokens.admin(), "mutation { setRates(input: {creatorShare: {numerator: 3, denominator: 5}, effectiveFrom: \"2099-01-01T00:00:00Z\", diamondValues: [{amount: \"0.0045\", currency: \"USD\"}]}) { rates { version effectiveFrom diamondValue { amount } } userErrors { code } } }");
        assertEquals(List.of(), future.getList("data.setRates.userErrors"));
        assertEquals("0.0045", future.getString("data.setRates.rates.diamondValue.amount"));
        assertEquals(r.getInt("data.rates.version"), Gql.ok(null, "{ rates { version } }").getInt("data.rates.version"));
        assertEquals("60", Gql.ok(null, "{ rates(at: \"2099-06-01T00:00:00Z\") { creatorShare { percent } } }").getString("data.rates.creatorShare.percent"));
    }
}
