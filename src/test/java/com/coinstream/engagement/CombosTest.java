package com.coinstream.engagement;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/** Combos from committed gifts alone: the window's edge, anonymity, late commits, ends. */
@Tag("fast")
class CombosTest {
    static final Instant T0 = Instant.parse("2026-11-30T12:00:00Z");
    static final UUID ROSE = UUID.randomUUID();
    static final UUID HEART = UUID.randomUUID();
    static int n;

    static Combos.Gift gift(String sender, boolean anonymous, UUID gift, int quantity, long millis) {
        return new Combos.Gift("e" + (++n), sender, anonymous ? "Anonymous" : sender, anonymous, gift, quantity, quantity, T0.plusMillis(millis));
    }

    @Test
    void aGiftExactlyAtTheWindowsEdgeExtendsTheComboAndOneMillisecondLaterStartsANewOne() {
        Combos combos = new Combos(Duration.ofSeconds(3));
        Combos.Combo first = combos.add(gift("ann", false, ROSE, 2, 0)).get(0);
        List<Combos.Combo> atEdge = combos.add(gift("ann", false, ROSE, 1, 3000));
        assertEquals(1, atEdge.size());
        assertEquals(first.id(), atEdge.get(0).id());
        assertEquals(3, atEdge.get(0).count());
        assertEquals(T0.plusMillis(6000), atEdge.get(0).endsAt(), "the window runs from the last gift");

        List<Combos.Combo> past = combos.add(gift("ann", false, ROSE, 1, 6001));
        assertEquals(2, past.size(), "the old combo's end, then the new one");
        assertTrue(past.get(0).ended());
        assertEquals(first.id(), past.get(0).id());
        assertEquals(3, past.get(0).count());
        assertNotEquals(first.id(), past.get(1).id());
        assertEquals(1, past.get(1).count());
    }

    @Test
    void otherSendersOtherGiftsAndAnonymityAreOtherCombos() {
        Combos combos = new Combos(Duration.ofSeconds(3));
        String a = combos.add(gift("ann", false, ROSE, 1, 0)).get(0).id();
        String b = combos.add(gift("bob", false, ROSE, 1, 10)).get(0).id();
        String c = combos.add(gift("ann", false, HEART, 1, 20)).get(0).id();
        String d = combos.add(gift("ann", true, ROSE, 1, 30)).get(0).id();
        assertEquals(4, List.of(a, b, c, d).stream().distinct().count());
        assertEquals(a, combos.add(gift("ann", false, ROSE, 1, 40)).get(0).id(), "interleaved gifts do not break a streak");
    }

    @Test
    void anonymousGiftsOfOneGiftAreOneComboWhoeverSentThem() {
        Combos combos = new Combos(Duration.ofSeconds(3));
        String first = combos.add(gift("ann", true, ROSE, 1, 0)).get(0).id();
        Combos.Combo both = combos.add(gift("bob", true, ROSE, 2, 10)).get(0);
        assertEquals(first, both.id(), "a combo per anonymous sender would count them and tie each one's gifts together");
        assertEquals(3, both.count());
        assertEquals("Anonymous", both.senderName());
        assertNotEquals(first, combos.add(gift("ann", true, HEART, 1, 20)).get(0).id(), "another gift is another combo");
        combos.rename("ann", "Erased user 00000000");
        assertEquals("Anonymous", combos.add(gift("cat", true, ROSE, 1, 30)).get(0).senderName(), "erasing one of them renames nothing");
    }

    @Test
    void aGiftCommittedOutOfOrderStillCountsAndCombosEndOnceTheirWindowHasPassed() {
        Combos combos = new Combos(Duration.ofSeconds(3));
        combos.add(gift("ann", false, ROSE, 1, 1000));
        Combos.Combo late = combos.add(gift("ann", false, ROSE, 1, 500)).get(0); // requested earlier, committed later
        assertEquals(2, late.count());
        assertEquals(T0.plusMillis(4000), late.endsAt(), "the later request time bounds the window");
        assertTrue(combos.endBefore(T0.plusMillis(4000)).isEmpty());
        List<Combos.Combo> ended = combos.endBefore(T0.plusMillis(4001));
        assertEquals(1, ended.size());
        assertTrue(ended.get(0).ended());
        assertEquals(2, ended.get(0).count());
        assertTrue(combos.isEmpty());
        assertFalse(combos.add(gift("ann", false, ROSE, 1, 5000)).get(0).ended());
    }
}
