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
import com.coinstream.support.Race;

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
        String[] creator = Gifting.liveCreator("hot");
        String[] viewer = Gifting.fundedViewer("racer", 500); // exactly 100 Finger Hearts
        List<String> outcomes = Race.run(200, i -> {
            var r = Gifting.send(viewer[1], creator[2], Gifting.FINGER_HEART, 1, Flows.key());
            String code = Gifting.code(r);
            return code == null ? "SENT" : code;
        });
        Map<String, Long> counts = outcomes.stream().collect(Collectors.groupingBy(Function.identity(), Collectors.counting()));
        assertEquals(Map.of("SENT", 100L, "INSUFFICIENT_COINS", 100L), counts);
        assertEquals(0, Flows.coins(viewer[1]));
        assertEquals(100 * 2, pending(creator[0]));
        assertEquals(100, Gql.ok(viewer[1], "{ giftReceipts(first: 100) { nodes { id } pageInfo { hasNextPage } } }")
                .getList("data.giftReceipts.nodes").size());
    }

    @Test
    void fiveHundredGiftsFromManyViewersAllReachOneCreator() {
        String[] creator = Gifting.liveCreator("star");
        int viewers = 100;
        String[][] fans = new String[viewers][];
        for (int i = 0; i < viewers; i++) {
            fans[i] = Gifting.fundedViewer("fan" + i, 100);
        }
        List<Long> diamonds = Race.run(500, i -> {
            var r = Gifting.send(fans[i % viewers][1], creator[2], Gifting.PERFUME, 1, Flows.key());
            if (Gifting.code(r) != null) {
                throw new AssertionError("gift refused: " + r.prettify());
            }
            return r.getLong("data.sendGift.receipt.creatorDiamonds");
        });
        assertEquals(500 * 10, diamonds.stream().mapToLong(Long::longValue).sum());
        assertEquals(500 * 10, pending(creator[0]));
        var stream = Gql.ok(null, "query($id: ID!) { liveStream(id: $id) { totals { gifts coins diamonds } } }", Gql.vars("id", creator[2]));
        assertEquals(500, stream.getLong("data.liveStream.totals.gifts"));
        assertEquals(500 * 20, stream.getLong("data.liveStream.totals.coins"));
        for (String[] fan : fans) {
            assertEquals(0, Flows.coins(fan[1]));
        }
    }

    @Test
    void racingRequestsWithOneKeyHaveOneEffect() {
        String[] creator = Gifting.liveCreator("idemrace");
        String[] viewer = Gifting.fundedViewer("idemrace", 1000);
        String key = Flows.key();
        List<String> receipts = Race.run(100, i -> Gifting.send(viewer[1], creator[2], Gifting.PERFUME, 2, key)
                .getString("data.sendGift.receipt.id"));
        assertEquals(1, Set.copyOf(receipts).size(), receipts.toString());
        assertEquals(960, Flows.coins(viewer[1]));
        assertEquals(20, pending(creator[0]));
    }
}
