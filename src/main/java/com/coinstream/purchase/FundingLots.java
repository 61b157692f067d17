package com.coinstream.purchase;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import com.coinstream.ledger.EntryKind;

/**
 * Which coins paid for which gift: the refund attribution rule, replayed over a wallet's history.
 * <ul>
 * <li>Every credit of new coins (a purchase, a grant) is a <b>lot</b>, queued in ledger order.</li>
 * <li>Every debit (a gift, a debt settlement) takes from the oldest lot that still holds coins (FIFO).</li>
 * <li>A reversed gift's coins go back to the very lots they came from; the lots keep their place.</li>
 * <li>Reversing purchase P claws its coins back from P's own lot first, and only for coins of P that went
 * into gifts that could no longer be reversed, from the other lots, oldest first.</li>
 * </ul>
 * So a lot that was clawed back or repaid is empty and funds nothing later, and returned coins never
 * become a new lot. Pure logic: the caller feeds the history in ledger order.
 */
public final class FundingLots {
    private final List<Lot> lots = new ArrayList<>();
    private final Map<UUID, Integer> lotBySource = new HashMap<>();
    /** Per gift still standing (not reversed): the coins it took from each lot, by lot index. */
    private final Map<UUID, Map<Integer, Long>> gifts = new LinkedHashMap<>();
    /** No lot before this index holds coins. */
    private int firstFull;
    private long unfunded;

    /** One journal entry's net effect on the wallet, in ledger order. */
    public record WalletEntry(long entryId, String kind, UUID cause, long amount) {
    }

    /** What a past REVERSAL entry did: the purchase it reversed, the gifts it reversed and the coins it clawed back. */
    public record ReversalFacts(UUID purchase, Set<UUID> gifts, long clawed) {
    }

    /** Replay a wallet's history (entries in ledger order; reversals by entry id). */
    public static FundingLots replay(List<WalletEntry> history, Map<Long, ReversalFacts> reversals) {
        FundingLots lots = new FundingLots();
        for (WalletEntry e : history) {
            ReversalFacts reversal = reversals.get(e.entryId());
            if (reversal != null) {
                lots.reversal(reversal.purchase(), reversal.gifts(), reversal.clawed());
            } else if (EntryKind.GIFT.name().equals(e.kind()) && e.amount() < 0) {
                lots.gift(e.cause(), -e.amount());
            } else if (e.amount() > 0) {
                lots.credit(e.cause() != null ? e.cause() : new UUID(0, e.entryId()), e.amount());
            } else if (e.amount() < 0) {
                lots.debit(-e.amount());
            }
        }
        return lots;
    }

    private static final class Lot {
        final UUID source;
        long remaining;

        Lot(UUID source, long coins) {
            this.source = source;
            this.remaining = coins;
        }
    }

    /** New coins in the wallet: {@code source} is the purchase (or grant) they came from. */
    public void credit(UUID source, long coins) {
        lotBySource.putIfAbsent(source, lots.size());
        lots.add(new Lot(source, coins));
    }

    /** A gift of {@code coins}, funded oldest lot first. */
    public void gift(UUID giftId, long coins) {
        gifts.put(giftId, take(coins, null));
    }

    /** Coins leaving the wallet for anything but a gift (a debt settlement), oldest lot first. */
    public void debit(long coins) {
        take(coins, null);
    }

    /** Reversal of {@code purchase}: the reversed gifts' coins return to their lots, then {@code clawed} coins leave, P's lot first. */
    public void reversal(UUID purchase, Set<UUID> reversedGifts, long clawed) {
        reverseGifts(reversedGifts);
        take(clawed, lotBySource.get(purchase));
    }

    /** Gifts (in order) that took coins from {@code purchase}'s lot and were not reversed. */
    public List<UUID> giftsFundedBy(UUID purchase) {
        Integer lot = lotBySource.get(purchase);
        List<UUID> funded = new ArrayList<>();
        if (lot != null) {
            gifts.forEach((gift, taken) -> {
                if (taken.containsKey(lot)) {
                    funded.add(gift);
                }
            });
        }
        return funded;
    }

    /** Coins the wallet holds according to the lots. */
    public long balance() {
        return lots.stream().mapToLong(l -> l.remaining).sum();
    }

    /** What is left of {@code source}'s lot (0 if there is none). */
    public long remaining(UUID source) {
        Integer lot = lotBySource.get(source);
        return lot == null ? 0 : lots.get(lot).remaining;
    }

    /** Coins debited that no lot covered: zero for a consistent history. */
    public long unfunded() {
        return unfunded;
    }

    private void reverseGifts(Set<UUID> reversed) {
        for (UUID gift : reversed) {
            Map<Integer, Long> taken = gifts.remove(gift);
            if (taken != null) {
                taken.forEach((lot, coins) -> {
                    lots.get(lot).remaining += coins;
                    firstFull = Math.min(firstFull, lot);
                });
            }
        }
    }

    /** Take coins from {@code preferred} first (if given), then oldest first; returns what came from where. */
    private Map<Integer, Long> take(long coins, Integer preferred) {
        Map<Integer, Long> taken = new LinkedHashMap<>();
        long left = coins;
        if (preferred != null) {
            left -= takeFrom(preferred, left, taken);
        }
        while (left > 0 && firstFull < lots.size()) {
            if (lots.get(firstFull).remaining == 0) {
                firstFull++;
            } else {
                left -= takeFrom(firstFull, left, taken);
            }
        }
        unfunded += left;
        return taken;
    }

    private long takeFrom(int lot, long wanted, Map<Integer, Long> taken) {
        long take = Math.min(wanted, lots.get(lot).remaining);
        if (take > 0) {
            lots.get(lot).remaining -= take;
            taken.merge(lot, take, Long::sum);
        }
        return take;
    }
}
