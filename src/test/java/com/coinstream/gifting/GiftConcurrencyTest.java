package com.coinstream.gifting;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

import jakarta.inject.Inject;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import com.coinstream.ledger.AccountKey;
import com.coinstream.ledger.AccountPurpose;
import com.coinstream.ledger.Asset;
import com.coinstream.ledger.Ledger;
import com.coinstream.support.Flows;
import com.coinstream.support.Gifting;
import com.coinstream.support.Gql;
import com.coinstream.support.LedgerChecks;
import com.coinstream.support.LiveCreator;
import com.coinstream.support.Race;
import com.coinstream.support.Viewer;

import io.quarkus.test.junit.QuarkusTest;

@QuarkusTest
class GiftConcurrencyTest {
    @Inject
    Ledger ledger;

    @AfterEach
    void ledgerStaysBalanced() {
        LedgerChecks.assertClean();
    }

    long pending(String creatorId) {
        return ledger.balance(AccountKey.user(creatorId, AccountPurpose.DIAMONDS_PENDING, Asset.DIAMOND)).await().indefinitely();
    }

    @Test
    void concurrentGiftsNeverOverdrawAWallet() {
        LiveCreator creator = Gifting.liveCreator("hot");
        Viewer viewer = Gifting.fundedViewer("racer", 500); // exactly 100 Finger Hearts
        List<String> outcomes = Race.run(200, i -> {
            var r = Gifting.send(viewer.token(), creator.stream(), Gifting.FINGER_HEART, 1, Flows.key());
            String code = Gifting.code(r);
            return code == null ? "SENT" : code;
        });
        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(Map.of("SENT", 100L, "INSUFFICIENT_COINS", 100L), counts);
        assertEquals(0, Flows.coins(viewer.token()));
        assertEquals(100 * 2, pending(creator.id()));
        assertEquals(100, Gql.ok(viewer.token(), "{ giftReceipts(first: 100) { nodes { id } pageInfo { hasNextPage } } }")
                .getList("data.giftReceipts.nodes").size());
    }

    @Test
    void fiveHundredGiftsFromManyViewersAllReachOneCreator() {
        LiveCreator creator = Gifting.liveCreator("star");
        int viewers = 100;
        Viewer[] fans = new Viewer[viewers];
        for (int i = 0; i < viewers; i++) {
            fans[i] = Gifting.fundedViewer("fan" + i, 100);
        }
        List<Long> diamonds = Race.run(500, i -> {
            var r = Gifting.send(fans[i % viewers].token(), creator.stream(), Gifting.PERFUME, 1, Flows.key());
            if (Gifting.code(r) != null) {
                throw new AssertionError("gift refused: " + r.prettify());
            }
            return r.getLong("data.sendGift.receipt.creatorDiamonds");
        });
        assertEquals(500 * 10, diamonds.stream().mapToLong(Long::longValue).sum());
        assertEquals(500 * 10, pending(creator.id()));
        var stream = Gql.ok(null, "query($id: ID!) { liveStream(id: $id) { totals { gifts coins diamonds } } }", Gql.vars("id", creator.stream()));
        assertEquals(500, stream.getLong("data.liveStream.totals.gifts"));
        assertEquals(500 * 20, stream.getLong("data.liveStream.totals.coins"));
        for (Viewer fan : fans) {
            assertEquals(0, Flows.coins(fan.token()));
        }
    }

    @Test
    void racingRequestsWithOneKeyHaveOneEffect() {
        LiveCreator creator = Gifting.liveCreator("idemrace");
        Viewer viewer = Gifting.fundedViewer("idemrace", 1000);
        String key = Flows.key();
        List<String> receipts = Race.run(100, i -> Gifting.send(viewer.token(), creator.stream(), Gifting.PERFUME, 2, key)
                .getString("data.sendGift.receipt.id"));
        assertEquals(1, Set.copyOf(receipts).size(), receipts.toString());
        assertEquals(960, Flows.coins(viewer.token()));
        assertEquals(20, pending(creator.id()));
    }

    @Test
    void oneViewerGiftingToManyStreamsAtOnceIsDebitedExactlyAcrossLanes() {
        // lanes are chosen by stream: eight streams spread over both lanes, and one wallet raced from all of them
        LiveCreator[] creators = new LiveCreator[8];
        for (int i = 0; i < creators.length; i++) {
            creators[i] = Gifting.liveCreator("spread" + i);
        }
        Viewer viewer = Gifting.fundedViewer("spreader", 500); // exactly 100 Finger Hearts
        List<String> outcomes = Race.run(200, i -> {
            String code = Gifting.code(Gifting.send(viewer.token(), creators[i % creators.length].stream(), Gifting.FINGER_HEART, 1, Flows.key()));
            return code == null ? "SENT" : code;
        });
        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(Map.of("SENT", 100L, "INSUFFICIENT_COINS", 100L), counts);
        assertEquals(0, Flows.coins(viewer.token()));
        long credited = 0;
        for (LiveCreator c : creators) {
            credited += pending(c.id());
        }
        assertEquals(100 * 2, credited);

        // one key sent to two streams at once, in two lanes (the default two: a stream's lane is its id's hash, odd or
        // even): one gift, and the other request is told the key was reused
        LiveCreator odd = java.util.Arrays.stream(creators).filter(c -> Math.floorMod(java.util.UUID.fromString(c.stream()).hashCode(), 2) == 1)
                .findFirst().orElseGet(() -> Gifting.liveCreator("spreadodd"));
        LiveCreator even = java.util.Arrays.stream(creators).filter(c -> Math.floorMod(java.util.UUID.fromString(c.stream()).hashCode(), 2) == 0)
                .findFirst().orElseGet(() -> Gifting.liveCreator("spreadeven"));
        LiveCreator[] apart = { odd, even };
        Viewer twice = Gifting.fundedViewer("spreadkey", 100);
        String key = Flows.key();
        List<String> codes = Race.run(20, i -> {
            String code = Gifting.code(Gifting.send(twice.token(), apart[i % 2].stream(), Gifting.FINGER_HEART, 1, key));
            return code == null ? "SENT" : code;
        });
        assertEquals(Set.of("SENT", "IDEMPOTENCY_KEY_REUSED"), Set.copyOf(codes), codes.toString());
        assertEquals(95, Flows.coins(twice.token()));
    }
}
