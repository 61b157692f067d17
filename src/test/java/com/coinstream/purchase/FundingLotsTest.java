package com.coinstream.purchase;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.junit.jupiter.api.Test;

/** The refund attribution rule, as plain logic. */
@org.junit.jupiter.api.Tag("fast")
class FundingLotsTest {
    final UUID p1 = UUID.randomUUID();
    final UUID p2 = UUID.randomUUID();
    final UUID g1 = UUID.randomUUID();
    final UUID g2 = UUID.randomUUID();

    @Test
    void giftsTakeFromTheOldestLotFirst() {
        FundingLots lots = new FundingLots();
        lots.credit(p1, 350);
        lots.credit(p2, 350);
        lots.gift(g1, 400);
        assertEquals(List.of(g1), lots.giftsFundedBy(p1));
        assertEquals(List.of(g1), lots.giftsFundedBy(p2));
        assertEquals(0, lots.remaining(p1));
        assertEquals(300, lots.remaining(p2));
    }

    @Test
    void aClawedBackLotFundsNothingLater() {
        // buy P1, gift, refund P1 (the gift reversed, P1 clawed back), buy P2, gift: the second gift is P2's.
        FundingLots lots = new FundingLots();
        lots.credit(p1, 350);
        lots.gift(g1, 100);
        lots.reversal(p1, Set.of(g1), 350);
        assertEquals(0, lots.balance());
        lots.credit(p2, 350);
        lots.gift(g2, 100);
        assertEquals(List.of(), lots.giftsFundedBy(p1));
        assertEquals(List.of(g2), lots.giftsFundedBy(p2));
    }

    @Test
    void reversedGiftsReturnCoinsToTheLotsTheyCameFrom() {
        // P1 and P2 bought, a gift, refund P1; another gift: it comes from P2, not from P1's returned coins.
        FundingLots lots = new FundingLots();
        lots.credit(p1, 350);
        lots.credit(p2, 350);
        lots.gift(g1, 100);
        lots.reversal(p1, Set.of(g1), 350);
        assertEquals(350, lots.remaining(p2));
        lots.gift(g2, 100);
        assertEquals(List.of(g2), lots.giftsFundedBy(p2));
        assertEquals(250, lots.remaining(p2));
    }

    @Test
    void aClawbackBeyondItsOwnLotTakesTheOldestOtherCoins() {
        // P1's coins went into a gift that matured (not reversed): the clawback takes what is left of P1, then P2's.
        FundingLots lots = new FundingLots();
        lots.credit(p1, 350);
        lots.gift(g1, 300);
        lots.credit(p2, 350);
        lots.reversal(p1, Set.of(), 350);
        assertEquals(0, lots.remaining(p1));
        assertEquals(50, lots.remaining(p2));
        lots.gift(g2, 50);
        assertEquals(List.of(g2), lots.giftsFundedBy(p2));
    }

    @Test
    void debtSettlementsTakeTheOldestCoins() {
        UUID grant = UUID.randomUUID();
        FundingLots lots = new FundingLots();
        lots.credit(grant, 10);
        lots.credit(p1, 350);
        lots.debit(40);
        assertEquals(0, lots.remaining(grant));
        assertEquals(320, lots.remaining(p1));
        assertEquals(0, lots.unfunded());
    }

    @Test
    void replayReadsTheHistoryOfEntries() {
        UUID reversal = UUID.randomUUID();
        FundingLots lots = FundingLots.replay(List.of(
                new FundingLots.WalletEntry(1, "PURCHASE", p1, 350),
                new FundingLots.WalletEntry(2, "GIFT", g1, -100),
                new FundingLots.WalletEntry(3, "REVERSAL", reversal, 100 - 350),
                new FundingLots.WalletEntry(4, "PURCHASE", p2, 350),
                new FundingLots.WalletEntry(5, "GIFT", g2, -100)),
                Map.of(3L, new FundingLots.ReversalFacts(p1, Set.of(g1), 350)));
        assertEquals(250, lots.balance());
        assertEquals(List.of(g2), lots.giftsFundedBy(p2));
        assertEquals(List.of(), lots.giftsFundedBy(p1));
    }
}
