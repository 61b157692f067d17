package com.coinstream.engagement;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The gift streaks of one stream, derived from its committed gifts alone: named gifts of one gift from one sender form a
 * combo while each arrives within {@code window} of the previous one, by the gifts' own request times. Anonymous gifts of
 * one gift form one "Anonymous" combo whoever sent them, as anonymous gifts are one "Anonymous" row on the boards: a combo
 * per anonymous sender would show how many there are and what each gave, and tie each one's gifts together. The combo's id is its first gift's id; its count is the sum of the quantities. Every instance receives the same
 * committed gifts in the same order, so every instance derives the same combos. Not thread-safe: the caller serialises.
 */
public final class Combos {
    private final Duration window;
    private final Map<Key, Combo> open = new LinkedHashMap<>();

    public Combos(Duration window) {
        this.window = window;
    }

    /** A gift as combos need it. */
    public record Gift(String eventId, String senderId, String senderName, boolean anonymous, UUID giftId, long coins, int quantity,
            Instant at) {
    }

    /** A combo after a change: growing (ended false), or over with its totals (ended true). */
    public record Combo(String id, String senderName, boolean anonymous, UUID giftId, long count, int gifts, long coins, Instant startedAt,
            Instant lastAt, Instant endsAt, boolean ended) {

        Combo plus(Gift g, Duration window) {
            Instant last = g.at().isAfter(lastAt) ? g.at() : lastAt;
            return new Combo(id, senderName, anonymous, giftId, count + g.quantity(), gifts + 1, coins + g.coins(), startedAt, last,
                    last.plus(window), false);
        }

        Combo named(String name) {
            return new Combo(id, name, anonymous, giftId, count, gifts, coins, startedAt, lastAt, endsAt, ended);
        }

        Combo over() {
            return new Combo(id, senderName, anonymous, giftId, count, gifts, coins, startedAt, lastAt, endsAt, true);
        }
    }

    private record Key(String senderId, boolean anonymous, UUID giftId) {
    }

    /**
     * A committed gift: the combo it extends or starts, preceded by the end of a combo of the same kind whose window had
     * already closed (when its end was not reported yet).
     */
    public List<Combo> add(Gift g) {
        Key key = new Key(g.anonymous() ? "" : g.senderId(), g.anonymous(), g.giftId());
        Combo current = open.get(key);
        List<Combo> changes = new ArrayList<>(2);
        Combo next;
        if (current != null && !g.at().isAfter(current.endsAt())) {
            next = current.plus(g, window);
        } else {
            if (current != null) {
                changes.add(current.over());
            }
            next = new Combo(g.eventId(), g.senderName(), g.anonymous(), g.giftId(), g.quantity(), 1, g.coins(), g.at(), g.at(),
                    g.at().plus(window), false);
        }
        open.remove(key);
        open.put(key, next); // (re-inserted: the map stays in order of last change)
        changes.add(next);
        return changes;
    }

    /** The combos whose window closed before {@code before}: ended, with their totals. */
    public List<Combo> endBefore(Instant before) {
        List<Combo> ended = new ArrayList<>();
        for (Iterator<Combo> it = open.values().iterator(); it.hasNext();) {
            Combo c = it.next();
            if (c.endsAt().isBefore(before)) {
                ended.add(c.over());
                it.remove();
            }
        }
        return ended;
    }

    /**
     * Their sender was erased while these combos were open: the updates and ends still to come carry the pseudonym
     * (an anonymous combo stays "Anonymous").
     */
    public void rename(String senderId, String name) {
        open.replaceAll((key, combo) -> key.senderId().equals(senderId) && !key.anonymous() ? combo.named(name) : combo);
    }

    public boolean isEmpty() {
        return open.isEmpty();
    }
}
